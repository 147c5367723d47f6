//! Identities survive a restart on the same data directory.

use std::time::Duration;

use crate::common::{self, create_access_key, tag};

#[tokio::test]
async fn users_groups_tags_and_keys_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();

    let server = common::spawn_with(&["--data-dir", data_dir]).await;
    let iam = server.iam();
    let user = iam
        .create_user()
        .user_name("durable")
        .path("/kept/")
        .tags(tag("team", "red"))
        .tags(tag("Env", "prod"))
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    let group = iam
        .create_group()
        .group_name("keepers")
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    iam.add_user_to_group()
        .group_name("keepers")
        .user_name("durable")
        .send()
        .await
        .unwrap();
    let (key, secret) = create_access_key(&iam, "durable").await;
    server.stop().await;

    let server = common::spawn_with(&["--data-dir", data_dir]).await;
    let iam = server.iam();
    let read = iam.get_user().user_name("durable").send().await.unwrap();
    let read = read.user().unwrap();
    assert_eq!(read.user_id(), user.user_id());
    assert_eq!(read.arn(), "arn:aws:iam::000000000000:user/kept/durable");
    assert_eq!(read.create_date(), user.create_date());
    let tags: Vec<(&str, &str)> = read.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(tags, [("team", "red"), ("Env", "prod")]);

    let members = iam.get_group().group_name("keepers").send().await.unwrap();
    assert_eq!(members.group().unwrap().group_id(), group.group_id());
    let names: Vec<&str> = members.users().iter().map(|u| u.user_name()).collect();
    assert_eq!(names, ["durable"]);

    let keys = iam
        .list_access_keys()
        .user_name("durable")
        .send()
        .await
        .unwrap();
    let ids: Vec<&str> = keys
        .access_key_metadata()
        .iter()
        .filter_map(|k| k.access_key_id())
        .collect();
    assert_eq!(ids, [key.as_str()]);
    let identity = server
        .sts_as(&key, &secret)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        identity.arn(),
        Some("arn:aws:iam::000000000000:user/kept/durable")
    );
    server.stop().await;
}

#[tokio::test]
async fn passwords_policies_aliases_and_key_status_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();

    let server = common::spawn_with(&["--data-dir", data_dir]).await;
    let iam = server.iam();
    iam.update_account_password_policy()
        .minimum_password_length(12)
        .password_reuse_prevention(3)
        .send()
        .await
        .unwrap();
    iam.create_account_alias()
        .account_alias("durable-alias")
        .send()
        .await
        .unwrap();
    crate::common::create_user(&iam, "kim").await;
    iam.create_login_profile()
        .user_name("kim")
        .password("first-long-password")
        .password_reset_required(true)
        .send()
        .await
        .unwrap();
    let (active, active_secret) = create_access_key(&iam, "kim").await;
    let (inactive, inactive_secret) = create_access_key(&iam, "kim").await;
    iam.update_access_key()
        .user_name("kim")
        .access_key_id(&inactive)
        .status(aws_sdk_iam::types::StatusType::Inactive)
        .send()
        .await
        .unwrap();
    server.stop().await;

    let server = common::spawn_with(&["--data-dir", data_dir]).await;
    let iam = server.iam();
    let policy = iam.get_account_password_policy().send().await.unwrap();
    let policy = policy.password_policy().unwrap();
    assert_eq!(policy.minimum_password_length(), Some(12));
    assert_eq!(policy.password_reuse_prevention(), Some(3));
    let aliases = iam.list_account_aliases().send().await.unwrap();
    assert_eq!(aliases.account_aliases(), ["durable-alias"]);
    let profile = iam
        .get_login_profile()
        .user_name("kim")
        .send()
        .await
        .unwrap();
    assert!(profile.login_profile().unwrap().password_reset_required());

    let refused = crate::common::aws_error(
        server
            .sts_as(&inactive, &inactive_secret)
            .get_caller_identity()
            .send()
            .await,
    );
    assert_eq!(refused.code, "InvalidClientTokenId");
    // The password and its history came back too: the old one proves identity, and
    // reusing it is refused.
    let as_kim = server.iam_as(&active, &active_secret);
    as_kim
        .change_password()
        .old_password("first-long-password")
        .new_password("second-long-password")
        .send()
        .await
        .unwrap();
    let reused = crate::common::aws_error(
        as_kim
            .change_password()
            .old_password("second-long-password")
            .new_password("first-long-password")
            .send()
            .await,
    );
    assert_eq!(reused.code, "PasswordPolicyViolation");
    server.stop().await;
}

/// The file store commits concurrent writes together; each acknowledged one is stored, each
/// refused one (a duplicate name) changes nothing, and all of it survives a restart.
#[tokio::test]
async fn concurrent_writes_are_each_acknowledged_only_once_stored() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();
    let server = common::spawn_with(&["--data-dir", data_dir]).await;
    let iam = server.iam();
    let mut tasks = Vec::new();
    for i in 0..60 {
        let iam = iam.clone();
        // Every third request repeats the previous name.
        let name = if i % 3 == 2 {
            format!("u{}", i - 1)
        } else {
            format!("u{i}")
        };
        tasks.push(tokio::spawn(async move {
            iam.create_user()
                .user_name(name)
                .send()
                .await
                .map_err(|e| e.into_service_error().meta().code().map(str::to_owned))
        }));
    }
    let mut created = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => created += 1,
            Err(code) => assert_eq!(code.as_deref(), Some("EntityAlreadyExists")),
        }
    }
    assert_eq!(created, 40);
    server.stop().await;

    let server = common::spawn_with(&["--data-dir", data_dir]).await;
    let users = server.iam().list_users().send().await.unwrap().users;
    assert_eq!(users.len(), 40);
}

/// A role's last use is recorded after the session is issued and written out later; a stop
/// writes it out, so it survives a restart.
#[tokio::test]
async fn a_roles_last_use_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();
    let server = common::spawn_with(&["--data-dir", data_dir]).await;
    let iam = server.iam();
    common::create_user(&iam, "assumer").await;
    iam.put_user_policy()
        .user_name("assumer")
        .policy_name("assume")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    let (key, secret) = common::create_access_key_only(&iam, "assumer").await;
    let role = iam
        .create_role()
        .role_name("Used")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/assumer"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    server
        .sts_as(&key, &secret)
        .assume_role()
        .role_arn(role.arn())
        .role_session_name("once")
        .send()
        .await
        .unwrap();
    server.stop().await;

    let server = common::spawn_with(&["--data-dir", data_dir]).await;
    let read = server
        .iam()
        .get_role()
        .role_name("Used")
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    let used = read.role_last_used.unwrap();
    assert!(used.last_used_date.is_some());
    assert_eq!(used.region.as_deref(), Some("us-east-1"));
}

/// Clients that give up mid-request close their connection while iamd may be in the middle of
/// a write; every later write must still work, because a request runs to its end whatever its
/// client does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_abandoned_by_their_clients_leave_the_store_writable() {
    let dir = tempfile::tempdir().unwrap();
    let server = common::spawn_with(&["--data-dir", dir.path().to_str().unwrap()]).await;
    let iam = server.iam();
    let mut abandoned = 0;
    for wave in 0..40_u64 {
        let mut calls = tokio::task::JoinSet::new();
        for i in 0..16_u64 {
            let iam = iam.clone();
            // Patience spread over the length of a write, so that some clients leave while
            // its statements run.
            let patience = Duration::from_micros(50 + (wave * 16 + i) * 37 % 3000);
            calls.spawn(async move {
                let call = iam
                    .create_user()
                    .user_name(format!("gone-{wave}-{i}"))
                    .send();
                tokio::time::timeout(patience, call).await.is_err()
            });
        }
        while let Some(gave_up) = calls.join_next().await {
            if gave_up.unwrap() {
                abandoned += 1;
            }
        }
        iam.create_user()
            .user_name(format!("after-{wave}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("a write after wave {wave} failed: {e:?}"));
    }
    assert!(abandoned > 0, "no client gave up, so nothing was tested");
    server.stop().await;
}
