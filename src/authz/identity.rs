//! Gathering a principal's policies: a user's inline and managed policies and those of its
//! groups, or a role's; and the permissions boundary. Documents come from the store (or the
//! AWS managed catalogue) and are compiled through the cache.

use std::sync::Arc;

use crate::app::App;
use crate::iam::managed::Catalogue;
use crate::policy::{Policy, PolicyKind};
use crate::store::StoreError;
use crate::store::roles::Role;
use crate::store::tags::Tag;
use crate::store::users::User;

/// The `SourcePolicyType` AWS reports for identity policies.
pub const IDENTITY_SOURCE_KIND: &str = "IAM Policy";

/// A compiled policy with the names the simulator reports.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// `SourcePolicyId`: `user_<user>_<policy>` for inline policies, the name for managed ones.
    pub id: String,
    /// `SourcePolicyType`.
    pub kind: String,
    /// The compiled policy.
    pub policy: Arc<Policy>,
}

/// Everything that decides what a user or role may do.
#[derive(Clone, Debug, Default)]
pub struct Identity {
    /// Identity policies (any allow suffices).
    pub policies: Vec<Loaded>,
    /// The permissions boundary, if set.
    pub boundary: Option<Loaded>,
    /// The principal's tags (`aws:PrincipalTag/*`).
    pub tags: Vec<Tag>,
}

/// A user's policies, including those of its groups.
///
/// # Errors
/// A database failure.
pub async fn of_user(app: &App, user: &User) -> Result<Identity, StoreError> {
    let store = &app.store;
    let mut policies = Vec::new();
    inline(app, &mut policies, &user.user_id, "user", &user.user_name).await?;
    attached(app, &mut policies, &user.user_id).await?;
    for group in store
        .list_groups_for_user(&user.user_id, None, i64::MAX)
        .await?
    {
        inline(
            app,
            &mut policies,
            &group.group_id,
            "group",
            &group.group_name,
        )
        .await?;
        attached(app, &mut policies, &group.group_id).await?;
    }
    let boundary = match &user.permissions_boundary_arn {
        Some(arn) => Some(boundary(app, arn).await?),
        None => None,
    };
    let tags = store.tags(&user.user_id).await?;
    Ok(Identity {
        policies,
        boundary,
        tags,
    })
}

/// A group's own policies (for the simulator).
///
/// # Errors
/// A database failure.
pub async fn of_group(app: &App, group_id: &str, group_name: &str) -> Result<Identity, StoreError> {
    let mut policies = Vec::new();
    inline(app, &mut policies, group_id, "group", group_name).await?;
    attached(app, &mut policies, group_id).await?;
    Ok(Identity {
        policies,
        boundary: None,
        tags: Vec::new(),
    })
}

/// A role's policies and boundary.
///
/// # Errors
/// A database failure.
pub async fn of_role(app: &App, role: &Role) -> Result<Identity, StoreError> {
    let mut policies = Vec::new();
    inline(app, &mut policies, &role.role_id, "role", &role.role_name).await?;
    attached(app, &mut policies, &role.role_id).await?;
    let boundary = match &role.permissions_boundary_arn {
        Some(arn) => Some(boundary(app, arn).await?),
        None => None,
    };
    let tags = app.store.tags(&role.role_id).await?;
    Ok(Identity {
        policies,
        boundary,
        tags,
    })
}

async fn inline(
    app: &App,
    out: &mut Vec<Loaded>,
    entity_id: &str,
    prefix: &str,
    entity: &str,
) -> Result<(), StoreError> {
    for (name, document) in app.store.inline_policies(entity_id).await? {
        if let Some(policy) = app.policies.get(&document, PolicyKind::Inline) {
            out.push(Loaded {
                id: format!("{prefix}_{entity}_{name}"),
                kind: IDENTITY_SOURCE_KIND.to_owned(),
                policy,
            });
        }
    }
    Ok(())
}

async fn attached(app: &App, out: &mut Vec<Loaded>, entity_id: &str) -> Result<(), StoreError> {
    for arn in app.store.attached_policies(entity_id).await? {
        if let Some(loaded) = managed(app, &arn).await? {
            out.push(loaded);
        }
    }
    Ok(())
}

/// A permissions boundary. One whose policy cannot be loaded allows nothing: a boundary only
/// ever narrows, so losing it must not widen what the principal may do.
///
/// # Errors
/// A database failure.
pub async fn boundary(app: &App, arn: &str) -> Result<Loaded, StoreError> {
    Ok(managed(app, arn).await?.unwrap_or_else(|| Loaded {
        id: arn.to_owned(),
        kind: IDENTITY_SOURCE_KIND.to_owned(),
        policy: Arc::new(Policy {
            version: crate::policy::model::Version::V2012,
            id: None,
            statements: Vec::new(),
            reads_context: false,
        }),
    }))
}

/// A managed policy's default version, compiled.
///
/// # Errors
/// A database failure.
pub async fn managed(app: &App, arn: &str) -> Result<Option<Loaded>, StoreError> {
    let name = crate::arn::parse_policy(arn)
        .map_or(arn, |(_, _, name)| name)
        .to_owned();
    let document = match Catalogue::get().find(arn) {
        Some(aws) => Some(aws.document.clone()),
        None => app.store.policy_default_document(arn).await?,
    };
    Ok(document
        .and_then(|d| app.policies.get(&d, PolicyKind::Managed))
        .map(|policy| Loaded {
            id: name,
            kind: IDENTITY_SOURCE_KIND.to_owned(),
            policy,
        }))
}
