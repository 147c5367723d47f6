//! Instance profiles: Create/Get/List/Delete, AddRoleToInstanceProfile (one role at most),
//! RemoveRoleFromInstanceProfile, ListInstanceProfilesForRole.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html>.

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::ids::{self, IdPrefix};
use crate::protocol::{ApiError, ErrorCode, Service, XmlWriter};
use crate::store::StoreError;
use crate::store::instance_profiles::InstanceProfile;
use crate::store::tags::Tag;

use super::input::{INSTANCE_PROFILE_NAME, Input, PATH_PREFIX_RULE, PATH_RULE, ROLE_NAME};
use super::page::{Page, PageRequest};
use super::roles::{View, write_role};
use super::{errors, subject, tags};

/// Creates an instance profile.
pub async fn create_instance_profile(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("InstanceProfileName", &INSTANCE_PROFILE_NAME);
    let path = input
        .optional("Path", &PATH_RULE)
        .unwrap_or_else(|| "/".to_owned());
    let new_tags = input.tags("Tags").unwrap_or_default();
    input.finish()?;
    tags::check_new(&new_tags)?;
    let profile = InstanceProfile {
        instance_profile_id: ids::unique_id(IdPrefix::InstanceProfile),
        account_id: ctx.principal.account_id.clone(),
        name,
        path,
        created_at: ctx.app.clock.now(),
    };
    ctx.app
        .store
        .create_instance_profile(&profile, &new_tags)
        .await
        .map_err(|e| match e {
            StoreError::AlreadyExists => errors::instance_profile_exists(&profile.name),
            other => errors::store(other),
        })?;
    let mut w = XmlWriter::new();
    write_profile(ctx, &mut w, &profile, &new_tags).await?;
    Ok(Reply::Result(w.finish()))
}

/// An instance profile with its role and tags.
pub async fn get_instance_profile(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("InstanceProfileName", &INSTANCE_PROFILE_NAME);
    input.finish()?;
    let profile = subject::instance_profile(ctx, &name).await?;
    let profile_tags = ctx
        .app
        .store
        .tags(&profile.instance_profile_id)
        .await
        .map_err(errors::store)?;
    let mut w = XmlWriter::new();
    write_profile(ctx, &mut w, &profile, &profile_tags).await?;
    Ok(Reply::Result(w.finish()))
}

/// One page of instance profiles, by name.
pub async fn list_instance_profiles(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let prefix = input
        .optional("PathPrefix", &PATH_PREFIX_RULE)
        .unwrap_or_else(|| "/".to_owned());
    let page = PageRequest::read(&mut input);
    input.finish()?;
    let after = page.after()?;
    let store = &ctx.app.store;
    let rows = store
        .list_instance_profiles(
            &ctx.principal.account_id,
            &prefix,
            after.as_deref(),
            page.fetch_limit(),
        )
        .await
        .map_err(errors::store)?;
    write_profile_page(ctx, rows, &page).await
}

/// The instance profiles that hold a role.
pub async fn list_instance_profiles_for_role(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("RoleName", &ROLE_NAME);
    let page = PageRequest::read(&mut input);
    input.finish()?;
    let after = page.after()?;
    let role = subject::role(ctx, &name).await?;
    let rows: Vec<InstanceProfile> = ctx
        .app
        .store
        .instance_profiles_for_role(&role.role_id)
        .await
        .map_err(errors::store)?
        .into_iter()
        .filter(|p| {
            after
                .as_ref()
                .is_none_or(|a| p.name.to_ascii_lowercase() > a.to_ascii_lowercase())
        })
        .collect();
    write_profile_page(ctx, rows, &page).await
}

/// Deletes an instance profile that holds no role.
pub async fn delete_instance_profile(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("InstanceProfileName", &INSTANCE_PROFILE_NAME);
    input.finish()?;
    let profile = subject::instance_profile(ctx, &name).await?;
    ctx.app
        .store
        .delete_instance_profile(&profile.instance_profile_id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => errors::no_such_instance_profile(&name),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

/// Puts a role in an instance profile (at most one).
pub async fn add_role_to_instance_profile(ctx: &RequestCtx<'_>) -> HandlerResult {
    let (profile, role) = profile_and_role(ctx).await?;
    let store = &ctx.app.store;
    store
        .add_role_to_instance_profile(&profile.instance_profile_id, &role.role_id)
        .await
        .map_err(errors::store)?;
    Ok(Reply::Empty)
}

/// Takes the role out of an instance profile.
pub async fn remove_role_from_instance_profile(ctx: &RequestCtx<'_>) -> HandlerResult {
    let (profile, role) = profile_and_role(ctx).await?;
    let store = &ctx.app.store;
    store
        .remove_role_from_instance_profile(&profile.instance_profile_id, &role.role_id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => ApiError::new(
                ErrorCode::NoSuchEntity,
                format!(
                    "Role {} in Instance Profile {} cannot be found.",
                    role.role_name, profile.name
                ),
            ),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

async fn profile_and_role(
    ctx: &RequestCtx<'_>,
) -> Result<(InstanceProfile, crate::store::roles::Role), ApiError> {
    let mut input = Input::new(ctx.params, Service::Iam);
    let profile_name = input.required("InstanceProfileName", &INSTANCE_PROFILE_NAME);
    let role_name = input.required("RoleName", &ROLE_NAME);
    input.finish()?;
    let profile = subject::instance_profile(ctx, &profile_name).await?;
    let role = subject::role(ctx, &role_name).await?;
    Ok((profile, role))
}

async fn write_profile_page(
    ctx: &RequestCtx<'_>,
    rows: Vec<InstanceProfile>,
    request: &PageRequest,
) -> HandlerResult {
    let page = Page::from_rows(rows, request, |p| p.name.clone());
    let mut members = Vec::with_capacity(page.items.len());
    for profile in &page.items {
        let mut w = XmlWriter::new();
        write_profile_members(ctx, &mut w, profile, &[]).await?;
        members.push(w.finish());
    }
    let mut w = XmlWriter::new();
    w.list("InstanceProfiles", &members, |w, inner| {
        w.raw(inner);
    });
    page.write_tail(&mut w);
    Ok(Reply::Result(w.finish()))
}

async fn write_profile(
    ctx: &RequestCtx<'_>,
    w: &mut XmlWriter,
    profile: &InstanceProfile,
    profile_tags: &[Tag],
) -> Result<(), ApiError> {
    let mut inner = XmlWriter::new();
    write_profile_members(ctx, &mut inner, profile, profile_tags).await?;
    let inner = inner.finish();
    w.element("InstanceProfile", |w| {
        w.raw(&inner);
    });
    Ok(())
}

/// The members of an `InstanceProfile` element, with its roles.
///
/// # Errors
/// A store failure.
pub async fn write_profile_members(
    ctx: &RequestCtx<'_>,
    w: &mut XmlWriter,
    profile: &InstanceProfile,
    profile_tags: &[Tag],
) -> Result<(), ApiError> {
    let roles = ctx
        .app
        .store
        .instance_profile_roles(&profile.instance_profile_id)
        .await
        .map_err(errors::store)?;
    w.text("Path", &profile.path);
    w.text("InstanceProfileName", &profile.name);
    w.text("InstanceProfileId", &profile.instance_profile_id);
    w.text("Arn", &profile.arn());
    w.timestamp("CreateDate", profile.created_at);
    w.list("Roles", &roles, |w, role| write_role(w, role, View::Listed));
    if !profile_tags.is_empty() {
        tags::write(w, profile_tags);
    }
    Ok(())
}
