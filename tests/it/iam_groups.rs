//! IAM groups and membership through the AWS SDK for Rust.

use aws_sdk_iam::types::{Group, User};

use crate::common::{self, aws_error, create_user};

fn group_names(groups: &[Group]) -> Vec<String> {
    groups.iter().map(|g| g.group_name().to_owned()).collect()
}

fn user_names(users: &[User]) -> Vec<String> {
    users.iter().map(|u| u.user_name().to_owned()).collect()
}

async fn all_group_names(iam: &aws_sdk_iam::Client) -> Vec<String> {
    let out = iam.list_groups().send().await.unwrap();
    assert!(!out.is_truncated());
    group_names(out.groups())
}

async fn create_group(iam: &aws_sdk_iam::Client, name: &str) -> Group {
    iam.create_group()
        .group_name(name)
        .send()
        .await
        .unwrap()
        .group
        .unwrap()
}

async fn add(iam: &aws_sdk_iam::Client, group: &str, user: &str) {
    iam.add_user_to_group()
        .group_name(group)
        .user_name(user)
        .send()
        .await
        .unwrap();
}

async fn members(iam: &aws_sdk_iam::Client, group: &str) -> Vec<String> {
    let out = iam.get_group().group_name(group).send().await.unwrap();
    assert!(!out.is_truncated());
    user_names(out.users())
}

#[tokio::test]
async fn create_group_returns_its_path_arn_and_agpa_id() {
    let server = common::spawn().await;
    let iam = server.iam();
    let created = iam
        .create_group()
        .group_name("admins")
        .path("/ops/")
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    assert_eq!(created.group_name(), "admins");
    assert_eq!(created.path(), "/ops/");
    assert_eq!(created.arn(), "arn:aws:iam::000000000000:group/ops/admins");
    let id = created.group_id();
    assert!(id.starts_with("AGPA") && id.len() == 21, "{id}");

    let read = iam.get_group().group_name("admins").send().await.unwrap();
    let read = read.group().unwrap();
    assert_eq!(read.group_id(), id);
    assert_eq!(read.arn(), created.arn());
}

#[tokio::test]
async fn group_names_are_unique_ignoring_case() {
    let server = common::spawn().await;
    let iam = server.iam();
    let first = create_group(&iam, "Devs").await;
    let error = aws_error(iam.create_group().group_name("DEVS").send().await);
    error.assert_is(
        "EntityAlreadyExists",
        409,
        "Group with name DEVS already exists.",
    );
    assert_eq!(all_group_names(&iam).await, ["Devs"]);
    let read = iam.get_group().group_name("devs").send().await.unwrap();
    let read = read.group().unwrap();
    assert_eq!(read.group_name(), "Devs");
    assert_eq!(read.group_id(), first.group_id());
}

#[tokio::test]
async fn get_group_of_a_missing_group_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.get_group()
            .group_name("non-existent-group")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The group with name non-existent-group cannot be found.",
    );
    assert!(all_group_names(&iam).await.is_empty());
}

#[tokio::test]
async fn create_group_with_a_129_character_name_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(iam.create_group().group_name("g".repeat(129)).send().await);
    error.assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value at 'groupName' failed to satisfy constraint: Member must have length less than or equal to 128",
    );
    assert!(all_group_names(&iam).await.is_empty());
}

#[tokio::test]
async fn a_member_shows_in_get_group_and_list_groups_for_user() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "ann").await;
    create_group(&iam, "readers").await;
    add(&iam, "readers", "ANN").await;
    assert_eq!(members(&iam, "readers").await, ["ann"]);
    let groups = iam
        .list_groups_for_user()
        .user_name("ann")
        .send()
        .await
        .unwrap();
    assert_eq!(group_names(groups.groups()), ["readers"]);
    assert!(!groups.is_truncated());
}

#[tokio::test]
async fn adding_a_member_twice_keeps_one_membership() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "ann").await;
    create_group(&iam, "readers").await;
    add(&iam, "readers", "ann").await;
    add(&iam, "readers", "ann").await;
    assert_eq!(members(&iam, "readers").await, ["ann"]);
}

#[tokio::test]
async fn adding_a_missing_user_to_a_group_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_group(&iam, "readers").await;
    let error = aws_error(
        iam.add_user_to_group()
            .group_name("readers")
            .user_name("nonexistent-user")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The user with name nonexistent-user cannot be found.",
    );
    assert!(members(&iam, "readers").await.is_empty());
}

#[tokio::test]
async fn adding_a_user_to_a_missing_group_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "ann").await;
    let error = aws_error(
        iam.add_user_to_group()
            .group_name("nonexistent-group")
            .user_name("ann")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The group with name nonexistent-group cannot be found.",
    );
    let groups = iam
        .list_groups_for_user()
        .user_name("ann")
        .send()
        .await
        .unwrap();
    assert!(groups.groups().is_empty());
    assert!(all_group_names(&iam).await.is_empty());
}

#[tokio::test]
async fn removing_a_missing_user_from_a_missing_group_reports_the_user_first() {
    let server = common::spawn().await;
    let error = aws_error(
        server
            .iam()
            .remove_user_from_group()
            .group_name("non-existent-group")
            .user_name("any-user")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The user with name any-user cannot be found.",
    );
}

#[tokio::test]
async fn a_user_can_belong_to_at_most_ten_groups() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "joiner").await;
    for i in 0..11 {
        create_group(&iam, &format!("g{i:02}")).await;
    }
    for i in 0..10 {
        add(&iam, &format!("g{i:02}"), "joiner").await;
    }
    let error = aws_error(
        iam.add_user_to_group()
            .group_name("g10")
            .user_name("joiner")
            .send()
            .await,
    );
    error.assert_is(
        "LimitExceeded",
        409,
        "Cannot exceed quota for GroupsPerUser: 10",
    );
    assert!(members(&iam, "g10").await.is_empty());
    let groups = iam
        .list_groups_for_user()
        .user_name("joiner")
        .send()
        .await
        .unwrap();
    assert_eq!(groups.groups().len(), 10);
}

#[tokio::test]
async fn get_group_pages_through_its_members() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_group(&iam, "big").await;
    let mut expected = Vec::new();
    for i in 0..7 {
        let name = format!("m{i}");
        create_user(&iam, &name).await;
        add(&iam, "big", &name).await;
        expected.push(name);
    }

    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    let mut sizes = Vec::new();
    loop {
        let out = iam
            .get_group()
            .group_name("big")
            .max_items(3)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(out.group().unwrap().group_name(), "big");
        sizes.push(out.users().len());
        seen.extend(user_names(out.users()));
        if !out.is_truncated() {
            break;
        }
        marker = out.marker().map(str::to_owned);
        assert!(marker.is_some(), "a truncated page has a marker");
        assert!(sizes.len() < 10, "pagination does not end");
    }
    assert_eq!(sizes, [3, 3, 1]);
    assert_eq!(seen, expected);

    let paged: Vec<User> = iam
        .get_group()
        .group_name("big")
        .max_items(2)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(user_names(&paged), expected);
}

#[tokio::test]
async fn list_groups_for_user_pages_through_its_groups() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "busy").await;
    let mut expected = Vec::new();
    for i in 0..9 {
        let name = format!("team{i}");
        create_group(&iam, &name).await;
        add(&iam, &name, "busy").await;
        expected.push(name);
    }
    let first = iam
        .list_groups_for_user()
        .user_name("busy")
        .max_items(4)
        .send()
        .await
        .unwrap();
    assert!(first.is_truncated());
    assert_eq!(group_names(first.groups()), expected[..4]);

    let all: Vec<Group> = iam
        .list_groups_for_user()
        .user_name("busy")
        .max_items(4)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(group_names(&all), expected);
}

#[tokio::test]
async fn list_groups_for_a_missing_user_is_no_such_entity() {
    let server = common::spawn().await;
    let error = aws_error(
        server
            .iam()
            .list_groups_for_user()
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
async fn list_groups_sorts_by_name_ignoring_case_and_filters_by_path_prefix() {
    let server = common::spawn().await;
    let iam = server.iam();
    for (name, path) in [
        ("charlie", "/eng/"),
        ("Bravo", "/eng/"),
        ("alpha", "/"),
        ("Delta", "/sales/"),
    ] {
        iam.create_group()
            .group_name(name)
            .path(path)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(
        all_group_names(&iam).await,
        ["alpha", "Bravo", "charlie", "Delta"]
    );
    let eng = iam.list_groups().path_prefix("/eng/").send().await.unwrap();
    assert_eq!(group_names(eng.groups()), ["Bravo", "charlie"]);

    let paged: Vec<Group> = iam
        .list_groups()
        .max_items(1)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(group_names(&paged), ["alpha", "Bravo", "charlie", "Delta"]);
}

#[tokio::test]
async fn list_groups_with_an_invalid_marker_is_invalid_marker() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_group(&iam, "only").await;
    let error = aws_error(iam.list_groups().marker("garbage!!").send().await);
    error.assert_is("ValidationError", 400, "Invalid Marker.");
    assert_eq!(all_group_names(&iam).await, ["only"]);
}

#[tokio::test]
async fn renaming_a_group_keeps_its_id_and_members_and_moves_its_arn() {
    let server = common::spawn().await;
    let iam = server.iam();
    let before = create_group(&iam, "old-team").await;
    create_user(&iam, "ann").await;
    add(&iam, "old-team", "ann").await;

    iam.update_group()
        .group_name("old-team")
        .new_group_name("new-team")
        .new_path("/renamed/")
        .send()
        .await
        .unwrap();

    let error = aws_error(iam.get_group().group_name("old-team").send().await);
    error.assert_is(
        "NoSuchEntity",
        404,
        "The group with name old-team cannot be found.",
    );
    let after = iam.get_group().group_name("new-team").send().await.unwrap();
    let group = after.group().unwrap();
    assert_eq!(group.group_id(), before.group_id());
    assert_eq!(
        group.arn(),
        "arn:aws:iam::000000000000:group/renamed/new-team"
    );
    assert_eq!(user_names(after.users()), ["ann"]);
    let groups = iam
        .list_groups_for_user()
        .user_name("ann")
        .send()
        .await
        .unwrap();
    assert_eq!(group_names(groups.groups()), ["new-team"]);
}

#[tokio::test]
async fn renaming_a_group_to_another_groups_name_is_entity_already_exists() {
    let server = common::spawn().await;
    let iam = server.iam();
    let one = create_group(&iam, "one").await;
    create_group(&iam, "two").await;
    let error = aws_error(
        iam.update_group()
            .group_name("one")
            .new_group_name("two")
            .send()
            .await,
    );
    error.assert_is(
        "EntityAlreadyExists",
        409,
        "Group with name two already exists.",
    );
    assert_eq!(all_group_names(&iam).await, ["one", "two"]);
    let read = iam.get_group().group_name("one").send().await.unwrap();
    assert_eq!(read.group().unwrap().group_id(), one.group_id());
}

#[tokio::test]
async fn update_group_of_a_missing_group_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.update_group()
            .group_name("nonexisting")
            .new_group_name("new-name")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The group with name nonexisting cannot be found.",
    );
    assert!(all_group_names(&iam).await.is_empty());
}

#[tokio::test]
async fn deleting_a_group_with_members_is_delete_conflict() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_group(&iam, "crew").await;
    create_user(&iam, "ann").await;
    add(&iam, "crew", "ann").await;
    let error = aws_error(iam.delete_group().group_name("crew").send().await);
    error.assert_is(
        "DeleteConflict",
        409,
        "Cannot delete entity, must remove users from group first.",
    );
    assert_eq!(all_group_names(&iam).await, ["crew"]);
    assert_eq!(members(&iam, "crew").await, ["ann"]);

    iam.remove_user_from_group()
        .group_name("crew")
        .user_name("ann")
        .send()
        .await
        .unwrap();
    assert!(members(&iam, "crew").await.is_empty());
    iam.delete_group().group_name("CREW").send().await.unwrap();
    assert!(all_group_names(&iam).await.is_empty());
    let groups = iam
        .list_groups_for_user()
        .user_name("ann")
        .send()
        .await
        .unwrap();
    assert!(groups.groups().is_empty());
}

#[tokio::test]
async fn deleting_a_missing_group_is_no_such_entity() {
    let server = common::spawn().await;
    let error = aws_error(
        server
            .iam()
            .delete_group()
            .group_name("unknown-group")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The group with name unknown-group cannot be found.",
    );
}
