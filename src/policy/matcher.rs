//! Matching a statement's `Action`, `Resource` and `Principal` against a request.
//! Actions compare ignoring case; ARNs compare field by field, case-sensitively, with `*` and
//! `?` confined to their field except in the resource part.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>.

use super::context::{Caller, RequestContext};
use super::glob;
use super::model::{PrincipalEntry, PrincipalType, Targets, Version};
use super::variables;

/// Whether an `Action` pattern covers `action` (`service:Name`), ignoring case.
#[must_use]
pub fn action_matches(pattern: &str, action: &str) -> bool {
    pattern == "*" || glob::matches_ignoring_ascii_case(action, pattern)
}

/// Whether `Action`/`NotAction` applies to the request's action.
#[must_use]
pub fn actions_apply(targets: &Targets<String>, action: &str) -> bool {
    targets.items.iter().any(|p| action_matches(p, action)) != targets.negated
}

/// Whether `Resource`/`NotResource` applies; variables are expanded under 2012-10-17.
#[must_use]
pub fn resources_apply(targets: &Targets<String>, ctx: &RequestContext, version: Version) -> bool {
    let matched = targets.items.iter().any(|pattern| {
        if version == Version::V2008 || !pattern.contains("${") {
            return arn_matches(pattern, &ctx.resource);
        }
        expand_resource_part(pattern, ctx).is_some_and(|p| arn_matches(&p, &ctx.resource))
    });
    matched != targets.negated
}

/// Expands variables in the resource part of an ARN pattern only (after the fifth colon);
/// the other fields keep any `${...}` as literal text.
fn expand_resource_part(pattern: &str, ctx: &RequestContext) -> Option<String> {
    let fields: Vec<&str> = pattern.splitn(6, ':').collect();
    match fields.as_slice() {
        [arn, partition, service, region, account, resource] => {
            let resource = variables::expand(resource, ctx)?;
            Some(format!(
                "{arn}:{partition}:{service}:{region}:{account}:{resource}"
            ))
        }
        _ => variables::expand(pattern, ctx),
    }
}

/// Whether an ARN pattern covers an ARN: `*` covers everything; otherwise the six fields are
/// compared one by one, wildcards staying inside their field except in the resource part.
#[must_use]
pub fn arn_matches(pattern: &str, arn: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let (Some(pattern_fields), Some(arn_fields)) = (arn_fields(pattern), arn_fields(arn)) else {
        return pattern == arn;
    };
    pattern_fields
        .iter()
        .zip(&arn_fields)
        .all(|(p, a)| glob::matches(a, p))
}

/// The six colon-separated fields of an ARN (the last keeps any further colons).
fn arn_fields(arn: &str) -> Option<[&str; 6]> {
    let mut fields = arn.splitn(6, ':');
    let mut out = [""; 6];
    for slot in &mut out {
        *slot = fields.next()?;
    }
    Some(out)
}

/// How a policy's `Principal` named the caller, which decides what a resource policy's grant
/// waives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalMatch {
    /// `*`: everyone.
    Everyone,
    /// The caller's account (`123456789012` or `arn:aws:iam::123456789012:root`).
    Account,
    /// The caller itself: its user ARN, or its exact session ARN.
    Direct,
    /// The role whose session the caller is.
    Role,
    /// A service or federated principal.
    Other,
}

/// How `Principal`/`NotPrincipal` names the caller, or `None` when it does not.
#[must_use]
pub fn principal_match(
    targets: &Targets<PrincipalEntry>,
    caller: &Caller,
) -> Option<PrincipalMatch> {
    let found = targets
        .items
        .iter()
        .filter_map(|entry| entry_match(entry, caller))
        // In `NotPrincipal` the account's ARN spares only the account's root user, not every
        // principal of the account.
        .filter(|m| !targets.negated || *m != PrincipalMatch::Account || caller.is_root)
        .min_by_key(|m| rank(*m));
    match (targets.negated, found) {
        (false, found) => found,
        (true, Some(_)) => None,
        (true, None) => Some(PrincipalMatch::Everyone),
    }
}

/// Prefer the most specific way the caller was named.
fn rank(m: PrincipalMatch) -> u8 {
    match m {
        PrincipalMatch::Direct => 0,
        PrincipalMatch::Role => 1,
        PrincipalMatch::Other => 2,
        PrincipalMatch::Everyone => 3,
        PrincipalMatch::Account => 4,
    }
}

fn entry_match(entry: &PrincipalEntry, caller: &Caller) -> Option<PrincipalMatch> {
    match entry {
        PrincipalEntry::Everyone => Some(PrincipalMatch::Everyone),
        PrincipalEntry::Named(PrincipalType::Aws, value) => aws_match(value, caller),
        PrincipalEntry::Named(PrincipalType::Service, value) => {
            (caller.service.as_deref() == Some(value.as_str())).then_some(PrincipalMatch::Other)
        }
        PrincipalEntry::Named(PrincipalType::Federated, value) => {
            (caller.federated.as_deref() == Some(value.as_str())).then_some(PrincipalMatch::Other)
        }
        PrincipalEntry::Named(PrincipalType::CanonicalUser, _) => None,
    }
}

fn aws_match(value: &str, caller: &Caller) -> Option<PrincipalMatch> {
    if caller.service.is_some() || caller.federated.is_some() {
        return None;
    }
    if value == "*" {
        return Some(PrincipalMatch::Everyone);
    }
    if value == caller.account || value == format!("arn:aws:iam::{}:root", caller.account) {
        return Some(PrincipalMatch::Account);
    }
    if value == caller.arn {
        return Some(PrincipalMatch::Direct);
    }
    (caller.role_arn.as_deref() == Some(value)).then_some(PrincipalMatch::Role)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_match_ignoring_case_with_wildcards() {
        assert!(action_matches("iam:*", "iam:CreateUser"));
        assert!(action_matches("IAM:createuser", "iam:CreateUser"));
        assert!(action_matches("iam:Get?ser", "iam:GetUser"));
        assert!(action_matches("*", "s3:GetObject"));
        assert!(!action_matches("iam:List*", "iam:GetUser"));
        assert!(!action_matches("s3:*", "s3express:CreateSession"));
    }

    #[test]
    fn arns_match_field_by_field_and_case_sensitively() {
        assert!(arn_matches(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket/a/b:c"
        ));
        assert!(arn_matches(
            "arn:aws:iam::*:user/division_abc*",
            "arn:aws:iam::123456789012:user/division_abc/x/Jane"
        ));
        assert!(!arn_matches(
            "arn:aws:iam::*:user/division_abc*",
            "arn:aws:iam::123456789012:user/JohnDoe"
        ));
        assert!(!arn_matches(
            "arn:aws:iam::*:user/Bob",
            "arn:aws:iam::123456789012:user/bob"
        ));
        assert!(arn_matches(
            "arn:aws:logs:*:*:*",
            "arn:aws:logs:us-east-1:123456789012:log-group:x"
        ));
        // A wildcard in one field never reaches into the next.
        assert!(!arn_matches("arn:aws:s3*", "arn:aws:s3:::bucket"));
        assert!(!arn_matches(
            "arn:aws:iam::1*:user/x",
            "arn:aws:iam::123:role/x"
        ));
        assert!(!arn_matches("arn:aws:iam::*:user/x", "*"));
    }

    #[test]
    fn principals_say_how_they_named_the_caller() {
        let caller = Caller {
            account: "111111111111".into(),
            arn: "arn:aws:sts::111111111111:assumed-role/R/s".into(),
            role_arn: Some("arn:aws:iam::111111111111:role/R".into()),
            ..Caller::default()
        };
        let named = |values: &[&str]| Targets {
            negated: false,
            items: values
                .iter()
                .map(|v| PrincipalEntry::Named(PrincipalType::Aws, (*v).to_owned()))
                .collect(),
        };
        assert_eq!(
            principal_match(&named(&["111111111111"]), &caller),
            Some(PrincipalMatch::Account)
        );
        assert_eq!(
            principal_match(&named(&["arn:aws:iam::111111111111:role/R"]), &caller),
            Some(PrincipalMatch::Role)
        );
        assert_eq!(
            principal_match(
                &named(&[
                    "arn:aws:iam::111111111111:root",
                    "arn:aws:sts::111111111111:assumed-role/R/s"
                ]),
                &caller
            ),
            Some(PrincipalMatch::Direct)
        );
        assert_eq!(principal_match(&named(&["222222222222"]), &caller), None);
        let not = Targets {
            negated: true,
            ..named(&["222222222222"])
        };
        assert_eq!(
            principal_match(&not, &caller),
            Some(PrincipalMatch::Everyone)
        );
    }
}
