//! `GetSessionToken` (temporary credentials for an IAM user or the root user, optionally
//! proven with MFA) and `GetFederationToken` (a federated user whose permissions are the IAM
//! user's narrowed by session policies).
//! See <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html>.

use chrono::TimeDelta;

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::auth::PrincipalKind;
use crate::iam::input::{Input, Rule};
use crate::protocol::{ApiError, ErrorCode, Service, XmlWriter};
use crate::store::sessions::{Session, SessionKind};

use super::{credentials, mfa_check, session_policies, tags};

crate::iam::input::pattern!(FEDERATED_NAME, r"[\w+=,.@-]*", r"[A-Za-z0-9_+=,.@-]*");

const NAME_RULE: Rule = Rule {
    min: 2,
    max: Some(32),
    pattern: Some(&FEDERATED_NAME),
};
/// The root user's sessions last at most an hour; longer requests are cut to it.
const ROOT_MAX: i64 = 3600;

/// Temporary credentials with the caller's own permissions.
pub async fn get_session_token(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Sts);
    let duration = input.integer("DurationSeconds", 900, 129_600);
    let mfa = mfa_check::read(&mut input);
    input.finish()?;

    let caller = ctx.principal;
    let (kind, user) = match &caller.kind {
        PrincipalKind::Root => (SessionKind::RootSession, None),
        PrincipalKind::User(owner) => (SessionKind::UserSession, Some(owner.clone())),
        _ => return Err(session_credentials("GetSessionToken")),
    };
    let root = kind == SessionKind::RootSession;
    let seconds = match (root, duration) {
        (true, Some(d)) => d.min(ROOT_MAX),
        (true, None) => ROOT_MAX,
        (false, d) => d.unwrap_or(43_200),
    };
    let now = ctx.app.clock.now();
    let mfa_ok = mfa_check::verify(ctx, mfa.as_ref()).await?;
    let (key, secret, token) = credentials::mint(&caller.account_id);
    let expires_at = now + TimeDelta::seconds(seconds);
    let session = Session {
        access_key_id: key.clone(),
        account_id: caller.account_id.clone(),
        secret: secret.clone(),
        token: token.clone(),
        kind,
        role: None,
        issued_to_user: user.is_some(),
        user,
        session_name: None,
        source_identity: None,
        tags: Vec::new(),
        transitive_tag_keys: Vec::new(),
        session_policy: None,
        session_policy_arns: Vec::new(),
        has_session_policies: false,
        mfa_authenticated: mfa_ok,
        mfa_authenticated_at: mfa_ok.then_some(now),
        chained: false,
        issued_at: now,
        expires_at,
    };
    ctx.app
        .store
        .create_session(&session, None)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let mut w = XmlWriter::new();
    credentials::write(&mut w, &key, &secret, &token, expires_at);
    Ok(Reply::Result(w.finish()))
}

/// Credentials for a federated user: the caller's permissions narrowed by session policies.
pub async fn get_federation_token(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Sts);
    let name = input.required("Name", &NAME_RULE);
    let policies = session_policies::read(ctx, &mut input, Some(2048));
    let duration = input.integer("DurationSeconds", 900, 129_600);
    let session_tags = input.tags("Tags").unwrap_or_default();
    input.finish()?;

    let caller = ctx.principal;
    let parent = match &caller.kind {
        PrincipalKind::Root => None,
        PrincipalKind::User(owner) => Some(owner.clone()),
        _ => return Err(session_credentials("GetFederationToken")),
    };
    tags::check_session_tags(&session_tags, &[], &[])?;
    let packed = session_policies::check(ctx, &policies, &session_tags).await?;
    let seconds = match (parent.is_none(), duration) {
        (true, d) => d.unwrap_or(ROOT_MAX).min(ROOT_MAX),
        (false, d) => d.unwrap_or(43_200),
    };
    let now = ctx.app.clock.now();
    let account = caller.account_id.clone();
    let (key, secret, token) = credentials::mint(&account);
    let expires_at = now + TimeDelta::seconds(seconds);
    let session = Session {
        access_key_id: key.clone(),
        account_id: account.clone(),
        secret: secret.clone(),
        token: token.clone(),
        kind: SessionKind::FederatedUser,
        role: None,
        issued_to_user: parent.is_some(),
        user: parent,
        session_name: Some(name.clone()),
        source_identity: None,
        tags: session_tags.clone(),
        transitive_tag_keys: Vec::new(),
        session_policy: policies.inline.clone(),
        session_policy_arns: policies.arns.clone(),
        has_session_policies: true,
        mfa_authenticated: false,
        mfa_authenticated_at: None,
        chained: false,
        issued_at: now,
        expires_at,
    };
    ctx.app
        .store
        .create_session(&session, None)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let mut w = XmlWriter::new();
    credentials::write(&mut w, &key, &secret, &token, expires_at);
    w.element("FederatedUser", |w| {
        w.text("FederatedUserId", &format!("{account}:{name}"));
        w.text(
            "Arn",
            &format!("arn:aws:sts::{account}:federated-user/{name}"),
        );
    });
    if policies.any() || !session_tags.is_empty() {
        w.number("PackedPolicySize", packed);
    }
    Ok(Reply::Result(w.finish()))
}

/// AWS's refusal of calls temporary credentials may not make.
#[must_use]
pub fn session_credentials(action: &str) -> ApiError {
    ApiError::new(
        ErrorCode::AccessDenied,
        format!("Cannot call {action} with session credentials"),
    )
}
