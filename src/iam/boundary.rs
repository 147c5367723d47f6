//! Permissions boundaries: Put/Delete{User,Role}PermissionsBoundary, and the check every
//! operation that sets one makes.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>.

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::protocol::{ApiError, Service, XmlWriter};
use crate::store::policies::EntityKind;

use super::input::{ARN_RULE, Input, ROLE_NAME, USER_NAME};
use super::{errors, policies, subject};

/// Accepts a boundary only if it names an existing managed policy.
///
/// # Errors
/// `InvalidInput` for a non-policy ARN; `NoSuchEntity` for an unknown policy.
pub async fn check(ctx: &RequestCtx<'_>, arn: &str) -> Result<(), ApiError> {
    if crate::arn::parse_policy(arn).is_none() {
        return Err(errors::invalid_arn(arn));
    }
    match policies::resolve(ctx, arn).await? {
        Some(_) => Ok(()),
        None => Err(errors::no_such_boundary(arn)),
    }
}

/// `<PermissionsBoundary>` of a user or role.
pub fn write(w: &mut XmlWriter, arn: &str) {
    w.element("PermissionsBoundary", |w| {
        w.text("PermissionsBoundaryType", "PermissionsBoundaryPolicy");
        w.text("PermissionsBoundaryArn", arn);
    });
}

/// Sets a user's permissions boundary.
pub async fn put_user_permissions_boundary(ctx: &RequestCtx<'_>) -> HandlerResult {
    put(ctx, EntityKind::User).await
}

/// Sets a role's permissions boundary.
pub async fn put_role_permissions_boundary(ctx: &RequestCtx<'_>) -> HandlerResult {
    put(ctx, EntityKind::Role).await
}

/// Removes a user's permissions boundary.
pub async fn delete_user_permissions_boundary(ctx: &RequestCtx<'_>) -> HandlerResult {
    delete(ctx, EntityKind::User).await
}

/// Removes a role's permissions boundary.
pub async fn delete_role_permissions_boundary(ctx: &RequestCtx<'_>) -> HandlerResult {
    delete(ctx, EntityKind::Role).await
}

fn read_name(input: &mut Input<'_>, kind: EntityKind) -> String {
    match kind {
        EntityKind::Role => input.required("RoleName", &ROLE_NAME),
        _ => input.required("UserName", &USER_NAME),
    }
}

async fn put(ctx: &RequestCtx<'_>, kind: EntityKind) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = read_name(&mut input, kind);
    let arn = input.required("PermissionsBoundary", &ARN_RULE);
    input.finish()?;
    let holder = subject::writable_holder(ctx, kind, &name).await?;
    check(ctx, &arn).await?;
    ctx.app
        .store
        .set_permissions_boundary(kind, &holder.id, Some(&arn))
        .await
        .map_err(errors::store)?;
    Ok(Reply::Empty)
}

async fn delete(ctx: &RequestCtx<'_>, kind: EntityKind) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = read_name(&mut input, kind);
    input.finish()?;
    let holder = subject::writable_holder(ctx, kind, &name).await?;
    ctx.app
        .store
        .set_permissions_boundary(kind, &holder.id, None)
        .await
        .map_err(errors::store)?;
    Ok(Reply::Empty)
}
