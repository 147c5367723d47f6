//! STS AssumeRole through the AWS SDK for Rust: the cross-account handshake with an external
//! id, durations and role chaining, session policies narrowing a role, and session tags in
//! conditions and across a chain.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_sts::operation::assume_role::AssumeRoleOutput;
use aws_sdk_sts::types::{PolicyDescriptorType, Tag};
use serde_json::json;

use crate::common::{self, ACCOUNT, aws_error, create_access_key_only, create_user};

const PARTNER: &str = "111111111111";

/// A policy document with one Allow statement.
fn allow(actions: &[&str]) -> String {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": actions, "Resource": "*"}
    ]})
    .to_string()
}

/// A trust policy letting `principal` (an `AWS` principal) perform `actions`.
fn trust(principal: &str, actions: &[&str]) -> String {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": actions}
    ]})
    .to_string()
}

fn account_root(account: &str) -> String {
    format!("arn:aws:iam::{account}:root")
}

/// A user with these inline policies and an access key; returns the key id and secret.
async fn user_with(server: &common::Server, name: &str, policies: &[String]) -> (String, String) {
    let iam = server.iam();
    create_user(&iam, name).await;
    for (i, policy) in policies.iter().enumerate() {
        iam.put_user_policy()
            .user_name(name)
            .policy_name(format!("p{i}"))
            .policy_document(policy)
            .send()
            .await
            .unwrap();
    }
    create_access_key_only(&iam, name).await
}

/// A role with this trust policy and, if given, one inline permissions policy.
async fn role_with(
    iam: &aws_sdk_iam::Client,
    name: &str,
    trust_policy: &str,
    permissions: Option<&str>,
    max_session: Option<i32>,
) -> aws_sdk_iam::types::Role {
    let role = iam
        .create_role()
        .role_name(name)
        .assume_role_policy_document(trust_policy)
        .set_max_session_duration(max_session)
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    if let Some(permissions) = permissions {
        iam.put_role_policy()
            .role_name(name)
            .policy_name("permissions")
            .policy_document(permissions)
            .send()
            .await
            .unwrap();
    }
    role
}

fn sts_tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build().unwrap()
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

/// Asserts the session lasts `seconds` from now (give or take the test's own run time).
#[track_caller]
fn assert_lasts(out: &AssumeRoleOutput, seconds: i64) {
    let expires = out.credentials().unwrap().expiration().secs();
    let left = expires - unix_now();
    assert!(
        (seconds - 60..=seconds + 2).contains(&left),
        "session lasts {left}s, expected about {seconds}s"
    );
}

// ---------------------------------------------------------------------------------------------
// 1. Cross-account with an external id
// ---------------------------------------------------------------------------------------------

/// Account B (`PARTNER`) with a role `Partner` that trusts the default account's root when it
/// passes `ExternalId` `ext-4711`, and may only list and read roles. Returns B's IAM client and
/// the role.
async fn partner_account(
    server: &common::Server,
) -> (aws_sdk_iam::Client, aws_sdk_iam::types::Role) {
    let (key, secret) = common::create_account(server, PARTNER).await;
    let b = server.iam_as(&key, &secret);
    let trust_policy = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": account_root(ACCOUNT)},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "ext-4711"}}
    }]})
    .to_string();
    let role = role_with(
        &b,
        "Partner",
        &trust_policy,
        Some(&allow(&["iam:ListRoles", "iam:GetRole"])),
        None,
    )
    .await;
    role_with(
        &b,
        "Other",
        &trust(&account_root(PARTNER), &["sts:AssumeRole"]),
        None,
        None,
    )
    .await;
    (b, role)
}

fn partner_role_arn() -> String {
    format!("arn:aws:iam::{PARTNER}:role/Partner")
}

#[tokio::test]
async fn cross_account_assume_role_needs_the_right_external_id() {
    let server = common::spawn().await;
    let (_, role) = partner_account(&server).await;
    let (key, secret) = user_with(
        &server,
        "alice",
        &[json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": partner_role_arn()}
        ]})
        .to_string()],
    )
    .await;
    let sts = server.sts_as(&key, &secret);
    let denied = format!(
        "User: arn:aws:iam::{ACCOUNT}:user/alice is not authorized to perform: sts:AssumeRole \
         on resource: {}",
        partner_role_arn()
    );

    let missing = sts
        .assume_role()
        .role_arn(partner_role_arn())
        .role_session_name("s1")
        .send()
        .await;
    aws_error(missing).assert_is("AccessDenied", 403, &denied);
    let wrong = sts
        .assume_role()
        .role_arn(partner_role_arn())
        .role_session_name("s1")
        .external_id("ext-4712")
        .send()
        .await;
    aws_error(wrong).assert_is("AccessDenied", 403, &denied);

    let out = sts
        .assume_role()
        .role_arn(partner_role_arn())
        .role_session_name("s1")
        .external_id("ext-4711")
        .send()
        .await
        .unwrap();
    let user = out.assumed_role_user().unwrap();
    assert_eq!(
        user.arn(),
        format!("arn:aws:sts::{PARTNER}:assumed-role/Partner/s1")
    );
    assert_eq!(user.assumed_role_id(), format!("{}:s1", role.role_id()));
    assert!(role.role_id().starts_with("AROA"), "{}", role.role_id());
    let credentials = out.credentials().unwrap();
    assert!(credentials.access_key_id().starts_with("ASIA"));
    assert_eq!(credentials.access_key_id().len(), 20);
    assert_eq!(credentials.secret_access_key().len(), 40);
    assert!(!credentials.session_token().is_empty());
    assert_eq!(out.packed_policy_size(), None);
    assert_eq!(out.source_identity(), None);
    assert_lasts(&out, 3600);
}

#[tokio::test]
async fn a_cross_account_session_can_do_exactly_what_the_role_allows_in_the_trusting_account() {
    let server = common::spawn().await;
    let (b, _) = partner_account(&server).await;
    // A role in the caller's own account, which the session must not see.
    common::create_role(&server.iam(), "HomeRole").await;
    let (key, secret) = user_with(&server, "alice", &[allow(&["sts:AssumeRole"])]).await;
    let out = server
        .sts_as(&key, &secret)
        .assume_role()
        .role_arn(partner_role_arn())
        .role_session_name("s1")
        .external_id("ext-4711")
        .send()
        .await
        .unwrap();
    let session = server.iam_with(out.credentials().unwrap());

    let mut names: Vec<String> = session
        .list_roles()
        .send()
        .await
        .unwrap()
        .roles
        .into_iter()
        .map(|r| r.role_name)
        .collect();
    names.sort();
    assert_eq!(names, ["Other", "Partner"]);
    let partner = session
        .get_role()
        .role_name("Partner")
        .send()
        .await
        .unwrap();
    assert_eq!(partner.role.unwrap().arn, partner_role_arn());

    let session_arn = format!("arn:aws:sts::{PARTNER}:assumed-role/Partner/s1");
    let create = session.create_user().user_name("intruder").send().await;
    aws_error(create).assert_is(
        "AccessDenied",
        403,
        &format!(
            "User: {session_arn} is not authorized to perform: iam:CreateUser on resource: \
             arn:aws:iam::{PARTNER}:user/intruder because no identity-based policy allows the \
             iam:CreateUser action"
        ),
    );
    // The resource part of this message is checked in
    // `list_actions_name_their_path_resource_when_denied`.
    aws_error(session.list_users().send().await).assert_denied_any_resource(
        &session_arn,
        "iam:ListUsers",
        "because no identity-based policy allows the iam:ListUsers action",
    );
    // Nothing was created in B, and B recorded the role's use.
    assert!(b.list_users().send().await.unwrap().users.is_empty());
    let used = b
        .get_role()
        .role_name("Partner")
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .role_last_used
        .unwrap();
    assert!(used.last_used_date.is_some());
    assert_eq!(used.region.as_deref(), Some("us-east-1"));
    // The role that was not assumed has no last use.
    let other = b.get_role().role_name("Other").send().await.unwrap();
    assert!(
        other
            .role
            .unwrap()
            .role_last_used
            .is_none_or(|u| u.last_used_date.is_none())
    );
}

#[tokio::test]
async fn across_accounts_the_caller_also_needs_its_own_allow() {
    let server = common::spawn().await;
    let (b, _) = partner_account(&server).await;
    let (key, secret) = user_with(&server, "bob", &[]).await;
    // The trust policy naming the user itself does not waive its own allow across accounts.
    role_with(
        &b,
        "DirectTrust",
        &trust(
            &format!("arn:aws:iam::{ACCOUNT}:user/bob"),
            &["sts:AssumeRole"],
        ),
        None,
        None,
    )
    .await;
    let sts = server.sts_as(&key, &secret);
    for (role, external_id) in [("Partner", Some("ext-4711")), ("DirectTrust", None)] {
        let arn = format!("arn:aws:iam::{PARTNER}:role/{role}");
        let result = sts
            .assume_role()
            .role_arn(&arn)
            .role_session_name("s1")
            .set_external_id(external_id.map(str::to_owned))
            .send()
            .await;
        aws_error(result).assert_is(
            "AccessDenied",
            403,
            &format!(
                "User: arn:aws:iam::{ACCOUNT}:user/bob is not authorized to perform: \
                 sts:AssumeRole on resource: {arn}"
            ),
        );
    }
    // With its own allow, bob gets in through the direct grant.
    server
        .iam()
        .put_user_policy()
        .user_name("bob")
        .policy_name("assume")
        .policy_document(allow(&["sts:AssumeRole"]))
        .send()
        .await
        .unwrap();
    let out = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{PARTNER}:role/DirectTrust"))
        .role_session_name("s1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.assumed_role_user().unwrap().arn(),
        format!("arn:aws:sts::{PARTNER}:assumed-role/DirectTrust/s1")
    );
}

#[tokio::test]
async fn in_the_same_account_a_trust_policy_naming_the_user_is_enough() {
    let server = common::spawn().await;
    let iam = server.iam();
    let (key, secret) = user_with(&server, "carol", &[]).await;
    role_with(
        &iam,
        "NamesCarol",
        &trust(
            &format!("arn:aws:iam::{ACCOUNT}:user/carol"),
            &["sts:AssumeRole"],
        ),
        None,
        None,
    )
    .await;
    role_with(
        &iam,
        "NamesAccount",
        &trust(&account_root(ACCOUNT), &["sts:AssumeRole"]),
        None,
        None,
    )
    .await;
    let sts = server.sts_as(&key, &secret);
    let out = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/NamesCarol"))
        .role_session_name("direct")
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.assumed_role_user().unwrap().arn(),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/NamesCarol/direct")
    );
    // Naming the account delegates to the user's own policies, and carol has none.
    let delegated = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/NamesAccount"))
        .role_session_name("delegated")
        .send()
        .await;
    aws_error(delegated).assert_is(
        "AccessDenied",
        403,
        &format!(
            "User: arn:aws:iam::{ACCOUNT}:user/carol is not authorized to perform: sts:AssumeRole \
             on resource: arn:aws:iam::{ACCOUNT}:role/NamesAccount"
        ),
    );
}

#[tokio::test]
async fn a_missing_role_is_access_denied_a_malformed_arn_a_validation_error_and_root_is_refused() {
    let server = common::spawn().await;
    let (key, secret) = user_with(&server, "alice", &[allow(&["sts:AssumeRole"])]).await;
    let sts = server.sts_as(&key, &secret);
    let missing = format!("arn:aws:iam::{ACCOUNT}:role/Nowhere");
    let result = sts
        .assume_role()
        .role_arn(&missing)
        .role_session_name("s1")
        .send()
        .await;
    aws_error(result).assert_is(
        "AccessDenied",
        403,
        &format!(
            "User: arn:aws:iam::{ACCOUNT}:user/alice is not authorized to perform: sts:AssumeRole \
             on resource: {missing}"
        ),
    );
    let malformed = sts
        .assume_role()
        .role_arn("arn:a:::something/test-role")
        .role_session_name("Session1")
        .send()
        .await;
    aws_error(malformed).assert_is(
        "ValidationError",
        400,
        "arn:a:::something/test-role is invalid",
    );
    // The model constraint on the session name is reported before the ARN.
    let bad_name = sts
        .assume_role()
        .role_arn("arn:a:b:::something/test-role")
        .role_session_name("Session1:2")
        .send()
        .await;
    aws_error(bad_name).assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy \
         constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );

    common::create_role(&server.iam(), "Any").await;
    let as_root = server
        .sts()
        .assume_role()
        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/Any"))
        .role_session_name("root")
        .send()
        .await;
    aws_error(as_root).assert_is(
        "AccessDenied",
        403,
        "Roles may not be assumed by root accounts.",
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Durations and role chaining
// ---------------------------------------------------------------------------------------------

/// Roles `First` (trusting the account) and `Second` (trusting `First`), both allowing 12-hour
/// sessions; `alice` may assume roles. Returns alice's STS client.
async fn chain_setup(server: &common::Server) -> aws_sdk_sts::Client {
    let iam = server.iam();
    role_with(
        &iam,
        "First",
        &trust(&account_root(ACCOUNT), &["sts:AssumeRole"]),
        Some(&allow(&["sts:AssumeRole", "iam:ListRoles"])),
        Some(43200),
    )
    .await;
    role_with(
        &iam,
        "Second",
        &trust(
            &format!("arn:aws:iam::{ACCOUNT}:role/First"),
            &["sts:AssumeRole"],
        ),
        Some(&allow(&["iam:ListRoles"])),
        Some(43200),
    )
    .await;
    let (key, secret) = user_with(server, "alice", &[allow(&["sts:AssumeRole"])]).await;
    server.sts_as(&key, &secret)
}

fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

#[tokio::test]
async fn a_chained_session_is_capped_at_one_hour_but_the_default_works() {
    let server = common::spawn().await;
    let sts = chain_setup(&server).await;
    // From long-term keys the role's own maximum applies.
    let first = sts
        .assume_role()
        .role_arn(role_arn("First"))
        .role_session_name("first")
        .duration_seconds(7200)
        .send()
        .await
        .unwrap();
    assert_lasts(&first, 7200);
    let chained = server.sts_with(first.credentials().unwrap());

    let too_long = chained
        .assume_role()
        .role_arn(role_arn("Second"))
        .role_session_name("second")
        .duration_seconds(7200)
        .send()
        .await;
    aws_error(too_long).assert_is(
        "ValidationError",
        400,
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by \
         role chaining.",
    );
    let default = chained
        .assume_role()
        .role_arn(role_arn("Second"))
        .role_session_name("second")
        .send()
        .await
        .unwrap();
    assert_lasts(&default, 3600);
    assert_eq!(
        default.assumed_role_user().unwrap().arn(),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/Second/second")
    );
    let exact = chained
        .assume_role()
        .role_arn(role_arn("Second"))
        .role_session_name("second")
        .duration_seconds(3600)
        .send()
        .await
        .unwrap();
    assert_lasts(&exact, 3600);
    // The chained session works, and says who it is.
    let identity = server
        .sts_with(default.credentials().unwrap())
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        identity.arn(),
        Some(format!("arn:aws:sts::{ACCOUNT}:assumed-role/Second/second").as_str())
    );
    assert!(
        server
            .iam_with(default.credentials().unwrap())
            .list_roles()
            .send()
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_get_session_token_session_is_chaining_too() {
    let server = common::spawn().await;
    let sts = chain_setup(&server).await;
    let session = sts.get_session_token().send().await.unwrap();
    let from_session = server.sts_with(session.credentials().unwrap());
    let too_long = from_session
        .assume_role()
        .role_arn(role_arn("First"))
        .role_session_name("first")
        .duration_seconds(7200)
        .send()
        .await;
    aws_error(too_long).assert_is(
        "ValidationError",
        400,
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by \
         role chaining.",
    );
    let ok = from_session
        .assume_role()
        .role_arn(role_arn("First"))
        .role_session_name("first")
        .send()
        .await
        .unwrap();
    assert_lasts(&ok, 3600);
}

#[tokio::test]
async fn duration_seconds_is_bounded_by_the_roles_maximum_and_the_model() {
    let server = common::spawn().await;
    let sts = chain_setup(&server).await;
    role_with(
        &server.iam(),
        "Hourly",
        &trust(&account_root(ACCOUNT), &["sts:AssumeRole"]),
        None,
        None,
    )
    .await;
    let over_max = sts
        .assume_role()
        .role_arn(role_arn("Hourly"))
        .role_session_name("s1")
        .duration_seconds(3601)
        .send()
        .await;
    aws_error(over_max).assert_is(
        "ValidationError",
        400,
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    );
    let at_max = sts
        .assume_role()
        .role_arn(role_arn("First"))
        .role_session_name("s1")
        .duration_seconds(43200)
        .send()
        .await
        .unwrap();
    assert_lasts(&at_max, 43200);
    let shortest = sts
        .assume_role()
        .role_arn(role_arn("Hourly"))
        .role_session_name("s1")
        .duration_seconds(900)
        .send()
        .await
        .unwrap();
    assert_lasts(&shortest, 900);

    let too_short = sts
        .assume_role()
        .role_arn(role_arn("Hourly"))
        .role_session_name("s1")
        .duration_seconds(899)
        .send()
        .await;
    aws_error(too_short).assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy \
         constraint: Member must have value greater than or equal to 900",
    );
    let beyond_model = sts
        .assume_role()
        .role_arn(role_arn("First"))
        .role_session_name("s1")
        .duration_seconds(43201)
        .send()
        .await;
    aws_error(beyond_model).assert_is(
        "ValidationError",
        400,
        "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy \
         constraint: Member must have value less than or equal to 43200",
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Session policies
// ---------------------------------------------------------------------------------------------

/// Role `Broad` allows `s3:*` and `iam:List*`; alice may assume it.
async fn broad_role(server: &common::Server) -> aws_sdk_sts::Client {
    role_with(
        &server.iam(),
        "Broad",
        &trust(&account_root(ACCOUNT), &["sts:AssumeRole"]),
        Some(&allow(&["s3:*", "iam:List*"])),
        None,
    )
    .await;
    let (key, secret) = user_with(server, "alice", &[allow(&["sts:AssumeRole"])]).await;
    server.sts_as(&key, &secret)
}

#[tokio::test]
async fn a_session_policy_narrows_the_role_and_cannot_widen_it() {
    let server = common::spawn().await;
    let sts = broad_role(&server).await;
    let out = sts
        .assume_role()
        .role_arn(role_arn("Broad"))
        .role_session_name("narrow")
        .policy(allow(&["iam:ListRoles", "iam:CreateUser"]))
        .send()
        .await
        .unwrap();
    let packed = out.packed_policy_size().expect("PackedPolicySize is sent");
    assert!((1..=100).contains(&packed), "{packed}");
    let session = server.iam_with(out.credentials().unwrap());
    let session_arn = format!("arn:aws:sts::{ACCOUNT}:assumed-role/Broad/narrow");

    assert!(session.list_roles().send().await.is_ok());
    aws_error(session.list_users().send().await).assert_denied_any_resource(
        &session_arn,
        "iam:ListUsers",
        "because no session policy allows the iam:ListUsers action",
    );
    // The session policy allows CreateUser, the role does not: a session policy never grants.
    aws_error(session.create_user().user_name("x").send().await).assert_is(
        "AccessDenied",
        403,
        &format!(
            "User: {session_arn} is not authorized to perform: iam:CreateUser on resource: \
             arn:aws:iam::{ACCOUNT}:user/x because no identity-based policy allows the \
             iam:CreateUser action"
        ),
    );
    // Without a session policy the same role lists users, and no PackedPolicySize is sent.
    let plain = sts
        .assume_role()
        .role_arn(role_arn("Broad"))
        .role_session_name("plain")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.packed_policy_size(), None);
    assert!(
        server
            .iam_with(plain.credentials().unwrap())
            .list_users()
            .send()
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn managed_session_policies_join_the_inline_one() {
    let server = common::spawn().await;
    let sts = broad_role(&server).await;
    let managed =
        common::create_policy(&server.iam(), "ListUsersOnly", &allow(&["iam:ListUsers"])).await;
    let out = sts
        .assume_role()
        .role_arn(role_arn("Broad"))
        .role_session_name("both")
        .policy(allow(&["iam:ListRoles"]))
        .policy_arns(
            PolicyDescriptorType::builder()
                .arn(managed.arn().unwrap())
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(out.packed_policy_size().is_some());
    let session = server.iam_with(out.credentials().unwrap());
    assert!(session.list_roles().send().await.is_ok());
    assert!(session.list_users().send().await.is_ok());
    aws_error(session.list_groups().send().await).assert_denied_any_resource(
        &format!("arn:aws:sts::{ACCOUNT}:assumed-role/Broad/both"),
        "iam:ListGroups",
        "because no session policy allows the iam:ListGroups action",
    );
}

#[tokio::test]
async fn an_invalid_session_policy_is_malformed_policy_document() {
    let server = common::spawn().await;
    let sts = broad_role(&server).await;
    for policy in [
        "not json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"iam:*","Resource":"*"}]}"#,
    ] {
        let result = sts
            .assume_role()
            .role_arn(role_arn("Broad"))
            .role_session_name("bad")
            .policy(policy)
            .send()
            .await;
        // AWS's wording for STS session policies is not on record.
        aws_error(result).assert_code("MalformedPolicyDocument", 400);
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Session tags
// ---------------------------------------------------------------------------------------------

const TAG_ACTIONS: &[&str] = &["sts:AssumeRole", "sts:TagSession"];

/// A policy allowing `action` when the principal tag `key` is `value`.
fn allow_if_tag(action: &str, key: &str, value: &str) -> serde_json::Value {
    json!({"Effect": "Allow", "Action": action, "Resource": "*",
        "Condition": {"StringEquals": {format!("aws:PrincipalTag/{key}"): value}}})
}

/// Role `Team` (tagged team=red, trusting the account for AssumeRole and TagSession) allows
/// ListRoles only to principals tagged team=blue; alice may assume and tag.
async fn team_role(server: &common::Server) -> aws_sdk_sts::Client {
    let iam = server.iam();
    iam.create_role()
        .role_name("Team")
        .assume_role_policy_document(trust(&account_root(ACCOUNT), TAG_ACTIONS))
        .tags(common::tag("team", "red"))
        .send()
        .await
        .unwrap();
    iam.put_role_policy()
        .role_name("Team")
        .policy_name("by-tag")
        .policy_document(
            json!({"Version": "2012-10-17", "Statement": [
                allow_if_tag("iam:ListRoles", "team", "blue"),
                {"Effect": "Allow", "Action": TAG_ACTIONS, "Resource": "*"}
            ]})
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    let (key, secret) = user_with(server, "alice", &[allow(TAG_ACTIONS)]).await;
    server.sts_as(&key, &secret)
}

#[track_caller]
fn assert_list_roles_denied(error: &common::AwsError, session_arn: &str) {
    error.assert_denied_any_resource(
        session_arn,
        "iam:ListRoles",
        "because no identity-based policy allows the iam:ListRoles action",
    );
}

#[tokio::test]
async fn a_session_tag_satisfies_a_principal_tag_condition_and_overrides_the_roles_tag() {
    let server = common::spawn().await;
    let sts = team_role(&server).await;
    let blue = sts
        .assume_role()
        .role_arn(role_arn("Team"))
        .role_session_name("blue")
        .tags(sts_tag("team", "blue"))
        .send()
        .await
        .unwrap();
    assert!(blue.packed_policy_size().is_some());
    assert!(
        server
            .iam_with(blue.credentials().unwrap())
            .list_roles()
            .send()
            .await
            .is_ok()
    );

    // Without session tags the role's own tag (red) is the principal tag.
    let untagged = sts
        .assume_role()
        .role_arn(role_arn("Team"))
        .role_session_name("untagged")
        .send()
        .await
        .unwrap();
    let error = aws_error(
        server
            .iam_with(untagged.credentials().unwrap())
            .list_roles()
            .send()
            .await,
    );
    assert_list_roles_denied(
        &error,
        &format!("arn:aws:sts::{ACCOUNT}:assumed-role/Team/untagged"),
    );
    let other = sts
        .assume_role()
        .role_arn(role_arn("Team"))
        .role_session_name("green")
        .tags(sts_tag("team", "green"))
        .send()
        .await
        .unwrap();
    let error = aws_error(
        server
            .iam_with(other.credentials().unwrap())
            .list_roles()
            .send()
            .await,
    );
    assert_list_roles_denied(
        &error,
        &format!("arn:aws:sts::{ACCOUNT}:assumed-role/Team/green"),
    );
}

#[tokio::test]
async fn passing_tags_needs_tag_session_on_both_sides() {
    let server = common::spawn().await;
    let sts = team_role(&server).await;
    role_with(
        &server.iam(),
        "NoTagging",
        &trust(&account_root(ACCOUNT), &["sts:AssumeRole"]),
        None,
        None,
    )
    .await;
    let result = sts
        .assume_role()
        .role_arn(role_arn("NoTagging"))
        .role_session_name("s1")
        .tags(sts_tag("team", "blue"))
        .send()
        .await;
    aws_error(result).assert_is(
        "AccessDenied",
        403,
        &format!(
            "User: arn:aws:iam::{ACCOUNT}:user/alice is not authorized to perform: \
             sts:TagSession on resource: {}",
            role_arn("NoTagging")
        ),
    );
    // Without tags the same role can be assumed.
    assert!(
        sts.assume_role()
            .role_arn(role_arn("NoTagging"))
            .role_session_name("s1")
            .send()
            .await
            .is_ok()
    );
    // The trust policy allows tagging but the caller's own policies do not.
    let (key, secret) = user_with(&server, "dave", &[allow(&["sts:AssumeRole"])]).await;
    let result = server
        .sts_as(&key, &secret)
        .assume_role()
        .role_arn(role_arn("Team"))
        .role_session_name("s1")
        .tags(sts_tag("team", "blue"))
        .send()
        .await;
    aws_error(result).assert_is(
        "AccessDenied",
        403,
        &format!(
            "User: arn:aws:iam::{ACCOUNT}:user/dave is not authorized to perform: \
             sts:TagSession on resource: {}",
            role_arn("Team")
        ),
    );
}

#[tokio::test]
async fn duplicate_tag_keys_and_stray_transitive_keys_are_invalid_parameter_values() {
    let server = common::spawn().await;
    let sts = team_role(&server).await;
    let duplicate = sts
        .assume_role()
        .role_arn(role_arn("Team"))
        .role_session_name("SessionInvalidCasingTransitiveKeys")
        .tags(sts_tag("SessionTag1", "SessionValue1"))
        .tags(sts_tag("sessiontag1", "SessionValue2"))
        .transitive_tag_keys("sessiontag1")
        .send()
        .await;
    aws_error(duplicate).assert_is(
        "InvalidParameterValue",
        400,
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
    );
    let stray = sts
        .assume_role()
        .role_arn(role_arn("Team"))
        .role_session_name("SessionInvalidTransitiveKeys")
        .tags(sts_tag("SessionTag1", "SessionValue1"))
        .transitive_tag_keys("InvalidKey")
        .send()
        .await;
    aws_error(stray).assert_is(
        "InvalidParameterValue",
        400,
        "The specified transitive tag key must be included in the requested tags.",
    );
}

#[tokio::test]
async fn transitive_tags_pass_down_a_chain_and_cannot_be_overridden() {
    let server = common::spawn().await;
    let sts = team_role(&server).await;
    role_with(
        &server.iam(),
        "Downstream",
        &trust(&account_root(ACCOUNT), TAG_ACTIONS),
        Some(
            &json!({"Version": "2012-10-17", "Statement": [
                allow_if_tag("iam:ListRoles", "team", "blue"),
                allow_if_tag("iam:ListUsers", "project", "apollo"),
                allow_if_tag("iam:ListGroups", "stage", "two"),
            ]})
            .to_string(),
        ),
        None,
    )
    .await;
    let first = sts
        .assume_role()
        .role_arn(role_arn("Team"))
        .role_session_name("first")
        .tags(sts_tag("team", "blue"))
        .tags(sts_tag("project", "apollo"))
        .transitive_tag_keys("team")
        .send()
        .await
        .unwrap();
    let chained = server.sts_with(first.credentials().unwrap());

    let second = chained
        .assume_role()
        .role_arn(role_arn("Downstream"))
        .role_session_name("second")
        .tags(sts_tag("stage", "two"))
        .send()
        .await
        .unwrap();
    let session = server.iam_with(second.credentials().unwrap());
    // team=blue came down the chain; project=apollo was not transitive; stage=two is new.
    assert!(session.list_roles().send().await.is_ok());
    assert!(session.list_groups().send().await.is_ok());
    aws_error(session.list_users().send().await).assert_denied_any_resource(
        &format!("arn:aws:sts::{ACCOUNT}:assumed-role/Downstream/second"),
        "iam:ListUsers",
        "because no identity-based policy allows the iam:ListUsers action",
    );

    let conflict = "One of the specified transitive tag keys can't be set because it conflicts \
                    with a transitive tag key from the calling session.";
    for key in ["team", "Team"] {
        let result = chained
            .assume_role()
            .role_arn(role_arn("Downstream"))
            .role_session_name("Session2SessionTagOverride")
            .tags(sts_tag(key, "red"))
            .send()
            .await;
        aws_error(result).assert_is("InvalidParameterValue", 400, conflict);
    }
    // The non-transitive tag of the calling session may be set anew.
    assert!(
        chained
            .assume_role()
            .role_arn(role_arn("Downstream"))
            .role_session_name("retagged")
            .tags(sts_tag("project", "gemini"))
            .send()
            .await
            .is_ok()
    );
}

// ---------------------------------------------------------------------------------------------
// The resource AWS names when it refuses a List action
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_actions_name_their_path_resource_when_denied() {
    let server = common::spawn().await;
    let sts = broad_role(&server).await;
    let out = sts
        .assume_role()
        .role_arn(role_arn("Broad"))
        .role_session_name("narrow")
        .policy(allow(&["iam:GetUser"]))
        .send()
        .await
        .unwrap();
    let session = server.iam_with(out.credentials().unwrap());
    let session_arn = format!("arn:aws:sts::{ACCOUNT}:assumed-role/Broad/narrow");
    for (error, action, path) in [
        (
            aws_error(session.list_users().send().await),
            "iam:ListUsers",
            "user/",
        ),
        (
            aws_error(session.list_roles().send().await),
            "iam:ListRoles",
            "role/",
        ),
        (
            aws_error(session.list_groups().send().await),
            "iam:ListGroups",
            "group/",
        ),
    ] {
        error.assert_is(
            "AccessDenied",
            403,
            &format!(
                "User: {session_arn} is not authorized to perform: {action} on resource: \
                 arn:aws:iam::{ACCOUNT}:{path} because no session policy allows the {action} \
                 action"
            ),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Source identity
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_source_identity_needs_set_source_identity_and_follows_the_chain() {
    let server = common::spawn().await;
    let iam = server.iam();
    let source_actions = &["sts:AssumeRole", "sts:SetSourceIdentity"];
    role_with(
        &iam,
        "Audited",
        &trust(&account_root(ACCOUNT), source_actions),
        Some(&allow(&["sts:AssumeRole"])),
        None,
    )
    .await;
    role_with(
        &iam,
        "Next",
        &trust(&account_root(ACCOUNT), &["sts:AssumeRole"]),
        None,
        None,
    )
    .await;
    let (key, secret) = user_with(&server, "alice", &[allow(source_actions)]).await;
    let sts = server.sts_as(&key, &secret);

    let refused = sts
        .assume_role()
        .role_arn(role_arn("Next"))
        .role_session_name("s1")
        .source_identity("alice@example.com")
        .send()
        .await;
    aws_error(refused).assert_is(
        "AccessDenied",
        403,
        &format!(
            "User: arn:aws:iam::{ACCOUNT}:user/alice is not authorized to perform: \
             sts:SetSourceIdentity on resource: {}",
            role_arn("Next")
        ),
    );

    let out = sts
        .assume_role()
        .role_arn(role_arn("Audited"))
        .role_session_name("s1")
        .source_identity("alice@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(out.source_identity(), Some("alice@example.com"));
    // The chained session keeps it without passing it again (and without SetSourceIdentity).
    let chained = server
        .sts_with(out.credentials().unwrap())
        .assume_role()
        .role_arn(role_arn("Next"))
        .role_session_name("s2")
        .send()
        .await
        .unwrap();
    assert_eq!(chained.source_identity(), Some("alice@example.com"));
}
