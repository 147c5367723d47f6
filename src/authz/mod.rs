//! Authorization of iamd's own API: before a handler runs, the policy engine decides the
//! call for every principal but the root user, from the principal's policies and the request
//! context. `strict` refuses with AWS's AccessDenied wording; `soft` logs the would-be denial
//! and lets the call through; `off` decides nothing.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>.

mod cache;
pub mod identity;
mod target;

use chrono::{DateTime, Utc};

pub use cache::PolicyCache;

use crate::api::{RequestCtx, RequestMeta};
use crate::auth::{Principal, PrincipalKind};
use crate::config::AuthMode;
use crate::policy::{self, Caller, Decision, Evaluation, Layer, PolicySet, RequestContext, Source};
use crate::protocol::{ApiError, ErrorCode};
use crate::server::gateway::Action;
use crate::sts::StsAction;

/// Decides whether the caller may make this call.
///
/// # Errors
/// `AccessDenied` in `strict` mode when the policies do not allow it.
pub async fn authorize(ctx: &RequestCtx<'_>, action: Action) -> Result<(), ApiError> {
    let mode = ctx.app.config.auth_mode;
    let PrincipalKind::User(owner) = &ctx.principal.kind else {
        return Ok(());
    };
    if mode == AuthMode::Off || action == Action::Sts(StsAction::GetCallerIdentity) {
        return Ok(());
    }
    let store = &ctx.app.store;
    let Some(user) = store
        .find_user_by_id(&owner.user_id)
        .await
        .map_err(|e| ApiError::internal(&e))?
    else {
        return Ok(());
    };
    let identity = identity::of_user(ctx.app, &user)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let (action_name, target) = match action {
        Action::Iam(a) => (
            format!("iam:{}", a.as_str()),
            target::of_iam(ctx, a)
                .await
                .map_err(|e| ApiError::internal(&e))?,
        ),
        Action::Sts(a) => (
            format!("sts:{}", a.as_str()),
            target::Target {
                resource: "*".to_owned(),
                ..Default::default()
            },
        ),
    };

    let mut request = RequestContext::new(&action_name, &target.resource, caller_of(ctx.principal));
    principal_keys(&mut request, ctx.principal, &identity.tags);
    request_keys(&mut request, ctx.meta, ctx.app.clock.now());
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

    let set = PolicySet {
        identity: identity.policies.iter().map(source).collect(),
        boundary: identity.boundary.as_ref().map(|b| vec![source(b)]),
        ..PolicySet::default()
    };
    let evaluation = policy::evaluate(&set, &request);
    if evaluation.decision == Decision::Allowed {
        return Ok(());
    }
    let shown = target.display.as_deref().unwrap_or(&target.resource);
    let message = denial_message(&ctx.principal.arn(), &action_name, shown, &evaluation);
    if mode == AuthMode::Soft {
        tracing::warn!(
            would_deny = true,
            action = %action_name,
            resource = %target.resource,
            principal = %ctx.principal.arn(),
            decision = evaluation.decision.as_str(),
            "soft mode: strict mode would deny this call"
        );
        return Ok(());
    }
    Err(ApiError::new(ErrorCode::AccessDenied, message))
}

fn source(loaded: &identity::Loaded) -> Source<'_> {
    Source {
        id: loaded.id.clone(),
        kind: loaded.kind.clone(),
        policy: &loaded.policy,
    }
}

/// How resource and trust policies see the principal.
#[must_use]
pub fn caller_of(principal: &Principal) -> Caller {
    Caller {
        account: principal.account_id.clone(),
        arn: principal.arn(),
        is_root: principal.kind == PrincipalKind::Root,
        ..Caller::default()
    }
}

/// The `aws:Principal*`, `aws:userid` and `aws:username` keys.
pub fn principal_keys(
    request: &mut RequestContext,
    principal: &Principal,
    tags: &[crate::store::tags::Tag],
) {
    request.set("aws:PrincipalArn", principal.arn());
    request.set("aws:PrincipalAccount", principal.account_id.clone());
    request.set("aws:userid", principal.user_id());
    request.set("aws:PrincipalIsAWSService", "false");
    match &principal.kind {
        PrincipalKind::Root => {
            request.set("aws:PrincipalType", "Account");
        }
        PrincipalKind::User(owner) => {
            request.set("aws:PrincipalType", "User");
            request.set("aws:username", owner.user_name.clone());
        }
    }
    for tag in tags {
        request.set(&format!("aws:PrincipalTag/{}", tag.key), tag.value.clone());
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
