//! Condition operator names: the base operator, the `ForAnyValue:`/`ForAllValues:` set
//! qualifier and the `IfExists` suffix; and the date forms the `Date*` operators accept.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>.

use chrono::{DateTime, NaiveDate, Utc};

/// The operator families and their members.
const BASE_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

/// How a multi-valued key's values are combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetQualifier {
    /// `ForAnyValue:`.
    AnyValue,
    /// `ForAllValues:`.
    AllValues,
}

/// A parsed operator name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operator {
    /// The base operator, e.g. `StringLike`.
    pub base: &'static str,
    /// The set qualifier, if any.
    pub set: Option<SetQualifier>,
    /// Whether `IfExists` was appended.
    pub if_exists: bool,
}

impl Operator {
    /// Parses `[ForAnyValue:|ForAllValues:]Base[IfExists]`; `None` for unknown names.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        let (set, rest) = if let Some(rest) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::AnyValue), rest)
        } else if let Some(rest) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::AllValues), rest)
        } else {
            (None, name)
        };
        let (if_exists, base) = match rest.strip_suffix("IfExists") {
            Some(base) => (true, base),
            None => (false, rest),
        };
        let base = BASE_OPERATORS.iter().copied().find(|b| *b == base)?;
        if if_exists && base == "Null" {
            return None;
        }
        Some(Self {
            base,
            set,
            if_exists,
        })
    }

    /// Whether values are dates.
    #[must_use]
    pub fn is_date(&self) -> bool {
        self.base.starts_with("Date")
    }
}

/// A `Date*` operand: ISO-8601 date-time (with offset or `Z`), a bare date, or epoch seconds.
#[must_use]
pub fn parse_date(value: &str) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Some(at.with_timezone(&Utc));
    }
    if let Ok(day) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return day.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    }
    for format in [
        "%Y-%m-%dT%H:%M:%SZ",
        "%Y-%m-%dT%H:%MZ",
        "%Y-%m-%dT%H:%M:%S%.fZ",
    ] {
        if let Ok(at) = chrono::NaiveDateTime::parse_from_str(value, format) {
            return Some(at.and_utc());
        }
    }
    value
        .parse::<i64>()
        .ok()
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifiers_and_suffixes_are_split_off() {
        let op = Operator::parse("ForAllValues:StringLikeIfExists");
        assert_eq!(
            op,
            Some(Operator {
                base: "StringLike",
                set: Some(SetQualifier::AllValues),
                if_exists: true
            })
        );
        assert_eq!(Operator::parse("Bool").map(|o| o.base), Some("Bool"));
        assert_eq!(Operator::parse("StringEqualz"), None);
        assert_eq!(Operator::parse("NullIfExists"), None);
        assert_eq!(Operator::parse("stringequals"), None);
    }

    #[test]
    fn dates_take_iso_forms_and_epoch_seconds() {
        assert!(parse_date("2020-01-01T00:00:00Z").is_some());
        assert!(parse_date("2020-01-01T00:00:00+02:00").is_some());
        assert!(parse_date("2020-01-01").is_some());
        assert_eq!(parse_date("0"), DateTime::from_timestamp(0, 0));
        assert!(parse_date("yesterday").is_none());
    }
}
