//! The policy grammar as typed values: what the parser produces and evaluation consumes.

use super::json::Position;

/// Which rules a document is held to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyKind {
    /// An inline identity policy (Put{User,Group,Role}Policy): any `Version`.
    Inline,
    /// A managed policy version: `Version` 2012-10-17 required.
    Managed,
    /// A role trust policy: `Principal` required, `Resource` forbidden, STS actions only.
    Trust,
    /// A resource-based policy given to the simulator: `Principal` required.
    Resource,
    /// A session policy passed to STS.
    Session,
}

/// The policy language version, which decides whether `${...}` variables are expanded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// `2008-10-17`, or no `Version`: variables are literal text.
    V2008,
    /// `2012-10-17`.
    V2012,
}

/// A parsed policy document.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// The language version.
    pub version: Version,
    /// `Id`, if given.
    pub id: Option<String>,
    /// The statements in document order.
    pub statements: Vec<Statement>,
    /// Whether a statement reads the request context: a condition, or (under 2012-10-17) a
    /// variable in a resource.
    pub reads_context: bool,
}

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Grants.
    Allow,
    /// Forbids, whatever else grants.
    Deny,
}

/// A list of patterns, or every value but those (`NotAction`, `NotResource`, `NotPrincipal`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Targets<T> {
    /// True for the `Not…` form.
    pub negated: bool,
    /// The listed values.
    pub items: Vec<T>,
}

/// The kinds of principal a policy can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalType {
    /// `"AWS"`: accounts, users, roles, sessions.
    Aws,
    /// `"Service"`: AWS service principals.
    Service,
    /// `"Federated"`: SAML and OIDC providers.
    Federated,
    /// `"CanonicalUser"`: S3 canonical ids.
    CanonicalUser,
}

/// One entry of a `Principal` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalEntry {
    /// `"Principal": "*"`: everyone.
    Everyone,
    /// A typed principal value.
    Named(PrincipalType, String),
}

/// One condition test: an operator over a key and its values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// The operator as written (`ForAnyValue:StringLikeIfExists`).
    pub operator: String,
    /// The context key as written.
    pub key: String,
    /// The values, numbers and booleans in their text form.
    pub values: Vec<String>,
}

/// One statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// `Sid`, if given.
    pub sid: Option<String>,
    /// Allow or deny.
    pub effect: Effect,
    /// `Principal` / `NotPrincipal`, for trust and resource policies.
    pub principal: Option<Targets<PrincipalEntry>>,
    /// `Action` / `NotAction` patterns.
    pub action: Targets<String>,
    /// `Resource` / `NotResource` patterns; absent in trust policies.
    pub resource: Option<Targets<String>>,
    /// Every condition test (all must hold).
    pub conditions: Vec<Condition>,
    /// Where the statement's `{` is.
    pub start: Position,
    /// Just past its `}`.
    pub end: Position,
}
