//! The only place that mints identifiers: unique ids with AWS's prefixes, access key ids that
//! encode their account (as AWS's do, so `GetAccessKeyInfo` works on any key), and secrets.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html>.

use data_encoding::BASE32_NOPAD;
use rand::{Rng, RngCore};

/// The four-character prefix of a unique id or key id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdPrefix {
    /// IAM user.
    User,
    /// IAM group.
    Group,
    /// IAM role.
    Role,
    /// Managed policy.
    Policy,
    /// Instance profile.
    InstanceProfile,
    /// Long-term access key id.
    AccessKey,
    /// Temporary (STS) access key id.
    TemporaryAccessKey,
}

impl IdPrefix {
    /// The prefix text.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::User => "AIDA",
            Self::Group => "AGPA",
            Self::Role => "AROA",
            Self::Policy => "ANPA",
            Self::InstanceProfile => "AIPA",
            Self::AccessKey => "AKIA",
            Self::TemporaryAccessKey => "ASIA",
        }
    }
}

/// A 21-character unique id: the prefix and 17 characters of the base32 alphabet `A-Z2-7`.
#[must_use]
pub fn unique_id(prefix: IdPrefix) -> String {
    let mut bytes = [0u8; 11];
    rand::thread_rng().fill_bytes(&mut bytes);
    let body = BASE32_NOPAD.encode(&bytes);
    format!("{}{}", prefix.as_str(), &body[..17])
}

/// A 20-character access key id whose first six decoded bytes carry `account_id`, the way
/// AWS lays it out: bits 7..47 hold the account number.
#[must_use]
pub fn access_key_id(prefix: IdPrefix, account_id: &str) -> String {
    let account: u64 = account_id.parse().unwrap_or(0);
    let mut rng = rand::thread_rng();
    let noise: u64 = rng.r#gen::<u64>() & 0x8000_0000_007f;
    let head = (account << 7) | noise;
    let mut bytes = [0u8; 10];
    bytes[..6].copy_from_slice(&head.to_be_bytes()[2..]);
    rng.fill_bytes(&mut bytes[6..]);
    format!("{}{}", prefix.as_str(), BASE32_NOPAD.encode(&bytes))
}

/// The account an AWS-style access key id was minted for, or `None` when the id does not
/// have the modern layout.
#[must_use]
pub fn account_of_access_key(access_key_id: &str) -> Option<String> {
    if access_key_id.len() != 20 || !access_key_id.is_ascii() {
        return None;
    }
    let bytes = BASE32_NOPAD.decode(&access_key_id.as_bytes()[4..]).ok()?;
    let mut head = [0u8; 8];
    head[2..].copy_from_slice(bytes.get(..6)?);
    let account = (u64::from_be_bytes(head) & 0x7fff_ffff_ff80) >> 7;
    Some(format!("{account:012}"))
}

/// A 40-character secret access key from the alphabet `A-Za-z0-9/+`.
#[must_use]
pub fn secret_access_key() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";
    let mut rng = rand::thread_rng();
    (0..40)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// A fresh request id, the UUID form AWS uses for `x-amzn-RequestId`.
#[must_use]
pub fn request_id() -> String {
    // A version-4 UUID from the thread's generator: the operating system's one would cost a
    // system call per request.
    uuid::Builder::from_random_bytes(rand::random())
        .into_uuid()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_distinct_version_4_uuids() -> Result<(), uuid::Error> {
        let (a, b) = (request_id(), request_id());
        assert_ne!(a, b);
        for id in [a, b] {
            let parsed = uuid::Uuid::parse_str(&id)?;
            assert_eq!(parsed.get_version_num(), 4);
            assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122);
            assert_eq!(
                id,
                parsed.hyphenated().to_string(),
                "lower-case, hyphenated"
            );
        }
        Ok(())
    }

    #[test]
    fn unique_ids_have_prefix_and_base32_body() {
        let id = unique_id(IdPrefix::User);
        assert_eq!(id.len(), 21);
        assert!(id.starts_with("AIDA"));
        assert!(
            id[4..]
                .chars()
                .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
        );
        assert_ne!(id, unique_id(IdPrefix::User));
    }

    #[test]
    fn access_key_ids_encode_their_account() {
        for account in ["000000000000", "123456789012", "999999999999"] {
            let id = access_key_id(IdPrefix::AccessKey, account);
            assert_eq!(id.len(), 20);
            assert!(id.starts_with("AKIA"));
            assert_eq!(account_of_access_key(&id).as_deref(), Some(account));
        }
    }

    // A key id published in AWS's own documentation decodes to its documented account.
    #[test]
    fn documented_key_id_decodes_to_its_account() {
        assert_eq!(
            account_of_access_key("ASIAY34FZKBOKMUTVV7A").as_deref(),
            Some("609629065308")
        );
    }

    #[test]
    fn secrets_are_forty_characters_of_the_aws_alphabet() {
        let secret = secret_access_key();
        assert_eq!(secret.len(), 40);
        assert!(
            secret
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '+')
        );
    }
}
