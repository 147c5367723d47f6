//! `AssumeRole`: the role's trust policy (and, across accounts or without a direct grant, the
//! caller's own policies) must allow the caller; the session gets the role's permissions,
//! narrowed by session policies, with session tags and a source identity carried through
//! chaining.
//! See <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>.

use chrono::TimeDelta;

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::auth::PrincipalKind;
use crate::authz;
use crate::iam::input::{Input, Rule};
use crate::policy::{self, Decision, PolicyKind, PolicySet, RequestContext, Source};
use crate::protocol::{ApiError, ErrorCode, Service, XmlWriter};
use crate::store::sessions::{RoleRef, Session, SessionKind};
use crate::store::tags::Tag;

use super::session_policies;
use super::{credentials, mfa_check, tags};

crate::iam::input::pattern!(EXTERNAL_ID, r"[\w+=,.@:\/-]*", r"[A-Za-z0-9_+=,.@:/-]*");
crate::iam::input::pattern!(SESSION_NAME, r"[\w+=,.@-]*", r"[A-Za-z0-9_+=,.@-]*");

const ROLE_ARN: Rule = Rule {
    min: 20,
    max: Some(2048),
    pattern: None,
};
const ROLE_SESSION_NAME: Rule = Rule {
    min: 2,
    max: Some(64),
    pattern: Some(&SESSION_NAME),
};
const EXTERNAL_ID_RULE: Rule = Rule {
    min: 2,
    max: Some(1224),
    pattern: Some(&EXTERNAL_ID),
};
const SOURCE_IDENTITY: Rule = Rule {
    min: 2,
    max: Some(64),
    pattern: Some(&SESSION_NAME),
};

/// The longest a chained role session may last.
const CHAINED_MAX: i64 = 3600;

/// Assumes a role.
pub async fn assume_role(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Sts);
    let role_arn = input.required("RoleArn", &ROLE_ARN);
    let session_name = input.required("RoleSessionName", &ROLE_SESSION_NAME);
    let policies = session_policies::read(ctx, &mut input, None);
    let duration = input.integer("DurationSeconds", 900, 43200);
    let session_tags = input.tags("Tags").unwrap_or_default();
    let transitive = ctx
        .params
        .list("TransitiveTagKeys")
        .map(|k| k.into_iter().map(str::to_owned).collect::<Vec<_>>());
    let external_id = input.optional("ExternalId", &EXTERNAL_ID_RULE);
    let mfa = mfa_check::read(&mut input);
    let source_identity = input.optional("SourceIdentity", &SOURCE_IDENTITY);
    input.finish()?;

    let (account, role_name) = parse_role_arn(&role_arn)?;
    let caller = ctx.principal;
    let denied = || {
        ApiError::new(
            ErrorCode::AccessDenied,
            format!(
                "User: {} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
                caller.arn()
            ),
        )
    };
    let store = &ctx.app.store;
    let role = store
        .find_role(&account, &role_name)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let Some(role) = role.filter(|r| r.arn() == role_arn) else {
        return Err(denied());
    };

    let inherited = inherited_tags(ctx);
    let transitive = transitive.unwrap_or_default();
    tags::check_session_tags(&session_tags, &transitive, &inherited)?;
    let packed = session_policies::check(ctx, &policies, &session_tags).await?;
    let now = ctx.app.clock.now();
    let mfa_now = mfa_check::verify(ctx, mfa.as_ref()).await?;

    // Evaluate the trust policy, and the caller's own side, for each action the call needs.
    let trust = ctx
        .app
        .policies
        .get(&role.assume_role_policy, PolicyKind::Trust)
        .ok_or_else(denied)?;
    let own = authz::principal_policies(ctx.app, caller)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    // Only the root user has no policies; anyone else without them is a user or role that
    // has gone, and may assume nothing.
    if own.is_none() && caller.kind != PrincipalKind::Root {
        return Err(denied());
    }
    let mut request = RequestContext::new("sts:AssumeRole", &role_arn, authz::caller_of(caller));
    let caller_tags = own.as_ref().map(|o| o.tags.clone()).unwrap_or_default();
    authz::principal_keys(&mut request, caller, &caller_tags, now);
    authz::request_keys(&mut request, ctx.meta, now);
    if mfa_now {
        request
            .set("aws:MultiFactorAuthPresent", "true")
            .set("aws:MultiFactorAuthAge", "0");
    }
    request.set("sts:RoleSessionName", session_name.clone());
    if let Some(id) = &external_id {
        request.set("sts:ExternalId", id.clone());
    }
    if let Some(id) = &source_identity {
        request.set("sts:SourceIdentity", id.clone());
    }
    for tag in &session_tags {
        request.set(&format!("aws:RequestTag/{}", tag.key), tag.value.clone());
    }
    if !session_tags.is_empty() {
        request.set_multi(
            "aws:TagKeys",
            session_tags.iter().map(|t| t.key.clone()).collect(),
        );
    }
    if !transitive.is_empty() {
        request.set_multi("sts:TransitiveTagKeys", transitive.clone());
    }
    for tag in store
        .tags(&role.role_id)
        .await
        .map_err(|e| ApiError::internal(&e))?
    {
        request.set(&format!("aws:ResourceTag/{}", tag.key), tag.value.clone());
        request.set(&format!("iam:ResourceTag/{}", tag.key), tag.value);
    }
    let mut set = own
        .as_ref()
        .map(authz::PrincipalPolicies::set)
        .unwrap_or_default();
    set.resource = Some(Source {
        id: "RoleTrustPolicy",
        kind: "resource",
        policy: &trust,
    });
    set.resource_is_trust = true;
    set.resource_account = Some(account.clone());
    let mut actions = vec!["sts:AssumeRole"];
    if !session_tags.is_empty() || !transitive.is_empty() {
        actions.push("sts:TagSession");
    }
    if source_identity.is_some() {
        actions.push("sts:SetSourceIdentity");
    }
    for action in actions {
        let mode = ctx.app.config.auth_mode;
        if mode != crate::config::AuthMode::Off
            && !allowed(&set, &request.with_target(action, &role_arn))
        {
            if mode == crate::config::AuthMode::Soft {
                tracing::warn!(would_deny = true, action, resource = %role_arn, principal = %caller.arn(), "soft mode: strict mode would deny this call");
                continue;
            }
            return Err(if action == "sts:AssumeRole" {
                denied()
            } else {
                ApiError::new(
                    ErrorCode::AccessDenied,
                    format!(
                        "User: {} is not authorized to perform: {action} on resource: {role_arn}",
                        caller.arn()
                    ),
                )
            });
        }
    }

    // How long the session may last.
    let chained = caller.is_temporary();
    let seconds = duration.unwrap_or(3600);
    if seconds > role.max_session_duration {
        return Err(ApiError::validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ));
    }
    if chained && seconds > CHAINED_MAX {
        return Err(ApiError::validation(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
        ));
    }

    let (key, secret, token) = credentials::mint(&account);
    let expires_at = now + TimeDelta::seconds(seconds);
    let caller_session = caller.session.as_deref();
    let mut all_tags = inherited;
    all_tags.extend(session_tags.iter().cloned());
    let mut all_transitive: Vec<String> = caller_session
        .map(|s| s.transitive_tag_keys.clone())
        .unwrap_or_default();
    all_transitive.extend(transitive);
    let (mfa_authenticated, mfa_at) = match caller_session {
        _ if mfa_now => (true, Some(now)),
        Some(s) => (s.mfa_authenticated, s.mfa_authenticated_at),
        None => (false, None),
    };
    let session = Session {
        access_key_id: key.clone(),
        account_id: account.clone(),
        secret: secret.clone(),
        token: token.clone(),
        kind: SessionKind::AssumedRole,
        role: Some(RoleRef {
            role_id: role.role_id.clone(),
            role_name: role.role_name.clone(),
            path: role.path.clone(),
        }),
        user: None,
        issued_to_user: false,
        session_name: Some(session_name.clone()),
        source_identity: caller_session
            .and_then(|s| s.source_identity.clone())
            .or(source_identity.clone()),
        tags: all_tags,
        transitive_tag_keys: all_transitive,
        session_policy: policies.inline.clone(),
        session_policy_arns: policies.arns.clone(),
        has_session_policies: policies.any(),
        mfa_authenticated,
        mfa_authenticated_at: mfa_at,
        chained,
        issued_at: now,
        expires_at,
    };
    let region = ctx
        .meta
        .region
        .clone()
        .unwrap_or_else(|| "us-east-1".to_owned());
    // The session and the role's last use are stored in one write.
    store
        .create_session(&session, Some(&region))
        .await
        .map_err(|e| ApiError::internal(&e))?;

    let mut w = XmlWriter::new();
    credentials::write(&mut w, &key, &secret, &token, expires_at);
    w.element("AssumedRoleUser", |w| {
        w.text("AssumedRoleId", &format!("{}:{session_name}", role.role_id));
        w.text(
            "Arn",
            &format!(
                "arn:aws:sts::{account}:assumed-role/{}/{session_name}",
                role.role_name
            ),
        );
    });
    if policies.any() || !session_tags.is_empty() {
        w.number("PackedPolicySize", packed);
    }
    w.opt_text("SourceIdentity", session.source_identity.as_deref());
    Ok(Reply::Result(w.finish()))
}

fn allowed(set: &PolicySet<'_>, request: &RequestContext) -> bool {
    policy::evaluate(set, request).decision == Decision::Allowed
}

/// The account and role name of `arn:aws:iam::ACCOUNT:role/path/name`.
///
/// # Errors
/// `ValidationError` "<arn> is invalid" for anything that is not a well-formed ARN.
fn parse_role_arn(arn: &str) -> Result<(String, String), ApiError> {
    let invalid = || ApiError::validation(format!("{arn} is invalid"));
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, _region, account, resource] = fields.as_slice() else {
        return Err(invalid());
    };
    if *prefix != "arn" || partition.is_empty() || service.is_empty() || resource.is_empty() {
        return Err(invalid());
    }
    let name = resource
        .strip_prefix("role/")
        .and_then(|r| r.rsplit('/').next())
        .unwrap_or_default();
    Ok(((*account).to_owned(), name.to_owned()))
}

/// The calling session's transitive tags, which pass to the new session.
fn inherited_tags(ctx: &RequestCtx<'_>) -> Vec<Tag> {
    let Some(session) = ctx.principal.session.as_deref() else {
        return Vec::new();
    };
    if !matches!(ctx.principal.kind, PrincipalKind::AssumedRole { .. }) {
        return Vec::new();
    }
    session
        .tags
        .iter()
        .filter(|t| {
            session
                .transitive_tag_keys
                .iter()
                .any(|k| k.to_lowercase() == t.key.to_lowercase())
        })
        .cloned()
        .collect()
}
