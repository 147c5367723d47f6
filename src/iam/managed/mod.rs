//! The catalogue of AWS managed policies (`arn:aws:iam::aws:policy/...`), generated from a
//! public data package by `refresh.py` beside this file. Loaded on first use, so an idle
//! server does not pay for it. Only each policy's default version is known.

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use data_encoding::BASE32_NOPAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};

const DATA: &[u8] = include_bytes!("catalogue.json.gz");

/// One AWS managed policy.
#[derive(Debug)]
pub struct AwsPolicy {
    /// Its ARN.
    pub arn: String,
    /// Its name.
    pub name: String,
    /// Its path.
    pub path: String,
    /// A stable `ANPA…` id (the package carries no ids, so one is derived from the ARN).
    pub policy_id: String,
    /// The default version number `n` of `vn`.
    pub default_version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last update.
    pub updated_at: DateTime<Utc>,
    /// The default version's document.
    pub document: String,
}

impl AwsPolicy {
    /// Whether customers may attach it: service-linked-role policies are for AWS only.
    #[must_use]
    pub fn is_attachable(&self) -> bool {
        !self.path.starts_with("/aws-service-role/")
    }
}

/// Every AWS managed policy, by name, with an index by ARN.
#[derive(Debug, Default)]
pub struct Catalogue {
    policies: Vec<AwsPolicy>,
    by_arn: HashMap<String, usize>,
}

/// `[arn, default version, created, updated, document]`, as `refresh.py` writes them.
type RawPolicy = (String, String, Option<String>, Option<String>, String);

#[derive(Deserialize)]
struct Raw {
    policies: Vec<RawPolicy>,
}

impl Catalogue {
    /// The catalogue, decoded on first call.
    pub fn get() -> &'static Self {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| Self::decode().unwrap_or_default())
    }

    /// The policy with this ARN.
    #[must_use]
    pub fn find(&self, arn: &str) -> Option<&AwsPolicy> {
        self.by_arn.get(arn).map(|index| &self.policies[*index])
    }

    /// Every policy, ordered by name.
    #[must_use]
    pub fn all(&self) -> &[AwsPolicy] {
        &self.policies
    }

    fn decode() -> Option<Self> {
        let mut text = String::new();
        flate2::read::GzDecoder::new(DATA)
            .read_to_string(&mut text)
            .ok()?;
        let raw: Raw = serde_json::from_str(&text).ok()?;
        let mut policies: Vec<AwsPolicy> = raw
            .policies
            .into_iter()
            .filter_map(|(arn, version, created, updated, document)| {
                let (_, path, name) = crate::arn::parse_policy(&arn)?;
                let (path, name) = (path.to_owned(), name.to_owned());
                let parse = |t: Option<String>| {
                    t.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                        .map(|t| t.with_timezone(&Utc))
                };
                let created_at = parse(created).unwrap_or_default();
                Some(AwsPolicy {
                    policy_id: derived_id(&arn),
                    default_version: version.trim_start_matches('v').parse().unwrap_or(1),
                    updated_at: parse(updated).unwrap_or(created_at),
                    created_at,
                    arn,
                    name,
                    path,
                    document,
                })
            })
            .collect();
        policies.sort_by_key(|p| p.name.to_ascii_lowercase());
        let by_arn = policies
            .iter()
            .enumerate()
            .map(|(i, p)| (p.arn.clone(), i))
            .collect();
        Some(Self { policies, by_arn })
    }
}

fn derived_id(arn: &str) -> String {
    let digest = Sha256::digest(arn.as_bytes());
    format!("ANPA{}", &BASE32_NOPAD.encode(&digest)[..17])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_knows_well_known_policies_and_nothing_made_up() {
        let catalogue = Catalogue::get();
        assert!(catalogue.all().len() > 1000);
        let lambda =
            catalogue.find("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
        let lambda = lambda.unwrap_or_else(|| panic!("AWSLambdaBasicExecutionRole"));
        assert_eq!(lambda.path, "/service-role/");
        assert!(lambda.document.contains("logs:CreateLogGroup"));
        assert!(
            catalogue
                .find("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")
                .is_some()
        );
        assert!(
            catalogue
                .find("arn:aws:iam::aws:policy/MadeUpPolicy")
                .is_none()
        );
        assert_eq!(lambda.policy_id.len(), 21);
        assert!(
            crate::policy::parse_policy(&lambda.document, crate::policy::PolicyKind::Managed)
                .is_ok()
        );
    }
}
