//! STS sessions other than plain AssumeRole, through the AWS SDK for Rust: GetSessionToken
//! proven with a real TOTP code, expiry and session-token checks, GetFederationToken, and what
//! GetCallerIdentity and GetAccessKeyInfo say for every kind of session.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_sts::types::Credentials;
use serde_json::json;

use crate::common::{
    self, ACCOUNT, aws_error, create_access_key_only, create_user, totp, totp_step_now,
};

const INVALID_TOKEN: &str = "The security token included in the request is invalid.";
const EXPIRED_TOKEN: &str = "The security token included in the request is expired";
const MFA_FAILED: &str = "MultiFactorAuthentication failed with invalid MFA one time pass code.";

fn allow(actions: &[&str]) -> String {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": actions, "Resource": "*"}
    ]})
    .to_string()
}

fn unix_now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

/// Asserts temporary credentials last `seconds` from now (give or take the test's run time).
#[track_caller]
fn assert_lasts(credentials: &Credentials, seconds: i64) {
    let left = credentials.expiration().secs() - unix_now();
    assert!(
        (seconds - 60..=seconds + 2).contains(&left),
        "credentials last {left}s, expected about {seconds}s"
    );
}

#[track_caller]
fn assert_temporary(credentials: &Credentials) {
    assert!(credentials.access_key_id().starts_with("ASIA"));
    assert_eq!(credentials.access_key_id().len(), 20);
    assert_eq!(credentials.secret_access_key().len(), 40);
    assert!(!credentials.session_token().is_empty());
}

/// A user with one inline policy and an access key; returns the key id and secret.
async fn user_with(server: &common::Server, name: &str, policy: &str) -> (String, String) {
    let iam = server.iam();
    create_user(&iam, name).await;
    iam.put_user_policy()
        .user_name(name)
        .policy_name("p")
        .policy_document(policy)
        .send()
        .await
        .unwrap();
    create_access_key_only(&iam, name).await
}

/// A role trusting the default account, with one inline permissions policy.
async fn role(server: &common::Server, name: &str, trust: &str, permissions: &str) {
    let iam = server.iam();
    iam.create_role()
        .role_name(name)
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    iam.put_role_policy()
        .role_name(name)
        .policy_name("permissions")
        .policy_document(permissions)
        .send()
        .await
        .unwrap();
}

fn trust_account() -> String {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"}]})
    .to_string()
}

fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

// ---------------------------------------------------------------------------------------------
// 5. GetSessionToken with a virtual MFA device
// ---------------------------------------------------------------------------------------------

/// The self-service pattern from the IAM User Guide: everything is allowed, and everything but
/// a few calls is denied while MFA is absent.
const MFA_REQUIRED: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"AllowAll","Effect":"Allow","Action":["iam:*","sts:*"],"Resource":"*"},
  {"Sid":"DenyAllExceptListedIfNoMFA","Effect":"Deny",
   "NotAction":["iam:ListMFADevices","sts:GetSessionToken"],"Resource":"*",
   "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}"#;

/// User `mfa-user` under `policy` with an enabled virtual device. Returns the user's key and
/// secret, the device serial and its base32 seed. The codes of the two steps before `step`
/// went into EnableMFADevice, so `step` and later are fresh.
async fn mfa_user(
    server: &common::Server,
    policy: &str,
    step: i64,
) -> (String, String, String, String) {
    let (key, secret) = user_with(server, "mfa-user", policy).await;
    let iam = server.iam();
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("mfa-user-phone")
        .send()
        .await
        .unwrap()
        .virtual_mfa_device
        .unwrap();
    let serial = device.serial_number().to_owned();
    let seed = String::from_utf8(device.base32_string_seed().unwrap().as_ref().to_vec()).unwrap();
    iam.enable_mfa_device()
        .user_name("mfa-user")
        .serial_number(&serial)
        .authentication_code1(totp(&seed, step - 2))
        .authentication_code2(totp(&seed, step - 1))
        .send()
        .await
        .unwrap();
    (key, secret, serial, seed)
}

/// A six-digit code no step near `step` shows.
fn wrong_code(seed: &str, step: i64) -> String {
    let near: Vec<String> = (step - 3..=step + 3).map(|s| totp(seed, s)).collect();
    (0..)
        .map(|n| format!("{:06}", 123_456 + n))
        .find(|c| !near.contains(c))
        .unwrap()
}

#[tokio::test]
async fn a_totp_code_unlocks_what_the_mfa_policy_denies_and_is_good_once() {
    let server = common::spawn().await;
    let step = totp_step_now();
    let (key, secret, serial, seed) = mfa_user(&server, MFA_REQUIRED, step).await;
    let user_arn = format!("arn:aws:iam::{ACCOUNT}:user/mfa-user");

    // Long-term keys: the Deny applies (MFA is absent from their requests).
    let long_term = server.iam_as(&key, &secret);
    aws_error(long_term.list_roles().send().await).assert_denied_any_resource(
        &user_arn,
        "iam:ListRoles",
        "with an explicit deny in an identity-based policy",
    );
    aws_error(long_term.create_user().user_name("x").send().await).assert_is(
        "AccessDenied",
        403,
        &format!(
            "User: {user_arn} is not authorized to perform: iam:CreateUser on resource: \
             arn:aws:iam::{ACCOUNT}:user/x with an explicit deny in an identity-based policy"
        ),
    );
    // The listed exception still works.
    let devices = long_term
        .list_mfa_devices()
        .user_name("mfa-user")
        .send()
        .await
        .unwrap();
    assert_eq!(devices.mfa_devices.len(), 1);

    let sts = server.sts_as(&key, &secret);
    let with_mfa = sts
        .get_session_token()
        .serial_number(&serial)
        .token_code(totp(&seed, step))
        .send()
        .await
        .unwrap();
    let credentials = with_mfa.credentials().unwrap();
    assert_temporary(credentials);
    assert_lasts(credentials, 43200);
    let session = server.iam_with(credentials);
    let users = session.list_users().send().await.unwrap().users;
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].user_name, "mfa-user");
    session
        .create_user()
        .user_name("made-with-mfa")
        .send()
        .await
        .unwrap();
    assert!(
        server
            .iam()
            .get_user()
            .user_name("made-with-mfa")
            .send()
            .await
            .is_ok()
    );

    // The same code a second time, a wrong code, and an unknown device all fail alike.
    for (device, code) in [
        (serial.clone(), totp(&seed, step)),
        (serial.clone(), wrong_code(&seed, step)),
        (
            format!("arn:aws:iam::{ACCOUNT}:mfa/no-such-device"),
            totp(&seed, step + 1),
        ),
    ] {
        let result = sts
            .get_session_token()
            .serial_number(device)
            .token_code(code)
            .send()
            .await;
        aws_error(result).assert_is("AccessDenied", 403, MFA_FAILED);
    }
}

#[tokio::test]
async fn a_session_token_without_mfa_cannot_call_iam_at_all() {
    let server = common::spawn().await;
    let step = totp_step_now();
    let (key, secret, _, _) = mfa_user(&server, MFA_REQUIRED, step).await;
    let out = server
        .sts_as(&key, &secret)
        .get_session_token()
        .send()
        .await
        .unwrap();
    let credentials = out.credentials().unwrap();
    assert_temporary(credentials);
    let session = server.iam_with(credentials);
    aws_error(
        session
            .list_mfa_devices()
            .user_name("mfa-user")
            .send()
            .await,
    )
    .assert_is("InvalidClientTokenId", 403, INVALID_TOKEN);
    aws_error(session.get_user().send().await).assert_is(
        "InvalidClientTokenId",
        403,
        INVALID_TOKEN,
    );
    // STS still knows the session; only AssumeRole and GetCallerIdentity are open to it.
    let sts = server.sts_with(credentials);
    let identity = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(
        identity.arn(),
        Some(format!("arn:aws:iam::{ACCOUNT}:user/mfa-user").as_str())
    );
    aws_error(sts.get_session_token().send().await).assert_is(
        "AccessDenied",
        403,
        "Cannot call GetSessionToken with session credentials",
    );
    aws_error(sts.get_federation_token().name("fed").send().await).assert_is(
        "AccessDenied",
        403,
        "Cannot call GetFederationToken with session credentials",
    );
}

#[tokio::test]
async fn mfa_from_get_session_token_or_from_assume_role_satisfies_a_role_that_requires_it() {
    let server = common::spawn().await;
    let step = totp_step_now();
    let (key, secret, serial, seed) = mfa_user(&server, &allow(&["sts:AssumeRole"]), step).await;
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]})
    .to_string();
    let permissions = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "iam:ListRoles", "Resource": "*",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]})
    .to_string();
    role(&server, "NeedsMfa", &trust, &permissions).await;
    let user_arn = format!("arn:aws:iam::{ACCOUNT}:user/mfa-user");
    let denied = format!(
        "User: {user_arn} is not authorized to perform: sts:AssumeRole on resource: {}",
        role_arn("NeedsMfa")
    );
    let sts = server.sts_as(&key, &secret);

    // Long-term keys without a code, and a session made without one, are refused.
    let plain = sts
        .assume_role()
        .role_arn(role_arn("NeedsMfa"))
        .role_session_name("plain")
        .send()
        .await;
    aws_error(plain).assert_is("AccessDenied", 403, &denied);
    let no_mfa = sts.get_session_token().send().await.unwrap();
    let result = server
        .sts_with(no_mfa.credentials().unwrap())
        .assume_role()
        .role_arn(role_arn("NeedsMfa"))
        .role_session_name("plain")
        .send()
        .await;
    aws_error(result).assert_is("AccessDenied", 403, &denied);

    // A session made with a code carries MFA into the role session.
    let with_mfa = sts
        .get_session_token()
        .serial_number(&serial)
        .token_code(totp(&seed, step))
        .send()
        .await
        .unwrap();
    let chained = server
        .sts_with(with_mfa.credentials().unwrap())
        .assume_role()
        .role_arn(role_arn("NeedsMfa"))
        .role_session_name("via-session")
        .send()
        .await
        .unwrap();
    assert!(
        server
            .iam_with(chained.credentials().unwrap())
            .list_roles()
            .send()
            .await
            .is_ok()
    );

    // A code passed to AssumeRole itself works too, once.
    let direct = sts
        .assume_role()
        .role_arn(role_arn("NeedsMfa"))
        .role_session_name("direct")
        .serial_number(&serial)
        .token_code(totp(&seed, step + 1))
        .send()
        .await
        .unwrap();
    assert!(
        server
            .iam_with(direct.credentials().unwrap())
            .list_roles()
            .send()
            .await
            .is_ok()
    );
    let again = sts
        .assume_role()
        .role_arn(role_arn("NeedsMfa"))
        .role_session_name("again")
        .serial_number(&serial)
        .token_code(totp(&seed, step + 1))
        .send()
        .await;
    aws_error(again).assert_is("AccessDenied", 403, MFA_FAILED);
}

#[tokio::test]
async fn the_root_users_session_token_lasts_at_most_an_hour() {
    let server = common::spawn().await;
    let default = server.sts().get_session_token().send().await.unwrap();
    assert_lasts(default.credentials().unwrap(), 3600);
    let clamped = server
        .sts()
        .get_session_token()
        .duration_seconds(7200)
        .send()
        .await
        .unwrap();
    assert_lasts(clamped.credentials().unwrap(), 3600);
    let short = server
        .sts()
        .get_session_token()
        .duration_seconds(900)
        .send()
        .await
        .unwrap();
    assert_lasts(short.credentials().unwrap(), 900);
    let too_short = server
        .sts()
        .get_session_token()
        .duration_seconds(899)
        .send()
        .await;
    aws_error(too_short).assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy \
         constraint: Member must have value greater than or equal to 900",
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Expiry and session tokens
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn sessions_expire_on_iamds_clock_each_after_its_own_duration() {
    let server = common::spawn().await;
    role(
        &server,
        "Worker",
        &trust_account(),
        &allow(&["iam:ListRoles"]),
    )
    .await;
    let (key, secret) = user_with(&server, "alice", &allow(&["sts:AssumeRole"])).await;
    let sts = server.sts_as(&key, &secret);
    let short = sts
        .assume_role()
        .role_arn(role_arn("Worker"))
        .role_session_name("short")
        .duration_seconds(900)
        .send()
        .await
        .unwrap();
    let hour = sts
        .assume_role()
        .role_arn(role_arn("Worker"))
        .role_session_name("hour")
        .send()
        .await
        .unwrap();
    let user_session = sts.get_session_token().send().await.unwrap();
    let root_session = server.sts().get_session_token().send().await.unwrap();
    let short_iam = server.iam_with(short.credentials().unwrap());
    let hour_iam = server.iam_with(hour.credentials().unwrap());
    assert!(short_iam.list_roles().send().await.is_ok());
    assert!(hour_iam.list_roles().send().await.is_ok());

    server.advance_clock(1000).await;
    aws_error(short_iam.list_roles().send().await).assert_is("ExpiredToken", 403, EXPIRED_TOKEN);
    aws_error(
        server
            .sts_with(short.credentials().unwrap())
            .get_caller_identity()
            .send()
            .await,
    )
    .assert_is("ExpiredToken", 403, EXPIRED_TOKEN);
    assert!(hour_iam.list_roles().send().await.is_ok());

    server.advance_clock(2700).await;
    aws_error(hour_iam.list_roles().send().await).assert_is("ExpiredToken", 403, EXPIRED_TOKEN);
    aws_error(
        server
            .sts_with(root_session.credentials().unwrap())
            .get_caller_identity()
            .send()
            .await,
    )
    .assert_is("ExpiredToken", 403, EXPIRED_TOKEN);
    // The user's session lasts twelve hours, and long-term keys do not expire.
    let identity = server
        .sts_with(user_session.credentials().unwrap())
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        identity.arn(),
        Some(format!("arn:aws:iam::{ACCOUNT}:user/alice").as_str())
    );
    // A fresh session starts from iamd's moved clock and works.
    let fresh = sts
        .assume_role()
        .role_arn(role_arn("Worker"))
        .role_session_name("fresh")
        .send()
        .await
        .unwrap();
    assert!(
        server
            .iam_with(fresh.credentials().unwrap())
            .list_roles()
            .send()
            .await
            .is_ok()
    );
    server.advance_clock(43200).await;
    aws_error(
        server
            .sts_with(user_session.credentials().unwrap())
            .get_caller_identity()
            .send()
            .await,
    )
    .assert_is("ExpiredToken", 403, EXPIRED_TOKEN);
}

#[tokio::test]
async fn a_temporary_key_needs_its_own_session_token() {
    let server = common::spawn().await;
    role(
        &server,
        "Worker",
        &trust_account(),
        &allow(&["iam:ListRoles"]),
    )
    .await;
    let (key, secret) = user_with(&server, "alice", &allow(&["sts:AssumeRole"])).await;
    let sts = server.sts_as(&key, &secret);
    let first = sts
        .assume_role()
        .role_arn(role_arn("Worker"))
        .role_session_name("first")
        .send()
        .await
        .unwrap();
    let second = sts
        .assume_role()
        .role_arn(role_arn("Worker"))
        .role_session_name("second")
        .send()
        .await
        .unwrap();
    let credentials = first.credentials().unwrap();
    let other_token = second.credentials().unwrap().session_token();
    for token in [None, Some("not-a-token"), Some(other_token)] {
        let config = server.sdk_config_as(
            credentials.access_key_id(),
            credentials.secret_access_key(),
            token,
        );
        aws_error(
            aws_sdk_sts::Client::new(&config)
                .get_caller_identity()
                .send()
                .await,
        )
        .assert_is("InvalidClientTokenId", 403, INVALID_TOKEN);
        aws_error(aws_sdk_iam::Client::new(&config).list_roles().send().await).assert_is(
            "InvalidClientTokenId",
            403,
            INVALID_TOKEN,
        );
    }
    // The right token with the wrong secret is a signature mismatch.
    let config = server.sdk_config_as(
        credentials.access_key_id(),
        "wrong-secret-wrong-secret-wrong-secret00",
        Some(credentials.session_token()),
    );
    aws_error(
        aws_sdk_sts::Client::new(&config)
            .get_caller_identity()
            .send()
            .await,
    )
    .assert_code("SignatureDoesNotMatch", 403);
    // And everything right works.
    assert!(
        server
            .iam_with(credentials)
            .list_roles()
            .send()
            .await
            .is_ok()
    );
}

// ---------------------------------------------------------------------------------------------
// 7. GetFederationToken
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_federated_user_has_its_own_arn_and_cannot_call_iam_or_other_sts_actions() {
    let server = common::spawn().await;
    let (key, secret) = user_with(
        &server,
        "broker",
        &allow(&["iam:List*", "sts:GetFederationToken"]),
    )
    .await;
    let out = server
        .sts_as(&key, &secret)
        .get_federation_token()
        .name("Bob")
        .policy(allow(&["iam:ListUsers"]))
        .send()
        .await
        .unwrap();
    let federated = out.federated_user().unwrap();
    assert_eq!(
        federated.arn(),
        format!("arn:aws:sts::{ACCOUNT}:federated-user/Bob")
    );
    assert_eq!(federated.federated_user_id(), format!("{ACCOUNT}:Bob"));
    let packed = out.packed_policy_size().expect("PackedPolicySize is sent");
    assert!((1..=100).contains(&packed), "{packed}");
    let credentials = out.credentials().unwrap();
    assert_temporary(credentials);
    assert_lasts(credentials, 43200);

    let identity = server
        .sts_with(credentials)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        identity.arn(),
        Some(format!("arn:aws:sts::{ACCOUNT}:federated-user/Bob").as_str())
    );
    assert_eq!(identity.user_id(), Some(format!("{ACCOUNT}:Bob").as_str()));
    assert_eq!(identity.account(), Some(ACCOUNT));

    // Even what both the user and the federation policy allow is out of reach through IAM.
    let iam = server.iam_with(credentials);
    aws_error(iam.list_users().send().await).assert_is("InvalidClientTokenId", 403, INVALID_TOKEN);
    aws_error(iam.list_roles().send().await).assert_is("InvalidClientTokenId", 403, INVALID_TOKEN);
    let sts = server.sts_with(credentials);
    aws_error(sts.get_federation_token().name("Again").send().await).assert_is(
        "AccessDenied",
        403,
        "Cannot call GetFederationToken with session credentials",
    );
    aws_error(sts.get_session_token().send().await).assert_is(
        "AccessDenied",
        403,
        "Cannot call GetSessionToken with session credentials",
    );
    // AWS's wording for these is not on record.
    aws_error(
        sts.assume_role()
            .role_arn(role_arn("Anything"))
            .role_session_name("fed")
            .send()
            .await,
    )
    .assert_code("AccessDenied", 403);
}

#[tokio::test]
async fn get_federation_token_is_refused_to_role_sessions_and_clamped_for_root() {
    let server = common::spawn().await;
    role(&server, "Worker", &trust_account(), &allow(&["sts:*"])).await;
    let (key, secret) = user_with(&server, "alice", &allow(&["sts:AssumeRole"])).await;
    let session = server
        .sts_as(&key, &secret)
        .assume_role()
        .role_arn(role_arn("Worker"))
        .role_session_name("worker")
        .send()
        .await
        .unwrap();
    let sts = server.sts_with(session.credentials().unwrap());
    aws_error(sts.get_federation_token().name("Bob").send().await).assert_is(
        "AccessDenied",
        403,
        "Cannot call GetFederationToken with session credentials",
    );
    aws_error(sts.get_session_token().send().await).assert_is(
        "AccessDenied",
        403,
        "Cannot call GetSessionToken with session credentials",
    );

    // The root user may federate, for an hour at most.
    let root = server
        .sts()
        .get_federation_token()
        .name("RootFed")
        .duration_seconds(7200)
        .send()
        .await
        .unwrap();
    assert_lasts(root.credentials().unwrap(), 3600);
    assert_eq!(root.packed_policy_size(), None);
    assert_eq!(
        root.federated_user().unwrap().arn(),
        format!("arn:aws:sts::{ACCOUNT}:federated-user/RootFed")
    );
    let too_short = server
        .sts()
        .get_federation_token()
        .name("RootFed")
        .duration_seconds(899)
        .send()
        .await;
    aws_error(too_short).assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy \
         constraint: Member must have value greater than or equal to 900",
    );
}

// ---------------------------------------------------------------------------------------------
// 8. Who each kind of session is
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_caller_identity_for_every_kind_of_session_and_access_key_info_for_asia_keys() {
    let server = common::spawn().await;
    let iam = server.iam();
    role(
        &server,
        "Worker",
        &trust_account(),
        &allow(&["iam:ListRoles"]),
    )
    .await;
    let role_id = iam
        .get_role()
        .role_name("Worker")
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .role_id;
    let (key, secret) = user_with(
        &server,
        "alice",
        &allow(&["sts:AssumeRole", "sts:GetFederationToken"]),
    )
    .await;
    let user_id = iam
        .get_user()
        .user_name("alice")
        .send()
        .await
        .unwrap()
        .user
        .unwrap()
        .user_id;
    let sts = server.sts_as(&key, &secret);

    let role_session = sts
        .assume_role()
        .role_arn(role_arn("Worker"))
        .role_session_name("who")
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let user_session = sts
        .get_session_token()
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let root_session = server
        .sts()
        .get_session_token()
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let federated = sts
        .get_federation_token()
        .name("Fed")
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();

    let expected = [
        (
            &role_session,
            format!("arn:aws:sts::{ACCOUNT}:assumed-role/Worker/who"),
            format!("{role_id}:who"),
        ),
        (
            &user_session,
            format!("arn:aws:iam::{ACCOUNT}:user/alice"),
            user_id.clone(),
        ),
        (
            &root_session,
            format!("arn:aws:iam::{ACCOUNT}:root"),
            ACCOUNT.to_owned(),
        ),
        (
            &federated,
            format!("arn:aws:sts::{ACCOUNT}:federated-user/Fed"),
            format!("{ACCOUNT}:Fed"),
        ),
    ];
    for (credentials, arn, user_id) in expected {
        let identity = server
            .sts_with(credentials)
            .get_caller_identity()
            .send()
            .await
            .unwrap();
        assert_eq!(identity.arn(), Some(arn.as_str()));
        assert_eq!(identity.user_id(), Some(user_id.as_str()));
        assert_eq!(identity.account(), Some(ACCOUNT));
        // Every temporary key names its account.
        let info = server
            .sts()
            .get_access_key_info()
            .access_key_id(credentials.access_key_id())
            .send()
            .await
            .unwrap();
        assert_eq!(info.account(), Some(ACCOUNT));
    }
    assert!(user_id.starts_with("AIDA"), "{user_id}");
}

#[tokio::test]
async fn a_cross_account_session_key_names_the_roles_account() {
    let server = common::spawn().await;
    let (b_key, b_secret) = common::create_account(&server, "222222222222").await;
    let b = server.iam_as(&b_key, &b_secret);
    b.create_role()
        .role_name("Shared")
        .assume_role_policy_document(trust_account())
        .send()
        .await
        .unwrap();
    let (key, secret) = user_with(&server, "alice", &allow(&["sts:AssumeRole"])).await;
    let credentials = server
        .sts_as(&key, &secret)
        .assume_role()
        .role_arn("arn:aws:iam::222222222222:role/Shared")
        .role_session_name("visitor")
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let identity = server
        .sts_with(&credentials)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(identity.account(), Some("222222222222"));
    assert_eq!(
        identity.arn(),
        Some("arn:aws:sts::222222222222:assumed-role/Shared/visitor")
    );
    // Asked from either account, the key belongs to B.
    for sts in [server.sts(), server.sts_as(&b_key, &b_secret)] {
        let info = sts
            .get_access_key_info()
            .access_key_id(credentials.access_key_id())
            .send()
            .await
            .unwrap();
        assert_eq!(info.account(), Some("222222222222"));
    }
}

// ---------------------------------------------------------------------------------------------
// Context keys only temporary credentials carry
// ---------------------------------------------------------------------------------------------

/// Allows ListRoles when `aws:MultiFactorAuthPresent` is `false` (present, not true) and
/// ListUsers when `aws:TokenIssueTime` is present.
const TEMPORARY_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"iam:ListRoles","Resource":"*",
   "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}},
  {"Effect":"Allow","Action":"iam:ListUsers","Resource":"*",
   "Condition":{"Null":{"aws:TokenIssueTime":"false"}}},
  {"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#;

#[tokio::test]
async fn mfa_present_and_token_issue_time_exist_only_for_temporary_credentials() {
    let server = common::spawn().await;
    role(&server, "Temp", &trust_account(), TEMPORARY_ONLY).await;
    let (key, secret) = user_with(&server, "alice", TEMPORARY_ONLY).await;
    let user_arn = format!("arn:aws:iam::{ACCOUNT}:user/alice");

    // Long-term keys: neither key is in the request, so neither condition matches.
    let long_term = server.iam_as(&key, &secret);
    for (error, action) in [
        (
            aws_error(long_term.list_roles().send().await),
            "iam:ListRoles",
        ),
        (
            aws_error(long_term.list_users().send().await),
            "iam:ListUsers",
        ),
    ] {
        error.assert_denied_any_resource(
            &user_arn,
            action,
            &format!("because no identity-based policy allows the {action} action"),
        );
    }
    // A role session without MFA has MultiFactorAuthPresent=false and a TokenIssueTime.
    let out = server
        .sts_as(&key, &secret)
        .assume_role()
        .role_arn(role_arn("Temp"))
        .role_session_name("temp")
        .send()
        .await
        .unwrap();
    let session = server.iam_with(out.credentials().unwrap());
    assert!(session.list_roles().send().await.is_ok());
    assert!(session.list_users().send().await.is_ok());
}

#[tokio::test]
async fn revoking_older_sessions_with_token_issue_time_denies_them_and_spares_new_ones() {
    // What the console's "Revoke active sessions" attaches to a role.
    let server = common::spawn().await;
    role(
        &server,
        "Revocable",
        &trust_account(),
        &allow(&["iam:ListRoles"]),
    )
    .await;
    let (key, secret) = user_with(&server, "alice", &allow(&["sts:AssumeRole"])).await;
    let sts = server.sts_as(&key, &secret);
    let old = sts
        .assume_role()
        .role_arn(role_arn("Revocable"))
        .role_session_name("old")
        .send()
        .await
        .unwrap();
    let old_iam = server.iam_with(old.credentials().unwrap());
    assert!(old_iam.list_roles().send().await.is_ok());

    let (_, clock) = common::admin(&server, "GET", "/_iamd/clock", "").await;
    let now = chrono::DateTime::parse_from_rfc3339(clock["now"].as_str().unwrap()).unwrap();
    let cutoff = (now + chrono::TimeDelta::seconds(60))
        .to_utc()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    server
        .iam()
        .put_role_policy()
        .role_name("Revocable")
        .policy_name("AWSRevokeOlderSessions")
        .policy_document(
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*",
                "Resource": "*", "Condition": {"DateLessThan": {"aws:TokenIssueTime": cutoff}}}]})
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    aws_error(old_iam.list_roles().send().await).assert_denied_any_resource(
        &format!("arn:aws:sts::{ACCOUNT}:assumed-role/Revocable/old"),
        "iam:ListRoles",
        "with an explicit deny in an identity-based policy",
    );

    server.advance_clock(120).await;
    let new = sts
        .assume_role()
        .role_arn(role_arn("Revocable"))
        .role_session_name("new")
        .send()
        .await
        .unwrap();
    assert!(
        server
            .iam_with(new.credentials().unwrap())
            .list_roles()
            .send()
            .await
            .is_ok()
    );
    assert!(old_iam.list_roles().send().await.is_err());
}

#[tokio::test]
async fn get_federation_token_needs_the_users_own_allow() {
    let server = common::spawn().await;
    let (key, secret) = user_with(&server, "plain", &allow(&["iam:ListUsers"])).await;
    let result = server
        .sts_as(&key, &secret)
        .get_federation_token()
        .name("Bob")
        .send()
        .await;
    aws_error(result).assert_is(
        "AccessDenied",
        403,
        &format!(
            "User: arn:aws:iam::{ACCOUNT}:user/plain is not authorized to perform: \
             sts:GetFederationToken on resource: arn:aws:sts::{ACCOUNT}:federated-user/Bob \
             because no identity-based policy allows the sts:GetFederationToken action"
        ),
    );
}
