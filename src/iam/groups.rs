//! Groups and membership: CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup,
//! AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser.
//! See <https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html>.

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::ids::{self, IdPrefix};
use crate::protocol::{Service, XmlWriter};
use crate::store::StoreError;
use crate::store::groups::Group;

use super::input::{EXISTING_USER_NAME, GROUP_NAME, Input, PATH_PREFIX_RULE, PATH_RULE};
use super::page::{Page, PageRequest};
use super::users::write_user;
use super::{errors, subject};

/// Creates a group.
pub async fn create_group(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("GroupName", &GROUP_NAME);
    let path = input
        .optional("Path", &PATH_RULE)
        .unwrap_or_else(|| "/".to_owned());
    input.finish()?;

    let group = Group {
        group_id: ids::unique_id(IdPrefix::Group),
        account_id: ctx.principal.account_id.clone(),
        group_name: name,
        path,
        created_at: ctx.app.clock.now(),
    };
    ctx.app
        .store
        .create_group(&group)
        .await
        .map_err(|e| match e {
            StoreError::AlreadyExists => errors::group_exists(&group.group_name),
            other => errors::store(other),
        })?;
    let mut w = XmlWriter::new();
    w.element("Group", |w| write_group(w, &group));
    Ok(Reply::Result(w.finish()))
}

/// A group and one page of its members.
pub async fn get_group(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("GroupName", &GROUP_NAME);
    let page = PageRequest::read(&mut input);
    input.finish()?;
    let after = page.after()?;

    let group = subject::group(ctx, &name).await?;
    let store = &ctx.app.store;
    let rows = store
        .list_group_members(&group.group_id, after.as_deref(), page.fetch_limit())
        .await
        .map_err(errors::store)?;
    let page = Page::from_rows(rows, &page, |u| u.user_name.clone());
    let mut w = XmlWriter::new();
    w.element("Group", |w| write_group(w, &group));
    w.list("Users", &page.items, |w, user| write_user(w, user, &[]));
    page.write_tail(&mut w);
    Ok(Reply::Result(w.finish()))
}

/// One page of groups, by name, filtered by path prefix.
pub async fn list_groups(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let prefix = input
        .optional("PathPrefix", &PATH_PREFIX_RULE)
        .unwrap_or_else(|| "/".to_owned());
    let page = PageRequest::read(&mut input);
    input.finish()?;
    let after = page.after()?;

    let store = &ctx.app.store;
    let rows = store
        .list_groups(
            &ctx.principal.account_id,
            &prefix,
            after.as_deref(),
            page.fetch_limit(),
        )
        .await
        .map_err(errors::store)?;
    write_group_page(rows, &page)
}

/// Renames a group and/or moves it to a new path.
pub async fn update_group(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("GroupName", &GROUP_NAME);
    let new_path = input.optional("NewPath", &PATH_RULE);
    let new_name = input.optional("NewGroupName", &GROUP_NAME);
    input.finish()?;

    let group = subject::group(ctx, &name).await?;
    let target_name = new_name.unwrap_or_else(|| group.group_name.clone());
    let target_path = new_path.unwrap_or_else(|| group.path.clone());
    ctx.app
        .store
        .update_group(&group.group_id, &target_name, &target_path)
        .await
        .map_err(|e| match e {
            StoreError::AlreadyExists => errors::group_exists(&target_name),
            StoreError::NotFound(_) => errors::no_such_group(&name),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

/// Deletes a group without members.
pub async fn delete_group(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("GroupName", &GROUP_NAME);
    input.finish()?;

    let group = subject::group(ctx, &name).await?;
    ctx.app
        .store
        .delete_group(&group.group_id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => errors::no_such_group(&name),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

/// Adds a user to a group.
pub async fn add_user_to_group(ctx: &RequestCtx<'_>) -> HandlerResult {
    let (user, group) = user_and_group(ctx).await?;
    ctx.app
        .store
        .add_user_to_group(&group.group_id, &user.user_id)
        .await
        .map_err(errors::store)?;
    Ok(Reply::Empty)
}

/// Removes a user from a group.
pub async fn remove_user_from_group(ctx: &RequestCtx<'_>) -> HandlerResult {
    let (user, group) = user_and_group(ctx).await?;
    ctx.app
        .store
        .remove_user_from_group(&group.group_id, &user.user_id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => errors::no_such_user(&user.user_name),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

/// One page of the groups a user belongs to, by name.
pub async fn list_groups_for_user(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("UserName", &EXISTING_USER_NAME);
    let page = PageRequest::read(&mut input);
    input.finish()?;
    let after = page.after()?;

    let user = subject::user(ctx, &name).await?;
    let store = &ctx.app.store;
    let rows = store
        .list_groups_for_user(&user.user_id, after.as_deref(), page.fetch_limit())
        .await
        .map_err(errors::store)?;
    write_group_page(rows, &page)
}

/// Reads `GroupName` and `UserName`; the user is looked up first, as AWS reports it first.
async fn user_and_group(
    ctx: &RequestCtx<'_>,
) -> Result<(crate::store::users::User, Group), crate::protocol::ApiError> {
    let mut input = Input::new(ctx.params, Service::Iam);
    let group_name = input.required("GroupName", &GROUP_NAME);
    let user_name = input.required("UserName", &EXISTING_USER_NAME);
    input.finish()?;
    let user = subject::user(ctx, &user_name).await?;
    let group = subject::group(ctx, &group_name).await?;
    Ok((user, group))
}

fn write_group_page(rows: Vec<Group>, request: &PageRequest) -> HandlerResult {
    let page = Page::from_rows(rows, request, |g| g.group_name.clone());
    let mut w = XmlWriter::new();
    w.list("Groups", &page.items, write_group);
    page.write_tail(&mut w);
    Ok(Reply::Result(w.finish()))
}

/// The members of a `Group` element.
pub fn write_group(w: &mut XmlWriter, group: &Group) {
    w.text("Path", &group.path);
    w.text("GroupName", &group.group_name);
    w.text("GroupId", &group.group_id);
    w.text("Arn", &group.arn());
    w.timestamp("CreateDate", group.created_at);
}
