//! Every SigV4 verification failure, from requests signed with the aws-sigv4 crate and then
//! damaged, or built by hand where no signer would produce them.

use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::SignatureLocation;
use bytes::Bytes;

use crate::common::{self, RawResponse, Server, Signing};

const CALLER: &str = "Action=GetCallerIdentity&Version=2011-06-15";

fn amz_now() -> String {
    chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string()
}

/// A POST with a hand-written Authorization header and an `X-Amz-Date` of now.
async fn with_authorization(server: &Server, authorization: &str) -> RawResponse {
    let mut request = common::form_post(server, CALLER);
    request
        .headers_mut()
        .insert("authorization", authorization.parse().unwrap());
    request
        .headers_mut()
        .insert("x-amz-date", amz_now().parse().unwrap());
    common::send(request).await
}

fn credential(key: &str, scope_tail: &str) -> String {
    format!("Credential={key}/{}/{scope_tail}", &amz_now()[..8])
}

fn assert_error(response: &RawResponse, status: u16, code: &str) {
    assert_eq!(
        (response.status, response.code().as_str()),
        (status, code),
        "{}",
        response.body
    );
}

#[tokio::test]
async fn no_signature_is_missing_authentication_token() {
    let server = common::spawn().await;
    let response = common::send(common::form_post(&server, CALLER)).await;
    assert_error(&response, 403, "MissingAuthenticationToken");
    assert_eq!(
        response.message(),
        "Request is missing Authentication Token"
    );
}

#[tokio::test]
async fn an_unsupported_algorithm_is_an_incomplete_signature() {
    let server = common::spawn().await;
    let response = with_authorization(
        &server,
        "AWS4-ECDSA-P256-SHA256 Credential=x, SignedHeaders=host, Signature=00",
    )
    .await;
    assert_error(&response, 400, "IncompleteSignature");
    assert_eq!(
        response.message(),
        "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'"
    );
}

#[tokio::test]
async fn missing_header_parts_are_named_in_the_message() {
    let server = common::spawn().await;
    let auth = format!(
        "AWS4-HMAC-SHA256 {}",
        credential("test", "us-east-1/sts/aws4_request")
    );
    let response = with_authorization(&server, &auth).await;
    assert_error(&response, 400, "IncompleteSignature");
    assert_eq!(
        response.message(),
        format!(
            "Authorization header requires 'Signature' parameter. Authorization header requires \
             'SignedHeaders' parameter. Authorization={auth}"
        )
    );
}

#[tokio::test]
async fn a_credential_without_five_parts_is_an_incomplete_signature() {
    let server = common::spawn().await;
    let auth = format!(
        "AWS4-HMAC-SHA256 {}, SignedHeaders=host;x-amz-date, Signature=00",
        credential("test", "sts/aws4_request")
    );
    let response = with_authorization(&server, &auth).await;
    assert_error(&response, 400, "IncompleteSignature");
    assert!(
        response
            .message()
            .starts_with("Credential must have exactly 5 slash-delimited elements")
    );
}

#[tokio::test]
async fn a_date_not_in_basic_format_is_an_incomplete_signature() {
    let server = common::spawn().await;
    let mut request = common::signed_post(&server, CALLER, &Signing::default());
    request
        .headers_mut()
        .insert("x-amz-date", "2024-01-02T03:04:05Z".parse().unwrap());
    let response = common::send(request).await;
    assert_error(&response, 400, "IncompleteSignature");
    assert!(
        response
            .message()
            .starts_with("Date must be in ISO-8601 'basic format'. Got '2024-01-02T03:04:05Z'.")
    );
}

#[tokio::test]
async fn a_request_signed_twenty_minutes_ago_has_expired() {
    let server = common::spawn().await;
    let time = SystemTime::now() - Duration::from_secs(20 * 60);
    let response = common::send(common::signed_post(
        &server,
        CALLER,
        &Signing {
            time,
            ..Signing::default()
        },
    ))
    .await;
    assert_error(&response, 403, "SignatureDoesNotMatch");
    let message = response.message();
    assert!(message.starts_with("Signature expired: "), "{message}");
    assert!(
        message.contains(" is now earlier than ") && message.ends_with(" - 15 min.)"),
        "{message}"
    );
}

#[tokio::test]
async fn a_request_signed_twenty_minutes_ahead_is_not_yet_current() {
    let server = common::spawn().await;
    let time = SystemTime::now() + Duration::from_secs(20 * 60);
    let response = common::send(common::signed_post(
        &server,
        CALLER,
        &Signing {
            time,
            ..Signing::default()
        },
    ))
    .await;
    assert_error(&response, 403, "SignatureDoesNotMatch");
    assert!(
        response
            .message()
            .starts_with("Signature not yet current: "),
        "{}",
        response.message()
    );
    assert!(response.message().ends_with(" + 15 min.)"));
}

#[tokio::test]
async fn a_request_within_the_skew_window_is_accepted() {
    let server = common::spawn().await;
    let time = SystemTime::now() - Duration::from_secs(10 * 60);
    let response = common::send(common::signed_post(
        &server,
        CALLER,
        &Signing {
            time,
            ..Signing::default()
        },
    ))
    .await;
    assert_eq!(response.status, 200, "{}", response.body);
}

#[tokio::test]
async fn a_scope_for_another_service_names_the_service_expected() {
    let server = common::spawn().await;
    let response = common::send(common::signed_post(
        &server,
        CALLER,
        &Signing {
            service: "s3",
            ..Signing::default()
        },
    ))
    .await;
    assert_error(&response, 403, "SignatureDoesNotMatch");
    assert_eq!(
        response.message(),
        "Credential should be scoped to correct service: 'sts'. "
    );
}

#[tokio::test]
async fn a_scope_with_a_wrong_terminator_or_date_is_rejected() {
    let server = common::spawn().await;
    let auth = format!(
        "AWS4-HMAC-SHA256 {}, SignedHeaders=host;x-amz-date, Signature=00",
        credential("test", "us-east-1/sts/aws5_request")
    );
    let response = with_authorization(&server, &auth).await;
    assert_error(&response, 403, "SignatureDoesNotMatch");
    assert_eq!(
        response.message(),
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "
    );

    let auth = "AWS4-HMAC-SHA256 Credential=test/20200101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";
    let response = with_authorization(&server, auth).await;
    assert_error(&response, 403, "SignatureDoesNotMatch");
    assert!(response.message().starts_with("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20200101' != '"));
}

#[tokio::test]
async fn host_must_be_signed_and_signed_headers_must_be_present() {
    let server = common::spawn().await;
    let auth = format!(
        "AWS4-HMAC-SHA256 {}, SignedHeaders=x-amz-date, Signature=00",
        credential("test", "us-east-1/sts/aws4_request")
    );
    let response = with_authorization(&server, &auth).await;
    assert_error(&response, 400, "IncompleteSignature");
    assert_eq!(
        response.message(),
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
    );

    let auth = format!(
        "AWS4-HMAC-SHA256 {}, SignedHeaders=host;x-amz-date;x-custom, Signature=00",
        credential("test", "us-east-1/sts/aws4_request")
    );
    let response = with_authorization(&server, &auth).await;
    assert_error(&response, 400, "IncompleteSignature");
    assert_eq!(
        response.message(),
        "'x-custom' is named as a SignedHeader, but it does not exist in the HTTP request."
    );
}

#[tokio::test]
async fn an_unknown_key_is_invalid_before_the_signature_is_checked() {
    let server = common::spawn().await;
    let response = common::send(common::signed_post(
        &server,
        CALLER,
        &Signing {
            key: "AKIANOTAKEY000000000",
            ..Signing::default()
        },
    ))
    .await;
    assert_error(&response, 403, "InvalidClientTokenId");
}

#[tokio::test]
async fn a_flipped_signature_byte_is_signature_does_not_match() {
    let server = common::spawn().await;
    let mut request = common::signed_post(&server, CALLER, &Signing::default());
    let auth = request.headers()["authorization"]
        .to_str()
        .unwrap()
        .to_owned();
    let last = auth.chars().last().unwrap();
    let flipped = format!(
        "{}{}",
        &auth[..auth.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    request
        .headers_mut()
        .insert("authorization", flipped.parse().unwrap());
    let response = common::send(request).await;
    assert_error(&response, 403, "SignatureDoesNotMatch");
    assert!(response.message().starts_with(
        "The request signature we calculated does not match the signature you provided."
    ));
}

#[tokio::test]
async fn a_body_changed_after_signing_is_signature_does_not_match() {
    let server = common::spawn().await;
    let request = common::signed_post(&server, CALLER, &Signing::default());
    let (parts, _) = request.into_parts();
    let tampered = http::Request::from_parts(
        parts,
        Bytes::from("Action=GetCallerIdentity&Version=2011-06-15&X=1"),
    );
    let response = common::send(tampered).await;
    assert_error(&response, 403, "SignatureDoesNotMatch");
}

#[tokio::test]
async fn a_claimed_payload_hash_that_is_not_the_bodys_is_rejected() {
    let server = common::spawn().await;
    let mut request = common::form_post(&server, CALLER);
    // Sign over an empty-body hash claim, then send the real body.
    let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    request
        .headers_mut()
        .insert("x-amz-content-sha256", empty.parse().unwrap());
    let (parts, body) = request.into_parts();
    let mut empty_request = http::Request::from_parts(parts, Bytes::new());
    common::sign_request(&mut empty_request, &Signing::default());
    let (parts, _) = empty_request.into_parts();
    let response = common::send(http::Request::from_parts(parts, body)).await;
    assert_error(&response, 403, "SignatureDoesNotMatch");
}

#[tokio::test]
async fn an_unchanged_signed_request_passes_so_the_damage_is_what_fails() {
    let server = common::spawn().await;
    let response = common::send(common::signed_post(&server, CALLER, &Signing::default())).await;
    assert_eq!(response.status, 200, "{}", response.body);
}

fn presigned_get(server: &Server, signing: &Signing<'_>) -> http::Request<Bytes> {
    let mut request = http::Request::builder()
        .method("GET")
        .uri(format!("{}/?{CALLER}", server.endpoint))
        .header("host", server.addr.to_string())
        .body(Bytes::new())
        .unwrap();
    common::sign_request(
        &mut request,
        &Signing {
            location: SignatureLocation::QueryParams,
            ..*signing
        },
    );
    request
}

#[tokio::test]
async fn a_presigned_get_url_is_accepted_and_names_the_caller() {
    let server = common::spawn().await;
    let request = presigned_get(&server, &Signing::default());
    assert!(request.uri().query().unwrap().contains("X-Amz-Signature="));
    assert!(!request.headers().contains_key("authorization"));
    let response = common::send(request).await;
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(
        response.element("Arn").as_deref(),
        Some("arn:aws:iam::000000000000:root")
    );
}

#[tokio::test]
async fn a_tampered_presigned_url_is_rejected() {
    let server = common::spawn().await;
    let request = presigned_get(&server, &Signing::default());
    let uri = request
        .uri()
        .to_string()
        .replace("Version=2011-06-15", "Version=2011-06-15&Extra=1");
    let (mut parts, body) = request.into_parts();
    parts.uri = uri.parse().unwrap();
    let response = common::send(http::Request::from_parts(parts, body)).await;
    assert_error(&response, 403, "SignatureDoesNotMatch");
}

#[tokio::test]
async fn presigned_query_auth_needs_every_parameter() {
    let server = common::spawn().await;
    let uri = format!(
        "{}/?{CALLER}&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={}",
        server.endpoint,
        amz_now()
    );
    let request = http::Request::builder()
        .method("GET")
        .uri(uri)
        .header("host", server.addr.to_string())
        .body(Bytes::new())
        .unwrap();
    let response = common::send(request).await;
    assert_error(&response, 400, "IncompleteSignature");
    assert!(
        response
            .message()
            .starts_with("AWS query-string parameters must include 'X-Amz-Credential'.")
    );
}

#[tokio::test]
async fn a_malformed_escape_in_a_signed_query_is_reported() {
    let server = common::spawn().await;
    let request = presigned_get(&server, &Signing::default());
    let uri = format!("{}&Bad=%zz", request.uri());
    let (mut parts, body) = request.into_parts();
    parts.uri = uri.parse().unwrap();
    let response = common::send(http::Request::from_parts(parts, body)).await;
    assert_error(&response, 400, "MalformedQueryString");
}
