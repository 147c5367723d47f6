//! Access keys: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey,
//! GetAccessKeyLastUsed. Without `UserName` they act on the caller's own keys (root's too).
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html>.

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::ids::{self, IdPrefix};
use crate::protocol::{ApiError, ErrorCode, Service, XmlWriter};
use crate::store::{AccessKey, AccessKeyStatus, StoreError};

use super::input::{ACCESS_KEY_ID_RULE, EXISTING_USER_NAME, Input};
use super::page::{Page, PageRequest};
use super::{errors, subject};

/// Creates a key for the named user or the caller; the secret is shown only here.
pub async fn create_access_key(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.optional("UserName", &EXISTING_USER_NAME);
    input.finish()?;

    let owner = subject::user_or_caller(ctx, name.as_deref()).await?;
    let account = &ctx.principal.account_id;
    let key_id = ids::access_key_id(IdPrefix::AccessKey, account);
    let secret = ids::secret_access_key();
    let now = ctx.app.clock.now();
    ctx.app
        .store
        .create_access_key(account, owner.user_id(), &key_id, &secret, now)
        .await
        .map_err(errors::store)?;

    let mut w = XmlWriter::new();
    w.element("AccessKey", |w| {
        w.opt_text("UserName", owner.user_name());
        w.text("AccessKeyId", &key_id);
        w.text("Status", AccessKeyStatus::Active.as_str());
        w.text("SecretAccessKey", &secret);
        w.timestamp("CreateDate", now);
    });
    Ok(Reply::Result(w.finish()))
}

/// The keys of the named user or the caller, oldest first.
pub async fn list_access_keys(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.optional("UserName", &EXISTING_USER_NAME);
    let page = PageRequest::read(&mut input);
    input.finish()?;
    let after = page.after()?;

    let owner = subject::user_or_caller(ctx, name.as_deref()).await?;
    let store = &ctx.app.store;
    let keys = store
        .list_access_keys(&ctx.principal.account_id, owner.user_id())
        .await
        .map_err(errors::store)?;
    // At most two keys: the page is cut in memory, keyed by the key id.
    let rest: Vec<AccessKey> = match &after {
        Some(last) => keys
            .into_iter()
            .skip_while(|k| k.access_key_id != *last)
            .skip(1)
            .collect(),
        None => keys,
    };
    let page = Page::from_rows(rest, &page, |k| k.access_key_id.clone());
    let mut w = XmlWriter::new();
    w.list("AccessKeyMetadata", &page.items, |w, key| {
        w.opt_text("UserName", key.user_name.as_deref());
        w.text("AccessKeyId", &key.access_key_id);
        w.text("Status", key.status.as_str());
        w.timestamp("CreateDate", key.created_at);
    });
    page.write_tail(&mut w);
    Ok(Reply::Result(w.finish()))
}

/// Activates or deactivates a key; an inactive key is refused when it signs.
pub async fn update_access_key(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.optional("UserName", &EXISTING_USER_NAME);
    let key_id = input.required("AccessKeyId", &ACCESS_KEY_ID_RULE);
    let status = input.required_enum("Status", &["Active", "Inactive", "Expired"]);
    input.finish()?;
    let status = match status.as_str() {
        "Active" => AccessKeyStatus::Active,
        "Inactive" => AccessKeyStatus::Inactive,
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                format!("Status {status} cannot be set on an access key."),
            ));
        }
    };

    let owner = subject::user_or_caller(ctx, name.as_deref()).await?;
    let store = &ctx.app.store;
    store
        .update_access_key(&ctx.principal.account_id, owner.user_id(), &key_id, status)
        .await
        .map_err(|e| not_found_as_key(e, &key_id))?;
    Ok(Reply::Empty)
}

/// Deletes a key; it stops signing at once.
pub async fn delete_access_key(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.optional("UserName", &EXISTING_USER_NAME);
    let key_id = input.required("AccessKeyId", &ACCESS_KEY_ID_RULE);
    input.finish()?;

    let owner = subject::user_or_caller(ctx, name.as_deref()).await?;
    let store = &ctx.app.store;
    store
        .delete_access_key(&ctx.principal.account_id, owner.user_id(), &key_id)
        .await
        .map_err(|e| not_found_as_key(e, &key_id))?;
    Ok(Reply::Empty)
}

/// When and where a key of the caller's account was last used.
pub async fn get_access_key_last_used(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let key_id = input.required("AccessKeyId", &ACCESS_KEY_ID_RULE);
    input.finish()?;

    let store = &ctx.app.store;
    let found = store
        .access_key_last_used(&ctx.principal.account_id, &key_id)
        .await
        .map_err(errors::store)?;
    // AWS answers a key outside the caller's account as a denied resource, not a missing one.
    let Some((user_name, usage)) = found else {
        return Err(ApiError::new(
            ErrorCode::AccessDenied,
            format!(
                "User: {} is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key {key_id}",
                ctx.principal.arn()
            ),
        ));
    };
    let mut w = XmlWriter::new();
    w.opt_text("UserName", user_name.as_deref());
    w.element("AccessKeyLastUsed", |w| {
        if let Some(at) = usage.at {
            w.timestamp("LastUsedDate", at);
        }
        w.text("ServiceName", usage.service.as_deref().unwrap_or("N/A"));
        w.text("Region", usage.region.as_deref().unwrap_or("N/A"));
    });
    Ok(Reply::Result(w.finish()))
}

fn not_found_as_key(error: StoreError, key_id: &str) -> ApiError {
    match error {
        StoreError::NotFound(_) => errors::no_such_access_key(key_id),
        other => errors::store(other),
    }
}
