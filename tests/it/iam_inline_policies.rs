//! Inline policies of users, groups and roles through the AWS SDK for Rust: documents kept
//! verbatim, per-entity size quotas, and what inline policies block.

use crate::common::{
    self, S3_READ, aws_error, create_group, create_role, create_user, decode_document,
    policy_of_size,
};

/// An inline document with CR LF, tabs, a trailing newline and characters URL encoding must
/// carry; it has no `Version`, which inline policies allow.
const SPACED: &str = "{\r\n\t\"Statement\": {\n\t\t\"Effect\": \"Allow\",\n\t\t\"Action\": \"sqs:*\",\n\t\t\
     \"Resource\": \"arn:aws:sqs:us-east-1:000000000000:queue+1%\"\n\t}\n}\n";

async fn put_user_policy(iam: &aws_sdk_iam::Client, user: &str, name: &str, document: &str) {
    iam.put_user_policy()
        .user_name(user)
        .policy_name(name)
        .policy_document(document)
        .send()
        .await
        .unwrap();
}

async fn put_group_policy(iam: &aws_sdk_iam::Client, group: &str, name: &str, document: &str) {
    iam.put_group_policy()
        .group_name(group)
        .policy_name(name)
        .policy_document(document)
        .send()
        .await
        .unwrap();
}

async fn put_role_policy(iam: &aws_sdk_iam::Client, role: &str, name: &str, document: &str) {
    iam.put_role_policy()
        .role_name(role)
        .policy_name(name)
        .policy_document(document)
        .send()
        .await
        .unwrap();
}

async fn user_policy_names(iam: &aws_sdk_iam::Client, user: &str) -> Vec<String> {
    let out = iam
        .list_user_policies()
        .user_name(user)
        .send()
        .await
        .unwrap();
    assert!(!out.is_truncated());
    out.policy_names().to_vec()
}

async fn group_policy_names(iam: &aws_sdk_iam::Client, group: &str) -> Vec<String> {
    let out = iam
        .list_group_policies()
        .group_name(group)
        .send()
        .await
        .unwrap();
    out.policy_names().to_vec()
}

async fn role_policy_names(iam: &aws_sdk_iam::Client, role: &str) -> Vec<String> {
    let out = iam
        .list_role_policies()
        .role_name(role)
        .send()
        .await
        .unwrap();
    out.policy_names().to_vec()
}

async fn user_policy_document(iam: &aws_sdk_iam::Client, user: &str, name: &str) -> String {
    let out = iam
        .get_user_policy()
        .user_name(user)
        .policy_name(name)
        .send()
        .await
        .unwrap();
    assert_eq!(out.user_name(), user);
    assert_eq!(out.policy_name(), name);
    decode_document(out.policy_document())
}

#[tokio::test]
async fn a_user_policy_reads_back_exactly_as_submitted() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    put_user_policy(&iam, "alice", "queues", SPACED).await;
    assert_eq!(user_policy_document(&iam, "alice", "queues").await, SPACED);
}

#[tokio::test]
async fn a_group_policy_reads_back_exactly_as_submitted() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_group(&iam, "devs").await;
    put_group_policy(&iam, "devs", "queues", SPACED).await;
    let out = iam
        .get_group_policy()
        .group_name("devs")
        .policy_name("queues")
        .send()
        .await
        .unwrap();
    assert_eq!(out.group_name(), "devs");
    assert_eq!(decode_document(out.policy_document()), SPACED);
}

#[tokio::test]
async fn a_role_policy_reads_back_exactly_as_submitted() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    put_role_policy(&iam, "app", "queues", SPACED).await;
    let out = iam
        .get_role_policy()
        .role_name("app")
        .policy_name("queues")
        .send()
        .await
        .unwrap();
    assert_eq!(out.role_name(), "app");
    assert_eq!(decode_document(out.policy_document()), SPACED);
}

#[tokio::test]
async fn putting_a_policy_under_an_existing_name_replaces_its_document() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    put_user_policy(&iam, "alice", "p", SPACED).await;
    put_user_policy(&iam, "alice", "p", S3_READ).await;
    assert_eq!(user_policy_names(&iam, "alice").await, ["p"]);
    assert_eq!(user_policy_document(&iam, "alice", "p").await, S3_READ);
}

#[tokio::test]
async fn inline_policy_names_are_listed_sorted() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    for name in ["charlie", "alpha", "bravo"] {
        put_role_policy(&iam, "app", name, S3_READ).await;
    }
    assert_eq!(
        role_policy_names(&iam, "app").await,
        ["alpha", "bravo", "charlie"]
    );
}

#[tokio::test]
async fn inline_policy_names_belong_to_their_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    create_user(&iam, "bob").await;
    put_user_policy(&iam, "alice", "same", S3_READ).await;
    put_user_policy(&iam, "bob", "same", SPACED).await;
    assert_eq!(user_policy_document(&iam, "alice", "same").await, S3_READ);
    assert_eq!(user_policy_document(&iam, "bob", "same").await, SPACED);
}

#[tokio::test]
async fn deleting_an_inline_policy_removes_only_it() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_group(&iam, "devs").await;
    put_group_policy(&iam, "devs", "keep", S3_READ).await;
    put_group_policy(&iam, "devs", "drop", S3_READ).await;
    iam.delete_group_policy()
        .group_name("devs")
        .policy_name("drop")
        .send()
        .await
        .unwrap();
    assert_eq!(group_policy_names(&iam, "devs").await, ["keep"]);
}

#[tokio::test]
async fn a_missing_user_policy_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    let error = aws_error(
        iam.get_user_policy()
            .user_name("alice")
            .policy_name("missing")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The user policy with name missing cannot be found.",
    );
    let error = aws_error(
        iam.delete_user_policy()
            .user_name("alice")
            .policy_name("missing")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The user policy with name missing cannot be found.",
    );
}

#[tokio::test]
async fn a_missing_group_policy_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_group(&iam, "devs").await;
    let error = aws_error(
        iam.get_group_policy()
            .group_name("devs")
            .policy_name("missing")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The group policy with name missing cannot be found.",
    );
}

#[tokio::test]
async fn a_missing_role_policy_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    put_role_policy(&iam, "app", "present", S3_READ).await;
    let error = aws_error(
        iam.delete_role_policy()
            .role_name("app")
            .policy_name("non-existent-policy")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The role policy with name non-existent-policy cannot be found.",
    );
    assert_eq!(role_policy_names(&iam, "app").await, ["present"]);
}

#[tokio::test]
async fn an_inline_policy_on_a_missing_role_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.put_role_policy()
            .role_name("nonexistent-role")
            .policy_name("p")
            .policy_document(S3_READ)
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The role with name nonexistent-role cannot be found.",
    );
    let error = aws_error(
        iam.get_role_policy()
            .role_name("nonexistent-role")
            .policy_name("p")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The role with name nonexistent-role cannot be found.",
    );
}

#[tokio::test]
async fn an_inline_policy_that_is_not_json_is_a_syntax_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    let error = aws_error(
        iam.put_user_policy()
            .user_name("alice")
            .policy_name("broken")
            .policy_document("{\"Version\": \"2012-10-17\", \"Statement\": [")
            .send()
            .await,
    );
    error.assert_is("MalformedPolicyDocument", 400, "Syntax errors in policy.");
    assert!(user_policy_names(&iam, "alice").await.is_empty());
}

#[tokio::test]
async fn a_principal_in_an_inline_policy_is_malformed() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    let error = aws_error(
        iam.put_role_policy()
            .role_name("app")
            .policy_name("with-principal")
            .policy_document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#,
            )
            .send()
            .await,
    );
    error.assert_is(
        "MalformedPolicyDocument",
        400,
        "Policy document should not specify a principal.",
    );
    assert!(role_policy_names(&iam, "app").await.is_empty());
}

#[tokio::test]
async fn an_inline_statement_without_resources_is_malformed() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_group(&iam, "devs").await;
    let error = aws_error(
        iam.put_group_policy()
            .group_name("devs")
            .policy_name("no-resource")
            .policy_document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}"#,
            )
            .send()
            .await,
    );
    error.assert_is(
        "MalformedPolicyDocument",
        400,
        "Policy statement must contain resources.",
    );
    assert!(group_policy_names(&iam, "devs").await.is_empty());
}

#[tokio::test]
async fn replacing_an_inline_policy_with_a_bad_document_keeps_the_old_one() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    put_user_policy(&iam, "alice", "p", S3_READ).await;
    let error = aws_error(
        iam.put_user_policy()
            .user_name("alice")
            .policy_name("p")
            .policy_document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}"#,
            )
            .send()
            .await,
    );
    error.assert_is(
        "MalformedPolicyDocument",
        400,
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
    );
    assert_eq!(user_policy_document(&iam, "alice", "p").await, S3_READ);
}

#[tokio::test]
async fn a_users_inline_policies_together_over_2048_characters_are_limit_exceeded() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    put_user_policy(&iam, "alice", "first", &policy_of_size(1200, 0)).await;
    let error = aws_error(
        iam.put_user_policy()
            .user_name("alice")
            .policy_name("second")
            .policy_document(policy_of_size(1200, 0))
            .send()
            .await,
    );
    error.assert_is(
        "LimitExceeded",
        409,
        "Maximum policy size of 2048 bytes exceeded for user alice",
    );
    assert_eq!(user_policy_names(&iam, "alice").await, ["first"]);
}

#[tokio::test]
async fn a_groups_inline_policies_together_over_5120_characters_are_limit_exceeded() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_group(&iam, "devs").await;
    put_group_policy(&iam, "devs", "first", &policy_of_size(3000, 0)).await;
    let error = aws_error(
        iam.put_group_policy()
            .group_name("devs")
            .policy_name("second")
            .policy_document(policy_of_size(3000, 0))
            .send()
            .await,
    );
    error.assert_is(
        "LimitExceeded",
        409,
        "Maximum policy size of 5120 bytes exceeded for group devs",
    );
    assert_eq!(group_policy_names(&iam, "devs").await, ["first"]);
}

#[tokio::test]
async fn a_roles_inline_policies_together_over_10240_characters_are_limit_exceeded() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    put_role_policy(&iam, "app", "first", &policy_of_size(6000, 0)).await;
    let error = aws_error(
        iam.put_role_policy()
            .role_name("app")
            .policy_name("second")
            .policy_document(policy_of_size(6000, 0))
            .send()
            .await,
    );
    error.assert_is(
        "LimitExceeded",
        409,
        "Maximum policy size of 10240 bytes exceeded for role app",
    );
    assert_eq!(role_policy_names(&iam, "app").await, ["first"]);
}

#[tokio::test]
async fn a_single_inline_policy_over_the_user_quota_is_limit_exceeded() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    let error = aws_error(
        iam.put_user_policy()
            .user_name("alice")
            .policy_name("huge")
            .policy_document(policy_of_size(2100, 0))
            .send()
            .await,
    );
    error.assert_is(
        "LimitExceeded",
        409,
        "Maximum policy size of 2048 bytes exceeded for user alice",
    );
    assert!(user_policy_names(&iam, "alice").await.is_empty());
}

#[tokio::test]
async fn whitespace_does_not_count_towards_the_inline_quota() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    let document = policy_of_size(1500, 1000);
    assert!(document.len() > 3000);
    put_user_policy(&iam, "alice", "airy", &document).await;
    assert_eq!(user_policy_document(&iam, "alice", "airy").await, document);
}

#[tokio::test]
async fn replacing_an_inline_policy_counts_only_the_new_document() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    put_user_policy(&iam, "alice", "p", &policy_of_size(1500, 0)).await;
    let replacement = policy_of_size(1600, 0);
    put_user_policy(&iam, "alice", "p", &replacement).await;
    assert_eq!(user_policy_document(&iam, "alice", "p").await, replacement);
}

#[tokio::test]
async fn deleting_a_user_with_an_inline_policy_is_delete_conflict() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    put_user_policy(&iam, "alice", "p", S3_READ).await;
    let error = aws_error(iam.delete_user().user_name("alice").send().await);
    error.assert_is(
        "DeleteConflict",
        409,
        "Cannot delete entity, must delete policies first.",
    );
    assert_eq!(user_policy_names(&iam, "alice").await, ["p"]);
}

#[tokio::test]
async fn deleting_a_group_with_an_inline_policy_is_delete_conflict() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_group(&iam, "devs").await;
    put_group_policy(&iam, "devs", "p", S3_READ).await;
    let error = aws_error(iam.delete_group().group_name("devs").send().await);
    error.assert_is(
        "DeleteConflict",
        409,
        "Cannot delete entity, must delete policies first.",
    );
    assert_eq!(group_policy_names(&iam, "devs").await, ["p"]);
}

#[tokio::test]
async fn deleting_a_role_with_an_inline_policy_is_delete_conflict() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    put_role_policy(&iam, "app", "p", S3_READ).await;
    let error = aws_error(iam.delete_role().role_name("app").send().await);
    error.assert_is(
        "DeleteConflict",
        409,
        "Cannot delete entity, must delete policies first.",
    );
    assert_eq!(role_policy_names(&iam, "app").await, ["p"]);

    iam.delete_role_policy()
        .role_name("app")
        .policy_name("p")
        .send()
        .await
        .unwrap();
    iam.delete_role().role_name("app").send().await.unwrap();
}
