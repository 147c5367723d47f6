//! Finding and parsing the signature: the `Authorization` header or presigned query
//! parameters, into one `SignatureInput`. Malformed input is `IncompleteSignature` with the
//! message AWS gives for each case.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-authentication-methods.html>.

use chrono::{DateTime, NaiveDate, Utc};
use http::HeaderMap;

use super::AuthError;
use super::sigv4::ALGORITHM;

/// Where the signature travelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureLocation {
    /// `Authorization` header.
    Header,
    /// `X-Amz-*` query parameters (a presigned URL).
    Query,
}

/// The credential scope `keyid/date/region/service/terminator`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialScope {
    /// The access key id.
    pub access_key_id: String,
    /// `YYYYMMDD`.
    pub date: String,
    /// The signing region.
    pub region: String,
    /// The signing service name.
    pub service: String,
    /// Should be `aws4_request`.
    pub terminator: String,
}

impl CredentialScope {
    /// `date/region/service/terminator`, as it goes into the string to sign.
    #[must_use]
    pub fn scope_string(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.date, self.region, self.service, self.terminator
        )
    }
}

/// Everything the verifier needs from the request's signature fields.
#[derive(Clone, Debug)]
pub struct SignatureInput {
    /// Header or query.
    pub location: SignatureLocation,
    /// The parsed credential scope.
    pub scope: CredentialScope,
    /// `SignedHeaders` exactly as sent.
    pub signed_headers: String,
    /// The signature as sent.
    pub signature: String,
    /// The request time in ISO-8601 basic form, as it goes into the string to sign.
    pub amz_date: String,
    /// The request time.
    pub time: DateTime<Utc>,
    /// `X-Amz-Security-Token`, when sent.
    pub session_token: Option<String>,
}

/// Reads the signature from the request, if there is one.
///
/// # Errors
/// `IncompleteSignature` for a malformed header or incomplete query parameters.
pub fn parse_signature(
    headers: &HeaderMap,
    query: &[(String, String)],
) -> Result<Option<SignatureInput>, AuthError> {
    if let Some(value) = headers.get(http::header::AUTHORIZATION) {
        let raw = String::from_utf8_lossy(value.as_bytes()).into_owned();
        return parse_header(&raw, headers).map(Some);
    }
    if query.iter().any(|(k, _)| k == "X-Amz-Algorithm") {
        return parse_query(query).map(Some);
    }
    Ok(None)
}

/// The access key id a request claims, read leniently (for `off` mode, which verifies nothing).
#[must_use]
pub fn claimed_access_key_id(headers: &HeaderMap, query: &[(String, String)]) -> Option<String> {
    let credential = match headers.get(http::header::AUTHORIZATION) {
        Some(value) => {
            let raw = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let start = raw.find("Credential=")? + "Credential=".len();
            raw[start..].split([',', ' ']).next().map(str::to_owned)?
        }
        None => query
            .iter()
            .find(|(k, _)| k == "X-Amz-Credential")
            .map(|(_, v)| v.clone())?,
    };
    credential
        .split('/')
        .next()
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
}

fn parse_header(raw: &str, headers: &HeaderMap) -> Result<SignatureInput, AuthError> {
    let (algorithm, rest) = raw.trim().split_once(' ').unwrap_or((raw.trim(), ""));
    if algorithm != ALGORITHM {
        return Err(AuthError::Incomplete(format!(
            "Unsupported AWS 'algorithm': '{algorithm}'"
        )));
    }
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for item in rest.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let Some((key, value)) = item.split_once('=') else {
            return Err(AuthError::Incomplete(format!(
                "'{item}' not a valid key=value pair (missing equal-sign) in Authorization header: '{raw}'."
            )));
        };
        match key {
            "Credential" => credential = Some(value.to_owned()),
            "SignedHeaders" => signed_headers = Some(value.to_owned()),
            "Signature" => signature = Some(value.to_owned()),
            _ => {}
        }
    }
    let date = header_date(headers);
    let mut missing = Vec::new();
    if credential.is_none() {
        missing.push("Authorization header requires 'Credential' parameter.");
    }
    if signature.is_none() {
        missing.push("Authorization header requires 'Signature' parameter.");
    }
    if signed_headers.is_none() {
        missing.push("Authorization header requires 'SignedHeaders' parameter.");
    }
    if date.is_none() {
        missing.push(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        );
    }
    let (Some(credential), Some(signed_headers), Some(signature), Some(date)) =
        (credential, signed_headers, signature, date)
    else {
        return Err(AuthError::Incomplete(format!(
            "{} Authorization={raw}",
            missing.join(" ")
        )));
    };
    let (amz_date, time) = match date {
        HeaderDate::AmzDate(value) => {
            let time = parse_basic_date(&value)?;
            (value, time)
        }
        HeaderDate::HttpDate(value) => {
            let time = DateTime::parse_from_rfc2822(&value)
                .map_err(|_| bad_date(&value))?
                .with_timezone(&Utc);
            (time.format("%Y%m%dT%H%M%SZ").to_string(), time)
        }
    };
    let token = headers
        .get("x-amz-security-token")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    Ok(SignatureInput {
        location: SignatureLocation::Header,
        scope: parse_scope(&credential)?,
        signed_headers,
        signature,
        amz_date,
        time,
        session_token: token,
    })
}

fn parse_query(query: &[(String, String)]) -> Result<SignatureInput, AuthError> {
    let get = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let algorithm = get("X-Amz-Algorithm").unwrap_or_default();
    if algorithm != ALGORITHM {
        return Err(AuthError::Incomplete(format!(
            "Unsupported AWS 'algorithm': '{algorithm}'"
        )));
    }
    let required = [
        "X-Amz-Credential",
        "X-Amz-Signature",
        "X-Amz-SignedHeaders",
        "X-Amz-Date",
    ];
    let missing: Vec<String> = required
        .iter()
        .filter(|name| get(name).is_none())
        .map(|name| {
            format!("AWS query-string parameters must include '{name}'. Re-examine the query-string parameters.")
        })
        .collect();
    if !missing.is_empty() {
        return Err(AuthError::Incomplete(missing.join(" ")));
    }
    let amz_date = get("X-Amz-Date").unwrap_or_default();
    let time = parse_basic_date(&amz_date)?;
    Ok(SignatureInput {
        location: SignatureLocation::Query,
        scope: parse_scope(&get("X-Amz-Credential").unwrap_or_default())?,
        signed_headers: get("X-Amz-SignedHeaders").unwrap_or_default(),
        signature: get("X-Amz-Signature").unwrap_or_default(),
        amz_date,
        time,
        session_token: get("X-Amz-Security-Token"),
    })
}

enum HeaderDate {
    AmzDate(String),
    HttpDate(String),
}

fn header_date(headers: &HeaderMap) -> Option<HeaderDate> {
    let text = |v: &http::HeaderValue| String::from_utf8_lossy(v.as_bytes()).trim().to_owned();
    if let Some(value) = headers.get("x-amz-date") {
        return Some(HeaderDate::AmzDate(text(value)));
    }
    headers
        .get(http::header::DATE)
        .map(|v| HeaderDate::HttpDate(text(v)))
}

fn parse_scope(credential: &str) -> Result<CredentialScope, AuthError> {
    let parts: Vec<&str> = credential.split('/').collect();
    let [key, date, region, service, terminator] = parts.as_slice() else {
        return Err(AuthError::Incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'"
        )));
    };
    Ok(CredentialScope {
        access_key_id: (*key).to_owned(),
        date: (*date).to_owned(),
        region: (*region).to_owned(),
        service: (*service).to_owned(),
        terminator: (*terminator).to_owned(),
    })
}

fn parse_basic_date(value: &str) -> Result<DateTime<Utc>, AuthError> {
    if value.len() != 16 {
        return Err(bad_date(value));
    }
    // YYYYMMDD'T'HHMMSS'Z', read by hand: this runs on every request.
    let bytes = value.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = bytes.get(range)?;
        digits.iter().try_fold(0u32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let parsed = (|| {
        if bytes[8] != b'T' || bytes[15] != b'Z' {
            return None;
        }
        let year = i32::try_from(number(0..4)?).ok()?;
        let date = NaiveDate::from_ymd_opt(year, number(4..6)?, number(6..8)?)?;
        date.and_hms_opt(number(9..11)?, number(11..13)?, number(13..15)?)
    })();
    parsed
        .map(|naive| naive.and_utc())
        .ok_or_else(|| bad_date(value))
}

fn bad_date(value: &str) -> AuthError {
    AuthError::Incomplete(format!(
        "Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(auth: &str, date: Option<&'static str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            "authorization",
            HeaderValue::from_str(auth).unwrap_or(HeaderValue::from_static("")),
        );
        if let Some(date) = date {
            h.insert("x-amz-date", HeaderValue::from_static(date));
        }
        h
    }

    fn incomplete(result: Result<Option<SignatureInput>, AuthError>) -> String {
        match result {
            Err(AuthError::Incomplete(message)) => message,
            other => panic!("expected IncompleteSignature, got {other:?}"),
        }
    }

    #[test]
    fn a_well_formed_header_is_split_into_its_parts() {
        let auth = "AWS4-HMAC-SHA256 Credential=AKID/20240102/us-east-1/sts/aws4_request, \
                    SignedHeaders=host;x-amz-date, Signature=abc";
        let input = parse_signature(&headers(auth, Some("20240102T030405Z")), &[]);
        let input = input.ok().flatten().unwrap_or_else(|| panic!("no input"));
        assert_eq!(input.scope.access_key_id, "AKID");
        assert_eq!(
            input.scope.scope_string(),
            "20240102/us-east-1/sts/aws4_request"
        );
        assert_eq!(input.signed_headers, "host;x-amz-date");
        assert_eq!(input.signature, "abc");
        assert_eq!(input.location, SignatureLocation::Header);
    }

    #[test]
    fn missing_parts_are_all_named_then_the_header_is_echoed() {
        let auth = "AWS4-HMAC-SHA256 Credential=AKID/20240102/us-east-1/sts/aws4_request";
        let message = incomplete(parse_signature(&headers(auth, None), &[]));
        assert_eq!(
            message,
            format!(
                "Authorization header requires 'Signature' parameter. Authorization header \
                 requires 'SignedHeaders' parameter. Authorization header requires existence of \
                 either a 'X-Amz-Date' or a 'Date' header. Authorization={auth}"
            )
        );
    }

    #[test]
    fn other_algorithms_and_broken_items_are_incomplete_signatures() {
        let message = incomplete(parse_signature(
            &headers("AWS4-HMAC-SHA512 Credential=a", None),
            &[],
        ));
        assert_eq!(message, "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'");
        let auth = "AWS4-HMAC-SHA256 Credential";
        let message = incomplete(parse_signature(
            &headers(auth, Some("20240102T030405Z")),
            &[],
        ));
        assert!(
            message.starts_with("'Credential' not a valid key=value pair (missing equal-sign)")
        );
    }

    #[test]
    fn credential_must_have_five_elements_and_date_must_be_basic() {
        let auth = "AWS4-HMAC-SHA256 Credential=AKID/20240102/sts, SignedHeaders=host, Signature=a";
        let message = incomplete(parse_signature(
            &headers(auth, Some("20240102T030405Z")),
            &[],
        ));
        assert!(message.starts_with("Credential must have exactly 5 slash-delimited elements"));
        let auth = "AWS4-HMAC-SHA256 Credential=A/20240102/r/sts/aws4_request, SignedHeaders=host, Signature=a";
        let message = incomplete(parse_signature(
            &headers(auth, Some("2024-01-02T03:04:05Z")),
            &[],
        ));
        assert!(
            message.starts_with(
                "Date must be in ISO-8601 'basic format'. Got '2024-01-02T03:04:05Z'."
            )
        );
    }

    #[test]
    fn query_auth_names_each_missing_parameter() {
        let query = vec![("X-Amz-Algorithm".to_owned(), ALGORITHM.to_owned())];
        let message = incomplete(parse_signature(&HeaderMap::new(), &query));
        assert!(message.starts_with(
            "AWS query-string parameters must include 'X-Amz-Credential'. Re-examine the query-string parameters."
        ));
        assert!(message.contains("'X-Amz-Date'"));
    }

    #[test]
    fn no_signature_at_all_is_none_and_off_mode_reads_the_key_leniently() {
        assert!(matches!(parse_signature(&HeaderMap::new(), &[]), Ok(None)));
        let h = headers("AWS4-HMAC-SHA256 Credential=123456789012/x, junk", None);
        assert_eq!(
            claimed_access_key_id(&h, &[]).as_deref(),
            Some("123456789012")
        );
    }
}
