//! The only place ARNs are formatted. IAM ARNs have an empty region; the partition is `aws`.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns>.

/// `arn:aws:iam::ACCOUNT:root`.
#[must_use]
pub fn root(account_id: &str) -> String {
    format!("arn:aws:iam::{account_id}:root")
}

/// `arn:aws:iam::ACCOUNT:user{path}{name}`.
#[must_use]
pub fn user(account_id: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account_id}:user{path}{name}")
}

/// `arn:aws:iam::ACCOUNT:group{path}{name}`.
#[must_use]
pub fn group(account_id: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account_id}:group{path}{name}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn root_arn_has_an_empty_region() {
        assert_eq!(
            super::root("000000000000"),
            "arn:aws:iam::000000000000:root"
        );
    }
}
