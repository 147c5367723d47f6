//! Instance profiles and the role each may hold, through the AWS SDK for Rust.

use aws_sdk_iam::types::InstanceProfile;

use crate::common::{
    self, EC2_TRUST, aws_error, create_instance_profile, create_role, decode_document, tag,
};

async fn get_profile(iam: &aws_sdk_iam::Client, name: &str) -> InstanceProfile {
    iam.get_instance_profile()
        .instance_profile_name(name)
        .send()
        .await
        .unwrap()
        .instance_profile
        .unwrap()
}

async fn profile_roles(iam: &aws_sdk_iam::Client, name: &str) -> Vec<String> {
    get_profile(iam, name)
        .await
        .roles()
        .iter()
        .map(|r| r.role_name().to_owned())
        .collect()
}

async fn profile_names(iam: &aws_sdk_iam::Client) -> Vec<String> {
    let out = iam.list_instance_profiles().send().await.unwrap();
    assert!(!out.is_truncated());
    out.instance_profiles()
        .iter()
        .map(|p| p.instance_profile_name().to_owned())
        .collect()
}

async fn add_role(iam: &aws_sdk_iam::Client, profile: &str, role: &str) {
    iam.add_role_to_instance_profile()
        .instance_profile_name(profile)
        .role_name(role)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn create_instance_profile_returns_its_arn_aipa_id_and_no_roles() {
    let server = common::spawn().await;
    let iam = server.iam();
    let created = iam
        .create_instance_profile()
        .instance_profile_name("web")
        .path("/fleet/")
        .send()
        .await
        .unwrap()
        .instance_profile
        .unwrap();
    assert_eq!(created.instance_profile_name(), "web");
    assert_eq!(created.path(), "/fleet/");
    assert_eq!(
        created.arn(),
        "arn:aws:iam::000000000000:instance-profile/fleet/web"
    );
    let id = created.instance_profile_id();
    assert!(id.starts_with("AIPA") && id.len() == 21, "{id}");
    assert!(created.roles().is_empty());

    let read = get_profile(&iam, "web").await;
    assert_eq!(read.instance_profile_id(), id);
    assert!(read.roles().is_empty());
}

#[tokio::test]
async fn instance_profile_names_are_unique_ignoring_case() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_instance_profile(&iam, "Web").await;
    let error = aws_error(
        iam.create_instance_profile()
            .instance_profile_name("web")
            .send()
            .await,
    );
    error.assert_is(
        "EntityAlreadyExists",
        409,
        "Instance Profile web already exists.",
    );
    assert_eq!(profile_names(&iam).await, ["Web"]);
}

#[tokio::test]
async fn get_instance_profile_of_a_missing_profile_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.get_instance_profile()
            .instance_profile_name("nonexistent-profile")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "Instance Profile nonexistent-profile cannot be found.",
    );
}

#[tokio::test]
async fn a_role_added_to_a_profile_is_listed_with_its_trust_policy() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_instance_profile(&iam, "web").await;
    let role = create_role(&iam, "app").await;
    add_role(&iam, "web", "app").await;
    let profile = get_profile(&iam, "web").await;
    let [listed] = profile.roles() else {
        panic!("one role: {:?}", profile.roles())
    };
    assert_eq!(listed.role_name(), "app");
    assert_eq!(listed.role_id(), role.role_id());
    assert_eq!(listed.arn(), role.arn());
    assert_eq!(
        decode_document(listed.assume_role_policy_document().unwrap()),
        EC2_TRUST
    );
}

#[tokio::test]
async fn a_second_role_in_a_profile_is_limit_exceeded() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_instance_profile(&iam, "web").await;
    create_role(&iam, "first").await;
    create_role(&iam, "second").await;
    add_role(&iam, "web", "first").await;
    let error = aws_error(
        iam.add_role_to_instance_profile()
            .instance_profile_name("web")
            .role_name("second")
            .send()
            .await,
    );
    error.assert_is(
        "LimitExceeded",
        409,
        "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1",
    );
    assert_eq!(profile_roles(&iam, "web").await, ["first"]);
}

#[tokio::test]
async fn adding_a_missing_role_or_to_a_missing_profile_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_instance_profile(&iam, "web").await;
    create_role(&iam, "app").await;
    let error = aws_error(
        iam.add_role_to_instance_profile()
            .instance_profile_name("web")
            .role_name("nonexistent-role")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The role with name nonexistent-role cannot be found.",
    );
    let error = aws_error(
        iam.add_role_to_instance_profile()
            .instance_profile_name("nonexistent-profile")
            .role_name("app")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "Instance Profile nonexistent-profile cannot be found.",
    );
    assert!(profile_roles(&iam, "web").await.is_empty());
}

#[tokio::test]
async fn list_instance_profiles_for_role_names_the_profiles_holding_it() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_role(&iam, "app").await;
    create_role(&iam, "other").await;
    for profile in ["web", "batch", "spare"] {
        create_instance_profile(&iam, profile).await;
    }
    add_role(&iam, "web", "app").await;
    add_role(&iam, "batch", "app").await;
    add_role(&iam, "spare", "other").await;
    let out = iam
        .list_instance_profiles_for_role()
        .role_name("app")
        .send()
        .await
        .unwrap();
    assert!(!out.is_truncated());
    let mut names: Vec<&str> = out
        .instance_profiles()
        .iter()
        .map(InstanceProfile::instance_profile_name)
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["batch", "web"]);
    assert!(
        out.instance_profiles()
            .iter()
            .all(|p| p.roles().iter().any(|r| r.role_name() == "app"))
    );
}

#[tokio::test]
async fn list_instance_profiles_for_a_missing_role_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.list_instance_profiles_for_role()
            .role_name("nonexistent-role")
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
async fn list_instance_profiles_filters_by_path_prefix() {
    let server = common::spawn().await;
    let iam = server.iam();
    for (name, path) in [
        ("a", "/fleet/"),
        ("b", "/fleet/gpu/"),
        ("c", "/"),
        ("d", "/other/"),
    ] {
        iam.create_instance_profile()
            .instance_profile_name(name)
            .path(path)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(profile_names(&iam).await, ["a", "b", "c", "d"]);
    let out = iam
        .list_instance_profiles()
        .path_prefix("/fleet/")
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = out
        .instance_profiles()
        .iter()
        .map(InstanceProfile::instance_profile_name)
        .collect();
    assert_eq!(names, ["a", "b"]);
}

#[tokio::test]
async fn removing_the_role_empties_the_profile() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_instance_profile(&iam, "web").await;
    create_role(&iam, "app").await;
    add_role(&iam, "web", "app").await;
    iam.remove_role_from_instance_profile()
        .instance_profile_name("web")
        .role_name("app")
        .send()
        .await
        .unwrap();
    assert!(profile_roles(&iam, "web").await.is_empty());
    let out = iam
        .list_instance_profiles_for_role()
        .role_name("app")
        .send()
        .await
        .unwrap();
    assert!(out.instance_profiles().is_empty());
}

#[tokio::test]
async fn removing_a_role_the_profile_does_not_hold_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_instance_profile(&iam, "web").await;
    create_role(&iam, "app").await;
    create_role(&iam, "other").await;
    add_role(&iam, "web", "other").await;
    let error = aws_error(
        iam.remove_role_from_instance_profile()
            .instance_profile_name("web")
            .role_name("app")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "Role app in Instance Profile web cannot be found.",
    );
    assert_eq!(profile_roles(&iam, "web").await, ["other"]);
}

#[tokio::test]
async fn deleting_a_profile_that_holds_a_role_is_delete_conflict() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_instance_profile(&iam, "web").await;
    create_role(&iam, "app").await;
    add_role(&iam, "web", "app").await;
    let error = aws_error(
        iam.delete_instance_profile()
            .instance_profile_name("web")
            .send()
            .await,
    );
    error.assert_is(
        "DeleteConflict",
        409,
        "Cannot delete entity, must remove roles from instance profile first.",
    );
    assert_eq!(profile_roles(&iam, "web").await, ["app"]);
}

#[tokio::test]
async fn deleting_a_role_in_a_profile_is_delete_conflict() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_instance_profile(&iam, "web").await;
    create_role(&iam, "app").await;
    add_role(&iam, "web", "app").await;
    let error = aws_error(iam.delete_role().role_name("app").send().await);
    error.assert_is(
        "DeleteConflict",
        409,
        "Cannot delete entity, must remove roles from instance profile first.",
    );
    assert_eq!(profile_roles(&iam, "web").await, ["app"]);
}

#[tokio::test]
async fn deleting_an_empty_profile_removes_it() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_instance_profile(&iam, "web").await;
    iam.delete_instance_profile()
        .instance_profile_name("web")
        .send()
        .await
        .unwrap();
    assert!(profile_names(&iam).await.is_empty());
    let error = aws_error(
        iam.delete_instance_profile()
            .instance_profile_name("web")
            .send()
            .await,
    );
    error.assert_is("NoSuchEntity", 404, "Instance Profile web cannot be found.");
}

#[tokio::test]
async fn instance_profile_tags_are_added_listed_and_removed() {
    let server = common::spawn().await;
    let iam = server.iam();
    iam.create_instance_profile()
        .instance_profile_name("web")
        .tags(tag("env", "dev"))
        .send()
        .await
        .unwrap();
    iam.tag_instance_profile()
        .instance_profile_name("web")
        .tags(tag("team", "core"))
        .send()
        .await
        .unwrap();
    let out = iam
        .list_instance_profile_tags()
        .instance_profile_name("web")
        .send()
        .await
        .unwrap();
    let tags: Vec<(&str, &str)> = out.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(tags, [("env", "dev"), ("team", "core")]);

    iam.untag_instance_profile()
        .instance_profile_name("web")
        .tag_keys("env")
        .send()
        .await
        .unwrap();
    let out = iam
        .list_instance_profile_tags()
        .instance_profile_name("web")
        .send()
        .await
        .unwrap();
    let tags: Vec<(&str, &str)> = out.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(tags, [("team", "core")]);
}

#[tokio::test]
async fn tag_operations_on_a_missing_profile_are_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let message = "Instance Profile nonexistent-profile cannot be found.";
    let error = aws_error(
        iam.tag_instance_profile()
            .instance_profile_name("nonexistent-profile")
            .tags(tag("Key", "Value"))
            .send()
            .await,
    );
    error.assert_is("NoSuchEntity", 404, message);
    let error = aws_error(
        iam.untag_instance_profile()
            .instance_profile_name("nonexistent-profile")
            .tag_keys("Key")
            .send()
            .await,
    );
    error.assert_is("NoSuchEntity", 404, message);
    let error = aws_error(
        iam.list_instance_profile_tags()
            .instance_profile_name("nonexistent-profile")
            .send()
            .await,
    );
    error.assert_is("NoSuchEntity", 404, message);
}
