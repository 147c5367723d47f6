//! Customer managed policies and their versions through the AWS SDK for Rust.

use aws_sdk_iam::types::{PolicyScopeType, PolicyVersion};

use crate::common::{
    self, S3_READ, aws_error, create_policy, decode_document, get_policy, policy_arn, tag,
};

/// A document with tabs, CR LF, blank runs, a trailing newline and characters that URL
/// encoding must carry (`+`, `%`, `&`, `=`, `é`).
const SPACED: &str = "{\n\t\"Version\": \"2012-10-17\",\r\n  \"Statement\": [ {\n    \"Sid\": \"Read\",\n    \
     \"Effect\":   \"Allow\",\n    \"Action\": [\"s3:GetObject\", \"s3:ListBucket\"],\n    \
     \"Resource\": \"*\",\n    \"Condition\": {\"StringEquals\": \
     {\"aws:username\": \"Jos\u{e9}+Ana 100% & co=1\"}}\n  } ]\n}\n";

const S3_WRITE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}"#;

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

/// Names of the customer managed policies, sorted.
async fn local_policy_names(iam: &aws_sdk_iam::Client) -> Vec<String> {
    let out = iam
        .list_policies()
        .scope(PolicyScopeType::Local)
        .send()
        .await
        .unwrap();
    assert!(!out.is_truncated());
    let mut names: Vec<String> = out
        .policies()
        .iter()
        .map(|p| p.policy_name().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// Asserts that CreatePolicy refuses `document` as malformed with `message`, creating nothing.
async fn assert_create_policy_malformed(document: &str, message: &str) {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.create_policy()
            .policy_name("bad")
            .policy_document(document)
            .send()
            .await,
    );
    error.assert_is("MalformedPolicyDocument", 400, message);
    assert!(local_policy_names(&iam).await.is_empty());
}

#[tokio::test]
async fn create_policy_returns_its_arn_anpa_id_first_version_and_zero_counts() {
    let server = common::spawn().await;
    let iam = server.iam();
    let created = create_policy(&iam, "read-s3", S3_READ).await;
    assert_eq!(created.policy_name(), Some("read-s3"));
    assert_eq!(created.arn(), Some(policy_arn("read-s3").as_str()));
    assert_eq!(created.path(), Some("/"));
    assert_eq!(created.default_version_id(), Some("v1"));
    assert_eq!(created.attachment_count(), Some(0));
    assert_eq!(created.permissions_boundary_usage_count(), Some(0));
    assert!(created.is_attachable());
    let id = created.policy_id().unwrap();
    assert!(id.starts_with("ANPA") && id.len() == 21, "{id}");

    let read = get_policy(&iam, created.arn().unwrap()).await;
    assert_eq!(read.policy_id(), Some(id));
    assert_eq!(read.default_version_id(), Some("v1"));
}

#[tokio::test]
async fn a_policy_under_a_path_has_the_path_in_its_arn() {
    let server = common::spawn().await;
    let iam = server.iam();
    let created = iam
        .create_policy()
        .policy_name("deploy")
        .path("/team/ci/")
        .policy_document(S3_READ)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    let arn = "arn:aws:iam::000000000000:policy/team/ci/deploy";
    assert_eq!(created.arn(), Some(arn));
    assert_eq!(get_policy(&iam, arn).await.path(), Some("/team/ci/"));
}

#[tokio::test]
async fn get_policy_shows_the_description_and_tags_given_at_creation() {
    let server = common::spawn().await;
    let iam = server.iam();
    iam.create_policy()
        .policy_name("described")
        .policy_document(S3_READ)
        .description("Reads the bucket")
        .tags(tag("team", "data"))
        .send()
        .await
        .unwrap();
    let read = get_policy(&iam, &policy_arn("described")).await;
    assert_eq!(read.description(), Some("Reads the bucket"));
    let tags: Vec<(&str, &str)> = read.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(tags, [("team", "data")]);
}

#[tokio::test]
async fn list_policies_leaves_out_description_and_tags() {
    let server = common::spawn().await;
    let iam = server.iam();
    iam.create_policy()
        .policy_name("described")
        .policy_document(S3_READ)
        .description("Reads the bucket")
        .tags(tag("team", "data"))
        .send()
        .await
        .unwrap();
    let out = iam
        .list_policies()
        .scope(PolicyScopeType::Local)
        .send()
        .await
        .unwrap();
    let [listed] = out.policies() else {
        panic!("one policy: {:?}", out.policies())
    };
    assert_eq!(listed.policy_name(), Some("described"));
    assert_eq!(listed.description(), None);
    assert!(listed.tags().is_empty());
}

#[tokio::test]
async fn policy_names_are_unique_in_the_account_whatever_the_path() {
    let server = common::spawn().await;
    let iam = server.iam();
    let first = create_policy(&iam, "shared", S3_READ).await;
    let error = aws_error(
        iam.create_policy()
            .policy_name("shared")
            .path("/other/")
            .policy_document(S3_WRITE)
            .send()
            .await,
    );
    error.assert_is(
        "EntityAlreadyExists",
        409,
        "A policy called shared already exists. Duplicate names are not allowed.",
    );
    assert_eq!(local_policy_names(&iam).await, ["shared"]);
    let read = get_policy(&iam, first.arn().unwrap()).await;
    assert_eq!(read.policy_id(), first.policy_id());
}

#[tokio::test]
async fn a_policy_path_with_a_character_outside_the_policy_path_pattern_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.create_policy()
            .policy_name("odd-path")
            .path("/team!/")
            .policy_document(S3_READ)
            .send()
            .await,
    );
    error.assert_code("ValidationError", 400);
    assert!(local_policy_names(&iam).await.is_empty());
}

#[tokio::test]
async fn get_policy_of_an_unknown_arn_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = policy_arn("TestNonExistingPolicy");
    let error = aws_error(iam.get_policy().policy_arn(&arn).send().await);
    error.assert_is("NoSuchEntity", 404, &format!("Policy {arn} was not found."));
}

#[tokio::test]
async fn get_policy_version_returns_the_document_exactly_as_submitted() {
    let server = common::spawn().await;
    let iam = server.iam();
    let created = create_policy(&iam, "spaced", SPACED).await;
    let version = get_version(&iam, created.arn().unwrap(), "v1").await;
    assert_eq!(decode_document(version.document().unwrap()), SPACED);
    assert_eq!(version.version_id(), Some("v1"));
    assert!(version.is_default_version());
    assert!(version.create_date().is_some());
}

#[tokio::test]
async fn a_policy_that_is_not_json_is_a_syntax_error() {
    assert_create_policy_malformed(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",}]}"#,
        "Syntax errors in policy.",
    )
    .await;
}

#[tokio::test]
async fn a_managed_policy_without_a_version_is_malformed() {
    assert_create_policy_malformed(
        r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
        "Policy document must be version 2012-10-17 or greater.",
    )
    .await;
}

#[tokio::test]
async fn a_managed_policy_in_the_2008_language_version_is_malformed() {
    assert_create_policy_malformed(
        r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
        "Policy document must be version 2012-10-17 or greater.",
    )
    .await;
}

#[tokio::test]
async fn a_statement_without_actions_is_malformed() {
    assert_create_policy_malformed(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
        "Policy statement must contain actions.",
    )
    .await;
}

#[tokio::test]
async fn a_statement_without_resources_is_malformed() {
    assert_create_policy_malformed(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}"#,
        "Policy statement must contain resources.",
    )
    .await;
}

#[tokio::test]
async fn a_principal_in_a_managed_policy_is_malformed() {
    assert_create_policy_malformed(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*"}]}"#,
        "Policy document should not specify a principal.",
    )
    .await;
}

#[tokio::test]
async fn a_resource_that_is_not_an_arn_is_malformed() {
    assert_create_policy_malformed(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"bucket"}]}"#,
        "Resource bucket must be in ARN format or \"*\".",
    )
    .await;
}

#[tokio::test]
async fn a_repeated_statement_id_is_malformed() {
    assert_create_policy_malformed(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"One","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"One","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}"#,
        "Statement IDs (SID) in a single policy must be unique.",
    )
    .await;
}

#[tokio::test]
async fn an_action_without_a_vendor_is_malformed() {
    assert_create_policy_malformed(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}"#,
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
    )
    .await;
}

#[tokio::test]
async fn a_managed_policy_of_6144_characters_is_accepted() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_policy(&iam, "largest", &common::policy_of_size(6144, 0)).await;
}

#[tokio::test]
async fn a_managed_policy_over_6144_characters_is_limit_exceeded() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.create_policy()
            .policy_name("too-big")
            .policy_document(common::policy_of_size(6145, 0))
            .send()
            .await,
    );
    error.assert_is(
        "LimitExceeded",
        409,
        "Cannot exceed quota for PolicySize: 6144",
    );
    assert!(local_policy_names(&iam).await.is_empty());
}

#[tokio::test]
async fn whitespace_does_not_count_towards_the_managed_policy_size() {
    let server = common::spawn().await;
    let iam = server.iam();
    let document = common::policy_of_size(6000, 3000);
    assert!(document.len() > 12_000);
    let arn = create_policy(&iam, "airy", &document).await.arn.unwrap();
    let version = get_version(&iam, &arn, "v1").await;
    assert_eq!(decode_document(version.document().unwrap()), document);
}

#[tokio::test]
async fn deleting_a_policy_removes_it_and_frees_its_name() {
    let server = common::spawn().await;
    let iam = server.iam();
    let first = create_policy(&iam, "p", S3_READ).await;
    let arn = first.arn().unwrap();
    iam.delete_policy().policy_arn(arn).send().await.unwrap();
    let error = aws_error(iam.get_policy().policy_arn(arn).send().await);
    error.assert_is("NoSuchEntity", 404, &format!("Policy {arn} was not found."));
    assert!(local_policy_names(&iam).await.is_empty());

    let again = create_policy(&iam, "p", S3_WRITE).await;
    assert_ne!(again.policy_id(), first.policy_id());
    assert_eq!(again.default_version_id(), Some("v1"));
}

#[tokio::test]
async fn deleting_an_unknown_policy_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = policy_arn("non-existent-policy");
    let error = aws_error(iam.delete_policy().policy_arn(&arn).send().await);
    error.assert_is("NoSuchEntity", 404, &format!("Policy {arn} was not found."));
}

#[tokio::test]
async fn list_policies_in_local_scope_pages_through_every_customer_policy_once() {
    let server = common::spawn().await;
    let iam = server.iam();
    let names = ["delta", "alpha", "echo", "charlie", "bravo"];
    for name in names {
        create_policy(&iam, name, S3_READ).await;
    }
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = iam
            .list_policies()
            .scope(PolicyScopeType::Local)
            .max_items(2)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        assert!(out.policies().len() <= 2);
        seen.extend(
            out.policies()
                .iter()
                .map(|p| p.policy_name().unwrap().to_owned()),
        );
        if !out.is_truncated() {
            assert!(out.marker().is_none());
            break;
        }
        marker = Some(out.marker().unwrap().to_owned());
    }
    assert_eq!(seen, ["alpha", "bravo", "charlie", "delta", "echo"]);
}

#[tokio::test]
async fn list_policies_filters_by_path_prefix() {
    let server = common::spawn().await;
    let iam = server.iam();
    for (name, path) in [
        ("a", "/team/"),
        ("b", "/team/ci/"),
        ("c", "/other/"),
        ("d", "/"),
    ] {
        iam.create_policy()
            .policy_name(name)
            .path(path)
            .policy_document(S3_READ)
            .send()
            .await
            .unwrap();
    }
    let out = iam
        .list_policies()
        .scope(PolicyScopeType::Local)
        .path_prefix("/team/")
        .send()
        .await
        .unwrap();
    let mut names: Vec<&str> = out
        .policies()
        .iter()
        .map(|p| p.policy_name().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["a", "b"]);
}

#[tokio::test]
async fn list_policies_in_aws_scope_lists_only_aws_managed_policies() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_policy(&iam, "mine", S3_READ).await;
    let out = iam
        .list_policies()
        .scope(PolicyScopeType::Aws)
        .path_prefix("/service-role/")
        .max_items(1000)
        .send()
        .await
        .unwrap();
    let arns: Vec<&str> = out.policies().iter().map(|p| p.arn().unwrap()).collect();
    assert!(
        arns.iter()
            .all(|a| a.starts_with("arn:aws:iam::aws:policy/service-role/"))
    );
    assert!(arns.contains(&"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"));
}

#[tokio::test]
async fn list_policies_in_aws_scope_is_truncated_at_the_default_page_size() {
    let server = common::spawn().await;
    let iam = server.iam();
    let out = iam
        .list_policies()
        .scope(PolicyScopeType::Aws)
        .send()
        .await
        .unwrap();
    assert!((1..=100).contains(&out.policies().len()));
    assert!(out.is_truncated());
    assert!(out.marker().is_some());
}

#[tokio::test]
async fn list_policies_in_all_scope_includes_customer_and_aws_policies() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_policy(&iam, "mine", S3_READ).await;
    let arns: Vec<String> = iam
        .list_policies()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.arn.unwrap())
        .collect();
    assert!(arns.contains(&policy_arn("mine")));
    assert!(arns.contains(&"arn:aws:iam::aws:policy/AdministratorAccess".to_owned()));
}

#[tokio::test]
async fn policy_tags_are_added_listed_and_removed() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "p", S3_READ).await.arn.unwrap();
    iam.tag_policy()
        .policy_arn(&arn)
        .tags(tag("env", "dev"))
        .tags(tag("team", "data"))
        .send()
        .await
        .unwrap();
    iam.untag_policy()
        .policy_arn(&arn)
        .tag_keys("env")
        .send()
        .await
        .unwrap();
    let out = iam
        .list_policy_tags()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    let tags: Vec<(&str, &str)> = out.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(tags, [("team", "data")]);
}

#[tokio::test]
async fn duplicate_tag_keys_on_a_policy_are_invalid_input() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "p", S3_READ).await.arn.unwrap();
    let error = aws_error(
        iam.tag_policy()
            .policy_arn(&arn)
            .tags(tag("0", ""))
            .tags(tag("0", ""))
            .send()
            .await,
    );
    error.assert_is("InvalidInput", 400, "Duplicate tag keys found.");
    let out = iam
        .list_policy_tags()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    assert!(out.tags().is_empty());
}

#[tokio::test]
async fn tagging_an_unknown_policy_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = policy_arn("NotAPolicy");
    let error = aws_error(
        iam.tag_policy()
            .policy_arn(&arn)
            .tags(tag("some", "value"))
            .send()
            .await,
    );
    error.assert_is("NoSuchEntity", 404, &format!("Policy {arn} was not found."));
    let error = aws_error(
        iam.untag_policy()
            .policy_arn(&arn)
            .tag_keys("somevalue")
            .send()
            .await,
    );
    error.assert_is("NoSuchEntity", 404, &format!("Policy {arn} was not found."));
}
