//! Tags of IAM entities: the rules every Tag* call shares, and TagUser, UntagUser,
//! ListUserTags. See <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html>.

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::protocol::{ApiError, Service, XmlWriter};
use crate::store::tags::Tag;

use super::input::{EXISTING_USER_NAME, Input, has_duplicate_keys};
use super::page::{Page, PageRequest};
use super::{errors, subject};

/// Rejects tags repeated in one request (ignoring case) or in the reserved `aws:` namespace.
///
/// # Errors
/// `InvalidInput`.
pub fn check_new(tags: &[Tag]) -> Result<(), ApiError> {
    if has_duplicate_keys(tags) {
        return Err(errors::duplicate_tag_keys());
    }
    if tags
        .iter()
        .any(|t| t.key.to_ascii_lowercase().starts_with("aws:"))
    {
        return Err(errors::reserved_tag_key());
    }
    Ok(())
}

/// `<Tags>` with one member per tag.
pub fn write(w: &mut XmlWriter, tags: &[Tag]) {
    w.list("Tags", tags, |w, tag| {
        w.text("Key", &tag.key);
        w.text("Value", &tag.value);
    });
}

/// Adds or replaces tags on a user.
pub async fn tag_user(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("UserName", &EXISTING_USER_NAME);
    let tags = input.required_tags("Tags");
    input.finish()?;
    check_new(&tags)?;

    let user = subject::user(ctx, &name).await?;
    ctx.app
        .store
        .tag_resource(&user.user_id, &tags)
        .await
        .map_err(errors::store)?;
    Ok(Reply::Empty)
}

/// Removes tags from a user by key.
pub async fn untag_user(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("UserName", &EXISTING_USER_NAME);
    let keys = input.tag_keys("TagKeys");
    input.finish()?;

    let user = subject::user(ctx, &name).await?;
    ctx.app
        .store
        .untag_resource(&user.user_id, &keys)
        .await
        .map_err(errors::store)?;
    Ok(Reply::Empty)
}

/// One page of a user's tags, in the order they were added.
pub async fn list_user_tags(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("UserName", &EXISTING_USER_NAME);
    let page = PageRequest::read(&mut input);
    input.finish()?;
    let after = tag_position(page.after()?)?;

    let user = subject::user(ctx, &name).await?;
    let store = &ctx.app.store;
    let rows = store
        .tags_page(&user.user_id, after, page.fetch_limit())
        .await
        .map_err(errors::store)?;
    let page = Page::from_rows(rows, &page, |(_, position)| position.to_string());
    let tags: Vec<Tag> = page.items.iter().map(|(tag, _)| tag.clone()).collect();
    let mut w = XmlWriter::new();
    write(&mut w, &tags);
    page.write_tail(&mut w);
    Ok(Reply::Result(w.finish()))
}

fn tag_position(after: Option<String>) -> Result<i64, ApiError> {
    match after {
        None => Ok(0),
        Some(text) => text
            .parse()
            .map_err(|_| ApiError::validation("Invalid Marker.")),
    }
}
