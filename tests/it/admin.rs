//! iamd's admin endpoints: health, reset (also moto's path), accounts, persistence.

use crate::common::{self, aws_error};

#[tokio::test]
async fn health_reports_ok_and_the_mode() {
    let server = common::spawn_with(&["--in-memory", "--auth-mode", "soft"]).await;
    let (status, body) = common::admin(&server, "GET", "/_iamd/health", "").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["auth_mode"], "soft");
}

#[tokio::test]
async fn an_account_created_by_the_admin_call_gets_working_root_keys() {
    let server = common::spawn().await;
    let (status, created) = common::admin(
        &server,
        "POST",
        "/_iamd/accounts",
        r#"{"account_id":"333333333333"}"#,
    )
    .await;
    assert_eq!(status, 201);
    let key = created["access_key_id"].as_str().unwrap();
    let secret = created["secret_access_key"].as_str().unwrap();
    assert!(key.starts_with("AKIA") && key.len() == 20, "{key}");
    assert_eq!(secret.len(), 40);
    let sts = aws_sdk_sts::Client::new(&server.sdk_config_as(key, secret, None));
    let identity = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.arn(), Some("arn:aws:iam::333333333333:root"));

    let (status, _) = common::admin(
        &server,
        "POST",
        "/_iamd/accounts",
        r#"{"account_id":"333333333333"}"#,
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) =
        common::admin(&server, "POST", "/_iamd/accounts", r#"{"account_id":"12"}"#).await;
    assert_eq!(status, 400);
    let (_, listed) = common::admin(&server, "GET", "/_iamd/accounts", "").await;
    let ids: Vec<&str> = listed["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["account_id"].as_str())
        .collect();
    assert_eq!(ids, ["000000000000", "333333333333"]);
}

#[tokio::test]
async fn reset_forgets_created_accounts_and_keeps_the_configured_ones() {
    let server = common::spawn_with(&["--in-memory", "--account", "111111111111"]).await;
    let (_, created) = common::admin(&server, "POST", "/_iamd/accounts", "{}").await;
    let key = created["access_key_id"].as_str().unwrap().to_owned();
    let secret = created["secret_access_key"].as_str().unwrap().to_owned();
    let sts = aws_sdk_sts::Client::new(&server.sdk_config_as(&key, &secret, None));
    assert!(sts.get_caller_identity().send().await.is_ok());

    let (status, _) = common::admin(&server, "POST", "/_iamd/reset", "").await;
    assert_eq!(status, 200);
    assert_eq!(
        aws_error(sts.get_caller_identity().send().await).code,
        "InvalidClientTokenId"
    );
    assert!(server.sts().get_caller_identity().send().await.is_ok());
    let extra = aws_sdk_sts::Client::new(&server.sdk_config_as("111111111111", "test", None));
    assert!(extra.get_caller_identity().send().await.is_ok());
}

#[tokio::test]
async fn moto_reset_path_resets_too() {
    let server = common::spawn().await;
    common::admin(
        &server,
        "POST",
        "/_iamd/accounts",
        r#"{"account_id":"444444444444"}"#,
    )
    .await;
    let (status, _) = common::admin(&server, "POST", "/moto-api/reset", "").await;
    assert_eq!(status, 200);
    let (_, listed) = common::admin(&server, "GET", "/_iamd/accounts", "").await;
    assert_eq!(listed["accounts"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn the_clock_moves_forward_on_request_and_back_on_reset() {
    let server = common::spawn().await;
    let (status, clock) = common::admin(
        &server,
        "POST",
        "/_iamd/clock",
        r#"{"advance_seconds":3600}"#,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(clock["offset_seconds"], 3600);
    // Signatures still use the wall clock.
    assert!(server.sts().get_caller_identity().send().await.is_ok());
    common::admin(&server, "POST", "/_iamd/reset", "").await;
    let (_, clock) = common::admin(&server, "GET", "/_iamd/clock", "").await;
    assert_eq!(clock["offset_seconds"], 0);
}

#[tokio::test]
async fn an_unknown_admin_path_is_not_found() {
    let server = common::spawn().await;
    let (status, body) = common::admin(&server, "GET", "/_iamd/nope", "").await;
    assert_eq!(status, 404);
    assert!(body["error"].as_str().unwrap().contains("/_iamd/nope"));
}

#[tokio::test]
async fn state_on_the_sqlite_file_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();
    let server = common::spawn_with(&["--data-dir", data_dir]).await;
    let (_, created) = common::admin(
        &server,
        "POST",
        "/_iamd/accounts",
        r#"{"account_id":"555555555555"}"#,
    )
    .await;
    let key = created["access_key_id"].as_str().unwrap().to_owned();
    let secret = created["secret_access_key"].as_str().unwrap().to_owned();
    server.stop().await;
    assert!(dir.path().join("iamd.sqlite3").exists());

    let server = common::spawn_with(&["--data-dir", data_dir]).await;
    let sts = aws_sdk_sts::Client::new(&server.sdk_config_as(&key, &secret, None));
    let identity = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.account(), Some("555555555555"));
    server.stop().await;
}
