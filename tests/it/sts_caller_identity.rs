//! GetCallerIdentity through the AWS SDK for Rust: the root principal, other accounts, `off` mode.

use crate::common::{self, aws_error};

#[tokio::test]
async fn root_key_test_test_is_the_default_accounts_root() {
    let server = common::spawn().await;
    let identity = server.sts().get_caller_identity().send().await.unwrap();
    assert_eq!(identity.account(), Some("000000000000"));
    assert_eq!(identity.arn(), Some("arn:aws:iam::000000000000:root"));
    assert_eq!(identity.user_id(), Some("000000000000"));
}

#[tokio::test]
async fn a_wrong_secret_is_signature_does_not_match() {
    let server = common::spawn().await;
    let sts = aws_sdk_sts::Client::new(&server.sdk_config_as("test", "not-the-secret", None));
    let error = aws_error(sts.get_caller_identity().send().await);
    assert_eq!(error.code, "SignatureDoesNotMatch");
    assert_eq!(error.status, 403);
    assert!(
        error
            .message
            .starts_with("The request signature we calculated does not match")
    );
}

#[tokio::test]
async fn an_unknown_key_is_invalid_client_token_id() {
    let server = common::spawn().await;
    let sts = aws_sdk_sts::Client::new(&server.sdk_config_as("AKIAUNKNOWNUNKNOWN00", "x", None));
    let error = aws_error(sts.get_caller_identity().send().await);
    assert_eq!(error.code, "InvalidClientTokenId");
    assert_eq!(error.status, 403);
    assert_eq!(
        error.message,
        "The security token included in the request is invalid."
    );
}

#[tokio::test]
async fn a_session_token_with_a_long_term_key_is_refused() {
    let server = common::spawn().await;
    let sts = aws_sdk_sts::Client::new(&server.sdk_config_as("test", "test", Some("bogus-token")));
    let error = aws_error(sts.get_caller_identity().send().await);
    assert_eq!(error.code, "InvalidClientTokenId");
    assert_eq!(error.status, 403);
}

#[tokio::test]
async fn a_configured_extra_account_signs_with_its_own_root_key() {
    let server = common::spawn_with(&[
        "--in-memory",
        "--account",
        "111111111111",
        "--account",
        "222222222222:AKIAEXTRAEXTRA000002:s3cret",
    ])
    .await;
    let first = aws_sdk_sts::Client::new(&server.sdk_config_as("111111111111", "test", None));
    let identity = first.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.arn(), Some("arn:aws:iam::111111111111:root"));
    let second =
        aws_sdk_sts::Client::new(&server.sdk_config_as("AKIAEXTRAEXTRA000002", "s3cret", None));
    let identity = second.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.account(), Some("222222222222"));
    // One account's key does not open another's with the wrong secret.
    let wrong =
        aws_sdk_sts::Client::new(&server.sdk_config_as("AKIAEXTRAEXTRA000002", "test", None));
    assert_eq!(
        aws_error(wrong.get_caller_identity().send().await).code,
        "SignatureDoesNotMatch"
    );
}

#[tokio::test]
async fn off_mode_accepts_any_credentials_and_a_twelve_digit_key_selects_the_account() {
    let server = common::spawn_with(&["--in-memory", "--auth-mode", "off"]).await;
    let anyone = aws_sdk_sts::Client::new(&server.sdk_config_as("whatever", "wrong", None));
    let identity = anyone.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.account(), Some("000000000000"));
    let other =
        aws_sdk_sts::Client::new(&server.sdk_config_as("123456789012", "wrong", Some("tok")));
    let identity = other.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.account(), Some("123456789012"));
    assert_eq!(identity.arn(), Some("arn:aws:iam::123456789012:root"));
}

#[tokio::test]
async fn strict_mode_does_not_create_accounts_from_key_ids() {
    let server = common::spawn().await;
    let sts = aws_sdk_sts::Client::new(&server.sdk_config_as("123456789012", "test", None));
    assert_eq!(
        aws_error(sts.get_caller_identity().send().await).code,
        "InvalidClientTokenId"
    );
    let (_, accounts) = common::admin(&server, "GET", "/_iamd/accounts", "").await;
    assert_eq!(accounts["accounts"].as_array().map(Vec::len), Some(1));
}
