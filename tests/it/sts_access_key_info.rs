//! STS GetAccessKeyInfo: the account a key id belongs to, read from the id itself.

use crate::common::{self, aws_error, create_access_key, create_user};

async fn account_of(server: &common::Server, key: &str) -> String {
    let out = server
        .sts()
        .get_access_key_info()
        .access_key_id(key)
        .send()
        .await
        .unwrap();
    out.account().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_created_users_key_belongs_to_the_default_account() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    let (key, _) = create_access_key(&iam, "kim").await;
    assert_eq!(account_of(&server, &key).await, "000000000000");
}

#[tokio::test]
async fn a_key_id_shorter_than_sixteen_characters_is_a_validation_error_that_echoes_it() {
    // AWS's model bounds AccessKeyId to 16..128 characters, so even iamd's own `test` key is
    // refused here; STS echoes the value, unlike IAM.
    let server = common::spawn().await;
    let error = aws_error(
        server
            .sts()
            .get_access_key_info()
            .access_key_id("test")
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value 'test' at 'accessKeyId' failed to satisfy constraint: \
         Member must have length greater than or equal to 16",
    );
}

#[tokio::test]
async fn a_key_minted_for_another_account_names_that_account() {
    let server = common::spawn().await;
    let (key, secret) = common::create_account(&server, "123456789012").await;
    assert_eq!(account_of(&server, &key).await, "123456789012");

    // A user key of that account, asked about from the default account.
    let other = server.iam_as(&key, &secret);
    create_user(&other, "remote").await;
    let (user_key, _) = create_access_key(&other, "remote").await;
    assert_eq!(account_of(&server, &user_key).await, "123456789012");
}

#[tokio::test]
async fn a_deleted_key_still_names_its_account() {
    let server = common::spawn().await;
    let (key, secret) = common::create_account(&server, "123456789012").await;
    let other = server.iam_as(&key, &secret);
    create_user(&other, "remote").await;
    let (user_key, _) = create_access_key(&other, "remote").await;
    other
        .delete_access_key()
        .user_name("remote")
        .access_key_id(&user_key)
        .send()
        .await
        .unwrap();
    assert_eq!(account_of(&server, &user_key).await, "123456789012");
}

#[tokio::test]
async fn a_key_iamd_never_issued_is_decoded_like_aws_does() {
    // A temporary key id from AWS's documentation and the account it documents.
    let server = common::spawn().await;
    assert_eq!(
        account_of(&server, "ASIAY34FZKBOKMUTVV7A").await,
        "609629065308"
    );
}

#[tokio::test]
async fn a_too_short_key_id_is_a_validation_error_that_echoes_the_value() {
    let server = common::spawn().await;
    let error = aws_error(
        server
            .sts()
            .get_access_key_info()
            .access_key_id("AKIASHORT")
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value 'AKIASHORT' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16",
    );
}
