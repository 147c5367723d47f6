//! The policy simulator through the SDK.

use aws_sdk_iam::types::{ContextEntry, ContextKeyTypeEnum, PolicyEvaluationDecisionType};

use crate::common::{self, aws_error, create_user};

const MFA_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowAll","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"DenyAllExceptListedIfNoMFA","Effect":"Deny","NotAction":["iam:CreateVirtualMFADevice","iam:EnableMFADevice","iam:ListMFADevices","sts:GetSessionToken"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}"#;

/// The 1-based column just past the `{` that starts `statement` in a one-line document.
fn column_after(document: &str, statement: &str) -> i32 {
    i32::try_from(document.find(statement).unwrap()).unwrap() + 2
}

fn mfa_present(value: &str) -> ContextEntry {
    ContextEntry::builder()
        .context_key_name("aws:MultiFactorAuthPresent")
        .context_key_values(value)
        .context_key_type(ContextKeyTypeEnum::Boolean)
        .build()
}

#[tokio::test]
async fn the_mfa_policy_denies_without_the_mfa_context_and_allows_with_it() {
    let server = common::spawn().await;
    let iam = server.iam();
    let without = iam
        .simulate_custom_policy()
        .policy_input_list(MFA_POLICY)
        .action_names("s3:GetObject")
        .action_names("iam:ListMFADevices")
        .send()
        .await
        .unwrap();
    let results = without.evaluation_results();
    assert_eq!(
        results[0].eval_decision(),
        &PolicyEvaluationDecisionType::ExplicitDeny
    );
    let deny = &results[0].matched_statements()[0];
    assert_eq!(deny.source_policy_id(), Some("PolicyInputList.1"));
    // AWS reports the column one past the statement's `{`.
    let start = deny.start_position().unwrap();
    assert_eq!(
        (start.line(), start.column()),
        (1, column_after(MFA_POLICY, "{\"Sid\":\"Deny"))
    );
    assert_eq!(
        results[0].missing_context_values(),
        ["aws:MultiFactorAuthPresent"]
    );
    assert_eq!(
        results[1].eval_decision(),
        &PolicyEvaluationDecisionType::Allowed
    );

    let with = iam
        .simulate_custom_policy()
        .policy_input_list(MFA_POLICY)
        .action_names("s3:GetObject")
        .context_entries(mfa_present("true"))
        .send()
        .await
        .unwrap();
    let result = &with.evaluation_results()[0];
    assert_eq!(
        result.eval_decision(),
        &PolicyEvaluationDecisionType::Allowed
    );
    let allow_column = column_after(MFA_POLICY, "{\"Sid\":\"AllowAll");
    assert_eq!(
        result.matched_statements()[0]
            .start_position()
            .unwrap()
            .column(),
        allow_column
    );
}

#[tokio::test]
async fn simulating_a_users_policies_checks_each_action_on_each_resource() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "u").await;
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}]}"#;
    iam.put_user_policy()
        .user_name("u")
        .policy_name("p")
        .policy_document(policy)
        .send()
        .await
        .unwrap();
    let out = iam
        .simulate_principal_policy()
        .policy_source_arn("arn:aws:iam::000000000000:user/u")
        .action_names("s3:GetObject")
        .action_names("dynamodb:Query")
        .resource_arns("arn:aws:s3:::b/k")
        .resource_arns("arn:aws:s3:::c/k")
        .send()
        .await
        .unwrap();
    let decisions: Vec<(&str, &str, &str)> = out
        .evaluation_results()
        .iter()
        .map(|r| {
            (
                r.eval_action_name(),
                r.eval_resource_name().unwrap_or_default(),
                r.eval_decision().as_str(),
            )
        })
        .collect();
    assert_eq!(
        decisions,
        [
            ("s3:GetObject", "arn:aws:s3:::b/k", "allowed"),
            ("s3:GetObject", "arn:aws:s3:::c/k", "implicitDeny"),
            ("dynamodb:Query", "arn:aws:s3:::b/k", "implicitDeny"),
            ("dynamodb:Query", "arn:aws:s3:::c/k", "implicitDeny"),
        ]
    );
    let first = &out.evaluation_results()[0];
    assert_eq!(
        first.matched_statements()[0].source_policy_id(),
        Some("user_u_p")
    );
    assert_eq!(first.resource_specific_results().len(), 1);
}

#[tokio::test]
async fn a_boundary_input_shows_in_the_decision_detail() {
    let server = common::spawn().await;
    let allow_all =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let only_s3 = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
    let out = server
        .iam()
        .simulate_custom_policy()
        .policy_input_list(allow_all)
        .permissions_boundary_policy_input_list(only_s3)
        .action_names("s3:ListBucket")
        .action_names("ec2:RunInstances")
        .send()
        .await
        .unwrap();
    let results = out.evaluation_results();
    assert_eq!(
        results[0].eval_decision(),
        &PolicyEvaluationDecisionType::Allowed
    );
    assert_eq!(
        results[1].eval_decision(),
        &PolicyEvaluationDecisionType::ImplicitDeny
    );
    let detail = results[1].permissions_boundary_decision_detail().unwrap();
    assert!(!detail.allowed_by_permissions_boundary());
}

#[tokio::test]
async fn an_unknown_policy_source_is_no_such_entity() {
    let server = common::spawn().await;
    let error = aws_error(
        server
            .iam()
            .simulate_principal_policy()
            .policy_source_arn("arn:aws:iam::000000000000:user/ghost")
            .action_names("s3:GetObject")
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
async fn context_keys_of_a_custom_policy_are_listed_once() {
    let server = common::spawn().await;
    let out = server
        .iam()
        .get_context_keys_for_custom_policy()
        .policy_input_list(MFA_POLICY)
        .policy_input_list(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::${aws:username}/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"Bool":{"aws:multifactorauthpresent":"true"}}}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.context_key_names(),
        ["aws:MultiFactorAuthPresent", "aws:username", "aws:SourceIp"]
    );
}

#[tokio::test]
async fn action_names_and_context_key_names_have_length_limits() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.simulate_custom_policy()
            .policy_input_list(MFA_POLICY)
            .action_names("ab")
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value at 'actionNames' failed to satisfy constraint: \
         Member must satisfy constraint: [Member must have length less than or equal to 128, \
         Member must have length greater than or equal to 3]",
    );
    let short_key = ContextEntry::builder()
        .context_key_name("a:b")
        .context_key_values("x")
        .context_key_type(ContextKeyTypeEnum::String)
        .build();
    let error = aws_error(
        iam.simulate_custom_policy()
            .policy_input_list(MFA_POLICY)
            .action_names("iam:ListUsers")
            .context_entries(short_key)
            .send()
            .await,
    );
    assert_eq!(error.code, "ValidationError");
    assert!(
        error
            .message
            .contains("Value at 'contextEntries.1.member.contextKeyName'"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn results_page_in_action_then_resource_order() {
    let server = common::spawn().await;
    let iam = server.iam();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/2"}]}"#;
    let actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"];
    let resources = ["arn:aws:s3:::b/1", "arn:aws:s3:::b/2"];
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = iam
            .simulate_custom_policy()
            .policy_input_list(policy)
            .set_action_names(Some(actions.iter().map(|a| (*a).to_owned()).collect()))
            .set_resource_arns(Some(resources.iter().map(|r| (*r).to_owned()).collect()))
            .max_items(4)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        pages += 1;
        for result in page.evaluation_results() {
            seen.push((
                result.eval_action_name().to_owned(),
                result.eval_resource_name().unwrap_or_default().to_owned(),
                result.eval_decision().as_str().to_owned(),
            ));
        }
        if !page.is_truncated() {
            assert!(page.marker().is_none());
            break;
        }
        marker = page.marker().map(str::to_owned);
        assert!(marker.is_some(), "a truncated page carries a marker");
    }
    assert_eq!(pages, 2);
    let expected: Vec<(String, String, String)> = actions
        .iter()
        .flat_map(|a| resources.iter().map(move |r| (*a, *r)))
        .map(|(a, r)| {
            let decision = if a == "s3:GetObject" && r.ends_with("/2") {
                "allowed"
            } else {
                "implicitDeny"
            };
            (a.to_owned(), r.to_owned(), decision.to_owned())
        })
        .collect();
    assert_eq!(seen, expected);

    let error = aws_error(
        iam.simulate_custom_policy()
            .policy_input_list(policy)
            .action_names("s3:GetObject")
            .marker("not-a-marker")
            .send()
            .await,
    );
    assert_eq!(
        (error.code.as_str(), error.status),
        ("ValidationError", 400)
    );
}
