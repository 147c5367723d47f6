//! IAM users through the AWS SDK for Rust: create, read, list, rename, move and delete, with
//! IAM's validation, uniqueness and dependency rules.

use aws_sdk_iam::types::User;

use crate::common::{self, aws_error, create_access_key, create_user};

const ACCOUNT: &str = "000000000000";
const NAME_PATTERN: &str = r"[\w+=,.@-]+";
const PATH_PATTERN: &str = r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)";
const REFERENCED_OBJECTS: &str = "Cannot delete entity, must remove referenced objects first.";

fn validation(items: &[&str]) -> String {
    let noun = if items.len() == 1 { "error" } else { "errors" };
    format!(
        "{} validation {noun} detected: {}",
        items.len(),
        items.join("; ")
    )
}

fn user_names(users: &[User]) -> Vec<String> {
    users.iter().map(|u| u.user_name().to_owned()).collect()
}

async fn all_user_names(iam: &aws_sdk_iam::Client) -> Vec<String> {
    let out = iam.list_users().send().await.unwrap();
    assert!(!out.is_truncated());
    user_names(out.users())
}

#[tokio::test]
async fn create_user_returns_its_path_arn_and_aida_id() {
    let server = common::spawn().await;
    let iam = server.iam();
    let created = iam
        .create_user()
        .user_name("alice")
        .path("/division/team/")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(created.user_name(), "alice");
    assert_eq!(created.path(), "/division/team/");
    assert_eq!(
        created.arn(),
        "arn:aws:iam::000000000000:user/division/team/alice"
    );
    let id = created.user_id();
    assert!(id.starts_with("AIDA") && id.len() == 21, "{id}");
    assert!(
        id.chars()
            .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c)),
        "{id}"
    );

    let read = iam.get_user().user_name("alice").send().await.unwrap();
    let read = read.user().unwrap();
    assert_eq!(read.user_id(), id);
    assert_eq!(read.arn(), created.arn());
    assert_eq!(read.create_date(), created.create_date());
}

#[tokio::test]
async fn a_user_without_a_path_is_at_the_root_path() {
    let server = common::spawn().await;
    let created = create_user(&server.iam(), "bob").await;
    assert_eq!(created.path(), "/");
    assert_eq!(created.arn(), "arn:aws:iam::000000000000:user/bob");
}

#[tokio::test]
async fn user_names_are_unique_ignoring_case() {
    let server = common::spawn().await;
    let iam = server.iam();
    let bob = create_user(&iam, "Bob").await;
    let error = aws_error(iam.create_user().user_name("bob").send().await);
    error.assert_is(
        "EntityAlreadyExists",
        409,
        "User with name bob already exists.",
    );

    assert_eq!(all_user_names(&iam).await, ["Bob"]);
    let read = iam.get_user().user_name("Bob").send().await.unwrap();
    assert_eq!(read.user().unwrap().user_id(), bob.user_id());
}

#[tokio::test]
async fn get_user_finds_a_user_in_any_case_and_returns_the_stored_case() {
    let server = common::spawn().await;
    let iam = server.iam();
    let bob = create_user(&iam, "Bob").await;
    let read = iam.get_user().user_name("BOB").send().await.unwrap();
    let read = read.user().unwrap();
    assert_eq!(read.user_name(), "Bob");
    assert_eq!(read.user_id(), bob.user_id());
    assert_eq!(read.arn(), "arn:aws:iam::000000000000:user/Bob");
}

#[tokio::test]
async fn get_user_of_a_missing_user_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(iam.get_user().user_name("nobody").send().await);
    error.assert_is(
        "NoSuchEntity",
        404,
        "The user with name nobody cannot be found.",
    );
    assert!(all_user_names(&iam).await.is_empty());
}

#[tokio::test]
async fn a_long_name_on_an_existing_user_operation_is_no_such_entity_not_validation() {
    // GetUser's model allows 128 characters, CreateUser's only 64.
    let server = common::spawn().await;
    let name = "a".repeat(100);
    let error = aws_error(server.iam().get_user().user_name(&name).send().await);
    error.assert_is(
        "NoSuchEntity",
        404,
        &format!("The user with name {name} cannot be found."),
    );
}

#[tokio::test]
async fn get_user_with_a_129_character_name_is_a_validation_error() {
    let server = common::spawn().await;
    let error = aws_error(
        server
            .iam()
            .get_user()
            .user_name("a".repeat(129))
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        &validation(&["Value at 'userName' failed to satisfy constraint: Member must have length less than or equal to 128"]),
    );
}

#[tokio::test]
async fn get_user_without_a_name_as_root_describes_the_root_user() {
    let server = common::spawn().await;
    let out = server.iam().get_user().send().await.unwrap();
    let root = out.user().unwrap();
    assert_eq!(root.user_id(), ACCOUNT);
    assert_eq!(root.arn(), "arn:aws:iam::000000000000:root");
}

#[tokio::test]
async fn get_user_without_a_name_as_an_iam_user_describes_that_user() {
    let server = common::spawn().await;
    let iam = server.iam();
    let created = iam
        .create_user()
        .user_name("carol")
        .path("/ops/")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    let (key, secret) = create_access_key(&iam, "carol").await;
    let out = server
        .iam_as(&key, &secret)
        .get_user()
        .send()
        .await
        .unwrap();
    let me = out.user().unwrap();
    assert_eq!(me.user_name(), "carol");
    assert_eq!(me.user_id(), created.user_id());
    assert_eq!(me.arn(), "arn:aws:iam::000000000000:user/ops/carol");
}

#[tokio::test]
async fn create_user_with_a_65_character_name_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(iam.create_user().user_name("a".repeat(65)).send().await);
    error.assert_is(
        "ValidationError",
        400,
        &validation(&["Value at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"]),
    );
    assert!(all_user_names(&iam).await.is_empty());
}

#[tokio::test]
async fn create_user_with_a_64_character_name_succeeds() {
    let server = common::spawn().await;
    let name = "a".repeat(64);
    let created = create_user(&server.iam(), &name).await;
    assert_eq!(created.user_name(), name);
}

#[tokio::test]
async fn create_user_with_characters_outside_the_name_alphabet_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    for bad in ["bad name", "bad!", "slash/name", "é"] {
        let error = aws_error(iam.create_user().user_name(bad).send().await);
        error.assert_is(
            "ValidationError",
            400,
            &validation(&[format!(
                "Value at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: {NAME_PATTERN}"
            )
            .as_str()]),
        );
        assert!(!error.message.contains(bad), "IAM never echoes the value");
    }
    assert!(all_user_names(&iam).await.is_empty());
}

#[tokio::test]
async fn create_user_accepts_every_character_of_the_name_alphabet() {
    let server = common::spawn().await;
    let created = create_user(&server.iam(), "a+b=c,d.e@f-g_H9").await;
    assert_eq!(created.user_name(), "a+b=c,d.e@f-g_H9");
}

#[tokio::test]
async fn create_user_with_a_path_not_wrapped_in_slashes_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    for bad in ["nope", "/nope", "nope/"] {
        let error = aws_error(iam.create_user().user_name("dan").path(bad).send().await);
        error.assert_is(
            "ValidationError",
            400,
            &validation(&[format!(
                "Value at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: {PATH_PATTERN}"
            )
            .as_str()]),
        );
    }
    assert!(all_user_names(&iam).await.is_empty());
}

#[tokio::test]
async fn create_user_reports_every_violation_in_one_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.create_user()
            .user_name("a".repeat(65))
            .path("nope")
            .send()
            .await,
    );
    assert_eq!(
        (error.code.as_str(), error.status),
        ("ValidationError", 400)
    );
    let (head, items) = error.message.split_once(": ").unwrap();
    assert_eq!(head, "2 validation errors detected");
    let mut items: Vec<&str> = items.split("; ").collect();
    items.sort_unstable();
    let path_item = format!(
        "Value at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: {PATH_PATTERN}"
    );
    assert_eq!(
        items,
        [
            path_item.as_str(),
            "Value at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64",
        ]
    );
    assert!(all_user_names(&iam).await.is_empty());
}

#[tokio::test]
async fn create_user_with_an_unknown_permissions_boundary_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = "arn:aws:iam::000000000000:policy/missing-boundary";
    let error = aws_error(
        iam.create_user()
            .user_name("erin")
            .permissions_boundary(arn)
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        &format!("Scope ARN: {arn} does not exist or is not attachable."),
    );
    assert!(all_user_names(&iam).await.is_empty());
}

#[tokio::test]
async fn list_users_pages_through_every_user_once_sorted_by_name_ignoring_case() {
    let server = common::spawn().await;
    let iam = server.iam();
    // Alternating case, so byte order and case-insensitive order differ.
    let mut names: Vec<String> = (0..25)
        .map(|i| {
            if i % 2 == 0 {
                format!("User{i:02}")
            } else {
                format!("user{i:02}")
            }
        })
        .rev()
        .collect();
    for name in &names {
        create_user(&iam, name).await;
    }
    names.sort_by_key(|n| n.to_lowercase());

    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    loop {
        let out = iam
            .list_users()
            .max_items(10)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        pages += 1;
        assert!(out.users().len() <= 10);
        seen.extend(user_names(out.users()));
        if !out.is_truncated() {
            assert_eq!(out.marker(), None);
            break;
        }
        marker = Some(
            out.marker()
                .expect("a truncated page has a marker")
                .to_owned(),
        );
        assert!(pages < 10, "pagination does not end");
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, names);
}

#[tokio::test]
async fn the_list_users_paginator_returns_every_user() {
    let server = common::spawn().await;
    let iam = server.iam();
    for i in 0..12 {
        create_user(&iam, &format!("p{i:02}")).await;
    }
    let users: Vec<User> = iam
        .list_users()
        .max_items(5)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<String> = (0..12).map(|i| format!("p{i:02}")).collect();
    assert_eq!(user_names(&users), expected);
}

#[tokio::test]
async fn list_users_filters_by_path_prefix() {
    let server = common::spawn().await;
    let iam = server.iam();
    for (name, path) in [
        ("a1", "/eng/"),
        ("a2", "/eng/backend/"),
        ("a3", "/sales/"),
        ("a4", "/"),
    ] {
        iam.create_user()
            .user_name(name)
            .path(path)
            .send()
            .await
            .unwrap();
    }
    let eng = iam.list_users().path_prefix("/eng/").send().await.unwrap();
    assert_eq!(user_names(eng.users()), ["a1", "a2"]);
    let backend = iam
        .list_users()
        .path_prefix("/eng/backend")
        .send()
        .await
        .unwrap();
    assert_eq!(user_names(backend.users()), ["a2"]);
    let everyone = iam.list_users().path_prefix("/").send().await.unwrap();
    assert_eq!(everyone.users().len(), 4);
    // Paths, unlike names, compare case-sensitively.
    let shouted = iam.list_users().path_prefix("/ENG/").send().await.unwrap();
    assert!(shouted.users().is_empty());
}

#[tokio::test]
async fn list_users_leaves_out_tags() {
    let server = common::spawn().await;
    let iam = server.iam();
    iam.create_user()
        .user_name("tagged")
        .tags(common::tag("team", "red"))
        .send()
        .await
        .unwrap();
    let out = iam.list_users().send().await.unwrap();
    assert_eq!(user_names(out.users()), ["tagged"]);
    assert!(out.users()[0].tags().is_empty());
}

#[tokio::test]
async fn list_users_with_max_items_out_of_range_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "only").await;
    let error = aws_error(iam.list_users().max_items(0).send().await);
    error.assert_is(
        "ValidationError",
        400,
        &validation(&["Value at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"]),
    );
    let error = aws_error(iam.list_users().max_items(1001).send().await);
    error.assert_is(
        "ValidationError",
        400,
        &validation(&["Value at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000"]),
    );
    let edge = iam.list_users().max_items(1000).send().await.unwrap();
    assert_eq!(user_names(edge.users()), ["only"]);
}

#[tokio::test]
async fn list_users_with_a_marker_iamd_did_not_issue_is_invalid_marker() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "only").await;
    let error = aws_error(iam.list_users().marker("garbage!!").send().await);
    error.assert_is("ValidationError", 400, "Invalid Marker.");
    assert_eq!(all_user_names(&iam).await, ["only"]);
}

#[tokio::test]
async fn renaming_a_user_keeps_its_id_access_keys_and_groups() {
    let server = common::spawn().await;
    let iam = server.iam();
    let before = create_user(&iam, "old-name").await;
    let (key, secret) = create_access_key(&iam, "old-name").await;
    iam.create_group().group_name("team").send().await.unwrap();
    iam.add_user_to_group()
        .group_name("team")
        .user_name("old-name")
        .send()
        .await
        .unwrap();

    iam.update_user()
        .user_name("old-name")
        .new_user_name("new-name")
        .send()
        .await
        .unwrap();

    let error = aws_error(iam.get_user().user_name("old-name").send().await);
    error.assert_is(
        "NoSuchEntity",
        404,
        "The user with name old-name cannot be found.",
    );
    let after = iam.get_user().user_name("new-name").send().await.unwrap();
    let after = after.user().unwrap();
    assert_eq!(after.user_id(), before.user_id());
    assert_eq!(after.arn(), "arn:aws:iam::000000000000:user/new-name");

    let identity = server
        .sts_as(&key, &secret)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        identity.arn(),
        Some("arn:aws:iam::000000000000:user/new-name")
    );
    assert_eq!(identity.user_id(), Some(before.user_id()));

    let keys = iam
        .list_access_keys()
        .user_name("new-name")
        .send()
        .await
        .unwrap();
    assert_eq!(keys.access_key_metadata().len(), 1);
    let groups = iam
        .list_groups_for_user()
        .user_name("new-name")
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = groups.groups().iter().map(|g| g.group_name()).collect();
    assert_eq!(names, ["team"]);
    let members = iam.get_group().group_name("team").send().await.unwrap();
    assert_eq!(user_names(members.users()), ["new-name"]);
}

#[tokio::test]
async fn renaming_a_user_to_another_users_name_is_entity_already_exists() {
    let server = common::spawn().await;
    let iam = server.iam();
    let alice = create_user(&iam, "alice").await;
    let bob = create_user(&iam, "bob").await;
    let error = aws_error(
        iam.update_user()
            .user_name("alice")
            .new_user_name("bob")
            .send()
            .await,
    );
    error.assert_is(
        "EntityAlreadyExists",
        409,
        "User with name bob already exists.",
    );

    assert_eq!(all_user_names(&iam).await, ["alice", "bob"]);
    let read = iam.get_user().user_name("alice").send().await.unwrap();
    assert_eq!(read.user().unwrap().user_id(), alice.user_id());
    let read = iam.get_user().user_name("bob").send().await.unwrap();
    assert_eq!(read.user().unwrap().user_id(), bob.user_id());
}

#[tokio::test]
async fn renaming_a_user_to_a_65_character_name_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "alice").await;
    let error = aws_error(
        iam.update_user()
            .user_name("alice")
            .new_user_name("n".repeat(65))
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        &validation(&["Value at 'newUserName' failed to satisfy constraint: Member must have length less than or equal to 64"]),
    );
    assert_eq!(all_user_names(&iam).await, ["alice"]);
}

#[tokio::test]
async fn moving_a_user_to_a_new_path_changes_its_arn() {
    let server = common::spawn().await;
    let iam = server.iam();
    let before = create_user(&iam, "mover").await;
    let (key, secret) = create_access_key(&iam, "mover").await;
    iam.update_user()
        .user_name("mover")
        .new_path("/eng/platform/")
        .send()
        .await
        .unwrap();

    let read = iam.get_user().user_name("mover").send().await.unwrap();
    let read = read.user().unwrap();
    assert_eq!(read.path(), "/eng/platform/");
    assert_eq!(read.user_id(), before.user_id());
    assert_eq!(
        read.arn(),
        "arn:aws:iam::000000000000:user/eng/platform/mover"
    );
    let identity = server
        .sts_as(&key, &secret)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        identity.arn(),
        Some("arn:aws:iam::000000000000:user/eng/platform/mover")
    );
}

#[tokio::test]
async fn update_user_of_a_missing_user_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.update_user()
            .user_name("nonexistent-user")
            .new_user_name("new-name")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The user with name nonexistent-user cannot be found.",
    );
    assert!(all_user_names(&iam).await.is_empty());
}

#[tokio::test]
async fn deleting_a_user_removes_it() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "gone").await;
    create_user(&iam, "kept").await;
    iam.delete_user().user_name("GONE").send().await.unwrap();
    let error = aws_error(iam.get_user().user_name("gone").send().await);
    error.assert_is(
        "NoSuchEntity",
        404,
        "The user with name gone cannot be found.",
    );
    assert_eq!(all_user_names(&iam).await, ["kept"]);
}

#[tokio::test]
async fn deleting_a_missing_user_is_no_such_entity() {
    let server = common::spawn().await;
    let error = aws_error(
        server
            .iam()
            .delete_user()
            .user_name("nonexistent-user")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The user with name nonexistent-user cannot be found.",
    );
}

#[tokio::test]
async fn deleting_a_user_with_an_access_key_is_delete_conflict() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "keyed").await;
    let (key, secret) = common::create_access_key_only(&iam, "keyed").await;
    let error = aws_error(iam.delete_user().user_name("keyed").send().await);
    error.assert_is("DeleteConflict", 409, REFERENCED_OBJECTS);
    assert_eq!(all_user_names(&iam).await, ["keyed"]);
    assert!(
        server
            .sts_as(&key, &secret)
            .get_caller_identity()
            .send()
            .await
            .is_ok()
    );

    iam.delete_access_key()
        .user_name("keyed")
        .access_key_id(&key)
        .send()
        .await
        .unwrap();
    iam.delete_user().user_name("keyed").send().await.unwrap();
    assert!(all_user_names(&iam).await.is_empty());
}

#[tokio::test]
async fn deleting_a_user_with_a_login_profile_is_delete_conflict() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "console").await;
    iam.create_login_profile()
        .user_name("console")
        .password("Corr3ct-Horse!")
        .send()
        .await
        .unwrap();
    let error = aws_error(iam.delete_user().user_name("console").send().await);
    error.assert_is("DeleteConflict", 409, REFERENCED_OBJECTS);
    assert_eq!(all_user_names(&iam).await, ["console"]);
    assert!(
        iam.get_login_profile()
            .user_name("console")
            .send()
            .await
            .is_ok()
    );

    iam.delete_login_profile()
        .user_name("console")
        .send()
        .await
        .unwrap();
    iam.delete_user().user_name("console").send().await.unwrap();
    assert!(all_user_names(&iam).await.is_empty());
}

#[tokio::test]
async fn deleting_a_user_in_a_group_is_delete_conflict() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "member").await;
    iam.create_group().group_name("crew").send().await.unwrap();
    iam.add_user_to_group()
        .group_name("crew")
        .user_name("member")
        .send()
        .await
        .unwrap();
    let error = aws_error(iam.delete_user().user_name("member").send().await);
    error.assert_is("DeleteConflict", 409, REFERENCED_OBJECTS);
    assert_eq!(all_user_names(&iam).await, ["member"]);
    let crew = iam.get_group().group_name("crew").send().await.unwrap();
    assert_eq!(user_names(crew.users()), ["member"]);

    iam.remove_user_from_group()
        .group_name("crew")
        .user_name("member")
        .send()
        .await
        .unwrap();
    iam.delete_user().user_name("member").send().await.unwrap();
    assert!(all_user_names(&iam).await.is_empty());
}

#[tokio::test]
async fn a_deleted_users_name_can_be_reused_with_a_new_id() {
    let server = common::spawn().await;
    let iam = server.iam();
    let first = create_user(&iam, "phoenix").await;
    iam.delete_user().user_name("phoenix").send().await.unwrap();
    let second = create_user(&iam, "phoenix").await;
    assert_ne!(first.user_id(), second.user_id());
}

#[tokio::test]
async fn create_user_without_a_name_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(iam.create_user().path("/").send().await);
    error.assert_is(
        "ValidationError",
        400,
        &validation(&["Value at 'userName' failed to satisfy constraint: Member must not be null"]),
    );
    assert!(all_user_names(&iam).await.is_empty());
}

#[tokio::test]
async fn list_users_with_a_path_prefix_not_starting_with_a_slash_is_a_validation_error() {
    let server = common::spawn().await;
    let error = aws_error(server.iam().list_users().path_prefix("eng/").send().await);
    error.assert_is(
        "ValidationError",
        400,
        &validation(&[r"Value at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*"]),
    );
}

#[tokio::test]
async fn create_user_with_a_boundary_that_is_not_a_policy_arn_is_invalid_input() {
    let server = common::spawn().await;
    let iam = server.iam();
    let arn = "arn:aws:iam::000000000000:not_a_policy/invalid";
    let error = aws_error(
        iam.create_user()
            .user_name("erin")
            .permissions_boundary(arn)
            .send()
            .await,
    );
    error.assert_is("InvalidInput", 400, &format!("ARN {arn} is not valid."));
    assert!(all_user_names(&iam).await.is_empty());
}

#[tokio::test]
async fn user_names_are_unique_per_account_only() {
    let server = common::spawn().await;
    let mine = create_user(&server.iam(), "shared").await;
    let (key, secret) = common::create_account(&server, "123456789012").await;
    let other = server.iam_as(&key, &secret);
    let theirs = create_user(&other, "shared").await;
    assert_eq!(theirs.arn(), "arn:aws:iam::123456789012:user/shared");
    assert_ne!(theirs.user_id(), mine.user_id());
    assert_eq!(all_user_names(&other).await, ["shared"]);

    other
        .delete_user()
        .user_name("shared")
        .send()
        .await
        .unwrap();
    let read = server
        .iam()
        .get_user()
        .user_name("shared")
        .send()
        .await
        .unwrap();
    assert_eq!(read.user().unwrap().user_id(), mine.user_id());
}

#[tokio::test]
async fn renaming_a_user_to_another_case_of_its_own_name_succeeds() {
    let server = common::spawn().await;
    let iam = server.iam();
    let before = create_user(&iam, "alice").await;
    iam.update_user()
        .user_name("alice")
        .new_user_name("Alice")
        .send()
        .await
        .unwrap();
    let read = iam.get_user().user_name("alice").send().await.unwrap();
    let read = read.user().unwrap();
    assert_eq!(read.user_name(), "Alice");
    assert_eq!(read.user_id(), before.user_id());
}
