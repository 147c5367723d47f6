//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, six digits), as
//! virtual MFA apps compute them.
//! See <https://www.rfc-editor.org/rfc/rfc6238>.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds per time step.
pub const STEP: i64 = 30;

/// The time step of a Unix time.
#[must_use]
pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP)
}

/// The six-digit code of `step` for a secret (raw bytes).
#[must_use]
pub fn code(secret: &[u8], step: i64) -> String {
    let Ok(mut mac) = <Hmac<Sha1> as Mac>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary = (u32::from(digest[offset] & 0x7f) << 24)
        | (u32::from(digest[offset + 1]) << 16)
        | (u32::from(digest[offset + 2]) << 8)
        | u32::from(digest[offset + 3]);
    format!("{:06}", binary % 1_000_000)
}

/// The step (within `window` steps either side of `now_step`) whose code is `given`.
#[must_use]
pub fn matching_step(secret: &[u8], given: &str, now_step: i64, window: i64) -> Option<i64> {
    (now_step - window..=now_step + window).find(|step| code(secret, *step) == given)
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", truncated to six digits.
    #[test]
    fn rfc_6238_vectors() {
        let secret = b"12345678901234567890";
        assert_eq!(code(secret, step_of(59)), "287082");
        assert_eq!(code(secret, step_of(1_111_111_109)), "081804");
        assert_eq!(code(secret, step_of(1_234_567_890)), "005924");
        assert_eq!(code(secret, step_of(2_000_000_000)), "279037");
    }

    #[test]
    fn a_code_is_found_within_the_window_only() {
        let secret = b"12345678901234567890";
        let now = step_of(1_234_567_890);
        assert_eq!(
            matching_step(secret, &code(secret, now - 1), now, 1),
            Some(now - 1)
        );
        assert_eq!(matching_step(secret, &code(secret, now - 3), now, 1), None);
    }
}
