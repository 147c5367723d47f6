//! Inline policies: Put/Get/Delete/List for users, groups and roles. Each entity's inline
//! policies together have a size quota (2,048 / 5,120 / 10,240 characters without whitespace).
//! See <https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html>.

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::policy::PolicyKind;
use crate::protocol::{Service, XmlWriter};
use crate::store::policies::EntityKind;
use crate::store::{Limit, StoreError};

use super::attachments::read_holder_name;
use super::documents::{self, DOCUMENT_RULE};
use super::input::{Input, POLICY_NAME};
use super::page::{Page, PageRequest};
use super::{errors, subject};

macro_rules! for_each_kind {
    ($($put:ident, $get:ident, $delete:ident, $list:ident => $kind:ident;)*) => {$(
        #[doc = concat!("Adds or replaces an inline policy of a ", stringify!($kind), ".")]
        pub async fn $put(ctx: &RequestCtx<'_>) -> HandlerResult {
            put(ctx, EntityKind::$kind).await
        }

        #[doc = concat!("An inline policy of a ", stringify!($kind), ", with its document.")]
        pub async fn $get(ctx: &RequestCtx<'_>) -> HandlerResult {
            get(ctx, EntityKind::$kind).await
        }

        #[doc = concat!("Deletes an inline policy of a ", stringify!($kind), ".")]
        pub async fn $delete(ctx: &RequestCtx<'_>) -> HandlerResult {
            delete(ctx, EntityKind::$kind).await
        }

        #[doc = concat!("The names of a ", stringify!($kind), "'s inline policies.")]
        pub async fn $list(ctx: &RequestCtx<'_>) -> HandlerResult {
            list(ctx, EntityKind::$kind).await
        }
    )*};
}

for_each_kind! {
    put_user_policy, get_user_policy, delete_user_policy, list_user_policies => User;
    put_group_policy, get_group_policy, delete_group_policy, list_group_policies => Group;
    put_role_policy, get_role_policy, delete_role_policy, list_role_policies => Role;
}

fn noun(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::User => "user",
        EntityKind::Group => "group",
        EntityKind::Role => "role",
    }
}

fn size_quota(kind: EntityKind) -> usize {
    match kind {
        EntityKind::User => 2048,
        EntityKind::Group => 5120,
        EntityKind::Role => 10240,
    }
}

async fn put(ctx: &RequestCtx<'_>, kind: EntityKind) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = read_holder_name(&mut input, kind);
    let policy_name = input.required("PolicyName", &POLICY_NAME);
    let document = input.required("PolicyDocument", &DOCUMENT_RULE);
    input.finish()?;
    documents::validate(&document, PolicyKind::Inline)?;
    let holder = subject::writable_holder(ctx, kind, &name).await?;
    let max = size_quota(kind);
    let store = &ctx.app.store;
    store
        .put_inline_policy(&holder.id, &policy_name, &document, max)
        .await
        .map_err(|e| match e {
            StoreError::Limit(Limit::InlinePolicySize) => {
                errors::inline_size(noun(kind), &holder.name, max)
            }
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

async fn get(ctx: &RequestCtx<'_>, kind: EntityKind) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = read_holder_name(&mut input, kind);
    let policy_name = input.required("PolicyName", &POLICY_NAME);
    input.finish()?;
    let holder = subject::holder(ctx, kind, &name).await?;
    let found = ctx
        .app
        .store
        .inline_policy(&holder.id, &policy_name)
        .await
        .map_err(errors::store)?;
    let (stored_name, document) =
        found.ok_or_else(|| errors::no_such_inline_policy(noun(kind), &policy_name))?;
    let mut w = XmlWriter::new();
    w.text(holder_member(kind), &holder.name);
    w.text("PolicyName", &stored_name);
    w.text("PolicyDocument", &documents::encode(&document));
    Ok(Reply::Result(w.finish()))
}

async fn delete(ctx: &RequestCtx<'_>, kind: EntityKind) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = read_holder_name(&mut input, kind);
    let policy_name = input.required("PolicyName", &POLICY_NAME);
    input.finish()?;
    let holder = subject::writable_holder(ctx, kind, &name).await?;
    ctx.app
        .store
        .delete_inline_policy(&holder.id, &policy_name)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => errors::no_such_inline_policy(noun(kind), &policy_name),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

async fn list(ctx: &RequestCtx<'_>, kind: EntityKind) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = read_holder_name(&mut input, kind);
    let page = PageRequest::read(&mut input);
    input.finish()?;
    let after = page.after()?;
    let holder = subject::holder(ctx, kind, &name).await?;
    let names: Vec<String> = ctx
        .app
        .store
        .inline_policies(&holder.id)
        .await
        .map_err(errors::store)?
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| {
            after
                .as_ref()
                .is_none_or(|a| name.to_ascii_lowercase() > a.to_ascii_lowercase())
        })
        .collect();
    let page = Page::from_rows(names, &page, Clone::clone);
    let mut w = XmlWriter::new();
    w.list("PolicyNames", &page.items, |w, name| {
        w.buf_text(name);
    });
    page.write_tail(&mut w);
    Ok(Reply::Result(w.finish()))
}

fn holder_member(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::User => "UserName",
        EntityKind::Group => "GroupName",
        EntityKind::Role => "RoleName",
    }
}
