//! Attaching customer managed policies to users, groups and roles through the AWS SDK for
//! Rust: counts, quotas, listings and what attachments block.

use aws_sdk_iam::types::{EntityType, PolicyScopeType, PolicyUsageType};

use crate::common::{
    self, S3_READ, aws_error, create_group, create_policy, create_role, create_user, get_policy,
    policy_arn,
};

async fn attach_user(iam: &aws_sdk_iam::Client, user: &str, arn: &str) {
    iam.attach_user_policy()
        .user_name(user)
        .policy_arn(arn)
        .send()
        .await
        .unwrap();
}

async fn attach_group(iam: &aws_sdk_iam::Client, group: &str, arn: &str) {
    iam.attach_group_policy()
        .group_name(group)
        .policy_arn(arn)
        .send()
        .await
        .unwrap();
}

async fn attach_role(iam: &aws_sdk_iam::Client, role: &str, arn: &str) {
    iam.attach_role_policy()
        .role_name(role)
        .policy_arn(arn)
        .send()
        .await
        .unwrap();
}

async fn user_policies(iam: &aws_sdk_iam::Client, user: &str) -> Vec<String> {
    let out = iam
        .list_attached_user_policies()
        .user_name(user)
        .send()
        .await
        .unwrap();
    assert!(!out.is_truncated());
    let mut names: Vec<String> = out
        .attached_policies()
        .iter()
        .map(|p| p.policy_name().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

async fn group_policies(iam: &aws_sdk_iam::Client, group: &str) -> Vec<String> {
    let out = iam
        .list_attached_group_policies()
        .group_name(group)
        .send()
        .await
        .unwrap();
    let mut names: Vec<String> = out
        .attached_policies()
        .iter()
        .map(|p| p.policy_name().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

async fn role_policies(iam: &aws_sdk_iam::Client, role: &str) -> Vec<String> {
    let out = iam
        .list_attached_role_policies()
        .role_name(role)
        .send()
        .await
        .unwrap();
    let mut names: Vec<String> = out
        .attached_policies()
        .iter()
        .map(|p| p.policy_name().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

async fn attachment_count(iam: &aws_sdk_iam::Client, arn: &str) -> i32 {
    get_policy(iam, arn).await.attachment_count().unwrap()
}

/// Ten policies `p00`..`p09` and their ARNs.
async fn ten_policies(iam: &aws_sdk_iam::Client) -> Vec<String> {
    let mut arns = Vec::new();
    for i in 0..10 {
        arns.push(
            create_policy(iam, &format!("p{i:02}"), S3_READ)
                .await
                .arn
                .unwrap(),
        );
    }
    arns
}

#[tokio::test]
async fn attachment_count_follows_attaches_and_detaches_across_users_groups_and_roles() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "shared", S3_READ).await.arn.unwrap();
    create_user(&iam, "alice").await;
    create_group(&iam, "devs").await;
    create_role(&iam, "app").await;

    attach_user(&iam, "alice", &arn).await;
    assert_eq!(attachment_count(&iam, &arn).await, 1);
    attach_group(&iam, "devs", &arn).await;
    attach_role(&iam, "app", &arn).await;
    assert_eq!(attachment_count(&iam, &arn).await, 3);
    assert_eq!(user_policies(&iam, "alice").await, ["shared"]);
    assert_eq!(group_policies(&iam, "devs").await, ["shared"]);
    assert_eq!(role_policies(&iam, "app").await, ["shared"]);

    iam.detach_group_policy()
        .group_name("devs")
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(attachment_count(&iam, &arn).await, 2);
    assert!(group_policies(&iam, "devs").await.is_empty());
    assert_eq!(
        get_policy(&iam, &arn)
            .await
            .permissions_boundary_usage_count(),
        Some(0)
    );
}

#[tokio::test]
async fn attached_policies_are_listed_with_name_and_arn() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "shared", S3_READ).await.arn.unwrap();
    create_user(&iam, "alice").await;
    attach_user(&iam, "alice", &arn).await;
    let out = iam
        .list_attached_user_policies()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    let [attached] = out.attached_policies() else {
        panic!("one policy: {:?}", out.attached_policies())
    };
    assert_eq!(attached.policy_name(), Some("shared"));
    assert_eq!(attached.policy_arn(), Some(arn.as_str()));
}

#[tokio::test]
async fn attaching_a_policy_twice_keeps_one_attachment() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "shared", S3_READ).await.arn.unwrap();
    create_user(&iam, "alice").await;
    attach_user(&iam, "alice", &arn).await;
    attach_user(&iam, "alice", &arn).await;
    assert_eq!(user_policies(&iam, "alice").await, ["shared"]);
    assert_eq!(attachment_count(&iam, &arn).await, 1);
}

#[tokio::test]
async fn an_eleventh_policy_on_a_user_is_limit_exceeded() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    for arn in ten_policies(&iam).await {
        attach_user(&iam, "alice", &arn).await;
    }
    let extra = create_policy(&iam, "p10", S3_READ).await.arn.unwrap();
    let error = aws_error(
        iam.attach_user_policy()
            .user_name("alice")
            .policy_arn(&extra)
            .send()
            .await,
    );
    error.assert_is(
        "LimitExceeded",
        409,
        "Cannot exceed quota for PoliciesPerUser: 10",
    );
    assert_eq!(user_policies(&iam, "alice").await.len(), 10);
    assert_eq!(attachment_count(&iam, &extra).await, 0);
}

#[tokio::test]
async fn an_eleventh_policy_on_a_group_is_limit_exceeded() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_group(&iam, "devs").await;
    for arn in ten_policies(&iam).await {
        attach_group(&iam, "devs", &arn).await;
    }
    let extra = create_policy(&iam, "p10", S3_READ).await.arn.unwrap();
    let error = aws_error(
        iam.attach_group_policy()
            .group_name("devs")
            .policy_arn(&extra)
            .send()
            .await,
    );
    error.assert_is(
        "LimitExceeded",
        409,
        "Cannot exceed quota for PoliciesPerGroup: 10",
    );
    assert_eq!(group_policies(&iam, "devs").await.len(), 10);
    assert_eq!(attachment_count(&iam, &extra).await, 0);
}

#[tokio::test]
async fn an_eleventh_policy_on_a_role_is_limit_exceeded() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    for arn in ten_policies(&iam).await {
        attach_role(&iam, "app", &arn).await;
    }
    let extra = create_policy(&iam, "p10", S3_READ).await.arn.unwrap();
    let error = aws_error(
        iam.attach_role_policy()
            .role_name("app")
            .policy_arn(&extra)
            .send()
            .await,
    );
    error.assert_is(
        "LimitExceeded",
        409,
        "Cannot exceed quota for PoliciesPerRole: 10",
    );
    assert_eq!(role_policies(&iam, "app").await.len(), 10);
    assert_eq!(attachment_count(&iam, &extra).await, 0);
}

#[tokio::test]
async fn attaching_an_unknown_customer_policy_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    let arn = policy_arn("nonexistent-policy");
    let error = aws_error(
        iam.attach_role_policy()
            .role_name("app")
            .policy_arn(&arn)
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        &format!("Policy {arn} does not exist or is not attachable."),
    );
    assert!(role_policies(&iam, "app").await.is_empty());
}

#[tokio::test]
async fn attaching_something_that_is_not_an_arn_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    let error = aws_error(
        iam.attach_user_policy()
            .user_name("alice")
            .policy_arn("longpolicynamebutnoarn")
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        "ARN longpolicynamebutnoarn is not valid.",
    );
    assert!(user_policies(&iam, "alice").await.is_empty());
}

#[tokio::test]
async fn attaching_to_a_missing_user_group_or_role_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "shared", S3_READ).await.arn.unwrap();
    let error = aws_error(
        iam.attach_user_policy()
            .user_name("ghost")
            .policy_arn(&arn)
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The user with name ghost cannot be found.",
    );
    let error = aws_error(
        iam.attach_group_policy()
            .group_name("ghosts")
            .policy_arn(&arn)
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The group with name ghosts cannot be found.",
    );
    let error = aws_error(
        iam.attach_role_policy()
            .role_name("ghost-role")
            .policy_arn(&arn)
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The role with name ghost-role cannot be found.",
    );
    assert_eq!(attachment_count(&iam, &arn).await, 0);
}

#[tokio::test]
async fn detaching_a_policy_that_is_not_attached_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "shared", S3_READ).await.arn.unwrap();
    let other = create_policy(&iam, "other", S3_READ).await.arn.unwrap();
    create_user(&iam, "alice").await;
    create_group(&iam, "devs").await;
    attach_user(&iam, "alice", &other).await;
    let error = aws_error(
        iam.detach_user_policy()
            .user_name("alice")
            .policy_arn(&arn)
            .send()
            .await,
    );
    error.assert_is("NoSuchEntity", 404, &format!("Policy {arn} was not found."));
    let error = aws_error(
        iam.detach_group_policy()
            .group_name("devs")
            .policy_arn(&arn)
            .send()
            .await,
    );
    error.assert_is("NoSuchEntity", 404, &format!("Policy {arn} was not found."));
    assert_eq!(user_policies(&iam, "alice").await, ["other"]);
}

#[tokio::test]
async fn deleting_an_attached_policy_is_delete_conflict() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "shared", S3_READ).await.arn.unwrap();
    create_role(&iam, "app").await;
    attach_role(&iam, "app", &arn).await;
    let error = aws_error(iam.delete_policy().policy_arn(&arn).send().await);
    error.assert_is(
        "DeleteConflict",
        409,
        "Cannot delete a policy attached to entities.",
    );
    assert_eq!(attachment_count(&iam, &arn).await, 1);
    assert_eq!(role_policies(&iam, "app").await, ["shared"]);

    iam.detach_role_policy()
        .role_name("app")
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    iam.delete_policy().policy_arn(&arn).send().await.unwrap();
}

#[tokio::test]
async fn deleting_a_user_with_an_attached_policy_is_delete_conflict() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "shared", S3_READ).await.arn.unwrap();
    create_user(&iam, "alice").await;
    attach_user(&iam, "alice", &arn).await;
    let error = aws_error(iam.delete_user().user_name("alice").send().await);
    error.assert_is(
        "DeleteConflict",
        409,
        "Cannot delete entity, must detach all policies first.",
    );
    assert_eq!(user_policies(&iam, "alice").await, ["shared"]);
}

#[tokio::test]
async fn deleting_a_group_with_an_attached_policy_is_delete_conflict() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "shared", S3_READ).await.arn.unwrap();
    create_group(&iam, "devs").await;
    attach_group(&iam, "devs", &arn).await;
    let error = aws_error(iam.delete_group().group_name("devs").send().await);
    error.assert_is(
        "DeleteConflict",
        409,
        "Cannot delete entity, must detach all policies first.",
    );
    assert_eq!(group_policies(&iam, "devs").await, ["shared"]);
}

#[tokio::test]
async fn deleting_a_role_with_an_attached_policy_is_delete_conflict() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "shared", S3_READ).await.arn.unwrap();
    create_role(&iam, "app").await;
    attach_role(&iam, "app", &arn).await;
    let error = aws_error(iam.delete_role().role_name("app").send().await);
    error.assert_is(
        "DeleteConflict",
        409,
        "Cannot delete entity, must detach all policies first.",
    );
    assert_eq!(role_policies(&iam, "app").await, ["shared"]);
}

#[tokio::test]
async fn list_entities_for_policy_names_every_holder_with_its_id() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "shared", S3_READ).await.arn.unwrap();
    let user = create_user(&iam, "alice").await;
    let group = create_group(&iam, "devs").await;
    let role = create_role(&iam, "app").await;
    attach_user(&iam, "alice", &arn).await;
    attach_group(&iam, "devs", &arn).await;
    attach_role(&iam, "app", &arn).await;

    let out = iam
        .list_entities_for_policy()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    assert!(!out.is_truncated());
    let users: Vec<_> = out
        .policy_users()
        .iter()
        .map(|u| (u.user_name(), u.user_id()))
        .collect();
    assert_eq!(users, [(Some("alice"), Some(user.user_id()))]);
    let groups: Vec<_> = out
        .policy_groups()
        .iter()
        .map(|g| (g.group_name(), g.group_id()))
        .collect();
    assert_eq!(groups, [(Some("devs"), Some(group.group_id()))]);
    let roles: Vec<_> = out
        .policy_roles()
        .iter()
        .map(|r| (r.role_name(), r.role_id()))
        .collect();
    assert_eq!(roles, [(Some("app"), Some(role.role_id()))]);
}

#[tokio::test]
async fn list_entities_for_policy_honours_the_entity_filter() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = create_policy(&iam, "shared", S3_READ).await.arn.unwrap();
    create_user(&iam, "alice").await;
    create_group(&iam, "devs").await;
    create_role(&iam, "app").await;
    attach_user(&iam, "alice", &arn).await;
    attach_group(&iam, "devs", &arn).await;
    attach_role(&iam, "app", &arn).await;

    let out = iam
        .list_entities_for_policy()
        .policy_arn(&arn)
        .entity_filter(EntityType::Role)
        .send()
        .await
        .unwrap();
    assert!(out.policy_users().is_empty());
    assert!(out.policy_groups().is_empty());
    assert_eq!(out.policy_roles().len(), 1);

    let out = iam
        .list_entities_for_policy()
        .policy_arn(&arn)
        .entity_filter(EntityType::User)
        .send()
        .await
        .unwrap();
    assert_eq!(out.policy_users().len(), 1);
    assert!(out.policy_groups().is_empty());
    assert!(out.policy_roles().is_empty());
}

#[tokio::test]
async fn list_entities_for_an_unknown_policy_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = policy_arn("NonExistentPolicy");
    let error = aws_error(iam.list_entities_for_policy().policy_arn(&arn).send().await);
    error.assert_is(
        "NoSuchEntity",
        404,
        &format!("Policy {arn} does not exist or is not attachable."),
    );
}

#[tokio::test]
async fn list_policies_only_attached_leaves_out_unattached_policies() {
    let server = common::spawn().await;
    let iam = server.iam();
    let used = create_policy(&iam, "used", S3_READ).await.arn.unwrap();
    create_policy(&iam, "unused", S3_READ).await;
    create_group(&iam, "devs").await;
    attach_group(&iam, "devs", &used).await;
    let out = iam
        .list_policies()
        .scope(PolicyScopeType::Local)
        .only_attached(true)
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = out
        .policies()
        .iter()
        .map(|p| p.policy_name().unwrap())
        .collect();
    assert_eq!(names, ["used"]);
    assert_eq!(out.policies()[0].attachment_count(), Some(1));
}

#[tokio::test]
async fn list_policies_permissions_policy_filter_leaves_out_boundary_only_policies() {
    let server = common::spawn().await;
    let iam = server.iam();
    let attached = create_policy(&iam, "attached", S3_READ).await.arn.unwrap();
    let boundary = create_policy(&iam, "boundary", S3_READ).await.arn.unwrap();
    create_user(&iam, "alice").await;
    attach_user(&iam, "alice", &attached).await;
    iam.put_user_permissions_boundary()
        .user_name("alice")
        .permissions_boundary(&boundary)
        .send()
        .await
        .unwrap();
    let out = iam
        .list_policies()
        .scope(PolicyScopeType::Local)
        .only_attached(true)
        .policy_usage_filter(PolicyUsageType::PermissionsPolicy)
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = out
        .policies()
        .iter()
        .map(|p| p.policy_name().unwrap())
        .collect();
    assert_eq!(names, ["attached"]);
}

#[tokio::test]
async fn list_attached_policies_filters_by_policy_path_prefix() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    for (name, path) in [("team-read", "/team/"), ("root-read", "/")] {
        let arn = iam
            .create_policy()
            .policy_name(name)
            .path(path)
            .policy_document(S3_READ)
            .send()
            .await
            .unwrap()
            .policy
            .unwrap()
            .arn
            .unwrap();
        attach_role(&iam, "app", &arn).await;
    }
    let out = iam
        .list_attached_role_policies()
        .role_name("app")
        .path_prefix("/team/")
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = out
        .attached_policies()
        .iter()
        .map(|p| p.policy_name().unwrap())
        .collect();
    assert_eq!(names, ["team-read"]);
}

#[tokio::test]
async fn list_attached_policies_pages_through_every_attachment_once() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    for arn in ten_policies(&iam).await {
        attach_user(&iam, "alice", &arn).await;
    }
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = iam
            .list_attached_user_policies()
            .user_name("alice")
            .max_items(3)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        assert!(out.attached_policies().len() <= 3);
        seen.extend(
            out.attached_policies()
                .iter()
                .map(|p| p.policy_name().unwrap().to_owned()),
        );
        if !out.is_truncated() {
            break;
        }
        marker = Some(out.marker().unwrap().to_owned());
    }
    seen.sort();
    let expected: Vec<String> = (0..10).map(|i| format!("p{i:02}")).collect();
    assert_eq!(seen, expected);
}
