//! Input that once broke iamd or let a wrong answer through, found by trying to break it.

use crate::common::{self, Signing, aws_error};

#[tokio::test]
async fn the_clock_moves_only_forward_and_at_most_a_hundred_years() {
    let server = common::spawn().await;
    let (status, _) = common::admin(
        &server,
        "POST",
        "/_iamd/clock",
        r#"{"advance_seconds":-100}"#,
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = common::admin(
        &server,
        "POST",
        "/_iamd/clock",
        r#"{"advance_seconds":8000000000000}"#,
    )
    .await;
    assert_eq!(status, 400);
    let (_, clock) = common::admin(&server, "GET", "/_iamd/clock", "").await;
    assert_eq!(clock["offset_seconds"], 0);
    assert!(
        server
            .iam()
            .create_user()
            .user_name("after")
            .send()
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn control_characters_in_echoed_input_still_give_a_parseable_error() {
    let server = common::spawn().await;
    let error = aws_error(
        server
            .iam()
            .get_policy()
            .policy_arn("arn:aws:iam::000000000000:policy/\u{1}abc")
            .send()
            .await,
    );
    assert_eq!(error.code, "NoSuchEntity");
    assert!(
        error.message.contains("policy/\u{FFFD}abc"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn a_version_id_with_a_suffix_names_no_version() {
    let server = common::spawn().await;
    let iam = server.iam();
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
    let arn = iam
        .create_policy()
        .policy_name("p")
        .policy_document(doc)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .arn
        .unwrap();
    iam.create_policy_version()
        .policy_arn(&arn)
        .policy_document(doc)
        .send()
        .await
        .unwrap();
    let error = aws_error(
        iam.set_default_policy_version()
            .policy_arn(&arn)
            .version_id("v2.x")
            .send()
            .await,
    );
    assert_eq!((error.code.as_str(), error.status), ("NoSuchEntity", 404));
    let error = aws_error(
        iam.delete_policy_version()
            .policy_arn(&arn)
            .version_id("v2.bogus")
            .send()
            .await,
    );
    assert_eq!(error.code, "NoSuchEntity");
    let versions = iam
        .list_policy_versions()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap()
        .versions
        .unwrap_or_default();
    assert_eq!(versions.len(), 2);
    let policy = iam
        .get_policy()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(policy.default_version_id(), Some("v1"));
}

#[tokio::test]
async fn tag_keys_are_unique_ignoring_case_beyond_ascii() {
    let server = common::spawn().await;
    let iam = server.iam();
    common::create_user(&iam, "u").await;
    iam.tag_user()
        .user_name("u")
        .tags(common::tag("Äpfel", "1"))
        .send()
        .await
        .unwrap();
    iam.tag_user()
        .user_name("u")
        .tags(common::tag("äpfel", "2"))
        .send()
        .await
        .unwrap();
    let tags = iam
        .list_user_tags()
        .user_name("u")
        .send()
        .await
        .unwrap()
        .tags;
    assert_eq!(tags.len(), 1);
    assert_eq!((tags[0].key(), tags[0].value()), ("äpfel", "2"));
    iam.untag_user()
        .user_name("u")
        .tag_keys("ÄPFEL")
        .send()
        .await
        .unwrap();
    assert!(
        iam.list_user_tags()
            .user_name("u")
            .send()
            .await
            .unwrap()
            .tags
            .is_empty()
    );
}

#[tokio::test]
async fn a_tag_without_a_value_is_a_validation_error() {
    let server = common::spawn().await;
    let body = "Action=CreateUser&Version=2010-05-08&UserName=u&Tags.member.1.Key=k";
    let response = common::send(common::signed_post(
        &server,
        body,
        &Signing {
            service: "iam",
            ..Signing::default()
        },
    ))
    .await;
    assert_eq!(response.code(), "ValidationError");
    assert_eq!(
        response.message(),
        "1 validation error detected: Value at 'tags.1.member.value' failed to satisfy constraint: Member must not be null"
    );
    assert!(
        server
            .iam()
            .list_users()
            .send()
            .await
            .unwrap()
            .users
            .is_empty()
    );
}

#[tokio::test]
async fn an_unsigned_payload_claim_is_refused() {
    let server = common::spawn().await;
    let mut request = common::form_post(&server, "Action=GetCallerIdentity&Version=2011-06-15");
    request
        .headers_mut()
        .insert("x-amz-content-sha256", "UNSIGNED-PAYLOAD".parse().unwrap());
    common::sign_request(&mut request, &Signing::default());
    let response = common::send(request).await;
    assert_eq!(
        (response.status, response.code().as_str()),
        (403, "SignatureDoesNotMatch")
    );
}

#[tokio::test]
async fn the_service_linked_role_path_is_reserved() {
    let server = common::spawn().await;
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let error = aws_error(
        server
            .iam()
            .create_role()
            .role_name("r")
            .path("/aws-service-role/ec2.amazonaws.com/")
            .assume_role_policy_document(trust)
            .send()
            .await,
    );
    error.assert_is(
        "InvalidInput",
        400,
        "Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles",
    );
}

#[tokio::test]
async fn a_made_up_deletion_task_is_not_found_and_a_real_one_succeeded() {
    let server = common::spawn().await;
    let iam = server.iam();
    let error = aws_error(
        iam.get_service_linked_role_deletion_status()
            .deletion_task_id(
                "task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/made-up",
            )
            .send()
            .await,
    );
    assert_eq!((error.code.as_str(), error.status), ("NoSuchEntity", 404));
    let role = iam
        .create_service_linked_role()
        .aws_service_name("ecs.amazonaws.com")
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(role.role_name(), "AWSServiceRoleForECS");
    let task = iam
        .delete_service_linked_role()
        .role_name("AWSServiceRoleForECS")
        .send()
        .await
        .unwrap()
        .deletion_task_id;
    let status = iam
        .get_service_linked_role_deletion_status()
        .deletion_task_id(task)
        .send()
        .await
        .unwrap();
    assert_eq!(status.status().as_str(), "SUCCEEDED");
}

#[tokio::test]
async fn a_failed_delete_keeps_the_keys_last_use() {
    let server = common::spawn().await;
    let iam = server.iam();
    common::create_user(&iam, "owner").await;
    common::create_user(&iam, "other").await;
    let (key, secret) = common::create_access_key_only(&iam, "owner").await;
    server
        .sts_as(&key, &secret)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    let error = aws_error(
        iam.delete_access_key()
            .user_name("other")
            .access_key_id(&key)
            .send()
            .await,
    );
    assert_eq!(error.code, "NoSuchEntity");
    let used = iam
        .get_access_key_last_used()
        .access_key_id(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(used.access_key_last_used().unwrap().service_name(), "sts");
}

#[tokio::test]
async fn off_mode_lets_the_default_credentials_assume_any_existing_role() {
    let server = common::spawn_with(&["--in-memory", "--auth-mode", "off"]).await;
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    server
        .iam()
        .create_role()
        .role_name("app")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    let out = server
        .sts()
        .assume_role()
        .role_arn("arn:aws:iam::000000000000:role/app")
        .role_session_name("s1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.assumed_role_user().unwrap().arn(),
        "arn:aws:sts::000000000000:assumed-role/app/s1"
    );
    let strict = common::spawn().await;
    strict
        .iam()
        .create_role()
        .role_name("app")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    let error = aws_error(
        strict
            .sts()
            .assume_role()
            .role_arn("arn:aws:iam::000000000000:role/app")
            .role_session_name("s1")
            .send()
            .await,
    );
    error.assert_is(
        "AccessDenied",
        403,
        "Roles may not be assumed by root accounts.",
    );
}

const INVALID_TOKEN: &str = "The security token included in the request is invalid.";

fn allow_all() -> String {
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        .to_owned()
}

async fn user_allowed_everything(server: &common::Server, name: &str) -> (String, String) {
    let iam = server.iam();
    common::create_user(&iam, name).await;
    iam.put_user_policy()
        .user_name(name)
        .policy_name("all")
        .policy_document(allow_all())
        .send()
        .await
        .unwrap();
    common::create_access_key_only(&iam, name).await
}

#[tokio::test]
async fn a_session_dies_with_its_user_even_when_the_name_comes_back() {
    let server = common::spawn().await;
    let iam = server.iam();
    let (key, secret) = user_allowed_everything(&server, "leaver").await;
    let session = server
        .sts_as(&key, &secret)
        .get_federation_token()
        .name("fed")
        .policy(allow_all())
        .send()
        .await
        .unwrap();
    let credentials = session.credentials().unwrap();
    // Federated sessions may not call IAM; STS answers who they are.
    let federated = server.sts_with(credentials);
    assert!(federated.get_caller_identity().send().await.is_ok());

    iam.delete_user_policy()
        .user_name("leaver")
        .policy_name("all")
        .send()
        .await
        .unwrap();
    iam.delete_access_key()
        .user_name("leaver")
        .access_key_id(&key)
        .send()
        .await
        .unwrap();
    iam.delete_user().user_name("leaver").send().await.unwrap();
    // A new user of the same name with the same rights is someone else.
    user_allowed_everything(&server, "leaver").await;

    let error = aws_error(federated.get_caller_identity().send().await);
    error.assert_is("InvalidClientTokenId", 403, INVALID_TOKEN);
}

#[tokio::test]
async fn a_role_session_does_not_pass_to_a_new_role_of_the_same_name() {
    let server = common::spawn().await;
    let iam = server.iam();
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{}:root"}},"Action":"sts:AssumeRole"}}]}}"#,
        common::ACCOUNT
    );
    let create = |trust: String| {
        let iam = iam.clone();
        async move {
            iam.create_role()
                .role_name("worker")
                .assume_role_policy_document(trust)
                .send()
                .await
                .unwrap()
                .role
                .unwrap()
        }
    };
    let role = create(trust.clone()).await;
    let (key, secret) = user_allowed_everything(&server, "caller").await;
    let assumed = server
        .sts_as(&key, &secret)
        .assume_role()
        .role_arn(role.arn())
        .role_session_name("session")
        .send()
        .await
        .unwrap();
    let credentials = assumed.credentials().unwrap();
    // Used once, so the server has the credentials at hand when the role goes.
    let session = server.sts_with(credentials);
    assert!(session.get_caller_identity().send().await.is_ok());
    iam.delete_role().role_name("worker").send().await.unwrap();
    create(trust).await;
    iam.put_role_policy()
        .role_name("worker")
        .policy_name("all")
        .policy_document(allow_all())
        .send()
        .await
        .unwrap();

    let error = aws_error(server.iam_with(credentials).list_users().send().await);
    error.assert_is("InvalidClientTokenId", 403, INVALID_TOKEN);
    let error = aws_error(session.get_caller_identity().send().await);
    error.assert_is("InvalidClientTokenId", 403, INVALID_TOKEN);
    let error = aws_error(
        session
            .assume_role()
            .role_arn(role.arn())
            .role_session_name("again")
            .send()
            .await,
    );
    error.assert_is("InvalidClientTokenId", 403, INVALID_TOKEN);
}

#[tokio::test]
async fn a_federation_token_policy_longer_than_2048_characters_fails_validation() {
    let server = common::spawn().await;
    let (key, secret) = user_allowed_everything(&server, "fed").await;
    let long = common::policy_of_size(2100, 0);
    let error = aws_error(
        server
            .sts_as(&key, &secret)
            .get_federation_token()
            .name("fed")
            .policy(long)
            .send()
            .await,
    );
    assert_eq!(
        (error.code.as_str(), error.status),
        ("ValidationError", 400)
    );
    assert!(
        error.message.contains("'policy'") && error.message.contains("2048"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn s3_access_point_arns_carry_a_region_in_policies() {
    let server = common::spawn().await;
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/*"}]}"#;
    assert!(
        server
            .iam()
            .create_policy()
            .policy_name("ap")
            .policy_document(doc)
            .send()
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_short_mfa_serial_number_names_no_device() {
    let server = common::spawn().await;
    let error = aws_error(
        server
            .iam()
            .list_mfa_device_tags()
            .serial_number("abcdefghij")
            .send()
            .await,
    );
    assert_eq!((error.code.as_str(), error.status), ("NoSuchEntity", 404));
}
