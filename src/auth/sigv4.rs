//! The pure steps of Signature Version 4: canonical request, string to sign, signing key and
//! signature. No I/O and no policy: `verify` decides what to do with the results. The only
//! state is a memo of derived signing keys.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use hmac::{Hmac, Mac};
use http::HeaderMap;
use sha2::{Digest, Sha256};

use crate::secret::Secret;

/// The only algorithm IAM and STS accept.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The last element of every credential scope.
pub const SCOPE_TERMINATOR: &str = "aws4_request";

/// A query string that cannot be canonicalized.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// A `%` with fewer than two characters after it.
    #[error("Incomplete trailing escape % sequence")]
    IncompleteEscape,
    /// A `%` followed by something other than two hex digits.
    #[error("Illegal hex character in escape % pattern: %{0}")]
    IllegalHex(String),
}

/// Lowercase hex SHA-256 of `data`.
#[must_use]
pub fn sha256_hex(data: &[u8]) -> String {
    hex32(&Sha256::digest(data).into())
}

/// Lowercase hex of a 32-byte digest.
fn hex32(bytes: &[u8; 32]) -> String {
    let mut text = [0u8; 64];
    // INVARIANT: the buffer is exactly twice the input, and hex digits are ASCII.
    hex::encode_to_slice(bytes, &mut text).unwrap_or_else(|_| unreachable!());
    std::str::from_utf8(&text)
        .unwrap_or_else(|_| unreachable!())
        .to_owned()
}

/// The canonical URI of a (non-S3) request path: dot segments resolved, empty segments
/// dropped, and every segment percent-encoded once more, so `%2F` becomes `%252F`.
#[must_use]
pub fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    if segments.is_empty() {
        return "/".to_owned();
    }
    let mut uri = String::with_capacity(path.len() + 8);
    for segment in &segments {
        uri.push('/');
        uri.push_str(&uri_encode(segment.as_bytes()));
    }
    if path.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The canonical query string: every pair decoded, re-encoded per RFC 3986 and sorted.
/// `X-Amz-Signature` is left out when `presigned`.
///
/// # Errors
/// A malformed `%` escape.
pub fn canonical_query(raw: &str, presigned: bool) -> Result<String, QueryError> {
    let mut pairs = Vec::new();
    for item in raw.split('&').filter(|item| !item.is_empty()) {
        let (name, value) = item.split_once('=').unwrap_or((item, ""));
        let name = uri_encode(&percent_decode(name)?);
        if presigned && name == "X-Amz-Signature" {
            continue;
        }
        pairs.push((name, uri_encode(&percent_decode(value)?)));
    }
    pairs.sort();
    let joined: Vec<String> = pairs.into_iter().map(|(n, v)| format!("{n}={v}")).collect();
    Ok(joined.join("&"))
}

/// The canonical headers block for the signed header names (lowercase, in the order given):
/// one `name:value\n` line each, repeated headers joined by `,`, whitespace runs collapsed.
///
/// # Errors
/// The name of the first signed header the request does not carry.
pub fn canonical_headers(headers: &HeaderMap, signed: &[&str]) -> Result<String, String> {
    let mut block = String::with_capacity(256);
    for name in signed {
        let mut values = headers.get_all(*name).iter().peekable();
        if values.peek().is_none() {
            return Err((*name).to_owned());
        }
        block.push_str(name);
        block.push(':');
        let mut first = true;
        for value in values {
            if !first {
                block.push(',');
            }
            first = false;
            let text = String::from_utf8_lossy(value.as_bytes());
            for (i, word) in text.split_whitespace().enumerate() {
                if i > 0 {
                    block.push(' ');
                }
                block.push_str(word);
            }
        }
        block.push('\n');
    }
    Ok(block)
}

/// The canonical request, the six fields joined by newlines.
#[must_use]
pub fn canonical_request(
    method: &str,
    uri: &str,
    query: &str,
    headers: &str,
    signed_headers: &str,
    payload_hash: &str,
) -> String {
    format!("{method}\n{uri}\n{query}\n{headers}\n{signed_headers}\n{payload_hash}")
}

/// The string to sign for a canonical request.
#[must_use]
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    let hashed_request = sha256_hex(canonical_request.as_bytes());
    format!("{ALGORITHM}\n{amz_date}\n{scope}\n{hashed_request}")
}

/// Derived keys by a digest of their inputs: a client signs many requests with the key of
/// one day, so each is derived once rather than with four HMACs per request.
static DERIVED: LazyLock<Mutex<HashMap<[u8; 32], [u8; 32]>>> = LazyLock::new(Mutex::default);

/// Past this many derived keys the memo starts over.
const DERIVED_CAPACITY: usize = 4096;

/// The signing key for one day, region and service (memoized).
#[must_use]
pub fn signing_key(secret: &Secret, date: &str, region: &str, service: &str) -> [u8; 32] {
    // The memo is keyed by a digest, so it holds no secret in the clear; the inputs are
    // separated by a byte that none of them can contain.
    let mut digest = Sha256::new();
    for part in [secret.expose(), date, region, service] {
        digest.update(part.as_bytes());
        digest.update([0u8]);
    }
    let id: [u8; 32] = digest.finalize().into();
    if let Some(key) = DERIVED.lock().ok().and_then(|m| m.get(&id).copied()) {
        return key;
    }
    let key = derive_signing_key(secret, date, region, service);
    if let Ok(mut memo) = DERIVED.lock() {
        if memo.len() >= DERIVED_CAPACITY {
            memo.clear();
        }
        memo.insert(id, key);
    }
    key
}

/// The signing key for one day, region and service, derived as SigV4 specifies.
#[must_use]
pub fn derive_signing_key(secret: &Secret, date: &str, region: &str, service: &str) -> [u8; 32] {
    let mut seed = zeroize::Zeroizing::new(format!("AWS4{}", secret.expose()));
    let date_key = hmac(seed.as_bytes(), date.as_bytes());
    seed.clear();
    let region_key = hmac(&date_key, region.as_bytes());
    let service_key = hmac(&region_key, service.as_bytes());
    hmac(&service_key, SCOPE_TERMINATOR.as_bytes())
}

/// The lowercase hex signature of `string_to_sign`.
#[must_use]
pub fn signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex32(&hmac(signing_key, string_to_sign.as_bytes()))
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // INVARIANT: HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn percent_decode(text: &str) -> Result<Vec<u8>, QueryError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let Some(pair) = bytes.get(i + 1..i + 3) else {
                return Err(QueryError::IncompleteEscape);
            };
            let hex = std::str::from_utf8(pair).unwrap_or("??");
            let value = u8::from_str_radix(hex, 16)
                .map_err(|_| QueryError::IllegalHex(String::from_utf8_lossy(pair).into_owned()))?;
            out.push(value);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// RFC 3986 encoding: unreserved characters stay, every other byte becomes `%XX`.
fn uri_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    const DOC_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn doc_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/x-www-form-urlencoded; charset=utf-8"),
        );
        headers.insert("host", HeaderValue::from_static("iam.amazonaws.com"));
        headers.insert("x-amz-date", HeaderValue::from_static("20150830T123600Z"));
        headers
    }

    // AWS's documented example: IAM ListUsers by GET, 2015-08-30.
    #[test]
    fn documented_list_users_example_matches_at_every_stage() {
        let query = canonical_query("Action=ListUsers&Version=2010-05-08", false);
        assert_eq!(
            query.as_deref(),
            Ok("Action=ListUsers&Version=2010-05-08"),
            "canonical query"
        );

        let signed = ["content-type", "host", "x-amz-date"];
        let headers = canonical_headers(&doc_headers(), &signed).unwrap_or_default();
        let request = canonical_request(
            "GET",
            &canonical_uri("/"),
            "Action=ListUsers&Version=2010-05-08",
            &headers,
            "content-type;host;x-amz-date",
            &sha256_hex(b""),
        );
        assert_eq!(
            sha256_hex(request.as_bytes()),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59",
            "canonical request"
        );

        let scope = "20150830/us-east-1/iam/aws4_request";
        let to_sign = string_to_sign("20150830T123600Z", scope, &request);
        assert!(
            to_sign.ends_with("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"),
            "string to sign"
        );

        let key = signing_key(
            &Secret::new(DOC_SECRET.to_owned()),
            "20150830",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            hex::encode(key),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9",
            "signing key"
        );
        assert_eq!(
            signature(&key, &to_sign),
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
            "signature"
        );
    }

    // botocore's signature for a POST GetCallerIdentity on 2024-01-02T03:04:05Z.
    #[test]
    fn botocore_post_get_caller_identity_signature_matches() {
        let body = b"Action=GetCallerIdentity&Version=2011-06-15";
        let payload = sha256_hex(body);
        assert_eq!(
            payload, "ab821ae955788b0e33ebd34c208442ccfc2d406e2edc5e7a39bd6458fbb4f843",
            "payload hash"
        );
        let mut headers = doc_headers();
        headers.insert("host", HeaderValue::from_static("sts.amazonaws.com"));
        headers.insert("x-amz-date", HeaderValue::from_static("20240102T030405Z"));
        let signed = ["content-type", "host", "x-amz-date"];
        let block = canonical_headers(&headers, &signed).unwrap_or_default();
        let request = canonical_request("POST", "/", "", &block, &signed.join(";"), &payload);
        let scope = "20240102/us-east-1/sts/aws4_request";
        let to_sign = string_to_sign("20240102T030405Z", scope, &request);
        assert!(
            to_sign.ends_with("d7ecdaf0783c06603f5dd5a0c1227e8768b4ed0d77ffb51cdf2e9ad7bb3e4ffd"),
            "string to sign"
        );
        let key = signing_key(
            &Secret::new(DOC_SECRET.to_owned()),
            "20240102",
            "us-east-1",
            "sts",
        );
        assert_eq!(
            signature(&key, &to_sign),
            "ef6e2c21abc34d331e927bc6b779f830ed1a60d57ccc4fddb0ad4ac673bf7809",
            "signature"
        );
    }

    // botocore's presigned GET with an extra signed header (EKS-style).
    #[test]
    fn botocore_presigned_query_canonicalizes_and_drops_the_signature() {
        let raw = "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256\
                   &X-Amz-Credential=ASIAEXAMPLEEXAMPLE12%2F20240102%2Fus-east-1%2Fsts%2Faws4_request\
                   &X-Amz-Date=20240102T030405Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id\
                   &X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLETOKEN\
                   &X-Amz-Signature=99dd59bd9aab2ee94f66f492334eaccb00603977acba26c95b7a6c9466306b43";
        let expected = "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256\
                        &X-Amz-Credential=ASIAEXAMPLEEXAMPLE12%2F20240102%2Fus-east-1%2Fsts%2Faws4_request\
                        &X-Amz-Date=20240102T030405Z&X-Amz-Expires=60\
                        &X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLETOKEN\
                        &X-Amz-SignedHeaders=host%3Bx-k8s-aws-id";
        assert_eq!(canonical_query(raw, true).as_deref(), Ok(expected));

        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("sts.amazonaws.com"));
        headers.insert("x-k8s-aws-id", HeaderValue::from_static("my-cluster"));
        let block = canonical_headers(&headers, &["host", "x-k8s-aws-id"]).unwrap_or_default();
        let request = canonical_request(
            "GET",
            "/",
            expected,
            &block,
            "host;x-k8s-aws-id",
            &sha256_hex(b""),
        );
        let to_sign = string_to_sign(
            "20240102T030405Z",
            "20240102/us-east-1/sts/aws4_request",
            &request,
        );
        let key = signing_key(
            &Secret::new(DOC_SECRET.to_owned()),
            "20240102",
            "us-east-1",
            "sts",
        );
        assert_eq!(
            signature(&key, &to_sign),
            "99dd59bd9aab2ee94f66f492334eaccb00603977acba26c95b7a6c9466306b43"
        );
    }

    #[test]
    fn query_values_are_reencoded_and_plus_is_literal() {
        assert_eq!(
            canonical_query("b=2&a=x y&c=1+1&a=%7e", false).as_deref(),
            Ok("a=x%20y&a=~&b=2&c=1%2B1")
        );
        assert_eq!(canonical_query("flag", false).as_deref(), Ok("flag="));
    }

    #[test]
    fn bad_escapes_are_reported() {
        assert_eq!(
            canonical_query("a=%4", false),
            Err(QueryError::IncompleteEscape)
        );
        assert_eq!(
            canonical_query("a=%zz", false),
            Err(QueryError::IllegalHex("zz".into()))
        );
    }

    #[test]
    fn uri_paths_are_normalized_and_encoded_twice() {
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri("/a/./b/../c//d/"), "/a/c/d/");
        assert_eq!(canonical_uri("/a%2Fb"), "/a%252Fb");
    }

    #[test]
    fn header_values_are_trimmed_and_repeats_joined() {
        let mut headers = HeaderMap::new();
        headers.append("x-a", HeaderValue::from_static("  one   two "));
        headers.append("x-a", HeaderValue::from_static("three"));
        assert_eq!(
            canonical_headers(&headers, &["x-a"]).as_deref(),
            Ok("x-a:one two,three\n")
        );
        assert_eq!(canonical_headers(&headers, &["x-b"]), Err("x-b".to_owned()));
    }
}
