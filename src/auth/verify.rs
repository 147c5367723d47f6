//! Checks on a parsed signature that need no stored secret (time window, scope, signed
//! headers) and the signature comparison itself. Check order follows AWS: format, time,
//! scope, then (in the caller) the key, then the signature.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html>.

use chrono::{DateTime, TimeDelta, Utc};
use subtle::ConstantTimeEq;

use super::parse::{SignatureInput, SignatureLocation};
use super::sigv4;
use super::{AuthError, RequestView};
use crate::secret::Secret;

/// How far a request's time may be from the server's, either way.
pub const MAX_SKEW: TimeDelta = TimeDelta::minutes(15);

const BASIC: &str = "%Y%m%dT%H%M%SZ";

/// Rejects a request signed too long ago or too far in the future.
///
/// # Errors
/// `SignatureDoesNotMatch` with AWS's "Signature expired" / "not yet current" text.
pub fn check_time(input: &SignatureInput, now: DateTime<Utc>) -> Result<(), AuthError> {
    let at = &input.amz_date;
    if input.time < now - MAX_SKEW {
        let now_text = now.format(BASIC);
        let earliest = (now - MAX_SKEW).format(BASIC);
        return Err(AuthError::Rejected(format!(
            "Signature expired: {at} is now earlier than {earliest} ({now_text} - 15 min.)"
        )));
    }
    if input.time > now + MAX_SKEW {
        let now_text = now.format(BASIC);
        let latest = (now + MAX_SKEW).format(BASIC);
        return Err(AuthError::Rejected(format!(
            "Signature not yet current: {at} is still later than {latest} ({now_text} + 15 min.)"
        )));
    }
    Ok(())
}

/// Rejects a credential scope that does not fit the request: terminator, service, region, date.
///
/// # Errors
/// `SignatureDoesNotMatch` naming what the scope should have been.
pub fn check_scope(input: &SignatureInput, expected_service: &str) -> Result<(), AuthError> {
    let scope = &input.scope;
    if scope.terminator != sigv4::SCOPE_TERMINATOR {
        return Err(AuthError::Rejected(format!(
            "Credential should be scoped with a valid terminator: 'aws4_request', not '{}'. ",
            scope.terminator
        )));
    }
    if scope.service != expected_service {
        return Err(AuthError::Rejected(format!(
            "Credential should be scoped to correct service: '{expected_service}'. "
        )));
    }
    let region_ok = !scope.region.is_empty()
        && scope
            .region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !region_ok {
        return Err(AuthError::Rejected(format!(
            "Credential should be scoped to a valid region, not '{}'. ",
            scope.region
        )));
    }
    let day = input.amz_date.get(..8).unwrap_or_default();
    if scope.date != day {
        return Err(AuthError::Rejected(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from \
             HTTP: '{}' != '{day}', from '{}'.",
            scope.date, input.amz_date
        )));
    }
    Ok(())
}

/// Requires `host` among the signed headers and every signed header in the request.
///
/// # Errors
/// `IncompleteSignature` naming the problem.
pub fn check_signed_headers(
    input: &SignatureInput,
    req: &RequestView<'_>,
) -> Result<(), AuthError> {
    let names: Vec<&str> = input.signed_headers.split(';').collect();
    if !names.iter().any(|n| *n == "host" || *n == ":authority") {
        return Err(AuthError::Incomplete(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.".to_owned(),
        ));
    }
    if let Some(absent) = names.iter().find(|n| !req.headers.contains_key(**n)) {
        return Err(AuthError::Incomplete(format!(
            "'{absent}' is named as a SignedHeader, but it does not exist in the HTTP request."
        )));
    }
    Ok(())
}

/// Recomputes the signature with `secret` and compares it in constant time.
///
/// # Errors
/// `Mismatch`, carrying the canonical request and string to sign for the debug log.
pub fn check_signature(
    input: &SignatureInput,
    req: &RequestView<'_>,
    secret: &Secret,
) -> Result<(), AuthError> {
    let presigned = input.location == SignatureLocation::Query;
    let query =
        sigv4::canonical_query(req.raw_query, presigned).map_err(AuthError::MalformedQuery)?;
    let names: Vec<&str> = input.signed_headers.split(';').collect();
    let headers = sigv4::canonical_headers(req.headers, &names).map_err(|absent| {
        AuthError::Incomplete(format!(
            "'{absent}' is named as a SignedHeader, but it does not exist in the HTTP request."
        ))
    })?;
    let body_hash = sigv4::sha256_hex(req.body);
    let payload_hash = match req.headers.get("x-amz-content-sha256") {
        Some(claimed) if !presigned => String::from_utf8_lossy(claimed.as_bytes()).into_owned(),
        _ => body_hash.clone(),
    };
    let canonical_request = sigv4::canonical_request(
        req.method,
        &sigv4::canonical_uri(req.path),
        &query,
        &headers,
        &input.signed_headers,
        &payload_hash,
    );
    let scope = input.scope.scope_string();
    let string_to_sign = sigv4::string_to_sign(&input.amz_date, &scope, &canonical_request);
    let key = sigv4::signing_key(
        secret,
        &input.scope.date,
        &input.scope.region,
        &input.scope.service,
    );
    let expected = sigv4::signature(&key, &string_to_sign);
    let matches: bool = expected.as_bytes().ct_eq(input.signature.as_bytes()).into();
    // A claimed payload hash must also be the body's, or the body was not what was signed.
    // IAM and STS carry the whole request in the body, so `UNSIGNED-PAYLOAD` is refused too.
    let payload_ok = payload_hash == body_hash;
    if matches && payload_ok {
        Ok(())
    } else {
        Err(AuthError::Mismatch {
            canonical_request,
            string_to_sign,
        })
    }
}
