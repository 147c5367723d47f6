//! Tags of IAM entities: the rules every Tag* call shares, and the Tag/Untag/List*Tags
//! operations of users, roles, managed policies and instance profiles.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html>.

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::protocol::{ApiError, Service, XmlWriter};
use crate::store::tags::Tag;

use super::input::{
    ARN_RULE, EXISTING_USER_NAME, INSTANCE_PROFILE_NAME, Input, ROLE_NAME, has_duplicate_keys,
};
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

/// Like `check_new`, with the wording IAM uses for managed policies.
///
/// # Errors
/// `InvalidInput`.
pub fn check_new_for_policy(tags: &[Tag]) -> Result<(), ApiError> {
    let mut keys: Vec<&str> = tags.iter().map(|t| t.key.as_str()).collect();
    keys.sort_unstable();
    if keys.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(ApiError::new(
            crate::protocol::ErrorCode::InvalidInput,
            "Duplicate tag keys found.",
        ));
    }
    check_new(tags)
}

/// `<Tags>` with one member per tag.
pub fn write(w: &mut XmlWriter, tags: &[Tag]) {
    w.list("Tags", tags, |w, tag| {
        w.text("Key", &tag.key);
        w.text("Value", &tag.value);
    });
}

/// The entity kinds that carry tags, and how a request names each.
#[derive(Clone, Copy, Debug)]
enum Tagged {
    User,
    Role,
    Policy,
    InstanceProfile,
    MfaDevice,
}

macro_rules! tag_handlers {
    ($($tag:ident, $untag:ident, $list:ident => $kind:ident;)*) => {$(
        #[doc = concat!("Adds or replaces tags on a ", stringify!($kind), ".")]
        pub async fn $tag(ctx: &RequestCtx<'_>) -> HandlerResult {
            tag(ctx, Tagged::$kind).await
        }

        #[doc = concat!("Removes tags from a ", stringify!($kind), " by key.")]
        pub async fn $untag(ctx: &RequestCtx<'_>) -> HandlerResult {
            untag(ctx, Tagged::$kind).await
        }

        #[doc = concat!("One page of a ", stringify!($kind), "'s tags, in the order they were added.")]
        pub async fn $list(ctx: &RequestCtx<'_>) -> HandlerResult {
            list(ctx, Tagged::$kind).await
        }
    )*};
}

tag_handlers! {
    tag_user, untag_user, list_user_tags => User;
    tag_role, untag_role, list_role_tags => Role;
    tag_policy, untag_policy, list_policy_tags => Policy;
    tag_instance_profile, untag_instance_profile, list_instance_profile_tags => InstanceProfile;
    tag_mfa_device, untag_mfa_device, list_mfa_device_tags => MfaDevice;
}

fn read_target(input: &mut Input<'_>, kind: Tagged) -> String {
    match kind {
        Tagged::User => input.required("UserName", &EXISTING_USER_NAME),
        Tagged::Role => input.required("RoleName", &ROLE_NAME),
        Tagged::Policy => input.required("PolicyArn", &ARN_RULE),
        Tagged::InstanceProfile => input.required("InstanceProfileName", &INSTANCE_PROFILE_NAME),
        Tagged::MfaDevice => input.required("SerialNumber", &super::mfa::SERIAL_RULE),
    }
}

/// The unique id the tags of the named entity are kept under.
async fn resource_id(ctx: &RequestCtx<'_>, kind: Tagged, name: &str) -> Result<String, ApiError> {
    Ok(match kind {
        Tagged::User => subject::user(ctx, name).await?.user_id,
        Tagged::Role => subject::role(ctx, name).await?.role_id,
        Tagged::MfaDevice => super::mfa::find(ctx, name).await?.serial_number,
        Tagged::InstanceProfile => {
            subject::instance_profile(ctx, name)
                .await?
                .instance_profile_id
        }
        Tagged::Policy => match super::policies::resolve(ctx, name).await? {
            Some(super::policies::PolicyRef::Customer(p)) => p.policy_id,
            // As for every other write to a policy of another account, AWS's included.
            Some(super::policies::PolicyRef::Aws(_)) => {
                return Err(ApiError::new(
                    crate::protocol::ErrorCode::AccessDenied,
                    "Cannot update policies outside your own account.",
                ));
            }
            None => return Err(errors::no_such_policy(name)),
        },
    })
}

async fn tag(ctx: &RequestCtx<'_>, kind: Tagged) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = read_target(&mut input, kind);
    let tags = input.required_tags("Tags");
    input.finish()?;
    match kind {
        Tagged::Policy => check_new_for_policy(&tags)?,
        _ => check_new(&tags)?,
    }
    let id = resource_id(ctx, kind, &name).await?;
    ctx.app
        .store
        .tag_resource(&id, &tags)
        .await
        .map_err(errors::store)?;
    Ok(Reply::Empty)
}

async fn untag(ctx: &RequestCtx<'_>, kind: Tagged) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = read_target(&mut input, kind);
    let keys = input.tag_keys("TagKeys");
    input.finish()?;
    let id = resource_id(ctx, kind, &name).await?;
    ctx.app
        .store
        .untag_resource(&id, &keys)
        .await
        .map_err(errors::store)?;
    Ok(Reply::Empty)
}

async fn list(ctx: &RequestCtx<'_>, kind: Tagged) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = read_target(&mut input, kind);
    let page = PageRequest::read(&mut input);
    input.finish()?;
    let after = tag_position(page.after()?)?;
    let id = resource_id(ctx, kind, &name).await?;
    let rows = ctx
        .app
        .store
        .tags_page(&id, after, page.fetch_limit())
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
