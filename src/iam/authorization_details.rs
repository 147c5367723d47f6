//! GetAccountAuthorizationDetails: every user, group, role and managed policy of the account
//! with their policy documents and relationships, in one paginated report.
//! See <https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html>.

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::protocol::{ApiError, Service, XmlWriter};

use super::documents;
use super::input::Input;
use super::managed::Catalogue;
use super::page::PageRequest;
use super::policies::{self, PolicyRef};
use super::{errors, tags};

const FILTERS: &[&str] = &[
    "User",
    "Role",
    "Group",
    "LocalManagedPolicy",
    "AWSManagedPolicy",
];

/// One entry of the report, rendered; the report is paged over these.
struct Entry {
    list: &'static str,
    xml: String,
}

/// The report, filtered by entity type and paged by position.
pub async fn get_account_authorization_details(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let filter = ctx.params.list("Filter").unwrap_or_default();
    let page = PageRequest::read(&mut input);
    input.finish()?;
    if filter.iter().any(|f| !FILTERS.contains(f)) {
        return Err(ApiError::validation(
            "1 validation error detected: Value at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]]",
        ));
    }
    let wants = |kind: &str| filter.is_empty() || filter.contains(&kind);
    let start: usize = match page.after()? {
        Some(position) => position
            .parse()
            .map_err(|_| ApiError::validation("Invalid Marker."))?,
        None => 0,
    };

    let mut entries = Vec::new();
    if wants("User") {
        users(ctx, &mut entries).await?;
    }
    if wants("Group") {
        groups(ctx, &mut entries).await?;
    }
    if wants("Role") {
        // RoleLastUsed is shown: write out the uses recorded since the last flush first.
        ctx.app
            .store
            .flush_role_usage()
            .await
            .map_err(errors::store)?;
        roles(ctx, &mut entries).await?;
    }
    managed_policies(
        ctx,
        &mut entries,
        wants("LocalManagedPolicy"),
        wants("AWSManagedPolicy"),
    )
    .await?;

    let end = start.saturating_add(page.max_items).min(entries.len());
    let shown = entries.get(start..end).unwrap_or_default();
    let mut w = XmlWriter::new();
    for list in [
        "UserDetailList",
        "GroupDetailList",
        "RoleDetailList",
        "Policies",
    ] {
        w.list(list, shown.iter().filter(|e| e.list == list), |w, entry| {
            w.raw(&entry.xml);
        });
    }
    let truncated = end < entries.len();
    w.boolean("IsTruncated", truncated);
    if truncated {
        w.text(
            "Marker",
            &data_encoding::BASE64URL_NOPAD.encode(end.to_string().as_bytes()),
        );
    }
    Ok(Reply::Result(w.finish()))
}

async fn users(ctx: &RequestCtx<'_>, entries: &mut Vec<Entry>) -> Result<(), ApiError> {
    let store = &ctx.app.store;
    let all = store
        .list_users(&ctx.principal.account_id, "/", None, i64::MAX)
        .await
        .map_err(errors::store)?;
    for user in all {
        let inline = store
            .inline_policies(&user.user_id)
            .await
            .map_err(errors::store)?;
        let groups = store
            .list_groups_for_user(&user.user_id, None, i64::MAX)
            .await
            .map_err(errors::store)?;
        let attached = store
            .attached_policies(&user.user_id)
            .await
            .map_err(errors::store)?;
        let user_tags = store.tags(&user.user_id).await.map_err(errors::store)?;
        let mut w = XmlWriter::new();
        w.text("Path", &user.path);
        w.text("UserName", &user.user_name);
        w.text("UserId", &user.user_id);
        w.text("Arn", &user.arn());
        w.timestamp("CreateDate", user.created_at);
        write_inline(&mut w, "UserPolicyList", &inline);
        w.list("GroupList", &groups, |w, group| {
            w.buf_text(&group.group_name);
        });
        write_attached(&mut w, &attached);
        if let Some(arn) = &user.permissions_boundary_arn {
            super::boundary::write(&mut w, arn);
        }
        tags::write(&mut w, &user_tags);
        entries.push(Entry {
            list: "UserDetailList",
            xml: w.finish(),
        });
    }
    Ok(())
}

async fn groups(ctx: &RequestCtx<'_>, entries: &mut Vec<Entry>) -> Result<(), ApiError> {
    let store = &ctx.app.store;
    let all = store
        .list_groups(&ctx.principal.account_id, "/", None, i64::MAX)
        .await
        .map_err(errors::store)?;
    for group in all {
        let inline = store
            .inline_policies(&group.group_id)
            .await
            .map_err(errors::store)?;
        let attached = store
            .attached_policies(&group.group_id)
            .await
            .map_err(errors::store)?;
        let mut w = XmlWriter::new();
        w.text("Path", &group.path);
        w.text("GroupName", &group.group_name);
        w.text("GroupId", &group.group_id);
        w.text("Arn", &group.arn());
        w.timestamp("CreateDate", group.created_at);
        write_inline(&mut w, "GroupPolicyList", &inline);
        write_attached(&mut w, &attached);
        entries.push(Entry {
            list: "GroupDetailList",
            xml: w.finish(),
        });
    }
    Ok(())
}

async fn roles(ctx: &RequestCtx<'_>, entries: &mut Vec<Entry>) -> Result<(), ApiError> {
    let store = &ctx.app.store;
    let all = store
        .list_roles(&ctx.principal.account_id, "/", None, i64::MAX)
        .await
        .map_err(errors::store)?;
    for role in all {
        let inline = store
            .inline_policies(&role.role_id)
            .await
            .map_err(errors::store)?;
        let attached = store
            .attached_policies(&role.role_id)
            .await
            .map_err(errors::store)?;
        let role_tags = store.tags(&role.role_id).await.map_err(errors::store)?;
        let profiles = store
            .instance_profiles_for_role(&role.role_id)
            .await
            .map_err(errors::store)?;
        let mut profile_xml = Vec::with_capacity(profiles.len());
        for profile in &profiles {
            let mut p = XmlWriter::new();
            super::instance_profiles::write_profile_members(ctx, &mut p, profile, &[]).await?;
            profile_xml.push(p.finish());
        }
        let mut w = XmlWriter::new();
        w.text("Path", &role.path);
        w.text("RoleName", &role.role_name);
        w.text("RoleId", &role.role_id);
        w.text("Arn", &role.arn());
        w.timestamp("CreateDate", role.created_at);
        w.text(
            "AssumeRolePolicyDocument",
            &documents::encode(&role.assume_role_policy),
        );
        w.list("InstanceProfileList", &profile_xml, |w, xml| {
            w.raw(xml);
        });
        write_inline(&mut w, "RolePolicyList", &inline);
        write_attached(&mut w, &attached);
        if let Some(arn) = &role.permissions_boundary_arn {
            super::boundary::write(&mut w, arn);
        }
        tags::write(&mut w, &role_tags);
        w.element("RoleLastUsed", |w| {
            if let Some(at) = role.last_used_at {
                w.timestamp("LastUsedDate", at);
            }
            w.opt_text("Region", role.last_used_region.as_deref());
        });
        entries.push(Entry {
            list: "RoleDetailList",
            xml: w.finish(),
        });
    }
    Ok(())
}

/// Customer policies, and the AWS managed policies in use in the account.
async fn managed_policies(
    ctx: &RequestCtx<'_>,
    entries: &mut Vec<Entry>,
    local: bool,
    aws: bool,
) -> Result<(), ApiError> {
    let store = &ctx.app.store;
    let account = &ctx.principal.account_id;
    let usage = store
        .policy_usage_all(account)
        .await
        .map_err(errors::store)?;
    let mut chosen: Vec<PolicyRef> = Vec::new();
    if aws {
        let catalogue = Catalogue::get();
        let mut in_use: Vec<&str> = usage
            .keys()
            .map(String::as_str)
            .filter(|a| a.starts_with("arn:aws:iam::aws:"))
            .collect();
        in_use.sort_unstable();
        chosen.extend(
            in_use
                .into_iter()
                .filter_map(|arn| catalogue.find(arn))
                .map(PolicyRef::Aws),
        );
    }
    if local {
        let mine = store
            .list_policies(account, "/", None, i64::MAX)
            .await
            .map_err(errors::store)?;
        chosen.extend(mine.into_iter().map(PolicyRef::Customer));
    }
    for policy in chosen {
        let counts = usage.get(policy.arn()).copied().unwrap_or((0, 0));
        let versions = policies::versions_of(ctx, &policy).await?;
        let mut summary = XmlWriter::new();
        policies::write_policy(&mut summary, &policy, counts, policies::Detail::Full(&[]));
        let summary = summary.finish();
        let mut w = XmlWriter::new();
        w.raw(&summary);
        w.list("PolicyVersionList", &versions, |w, version| {
            policies::write_version(w, version, true)
        });
        entries.push(Entry {
            list: "Policies",
            xml: w.finish(),
        });
    }
    Ok(())
}

fn write_inline(w: &mut XmlWriter, list: &str, inline: &[(String, String)]) {
    w.list(list, inline, |w, (name, document)| {
        w.text("PolicyName", name);
        w.text("PolicyDocument", &documents::encode(document));
    });
}

fn write_attached(w: &mut XmlWriter, arns: &[String]) {
    w.list("AttachedManagedPolicies", arns, |w, arn| {
        let name = crate::arn::parse_policy(arn).map_or("", |(_, _, name)| name);
        w.text("PolicyName", name);
        w.text("PolicyArn", arn);
    });
}
