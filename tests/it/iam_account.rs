//! Account-wide IAM settings through the AWS SDK for Rust: the password policy, the account
//! alias and GetAccountSummary.

use aws_sdk_iam::types::SummaryKeyType;

use crate::common::{self, aws_error, create_user};

const NO_POLICY: &str = "The Password Policy with domain name 000000000000 cannot be found.";
const NO_POLICY_TO_DELETE: &str = "The account policy with name PasswordPolicy cannot be found.";
const ALIAS_PATTERN: &str = "^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$";

async fn aliases(iam: &aws_sdk_iam::Client) -> Vec<String> {
    let out = iam.list_account_aliases().send().await.unwrap();
    assert!(!out.is_truncated());
    out.account_aliases().to_vec()
}

async fn assert_no_policy(iam: &aws_sdk_iam::Client) {
    let error = aws_error(iam.get_account_password_policy().send().await);
    error.assert_is("NoSuchEntity", 404, NO_POLICY);
}

async fn summary(iam: &aws_sdk_iam::Client, key: SummaryKeyType) -> i32 {
    let out = iam.get_account_summary().send().await.unwrap();
    *out.summary_map()
        .unwrap()
        .get(&key)
        .unwrap_or_else(|| panic!("summary has {key:?}"))
}

#[tokio::test]
async fn without_a_password_policy_get_is_no_such_entity() {
    let server = common::spawn().await;
    assert_no_policy(&server.iam()).await;
}

#[tokio::test]
async fn a_password_policy_reads_back_with_defaults_for_what_was_left_out() {
    let server = common::spawn().await;
    let iam = server.iam();
    iam.update_account_password_policy()
        .minimum_password_length(10)
        .require_symbols(true)
        .allow_users_to_change_password(true)
        .send()
        .await
        .unwrap();
    let out = iam.get_account_password_policy().send().await.unwrap();
    let policy = out.password_policy().unwrap();
    assert_eq!(policy.minimum_password_length(), Some(10));
    assert!(policy.require_symbols());
    assert!(!policy.require_numbers());
    assert!(!policy.require_uppercase_characters());
    assert!(!policy.require_lowercase_characters());
    assert!(policy.allow_users_to_change_password());
    assert!(!policy.expire_passwords());
    assert_eq!(policy.max_password_age(), None);
    assert_eq!(policy.password_reuse_prevention(), None);
}

#[tokio::test]
async fn a_password_policy_without_a_minimum_length_has_six() {
    let server = common::spawn().await;
    let iam = server.iam();
    iam.update_account_password_policy()
        .require_numbers(true)
        .send()
        .await
        .unwrap();
    let out = iam.get_account_password_policy().send().await.unwrap();
    let policy = out.password_policy().unwrap();
    assert_eq!(policy.minimum_password_length(), Some(6));
    assert!(policy.require_numbers());
    assert!(!policy.require_symbols());
}

#[tokio::test]
async fn a_maximum_password_age_turns_on_expire_passwords() {
    let server = common::spawn().await;
    let iam = server.iam();
    iam.update_account_password_policy()
        .max_password_age(90)
        .password_reuse_prevention(5)
        .hard_expiry(true)
        .send()
        .await
        .unwrap();
    let out = iam.get_account_password_policy().send().await.unwrap();
    let policy = out.password_policy().unwrap();
    assert!(policy.expire_passwords());
    assert_eq!(policy.max_password_age(), Some(90));
    assert_eq!(policy.password_reuse_prevention(), Some(5));
    assert_eq!(policy.hard_expiry(), Some(true));
}

#[tokio::test]
async fn updating_the_password_policy_resets_every_field_left_out() {
    let server = common::spawn().await;
    let iam = server.iam();
    iam.update_account_password_policy()
        .minimum_password_length(20)
        .require_symbols(true)
        .max_password_age(30)
        .send()
        .await
        .unwrap();
    iam.update_account_password_policy()
        .require_lowercase_characters(true)
        .send()
        .await
        .unwrap();
    let out = iam.get_account_password_policy().send().await.unwrap();
    let policy = out.password_policy().unwrap();
    assert_eq!(policy.minimum_password_length(), Some(6));
    assert!(!policy.require_symbols());
    assert!(policy.require_lowercase_characters());
    assert!(!policy.expire_passwords());
    assert_eq!(policy.max_password_age(), None);
}

#[tokio::test]
async fn a_minimum_password_length_of_5_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.update_account_password_policy()
            .minimum_password_length(5)
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value at 'minimumPasswordLength' failed to satisfy constraint: Member must have value greater than or equal to 6",
    );
    assert_no_policy(&iam).await;
}

#[tokio::test]
async fn password_policy_fields_out_of_range_are_reported_together() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.update_account_password_policy()
            .max_password_age(1096)
            .minimum_password_length(129)
            .password_reuse_prevention(25)
            .send()
            .await,
    );
    assert_eq!(
        (error.code.as_str(), error.status),
        ("ValidationError", 400)
    );
    let (head, items) = error.message.split_once(": ").unwrap();
    assert_eq!(head, "3 validation errors detected");
    let mut items: Vec<&str> = items.split("; ").collect();
    items.sort_unstable();
    assert_eq!(
        items,
        [
            "Value at 'maxPasswordAge' failed to satisfy constraint: Member must have value less than or equal to 1095",
            "Value at 'minimumPasswordLength' failed to satisfy constraint: Member must have value less than or equal to 128",
            "Value at 'passwordReusePrevention' failed to satisfy constraint: Member must have value less than or equal to 24",
        ]
    );
    assert_no_policy(&iam).await;
}

#[tokio::test]
async fn password_policy_violations_are_listed_in_the_order_aws_reports_them() {
    // Recorded from AWS (aws-recorded-errors.tsv, UpdateAccountPasswordPolicy).
    let server = common::spawn().await;
    let error = aws_error(
        server
            .iam()
            .update_account_password_policy()
            .max_password_age(1096)
            .minimum_password_length(129)
            .password_reuse_prevention(25)
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        "3 validation errors detected: \
         Value at 'minimumPasswordLength' failed to satisfy constraint: Member must have value less than or equal to 128; \
         Value at 'passwordReusePrevention' failed to satisfy constraint: Member must have value less than or equal to 24; \
         Value at 'maxPasswordAge' failed to satisfy constraint: Member must have value less than or equal to 1095",
    );
}

#[tokio::test]
async fn deleting_the_password_policy_makes_get_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    iam.update_account_password_policy()
        .minimum_password_length(14)
        .send()
        .await
        .unwrap();
    iam.delete_account_password_policy().send().await.unwrap();
    assert_no_policy(&iam).await;
}

#[tokio::test]
async fn deleting_a_missing_password_policy_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(iam.delete_account_password_policy().send().await);
    error.assert_is("NoSuchEntity", 404, NO_POLICY_TO_DELETE);
    assert_no_policy(&iam).await;
}

#[tokio::test]
async fn a_password_policy_belongs_to_one_account() {
    let server = common::spawn().await;
    server
        .iam()
        .update_account_password_policy()
        .minimum_password_length(14)
        .send()
        .await
        .unwrap();
    let (key, secret) = common::create_account(&server, "123456789012").await;
    let error = aws_error(
        server
            .iam_as(&key, &secret)
            .get_account_password_policy()
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The Password Policy with domain name 123456789012 cannot be found.",
    );
}

#[tokio::test]
async fn a_created_alias_is_listed() {
    let server = common::spawn().await;
    let iam = server.iam();
    assert!(aliases(&iam).await.is_empty());
    iam.create_account_alias()
        .account_alias("my-alias")
        .send()
        .await
        .unwrap();
    assert_eq!(aliases(&iam).await, ["my-alias"]);
}

#[tokio::test]
async fn an_alias_outside_the_pattern_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    for bad in ["My--Alias", "my--alias", "-alias", "alias-", "MyAlias"] {
        let error = aws_error(iam.create_account_alias().account_alias(bad).send().await);
        error.assert_is(
            "ValidationError",
            400,
            &format!(
                "1 validation error detected: Value at 'accountAlias' failed to satisfy \
                 constraint: Member must satisfy regular expression pattern: {ALIAS_PATTERN}"
            ),
        );
    }
    assert!(aliases(&iam).await.is_empty());
}

#[tokio::test]
async fn a_new_alias_overwrites_the_previous_one() {
    // IAM User Guide, "Using an alias for your AWS account ID": an account has one alias and
    // creating a new one overwrites the previous alias.
    let server = common::spawn().await;
    let iam = server.iam();
    iam.create_account_alias()
        .account_alias("first-alias")
        .send()
        .await
        .unwrap();
    iam.create_account_alias()
        .account_alias("second-alias")
        .send()
        .await
        .unwrap();
    assert_eq!(aliases(&iam).await, ["second-alias"]);
}

#[tokio::test]
async fn another_account_cannot_take_an_alias_in_use() {
    let server = common::spawn().await;
    let iam = server.iam();
    iam.create_account_alias()
        .account_alias("my-alias")
        .send()
        .await
        .unwrap();
    let (key, secret) = common::create_account(&server, "123456789012").await;
    let other = server.iam_as(&key, &secret);
    let error = aws_error(
        other
            .create_account_alias()
            .account_alias("my-alias")
            .send()
            .await,
    );
    error.assert_is(
        "EntityAlreadyExists",
        409,
        "The account alias my-alias already exists.",
    );
    assert!(aliases(&other).await.is_empty());
    assert_eq!(aliases(&iam).await, ["my-alias"]);
}

#[tokio::test]
async fn a_deleted_alias_is_gone_and_free_for_another_account() {
    let server = common::spawn().await;
    let iam = server.iam();
    iam.create_account_alias()
        .account_alias("my-alias")
        .send()
        .await
        .unwrap();
    iam.delete_account_alias()
        .account_alias("my-alias")
        .send()
        .await
        .unwrap();
    assert!(aliases(&iam).await.is_empty());

    let (key, secret) = common::create_account(&server, "123456789012").await;
    let other = server.iam_as(&key, &secret);
    other
        .create_account_alias()
        .account_alias("my-alias")
        .send()
        .await
        .unwrap();
    assert_eq!(aliases(&other).await, ["my-alias"]);
}

#[tokio::test]
async fn deleting_an_alias_the_account_does_not_have_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    iam.create_account_alias()
        .account_alias("my-alias")
        .send()
        .await
        .unwrap();
    let error = aws_error(
        iam.delete_account_alias()
            .account_alias("other-alias")
            .send()
            .await,
    );
    assert_eq!((error.code.as_str(), error.status), ("NoSuchEntity", 404));
    assert!(error.message.contains("other-alias"), "{}", error.message);
    assert_eq!(aliases(&iam).await, ["my-alias"]);
}

#[tokio::test]
async fn the_account_summary_counts_users_and_groups_as_they_come_and_go() {
    let server = common::spawn().await;
    let iam = server.iam();
    assert_eq!(summary(&iam, SummaryKeyType::Users).await, 0);
    assert_eq!(summary(&iam, SummaryKeyType::Groups).await, 0);

    create_user(&iam, "one").await;
    create_user(&iam, "two").await;
    iam.create_group().group_name("g").send().await.unwrap();
    assert_eq!(summary(&iam, SummaryKeyType::Users).await, 2);
    assert_eq!(summary(&iam, SummaryKeyType::Groups).await, 1);

    iam.delete_user().user_name("one").send().await.unwrap();
    iam.delete_group().group_name("g").send().await.unwrap();
    assert_eq!(summary(&iam, SummaryKeyType::Users).await, 1);
    assert_eq!(summary(&iam, SummaryKeyType::Groups).await, 0);
}

#[tokio::test]
async fn the_account_summary_shows_root_access_keys_and_quotas() {
    let server = common::spawn().await;
    let iam = server.iam();
    assert_eq!(
        summary(&iam, SummaryKeyType::AccountAccessKeysPresent).await,
        1
    );
    assert_eq!(
        summary(&iam, SummaryKeyType::AccessKeysPerUserQuota).await,
        2
    );
    assert_eq!(summary(&iam, SummaryKeyType::UsersQuota).await, 5000);
    assert_eq!(summary(&iam, SummaryKeyType::GroupsPerUserQuota).await, 10);
}

#[tokio::test]
async fn the_account_summary_counts_only_the_callers_account() {
    let server = common::spawn().await;
    create_user(&server.iam(), "mine").await;
    let (key, secret) = common::create_account(&server, "123456789012").await;
    let other = server.iam_as(&key, &secret);
    assert_eq!(summary(&other, SummaryKeyType::Users).await, 0);
}
