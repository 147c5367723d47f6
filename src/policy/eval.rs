//! The decision: explicit deny first, then the allows every applicable layer must give
//! (identity or resource policy, permissions boundary, session policies), within one account
//! or across two. Returns the decision with its ledger: which statements decided, which
//! context keys were missing, and which layer a denial is charged to.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>.

use super::condition;
use super::context::RequestContext;
use super::json::Position;
use super::matcher::{PrincipalMatch, actions_apply, principal_match, resources_apply};
use super::model::{Effect, Policy, Statement};

/// The kinds of policy a request is judged by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    /// The principal's own policies (user, its groups, or role).
    Identity,
    /// The permissions boundary of the user or role.
    Boundary,
    /// Session policies of temporary credentials.
    Session,
    /// A resource-based policy.
    Resource,
    /// A role's trust policy (a resource policy that must always allow).
    Trust,
}

/// One policy with the names the simulator reports for it.
#[derive(Clone, Debug)]
pub struct Source<'a> {
    /// `SourcePolicyId`.
    pub id: &'a str,
    /// `SourcePolicyType`.
    pub kind: &'a str,
    /// The policy.
    pub policy: &'a Policy,
}

/// Every policy that applies to one request.
#[derive(Clone, Debug, Default)]
pub struct PolicySet<'a> {
    /// Identity policies (a union: any allow suffices).
    pub identity: Vec<Source<'a>>,
    /// The boundary, when the principal has one.
    pub boundary: Option<Vec<Source<'a>>>,
    /// Session policies, when the credentials carry them (an empty list allows nothing).
    pub session: Option<Vec<Source<'a>>>,
    /// A resource or trust policy.
    pub resource: Option<Source<'a>>,
    /// Whether `resource` is a role trust policy.
    pub resource_is_trust: bool,
    /// The account owning the resource; another account than the caller's makes the
    /// request cross-account.
    pub resource_account: Option<String>,
}

impl PolicySet<'_> {
    /// Whether any of the policies reads the request context (a condition, or a variable in
    /// a resource); when none does, the decision depends on the action and resource alone.
    #[must_use]
    pub fn reads_context(&self) -> bool {
        let mut all = self
            .identity
            .iter()
            .chain(self.boundary.iter().flatten())
            .chain(self.session.iter().flatten())
            .chain(self.resource.iter());
        all.any(|source| source.policy.reads_context)
    }
}

/// `allowed`, `explicitDeny` or `implicitDeny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Allowed.
    Allowed,
    /// A matching `Deny`.
    ExplicitDeny,
    /// No allow where one was needed.
    ImplicitDeny,
}

impl Decision {
    /// The simulator's spelling.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::ExplicitDeny => "explicitDeny",
            Self::ImplicitDeny => "implicitDeny",
        }
    }
}

/// A statement that took part in the decision, and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matched {
    /// Its policy's `SourcePolicyId`.
    pub source_id: String,
    /// Its policy's `SourcePolicyType`.
    pub source_kind: String,
    /// Where its `{` is.
    pub start: Position,
    /// Just past its `}`.
    pub end: Position,
}

/// The decision and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    /// The decision.
    pub decision: Decision,
    /// For a denial, the layer it is charged to.
    pub denied_by: Option<Layer>,
    /// The statements that decided: the allows for `allowed`, the denies for `explicitDeny`.
    pub matched: Vec<Matched>,
    /// Context keys the applicable statements needed but the request did not carry.
    pub missing_keys: Vec<String>,
    /// Whether the boundary allowed, when there was one.
    pub boundary_allowed: Option<bool>,
}

#[derive(Default)]
struct Scan {
    allows: Vec<(Matched, Option<PrincipalMatch>)>,
    denies: Vec<Matched>,
}

/// Decides a request.
#[must_use]
pub fn evaluate(set: &PolicySet<'_>, ctx: &RequestContext) -> Evaluation {
    let mut missing = Vec::new();
    let resource_layer = if set.resource_is_trust {
        Layer::Trust
    } else {
        Layer::Resource
    };
    let identity = scan_all(&set.identity, ctx, false, &mut missing);
    let boundary = set
        .boundary
        .as_ref()
        .map(|b| scan_all(b, ctx, false, &mut missing));
    let session = set
        .session
        .as_ref()
        .map(|s| scan_all(s, ctx, false, &mut missing));
    let resource = set
        .resource
        .as_ref()
        .map(|r| scan_all(std::slice::from_ref(r), ctx, true, &mut missing));
    missing.sort();
    missing.dedup();
    let boundary_allowed = boundary
        .as_ref()
        .map(|b| b.denies.is_empty() && !b.allows.is_empty());
    let done = |decision, denied_by, matched| Evaluation {
        decision,
        denied_by,
        matched,
        missing_keys: missing.clone(),
        boundary_allowed,
    };

    let cross_account = set
        .resource_account
        .as_ref()
        .is_some_and(|owner| *owner != ctx.caller.account);
    let resource_deny = resource
        .as_ref()
        .map(|r| r.denies.clone())
        .unwrap_or_default();
    if ctx.caller.is_root && !cross_account {
        if !resource_deny.is_empty() {
            return done(Decision::ExplicitDeny, Some(resource_layer), resource_deny);
        }
        if set.resource_is_trust && resource.as_ref().is_none_or(|r| r.allows.is_empty()) {
            return done(Decision::ImplicitDeny, Some(Layer::Trust), Vec::new());
        }
        return done(Decision::Allowed, None, Vec::new());
    }

    // 1. An explicit deny anywhere wins.
    let layers: [(Option<&Scan>, Layer); 4] = [
        (resource.as_ref(), resource_layer),
        (Some(&identity), Layer::Identity),
        (boundary.as_ref(), Layer::Boundary),
        (session.as_ref(), Layer::Session),
    ];
    for (scan, layer) in layers {
        if let Some(scan) = scan.filter(|s| !s.denies.is_empty()) {
            return done(Decision::ExplicitDeny, Some(layer), scan.denies.clone());
        }
    }

    // 2. The grants.
    let resource_grant = resource.as_ref().and_then(|r| {
        r.allows
            .iter()
            .filter_map(|(_, m)| *m)
            .min_by_key(|m| waiver_rank(*m))
    });
    let identity_allows = !identity.allows.is_empty();
    let mut matched: Vec<Matched> = identity.allows.iter().map(|(m, _)| m.clone()).collect();
    if let Some(r) = &resource {
        matched.extend(r.allows.iter().map(|(m, _)| m.clone()));
    }
    // The trusting side must grant when the policy is a trust policy or the request crosses
    // accounts (with no resource policy at all, nothing grants on that side).
    if (set.resource_is_trust || cross_account) && resource_grant.is_none() {
        return done(Decision::ImplicitDeny, Some(resource_layer), Vec::new());
    }
    // Callers with no identity side: a root user (allowed everything in its own account) and
    // service or federated principals, which a resource policy admits on its own.
    let no_identity_side =
        ctx.caller.is_root || ctx.caller.service.is_some() || ctx.caller.federated.is_some();
    let waived = no_identity_side
        || (!cross_account
            && matches!(
                resource_grant,
                Some(PrincipalMatch::Direct | PrincipalMatch::Role | PrincipalMatch::Everyone)
            ));
    if !identity_allows && !waived {
        return done(Decision::ImplicitDeny, Some(Layer::Identity), Vec::new());
    }
    // A same-account grant to the caller's own user or session ARN stops here: neither a
    // boundary nor session policies limit it.
    if !cross_account && resource_grant == Some(PrincipalMatch::Direct) {
        return done(Decision::Allowed, None, matched);
    }

    // 3. Boundary and session policies only ever narrow.
    if boundary_allowed == Some(false) {
        return done(Decision::ImplicitDeny, Some(Layer::Boundary), Vec::new());
    }
    if session.as_ref().is_some_and(|s| s.allows.is_empty()) {
        return done(Decision::ImplicitDeny, Some(Layer::Session), Vec::new());
    }
    done(Decision::Allowed, None, matched)
}

/// Which resource-policy grant waives the most.
fn waiver_rank(m: PrincipalMatch) -> u8 {
    match m {
        PrincipalMatch::Direct => 0,
        PrincipalMatch::Role => 1,
        PrincipalMatch::Everyone => 2,
        PrincipalMatch::Other => 3,
        PrincipalMatch::Account => 4,
    }
}

fn scan_all(
    sources: &[Source<'_>],
    ctx: &RequestContext,
    resource_policy: bool,
    missing: &mut Vec<String>,
) -> Scan {
    let mut scan = Scan::default();
    for source in sources {
        for statement in &source.policy.statements {
            let Some(principal) = applies(statement, source.policy, ctx, resource_policy, missing)
            else {
                continue;
            };
            let matched = Matched {
                source_id: source.id.to_owned(),
                source_kind: source.kind.to_owned(),
                start: statement.start,
                end: statement.end,
            };
            match statement.effect {
                Effect::Allow => scan.allows.push((matched, principal)),
                Effect::Deny => scan.denies.push(matched),
            }
        }
    }
    scan
}

/// Whether a statement applies; for resource policies, also how it named the caller.
/// `Some(None)` means it applies and names no principal (identity policies).
fn applies(
    statement: &Statement,
    policy: &Policy,
    ctx: &RequestContext,
    resource_policy: bool,
    missing: &mut Vec<String>,
) -> Option<Option<PrincipalMatch>> {
    if !actions_apply(&statement.action, &ctx.action) {
        return None;
    }
    if let Some(resources) = &statement.resource
        && !resources_apply(resources, ctx, policy.version)
    {
        return None;
    }
    let principal = match (&statement.principal, resource_policy) {
        (Some(p), true) => Some(principal_match(p, &ctx.caller)?),
        (None, true) => return None,
        (_, false) => None,
    };
    let mut holds = true;
    for condition in &statement.conditions {
        let outcome = condition::evaluate(condition, ctx, policy.version);
        if let Some(key) = outcome.missing {
            missing.push(key);
        }
        holds &= outcome.holds;
    }
    holds.then_some(principal)
}
