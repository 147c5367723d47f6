//! Users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser.
//! See <https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html>.

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::ids::{self, IdPrefix};
use crate::protocol::{Service, XmlWriter};
use crate::store::StoreError;
use crate::store::users::User;

use super::input::{ARN_RULE, EXISTING_USER_NAME, Input, PATH_PREFIX_RULE, PATH_RULE, USER_NAME};
use super::page::{Page, PageRequest};
use super::subject::{self, Subject};
use super::{errors, tags};

/// Creates a user, with optional path, tags and permissions boundary.
pub async fn create_user(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("UserName", &USER_NAME);
    let path = input
        .optional("Path", &PATH_RULE)
        .unwrap_or_else(|| "/".to_owned());
    let boundary = input.optional("PermissionsBoundary", &ARN_RULE);
    let new_tags = input.tags("Tags").unwrap_or_default();
    input.finish()?;
    tags::check_new(&new_tags)?;
    if let Some(arn) = &boundary {
        super::boundary::check(ctx, arn).await?;
    }

    let user = User {
        user_id: ids::unique_id(IdPrefix::User),
        account_id: ctx.principal.account_id.clone(),
        user_name: name,
        path,
        created_at: ctx.app.clock.now(),
        password_last_used_at: None,
        permissions_boundary_arn: boundary,
    };
    ctx.app
        .store
        .create_user(&user, &new_tags)
        .await
        .map_err(|e| match e {
            StoreError::AlreadyExists => errors::user_exists(&user.user_name),
            other => errors::store(other),
        })?;
    let mut w = XmlWriter::new();
    w.element("User", |w| write_user(w, &user, &new_tags));
    Ok(Reply::Result(w.finish()))
}

/// The named user, or the caller, with tags and boundary.
pub async fn get_user(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.optional("UserName", &EXISTING_USER_NAME);
    input.finish()?;

    let mut w = XmlWriter::new();
    match subject::user_or_caller(ctx, name.as_deref()).await? {
        Subject::User(user) => {
            let user_tags = ctx
                .app
                .store
                .tags(&user.user_id)
                .await
                .map_err(errors::store)?;
            w.element("User", |w| write_user(w, &user, &user_tags));
        }
        Subject::Root => {
            let account = &ctx.principal.account_id;
            let created = ctx
                .app
                .store
                .account_created_at(account)
                .await
                .map_err(errors::store)?;
            w.element("User", |w| {
                w.text("UserId", account);
                w.text("Arn", &crate::arn::root(account));
                w.timestamp("CreateDate", created.unwrap_or_default());
            });
        }
    }
    Ok(Reply::Result(w.finish()))
}

/// One page of users, by name, filtered by path prefix.
pub async fn list_users(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let prefix = input
        .optional("PathPrefix", &PATH_PREFIX_RULE)
        .unwrap_or_else(|| "/".to_owned());
    let page = PageRequest::read(&mut input);
    input.finish()?;
    let after = page.after()?;

    let store = &ctx.app.store;
    let rows = store
        .list_users(
            &ctx.principal.account_id,
            &prefix,
            after.as_deref(),
            page.fetch_limit(),
        )
        .await
        .map_err(errors::store)?;
    let page = Page::from_rows(rows, &page, |u| u.user_name.clone());
    let mut w = XmlWriter::new();
    w.list("Users", &page.items, |w, user| write_user(w, user, &[]));
    page.write_tail(&mut w);
    Ok(Reply::Result(w.finish()))
}

/// Renames a user and/or moves it to a new path.
pub async fn update_user(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("UserName", &EXISTING_USER_NAME);
    let new_path = input.optional("NewPath", &PATH_RULE);
    let new_name = input.optional("NewUserName", &USER_NAME);
    input.finish()?;

    let user = subject::user(ctx, &name).await?;
    let target_name = new_name.unwrap_or_else(|| user.user_name.clone());
    let target_path = new_path.unwrap_or_else(|| user.path.clone());
    ctx.app
        .store
        .update_user(&user.user_id, &target_name, &target_path)
        .await
        .map_err(|e| match e {
            StoreError::AlreadyExists => errors::user_exists(&target_name),
            StoreError::NotFound(_) => errors::no_such_user(&name),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

/// Deletes a user that has no keys, password, group memberships or policies left.
pub async fn delete_user(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("UserName", &EXISTING_USER_NAME);
    input.finish()?;

    let user = subject::user(ctx, &name).await?;
    ctx.app
        .store
        .delete_user(&user.user_id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => errors::no_such_user(&name),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

/// The members of a `User` element; `tags` empty leaves `Tags` out, as list calls do.
pub fn write_user(w: &mut XmlWriter, user: &User, user_tags: &[crate::store::tags::Tag]) {
    w.text("Path", &user.path);
    w.text("UserName", &user.user_name);
    w.text("UserId", &user.user_id);
    w.text("Arn", &user.arn());
    w.timestamp("CreateDate", user.created_at);
    if let Some(at) = user.password_last_used_at {
        w.timestamp("PasswordLastUsed", at);
    }
    if let Some(arn) = &user.permissions_boundary_arn {
        super::boundary::write(w, arn);
    }
    if !user_tags.is_empty() {
        tags::write(w, user_tags);
    }
}
