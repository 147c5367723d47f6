//! IAM access keys through the AWS SDK for Rust: their format, the two-key quota, status
//! changes taking effect on the next signed call, root's own keys, and last-used tracking.

use aws_sdk_iam::types::{AccessKeyMetadata, StatusType};

use crate::common::{self, aws_error, create_access_key, create_user};

const INVALID_TOKEN: &str = "The security token included in the request is invalid.";
const KEY_QUOTA: &str = "Cannot exceed quota for AccessKeysPerUser: 2";

fn key_ids(keys: &[AccessKeyMetadata]) -> Vec<String> {
    keys.iter()
        .map(|k| k.access_key_id().unwrap_or_default().to_owned())
        .collect()
}

async fn keys_of(iam: &aws_sdk_iam::Client, user: &str) -> Vec<AccessKeyMetadata> {
    let out = iam.list_access_keys().user_name(user).send().await.unwrap();
    assert!(!out.is_truncated());
    out.access_key_metadata().to_vec()
}

async fn root_keys(iam: &aws_sdk_iam::Client) -> Vec<String> {
    let out = iam.list_access_keys().send().await.unwrap();
    key_ids(out.access_key_metadata())
}

#[tokio::test]
async fn a_new_access_key_has_aws_format_and_signs_at_once() {
    let server = common::spawn().await;
    let iam = server.iam();
    let user = iam
        .create_user()
        .user_name("kim")
        .path("/dev/")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    let key = iam
        .create_access_key()
        .user_name("kim")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    assert_eq!(key.user_name(), "kim");
    assert_eq!(key.status(), &StatusType::Active);
    let id = key.access_key_id();
    assert_eq!(id.len(), 20, "{id}");
    assert!(id.starts_with("AKIA"), "{id}");
    assert!(
        id[4..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c)),
        "{id}"
    );
    let secret = key.secret_access_key();
    assert_eq!(secret.len(), 40);
    assert!(
        secret
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '+'),
        "{secret}"
    );

    let identity = server
        .sts_as(id, secret)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        identity.arn(),
        Some("arn:aws:iam::000000000000:user/dev/kim")
    );
    assert_eq!(identity.user_id(), Some(user.user_id()));
    assert_eq!(identity.account(), Some("000000000000"));
}

#[tokio::test]
async fn list_access_keys_shows_metadata_without_secrets_oldest_first() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    let (first, _) = create_access_key(&iam, "kim").await;
    let (second, _) = create_access_key(&iam, "kim").await;
    let keys = keys_of(&iam, "KIM").await;
    assert_eq!(key_ids(&keys), [first, second]);
    for key in &keys {
        assert_eq!(key.user_name(), Some("kim"));
        assert_eq!(key.status(), Some(&StatusType::Active));
        assert!(key.create_date().is_some());
    }
}

#[tokio::test]
async fn a_third_access_key_for_a_user_is_limit_exceeded() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    let (first, _) = create_access_key(&iam, "kim").await;
    let (second, _) = create_access_key(&iam, "kim").await;
    let error = aws_error(iam.create_access_key().user_name("kim").send().await);
    error.assert_is("LimitExceeded", 409, KEY_QUOTA);
    assert_eq!(key_ids(&keys_of(&iam, "kim").await), [first, second]);
}

#[tokio::test]
async fn an_inactive_key_still_counts_toward_the_quota() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    let (first, _) = create_access_key(&iam, "kim").await;
    create_access_key(&iam, "kim").await;
    iam.update_access_key()
        .user_name("kim")
        .access_key_id(&first)
        .status(StatusType::Inactive)
        .send()
        .await
        .unwrap();
    let error = aws_error(iam.create_access_key().user_name("kim").send().await);
    error.assert_is("LimitExceeded", 409, KEY_QUOTA);
    assert_eq!(keys_of(&iam, "kim").await.len(), 2);
}

#[tokio::test]
async fn an_inactive_key_is_refused_until_it_is_reactivated() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    let (key, secret) = create_access_key(&iam, "kim").await;
    let sts = server.sts_as(&key, &secret);

    iam.update_access_key()
        .user_name("kim")
        .access_key_id(&key)
        .status(StatusType::Inactive)
        .send()
        .await
        .unwrap();
    let keys = keys_of(&iam, "kim").await;
    assert_eq!(keys[0].status(), Some(&StatusType::Inactive));
    let error = aws_error(sts.get_caller_identity().send().await);
    error.assert_is("InvalidClientTokenId", 403, INVALID_TOKEN);
    let error = aws_error(server.iam_as(&key, &secret).list_users().send().await);
    error.assert_is("InvalidClientTokenId", 403, INVALID_TOKEN);

    iam.update_access_key()
        .user_name("kim")
        .access_key_id(&key)
        .status(StatusType::Active)
        .send()
        .await
        .unwrap();
    assert_eq!(
        keys_of(&iam, "kim").await[0].status(),
        Some(&StatusType::Active)
    );
    let identity = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.arn(), Some("arn:aws:iam::000000000000:user/kim"));
}

#[tokio::test]
async fn a_deleted_key_is_invalid_client_token_id() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    let (key, secret) = create_access_key(&iam, "kim").await;
    iam.delete_access_key()
        .user_name("kim")
        .access_key_id(&key)
        .send()
        .await
        .unwrap();
    assert!(keys_of(&iam, "kim").await.is_empty());
    let error = aws_error(
        server
            .sts_as(&key, &secret)
            .get_caller_identity()
            .send()
            .await,
    );
    error.assert_is("InvalidClientTokenId", 403, INVALID_TOKEN);
}

#[tokio::test]
async fn root_without_a_user_name_lists_its_own_key_test() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    create_access_key(&iam, "kim").await;
    let out = iam.list_access_keys().send().await.unwrap();
    let keys = out.access_key_metadata();
    assert_eq!(key_ids(keys), ["test"]);
    assert_eq!(keys[0].status(), Some(&StatusType::Active));
}

#[tokio::test]
async fn root_can_create_one_more_key_of_its_own_and_a_third_is_limit_exceeded() {
    let server = common::spawn().await;
    let iam = server.iam();
    let key = iam
        .create_access_key()
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    assert!(key.access_key_id().starts_with("AKIA"));
    assert_eq!(key.user_name(), "", "a root key has no user name");
    let identity = server
        .sts_as(key.access_key_id(), key.secret_access_key())
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(identity.arn(), Some("arn:aws:iam::000000000000:root"));
    assert_eq!(identity.user_id(), Some("000000000000"));
    assert_eq!(root_keys(&iam).await, ["test", key.access_key_id()]);

    let error = aws_error(iam.create_access_key().send().await);
    error.assert_is("LimitExceeded", 409, KEY_QUOTA);
    assert_eq!(root_keys(&iam).await.len(), 2);
}

#[tokio::test]
async fn an_iam_user_without_a_user_name_manages_its_own_keys() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "self-service").await;
    let (key, secret) = create_access_key(&iam, "self-service").await;
    let as_user = server.iam_as(&key, &secret);

    let second = as_user
        .create_access_key()
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    assert_eq!(second.user_name(), "self-service");
    let mine = as_user.list_access_keys().send().await.unwrap();
    let mine = mine.access_key_metadata();
    assert_eq!(
        key_ids(mine),
        [key.clone(), second.access_key_id().to_owned()]
    );
    assert!(mine.iter().all(|k| k.user_name() == Some("self-service")));
    assert_eq!(root_keys(&iam).await, ["test"]);

    as_user
        .update_access_key()
        .access_key_id(second.access_key_id())
        .status(StatusType::Inactive)
        .send()
        .await
        .unwrap();
    as_user
        .delete_access_key()
        .access_key_id(second.access_key_id())
        .send()
        .await
        .unwrap();
    assert_eq!(key_ids(&keys_of(&iam, "self-service").await), [key]);
}

#[tokio::test]
async fn update_access_key_with_a_status_outside_the_enum_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    let (key, _) = create_access_key(&iam, "kim").await;
    let error = aws_error(
        iam.update_access_key()
            .user_name("kim")
            .access_key_id(&key)
            .status(StatusType::from("Bogus"))
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set",
    );
    assert_eq!(
        keys_of(&iam, "kim").await[0].status(),
        Some(&StatusType::Active)
    );
}

#[tokio::test]
async fn update_access_key_with_a_too_short_id_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    let error = aws_error(
        iam.update_access_key()
            .user_name("kim")
            .access_key_id("AKIASHORT")
            .status(StatusType::Inactive)
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16",
    );
}

#[tokio::test]
async fn update_access_key_of_an_unknown_key_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    let (key, _) = create_access_key(&iam, "kim").await;
    let error = aws_error(
        iam.update_access_key()
            .user_name("kim")
            .access_key_id("AKIAIOSFODNN7EXAMPLE")
            .status(StatusType::Inactive)
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found.",
    );
    let keys = keys_of(&iam, "kim").await;
    assert_eq!(key_ids(&keys), [key]);
    assert_eq!(keys[0].status(), Some(&StatusType::Active));
}

#[tokio::test]
async fn deleting_an_unknown_key_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    let error = aws_error(
        iam.delete_access_key()
            .user_name("kim")
            .access_key_id("AKIAIOSFODNN7EXAMPLE")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found.",
    );
}

#[tokio::test]
async fn a_key_named_under_another_user_is_no_such_entity_and_keeps_working() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "ann").await;
    create_user(&iam, "bob").await;
    let (key, secret) = create_access_key(&iam, "ann").await;
    let error = aws_error(
        iam.delete_access_key()
            .user_name("bob")
            .access_key_id(&key)
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        &format!("The Access Key with id {key} cannot be found."),
    );
    // Root's own keys do not include a user's key either.
    let error = aws_error(iam.delete_access_key().access_key_id(&key).send().await);
    error.assert_is(
        "NoSuchEntity",
        404,
        &format!("The Access Key with id {key} cannot be found."),
    );
    assert_eq!(key_ids(&keys_of(&iam, "ann").await), [key.as_str()]);
    assert!(
        server
            .sts_as(&key, &secret)
            .get_caller_identity()
            .send()
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn create_access_key_for_a_missing_user_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.create_access_key()
            .user_name("nonexistent-user")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The user with name nonexistent-user cannot be found.",
    );
    assert_eq!(root_keys(&iam).await, ["test"]);
}

#[tokio::test]
async fn list_access_keys_of_a_missing_user_is_no_such_entity() {
    let server = common::spawn().await;
    let error = aws_error(
        server
            .iam()
            .list_access_keys()
            .user_name("ghost")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The user with name ghost cannot be found.",
    );
}

#[tokio::test]
async fn last_used_of_a_key_shows_the_service_and_region_it_signed_for() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    let (key, secret) = create_access_key(&iam, "kim").await;

    server
        .sts_as(&key, &secret)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    let out = iam
        .get_access_key_last_used()
        .access_key_id(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(out.user_name(), Some("kim"));
    let used = out.access_key_last_used().unwrap();
    assert_eq!(used.service_name(), "sts");
    assert_eq!(used.region(), "us-east-1");
    assert!(used.last_used_date().is_some());

    server
        .iam_as(&key, &secret)
        .list_users()
        .send()
        .await
        .unwrap();
    let out = iam
        .get_access_key_last_used()
        .access_key_id(&key)
        .send()
        .await
        .unwrap();
    let used = out.access_key_last_used().unwrap();
    assert_eq!(used.service_name(), "iam");
    assert_eq!(used.region(), "us-east-1");
}

#[tokio::test]
async fn last_used_of_a_never_used_key_is_n_a() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    let (key, _) = create_access_key(&iam, "kim").await;
    let out = iam
        .get_access_key_last_used()
        .access_key_id(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(out.user_name(), Some("kim"));
    let used = out.access_key_last_used().unwrap();
    assert_eq!(used.service_name(), "N/A");
    assert_eq!(used.region(), "N/A");
    assert_eq!(used.last_used_date(), None);
}

#[tokio::test]
async fn last_used_of_a_key_outside_the_account_is_access_denied() {
    let server = common::spawn().await;
    let (foreign, _) = common::create_account(&server, "123456789012").await;
    let error = aws_error(
        server
            .iam()
            .get_access_key_last_used()
            .access_key_id(&foreign)
            .send()
            .await,
    );
    error.assert_is(
        "AccessDenied",
        403,
        &format!(
            "User: arn:aws:iam::000000000000:root is not authorized to perform \
             iam:GetAccessKeyLastUsed on resource: access key {foreign}"
        ),
    );
    let error = aws_error(
        server
            .iam()
            .get_access_key_last_used()
            .access_key_id("AKIAIOSFODNN7EXAMPLE")
            .send()
            .await,
    );
    assert_eq!((error.code.as_str(), error.status), ("AccessDenied", 403));
    assert!(error.message.ends_with("access key AKIAIOSFODNN7EXAMPLE"));
}

#[tokio::test]
async fn list_access_keys_pages_with_max_items() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    let (first, _) = create_access_key(&iam, "kim").await;
    let (second, _) = create_access_key(&iam, "kim").await;
    let page = iam
        .list_access_keys()
        .user_name("kim")
        .max_items(1)
        .send()
        .await
        .unwrap();
    assert!(page.is_truncated());
    assert_eq!(key_ids(page.access_key_metadata()), [first.as_str()]);
    let rest = iam
        .list_access_keys()
        .user_name("kim")
        .max_items(1)
        .marker(page.marker().unwrap())
        .send()
        .await
        .unwrap();
    assert!(!rest.is_truncated());
    assert_eq!(key_ids(rest.access_key_metadata()), [second.as_str()]);

    let all: Vec<AccessKeyMetadata> = iam
        .list_access_keys()
        .user_name("kim")
        .max_items(1)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(key_ids(&all), [first, second]);
}

#[tokio::test]
async fn last_used_of_a_root_key_shows_where_root_signed() {
    let server = common::spawn().await;
    let iam = server.iam();
    let key = iam
        .create_access_key()
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    server
        .sts_as(key.access_key_id(), key.secret_access_key())
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    let out = iam
        .get_access_key_last_used()
        .access_key_id(key.access_key_id())
        .send()
        .await
        .unwrap();
    let used = out.access_key_last_used().unwrap();
    assert_eq!(used.service_name(), "sts");
    assert_eq!(used.region(), "us-east-1");
    assert!(used.last_used_date().is_some());
}
