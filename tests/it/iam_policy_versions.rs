//! Versions of customer managed policies through the AWS SDK for Rust: the default version,
//! the five-version quota, and version ids that are never reused.

use aws_sdk_iam::types::PolicyVersion;

use crate::common::{
    self, S3_READ, aws_error, create_policy, decode_document, get_policy, policy_arn,
};

/// A document with tabs, CR LF and a trailing newline, to come back byte for byte.
const SPACED: &str = "{\n\t\"Version\": \"2012-10-17\",\r\n  \"Statement\": [ {\n    \
     \"Effect\":   \"Deny\",\n    \"Action\": [\"s3:DeleteObject\"],\n    \
     \"Resource\": \"arn:aws:s3:::bucket/a+b%20c\"\n  } ]\n}\n";

const S3_WRITE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}"#;

const VERSION_PATTERN_ERROR: &str = "1 validation error detected: Value at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?";

/// `(VersionId, IsDefaultVersion)` of every version, sorted by id.
async fn versions(iam: &aws_sdk_iam::Client, arn: &str) -> Vec<(String, bool)> {
    let out = iam
        .list_policy_versions()
        .policy_arn(arn)
        .send()
        .await
        .unwrap();
    assert!(!out.is_truncated());
    let mut ids: Vec<(String, bool)> = out
        .versions()
        .iter()
        .map(|v| (v.version_id().unwrap().to_owned(), v.is_default_version()))
        .collect();
    ids.sort();
    ids
}

async fn get_version(iam: &aws_sdk_iam::Client, arn: &str, id: &str) -> PolicyVersion {
    iam.get_policy_version()
        .policy_arn(arn)
        .version_id(id)
        .send()
        .await
        .unwrap()
        .policy_version
        .unwrap()
}

/// Adds a version allowing `s3:PutObject`; returns its id.
async fn add_version(iam: &aws_sdk_iam::Client, arn: &str, default: bool) -> String {
    iam.create_policy_version()
        .policy_arn(arn)
        .policy_document(S3_WRITE)
        .set_as_default(default)
        .send()
        .await
        .unwrap()
        .policy_version
        .unwrap()
        .version_id
        .unwrap()
}

#[tokio::test]
async fn a_new_version_returns_its_document_exactly_as_submitted() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "spaced", S3_READ).await.arn.unwrap();
    iam.create_policy_version()
        .policy_arn(&arn)
        .policy_document(SPACED)
        .send()
        .await
        .unwrap();
    let version = get_version(&iam, &arn, "v2").await;
    assert_eq!(decode_document(version.document().unwrap()), SPACED);
    let first = get_version(&iam, &arn, "v1").await;
    assert_eq!(decode_document(first.document().unwrap()), S3_READ);
}

#[tokio::test]
async fn create_policy_version_validates_the_document_and_adds_nothing() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "p", S3_READ).await.arn.unwrap();
    let error = aws_error(
        iam.create_policy_version()
            .policy_arn(&arn)
            .policy_document(r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#)
            .set_as_default(true)
            .send()
            .await,
    );
    error.assert_is(
        "MalformedPolicyDocument",
        400,
        "Policy document must be version 2012-10-17 or greater.",
    );
    assert_eq!(versions(&iam, &arn).await, [("v1".to_owned(), true)]);
}

#[tokio::test]
async fn a_new_version_over_6144_characters_is_limit_exceeded() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "p", S3_READ).await.arn.unwrap();
    let error = aws_error(
        iam.create_policy_version()
            .policy_arn(&arn)
            .policy_document(common::policy_of_size(6145, 0))
            .send()
            .await,
    );
    error.assert_is(
        "LimitExceeded",
        409,
        "Cannot exceed quota for PolicySize: 6144",
    );
    assert_eq!(versions(&iam, &arn).await, [("v1".to_owned(), true)]);
}

#[tokio::test]
async fn a_new_version_without_set_as_default_leaves_v1_the_default() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "p", S3_READ).await.arn.unwrap();
    assert_eq!(add_version(&iam, &arn, false).await, "v2");
    assert_eq!(
        versions(&iam, &arn).await,
        [("v1".to_owned(), true), ("v2".to_owned(), false)]
    );
    assert_eq!(
        get_policy(&iam, &arn).await.default_version_id(),
        Some("v1")
    );
    assert!(!get_version(&iam, &arn, "v2").await.is_default_version());
}

#[tokio::test]
async fn a_new_version_set_as_default_becomes_the_default() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "p", S3_READ).await.arn.unwrap();
    assert_eq!(add_version(&iam, &arn, true).await, "v2");
    assert_eq!(
        versions(&iam, &arn).await,
        [("v1".to_owned(), false), ("v2".to_owned(), true)]
    );
    assert_eq!(
        get_policy(&iam, &arn).await.default_version_id(),
        Some("v2")
    );
}

#[tokio::test]
async fn set_default_policy_version_moves_the_default() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "p", S3_READ).await.arn.unwrap();
    add_version(&iam, &arn, true).await;
    iam.set_default_policy_version()
        .policy_arn(&arn)
        .version_id("v1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        versions(&iam, &arn).await,
        [("v1".to_owned(), true), ("v2".to_owned(), false)]
    );
    assert_eq!(
        get_policy(&iam, &arn).await.default_version_id(),
        Some("v1")
    );
}

#[tokio::test]
async fn a_sixth_version_is_limit_exceeded() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "p", S3_READ).await.arn.unwrap();
    for expected in ["v2", "v3", "v4", "v5"] {
        assert_eq!(add_version(&iam, &arn, false).await, expected);
    }
    let error = aws_error(
        iam.create_policy_version()
            .policy_arn(&arn)
            .policy_document(S3_WRITE)
            .set_as_default(true)
            .send()
            .await,
    );
    error.assert_is(
        "LimitExceeded",
        409,
        "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.",
    );
    assert_eq!(versions(&iam, &arn).await.len(), 5);
    assert_eq!(
        get_policy(&iam, &arn).await.default_version_id(),
        Some("v1")
    );
}

#[tokio::test]
async fn the_default_version_cannot_be_deleted() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "p", S3_READ).await.arn.unwrap();
    add_version(&iam, &arn, false).await;
    let error = aws_error(
        iam.delete_policy_version()
            .policy_arn(&arn)
            .version_id("v1")
            .send()
            .await,
    );
    error.assert_is(
        "DeleteConflict",
        409,
        "Cannot delete the default version of a policy.",
    );
    assert_eq!(
        versions(&iam, &arn).await,
        [("v1".to_owned(), true), ("v2".to_owned(), false)]
    );
}

#[tokio::test]
async fn deleting_a_version_removes_only_that_version() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "p", S3_READ).await.arn.unwrap();
    add_version(&iam, &arn, false).await;
    add_version(&iam, &arn, false).await;
    iam.delete_policy_version()
        .policy_arn(&arn)
        .version_id("v2")
        .send()
        .await
        .unwrap();
    assert_eq!(
        versions(&iam, &arn).await,
        [("v1".to_owned(), true), ("v3".to_owned(), false)]
    );
    let error = aws_error(
        iam.get_policy_version()
            .policy_arn(&arn)
            .version_id("v2")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        &format!("Policy {arn} version v2 does not exist or is not attachable."),
    );
}

#[tokio::test]
async fn version_ids_are_never_reused_after_a_delete() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "p", S3_READ).await.arn.unwrap();
    assert_eq!(add_version(&iam, &arn, false).await, "v2");
    assert_eq!(add_version(&iam, &arn, false).await, "v3");
    iam.delete_policy_version()
        .policy_arn(&arn)
        .version_id("v3")
        .send()
        .await
        .unwrap();
    assert_eq!(add_version(&iam, &arn, false).await, "v4");
    assert_eq!(
        versions(&iam, &arn).await,
        [
            ("v1".to_owned(), true),
            ("v2".to_owned(), false),
            ("v4".to_owned(), false)
        ]
    );
}

#[tokio::test]
async fn get_policy_version_of_a_missing_version_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "p", S3_READ).await.arn.unwrap();
    let error = aws_error(
        iam.get_policy_version()
            .policy_arn(&arn)
            .version_id("v9")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        &format!("Policy {arn} version v9 does not exist or is not attachable."),
    );
}

#[tokio::test]
async fn get_policy_version_of_a_missing_policy_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = policy_arn("TestNonExistingPolicy");
    let error = aws_error(
        iam.get_policy_version()
            .policy_arn(&arn)
            .version_id("v1")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        &format!("Policy {arn} version v1 does not exist or is not attachable."),
    );
}

#[tokio::test]
async fn a_version_id_outside_the_pattern_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "p", S3_READ).await.arn.unwrap();
    let error = aws_error(
        iam.get_policy_version()
            .policy_arn(&arn)
            .version_id("v2-does-not-exist")
            .send()
            .await,
    );
    error.assert_is("ValidationError", 400, VERSION_PATTERN_ERROR);

    let error = aws_error(
        iam.set_default_policy_version()
            .policy_arn(&arn)
            .version_id("wrong_version_id")
            .send()
            .await,
    );
    error.assert_is("ValidationError", 400, VERSION_PATTERN_ERROR);
    assert_eq!(
        get_policy(&iam, &arn).await.default_version_id(),
        Some("v1")
    );
}

#[tokio::test]
async fn set_default_policy_version_to_a_missing_version_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "p", S3_READ).await.arn.unwrap();
    let error = aws_error(
        iam.set_default_policy_version()
            .policy_arn(&arn)
            .version_id("v4")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        &format!("Policy {arn} version v4 does not exist or is not attachable."),
    );
    assert_eq!(
        get_policy(&iam, &arn).await.default_version_id(),
        Some("v1")
    );
}

#[tokio::test]
async fn delete_policy_version_of_a_missing_version_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "p", S3_READ).await.arn.unwrap();
    let error = aws_error(
        iam.delete_policy_version()
            .policy_arn(&arn)
            .version_id("v9")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        &format!("Policy {arn} version v9 does not exist or is not attachable."),
    );
}

#[tokio::test]
async fn deleting_a_policy_with_other_versions_is_delete_conflict() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "p", S3_READ).await.arn.unwrap();
    add_version(&iam, &arn, false).await;
    let error = aws_error(iam.delete_policy().policy_arn(&arn).send().await);
    error.assert_is(
        "DeleteConflict",
        409,
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
    );
    assert_eq!(versions(&iam, &arn).await.len(), 2);
}
