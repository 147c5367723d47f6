//! Managed policy attachments: Attach/Detach/ListAttached for users, groups and roles.
//! See <https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html>.

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::protocol::{Service, XmlWriter};
use crate::store::StoreError;
use crate::store::policies::EntityKind;

use super::input::{GROUP_NAME, Input, PATH_PREFIX_RULE, ROLE_NAME, USER_NAME};
use super::page::{Page, PageRequest};
use super::policies::{self, PolicyRef};
use super::{errors, subject};

macro_rules! for_each_kind {
    ($($attach:ident, $detach:ident, $list:ident => $kind:ident;)*) => {$(
        #[doc = concat!("Attaches a managed policy to a ", stringify!($kind), ".")]
        pub async fn $attach(ctx: &RequestCtx<'_>) -> HandlerResult {
            attach(ctx, EntityKind::$kind).await
        }

        #[doc = concat!("Detaches a managed policy from a ", stringify!($kind), ".")]
        pub async fn $detach(ctx: &RequestCtx<'_>) -> HandlerResult {
            detach(ctx, EntityKind::$kind).await
        }

        #[doc = concat!("The managed policies attached to a ", stringify!($kind), ".")]
        pub async fn $list(ctx: &RequestCtx<'_>) -> HandlerResult {
            list(ctx, EntityKind::$kind).await
        }
    )*};
}

for_each_kind! {
    attach_user_policy, detach_user_policy, list_attached_user_policies => User;
    attach_group_policy, detach_group_policy, list_attached_group_policies => Group;
    attach_role_policy, detach_role_policy, list_attached_role_policies => Role;
}

/// Reads the entity name member of `kind` (`UserName`, `GroupName`, `RoleName`).
pub fn read_holder_name(input: &mut Input<'_>, kind: EntityKind) -> String {
    match kind {
        EntityKind::User => input.required("UserName", &USER_NAME),
        EntityKind::Group => input.required("GroupName", &GROUP_NAME),
        EntityKind::Role => input.required("RoleName", &ROLE_NAME),
    }
}

async fn attach(ctx: &RequestCtx<'_>, kind: EntityKind) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = read_holder_name(&mut input, kind);
    let arn = policies::read_policy_arn(&mut input, "PolicyArn");
    input.finish()?;
    policies::check_policy_arn(&arn)?;
    let holder = subject::writable_holder(ctx, kind, &name).await?;
    match policies::resolve(ctx, &arn).await? {
        Some(PolicyRef::Aws(policy)) if !policy.is_attachable() => {
            return Err(errors::service_role_policy(&arn));
        }
        Some(_) => {}
        None => return Err(errors::policy_not_attachable(&arn)),
    }
    let now = ctx.app.clock.now();
    let store = &ctx.app.store;
    store
        .attach_policy(&ctx.principal.account_id, kind, &holder.id, &arn, now)
        .await
        .map_err(errors::store)?;
    Ok(Reply::Empty)
}

async fn detach(ctx: &RequestCtx<'_>, kind: EntityKind) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = read_holder_name(&mut input, kind);
    let arn = policies::read_policy_arn(&mut input, "PolicyArn");
    input.finish()?;
    policies::check_policy_arn(&arn)?;
    let holder = subject::writable_holder(ctx, kind, &name).await?;
    ctx.app
        .store
        .detach_policy(&holder.id, &arn)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => errors::no_such_policy(&arn),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

async fn list(ctx: &RequestCtx<'_>, kind: EntityKind) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = read_holder_name(&mut input, kind);
    let prefix = input
        .optional("PathPrefix", &PATH_PREFIX_RULE)
        .unwrap_or_else(|| "/".to_owned());
    let page = PageRequest::read(&mut input);
    input.finish()?;
    let after = page.after()?;
    let holder = subject::holder(ctx, kind, &name).await?;
    let arns = ctx
        .app
        .store
        .attached_policies(&holder.id)
        .await
        .map_err(errors::store)?;
    // At most ten per entity: filtered and cut in memory, keyed by ARN.
    let mut rows: Vec<(String, String)> = arns
        .into_iter()
        .filter_map(|arn| {
            let (_, path, name) = crate::arn::parse_policy(&arn)?;
            path.starts_with(prefix.as_str())
                .then(|| (name.to_owned(), arn.clone()))
        })
        .collect();
    if let Some(after) = &after
        && let Some(index) = rows.iter().position(|(_, arn)| arn == after)
    {
        rows.drain(..=index);
    }
    let page = Page::from_rows(rows, &page, |(_, arn)| arn.clone());
    let mut w = XmlWriter::new();
    w.list("AttachedPolicies", &page.items, |w, (name, arn)| {
        w.text("PolicyName", name);
        w.text("PolicyArn", arn);
    });
    page.write_tail(&mut w);
    Ok(Reply::Result(w.finish()))
}
