//! The Query protocol as clients see it: action resolution, unimplemented actions, envelopes,
//! request ids, the body cap.

use crate::common::{self, Signing, aws_error};

#[tokio::test]
async fn an_unimplemented_action_names_itself_and_is_not_a_success() {
    let server = common::spawn().await;
    let error = aws_error(server.iam().list_saml_providers().send().await);
    assert_eq!(error.code, "NotImplemented");
    assert_eq!(error.status, 501);
    assert!(
        error.message.contains("ListSAMLProviders"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn an_unknown_action_is_invalid_action_naming_operation_and_version() {
    let server = common::spawn().await;
    let request = common::signed_post(
        &server,
        "Action=FooBar&Version=2010-05-08",
        &Signing {
            service: "iam",
            ..Signing::default()
        },
    );
    let response = common::send(request).await;
    assert_eq!(response.status, 400);
    assert_eq!(response.code(), "InvalidAction");
    assert_eq!(
        response.message(),
        "Could not find operation FooBar for version 2010-05-08"
    );
}

#[tokio::test]
async fn an_action_sent_with_the_other_services_version_is_invalid_action() {
    let server = common::spawn().await;
    let body = "Action=GetCallerIdentity&Version=2010-05-08";
    let response = common::send(common::signed_post(&server, body, &Signing::default())).await;
    assert_eq!(response.code(), "InvalidAction");
    let body = "Action=GetCallerIdentity";
    let response = common::send(common::signed_post(&server, body, &Signing::default())).await;
    assert_eq!(
        response.message(),
        "Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED"
    );
}

#[tokio::test]
async fn a_request_without_action_is_missing_action() {
    let server = common::spawn().await;
    let response = common::send(common::signed_post(
        &server,
        "Version=2011-06-15",
        &Signing::default(),
    ))
    .await;
    assert_eq!(response.status, 400);
    assert_eq!(response.code(), "MissingAction");
}

#[tokio::test]
async fn success_and_error_documents_carry_the_same_request_id_as_the_header() {
    let server = common::spawn().await;
    let ok = common::send(common::signed_post(
        &server,
        "Action=GetCallerIdentity&Version=2011-06-15",
        &Signing::default(),
    ))
    .await;
    assert_eq!(ok.status, 200);
    assert!(ok.body.starts_with("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>"));
    let header = ok
        .headers
        .get("x-amzn-requestid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    assert_eq!(header, ok.element("RequestId"));
    assert_eq!(header.as_deref().map(str::len), Some(36));

    let failed = common::send(common::form_post(
        &server,
        "Action=GetCallerIdentity&Version=2011-06-15",
    ))
    .await;
    assert_eq!(failed.element("Type").as_deref(), Some("Sender"));
    let header = failed
        .headers
        .get("x-amzn-requestid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    assert!(failed.body.contains(&format!(
        "</Error><RequestId>{}</RequestId></ErrorResponse>",
        header.unwrap_or_default()
    )));
    assert_eq!(
        failed
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/xml")
    );
}

#[tokio::test]
async fn errors_for_iam_use_the_iam_namespace() {
    let server = common::spawn().await;
    let request = common::signed_post(
        &server,
        "Action=ListUsers&Version=2010-05-08",
        &Signing {
            service: "iam",
            key: "nope",
            ..Signing::default()
        },
    );
    let response = common::send(request).await;
    assert!(
        response
            .body
            .starts_with("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">")
    );
    assert_eq!(response.code(), "InvalidClientTokenId");
}

#[tokio::test]
async fn a_body_over_the_cap_is_refused_with_413() {
    let server = common::spawn_with(&["--in-memory", "--max-body-bytes", "1024"]).await;
    let body = format!(
        "Action=GetCallerIdentity&Version=2011-06-15&Pad={}",
        "x".repeat(2000)
    );
    let response = common::send(common::signed_post(&server, &body, &Signing::default())).await;
    assert_eq!(response.status, 413);
    assert_eq!(response.code(), "RequestEntityTooLarge");
    assert!(response.headers.contains_key("x-amzn-requestid"));
}

#[tokio::test]
async fn a_get_with_parameters_in_the_query_string_is_served() {
    let server = common::spawn().await;
    let mut request = http::Request::builder()
        .method("GET")
        .uri(format!(
            "{}/?Action=GetCallerIdentity&Version=2011-06-15",
            server.endpoint
        ))
        .header("host", server.addr.to_string())
        .body(bytes::Bytes::new())
        .unwrap();
    common::sign_request(&mut request, &Signing::default());
    let response = common::send(request).await;
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(
        response.element("Arn").as_deref(),
        Some("arn:aws:iam::000000000000:root")
    );
}
