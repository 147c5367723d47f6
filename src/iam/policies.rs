//! Managed policies: CreatePolicy, GetPolicy, ListPolicies, DeletePolicy, the version
//! operations, and ListEntitiesForPolicy. Customer policies live in the store; AWS managed
//! policies come from the built-in catalogue and are read-only.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html>.

use chrono::{DateTime, Utc};

use crate::api::{HandlerResult, Reply, RequestCtx};
use crate::ids::{self, IdPrefix};
use crate::protocol::{ApiError, ErrorCode, Service, XmlWriter};
use crate::store::StoreError;
use crate::store::policies::{EntityKind, ManagedPolicy, PolicyVersion};

use super::documents::{self, DOCUMENT_RULE};
use super::input::{
    ARN_RULE, Input, PATH_PREFIX_RULE, POLICY_DESCRIPTION, POLICY_NAME, POLICY_PATH_RULE,
    VERSION_ID_RULE,
};
use super::managed::{AwsPolicy, Catalogue};
use super::page::{Page, PageRequest};
use super::{errors, tags};

/// A managed policy of either origin.
#[derive(Debug, Clone)]
pub enum PolicyRef {
    /// A customer managed policy of the caller's account.
    Customer(ManagedPolicy),
    /// An AWS managed policy.
    Aws(&'static AwsPolicy),
}

impl PolicyRef {
    /// Its ARN.
    #[must_use]
    pub fn arn(&self) -> &str {
        match self {
            Self::Customer(p) => &p.arn,
            Self::Aws(p) => &p.arn,
        }
    }

    /// Its name.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::Customer(p) => &p.policy_name,
            Self::Aws(p) => &p.name,
        }
    }

    fn summary(&self) -> Summary<'_> {
        match self {
            Self::Customer(p) => Summary {
                id: &p.policy_id,
                path: &p.path,
                name: &p.policy_name,
                default_version: p.default_version,
                created: p.created_at,
                updated: p.updated_at,
                description: p.description.as_deref(),
                attachable: true,
            },
            Self::Aws(p) => Summary {
                id: &p.policy_id,
                path: &p.path,
                name: &p.name,
                default_version: p.default_version,
                created: p.created_at,
                updated: p.updated_at,
                description: None,
                attachable: p.is_attachable(),
            },
        }
    }
}

/// The fields every policy view writes.
struct Summary<'a> {
    id: &'a str,
    path: &'a str,
    name: &'a str,
    default_version: i64,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
    description: Option<&'a str>,
    attachable: bool,
}

/// Finds a managed policy by ARN: AWS's catalogue or the caller's own policies.
///
/// # Errors
/// `InternalFailure` on a store failure; `Ok(None)` when no such policy exists.
pub async fn resolve(ctx: &RequestCtx<'_>, arn: &str) -> Result<Option<PolicyRef>, ApiError> {
    let Some((account, _, _)) = crate::arn::parse_policy(arn) else {
        return Ok(None);
    };
    if account == "aws" {
        return Ok(Catalogue::get().find(arn).map(PolicyRef::Aws));
    }
    if account != ctx.principal.account_id {
        return Ok(None);
    }
    let found = ctx
        .app
        .store
        .find_policy(arn)
        .await
        .map_err(errors::store)?;
    Ok(found.map(PolicyRef::Customer))
}

/// Reads a required policy ARN: `ValidationError` "ARN x is not valid." when it is not one.
pub fn read_policy_arn(input: &mut Input<'_>, member: &str) -> String {
    input.required(member, &ARN_RULE)
}

/// Rejects a value that is not a policy ARN.
///
/// # Errors
/// `ValidationError` in AWS's words.
pub fn check_policy_arn(arn: &str) -> Result<(), ApiError> {
    if crate::arn::parse_policy(arn).is_some() {
        Ok(())
    } else {
        Err(errors::arn_not_valid(arn))
    }
}

/// Creates a customer managed policy (its first version is `v1`, the default).
pub async fn create_policy(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let name = input.required("PolicyName", &POLICY_NAME);
    let path = input
        .optional("Path", &POLICY_PATH_RULE)
        .unwrap_or_else(|| "/".to_owned());
    let document = input.required("PolicyDocument", &DOCUMENT_RULE);
    let description = input.optional("Description", &POLICY_DESCRIPTION);
    let new_tags = input.tags("Tags").unwrap_or_default();
    input.finish()?;
    tags::check_new_for_policy(&new_tags)?;
    documents::validate_managed(&document)?;

    let now = ctx.app.clock.now();
    let account = &ctx.principal.account_id;
    let policy = ManagedPolicy {
        policy_id: ids::unique_id(IdPrefix::Policy),
        account_id: account.clone(),
        arn: crate::arn::policy(account, &path, &name),
        policy_name: name,
        path,
        description,
        created_at: now,
        updated_at: now,
        default_version: 1,
    };
    ctx.app
        .store
        .create_policy(&policy, &document, &new_tags)
        .await
        .map_err(|e| match e {
            StoreError::AlreadyExists => errors::policy_exists(&policy.policy_name),
            other => errors::store(other),
        })?;
    let mut w = XmlWriter::new();
    let view = PolicyRef::Customer(policy);
    w.element("Policy", |w| {
        write_policy(w, &view, (0, 0), Detail::Created(&new_tags))
    });
    Ok(Reply::Result(w.finish()))
}

/// A managed policy with its counts and tags.
pub async fn get_policy(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let arn = read_policy_arn(&mut input, "PolicyArn");
    input.finish()?;
    check_policy_arn(&arn)?;

    let policy = resolve(ctx, &arn)
        .await?
        .ok_or_else(|| errors::no_such_policy(&arn))?;
    let usage = ctx
        .app
        .store
        .policy_usage(&ctx.principal.account_id, &arn)
        .await
        .map_err(errors::store)?;
    let policy_tags = match &policy {
        PolicyRef::Customer(p) => ctx
            .app
            .store
            .tags(&p.policy_id)
            .await
            .map_err(errors::store)?,
        PolicyRef::Aws(_) => Vec::new(),
    };
    let mut w = XmlWriter::new();
    w.element("Policy", |w| {
        write_policy(w, &policy, usage, Detail::Full(&policy_tags))
    });
    Ok(Reply::Result(w.finish()))
}

/// One page of managed policies: scope, attachment and usage filters, by name.
pub async fn list_policies(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let scope = input
        .optional_enum("Scope", &["All", "AWS", "Local"])
        .unwrap_or_else(|| "All".to_owned());
    let only_attached = input.boolean("OnlyAttached").unwrap_or(false);
    let prefix = input
        .optional("PathPrefix", &PATH_PREFIX_RULE)
        .unwrap_or_else(|| "/".to_owned());
    let usage_filter = input.optional_enum(
        "PolicyUsageFilter",
        &["PermissionsPolicy", "PermissionsBoundary"],
    );
    let page = PageRequest::read(&mut input);
    input.finish()?;
    let after = page.after()?;

    // Every policy of the scope, in name order; AWS's catalogue is about 1,500 entries.
    let account = &ctx.principal.account_id;
    let store = &ctx.app.store;
    let mut all: Vec<PolicyRef> = Vec::new();
    if scope != "Local" {
        all.extend(Catalogue::get().all().iter().map(PolicyRef::Aws));
    }
    if scope != "AWS" {
        let local = store
            .list_policies(account, "/", None, i64::MAX)
            .await
            .map_err(errors::store)?;
        all.extend(local.into_iter().map(PolicyRef::Customer));
    }
    all.sort_by_key(|p| (p.name().to_ascii_lowercase(), p.arn().to_owned()));
    let usage_by_arn = store
        .policy_usage_all(account)
        .await
        .map_err(errors::store)?;

    let mut rows = Vec::new();
    for policy in all {
        let key = format!(
            "{}\u{0}{}",
            policy.name().to_ascii_lowercase(),
            policy.arn()
        );
        if after.as_ref().is_some_and(|a| key.as_str() <= a.as_str()) {
            continue;
        }
        if !policy.summary().path.starts_with(prefix.as_str()) {
            continue;
        }
        let usage = usage_by_arn.get(policy.arn()).copied().unwrap_or((0, 0));
        let attached = usage.0 > 0 || usage.1 > 0;
        if only_attached && !attached {
            continue;
        }
        match usage_filter.as_deref() {
            Some("PermissionsPolicy") if usage.0 == 0 && only_attached => continue,
            Some("PermissionsBoundary") if usage.1 == 0 && only_attached => continue,
            _ => {}
        }
        rows.push((key, policy, usage));
        if rows.len() > page.max_items {
            break;
        }
    }
    let page = Page::from_rows(rows, &page, |(key, _, _)| key.clone());
    let mut w = XmlWriter::new();
    w.list("Policies", &page.items, |w, (_, policy, usage)| {
        write_policy(w, policy, *usage, Detail::Listed)
    });
    page.write_tail(&mut w);
    Ok(Reply::Result(w.finish()))
}

/// Deletes a customer managed policy attached nowhere with no extra versions.
pub async fn delete_policy(ctx: &RequestCtx<'_>) -> HandlerResult {
    let policy = customer_policy(ctx, "Cannot delete policies outside your own account.").await?;
    ctx.app
        .store
        .delete_policy(&policy)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => errors::no_such_policy(&policy.arn),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

/// Adds a version to a customer managed policy.
pub async fn create_policy_version(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let arn = read_policy_arn(&mut input, "PolicyArn");
    let document = input.required("PolicyDocument", &DOCUMENT_RULE);
    let set_default = input.boolean("SetAsDefault").unwrap_or(false);
    input.finish()?;
    check_policy_arn(&arn)?;
    let policy = find_customer(ctx, &arn, UPDATE_OUTSIDE).await?;
    documents::validate_managed(&document)?;

    let now = ctx.app.clock.now();
    let store = &ctx.app.store;
    let version = store
        .create_policy_version(&policy.policy_id, &document, set_default, now)
        .await
        .map_err(errors::store)?;
    let mut w = XmlWriter::new();
    w.element("PolicyVersion", |w| {
        w.text("VersionId", &format!("v{version}"));
        w.boolean("IsDefaultVersion", set_default);
        w.timestamp("CreateDate", now);
    });
    Ok(Reply::Result(w.finish()))
}

/// One version of a managed policy, with its document.
pub async fn get_policy_version(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let arn = read_policy_arn(&mut input, "PolicyArn");
    let version_id = input.required("VersionId", &VERSION_ID_RULE);
    input.finish()?;
    check_policy_arn(&arn)?;

    let not_found = || errors::no_such_policy_version(&arn, &version_id);
    let policy = resolve(ctx, &arn).await?.ok_or_else(not_found)?;
    let versions = versions_of(ctx, &policy).await?;
    let version = versions
        .into_iter()
        .find(|v| format!("v{}", v.version) == version_id)
        .ok_or_else(not_found)?;
    let mut w = XmlWriter::new();
    w.element("PolicyVersion", |w| write_version(w, &version, true));
    Ok(Reply::Result(w.finish()))
}

/// Every version of a managed policy, newest first, without documents.
pub async fn list_policy_versions(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let arn = read_policy_arn(&mut input, "PolicyArn");
    let page = PageRequest::read(&mut input);
    input.finish()?;
    check_policy_arn(&arn)?;
    let after = page.after()?;

    let policy = resolve(ctx, &arn)
        .await?
        .ok_or_else(|| errors::no_such_policy(&arn))?;
    let versions: Vec<PolicyVersion> = versions_of(ctx, &policy)
        .await?
        .into_iter()
        .filter(|v| {
            after
                .as_ref()
                .is_none_or(|a| v.version < a.parse().unwrap_or(i64::MAX))
        })
        .collect();
    let page = Page::from_rows(versions, &page, |v| v.version.to_string());
    let mut w = XmlWriter::new();
    w.list("Versions", &page.items, |w, version| {
        write_version(w, version, false)
    });
    page.write_tail(&mut w);
    Ok(Reply::Result(w.finish()))
}

/// Makes another existing version the default.
pub async fn set_default_policy_version(ctx: &RequestCtx<'_>) -> HandlerResult {
    let (policy, version_id, version) = policy_and_version(ctx, UPDATE_OUTSIDE).await?;
    let now = ctx.app.clock.now();
    let store = &ctx.app.store;
    store
        .set_default_policy_version(&policy.policy_id, version, now)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => errors::no_such_policy_version(&policy.arn, &version_id),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

/// Deletes a version that is not the default.
pub async fn delete_policy_version(ctx: &RequestCtx<'_>) -> HandlerResult {
    let outside = "Cannot delete policy versions for policies outside your own account.";
    let (policy, version_id, version) = policy_and_version(ctx, outside).await?;
    ctx.app
        .store
        .delete_policy_version(&policy.policy_id, version)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => errors::no_such_policy_version(&policy.arn, &version_id),
            other => errors::store(other),
        })?;
    Ok(Reply::Empty)
}

/// The users, groups and roles a managed policy is attached to.
pub async fn list_entities_for_policy(ctx: &RequestCtx<'_>) -> HandlerResult {
    let mut input = Input::new(ctx.params, Service::Iam);
    let arn = read_policy_arn(&mut input, "PolicyArn");
    let filter = input.optional_enum(
        "EntityFilter",
        &[
            "User",
            "Role",
            "Group",
            "LocalManagedPolicy",
            "AWSManagedPolicy",
        ],
    );
    let prefix = input
        .optional("PathPrefix", &PATH_PREFIX_RULE)
        .unwrap_or_else(|| "/".to_owned());
    let usage = input.optional_enum(
        "PolicyUsageFilter",
        &["PermissionsPolicy", "PermissionsBoundary"],
    );
    let page = PageRequest::read(&mut input);
    input.finish()?;
    check_policy_arn(&arn)?;
    let after = page.after()?;

    resolve(ctx, &arn)
        .await?
        .ok_or_else(|| errors::policy_not_attachable(&arn))?;
    let store = &ctx.app.store;
    let account = &ctx.principal.account_id;
    let mut entities = Vec::new();
    if usage.as_deref() != Some("PermissionsBoundary") {
        entities.extend(
            store
                .entities_for_policy(account, &arn)
                .await
                .map_err(errors::store)?,
        );
    }
    if usage.as_deref() != Some("PermissionsPolicy") {
        for holder in store
            .boundary_holders(account, &arn)
            .await
            .map_err(errors::store)?
        {
            if !entities.iter().any(|e| e.id == holder.id) {
                entities.push(holder);
            }
        }
    }
    entities.sort_by(|a, b| {
        (a.kind.as_str(), a.name.to_ascii_lowercase())
            .cmp(&(b.kind.as_str(), b.name.to_ascii_lowercase()))
    });
    let rows: Vec<_> = entities
        .into_iter()
        .filter(|e| filter.as_deref().is_none_or(|f| f == e.kind.as_str()))
        .filter(|e| e.path.starts_with(prefix.as_str()))
        .filter(|e| {
            after
                .as_ref()
                .is_none_or(|a| format!("{}/{}", e.kind.as_str(), e.name).as_str() > a.as_str())
        })
        .collect();
    let page = Page::from_rows(rows, &page, |e| format!("{}/{}", e.kind.as_str(), e.name));
    let of_kind = |kind: EntityKind| page.items.iter().filter(move |e| e.kind == kind);
    let mut w = XmlWriter::new();
    w.list("PolicyGroups", of_kind(EntityKind::Group), |w, e| {
        w.text("GroupName", &e.name);
        w.text("GroupId", &e.id);
    });
    w.list("PolicyUsers", of_kind(EntityKind::User), |w, e| {
        w.text("UserName", &e.name);
        w.text("UserId", &e.id);
    });
    w.list("PolicyRoles", of_kind(EntityKind::Role), |w, e| {
        w.text("RoleName", &e.name);
        w.text("RoleId", &e.id);
    });
    page.write_tail(&mut w);
    Ok(Reply::Result(w.finish()))
}

/// How much of a policy to write.
#[derive(Debug, Clone, Copy)]
pub enum Detail<'a> {
    /// CreatePolicy's answer: no description-less fields omitted, tags as given.
    Created(&'a [crate::store::tags::Tag]),
    /// GetPolicy: description and tags.
    Full(&'a [crate::store::tags::Tag]),
    /// ListPolicies: neither description nor tags.
    Listed,
}

/// The members of a `Policy` element.
pub fn write_policy(w: &mut XmlWriter, policy: &PolicyRef, usage: (i64, i64), detail: Detail<'_>) {
    let s = policy.summary();
    w.text("PolicyName", s.name);
    w.text("PolicyId", s.id);
    w.text("Arn", policy.arn());
    w.text("Path", s.path);
    w.text("DefaultVersionId", &format!("v{}", s.default_version));
    w.number("AttachmentCount", usage.0);
    w.number("PermissionsBoundaryUsageCount", usage.1);
    w.boolean("IsAttachable", s.attachable);
    if !matches!(detail, Detail::Listed) {
        w.opt_text("Description", s.description);
    }
    w.timestamp("CreateDate", s.created);
    w.timestamp("UpdateDate", s.updated);
    if let Detail::Created(t) | Detail::Full(t) = detail
        && !t.is_empty()
    {
        tags::write(w, t);
    }
}

/// The members of a `PolicyVersion` element.
pub fn write_version(w: &mut XmlWriter, version: &PolicyVersion, with_document: bool) {
    if with_document {
        w.text("Document", &documents::encode(&version.document));
    }
    w.text("VersionId", &format!("v{}", version.version));
    w.boolean("IsDefaultVersion", version.is_default);
    w.timestamp("CreateDate", version.created_at);
}

/// The versions of a policy: all for customer policies, the default one for AWS's.
///
/// # Errors
/// A store failure.
pub async fn versions_of(
    ctx: &RequestCtx<'_>,
    policy: &PolicyRef,
) -> Result<Vec<PolicyVersion>, ApiError> {
    match policy {
        PolicyRef::Customer(p) => ctx
            .app
            .store
            .policy_versions(&p.policy_id)
            .await
            .map_err(errors::store),
        PolicyRef::Aws(p) => Ok(vec![PolicyVersion {
            version: p.default_version,
            document: p.document.clone(),
            created_at: p.updated_at,
            is_default: true,
        }]),
    }
}

/// AWS's answer to changing a policy of another account (AWS managed ones included).
const UPDATE_OUTSIDE: &str = "Cannot update policies outside your own account.";

async fn customer_policy(ctx: &RequestCtx<'_>, outside: &str) -> Result<ManagedPolicy, ApiError> {
    let mut input = Input::new(ctx.params, Service::Iam);
    let arn = read_policy_arn(&mut input, "PolicyArn");
    input.finish()?;
    check_policy_arn(&arn)?;
    find_customer(ctx, &arn, outside).await
}

/// A customer managed policy of the caller's account; AWS's own cannot be changed, and
/// AWS refuses with `outside` (AccessDenied).
async fn find_customer(
    ctx: &RequestCtx<'_>,
    arn: &str,
    outside: &str,
) -> Result<ManagedPolicy, ApiError> {
    match resolve(ctx, arn).await? {
        Some(PolicyRef::Customer(policy)) => Ok(policy),
        Some(PolicyRef::Aws(_)) => Err(ApiError::new(ErrorCode::AccessDenied, outside)),
        None => Err(errors::no_such_policy(arn)),
    }
}

async fn policy_and_version(
    ctx: &RequestCtx<'_>,
    outside: &str,
) -> Result<(ManagedPolicy, String, i64), ApiError> {
    let mut input = Input::new(ctx.params, Service::Iam);
    let arn = read_policy_arn(&mut input, "PolicyArn");
    let version_id = input.required("VersionId", &VERSION_ID_RULE);
    input.finish()?;
    check_policy_arn(&arn)?;
    let policy = find_customer(ctx, &arn, outside).await?;
    // iamd's versions are plain `vN`; `v2.x` names no version (it is not `v2`).
    let number = version_id
        .strip_prefix('v')
        .and_then(|n| n.parse::<i64>().ok());
    let number = number.ok_or_else(|| errors::no_such_policy_version(&arn, &version_id))?;
    Ok((policy, version_id, number))
}
