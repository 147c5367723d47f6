//! Console passwords through the AWS SDK for Rust: login profiles, the default and custom
//! password policies, and ChangePassword by the IAM user itself.

use crate::common::{self, aws_error, create_access_key, create_user};

const VIOLATION: &str = "Password does not conform to the account password policy.";

async fn user_with_profile(iam: &aws_sdk_iam::Client, name: &str, password: &str) {
    create_user(iam, name).await;
    iam.create_login_profile()
        .user_name(name)
        .password(password)
        .send()
        .await
        .unwrap();
}

/// An IAM client signing as a new user `name` who has the console password `password`.
async fn signed_in_user(
    server: &common::Server,
    name: &str,
    password: &str,
) -> aws_sdk_iam::Client {
    let iam = server.iam();
    user_with_profile(&iam, name, password).await;
    let (key, secret) = create_access_key(&iam, name).await;
    server.iam_as(&key, &secret)
}

async fn has_profile(iam: &aws_sdk_iam::Client, name: &str) -> bool {
    iam.get_login_profile().user_name(name).send().await.is_ok()
}

async fn change(iam: &aws_sdk_iam::Client, old: &str, new: &str) -> common::AwsError {
    aws_error(
        iam.change_password()
            .old_password(old)
            .new_password(new)
            .send()
            .await,
    )
}

async fn set_policy_min_12_with_symbols(iam: &aws_sdk_iam::Client) {
    iam.update_account_password_policy()
        .minimum_password_length(12)
        .require_symbols(true)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn create_login_profile_then_get_shows_it_without_the_password() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    let created = iam
        .create_login_profile()
        .user_name("kim")
        .password("Corr3ct-Horse!")
        .password_reset_required(true)
        .send()
        .await
        .unwrap();
    let created = created.login_profile().unwrap();
    assert_eq!(created.user_name(), "kim");
    assert!(created.password_reset_required());

    let read = iam
        .get_login_profile()
        .user_name("KIM")
        .send()
        .await
        .unwrap();
    let read = read.login_profile().unwrap();
    assert_eq!(read.user_name(), "kim");
    assert!(read.password_reset_required());
    assert_eq!(read.create_date(), created.create_date());
}

#[tokio::test]
async fn a_password_resets_required_flag_defaults_to_false() {
    let server = common::spawn().await;
    let iam = server.iam();
    user_with_profile(&iam, "kim", "Corr3ct-Horse!").await;
    let read = iam
        .get_login_profile()
        .user_name("kim")
        .send()
        .await
        .unwrap();
    assert!(!read.login_profile().unwrap().password_reset_required());
}

#[tokio::test]
async fn without_a_custom_policy_a_weak_password_is_password_policy_violation() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    // AWS's default policy: at least 8 characters of at least three kinds.
    for weak in ["password", "Passw0!", "PASSWORD123", "12345678!!"] {
        let error = aws_error(
            iam.create_login_profile()
                .user_name("kim")
                .password(weak)
                .send()
                .await,
        );
        error.assert_is("PasswordPolicyViolation", 400, VIOLATION);
    }
    assert!(!has_profile(&iam, "kim").await);
    for strong in ["Passw0rd", "password1!", "PASSWORD1!"] {
        create_user(&iam, "probe").await;
        iam.create_login_profile()
            .user_name("probe")
            .password(strong)
            .send()
            .await
            .unwrap();
        iam.delete_login_profile()
            .user_name("probe")
            .send()
            .await
            .unwrap();
        iam.delete_user().user_name("probe").send().await.unwrap();
    }
}

#[tokio::test]
async fn a_custom_policy_is_enforced_on_create_and_update() {
    let server = common::spawn().await;
    let iam = server.iam();
    set_policy_min_12_with_symbols(&iam).await;
    create_user(&iam, "kim").await;
    for weak in ["Passw0rd1234", "Passw0rd!"] {
        let error = aws_error(
            iam.create_login_profile()
                .user_name("kim")
                .password(weak)
                .send()
                .await,
        );
        error.assert_is("PasswordPolicyViolation", 400, VIOLATION);
    }
    assert!(!has_profile(&iam, "kim").await);

    // The custom policy replaces the default: no digits or capitals needed.
    iam.create_login_profile()
        .user_name("kim")
        .password("all-lowercase!")
        .send()
        .await
        .unwrap();
    let error = aws_error(
        iam.update_login_profile()
            .user_name("kim")
            .password("nosymbolshere12")
            .send()
            .await,
    );
    error.assert_is("PasswordPolicyViolation", 400, VIOLATION);
    // The failed update left the old password in place.
    let as_kim = {
        let (key, secret) = create_access_key(&iam, "kim").await;
        server.iam_as(&key, &secret)
    };
    as_kim
        .change_password()
        .old_password("all-lowercase!")
        .new_password("still-lowercase!")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_second_login_profile_is_entity_already_exists() {
    let server = common::spawn().await;
    let iam = server.iam();
    user_with_profile(&iam, "kim", "Corr3ct-Horse!").await;
    let error = aws_error(
        iam.create_login_profile()
            .user_name("kim")
            .password("AnotherPassword123!")
            .send()
            .await,
    );
    error.assert_is(
        "EntityAlreadyExists",
        409,
        "Login Profile for user kim already exists.",
    );
    assert!(has_profile(&iam, "kim").await);
}

#[tokio::test]
async fn get_login_profile_of_a_user_without_one_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    let error = aws_error(iam.get_login_profile().user_name("kim").send().await);
    error.assert_is(
        "NoSuchEntity",
        404,
        "Login Profile for User kim cannot be found.",
    );
}

#[tokio::test]
async fn create_login_profile_for_a_missing_user_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.create_login_profile()
            .user_name("nonexistent-user")
            .password("TestPassword123!")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "The user with name nonexistent-user cannot be found.",
    );
    assert!(iam.list_users().send().await.unwrap().users().is_empty());
}

#[tokio::test]
async fn a_password_over_128_characters_is_a_validation_error() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    let error = aws_error(
        iam.create_login_profile()
            .user_name("kim")
            .password(format!("Aa1!{}", "x".repeat(125)))
            .send()
            .await,
    );
    error.assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 128",
    );
    assert!(!has_profile(&iam, "kim").await);
}

#[tokio::test]
async fn update_login_profile_sets_the_reset_required_flag() {
    let server = common::spawn().await;
    let iam = server.iam();
    user_with_profile(&iam, "kim", "Corr3ct-Horse!").await;
    iam.update_login_profile()
        .user_name("kim")
        .password_reset_required(true)
        .send()
        .await
        .unwrap();
    let read = iam
        .get_login_profile()
        .user_name("kim")
        .send()
        .await
        .unwrap();
    assert!(read.login_profile().unwrap().password_reset_required());
}

#[tokio::test]
async fn update_login_profile_of_a_user_without_one_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "kim").await;
    let error = aws_error(
        iam.update_login_profile()
            .user_name("kim")
            .password("Corr3ct-Horse!")
            .send()
            .await,
    );
    error.assert_is(
        "NoSuchEntity",
        404,
        "Login Profile for User kim cannot be found.",
    );
    assert!(!has_profile(&iam, "kim").await);
}

#[tokio::test]
async fn deleting_a_login_profile_removes_it_and_a_second_delete_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    user_with_profile(&iam, "kim", "Corr3ct-Horse!").await;
    iam.delete_login_profile()
        .user_name("kim")
        .send()
        .await
        .unwrap();
    let error = aws_error(iam.get_login_profile().user_name("kim").send().await);
    error.assert_is(
        "NoSuchEntity",
        404,
        "Login Profile for User kim cannot be found.",
    );
    let error = aws_error(iam.delete_login_profile().user_name("kim").send().await);
    error.assert_is(
        "NoSuchEntity",
        404,
        "Login Profile for User kim cannot be found.",
    );
}

#[tokio::test]
async fn delete_login_profile_of_a_missing_user_is_no_such_entity() {
    let server = common::spawn().await;
    let error = aws_error(
        server
            .iam()
            .delete_login_profile()
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
async fn change_password_with_the_right_old_password_replaces_it() {
    let server = common::spawn().await;
    let as_kim = signed_in_user(&server, "kim", "Old-Passw0rd").await;
    as_kim
        .change_password()
        .old_password("Old-Passw0rd")
        .new_password("New-Passw0rd")
        .send()
        .await
        .unwrap();
    // The old password no longer proves anything; the new one does.
    let error = change(&as_kim, "Old-Passw0rd", "Newer-Passw0rd").await;
    assert_eq!((error.code.as_str(), error.status), ("AccessDenied", 403));
    as_kim
        .change_password()
        .old_password("New-Passw0rd")
        .new_password("Newer-Passw0rd")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn change_password_clears_password_reset_required() {
    let server = common::spawn().await;
    let iam = server.iam();
    let as_kim = signed_in_user(&server, "kim", "Old-Passw0rd").await;
    iam.update_login_profile()
        .user_name("kim")
        .password_reset_required(true)
        .send()
        .await
        .unwrap();
    as_kim
        .change_password()
        .old_password("Old-Passw0rd")
        .new_password("New-Passw0rd")
        .send()
        .await
        .unwrap();
    let read = iam
        .get_login_profile()
        .user_name("kim")
        .send()
        .await
        .unwrap();
    assert!(!read.login_profile().unwrap().password_reset_required());
}

#[tokio::test]
async fn change_password_with_a_wrong_old_password_is_access_denied() {
    let server = common::spawn().await;
    let as_kim = signed_in_user(&server, "kim", "Old-Passw0rd").await;
    let error = change(&as_kim, "Not-The-Passw0rd", "New-Passw0rd").await;
    assert_eq!((error.code.as_str(), error.status), ("AccessDenied", 403));
    assert!(!error.message.is_empty());
    assert!(!error.message.contains("Passw0rd"), "{}", error.message);
    // Nothing changed: the old password still works.
    as_kim
        .change_password()
        .old_password("Old-Passw0rd")
        .new_password("New-Passw0rd")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn change_password_by_root_is_invalid_user_type() {
    let server = common::spawn().await;
    let error = change(&server.iam(), "Old-Passw0rd", "New-Passw0rd").await;
    assert_eq!(
        (error.code.as_str(), error.status),
        ("InvalidUserType", 400)
    );
    assert!(!error.message.is_empty());
}

#[tokio::test]
async fn change_password_by_a_user_without_a_login_profile_is_no_such_entity() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "keys-only").await;
    let (key, secret) = create_access_key(&iam, "keys-only").await;
    let error = change(
        &server.iam_as(&key, &secret),
        "Old-Passw0rd",
        "New-Passw0rd",
    )
    .await;
    error.assert_is(
        "NoSuchEntity",
        404,
        "Login Profile for User keys-only cannot be found.",
    );
    assert!(!has_profile(&iam, "keys-only").await);
}

#[tokio::test]
async fn change_password_must_satisfy_the_policy() {
    let server = common::spawn().await;
    let iam = server.iam();
    let as_kim = signed_in_user(&server, "kim", "Old-Passw0rd").await;
    set_policy_min_12_with_symbols(&iam).await;
    for weak in ["Short-Pw0!", "LongPassword12"] {
        let error = change(&as_kim, "Old-Passw0rd", weak).await;
        error.assert_is("PasswordPolicyViolation", 400, VIOLATION);
    }
    // The refusals left the old password in place.
    as_kim
        .change_password()
        .old_password("Old-Passw0rd")
        .new_password("long-enough-pw!")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn password_reuse_prevention_refuses_a_recent_password() {
    let server = common::spawn().await;
    let iam = server.iam();
    iam.update_account_password_policy()
        .password_reuse_prevention(2)
        .send()
        .await
        .unwrap();
    let as_kim = signed_in_user(&server, "kim", "First-Passw0rd").await;
    as_kim
        .change_password()
        .old_password("First-Passw0rd")
        .new_password("Second-Passw0rd")
        .send()
        .await
        .unwrap();
    let error = change(&as_kim, "Second-Passw0rd", "First-Passw0rd").await;
    error.assert_is("PasswordPolicyViolation", 400, VIOLATION);
    // The refused change left the current password in place.
    as_kim
        .change_password()
        .old_password("Second-Passw0rd")
        .new_password("Third-Passw0rd")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_iam_user_without_a_user_name_reads_its_own_login_profile() {
    let server = common::spawn().await;
    let as_kim = signed_in_user(&server, "kim", "Corr3ct-Horse!").await;
    let out = as_kim.get_login_profile().send().await.unwrap();
    assert_eq!(out.login_profile().unwrap().user_name(), "kim");
}
