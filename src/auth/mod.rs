//! Authentication: find the SigV4 signature, verify it against the stored secret, and
//! resolve the principal. Policy decisions are not made here.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html>.

pub mod parse;
pub mod principal;
pub mod sigv4;
pub mod verify;

use http::HeaderMap;

use crate::app::App;
use crate::config::AuthMode;
use crate::protocol::{ApiError, ErrorCode};
use crate::store::sessions::{Session, SessionKind};
use crate::store::{AccessKeyStatus, Credential};
pub use parse::SignatureInput;
pub use principal::{Principal, PrincipalKind};

const INVALID_TOKEN: &str = "The security token included in the request is invalid.";
const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the \
    signature you provided. Check your AWS Secret Access Key and signing method. Consult the \
    service documentation for details.";

/// Why a request was not authenticated.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No signature at all.
    #[error("request is missing authentication")]
    Missing,
    /// A malformed or incomplete signature; the message is AWS's.
    #[error("incomplete signature: {0}")]
    Incomplete(String),
    /// The query string cannot be canonicalized.
    #[error("malformed query string: {0}")]
    MalformedQuery(sigv4::QueryError),
    /// Time window or scope wrong; the message is AWS's.
    #[error("signature rejected: {0}")]
    Rejected(String),
    /// Unknown, inactive or misused access key or session token.
    #[error("invalid access key or token")]
    InvalidToken,
    /// The session token has expired.
    #[error("expired session token")]
    Expired,
    /// The signature differs from ours.
    #[error("signature mismatch")]
    Mismatch {
        /// What we signed, for the debug log.
        canonical_request: String,
        /// What we signed, for the debug log.
        string_to_sign: String,
    },
    /// The store failed.
    #[error("credential lookup failed")]
    Store(#[from] crate::store::StoreError),
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        match error {
            AuthError::Missing => ApiError::new(
                ErrorCode::MissingAuthenticationToken,
                "Request is missing Authentication Token",
            ),
            AuthError::Incomplete(message) => {
                ApiError::new(ErrorCode::IncompleteSignature, message)
            }
            AuthError::MalformedQuery(e) => {
                ApiError::new(ErrorCode::MalformedQueryString, e.to_string())
            }
            AuthError::Rejected(message) => {
                ApiError::new(ErrorCode::SignatureDoesNotMatch, message)
            }
            AuthError::InvalidToken => {
                ApiError::new(ErrorCode::InvalidClientTokenId, INVALID_TOKEN)
            }
            AuthError::Expired => ApiError::new(
                ErrorCode::ExpiredToken,
                "The security token included in the request is expired",
            ),
            AuthError::Mismatch { .. } => {
                ApiError::new(ErrorCode::SignatureDoesNotMatch, SIGNATURE_MISMATCH)
            }
            AuthError::Store(e) => ApiError::internal(&e),
        }
    }
}

/// The parts of an HTTP request that authentication reads.
#[derive(Debug)]
pub struct RequestView<'a> {
    /// Upper-case method.
    pub method: &'a str,
    /// The path as received.
    pub path: &'a str,
    /// The query string as received (without `?`).
    pub raw_query: &'a str,
    /// The query string decoded into pairs.
    pub query: &'a [(String, String)],
    /// All headers.
    pub headers: &'a HeaderMap,
    /// The raw body.
    pub body: &'a [u8],
}

/// Authenticates a request for `service` under the configured mode.
///
/// # Errors
/// The `AuthError` AWS would answer with.
pub async fn authenticate(
    app: &App,
    req: &RequestView<'_>,
    signature: Option<&SignatureInput>,
    service: crate::protocol::Service,
) -> Result<Principal, AuthError> {
    if app.config.auth_mode == AuthMode::Off {
        return accept_unverified(app, req).await;
    }
    let input = signature.ok_or(AuthError::Missing)?;
    verify::check_time(input, app.clock.wall_now())?;
    verify::check_scope(input, service.signing_name())?;
    verify::check_signed_headers(input, req)?;

    let key_id = &input.scope.access_key_id;
    let credential = app
        .store
        .find_credential(key_id)
        .await?
        .ok_or(AuthError::InvalidToken)?;
    match &credential.session {
        Some(session) => check_session(app, session, input, service)?,
        None if credential.status != AccessKeyStatus::Active || input.session_token.is_some() => {
            return Err(AuthError::InvalidToken);
        }
        None => {}
    }
    if let Err(error) = verify::check_signature(input, req, &credential.secret) {
        if let AuthError::Mismatch {
            canonical_request,
            string_to_sign,
        } = &error
        {
            let canonical_request = without_session_token(canonical_request);
            tracing::debug!(
                access_key_id = %key_id,
                %canonical_request,
                %string_to_sign,
                "signature mismatch: this is what the server signed"
            );
        }
        return Err(error);
    }
    if credential.session.is_none() {
        let region = &input.scope.region;
        app.store
            .record_key_use(key_id, app.clock.now(), service.signing_name(), region);
    }
    principal_of(&credential).ok_or(AuthError::InvalidToken)
}

/// Temporary credentials need their own session token, must not have expired, and sessions
/// from GetSessionToken (without MFA) or GetFederationToken cannot call IAM.
fn check_session(
    app: &App,
    session: &Session,
    input: &SignatureInput,
    service: crate::protocol::Service,
) -> Result<(), AuthError> {
    use subtle::ConstantTimeEq;
    let Some(token) = &input.session_token else {
        return Err(AuthError::InvalidToken);
    };
    let matches: bool = token
        .as_bytes()
        .ct_eq(session.token.expose().as_bytes())
        .into();
    if !matches {
        return Err(AuthError::InvalidToken);
    }
    if app.clock.now() >= session.expires_at {
        return Err(AuthError::Expired);
    }
    let barred_from_iam = match session.kind {
        SessionKind::FederatedUser => true,
        SessionKind::UserSession | SessionKind::RootSession => !session.mfa_authenticated,
        SessionKind::AssumedRole => false,
    };
    if service == crate::protocol::Service::Iam && barred_from_iam {
        return Err(AuthError::InvalidToken);
    }
    if session.kind == SessionKind::AssumedRole && session.role.is_none() {
        return Err(AuthError::InvalidToken);
    }
    Ok(())
}

/// The principal a credential speaks for; `None` when the user or role a session was issued
/// to no longer exists (its credentials then stop working, as AWS's do).
fn principal_of(credential: &Credential) -> Option<Principal> {
    let key = Some(credential.access_key_id.clone());
    let account = &credential.account_id;
    let Some(session) = &credential.session else {
        return Some(match &credential.owner {
            Some(owner) => Principal::user(account, owner.clone(), key),
            None => Principal::root(account, key),
        });
    };
    // A role session outlives the user who assumed the role, as in AWS; user and federated
    // sessions do not outlive their user.
    if session.kind != SessionKind::AssumedRole && session.issued_to_user && session.user.is_none()
    {
        return None;
    }
    let name = session.session_name.clone().unwrap_or_default();
    let kind = match (session.kind, &session.role, &session.user) {
        (SessionKind::AssumedRole, Some(role), _) => PrincipalKind::AssumedRole {
            role: role.clone(),
            session_name: name,
        },
        (SessionKind::AssumedRole, None, _) => return None,
        (SessionKind::FederatedUser, _, parent) => PrincipalKind::FederatedUser {
            name,
            parent: parent.clone(),
        },
        (SessionKind::UserSession, _, Some(owner)) => PrincipalKind::User(owner.clone()),
        (SessionKind::UserSession, _, None) => return None,
        (SessionKind::RootSession, _, _) => PrincipalKind::Root,
    };
    Some(Principal {
        account_id: account.clone(),
        kind,
        access_key_id: key,
        session: Some(session.clone()),
    })
}

/// `off` mode: a known key speaks for its owner, a 12-digit key id selects that account,
/// anything else is the default account's root.
async fn accept_unverified(app: &App, req: &RequestView<'_>) -> Result<Principal, AuthError> {
    let claimed = parse::claimed_access_key_id(req.headers, req.query);
    if let Some(key_id) = &claimed {
        if let Some(credential) = app.store.find_credential(key_id).await? {
            return principal_of(&credential).ok_or(AuthError::InvalidToken);
        }
        if key_id.len() == 12 && key_id.bytes().all(|b| b.is_ascii_digit()) {
            app.store.ensure_account(key_id, app.clock.now()).await?;
            return Ok(Principal::root(key_id, claimed.clone()));
        }
    }
    Ok(Principal::root(&app.config.account_id, claimed))
}

/// The canonical request with any session token blanked out, fit for a log: the token is a
/// bearer credential, unlike the signature the log exists to explain.
fn without_session_token(canonical_request: &str) -> String {
    canonical_request
        .split('\n')
        .map(|line| {
            if line.starts_with("x-amz-security-token:") {
                return "x-amz-security-token:<redacted>".to_owned();
            }
            line.split('&')
                .map(|pair| {
                    if pair.starts_with("X-Amz-Security-Token=") {
                        "X-Amz-Security-Token=<redacted>"
                    } else {
                        pair
                    }
                })
                .collect::<Vec<_>>()
                .join("&")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::without_session_token;

    #[test]
    fn session_tokens_are_blanked_in_logged_canonical_requests() {
        let canonical = "POST\n/\nAction=X&X-Amz-Security-Token=secret%2Fpart&b=1\n\
                         host:localhost\nx-amz-security-token:secret/part\n\nhost;x-amz-security-token\nabc";
        let shown = without_session_token(canonical);
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("Action=X&X-Amz-Security-Token=<redacted>&b=1"));
        assert!(shown.contains("x-amz-security-token:<redacted>"));
        assert!(shown.contains("host;x-amz-security-token"));
    }
}
