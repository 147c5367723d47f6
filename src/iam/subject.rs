//! Finding the entities a request names, with IAM's `NoSuchEntity` wording, and the
//! "no user name means the caller" rule of the caller-implicit operations.

use crate::api::RequestCtx;
use crate::auth::PrincipalKind;
use crate::protocol::ApiError;
use crate::store::groups::Group;
use crate::store::users::User;

use super::errors;

/// Whom a caller-implicit operation acts on.
#[derive(Debug)]
pub enum Subject {
    /// The account's root user (root called without a user name).
    Root,
    /// An IAM user.
    User(User),
}

impl Subject {
    /// The user id as the store keys it: `None` for root.
    #[must_use]
    pub fn user_id(&self) -> Option<&str> {
        match self {
            Self::Root => None,
            Self::User(user) => Some(&user.user_id),
        }
    }

    /// The user name, `None` for root.
    #[must_use]
    pub fn user_name(&self) -> Option<&str> {
        match self {
            Self::Root => None,
            Self::User(user) => Some(&user.user_name),
        }
    }
}

/// The named user in the caller's account.
///
/// # Errors
/// `NoSuchEntity` with IAM's wording.
pub async fn user(ctx: &RequestCtx<'_>, name: &str) -> Result<User, ApiError> {
    ctx.app
        .store
        .find_user(&ctx.principal.account_id, name)
        .await
        .map_err(errors::store)?
        .ok_or_else(|| errors::no_such_user(name))
}

/// The named group in the caller's account.
///
/// # Errors
/// `NoSuchEntity` with IAM's wording.
pub async fn group(ctx: &RequestCtx<'_>, name: &str) -> Result<Group, ApiError> {
    ctx.app
        .store
        .find_group(&ctx.principal.account_id, name)
        .await
        .map_err(errors::store)?
        .ok_or_else(|| errors::no_such_group(name))
}

/// The named user, or the caller when no name was given.
///
/// # Errors
/// `NoSuchEntity` for an unknown name.
pub async fn user_or_caller(ctx: &RequestCtx<'_>, name: Option<&str>) -> Result<Subject, ApiError> {
    if let Some(name) = name {
        return user(ctx, name).await.map(Subject::User);
    }
    match &ctx.principal.kind {
        PrincipalKind::Root => Ok(Subject::Root),
        PrincipalKind::User(owner) => ctx
            .app
            .store
            .find_user_by_id(&owner.user_id)
            .await
            .map_err(errors::store)?
            .map(Subject::User)
            .ok_or_else(|| errors::no_such_user(&owner.user_name)),
        PrincipalKind::AssumedRole { .. } | PrincipalKind::FederatedUser { .. } => {
            Err(errors::user_name_required())
        }
    }
}

/// The named user, or the calling IAM user; root must name one (it has no login profile).
///
/// # Errors
/// `NoSuchEntity` for an unknown name; `ValidationError` when root names none.
pub async fn user_or_calling_user(
    ctx: &RequestCtx<'_>,
    name: Option<&str>,
) -> Result<User, ApiError> {
    match user_or_caller(ctx, name).await? {
        Subject::User(user) => Ok(user),
        Subject::Root => Err(errors::user_name_required()),
    }
}

/// The named role in the caller's account.
///
/// # Errors
/// `NoSuchEntity` with IAM's wording.
pub async fn role(ctx: &RequestCtx<'_>, name: &str) -> Result<crate::store::roles::Role, ApiError> {
    ctx.app
        .store
        .find_role(&ctx.principal.account_id, name)
        .await
        .map_err(errors::store)?
        .ok_or_else(|| errors::no_such_role(name))
}

/// The named instance profile in the caller's account.
///
/// # Errors
/// `NoSuchEntity` with IAM's wording.
pub async fn instance_profile(
    ctx: &RequestCtx<'_>,
    name: &str,
) -> Result<crate::store::instance_profiles::InstanceProfile, ApiError> {
    ctx.app
        .store
        .find_instance_profile(&ctx.principal.account_id, name)
        .await
        .map_err(errors::store)?
        .ok_or_else(|| errors::no_such_instance_profile(name))
}

/// A user, group or role that policies attach to: its unique id and name.
#[derive(Debug, Clone)]
pub struct PolicyHolder {
    /// Its unique id.
    pub id: String,
    /// Its name as stored.
    pub name: String,
}

/// The named user, group or role.
///
/// # Errors
/// `NoSuchEntity` with IAM's wording.
pub async fn holder(
    ctx: &RequestCtx<'_>,
    kind: crate::store::policies::EntityKind,
    name: &str,
) -> Result<PolicyHolder, ApiError> {
    use crate::store::policies::EntityKind;
    let (id, name) = match kind {
        EntityKind::User => user(ctx, name).await.map(|u| (u.user_id, u.user_name))?,
        EntityKind::Group => group(ctx, name).await.map(|g| (g.group_id, g.group_name))?,
        EntityKind::Role => role(ctx, name).await.map(|r| (r.role_id, r.role_name))?,
    };
    Ok(PolicyHolder { id, name })
}

/// The named user, group or role, for a change to its policies: service-linked roles
/// belong to their service and cannot be changed.
///
/// # Errors
/// `NoSuchEntity`; `UnmodifiableEntity` for a service-linked role.
pub async fn writable_holder(
    ctx: &RequestCtx<'_>,
    kind: crate::store::policies::EntityKind,
    name: &str,
) -> Result<PolicyHolder, ApiError> {
    if kind == crate::store::policies::EntityKind::Role {
        let role = role(ctx, name).await?;
        super::roles::check_modifiable(&role)?;
        return Ok(PolicyHolder {
            id: role.role_id,
            name: role.role_name,
        });
    }
    holder(ctx, kind, name).await
}
