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

/// `arn:aws:iam::ACCOUNT:role{path}{name}`.
#[must_use]
pub fn role(account_id: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account_id}:role{path}{name}")
}

/// `arn:aws:iam::ACCOUNT:policy{path}{name}` (`ACCOUNT` is `aws` for AWS managed policies).
#[must_use]
pub fn policy(account_id: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account_id}:policy{path}{name}")
}

/// `arn:aws:iam::ACCOUNT:instance-profile{path}{name}`.
#[must_use]
pub fn instance_profile(account_id: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account_id}:instance-profile{path}{name}")
}

/// The parts of a managed policy ARN: account (or `aws`), path and name.
#[must_use]
pub fn parse_policy(arn: &str) -> Option<(&str, &str, &str)> {
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (account, resource) = rest.split_once(':')?;
    let full = resource.strip_prefix("policy")?;
    if !full.starts_with('/') {
        return None;
    }
    let split = full.rfind('/')?;
    let (path, name) = (&full[..=split], &full[split + 1..]);
    let account_ok =
        account == "aws" || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
    (account_ok && !name.is_empty()).then_some((account, path, name))
}

#[cfg(test)]
mod tests {
    #[test]
    fn root_arn_has_an_empty_region() {
        assert_eq!(
            super::root("000000000000"),
            "arn:aws:iam::000000000000:root"
        );
        assert_eq!(
            super::user("1", "/a/b/", "Bob"),
            "arn:aws:iam::1:user/a/b/Bob"
        );
    }

    #[test]
    fn policy_arns_split_into_account_path_and_name() {
        let arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
        assert_eq!(
            super::parse_policy(arn),
            Some(("aws", "/service-role/", "AWSLambdaBasicExecutionRole"))
        );
        assert_eq!(
            super::parse_policy("arn:aws:iam::123456789012:policy/p"),
            Some(("123456789012", "/", "p"))
        );
        assert_eq!(
            super::parse_policy("arn:aws:iam::123456789012:role/p"),
            None
        );
        assert_eq!(super::parse_policy("not-an-arn"), None);
    }
}
