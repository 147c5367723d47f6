//! MFA codes passed to STS (`SerialNumber` + `TokenCode`): checked against the device's TOTP
//! secret, each code good once.

use data_encoding::BASE32_NOPAD;

use crate::api::RequestCtx;
use crate::auth::PrincipalKind;
use crate::iam::input::{Input, Rule};
use crate::protocol::{ApiError, ErrorCode};
use crate::store::mfa::ROOT_OWNER;

crate::iam::input::pattern!(SERIAL, r"[\w+=/:,.@-]*", r"[A-Za-z0-9_+=/:,.@-]*");
crate::iam::input::pattern!(DIGITS, r"[\d]*", r"[0-9]*");

const SERIAL_RULE: Rule = Rule {
    min: 9,
    max: Some(256),
    pattern: Some(&SERIAL),
};
const TOKEN_RULE: Rule = Rule {
    min: 6,
    max: Some(6),
    pattern: Some(&DIGITS),
};

/// A device and the code the caller says it shows.
#[derive(Debug, Clone)]
pub struct MfaInput {
    /// The device's serial number.
    pub serial: String,
    /// The six-digit code.
    pub code: String,
}

/// Reads `SerialNumber` and `TokenCode` (both or neither).
pub fn read(input: &mut Input<'_>) -> Option<MfaInput> {
    let serial = input.optional("SerialNumber", &SERIAL_RULE);
    let code = input.optional("TokenCode", &TOKEN_RULE);
    match (serial, code) {
        (Some(serial), Some(code)) => Some(MfaInput { serial, code }),
        _ => None,
    }
}

const FAILED: &str = "MultiFactorAuthentication failed with invalid MFA one time pass code. ";

/// Whether the caller proved MFA: `false` when no code was given.
///
/// # Errors
/// `AccessDenied` for an unknown device, one not the caller's, or a wrong or reused code.
pub async fn verify(ctx: &RequestCtx<'_>, mfa: Option<&MfaInput>) -> Result<bool, ApiError> {
    let Some(mfa) = mfa else { return Ok(false) };
    let failed = || ApiError::new(ErrorCode::AccessDenied, FAILED.trim_end());
    let store = &ctx.app.store;
    let device = store
        .find_mfa_device(&ctx.principal.account_id, &mfa.serial)
        .await
        .map_err(|e| ApiError::internal(&e))?
        .ok_or_else(failed)?;
    let owner = match &ctx.principal.kind {
        PrincipalKind::Root => ROOT_OWNER.to_owned(),
        PrincipalKind::User(user) => user.user_id.clone(),
        PrincipalKind::FederatedUser {
            parent: Some(user), ..
        } => user.user_id.clone(),
        _ => return Err(failed()),
    };
    if device.assigned_to.as_deref() != Some(owner.as_str()) {
        return Err(failed());
    }
    let secret = BASE32_NOPAD
        .decode(device.seed.as_bytes())
        .map_err(|_| failed())?;
    // Authenticators run on real time, so codes are checked against the wall clock even when
    // the server's clock has been moved forward.
    let current = crate::totp::step_of(ctx.app.clock.wall_now().timestamp());
    let step = crate::totp::matching_step(&secret, &mfa.code, current, 1).ok_or_else(failed)?;
    if !store
        .use_mfa_step(&device.serial_number, step)
        .await
        .map_err(|e| ApiError::internal(&e))?
    {
        return Err(failed());
    }
    Ok(true)
}
