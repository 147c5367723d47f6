//! AWS managed policies (`arn:aws:iam::aws:policy/...`) from iamd's catalogue, through the AWS
//! SDK for Rust: readable and attachable, never changeable by a customer.

use aws_sdk_iam::types::{PolicyScopeType, PolicyUsageType};

use crate::common::{
    self, EC2_TRUST, S3_READ, aws_error, create_role, create_user, decode_document, get_policy, tag,
};

const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const LAMBDA_BASIC: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

async fn attached_user_policies(iam: &aws_sdk_iam::Client, user: &str) -> Vec<String> {
    let out = iam
        .list_attached_user_policies()
        .user_name(user)
        .send()
        .await
        .unwrap();
    out.attached_policies()
        .iter()
        .map(|p| p.policy_arn().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn administrator_access_is_known_attachable_and_at_v1() {
    let server = common::spawn().await;
    let iam = server.iam();
    let policy = get_policy(&iam, ADMIN).await;
    assert_eq!(policy.policy_name(), Some("AdministratorAccess"));
    assert_eq!(policy.arn(), Some(ADMIN));
    assert_eq!(policy.path(), Some("/"));
    assert_eq!(policy.default_version_id(), Some("v1"));
    assert!(policy.is_attachable());
    assert_eq!(policy.attachment_count(), Some(0));
    let id = policy.policy_id().unwrap();
    assert!(id.starts_with("ANPA") && id.len() == 21, "{id}");
}

#[tokio::test]
async fn an_aws_policy_under_a_path_shows_that_path() {
    let server = common::spawn().await;
    let iam = server.iam();
    let policy = get_policy(&iam, LAMBDA_BASIC).await;
    assert_eq!(policy.policy_name(), Some("AWSLambdaBasicExecutionRole"));
    assert_eq!(policy.path(), Some("/service-role/"));
}

#[tokio::test]
async fn the_default_version_of_an_aws_policy_is_a_decodable_document() {
    let server = common::spawn().await;
    let iam = server.iam();
    let version = iam
        .get_policy_version()
        .policy_arn(ADMIN)
        .version_id("v1")
        .send()
        .await
        .unwrap()
        .policy_version
        .unwrap();
    assert!(version.is_default_version());
    let document = decode_document(version.document().unwrap());
    let json: serde_json::Value = serde_json::from_str(&document).unwrap();
    assert_eq!(json["Version"], "2012-10-17");
    assert_eq!(json["Statement"][0]["Effect"], "Allow");
    assert_eq!(json["Statement"][0]["Action"], "*");
    assert_eq!(json["Statement"][0]["Resource"], "*");
}

#[tokio::test]
async fn attaching_administrator_access_to_a_user_lists_and_counts_it() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    iam.attach_user_policy()
        .user_name("alice")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(attached_user_policies(&iam, "alice").await, [ADMIN]);
    let out = iam
        .list_attached_user_policies()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.attached_policies()[0].policy_name(),
        Some("AdministratorAccess")
    );
    assert_eq!(get_policy(&iam, ADMIN).await.attachment_count(), Some(1));

    iam.detach_user_policy()
        .user_name("alice")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();
    assert!(attached_user_policies(&iam, "alice").await.is_empty());
    assert_eq!(get_policy(&iam, ADMIN).await.attachment_count(), Some(0));
}

#[tokio::test]
async fn an_aws_policy_attached_to_a_role_is_listed_as_attached_in_aws_scope() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    iam.attach_role_policy()
        .role_name("app")
        .policy_arn(LAMBDA_BASIC)
        .send()
        .await
        .unwrap();
    let out = iam
        .list_policies()
        .scope(PolicyScopeType::Aws)
        .only_attached(true)
        .send()
        .await
        .unwrap();
    let arns: Vec<&str> = out.policies().iter().map(|p| p.arn().unwrap()).collect();
    assert_eq!(arns, [LAMBDA_BASIC]);
    assert_eq!(out.policies()[0].attachment_count(), Some(1));
}

#[tokio::test]
async fn an_aws_policy_can_be_a_permissions_boundary() {
    let server = common::spawn().await;
    let iam = server.iam();
    iam.create_role()
        .role_name("bounded")
        .assume_role_policy_document(EC2_TRUST)
        .permissions_boundary(ADMIN)
        .send()
        .await
        .unwrap();
    let role = iam.get_role().role_name("bounded").send().await.unwrap();
    let boundary = role.role().unwrap().permissions_boundary().unwrap();
    assert_eq!(boundary.permissions_boundary_arn(), Some(ADMIN));
    let policy = get_policy(&iam, ADMIN).await;
    assert_eq!(policy.permissions_boundary_usage_count(), Some(1));
    assert_eq!(policy.attachment_count(), Some(0));

    let out = iam
        .list_policies()
        .scope(PolicyScopeType::Aws)
        .only_attached(true)
        .policy_usage_filter(PolicyUsageType::PermissionsBoundary)
        .send()
        .await
        .unwrap();
    let arns: Vec<&str> = out.policies().iter().map(|p| p.arn().unwrap()).collect();
    assert_eq!(arns, [ADMIN]);
}

#[tokio::test]
async fn attaching_a_made_up_aws_policy_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    let arn = "arn:aws:iam::aws:policy/Nonexistent";
    let error = aws_error(
        iam.attach_user_policy()
            .user_name("alice")
            .policy_arn(arn)
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        &format!("Policy {arn} does not exist or is not attachable."),
    );
    assert!(attached_user_policies(&iam, "alice").await.is_empty());
}

#[tokio::test]
async fn detaching_an_aws_policy_that_is_not_attached_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    for arn in [LAMBDA_BASIC, "arn:aws:iam::aws:policy/Nonexistent"] {
        let error = aws_error(
            iam.detach_role_policy()
                .role_name("app")
                .policy_arn(arn)
                .send()
                .await,
        );
        error.assert_is("NoSuchEntity", 404, &format!("Policy {arn} was not found."));
    }
}

#[tokio::test]
async fn a_service_linked_role_policy_is_not_attachable() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    let arn = "arn:aws:iam::aws:policy/aws-service-role/AccessAnalyzerServiceRolePolicy";
    assert!(!get_policy(&iam, arn).await.is_attachable());
    let error = aws_error(
        iam.attach_role_policy()
            .role_name("app")
            .policy_arn(arn)
            .send()
            .await,
    );
    error.assert_code("PolicyNotAttachable", 400);
    let out = iam
        .list_attached_role_policies()
        .role_name("app")
        .send()
        .await
        .unwrap();
    assert!(out.attached_policies().is_empty());
}

#[tokio::test]
async fn deleting_an_aws_policy_is_access_denied() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(iam.delete_policy().policy_arn(ADMIN).send().await);
    error.assert_is(
        "AccessDenied",
        403,
        "Cannot delete policies outside your own account.",
    );
    assert_eq!(
        get_policy(&iam, ADMIN).await.default_version_id(),
        Some("v1")
    );
}

#[tokio::test]
async fn deleting_a_version_of_an_aws_policy_is_access_denied() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.delete_policy_version()
            .policy_arn(ADMIN)
            .version_id("v2")
            .send()
            .await,
    );
    error.assert_is(
        "AccessDenied",
        403,
        "Cannot delete policy versions for policies outside your own account.",
    );
}

#[tokio::test]
async fn setting_the_default_version_of_an_aws_policy_is_access_denied() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.set_default_policy_version()
            .policy_arn(ADMIN)
            .version_id("v2")
            .send()
            .await,
    );
    error.assert_is(
        "AccessDenied",
        403,
        "Cannot update policies outside your own account.",
    );
    assert_eq!(
        get_policy(&iam, ADMIN).await.default_version_id(),
        Some("v1")
    );
}

#[tokio::test]
async fn creating_a_version_of_an_aws_policy_is_access_denied() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.create_policy_version()
            .policy_arn(ADMIN)
            .policy_document(S3_READ)
            .set_as_default(true)
            .send()
            .await,
    );
    error.assert_code("AccessDenied", 403);
    assert_eq!(
        get_policy(&iam, ADMIN).await.default_version_id(),
        Some("v1")
    );
}

#[tokio::test]
async fn tagging_an_aws_policy_is_access_denied() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.tag_policy()
            .policy_arn(ADMIN)
            .tags(tag("mine", "yes"))
            .send()
            .await,
    );
    error.assert_code("AccessDenied", 403);
    assert!(get_policy(&iam, ADMIN).await.tags().is_empty());
}
