//! The AWS SDK for Rust's own role-assuming credentials provider
//! (`aws_config::sts::AssumeRoleProvider`) against iamd: it assumes a cross-account role with
//! an external id, signs later calls with the session, and fetches a new session when asked.

use aws_config::identity::IdentityCache;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_sts::error::DisplayErrorContext;
use aws_smithy_runtime_api::client::identity::SharedIdentityCache;
use serde_json::json;

use crate::common::{self, ACCOUNT, aws_error, create_access_key_only, create_user};

const PARTNER: &str = "333333333333";
const EXPIRED_TOKEN: &str = "The security token included in the request is expired";

fn role_arn() -> String {
    format!("arn:aws:iam::{PARTNER}:role/Deployer")
}

/// Account `PARTNER` with role `Deployer` (trusting the default account with external id
/// `ext-rust`, allowed to list roles), and user `alice` who may assume it. Returns alice's
/// key and secret.
async fn setup(server: &common::Server) -> (String, String) {
    let (key, secret) = common::create_account(server, PARTNER).await;
    let b = server.iam_as(&key, &secret);
    b.create_role()
        .role_name("Deployer")
        .assume_role_policy_document(
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "ext-rust"}}}]})
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    b.put_role_policy()
        .role_name("Deployer")
        .policy_name("list")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    let iam = server.iam();
    create_user(&iam, "alice").await;
    iam.put_user_policy()
        .user_name("alice")
        .policy_name("assume")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    create_access_key_only(&iam, "alice").await
}

/// SDK settings for iamd loaded the way applications load them (`aws_config::defaults`, which
/// also supplies the time source the provider needs), signing with a long-term key.
async fn loaded_config(server: &common::Server, key: &str, secret: &str) -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(&server.endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(key, secret, None, None, "iamd-tests"))
        .retry_config(RetryConfig::disabled())
        .load()
        .await
}

/// The provider, configured from alice's SDK settings (endpoint, region, long-term key).
async fn assume_role_provider(
    server: &common::Server,
    key: &str,
    secret: &str,
    external_id: &str,
) -> AssumeRoleProvider {
    AssumeRoleProvider::builder(role_arn())
        .session_name("rust-provider")
        .external_id(external_id)
        .configure(&loaded_config(server, key, secret).await)
        .build()
        .await
}

/// SDK settings whose credentials come from `provider`, cached by the client with `cache`
/// (the SDK's default lazy cache when `None`).
async fn config_with(
    server: &common::Server,
    key: &str,
    secret: &str,
    provider: AssumeRoleProvider,
    cache: Option<SharedIdentityCache>,
) -> aws_config::SdkConfig {
    let mut builder = loaded_config(server, key, secret)
        .await
        .into_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider));
    if let Some(cache) = cache {
        builder = builder.identity_cache(cache);
    }
    builder.build()
}

#[tokio::test]
async fn the_provider_assumes_the_cross_account_role_and_signs_with_the_session() {
    let server = common::spawn().await;
    let (key, secret) = setup(&server).await;
    let provider = assume_role_provider(&server, &key, &secret, "ext-rust").await;
    let credentials = provider.provide_credentials().await.unwrap();
    assert!(credentials.access_key_id().starts_with("ASIA"));
    assert!(credentials.session_token().is_some());
    assert!(credentials.expiry().is_some());

    let config = config_with(&server, &key, &secret, provider, None).await;
    let identity = aws_sdk_sts::Client::new(&config)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        identity.arn(),
        Some(format!("arn:aws:sts::{PARTNER}:assumed-role/Deployer/rust-provider").as_str())
    );
    assert_eq!(identity.account(), Some(PARTNER));
    let iam = aws_sdk_iam::Client::new(&config);
    let roles = iam.list_roles().send().await.unwrap().roles;
    assert_eq!(roles.len(), 1);
    assert_eq!(roles[0].arn(), role_arn());
    let denied = aws_error(iam.list_users().send().await);
    denied.assert_denied_any_resource(
        &format!("arn:aws:sts::{PARTNER}:assumed-role/Deployer/rust-provider"),
        "iam:ListUsers",
        "because no identity-based policy allows the iam:ListUsers action",
    );
}

#[tokio::test]
async fn a_wrong_external_id_surfaces_as_the_providers_error() {
    let server = common::spawn().await;
    let (key, secret) = setup(&server).await;
    let provider = assume_role_provider(&server, &key, &secret, "ext-wrong").await;
    let error = provider.provide_credentials().await.unwrap_err();
    let text = format!("{}", DisplayErrorContext(&error));
    assert!(text.contains("AccessDenied"), "{text}");
    assert!(
        text.contains(&format!(
            "User: arn:aws:iam::{ACCOUNT}:user/alice is not authorized to perform: \
             sts:AssumeRole on resource: {}",
            role_arn()
        )),
        "{text}"
    );
    // A client using it fails before sending anything to IAM.
    let config = config_with(&server, &key, &secret, provider, None).await;
    let result = aws_sdk_iam::Client::new(&config).list_roles().send().await;
    let text = format!("{}", DisplayErrorContext(result.unwrap_err()));
    assert!(text.contains("AccessDenied"), "{text}");
}

#[tokio::test]
async fn the_sdks_cache_judges_expiry_by_its_own_clock_so_a_moved_iamd_clock_reaches_the_server() {
    // With the default identity cache the client keeps the session until the expiry iamd
    // wrote in it, measured on the wall clock; iamd's moved clock is invisible to it, so the
    // next call carries the expired session and iamd refuses it as AWS would.
    let server = common::spawn().await;
    let (key, secret) = setup(&server).await;
    let provider = assume_role_provider(&server, &key, &secret, "ext-rust").await;
    let iam = aws_sdk_iam::Client::new(&config_with(&server, &key, &secret, provider, None).await);
    assert!(iam.list_roles().send().await.is_ok());
    server.advance_clock(3700).await;
    aws_error(iam.list_roles().send().await).assert_is("ExpiredToken", 403, EXPIRED_TOKEN);
}

#[tokio::test]
async fn without_the_cache_the_provider_fetches_a_fresh_session_for_every_call() {
    // The provider itself caches nothing: every request for credentials is a new AssumeRole,
    // so after iamd's clock passes the old session's expiry the next call still succeeds.
    let server = common::spawn().await;
    let (key, secret) = setup(&server).await;
    let first = assume_role_provider(&server, &key, &secret, "ext-rust")
        .await
        .provide_credentials()
        .await
        .unwrap();
    let provider = assume_role_provider(&server, &key, &secret, "ext-rust").await;
    let iam = aws_sdk_iam::Client::new(
        &config_with(
            &server,
            &key,
            &secret,
            provider,
            Some(IdentityCache::no_cache()),
        )
        .await,
    );
    assert!(iam.list_roles().send().await.is_ok());
    server.advance_clock(3700).await;
    // The session fetched before the move has expired for iamd...
    let stale = aws_sdk_iam::Client::new(&server.sdk_config_as(
        first.access_key_id(),
        first.secret_access_key(),
        first.session_token(),
    ));
    aws_error(stale.list_roles().send().await).assert_is("ExpiredToken", 403, EXPIRED_TOKEN);
    // ...and the uncached client transparently gets and uses a new one.
    let roles = iam.list_roles().send().await.unwrap().roles;
    assert_eq!(roles[0].arn(), role_arn());
    let identity = aws_sdk_sts::Client::new(
        &config_with(
            &server,
            &key,
            &secret,
            assume_role_provider(&server, &key, &secret, "ext-rust").await,
            Some(IdentityCache::no_cache()),
        )
        .await,
    )
    .get_caller_identity()
    .send()
    .await
    .unwrap();
    assert_eq!(
        identity.arn(),
        Some(format!("arn:aws:sts::{PARTNER}:assumed-role/Deployer/rust-provider").as_str())
    );
}
