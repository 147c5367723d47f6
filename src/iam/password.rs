//! Passwords: Argon2id hashing (off the async threads) and the account password policy's
//! rules. Without a custom policy AWS applies its default one: at least 8 characters and
//! three of the four character kinds.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html>.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::protocol::ApiError;
use crate::store::account_settings::PasswordPolicy;

/// The characters AWS counts as symbols.
const SYMBOLS: &str = "!@#$%^&*()_+-=[]{}|'";

fn hasher() -> Argon2<'static> {
    // Light parameters: this is a local emulator, and tests set many passwords.
    let params = Params::new(4096, 1, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string.
///
/// # Errors
/// `InternalFailure` if hashing fails.
pub async fn hash(password: String) -> Result<String, ApiError> {
    let hashed = tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await;
    match hashed {
        Ok(Ok(hash)) => Ok(hash),
        Ok(Err(e)) => Err(ApiError::internal(&std::io::Error::other(e.to_string()))),
        Err(e) => Err(ApiError::internal(&e)),
    }
}

/// Whether `password` is the one `hash` was made from.
pub async fn verify(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// Whether a password satisfies the policy (or AWS's default one when there is none).
#[must_use]
pub fn conforms(password: &str, policy: Option<&PasswordPolicy>) -> bool {
    let length = password.chars().count();
    let upper = password.chars().any(|c| c.is_ascii_uppercase());
    let lower = password.chars().any(|c| c.is_ascii_lowercase());
    let digit = password.chars().any(|c| c.is_ascii_digit());
    let symbol = password.chars().any(|c| SYMBOLS.contains(c));
    match policy {
        None => {
            let kinds = [upper, lower, digit, symbol].iter().filter(|k| **k).count();
            length >= 8 && kinds >= 3
        }
        Some(p) => {
            let long_enough =
                i64::try_from(length).unwrap_or(i64::MAX) >= p.minimum_password_length;
            long_enough
                && (!p.require_uppercase_characters.0 || upper)
                && (!p.require_lowercase_characters.0 || lower)
                && (!p.require_numbers.0 || digit)
                && (!p.require_symbols.0 || symbol)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::account_settings::Flag;

    fn policy(min: i64, symbols: bool) -> PasswordPolicy {
        PasswordPolicy {
            minimum_password_length: min,
            require_symbols: Flag(symbols),
            require_numbers: Flag(false),
            require_uppercase_characters: Flag(false),
            require_lowercase_characters: Flag(false),
            allow_users_to_change_password: Flag(false),
            max_password_age: None,
            password_reuse_prevention: None,
            hard_expiry: None,
        }
    }

    #[test]
    fn the_default_policy_wants_eight_characters_of_three_kinds() {
        assert!(conforms("Passw0rd", None));
        assert!(conforms("password1!", None));
        assert!(!conforms("password1", None));
        assert!(!conforms("Pa1!", None));
    }

    #[test]
    fn a_custom_policy_replaces_the_default() {
        assert!(conforms("aaaaaa", Some(&policy(6, false))));
        assert!(!conforms("aaaaa", Some(&policy(6, false))));
        assert!(!conforms("aaaaaaaa", Some(&policy(6, true))));
        assert!(conforms("aaaaaa#", Some(&policy(6, true))));
    }

    #[tokio::test]
    async fn hashes_verify_only_their_own_password() {
        let hashed = hash("S3cret!pass".to_owned()).await.unwrap_or_default();
        assert!(hashed.starts_with("$argon2id$"));
        assert!(!hashed.contains("S3cret"));
        assert!(verify("S3cret!pass".to_owned(), hashed.clone()).await);
        assert!(!verify("S3cret!pasS".to_owned(), hashed).await);
    }
}
