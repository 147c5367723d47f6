//! The request context a decision is made against: the action, the resource, who is asking
//! (for `Principal` matching), and the condition keys with their values.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_keys.html>.

use std::collections::HashMap;

/// A context key's value: one string, or a set (for multi-valued keys such as `aws:TagKeys`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextValue {
    /// A single value.
    Single(String),
    /// A set of values (may be empty).
    Multi(Vec<String>),
}

impl ContextValue {
    /// The values as a list.
    #[must_use]
    pub fn values(&self) -> &[String] {
        match self {
            Self::Single(v) => std::slice::from_ref(v),
            Self::Multi(vs) => vs,
        }
    }
}

/// Who is asking, as resource and trust policies name principals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Caller {
    /// The caller's account.
    pub account: String,
    /// The ARN GetCallerIdentity reports (user, root, session).
    pub arn: String,
    /// For role sessions: the role's ARN (with path).
    pub role_arn: Option<String>,
    /// An AWS service principal (`ec2.amazonaws.com`), when a service asks.
    pub service: Option<String>,
    /// A federated provider, for web identity and SAML.
    pub federated: Option<String>,
    /// Whether the caller is the account's root user.
    pub is_root: bool,
}

/// Everything a decision depends on besides the policies.
#[derive(Clone, Debug, Default)]
pub struct RequestContext {
    /// `service:Action`.
    pub action: String,
    /// The resource ARN, or `*` for actions without one.
    pub resource: String,
    /// The caller.
    pub caller: Caller,
    // INVARIANT: keys are stored lower-cased; IAM compares key names ignoring case.
    keys: HashMap<String, ContextValue>,
}

impl RequestContext {
    /// A context for `action` on `resource` by `caller`, with no keys yet.
    #[must_use]
    pub fn new(action: &str, resource: &str, caller: Caller) -> Self {
        Self {
            action: action.to_owned(),
            resource: resource.to_owned(),
            caller,
            keys: HashMap::new(),
        }
    }

    /// Sets a single-valued key.
    pub fn set(&mut self, key: &str, value: impl Into<String>) -> &mut Self {
        self.keys
            .insert(key.to_ascii_lowercase(), ContextValue::Single(value.into()));
        self
    }

    /// Sets a multi-valued key.
    pub fn set_multi(&mut self, key: &str, values: Vec<String>) -> &mut Self {
        self.keys
            .insert(key.to_ascii_lowercase(), ContextValue::Multi(values));
        self
    }

    /// A key's value, looked up ignoring case.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.keys.get(&key.to_ascii_lowercase())
    }

    /// The same context for another action and resource.
    #[must_use]
    pub fn with_target(&self, action: &str, resource: &str) -> Self {
        Self {
            action: action.to_owned(),
            resource: resource.to_owned(),
            ..self.clone()
        }
    }
}
