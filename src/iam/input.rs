//! Reading and validating request parameters the way IAM's model does: every violation of
//! length, pattern, range, enum or presence is collected, then reported together as one
//! `ValidationError` ("N validation errors detected: Value at 'member' failed to satisfy
//! constraint: Member must ..."). IAM never echoes the offending value; STS does.
//! See <https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html>.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::protocol::{ApiError, Params, Service};
pub use crate::store::tags::Tag;

/// A model pattern: the text AWS prints and the regex that implements it.
#[derive(Debug)]
pub struct Pattern {
    pub(crate) text: &'static str,
    pub(crate) regex: LazyLock<Regex>,
}

macro_rules! pattern {
    ($name:ident, $text:literal, $regex:literal) => {
        #[doc = concat!("`", $text, "`")]
        pub static $name: $crate::iam::input::Pattern = $crate::iam::input::Pattern {
            text: $text,
            regex: ::std::sync::LazyLock::new(|| {
                ::regex::Regex::new(concat!("^(?:", $regex, ")$"))
                    .unwrap_or_else(|_| unreachable!())
            }),
        };
    };
}

pub(crate) use pattern;

pattern!(NAME, r"[\w+=,.@-]+", r"[A-Za-z0-9_+=,.@-]+");
pattern!(
    PATH,
    r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)",
    r"/|/[\x21-\x7E]+/"
);
pattern!(PATH_PREFIX, r"\u002F[\u0021-\u007F]*", r"/[\x21-\x7F]*");
pattern!(MARKER, r"[\u0020-\u00FF]+", r"[\x20-\xFF]+");
pattern!(
    PASSWORD,
    r"[\u0009\u000A\u000D\u0020-\u00FF]+",
    r"[\x09\x0A\x0D\x20-\xFF]+"
);
pattern!(ACCESS_KEY_ID, r"[\w]+", r"[A-Za-z0-9_]+");
pattern!(
    POLICY_DOCUMENT,
    r"[\u0009\u000A\u000D\u0020-\u00FF]+",
    r"[\x09\x0A\x0D\x20-\xFF]+"
);
pattern!(
    POLICY_PATH,
    r"((/[A-Za-z0-9\.,\+@=_-]+)*)/",
    r"(?:/[A-Za-z0-9.,+@=_-]+)*/"
);
pattern!(
    VERSION_ID,
    r"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?",
    r"v[1-9][0-9]*(?:\.[A-Za-z0-9-]*)?"
);
pattern!(
    DESCRIPTION,
    r"[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*",
    r"[\x09\x0A\x0D\x20-\x7E\xA1-\xFF]*"
);
pattern!(
    TAG_KEY,
    r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+",
    r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"
);
pattern!(
    TAG_VALUE,
    r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*",
    r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"
);
// The model's lookahead `-(?!-)` forbids "--"; the regex crate has no lookaround, so
// `matches` checks that part separately.
pattern!(
    ACCOUNT_ALIAS,
    r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$",
    r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]"
);

impl Pattern {
    fn matches(&self, value: &str) -> bool {
        let no_lookahead_violation = !std::ptr::eq(self, &ACCOUNT_ALIAS) || !value.contains("--");
        self.regex.is_match(value) && no_lookahead_violation
    }
}

/// The constraints of a string member.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Minimum length in characters.
    pub min: usize,
    /// Maximum length in characters, if any.
    pub max: Option<usize>,
    /// The pattern the whole value must match, if any.
    pub pattern: Option<&'static Pattern>,
}

impl Rule {
    /// A rule with a length range and a pattern.
    #[must_use]
    pub const fn new(min: usize, max: usize, pattern: &'static Pattern) -> Self {
        Self {
            min,
            max: Some(max),
            pattern: Some(pattern),
        }
    }
}

/// `userNameType`: names of new users.
pub const USER_NAME: Rule = Rule::new(1, 64, &NAME);
/// `existingUserNameType`: names of users that must already exist.
pub const EXISTING_USER_NAME: Rule = Rule::new(1, 128, &NAME);
/// `roleNameType`.
pub const ROLE_NAME: Rule = Rule::new(1, 64, &NAME);
/// `policyNameType`.
pub const POLICY_NAME: Rule = Rule::new(1, 128, &NAME);
/// `instanceProfileNameType`.
pub const INSTANCE_PROFILE_NAME: Rule = Rule::new(1, 128, &NAME);
/// `policyPathType`.
pub const POLICY_PATH_RULE: Rule = Rule::new(1, 512, &POLICY_PATH);
/// `policyVersionIdType`.
pub const VERSION_ID_RULE: Rule = Rule {
    min: 0,
    max: None,
    pattern: Some(&VERSION_ID),
};
/// `roleDescriptionType`.
pub const ROLE_DESCRIPTION: Rule = Rule::new(0, 1000, &DESCRIPTION);
/// `policyDescriptionType`.
pub const POLICY_DESCRIPTION: Rule = Rule {
    min: 0,
    max: Some(1000),
    pattern: None,
};
/// `groupNameType`.
pub const GROUP_NAME: Rule = Rule::new(1, 128, &NAME);
/// `pathType`.
pub const PATH_RULE: Rule = Rule::new(1, 512, &PATH);
/// `pathPrefixType`.
pub const PATH_PREFIX_RULE: Rule = Rule::new(1, 512, &PATH_PREFIX);
/// `markerType`.
pub const MARKER_RULE: Rule = Rule::new(1, 320, &MARKER);
/// `passwordType`.
pub const PASSWORD_RULE: Rule = Rule::new(1, 128, &PASSWORD);
/// `accessKeyIdType`.
pub const ACCESS_KEY_ID_RULE: Rule = Rule::new(16, 128, &ACCESS_KEY_ID);
/// `accountAliasType`.
pub const ACCOUNT_ALIAS_RULE: Rule = Rule::new(3, 63, &ACCOUNT_ALIAS);
/// `arnType`.
pub const ARN_RULE: Rule = Rule {
    min: 20,
    max: Some(2048),
    pattern: None,
};
/// `tagKeyType`.
pub const TAG_KEY_RULE: Rule = Rule::new(1, 128, &TAG_KEY);
/// `tagValueType`.
pub const TAG_VALUE_RULE: Rule = Rule::new(0, 256, &TAG_VALUE);

/// Collects the parameters of one request and every constraint they violate.
#[derive(Debug)]
pub struct Input<'a> {
    params: &'a Params,
    service: Service,
    violations: Vec<String>,
}

impl<'a> Input<'a> {
    /// Starts reading `params` for `service` (which decides whether values are echoed).
    #[must_use]
    pub fn new(params: &'a Params, service: Service) -> Self {
        Self {
            params,
            service,
            violations: Vec::new(),
        }
    }

    /// A required string member.
    pub fn required(&mut self, member: &str, rule: &Rule) -> String {
        match self.params.get(member) {
            Some(value) => {
                self.check(member, value, rule);
                value.to_owned()
            }
            None => {
                self.violate(member, None, "not be null");
                String::new()
            }
        }
    }

    /// An optional string member.
    pub fn optional(&mut self, member: &str, rule: &Rule) -> Option<String> {
        let value = self.params.get(member)?;
        self.check(member, value, rule);
        Some(value.to_owned())
    }

    /// An optional integer member within `min..=max`.
    pub fn integer(&mut self, member: &str, min: i64, max: i64) -> Option<i64> {
        let raw = self.params.get(member)?;
        let Ok(value) = raw.trim().parse::<i64>() else {
            self.violate(member, Some(raw), "be a number");
            return None;
        };
        if value < min {
            self.violate(
                member,
                Some(raw),
                &format!("have value greater than or equal to {min}"),
            );
        } else if value > max {
            self.violate(
                member,
                Some(raw),
                &format!("have value less than or equal to {max}"),
            );
        }
        Some(value)
    }

    /// An optional boolean member (`true`/`false`, any case).
    pub fn boolean(&mut self, member: &str) -> Option<bool> {
        let raw = self.params.get(member)?;
        match raw.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                self.violate(member, Some(raw), "be a boolean");
                None
            }
        }
    }

    /// A required member whose value must be one of `allowed`.
    pub fn required_enum(&mut self, member: &str, allowed: &[&str]) -> String {
        let Some(raw) = self.params.get(member) else {
            self.violate(member, None, "not be null");
            return String::new();
        };
        if !allowed.contains(&raw) {
            self.violate(member, Some(raw), "satisfy enum value set");
        }
        raw.to_owned()
    }

    /// An optional member whose value must be one of `allowed`.
    pub fn optional_enum(&mut self, member: &str, allowed: &[&str]) -> Option<String> {
        let raw = self.params.get(member)?;
        if !allowed.contains(&raw) {
            self.violate(member, Some(raw), "satisfy enum value set");
        }
        Some(raw.to_owned())
    }

    /// The `Tags` list: at most 50 items of `Key`/`Value`.
    pub fn tags(&mut self, member: &str) -> Option<Vec<Tag>> {
        let items = self.params.struct_list(member)?;
        let name = lower_first(member);
        if items.len() > 50 {
            self.violate(member, None, "have length less than or equal to 50");
        }
        let mut tags = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let position = index + 1;
            let key = item.get("Key").copied();
            let value = item.get("Value").copied();
            let key_member = format!("{name}.{position}.member.key");
            match key {
                Some(key) => self.check_named(&key_member, key, &TAG_KEY_RULE),
                None => self.push(&key_member, None, "not be null"),
            }
            let value_member = format!("{name}.{position}.member.value");
            match value {
                Some(value) => self.check_named(&value_member, value, &TAG_VALUE_RULE),
                None => self.push(&value_member, None, "not be null"),
            }
            let value = value.unwrap_or_default();
            tags.push(Tag {
                key: key.unwrap_or_default().to_owned(),
                value: value.to_owned(),
            });
        }
        Some(tags)
    }

    /// A required `Tags` list.
    pub fn required_tags(&mut self, member: &str) -> Vec<Tag> {
        if let Some(tags) = self.tags(member) {
            return tags;
        }
        self.violate(member, None, "not be null");
        Vec::new()
    }

    /// A required list of tag keys (at most 50).
    pub fn tag_keys(&mut self, member: &str) -> Vec<String> {
        let Some(items) = self.params.list(member) else {
            self.violate(member, None, "not be null");
            return Vec::new();
        };
        if items.len() > 50 {
            self.violate(member, None, "have length less than or equal to 50");
        }
        if items.iter().any(|key| !rule_holds(key, &TAG_KEY_RULE)) {
            let all = describe_rule(&TAG_KEY_RULE);
            self.violate(
                member,
                None,
                &format!("satisfy constraint: [{all}, Member must not be null]"),
            );
        }
        items.into_iter().map(str::to_owned).collect()
    }

    /// Records a violation of a nested member named as AWS names it (`policyArns.1.member.arn`).
    pub fn push_raw(&mut self, name: &str, value: &str, must: &str) {
        self.push(name, Some(value), must);
    }

    /// Ends reading: one `ValidationError` listing every violation, if there were any.
    ///
    /// # Errors
    /// `ValidationError` in AWS's format.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.violations.is_empty() {
            return Ok(());
        }
        let count = self.violations.len();
        let noun = if count == 1 { "error" } else { "errors" };
        Err(ApiError::validation(format!(
            "{count} validation {noun} detected: {}",
            self.violations.join("; ")
        )))
    }

    fn check(&mut self, member: &str, value: &str, rule: &Rule) {
        self.check_named(&lower_first(member), value, rule);
    }

    fn check_named(&mut self, name: &str, value: &str, rule: &Rule) {
        let length = value.chars().count();
        if length < rule.min {
            self.push(
                name,
                Some(value),
                &format!("have length greater than or equal to {}", rule.min),
            );
        }
        if let Some(max) = rule.max.filter(|max| length > *max) {
            self.push(
                name,
                Some(value),
                &format!("have length less than or equal to {max}"),
            );
        }
        if let Some(pattern) = rule
            .pattern
            .filter(|p| length >= rule.min && !p.matches(value))
        {
            self.push(
                name,
                Some(value),
                &format!("satisfy regular expression pattern: {}", pattern.text),
            );
        }
    }

    fn violate(&mut self, member: &str, value: Option<&str>, must: &str) {
        self.push(&lower_first(member), value, must);
    }

    fn push(&mut self, name: &str, value: Option<&str>, must: &str) {
        let at = match (self.service, value) {
            (Service::Sts, Some(value)) => format!("Value '{value}' at '{name}'"),
            (Service::Sts, None) => format!("Value null at '{name}'"),
            (Service::Iam, _) => format!("Value at '{name}'"),
        };
        self.violations.push(format!(
            "{at} failed to satisfy constraint: Member must {must}"
        ));
    }
}

fn rule_holds(value: &str, rule: &Rule) -> bool {
    let length = value.chars().count();
    length >= rule.min
        && rule.max.is_none_or(|max| length <= max)
        && rule.pattern.is_none_or(|p| p.matches(value))
}

fn describe_rule(rule: &Rule) -> String {
    let mut parts = Vec::new();
    if let Some(max) = rule.max {
        parts.push(format!(
            "Member must have length less than or equal to {max}"
        ));
    }
    parts.push(format!(
        "Member must have length greater than or equal to {}",
        rule.min
    ));
    if let Some(pattern) = rule.pattern {
        parts.push(format!(
            "Member must satisfy regular expression pattern: {}",
            pattern.text
        ));
    }
    parts.join(", ")
}

/// `UserName` → `userName`: how IAM names members in validation messages.
#[must_use]
pub fn lower_first(member: &str) -> String {
    let mut chars = member.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// Tag values by key, for the duplicate check: keys compare ignoring case.
#[must_use]
pub fn has_duplicate_keys(tags: &[Tag]) -> bool {
    let mut seen = BTreeMap::new();
    tags.iter()
        .any(|tag| seen.insert(tag.key.to_lowercase(), ()).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(body: &str) -> Params {
        Params::parse(None, Some(body.as_bytes()))
    }

    fn message(result: Result<(), ApiError>) -> String {
        result
            .err()
            .map(|e| e.message().to_owned())
            .unwrap_or_default()
    }

    #[test]
    fn a_missing_required_member_is_not_null_without_echo() {
        let params = input("");
        let mut i = Input::new(&params, Service::Iam);
        i.required("UserName", &USER_NAME);
        assert_eq!(
            message(i.finish()),
            "1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must not be null"
        );
    }

    #[test]
    fn every_violation_is_counted_and_joined() {
        let params = input(&format!("UserName={}&Path=nope&MaxItems=0", "a".repeat(65)));
        let mut i = Input::new(&params, Service::Iam);
        i.required("UserName", &USER_NAME);
        i.optional("Path", &PATH_RULE);
        i.integer("MaxItems", 1, 1000);
        assert_eq!(
            message(i.finish()),
            "3 validation errors detected: \
             Value at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64; \
             Value at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F); \
             Value at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"
        );
    }

    #[test]
    fn sts_echoes_the_value() {
        let params = input("RoleSessionName=a:b");
        let mut i = Input::new(&params, Service::Sts);
        i.required("RoleSessionName", &Rule::new(2, 64, &NAME));
        assert!(message(i.finish()).contains("Value 'a:b' at 'roleSessionName'"));
    }

    #[test]
    fn names_accept_the_model_alphabet_only() {
        for good in ["bob", "a+b=c,d.e@f-g_h", "B0B"] {
            assert!(NAME.matches(good), "{good}");
        }
        for bad in ["bo b", "bob!", "é", ""] {
            assert!(!NAME.matches(bad), "{bad}");
        }
        assert!(
            PATH.matches("/")
                && PATH.matches("/a/b/")
                && !PATH.matches("/a")
                && !PATH.matches("a/")
        );
    }

    #[test]
    fn tags_report_positions_and_keys_list_reports_the_whole_rule() {
        let params = input(&format!(
            "Tags.member.1.Key={}&Tags.member.1.Value=v&TagKeys.member.1=",
            "k".repeat(129)
        ));
        let mut i = Input::new(&params, Service::Iam);
        i.tags("Tags");
        i.tag_keys("TagKeys");
        let text = message(i.finish());
        assert!(text.contains("Value at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"), "{text}");
        assert!(text.contains("Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+, Member must not be null]"), "{text}");
    }

    #[test]
    fn account_aliases_forbid_double_hyphens_and_capitals() {
        assert!(ACCOUNT_ALIAS.matches("my-alias-1"));
        assert!(!ACCOUNT_ALIAS.matches("my--alias"));
        assert!(!ACCOUNT_ALIAS.matches("MyAlias"));
        assert!(!ACCOUNT_ALIAS.matches("-alias"));
    }

    #[test]
    fn duplicate_tag_keys_ignore_case() {
        let tag = |k: &str| Tag {
            key: k.into(),
            value: String::new(),
        };
        assert!(has_duplicate_keys(&[tag("Env"), tag("env")]));
        assert!(!has_duplicate_keys(&[tag("Env"), tag("Team")]));
    }
}
