//! STS: the actions iamd answers, the dispatch table, and the credential-type gates AWS
//! applies before any policy is read.

mod access_key_info;
pub mod action;
mod assume_role;
mod caller_identity;
mod credentials;
pub mod decode;
pub mod mfa_check;
mod session_policies;
mod session_token;
mod tags;

pub use action::StsAction;

use crate::auth::{Principal, PrincipalKind};
use crate::config::AuthMode;
use crate::protocol::{ApiError, ErrorCode};
use crate::store::sessions::SessionKind;

crate::api::dispatch_table!(StsAction {
    AssumeRole => assume_role::assume_role,
    DecodeAuthorizationMessage => decode::decode_authorization_message,
    GetAccessKeyInfo => access_key_info::get_access_key_info,
    GetCallerIdentity => caller_identity::get_caller_identity,
    GetFederationToken => session_token::get_federation_token,
    GetSessionToken => session_token::get_session_token,
});

/// Whether AWS accepts this action without a signature (identity comes from a token instead).
#[must_use]
pub fn is_unsigned(action: StsAction) -> bool {
    matches!(
        action,
        StsAction::AssumeRoleWithSAML | StsAction::AssumeRoleWithWebIdentity
    )
}

/// Refuses what a kind of credentials may never do, whatever the policies say.
///
/// # Errors
/// `AccessDenied` with AWS's fixed wording.
pub fn gate(action: StsAction, principal: &Principal, mode: AuthMode) -> Result<(), ApiError> {
    // `off` mode checks nothing, as the emulators it stands in for do.
    if action == StsAction::GetCallerIdentity || mode == AuthMode::Off {
        return Ok(());
    }
    if action == StsAction::AssumeRole && principal.kind == PrincipalKind::Root {
        return Err(ApiError::new(
            ErrorCode::AccessDenied,
            "Roles may not be assumed by root accounts.",
        ));
    }
    let Some(session) = &principal.session else {
        return Ok(());
    };
    let allowed = match session.kind {
        SessionKind::AssumedRole => !matches!(
            action,
            StsAction::GetSessionToken | StsAction::GetFederationToken
        ),
        SessionKind::UserSession | SessionKind::RootSession => action == StsAction::AssumeRole,
        SessionKind::FederatedUser => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(session_token::session_credentials(action.as_str()))
    }
}
