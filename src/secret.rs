//! A secret access key that cannot leak by accident: `Debug` redacts it, equality is
//! constant-time, and the bytes are wiped on drop.

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// A secret access key (or any other credential secret).
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret.
    #[must_use]
    pub fn new(value: String) -> Self {
        Self(Zeroizing::new(value))
    }

    /// The secret itself; call only where it is needed to sign or to hand back to its owner.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for Secret {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_secret() {
        let secret = Secret::new("wJalrXUtnFEMI".to_owned());
        assert!(!format!("{secret:?}").contains("wJalr"));
        assert_eq!(secret.expose(), "wJalrXUtnFEMI");
    }
}
