//! Console passwords: CreateLoginProfile, GetLoginProfile, UpdateLoginProfile,
//! DeleteLoginProfile, ChangePassword. Every password set is checked against the account
//! password policy, including its reuse prevention.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_admin-change-user.html>.

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::auth::PrincipalKind;
use crate::protocol::{ApiError, Service, XmlWriter};
use crate::store::StoreError;
use crate::store::login_profiles::LoginProfile;
use crate::store::users::User;

use super::input::{Input, PASSWORD_RULE, USER_NAME};
use super::{errors, password, subject};

/// Gives a user a console password.
pub async fn create_login_profile(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.optional("UserName", &USER_NAME);
    let new_password = input.required("Password", &PASSWORD_RULE);
    let reset_required = input.boolean("PasswordResetRequired").unwrap_or(false);
    input.finish()?;

    let user = subject::user_or_calling_user(ctx, name.as_deref()).await?;
    let password_hash = checked_hash(ctx, &user, new_password).await?;
    let profile = LoginProfile {
        user_id: user.user_id.clone(),
        password_hash,
        password_reset_required: reset_required,
        created_at: ctx.app.clock.now(),
    };
    ctx.app
        .store
        .create_login_profile(&profile)
        .await
        .map_err(|e| match e {
            StoreError::AlreadyExists => errors::login_profile_exists(&user.user_name),
            other => errors::store(other),
        })?;
    Ok(Reply::Result(profile_xml(&user, &profile)))
}

/// A user's login profile (never the password).
pub async fn get_login_profile(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.optional("UserName", &USER_NAME);
    input.finish()?;

    let user = subject::user_or_calling_user(ctx, name.as_deref()).await?;
    let profile = find_profile(ctx, &user).await?;
    Ok(Reply::Result(profile_xml(&user, &profile)))
}

/// Sets a new password and/or the reset-required flag.
pub async fn update_login_profile(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("UserName", &USER_NAME);
    let new_password = input.optional("Password", &PASSWORD_RULE);
    let reset_required = input.boolean("PasswordResetRequired");
    input.finish()?;

    let user = subject::user(ctx, &name).await?;
    find_profile(ctx, &user).await?;
    let password_hash = match new_password {
        Some(new_password) => Some(checked_hash(ctx, &user, new_password).await?),
        None => None,
    };
    let now = ctx.app.clock.now();
    ctx.app
        .store
        .update_login_profile(&user.user_id, password_hash.as_deref(), reset_required, now)
        .await
        .map_err(|e| profile_error(e, &user))?;
    Ok(Reply::Empty)
}

/// Removes a user's console password.
pub async fn delete_login_profile(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.optional("UserName", &USER_NAME);
    input.finish()?;

    let user = subject::user_or_calling_user(ctx, name.as_deref()).await?;
    ctx.app
        .store
        .delete_login_profile(&user.user_id)
        .await
        .map_err(|e| profile_error(e, &user))?;
    Ok(Reply::Empty)
}

/// The calling IAM user changes its own password, proving the old one.
pub async fn change_password(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let old_password = input.required("OldPassword", &PASSWORD_RULE);
    let new_password = input.required("NewPassword", &PASSWORD_RULE);
    input.finish()?;

    let PrincipalKind::User(owner) = &ctx.principal.kind else {
        return Err(errors::not_an_iam_user());
    };
    let user = subject::user(ctx, &owner.user_name).await?;
    let profile = find_profile(ctx, &user).await?;
    if !password::verify(old_password, profile.password_hash.clone()).await {
        return Err(errors::wrong_old_password());
    }
    let password_hash = checked_hash(ctx, &user, new_password).await?;
    let now = ctx.app.clock.now();
    ctx.app
        .store
        .update_login_profile(&user.user_id, Some(&password_hash), Some(false), now)
        .await
        .map_err(|e| profile_error(e, &user))?;
    Ok(Reply::Empty)
}

/// Checks a new password against the policy and the user's recent ones, then hashes it.
async fn checked_hash(
    ctx: &RequestCtx<'_>,
    user: &User,
    new_password: String,
) -> Result<String, ApiError> {
    let store = &ctx.app.store;
    let policy = store
        .password_policy(&ctx.principal.account_id)
        .await
        .map_err(errors::store)?;
    if !password::conforms(&new_password, policy.as_ref()) {
        return Err(errors::password_policy_violation());
    }
    if let Some(remembered) = policy.and_then(|p| p.password_reuse_prevention) {
        let recent = store
            .recent_password_hashes(&user.user_id, remembered)
            .await
            .map_err(errors::store)?;
        for old_hash in recent {
            if password::verify(new_password.clone(), old_hash).await {
                return Err(errors::password_policy_violation());
            }
        }
    }
    password::hash(new_password).await
}

async fn find_profile(ctx: &RequestCtx<'_>, user: &User) -> Result<LoginProfile, ApiError> {
    ctx.app
        .store
        .find_login_profile(&user.user_id)
        .await
        .map_err(errors::store)?
        .ok_or_else(|| errors::no_such_login_profile(&user.user_name))
}

fn profile_error(error: StoreError, user: &User) -> ApiError {
    match error {
        StoreError::NotFound(_) => errors::no_such_login_profile(&user.user_name),
        other => errors::store(other),
    }
}

fn profile_xml(user: &User, profile: &LoginProfile) -> String {
    let mut w = XmlWriter::new();
    w.element("LoginProfile", |w| {
        w.text("UserName", &user.user_name);
        w.timestamp("CreateDate", profile.created_at);
        w.boolean("PasswordResetRequired", profile.password_reset_required);
    });
    w.finish()
}
