//! Evaluating a statement's conditions: every operator family, `…IfExists`, the
//! `ForAnyValue:`/`ForAllValues:` set operators and the missing-key rules. Several values of
//! one key are OR-ed (NOR for negated operators); several keys and operators are AND-ed.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>.

use std::net::IpAddr;

use super::context::RequestContext;
use super::matcher::arn_matches;
use super::model::{Condition, Version};
use super::operators::{Operator, SetQualifier, parse_date};
use super::{glob, variables};

/// The outcome of one condition test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Whether the condition holds.
    pub holds: bool,
    /// The key, when the request did not carry it.
    pub missing: Option<String>,
}

/// Evaluates one condition against the request.
#[must_use]
pub fn evaluate(condition: &Condition, ctx: &RequestContext, version: Version) -> Outcome {
    let Some(op) = Operator::parse(&condition.operator) else {
        return Outcome {
            holds: false,
            missing: None,
        };
    };
    let value = ctx.get(&condition.key);
    let missing = value.is_none().then(|| condition.key.clone());
    if op.base == "Null" {
        let wants_absent = condition
            .values
            .iter()
            .any(|v| v.eq_ignore_ascii_case("true"));
        let absent = value.is_none();
        return Outcome {
            holds: wants_absent == absent,
            missing: None,
        };
    }
    let Some(value) = value else {
        let holds = op.if_exists
            || op.set == Some(SetQualifier::AllValues)
            || (op.set.is_none() && is_negated(op.base));
        return Outcome { holds, missing };
    };

    // Variables in policy values, for the families that allow them, under 2012-10-17.
    let expands = version == Version::V2012
        && (op.base.starts_with("String") || op.base.starts_with("Arn") || op.base == "Bool");
    let mut policy_values = Vec::with_capacity(condition.values.len());
    for raw in &condition.values {
        if expands {
            match variables::expand(raw, ctx) {
                Some(v) => policy_values.push(v),
                // An unresolvable variable makes the whole statement not apply.
                None => {
                    return Outcome {
                        holds: false,
                        missing: None,
                    };
                }
            }
        } else {
            policy_values.push(raw.clone());
        }
    }

    let negated = is_negated(op.base);
    let base = positive_form(op.base);
    let matches_any = |request: &str| policy_values.iter().any(|p| compare(base, request, p));
    let per_value = |request: &String| {
        if negated {
            !matches_any(request)
        } else {
            matches_any(request)
        }
    };
    let requests = value.values();
    let holds = match op.set {
        Some(SetQualifier::AllValues) => requests.iter().all(per_value),
        Some(SetQualifier::AnyValue) | None => requests.iter().any(per_value),
    };
    Outcome {
        holds,
        missing: None,
    }
}

fn is_negated(base: &str) -> bool {
    matches!(
        base,
        "StringNotEquals"
            | "StringNotEqualsIgnoreCase"
            | "StringNotLike"
            | "NumericNotEquals"
            | "DateNotEquals"
            | "NotIpAddress"
            | "ArnNotEquals"
            | "ArnNotLike"
    )
}

fn positive_form(base: &str) -> &str {
    match base {
        "StringNotEquals" => "StringEquals",
        "StringNotEqualsIgnoreCase" => "StringEqualsIgnoreCase",
        "StringNotLike" => "StringLike",
        "NumericNotEquals" => "NumericEquals",
        "DateNotEquals" => "DateEquals",
        "NotIpAddress" => "IpAddress",
        "ArnNotEquals" => "ArnEquals",
        "ArnNotLike" => "ArnLike",
        other => other,
    }
}

/// Whether one request value satisfies one policy value under a positive operator.
fn compare(base: &str, request: &str, policy: &str) -> bool {
    match base {
        "StringEquals" => request == literal(policy),
        "StringEqualsIgnoreCase" => request.to_lowercase() == literal(policy).to_lowercase(),
        "StringLike" => glob::matches(request, policy),
        "NumericEquals" => numbers(request, policy).is_some_and(|(r, p)| r == p),
        "NumericLessThan" => numbers(request, policy).is_some_and(|(r, p)| r < p),
        "NumericLessThanEquals" => numbers(request, policy).is_some_and(|(r, p)| r <= p),
        "NumericGreaterThan" => numbers(request, policy).is_some_and(|(r, p)| r > p),
        "NumericGreaterThanEquals" => numbers(request, policy).is_some_and(|(r, p)| r >= p),
        "DateEquals" => dates(request, policy).is_some_and(|(r, p)| r == p),
        "DateLessThan" => dates(request, policy).is_some_and(|(r, p)| r < p),
        "DateLessThanEquals" => dates(request, policy).is_some_and(|(r, p)| r <= p),
        "DateGreaterThan" => dates(request, policy).is_some_and(|(r, p)| r > p),
        "DateGreaterThanEquals" => dates(request, policy).is_some_and(|(r, p)| r >= p),
        "Bool" => request.eq_ignore_ascii_case(policy),
        "BinaryEquals" => request == policy,
        "IpAddress" => ip_in(request, policy),
        "ArnEquals" | "ArnLike" => arn_matches(policy, request),
        _ => false,
    }
}

/// Escaped wildcards stand for themselves where no wildcards exist.
fn literal(policy: &str) -> String {
    policy
        .replace(glob::LITERAL_STAR, "*")
        .replace(glob::LITERAL_QUESTION, "?")
}

fn numbers(request: &str, policy: &str) -> Option<(f64, f64)> {
    Some((request.trim().parse().ok()?, policy.trim().parse().ok()?))
}

fn dates(request: &str, policy: &str) -> Option<(i64, i64)> {
    Some((
        parse_date(request)?.timestamp_millis(),
        parse_date(policy)?.timestamp_millis(),
    ))
}

/// Whether an address lies in a CIDR block (a bare address is a /32 or /128).
fn ip_in(request: &str, block: &str) -> bool {
    let Ok(address) = request.trim().parse::<IpAddr>() else {
        return false;
    };
    let (network, bits) = match block.trim().split_once('/') {
        Some((n, b)) => (n, b.parse::<u32>().ok()),
        None => (block.trim(), None),
    };
    let Ok(network) = network.parse::<IpAddr>() else {
        return false;
    };
    match (address, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::context::Caller;

    fn cond(operator: &str, key: &str, values: &[&str]) -> Condition {
        Condition {
            operator: operator.into(),
            key: key.into(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    fn ctx() -> RequestContext {
        let mut ctx = RequestContext::new("s3:GetObject", "*", Caller::default());
        ctx.set("aws:username", "alice")
            .set("aws:SourceIp", "10.1.2.3")
            .set("aws:CurrentTime", "2024-06-01T12:00:00Z")
            .set("aws:MultiFactorAuthAge", "300")
            .set("aws:SecureTransport", "true")
            .set("s3:prefix", "home/alice/docs");
        ctx.set_multi("aws:TagKeys", vec!["team".into(), "env".into()]);
        ctx.set_multi("aws:CalledVia", vec![]);
        ctx
    }

    fn holds(operator: &str, key: &str, values: &[&str]) -> bool {
        evaluate(&cond(operator, key, values), &ctx(), Version::V2012).holds
    }

    #[test]
    fn string_operators() {
        assert!(holds("StringEquals", "aws:username", &["bob", "alice"]));
        assert!(!holds("StringEquals", "aws:username", &["Alice"]));
        assert!(holds("StringEqualsIgnoreCase", "aws:username", &["ALICE"]));
        assert!(holds("StringNotEquals", "aws:username", &["bob"]));
        assert!(!holds("StringNotEquals", "aws:username", &["bob", "alice"]));
        assert!(holds(
            "StringLike",
            "s3:prefix",
            &["home/${aws:username}/*"]
        ));
        assert!(holds("StringNotLike", "s3:prefix", &["tmp/*"]));
    }

    #[test]
    fn numeric_date_bool_ip_operators() {
        assert!(holds(
            "NumericLessThan",
            "aws:MultiFactorAuthAge",
            &["3600"]
        ));
        assert!(!holds(
            "NumericGreaterThan",
            "aws:MultiFactorAuthAge",
            &["3600"]
        ));
        assert!(!holds("NumericEquals", "aws:MultiFactorAuthAge", &["abc"]));
        assert!(holds(
            "DateGreaterThan",
            "aws:CurrentTime",
            &["2024-01-01T00:00:00Z"]
        ));
        assert!(holds("DateLessThan", "aws:CurrentTime", &["1735689600"]));
        assert!(holds("Bool", "aws:SecureTransport", &["TRUE"]));
        assert!(holds("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]));
        assert!(!holds("IpAddress", "aws:SourceIp", &["192.168.0.0/16"]));
        assert!(holds("NotIpAddress", "aws:SourceIp", &["192.168.0.0/16"]));
        assert!(holds("IpAddress", "aws:SourceIp", &["10.1.2.3"]));
    }

    #[test]
    fn missing_keys_follow_the_operator_family() {
        assert!(!holds("StringEquals", "aws:PrincipalTag/x", &["a"]));
        assert!(holds("StringNotEquals", "aws:PrincipalTag/x", &["a"]));
        assert!(holds("StringEqualsIfExists", "aws:PrincipalTag/x", &["a"]));
        assert!(holds(
            "BoolIfExists",
            "aws:MultiFactorAuthPresent",
            &["false"]
        ));
        assert!(!holds("Bool", "aws:MultiFactorAuthPresent", &["false"]));
        assert!(holds("Null", "aws:MultiFactorAuthPresent", &["true"]));
        assert!(!holds("Null", "aws:username", &["true"]));
        assert!(holds("Null", "aws:username", &["false"]));
        let outcome = evaluate(
            &cond("StringEquals", "aws:PrincipalTag/x", &["a"]),
            &ctx(),
            Version::V2012,
        );
        assert_eq!(outcome.missing.as_deref(), Some("aws:PrincipalTag/x"));
    }

    #[test]
    fn set_operators_and_their_empty_set_rules() {
        assert!(holds("ForAnyValue:StringEquals", "aws:TagKeys", &["env"]));
        assert!(!holds("ForAllValues:StringEquals", "aws:TagKeys", &["env"]));
        assert!(holds(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["env", "team", "owner"]
        ));
        assert!(holds("ForAllValues:StringEquals", "aws:CalledVia", &["x"]));
        assert!(!holds("ForAnyValue:StringEquals", "aws:CalledVia", &["x"]));
        assert!(holds(
            "ForAllValues:StringEquals",
            "aws:RequestTag/none",
            &["x"]
        ));
        assert!(!holds(
            "ForAnyValue:StringEquals",
            "aws:RequestTag/none",
            &["x"]
        ));
        assert!(holds(
            "ForAnyValue:StringNotEquals",
            "aws:TagKeys",
            &["env"]
        ));
        assert!(!holds(
            "ForAllValues:StringNotEquals",
            "aws:TagKeys",
            &["env"]
        ));
    }

    #[test]
    fn variables_expand_only_under_2012_and_unresolved_ones_fail() {
        let c = cond("StringEquals", "aws:username", &["${aws:username}"]);
        assert!(evaluate(&c, &ctx(), Version::V2012).holds);
        assert!(!evaluate(&c, &ctx(), Version::V2008).holds);
        let unresolved = cond(
            "StringNotEquals",
            "aws:username",
            &["${aws:PrincipalTag/none}"],
        );
        assert!(!evaluate(&unresolved, &ctx(), Version::V2012).holds);
    }

    #[test]
    fn ipv6_blocks_match() {
        assert!(ip_in("2001:db8::1", "2001:db8::/32"));
        assert!(!ip_in("2001:db9::1", "2001:db8::/32"));
        assert!(!ip_in("10.0.0.1", "2001:db8::/32"));
    }
}
