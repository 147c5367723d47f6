//! Authorization of iamd's own API: before a handler runs, the policy engine decides the
//! call for every principal but the root user, from the principal's policies and the request
//! context. `strict` refuses with AWS's AccessDenied wording; `soft` logs the would-be denial
//! and lets the call through; `off` decides nothing.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>.

mod cache;
pub mod identity;
mod target;

use chrono::{DateTime, Utc};
use std::sync::Arc;

pub use cache::{DecisionCache, IdentityCache, PolicyCache};

use crate::api::{RequestCtx, RequestMeta};
use crate::auth::{Principal, PrincipalKind};
use crate::config::AuthMode;
use crate::policy::{self, Caller, Decision, Evaluation, Layer, PolicySet, RequestContext, Source};
use crate::protocol::query::Params;
use crate::protocol::{ApiError, ErrorCode};
use crate::server::gateway::Action;
use crate::sts::StsAction;

/// Decides whether the caller may make this call.
///
/// # Errors
/// `AccessDenied` in `strict` mode when the policies do not allow it.
pub async fn authorize(ctx: &RequestCtx<'_>, action: Action) -> Result<(), ApiError> {
    let mode = ctx.app.config.auth_mode;
    if mode == AuthMode::Off
        || ctx.principal.kind == PrincipalKind::Root
        || action == Action::Sts(StsAction::GetCallerIdentity)
        // GetSessionToken needs no permission; AssumeRole decides in its handler, where the
        // trust policy takes part.
        || action == Action::Sts(StsAction::GetSessionToken)
        || action == Action::Sts(StsAction::AssumeRole)
    {
        return Ok(());
    }
    let action_name = match action {
        Action::Iam(a) => format!("iam:{}", a.as_str()),
        Action::Sts(a) => format!("sts:{}", a.as_str()),
    };
    // Read before anything the decision depends on, so that a write landing meanwhile makes
    // the decision too old to be remembered.
    let generation = ctx.app.store.generation();
    let remembered = decision_key(ctx.principal, &action_name, ctx.params);
    if let Some(key) = &remembered
        && ctx.app.decisions.get(generation, key.as_slice()).is_some()
    {
        return Ok(());
    }
    let internal = |e: crate::store::StoreError| ApiError::internal(&e);
    // A principal whose user or role has gone is limited by nothing it could show, so it is
    // allowed nothing: an empty policy set denies every action.
    let policies = principal_policies(ctx.app, ctx.principal)
        .await
        .map_err(internal)?
        .unwrap_or_default();
    let target = match action {
        Action::Iam(a) => target::of_iam(ctx, a).await.map_err(internal)?,
        Action::Sts(a) => target::of_sts(ctx, a),
    };

    let mut request = RequestContext::new(&action_name, &target.resource, caller_of(ctx.principal));
    let fill_keys = |request: &mut RequestContext| {
        let now = ctx.app.clock.now();
        principal_keys(request, ctx.principal, &policies.tags, now);
        request_keys(request, ctx.meta, now);
        for tag in &target.tags {
            request.set(&format!("aws:ResourceTag/{}", tag.key), tag.value.clone());
            request.set(&format!("iam:ResourceTag/{}", tag.key), tag.value.clone());
        }
        for (key, value) in &target.keys {
            request.set(key, value.clone());
        }
        if let Some(keys) = &target.tag_keys {
            request.set_multi("aws:TagKeys", keys.clone());
        }
    };
    // Policies without conditions or variables never read the context keys: they are
    // gathered only when a policy reads them, or for the record of a denial below. Their
    // decisions depend on the credential, the action, the parameters and the stored state
    // alone, so an allow is remembered until the next write.
    let set = policies.set();
    let reads_context = set.reads_context();
    if reads_context {
        fill_keys(&mut request);
    }
    let allow = || {
        if let (false, Some(key)) = (reads_context, remembered) {
            ctx.app.decisions.fill(generation, key, ());
        }
        Ok(())
    };

    let mut evaluation = policy::evaluate(&set, &request);
    let mut resource = target.resource.clone();
    if evaluation.decision == Decision::Allowed {
        let Some(renamed) = &target.renamed_to else {
            return allow();
        };
        // Renaming or moving needs the action on what the subject becomes, too.
        request = request.with_target(&action_name, renamed);
        evaluation = policy::evaluate(&set, &request);
        if evaluation.decision == Decision::Allowed {
            return allow();
        }
        resource.clone_from(renamed);
    }
    if !reads_context {
        // The decision stands; the keys go into the encoded message.
        fill_keys(&mut request);
        evaluation = policy::evaluate(&set, &request);
    }
    let shown = if resource == target.resource {
        target.display.as_deref().unwrap_or(&resource)
    } else {
        &resource
    };
    let message = denial_message(&ctx.principal.arn(), &action_name, shown, &evaluation);
    let details = crate::sts::decode::document(
        &ctx.principal.user_id(),
        &ctx.principal.arn(),
        &request,
        &evaluation,
    );
    let encoded = crate::sts::decode::encode(&ctx.app.message_key, &details);
    if mode == AuthMode::Soft {
        tracing::warn!(
            would_deny = true,
            action = %action_name,
            resource = %resource,
            principal = %ctx.principal.arn(),
            decision = evaluation.decision.as_str(),
            encoded_authorization_message = %encoded,
            "soft mode: strict mode would deny this call"
        );
        return Ok(());
    }
    tracing::info!(
        action = %action_name,
        resource = %resource,
        decision = evaluation.decision.as_str(),
        encoded_authorization_message = %encoded,
        "access denied"
    );
    Err(ApiError::new(ErrorCode::AccessDenied, message))
}

/// Past this length a request's decision is not remembered: such requests carry documents,
/// and are rarely repeated.
const MAX_DECISION_KEY: usize = 512;

/// What identifies a request to the decision cache: the access key (which fixes the principal
/// and any session policies and tags), the action and every parameter, each prefixed with its
/// length. `None` when there is no access key or the request is too long to keep.
fn decision_key(principal: &Principal, action_name: &str, params: &Params) -> Option<Vec<u8>> {
    let key_id = principal.access_key_id.as_deref()?;
    let parts = [key_id, action_name]
        .into_iter()
        .chain(params.pairs().flat_map(|(name, value)| [name, value]));
    let mut key = Vec::with_capacity(128);
    for part in parts {
        let length = u32::try_from(part.len()).ok()?;
        key.extend_from_slice(&length.to_le_bytes());
        key.extend_from_slice(part.as_bytes());
        if key.len() > MAX_DECISION_KEY {
            return None;
        }
    }
    Some(key)
}

/// Everything that limits a principal: identity policies, boundary, session policies, tags.
#[derive(Debug, Default)]
pub struct PrincipalPolicies {
    /// Identity policies and boundary of the user or role.
    pub identity: Arc<identity::Identity>,
    /// Session policies, when the credentials carry them.
    pub session: Option<Vec<identity::Loaded>>,
    /// The principal's tags, session tags overriding the user's or role's.
    pub tags: Vec<crate::store::tags::Tag>,
}

impl PrincipalPolicies {
    /// The policy set to evaluate a request against.
    #[must_use]
    pub fn set(&self) -> PolicySet<'_> {
        PolicySet {
            identity: self.identity.policies.iter().map(source).collect(),
            boundary: self.identity.boundary.as_ref().map(|b| vec![source(b)]),
            session: self
                .session
                .as_ref()
                .map(|s| s.iter().map(source).collect()),
            ..PolicySet::default()
        }
    }
}

/// The policies that limit a principal; `None` for the root user (nothing limits it) or a
/// principal whose user or role no longer exists.
///
/// # Errors
/// A store failure.
pub async fn principal_policies(
    app: &crate::app::App,
    principal: &Principal,
) -> Result<Option<PrincipalPolicies>, crate::store::StoreError> {
    let store = &app.store;
    let generation = store.generation();
    let identity = match &principal.kind {
        PrincipalKind::Root => return Ok(None),
        PrincipalKind::User(owner)
        | PrincipalKind::FederatedUser {
            parent: Some(owner),
            ..
        } => {
            if let Some(hit) = app.identities.get(generation, &owner.user_id) {
                hit
            } else {
                let Some(user) = store.find_user_by_id(&owner.user_id).await? else {
                    return Ok(None);
                };
                let identity = Arc::new(identity::of_user(app, &user).await?);
                app.identities
                    .fill(generation, owner.user_id.clone(), Arc::clone(&identity));
                identity
            }
        }
        PrincipalKind::FederatedUser { parent: None, .. } => {
            // The root user's federated session: root allows everything, sessions narrow it.
            let all = app
                .policies
                .get(ALLOW_ALL, crate::policy::PolicyKind::Managed);
            let policies = all.into_iter().map(|policy| identity::Loaded {
                id: "root".to_owned(),
                kind: identity::IDENTITY_SOURCE_KIND.to_owned(),
                policy,
            });
            Arc::new(identity::Identity {
                policies: policies.collect(),
                ..Default::default()
            })
        }
        PrincipalKind::AssumedRole { role, .. } => {
            if let Some(hit) = app.identities.get(generation, &role.role_id) {
                hit
            } else {
                let Some(found) = store.find_role_by_id(&role.role_id).await? else {
                    return Ok(None);
                };
                let identity = Arc::new(identity::of_role(app, &found).await?);
                app.identities
                    .fill(generation, role.role_id.clone(), Arc::clone(&identity));
                identity
            }
        }
    };
    let base_tags = identity.tags.clone();
    let mut tags = base_tags;
    let mut session_policies = None;
    if let Some(session) = &principal.session {
        for tag in &session.tags {
            tags.retain(|t| t.key.to_lowercase() != tag.key.to_lowercase());
            tags.push(tag.clone());
        }
        let federated = matches!(principal.kind, PrincipalKind::FederatedUser { .. });
        if session.has_session_policies || federated {
            let mut loaded = Vec::new();
            if let Some(text) = &session.session_policy
                && let Some(policy) = app.policies.get(text, crate::policy::PolicyKind::Session)
            {
                loaded.push(identity::Loaded {
                    id: "SessionPolicy".to_owned(),
                    kind: identity::IDENTITY_SOURCE_KIND.to_owned(),
                    policy,
                });
            }
            for arn in &session.session_policy_arns {
                if let Some(managed) = identity::managed(app, arn).await? {
                    loaded.push(managed);
                }
            }
            session_policies = Some(loaded);
        }
    }
    Ok(Some(PrincipalPolicies {
        identity,
        session: session_policies,
        tags,
    }))
}

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

fn source(loaded: &identity::Loaded) -> Source<'_> {
    Source {
        id: &loaded.id,
        kind: &loaded.kind,
        policy: &loaded.policy,
    }
}

/// How resource and trust policies see the principal.
#[must_use]
pub fn caller_of(principal: &Principal) -> Caller {
    let role_arn = match &principal.kind {
        PrincipalKind::AssumedRole { .. } => Some(principal.principal_arn()),
        _ => None,
    };
    Caller {
        account: principal.account_id.clone(),
        arn: principal.arn(),
        role_arn,
        is_root: principal.kind == PrincipalKind::Root,
        ..Caller::default()
    }
}

/// The `aws:Principal*`, `aws:userid`, `aws:username`, MFA and session keys.
pub fn principal_keys(
    request: &mut RequestContext,
    principal: &Principal,
    tags: &[crate::store::tags::Tag],
    now: DateTime<Utc>,
) {
    request.set("aws:PrincipalArn", principal.principal_arn());
    request.set("aws:PrincipalAccount", principal.account_id.clone());
    request.set("aws:userid", principal.user_id());
    request.set("aws:PrincipalIsAWSService", "false");
    let kind = match &principal.kind {
        PrincipalKind::Root => "Account",
        PrincipalKind::User(owner) => {
            request.set("aws:username", owner.user_name.clone());
            "User"
        }
        PrincipalKind::AssumedRole { .. } => "AssumedRole",
        PrincipalKind::FederatedUser { .. } => "FederatedUser",
    };
    request.set("aws:PrincipalType", kind);
    for tag in tags {
        request.set(&format!("aws:PrincipalTag/{}", tag.key), tag.value.clone());
    }
    // Only temporary credentials carry MFA state and an issue time.
    if let Some(session) = &principal.session {
        request.set(
            "aws:MultiFactorAuthPresent",
            session.mfa_authenticated.to_string(),
        );
        if let Some(at) = session.mfa_authenticated_at {
            request.set(
                "aws:MultiFactorAuthAge",
                (now - at).num_seconds().max(0).to_string(),
            );
        }
        request.set(
            "aws:TokenIssueTime",
            session.issued_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        );
        if let Some(source) = &session.source_identity {
            request.set("aws:SourceIdentity", source.clone());
        }
    }
}

/// Time, network and client keys of the request.
pub fn request_keys(request: &mut RequestContext, meta: &RequestMeta, now: DateTime<Utc>) {
    request.set(
        "aws:CurrentTime",
        now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    );
    request.set("aws:EpochTime", now.timestamp().to_string());
    request.set("aws:SecureTransport", "false");
    request.set("aws:ViaAWSService", "false");
    if let Some(ip) = meta.source_ip {
        request.set("aws:SourceIp", ip.to_string());
    }
    if let Some(region) = &meta.region {
        request.set("aws:RequestedRegion", region.clone());
    }
    if let Some(agent) = &meta.user_agent {
        request.set("aws:UserAgent", agent.clone());
    }
}

/// AWS's AccessDenied text: the caller, the action, the resource (left out for `*`) and
/// the reason.
#[must_use]
pub fn denial_message(
    principal_arn: &str,
    action: &str,
    resource: &str,
    evaluation: &Evaluation,
) -> String {
    let on = if resource == "*" {
        String::new()
    } else {
        format!(" on resource: {resource}")
    };
    let layer = evaluation.denied_by.unwrap_or(Layer::Identity);
    let reason = match evaluation.decision {
        Decision::ExplicitDeny => format!("with an explicit deny in {}", explicit_phrase(layer)),
        _ => format!(
            "because no {} allows the {action} action",
            implicit_phrase(layer)
        ),
    };
    format!("User: {principal_arn} is not authorized to perform: {action}{on} {reason}")
}

fn implicit_phrase(layer: Layer) -> &'static str {
    match layer {
        Layer::Identity => "identity-based policy",
        Layer::Boundary => "permissions boundary",
        Layer::Session => "session policy",
        Layer::Resource => "resource-based policy",
        Layer::Trust => "role trust policy",
    }
}

fn explicit_phrase(layer: Layer) -> &'static str {
    match layer {
        Layer::Identity => "an identity-based policy",
        Layer::Boundary => "a permissions boundary",
        Layer::Session => "a session policy",
        Layer::Resource => "a resource-based policy",
        Layer::Trust => "the role trust policy",
    }
}
