//! Enforcement of iamd's own API: IAM users are held to their policies in `strict` mode, and
//! `soft` mode lets the call through.

use crate::common::{self, aws_error, create_access_key_only, create_user};

const LIST_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListUsers","iam:GetUser"],"Resource":"*"}]}"#;

async fn user_with_policy(
    server: &common::Server,
    name: &str,
    policy: Option<&str>,
) -> aws_sdk_iam::Client {
    let iam = server.iam();
    create_user(&iam, name).await;
    if let Some(policy) = policy {
        iam.put_user_policy()
            .user_name(name)
            .policy_name("p")
            .policy_document(policy)
            .send()
            .await
            .unwrap();
    }
    let (key, secret) = create_access_key_only(&iam, name).await;
    server.iam_as(&key, &secret)
}

#[tokio::test]
async fn a_user_can_do_exactly_what_its_policy_allows() {
    let server = common::spawn().await;
    let narrow = user_with_policy(&server, "reader", Some(LIST_ONLY)).await;
    assert!(narrow.list_users().send().await.is_ok());
    assert!(narrow.get_user().user_name("reader").send().await.is_ok());

    let error = aws_error(narrow.create_user().user_name("intruder").send().await);
    error.assert_is(
        "AccessDenied",
        403,
        "User: arn:aws:iam::000000000000:user/reader is not authorized to perform: iam:CreateUser on resource: \
         arn:aws:iam::000000000000:user/intruder because no identity-based policy allows the iam:CreateUser action",
    );
    let users = server.iam().list_users().send().await.unwrap().users;
    assert_eq!(users.len(), 1, "nothing was created");
}

#[tokio::test]
async fn a_user_without_policies_may_still_ask_who_it_is() {
    let server = common::spawn().await;
    let iam = server.iam();
    create_user(&iam, "nobody").await;
    let (key, secret) = create_access_key_only(&iam, "nobody").await;
    let identity = server
        .sts_as(&key, &secret)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        identity.arn(),
        Some("arn:aws:iam::000000000000:user/nobody")
    );
    let error = aws_error(server.iam_as(&key, &secret).list_users().send().await);
    error.assert_is(
        "AccessDenied",
        403,
        "User: arn:aws:iam::000000000000:user/nobody is not authorized to perform: iam:ListUsers on resource: \
         arn:aws:iam::000000000000:user/ because no identity-based policy allows the iam:ListUsers action",
    );
}

#[tokio::test]
async fn group_policies_apply_to_members() {
    let server = common::spawn().await;
    let iam = server.iam();
    let member = user_with_policy(&server, "member", None).await;
    assert_eq!(
        aws_error(member.list_users().send().await).code,
        "AccessDenied"
    );
    iam.create_group()
        .group_name("readers")
        .send()
        .await
        .unwrap();
    iam.put_group_policy()
        .group_name("readers")
        .policy_name("list")
        .policy_document(LIST_ONLY)
        .send()
        .await
        .unwrap();
    iam.add_user_to_group()
        .group_name("readers")
        .user_name("member")
        .send()
        .await
        .unwrap();
    assert!(member.list_users().send().await.is_ok());
}

#[tokio::test]
async fn an_explicit_deny_wins_over_any_allow() {
    let server = common::spawn().await;
    let iam = server.iam();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},
        {"Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}"#;
    let admin = user_with_policy(&server, "almost-admin", Some(policy)).await;
    create_user(&iam, "victim").await;
    let error = aws_error(admin.delete_user().user_name("victim").send().await);
    error.assert_is(
        "AccessDenied",
        403,
        "User: arn:aws:iam::000000000000:user/almost-admin is not authorized to perform: iam:DeleteUser on \
         resource: arn:aws:iam::000000000000:user/victim with an explicit deny in an identity-based policy",
    );
    assert!(iam.get_user().user_name("victim").send().await.is_ok());
}

#[tokio::test]
async fn a_permissions_boundary_limits_what_policies_allow() {
    let server = common::spawn().await;
    let iam = server.iam();
    let all = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}"#;
    let bounded = user_with_policy(&server, "bounded", Some(all)).await;
    let boundary = iam
        .create_policy()
        .policy_name("list-only")
        .policy_document(LIST_ONLY)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .arn
        .unwrap();
    iam.put_user_permissions_boundary()
        .user_name("bounded")
        .permissions_boundary(&boundary)
        .send()
        .await
        .unwrap();
    assert!(bounded.list_users().send().await.is_ok());
    let error = aws_error(bounded.create_group().group_name("g").send().await);
    error.assert_is(
        "AccessDenied",
        403,
        "User: arn:aws:iam::000000000000:user/bounded is not authorized to perform: iam:CreateGroup on resource: \
         arn:aws:iam::000000000000:group/g because no permissions boundary allows the iam:CreateGroup action",
    );
}

#[tokio::test]
async fn resource_arns_with_paths_and_variables_scope_what_a_user_may_touch() {
    let server = common::spawn().await;
    let iam = server.iam();
    let self_service = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*AccessKey*","iam:GetUser"],
        "Resource":"arn:aws:iam::*:user/${aws:username}"}]}"#;
    let me = user_with_policy(&server, "self", Some(self_service)).await;
    create_user(&iam, "other").await;
    assert!(me.list_access_keys().send().await.is_ok());
    assert!(me.get_user().user_name("self").send().await.is_ok());
    let error = aws_error(me.list_access_keys().user_name("other").send().await);
    assert_eq!((error.code.as_str(), error.status), ("AccessDenied", 403));
}

#[tokio::test]
async fn soft_mode_lets_a_would_be_denial_through() {
    let server = common::spawn_with(&["--in-memory", "--auth-mode", "soft"]).await;
    let nobody = user_with_policy(&server, "nobody", None).await;
    assert!(
        nobody
            .create_user()
            .user_name("allowed-anyway")
            .send()
            .await
            .is_ok()
    );
    let users = server.iam().list_users().send().await.unwrap().users;
    assert_eq!(users.len(), 2);
}

#[tokio::test]
async fn off_mode_decides_nothing_and_the_root_user_is_never_denied() {
    let server = common::spawn_with(&["--in-memory", "--auth-mode", "off"]).await;
    let nobody = user_with_policy(&server, "nobody", None).await;
    assert!(nobody.list_users().send().await.is_ok());
    let strict = common::spawn().await;
    let deny_all =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
    strict
        .iam()
        .create_policy()
        .policy_name("deny")
        .policy_document(deny_all)
        .send()
        .await
        .unwrap();
    assert!(strict.iam().list_users().send().await.is_ok());
}

#[tokio::test]
async fn mfa_device_and_simulator_calls_are_decided_on_the_device_and_simulated_arns() {
    let server = common::spawn().await;
    let policy = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["iam:CreateVirtualMFADevice","iam:DeleteVirtualMFADevice"],
         "Resource":"arn:aws:iam::000000000000:mfa/team-*"},
        {"Effect":"Allow","Action":"iam:SimulatePrincipalPolicy",
         "Resource":"arn:aws:iam::000000000000:user/mfa-admin"}]}"#;
    let client = user_with_policy(&server, "mfa-admin", Some(policy)).await;

    let device = client
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("team-phone")
        .send()
        .await
        .unwrap()
        .virtual_mfa_device
        .unwrap();
    let error = aws_error(
        client
            .create_virtual_mfa_device()
            .virtual_mfa_device_name("other-phone")
            .send()
            .await,
    );
    error.assert_is(
        "AccessDenied",
        403,
        "User: arn:aws:iam::000000000000:user/mfa-admin is not authorized to perform: \
         iam:CreateVirtualMFADevice on resource: arn:aws:iam::000000000000:mfa/other-phone \
         because no identity-based policy allows the iam:CreateVirtualMFADevice action",
    );
    client
        .delete_virtual_mfa_device()
        .serial_number(device.serial_number())
        .send()
        .await
        .unwrap();

    // The simulator call is decided on the simulated principal, not on the caller.
    assert!(
        client
            .simulate_principal_policy()
            .policy_source_arn("arn:aws:iam::000000000000:user/mfa-admin")
            .action_names("iam:ListUsers")
            .send()
            .await
            .is_ok()
    );
    create_user(&server.iam(), "someone").await;
    let error = aws_error(
        client
            .simulate_principal_policy()
            .policy_source_arn("arn:aws:iam::000000000000:user/someone")
            .action_names("iam:ListUsers")
            .send()
            .await,
    );
    assert_eq!(error.code, "AccessDenied");
    assert!(
        error
            .message
            .contains("on resource: arn:aws:iam::000000000000:user/someone"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn renaming_a_user_needs_the_action_on_the_old_and_the_new_name() {
    let server = common::spawn().await;
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:UpdateUser",
        "Resource":["arn:aws:iam::000000000000:user/bob","arn:aws:iam::000000000000:user/robert"]}]}"#;
    let client = user_with_policy(&server, "renamer", Some(policy)).await;
    create_user(&server.iam(), "bob").await;

    let error = aws_error(
        client
            .update_user()
            .user_name("bob")
            .new_user_name("bobby")
            .send()
            .await,
    );
    error.assert_is(
        "AccessDenied",
        403,
        "User: arn:aws:iam::000000000000:user/renamer is not authorized to perform: iam:UpdateUser \
         on resource: arn:aws:iam::000000000000:user/bobby because no identity-based policy allows \
         the iam:UpdateUser action",
    );
    let error = aws_error(
        client
            .update_user()
            .user_name("bob")
            .new_path("/moved/")
            .send()
            .await,
    );
    assert_eq!(error.code, "AccessDenied");
    assert!(
        error.message.contains("user/moved/bob"),
        "{}",
        error.message
    );
    assert!(
        server
            .iam()
            .get_user()
            .user_name("bob")
            .send()
            .await
            .is_ok()
    );

    client
        .update_user()
        .user_name("bob")
        .new_user_name("robert")
        .send()
        .await
        .unwrap();
    assert!(
        server
            .iam()
            .get_user()
            .user_name("robert")
            .send()
            .await
            .is_ok()
    );
}

/// Decisions use cached policy sets; every acknowledged change must show in the very next
/// request, with the file store's shared commits and with the in-memory store.
#[tokio::test]
async fn policy_changes_apply_to_the_next_request_on_either_store() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();
    for flags in [vec!["--data-dir", data_dir], vec!["--in-memory"]] {
        let server = common::spawn_with(&flags).await;
        let iam = server.iam();
        let user = user_with_policy(&server, "changing", None).await;
        for round in 0..3 {
            assert!(
                user.list_users().send().await.is_err(),
                "round {round}: no policy yet"
            );
            iam.put_user_policy()
                .user_name("changing")
                .policy_name("p")
                .policy_document(LIST_ONLY)
                .send()
                .await
                .unwrap();
            assert!(
                user.list_users().send().await.is_ok(),
                "round {round}: allowed at once"
            );
            iam.delete_user_policy()
                .user_name("changing")
                .policy_name("p")
                .send()
                .await
                .unwrap();
        }
        assert!(
            user.list_users().send().await.is_err(),
            "denied again at once"
        );
        // A group's policy reaches its member with the next request, and leaves with it.
        iam.create_group()
            .group_name("readers")
            .send()
            .await
            .unwrap();
        iam.put_group_policy()
            .group_name("readers")
            .policy_name("p")
            .policy_document(LIST_ONLY)
            .send()
            .await
            .unwrap();
        iam.add_user_to_group()
            .group_name("readers")
            .user_name("changing")
            .send()
            .await
            .unwrap();
        assert!(user.list_users().send().await.is_ok());
        iam.remove_user_from_group()
            .group_name("readers")
            .user_name("changing")
            .send()
            .await
            .unwrap();
        assert!(user.list_users().send().await.is_err());
    }
}

/// An allowed request is remembered until the next write; the same request must be decided
/// afresh once its subject has moved out of what the policy names, and again when it is back.
#[tokio::test]
async fn a_repeated_request_is_decided_again_after_its_subject_moves() {
    let server = common::spawn().await;
    let iam = server.iam();
    let team_only = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser",
        "Resource":"arn:aws:iam::000000000000:user/team/*"}]}"#;
    let reader = user_with_policy(&server, "reader", Some(team_only)).await;
    iam.create_user()
        .user_name("member")
        .path("/team/")
        .send()
        .await
        .unwrap();
    let move_member =
        |path: &'static str| iam.update_user().user_name("member").new_path(path).send();
    for round in 0..2 {
        for repeat in 0..3 {
            let user = reader.get_user().user_name("member").send().await;
            assert!(user.is_ok(), "round {round}, repeat {repeat}: {user:?}");
        }
        move_member("/elsewhere/").await.unwrap();
        for _ in 0..2 {
            let error = aws_error(reader.get_user().user_name("member").send().await);
            error.assert_is(
                "AccessDenied",
                403,
                "User: arn:aws:iam::000000000000:user/reader is not authorized to perform: iam:GetUser on resource: \
                 user member because no identity-based policy allows the iam:GetUser action",
            );
        }
        move_member("/team/").await.unwrap();
    }
}
