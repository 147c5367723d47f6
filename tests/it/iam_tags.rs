//! Tags on IAM users through the AWS SDK for Rust: validation, case-insensitive keys, the
//! 50-tag limit, and ListUserTags pagination.

use aws_sdk_iam::types::Tag;

use crate::common::{self, aws_error, create_user, tag};

const DUPLICATE_KEYS: &str =
    "Duplicate tag keys found. Please note that Tag keys are case insensitive.";
const TAG_LIMIT: &str = "The number of tags has reached the maximum limit.";
const TAG_PATTERN: &str = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+";

fn pairs(tags: &[Tag]) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| (t.key().to_owned(), t.value().to_owned()))
        .collect()
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn numbered(prefix: &str, range: std::ops::Range<usize>) -> Vec<Tag> {
    range
        .map(|i| tag(&format!("{prefix}{i:02}"), "v"))
        .collect()
}

async fn tags_of(iam: &aws_sdk_iam::Client, user: &str) -> Vec<(String, String)> {
    let out = iam.list_user_tags().user_name(user).send().await.unwrap();
    assert!(!out.is_truncated());
    pairs(out.tags())
}

async fn user_exists(iam: &aws_sdk_iam::Client, user: &str) -> bool {
    iam.get_user().user_name(user).send().await.is_ok()
}

async fn tagged_user(iam: &aws_sdk_iam::Client, user: &str, tags: Vec<Tag>) {
    iam.create_user()
        .user_name(user)
        .set_tags(Some(tags))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn create_user_with_tags_shows_them_in_the_order_given() {
    let server = common::spawn().await;
    let iam = server.iam();
    let created = iam
        .create_user()
        .user_name("tagged")
        .tags(tag("team", "red"))
        .tags(tag("Env", "prod"))
        .tags(tag("empty", ""))
        .send()
        .await
        .unwrap();
    let expected = owned(&[("team", "red"), ("Env", "prod"), ("empty", "")]);
    assert_eq!(pairs(created.user().unwrap().tags()), expected);
    let read = iam.get_user().user_name("tagged").send().await.unwrap();
    assert_eq!(pairs(read.user().unwrap().tags()), expected);
    assert_eq!(tags_of(&iam, "tagged").await, expected);
}

#[tokio::test]
async fn tag_keys_and_values_may_use_unicode_letters_and_spaces() {
    let server = common::spawn().await;
    let iam = server.iam();
    tagged_user(&iam, "intl", vec![tag("Ünïcode key", "naïve value 42")]).await;
    assert_eq!(
        tags_of(&iam, "intl").await,
        owned(&[("Ünïcode key", "naïve value 42")])
    );
}

#[tokio::test]
async fn duplicate_keys_differing_in_case_are_invalid_input_on_create_user() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.create_user()
            .user_name("dup")
            .tags(tag("mykey", "val1"))
            .tags(tag("MyKey", "val2"))
            .send()
            .await,
    );
    error.assert_is("InvalidInput", 400, DUPLICATE_KEYS);
    assert!(!user_exists(&iam, "dup").await);
}

#[tokio::test]
async fn duplicate_keys_are_invalid_input_on_tag_user() {
    let server = common::spawn().await;
    let iam = server.iam();
    tagged_user(&iam, "dup", vec![tag("keep", "me")]).await;
    let error = aws_error(
        iam.tag_user()
            .user_name("dup")
            .tags(tag("dupkey", "val1"))
            .tags(tag("dupkey", "val2"))
            .send()
            .await,
    );
    error.assert_is("InvalidInput", 400, DUPLICATE_KEYS);
    assert_eq!(tags_of(&iam, "dup").await, owned(&[("keep", "me")]));
}

#[tokio::test]
async fn keys_in_the_aws_namespace_are_invalid_input() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.create_user()
            .user_name("reserved")
            .tags(tag("aws:owner", "me"))
            .send()
            .await,
    );
    assert_eq!((error.code.as_str(), error.status), ("InvalidInput", 400));
    assert!(error.message.contains("aws:"), "{}", error.message);
    assert!(!user_exists(&iam, "reserved").await);

    tagged_user(&iam, "reserved", vec![tag("keep", "me")]).await;
    let error = aws_error(
        iam.tag_user()
            .user_name("reserved")
            .tags(tag("AWS:Owner", "me"))
            .send()
            .await,
    );
    assert_eq!((error.code.as_str(), error.status), ("InvalidInput", 400));
    assert_eq!(tags_of(&iam, "reserved").await, owned(&[("keep", "me")]));
}

#[tokio::test]
async fn tag_user_adds_new_keys_after_the_existing_ones() {
    let server = common::spawn().await;
    let iam = server.iam();
    tagged_user(&iam, "grow", vec![tag("a", "1")]).await;
    iam.tag_user()
        .user_name("grow")
        .tags(tag("b", "2"))
        .tags(tag("c", "3"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        tags_of(&iam, "grow").await,
        owned(&[("a", "1"), ("b", "2"), ("c", "3")])
    );
}

#[tokio::test]
async fn tag_user_with_a_key_differing_only_in_case_replaces_the_value() {
    let server = common::spawn().await;
    let iam = server.iam();
    tagged_user(&iam, "casey", vec![tag("Env", "prod"), tag("team", "red")]).await;
    iam.tag_user()
        .user_name("casey")
        .tags(tag("env", "dev"))
        .send()
        .await
        .unwrap();
    let tags = tags_of(&iam, "casey").await;
    assert_eq!(tags.len(), 2, "{tags:?}");
    let env: Vec<&(String, String)> = tags
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("env"))
        .collect();
    assert_eq!(env.len(), 1, "{tags:?}");
    assert_eq!(env[0].1, "dev");
}

#[tokio::test]
async fn more_than_50_tags_after_merging_is_limit_exceeded() {
    let server = common::spawn().await;
    let iam = server.iam();
    tagged_user(&iam, "full", numbered("k", 0..40)).await;
    let error = aws_error(
        iam.tag_user()
            .user_name("full")
            .set_tags(Some(numbered("n", 0..11)))
            .send()
            .await,
    );
    error.assert_is("LimitExceeded", 409, TAG_LIMIT);
    assert_eq!(tags_of(&iam, "full").await, pairs(&numbered("k", 0..40)));

    // Exactly 50 fits, and replacing values at the limit does not count as adding.
    iam.tag_user()
        .user_name("full")
        .set_tags(Some(numbered("n", 0..10)))
        .send()
        .await
        .unwrap();
    iam.tag_user()
        .user_name("full")
        .tags(tag("K00", "replaced"))
        .send()
        .await
        .unwrap();
    let out = iam
        .list_user_tags()
        .user_name("full")
        .max_items(100)
        .send()
        .await
        .unwrap();
    assert_eq!(out.tags().len(), 50);
}

#[tokio::test]
async fn more_than_50_tags_in_one_request_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.create_user()
            .user_name("crowded")
            .set_tags(Some(numbered("k", 0..51)))
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
    );
    assert!(!user_exists(&iam, "crowded").await);
}

#[tokio::test]
async fn a_129_character_tag_key_is_a_validation_error_naming_its_position() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.create_user()
            .user_name("longkey")
            .tags(tag("k".repeat(129).as_str(), "value"))
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128",
    );
    assert!(!user_exists(&iam, "longkey").await);
}

#[tokio::test]
async fn a_tag_key_outside_the_pattern_is_a_validation_error_naming_its_position() {
    let server = common::spawn().await;
    let iam = server.iam();
    tagged_user(&iam, "target", vec![tag("keep", "me")]).await;
    let error = aws_error(
        iam.tag_user()
            .user_name("target")
            .tags(tag("fine", "ok"))
            .tags(tag("NOWAY!", ""))
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        &format!(
            "1 validation error detected: Value at 'tags.2.member.key' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: {TAG_PATTERN}"
        ),
    );
    assert_eq!(tags_of(&iam, "target").await, owned(&[("keep", "me")]));
}

#[tokio::test]
async fn a_257_character_tag_value_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.create_user()
            .user_name("longvalue")
            .tags(tag("key", "v".repeat(257).as_str()))
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256",
    );
    assert!(!user_exists(&iam, "longvalue").await);
}

#[tokio::test]
async fn untag_user_removes_the_named_keys_and_ignores_absent_ones() {
    let server = common::spawn().await;
    let iam = server.iam();
    tagged_user(
        &iam,
        "shrink",
        vec![tag("a", "1"), tag("b", "2"), tag("c", "3")],
    )
    .await;
    iam.untag_user()
        .user_name("shrink")
        .tag_keys("b")
        .tag_keys("never-there")
        .send()
        .await
        .unwrap();
    assert_eq!(
        tags_of(&iam, "shrink").await,
        owned(&[("a", "1"), ("c", "3")])
    );
}

#[tokio::test]
async fn untag_user_with_more_than_50_keys_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    tagged_user(&iam, "target", vec![tag("keep", "me")]).await;
    let keys: Vec<String> = (0..51).map(|i| i.to_string()).collect();
    let error = aws_error(
        iam.untag_user()
            .user_name("target")
            .set_tag_keys(Some(keys))
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50",
    );
    assert_eq!(tags_of(&iam, "target").await, owned(&[("keep", "me")]));
}

#[tokio::test]
async fn untag_user_with_an_invalid_key_reports_the_whole_key_constraint() {
    let server = common::spawn().await;
    let iam = server.iam();
    tagged_user(&iam, "target", vec![tag("keep", "me")]).await;
    let error = aws_error(
        iam.untag_user()
            .user_name("target")
            .tag_keys("invalid!key")
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        &format!(
            "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: \
             Member must satisfy constraint: [Member must have length less than or equal to 128, \
             Member must have length greater than or equal to 1, Member must satisfy regular \
             expression pattern: {TAG_PATTERN}, Member must not be null]"
        ),
    );
    assert_eq!(tags_of(&iam, "target").await, owned(&[("keep", "me")]));
}

#[tokio::test]
async fn list_user_tags_pages_in_insertion_order() {
    let server = common::spawn().await;
    let iam = server.iam();
    let given: Vec<Tag> = [
        "zulu", "alpha", "Mike", "bravo", "yankee", "charlie", "x-ray",
    ]
    .iter()
    .map(|k| tag(k, &k.to_uppercase()))
    .collect();
    tagged_user(&iam, "paged", given.clone()).await;

    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = iam
            .list_user_tags()
            .user_name("paged")
            .max_items(3)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        sizes.push(out.tags().len());
        seen.extend(pairs(out.tags()));
        if !out.is_truncated() {
            break;
        }
        marker = out.marker().map(str::to_owned);
        assert!(marker.is_some(), "a truncated page has a marker");
        assert!(sizes.len() < 10, "pagination does not end");
    }
    assert_eq!(sizes, [3, 3, 1]);
    assert_eq!(seen, pairs(&given));

    let all: Vec<Tag> = iam
        .list_user_tags()
        .user_name("paged")
        .max_items(2)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pairs(&all), pairs(&given));
}

#[tokio::test]
async fn tag_operations_on_a_missing_user_are_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let missing = "The user with name nonexistent-user cannot be found.";
    let error = aws_error(
        iam.tag_user()
            .user_name("nonexistent-user")
            .tags(tag("key", "value"))
            .send()
            .await,
    );
    error.assert_is("NoSuchEntity", 404, missing);
    let error = aws_error(
        iam.untag_user()
            .user_name("nonexistent-user")
            .tag_keys("key")
            .send()
            .await,
    );
    error.assert_is("NoSuchEntity", 404, missing);
    let error = aws_error(
        iam.list_user_tags()
            .user_name("nonexistent-user")
            .send()
            .await,
    );
    error.assert_is("NoSuchEntity", 404, missing);
    assert!(!user_exists(&iam, "nonexistent-user").await);
}

#[tokio::test]
async fn a_deleted_users_tags_do_not_come_back_with_its_name() {
    let server = common::spawn().await;
    let iam = server.iam();
    tagged_user(&iam, "again", vec![tag("old", "tag")]).await;
    iam.delete_user().user_name("again").send().await.unwrap();
    create_user(&iam, "again").await;
    assert!(tags_of(&iam, "again").await.is_empty());
}

#[tokio::test]
async fn untag_user_without_tag_keys_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    tagged_user(&iam, "target", vec![tag("keep", "me")]).await;
    let error = aws_error(iam.untag_user().user_name("target").send().await);
    error.assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must not be null",
    );
    assert_eq!(tags_of(&iam, "target").await, owned(&[("keep", "me")]));
}
