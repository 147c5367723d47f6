//! Permissions boundaries on users and roles through the AWS SDK for Rust.

use aws_sdk_iam::types::{EntityType, PolicyScopeType, PolicyUsageType};

use crate::common::{
    self, S3_READ, aws_error, create_policy, create_role, create_user, get_policy,
};

async fn user_boundary(iam: &aws_sdk_iam::Client, name: &str) -> Option<String> {
    let out = iam.get_user().user_name(name).send().await.unwrap();
    out.user()
        .unwrap()
        .permissions_boundary()
        .map(|b| b.permissions_boundary_arn().unwrap().to_owned())
}

async fn role_boundary(iam: &aws_sdk_iam::Client, name: &str) -> Option<String> {
    let out = iam.get_role().role_name(name).send().await.unwrap();
    out.role()
        .unwrap()
        .permissions_boundary()
        .map(|b| b.permissions_boundary_arn().unwrap().to_owned())
}

async fn usage_count(iam: &aws_sdk_iam::Client, arn: &str) -> i32 {
    get_policy(iam, arn)
        .await
        .permissions_boundary_usage_count()
        .unwrap()
}

async fn put_user_boundary(iam: &aws_sdk_iam::Client, user: &str, arn: &str) {
    iam.put_user_permissions_boundary()
        .user_name(user)
        .permissions_boundary(arn)
        .send()
        .await
        .unwrap();
}

async fn put_role_boundary(iam: &aws_sdk_iam::Client, role: &str, arn: &str) {
    iam.put_role_permissions_boundary()
        .role_name(role)
        .permissions_boundary(arn)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_users_boundary_shows_on_get_user_with_its_type() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "cap", S3_READ).await.arn.unwrap();
    create_user(&iam, "alice").await;
    put_user_boundary(&iam, "alice", &arn).await;
    let out = iam.get_user().user_name("alice").send().await.unwrap();
    let boundary = out.user().unwrap().permissions_boundary().unwrap();
    assert_eq!(boundary.permissions_boundary_arn(), Some(arn.as_str()));
    assert_eq!(
        boundary.permissions_boundary_type().map(|t| t.as_str()),
        Some("PermissionsBoundaryPolicy")
    );
}

#[tokio::test]
async fn boundary_usage_count_follows_puts_and_deletes_on_users_and_roles() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "cap", S3_READ).await.arn.unwrap();
    create_user(&iam, "alice").await;
    create_role(&iam, "app").await;

    put_user_boundary(&iam, "alice", &arn).await;
    assert_eq!(usage_count(&iam, &arn).await, 1);
    put_role_boundary(&iam, "app", &arn).await;
    assert_eq!(usage_count(&iam, &arn).await, 2);
    assert_eq!(role_boundary(&iam, "app").await, Some(arn.clone()));
    assert_eq!(get_policy(&iam, &arn).await.attachment_count(), Some(0));

    iam.delete_user_permissions_boundary()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(user_boundary(&iam, "alice").await, None);
    assert_eq!(usage_count(&iam, &arn).await, 1);
    iam.delete_role_permissions_boundary()
        .role_name("app")
        .send()
        .await
        .unwrap();
    assert_eq!(role_boundary(&iam, "app").await, None);
    assert_eq!(usage_count(&iam, &arn).await, 0);
}

#[tokio::test]
async fn a_new_boundary_replaces_the_old_one_and_moves_the_counts() {
    let server = common::spawn().await;
    let iam = server.iam();
    let old = create_policy(&iam, "old", S3_READ).await.arn.unwrap();
    let new = create_policy(&iam, "new", S3_READ).await.arn.unwrap();
    create_role(&iam, "app").await;
    put_role_boundary(&iam, "app", &old).await;
    put_role_boundary(&iam, "app", &new).await;
    assert_eq!(role_boundary(&iam, "app").await, Some(new.clone()));
    assert_eq!(usage_count(&iam, &old).await, 0);
    assert_eq!(usage_count(&iam, &new).await, 1);
}

#[tokio::test]
async fn a_boundary_given_at_create_role_is_counted() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "cap", S3_READ).await.arn.unwrap();
    iam.create_role()
        .role_name("app")
        .assume_role_policy_document(common::EC2_TRUST)
        .permissions_boundary(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(role_boundary(&iam, "app").await, Some(arn.clone()));
    assert_eq!(usage_count(&iam, &arn).await, 1);
}

#[tokio::test]
async fn a_boundary_policy_that_does_not_exist_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let kept = create_policy(&iam, "kept", S3_READ).await.arn.unwrap();
    create_role(&iam, "app").await;
    put_role_boundary(&iam, "app", &kept).await;
    let arn = "arn:aws:iam::000000000000:policy/nonexistent-policy";
    let error = aws_error(
        iam.put_role_permissions_boundary()
            .role_name("app")
            .permissions_boundary(arn)
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        &format!("Scope ARN: {arn} does not exist or is not attachable."),
    );
    assert_eq!(role_boundary(&iam, "app").await, Some(kept));
}

#[tokio::test]
async fn a_boundary_that_is_not_a_policy_arn_is_invalid_input() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    let arn = "arn:aws:iam::000000000000:not_a_policy/invalid";
    let error = aws_error(
        iam.put_role_permissions_boundary()
            .role_name("app")
            .permissions_boundary(arn)
            .send()
            .await,
    );
    error.assert_is("InvalidInput", 400, &format!("ARN {arn} is not valid."));
    assert_eq!(role_boundary(&iam, "app").await, None);
}

#[tokio::test]
async fn a_boundary_on_a_missing_role_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "cap", S3_READ).await.arn.unwrap();
    let error = aws_error(
        iam.put_role_permissions_boundary()
            .role_name("nonexistent-role")
            .permissions_boundary(&arn)
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The role with name nonexistent-role cannot be found.",
    );
    assert_eq!(usage_count(&iam, &arn).await, 0);
}

#[tokio::test]
async fn list_policies_can_list_only_policies_used_as_boundaries() {
    let server = common::spawn().await;
    let iam = server.iam();
    let cap = create_policy(&iam, "cap", S3_READ).await.arn.unwrap();
    let perms = create_policy(&iam, "perms", S3_READ).await.arn.unwrap();
    create_user(&iam, "alice").await;
    put_user_boundary(&iam, "alice", &cap).await;
    iam.attach_user_policy()
        .user_name("alice")
        .policy_arn(&perms)
        .send()
        .await
        .unwrap();
    let out = iam
        .list_policies()
        .scope(PolicyScopeType::Local)
        .only_attached(true)
        .policy_usage_filter(PolicyUsageType::PermissionsBoundary)
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = out
        .policies()
        .iter()
        .map(|p| p.policy_name().unwrap())
        .collect();
    assert_eq!(names, ["cap"]);
}

#[tokio::test]
async fn list_entities_for_policy_can_list_boundary_holders() {
    let server = common::spawn().await;
    let iam = server.iam();
    let cap = create_policy(&iam, "cap", S3_READ).await.arn.unwrap();
    create_user(&iam, "alice").await;
    create_user(&iam, "bob").await;
    create_role(&iam, "app").await;
    put_user_boundary(&iam, "alice", &cap).await;
    put_role_boundary(&iam, "app", &cap).await;
    iam.attach_user_policy()
        .user_name("bob")
        .policy_arn(&cap)
        .send()
        .await
        .unwrap();

    let out = iam
        .list_entities_for_policy()
        .policy_arn(&cap)
        .policy_usage_filter(PolicyUsageType::PermissionsBoundary)
        .send()
        .await
        .unwrap();
    let users: Vec<&str> = out
        .policy_users()
        .iter()
        .map(|u| u.user_name().unwrap())
        .collect();
    assert_eq!(users, ["alice"]);
    let roles: Vec<&str> = out
        .policy_roles()
        .iter()
        .map(|r| r.role_name().unwrap())
        .collect();
    assert_eq!(roles, ["app"]);

    let out = iam
        .list_entities_for_policy()
        .policy_arn(&cap)
        .policy_usage_filter(PolicyUsageType::PermissionsPolicy)
        .entity_filter(EntityType::User)
        .send()
        .await
        .unwrap();
    let users: Vec<&str> = out
        .policy_users()
        .iter()
        .map(|u| u.user_name().unwrap())
        .collect();
    assert_eq!(users, ["bob"]);
}
