//! Managed policies and their versions, attachments to users, groups and roles, and inline
//! policies. AWS managed policies are attached by ARN like customer ones but are not rows.

use super::writer::Write;
use super::writer::WriteTx;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::tags::{self, Tag};
use super::{
    Conflict, Entity, Limit, Store, StoreError, from_millis, is_unique_violation, to_millis,
};

/// How many versions a managed policy keeps.
pub const MAX_VERSIONS: i64 = 5;
/// How many managed policies one user, group or role may have attached.
pub const MAX_ATTACHED: i64 = 10;

/// The kinds of entity policies attach to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntityKind {
    /// An IAM user.
    User,
    /// An IAM group.
    Group,
    /// An IAM role.
    Role,
}

impl EntityKind {
    /// As stored and as AWS names it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Group => "Group",
            Self::Role => "Role",
        }
    }

    fn attach_limit(self) -> Limit {
        match self {
            Self::User => Limit::PoliciesPerUser,
            Self::Group => Limit::PoliciesPerGroup,
            Self::Role => Limit::PoliciesPerRole,
        }
    }
}

/// A customer managed policy.
#[derive(Clone, Debug)]
pub struct ManagedPolicy {
    /// `ANPA…`.
    pub policy_id: String,
    /// The owning account.
    pub account_id: String,
    /// The name.
    pub policy_name: String,
    /// `/` or `/a/b/`.
    pub path: String,
    /// Its ARN.
    pub arn: String,
    /// Description, fixed at creation.
    pub description: Option<String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change of the default version.
    pub updated_at: DateTime<Utc>,
    /// The default version number.
    pub default_version: i64,
}

/// One version of a managed policy.
#[derive(Clone, Debug)]
pub struct PolicyVersion {
    /// The number `n` of `vn`.
    pub version: i64,
    /// The document, as submitted.
    pub document: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Whether it is the default.
    pub is_default: bool,
}

/// An entity a policy is attached to.
#[derive(Clone, Debug)]
pub struct AttachedEntity {
    /// User, group or role.
    pub kind: EntityKind,
    /// Its name.
    pub name: String,
    /// Its unique id.
    pub id: String,
    /// Its path.
    pub path: String,
}

#[derive(FromRow)]
struct PolicyRow {
    policy_id: String,
    account_id: String,
    policy_name: String,
    path: String,
    arn: String,
    description: Option<String>,
    created_at: i64,
    updated_at: i64,
    default_version: i64,
}

impl From<PolicyRow> for ManagedPolicy {
    fn from(row: PolicyRow) -> Self {
        Self {
            policy_id: row.policy_id,
            account_id: row.account_id,
            policy_name: row.policy_name,
            path: row.path,
            arn: row.arn,
            description: row.description,
            created_at: from_millis(row.created_at),
            updated_at: from_millis(row.updated_at),
            default_version: row.default_version,
        }
    }
}

const POLICY_COLUMNS: &str = "policy_id, account_id, policy_name, path, arn, description, created_at, updated_at, default_version";

#[derive(FromRow)]
struct VersionRow {
    version: i64,
    document: String,
    created_at: i64,
    is_default: i64,
}

impl From<VersionRow> for PolicyVersion {
    fn from(row: VersionRow) -> Self {
        Self {
            version: row.version,
            document: row.document,
            created_at: from_millis(row.created_at),
            is_default: row.is_default != 0,
        }
    }
}

/// Fails when an entity still has managed or inline policies.
pub(crate) async fn check_no_policies(tx: &mut WriteTx, entity_id: &str) -> Result<(), StoreError> {
    let attached: i64 =
        sqlx::query_scalar("SELECT count(*) FROM policy_attachments WHERE entity_id = ?1")
            .bind(entity_id)
            .fetch_one(&mut **tx)
            .await?;
    if attached > 0 {
        return Err(StoreError::Conflict(Conflict::AttachedPolicies));
    }
    let inline: i64 =
        sqlx::query_scalar("SELECT count(*) FROM inline_policies WHERE entity_id = ?1")
            .bind(entity_id)
            .fetch_one(&mut **tx)
            .await?;
    if inline > 0 {
        return Err(StoreError::Conflict(Conflict::InlinePolicies));
    }
    Ok(())
}

impl Store {
    /// Creates a managed policy with its first version (`v1`, the default) and tags.
    ///
    /// # Errors
    /// `AlreadyExists` when the name is taken in the account.
    pub async fn create_policy(
        &self,
        policy: &ManagedPolicy,
        document: &str,
        policy_tags: &[Tag],
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let inserted = sqlx::query(
            r"INSERT INTO policies (policy_id, account_id, policy_name, path, arn, description,
                                    created_at, updated_at, default_version, next_version)
              VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, 1, 2)",
        )
        .bind(&policy.policy_id)
        .bind(&policy.account_id)
        .bind(&policy.policy_name)
        .bind(&policy.path)
        .bind(&policy.arn)
        .bind(&policy.description)
        .bind(to_millis(policy.created_at))
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(StoreError::AlreadyExists),
            other => other?,
        };
        sqlx::query("INSERT INTO policy_versions (policy_id, version, document, created_at) VALUES (?1, 1, ?2, ?3)")
            .bind(&policy.policy_id)
            .bind(document)
            .bind(to_millis(policy.created_at))
            .execute(&mut *tx)
            .await?;
        tags::merge(&mut tx, &policy.policy_id, policy_tags).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The customer managed policy with this ARN.
    ///
    /// # Errors
    /// A database failure.
    pub async fn find_policy(&self, arn: &str) -> Result<Option<ManagedPolicy>, StoreError> {
        let row: Option<PolicyRow> = sqlx::query_as(&format!(
            "SELECT {POLICY_COLUMNS} FROM policies WHERE arn = ?1"
        ))
        .bind(arn)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.map(ManagedPolicy::from))
    }

    /// One page of the account's customer managed policies, by name.
    ///
    /// # Errors
    /// A database failure.
    pub async fn list_policies(
        &self,
        account_id: &str,
        path_prefix: &str,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<ManagedPolicy>, StoreError> {
        let rows: Vec<PolicyRow> = sqlx::query_as(&format!(
            r"SELECT {POLICY_COLUMNS} FROM policies
              WHERE account_id = ?1 AND policy_name > ?2 AND substr(path, 1, length(?3)) = ?3
              ORDER BY policy_name LIMIT ?4"
        ))
        .bind(account_id)
        .bind(after.unwrap_or(""))
        .bind(path_prefix)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(ManagedPolicy::from).collect())
    }

    /// How many entities of the account have the policy attached, and use it as a boundary.
    ///
    /// # Errors
    /// A database failure.
    pub async fn policy_usage(
        &self,
        account_id: &str,
        arn: &str,
    ) -> Result<(i64, i64), StoreError> {
        let counts: (i64, i64) = sqlx::query_as(
            r"SELECT (SELECT count(*) FROM policy_attachments WHERE account_id = ?1 AND policy_arn = ?2),
                     (SELECT count(*) FROM users WHERE account_id = ?1 AND permissions_boundary_arn = ?2)
                   + (SELECT count(*) FROM roles WHERE account_id = ?1 AND permissions_boundary_arn = ?2)",
        )
        .bind(account_id)
        .bind(arn)
        .fetch_one(&self.reader)
        .await?;
        Ok(counts)
    }

    /// Attachment and boundary counts of every policy in use in the account, by ARN.
    ///
    /// # Errors
    /// A database failure.
    pub async fn policy_usage_all(
        &self,
        account_id: &str,
    ) -> Result<std::collections::HashMap<String, (i64, i64)>, StoreError> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            r"SELECT arn, sum(attached), sum(bounded) FROM (
                  SELECT policy_arn AS arn, 1 AS attached, 0 AS bounded
                  FROM policy_attachments WHERE account_id = ?1
                  UNION ALL
                  SELECT permissions_boundary_arn, 0, 1 FROM users
                  WHERE account_id = ?1 AND permissions_boundary_arn IS NOT NULL
                  UNION ALL
                  SELECT permissions_boundary_arn, 0, 1 FROM roles
                  WHERE account_id = ?1 AND permissions_boundary_arn IS NOT NULL)
              GROUP BY arn",
        )
        .bind(account_id)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(|(arn, a, b)| (arn, (a, b))).collect())
    }

    /// The ARNs of every managed policy (customer or AWS) attached to something in the account.
    ///
    /// # Errors
    /// A database failure.
    pub async fn attached_policy_arns(&self, account_id: &str) -> Result<Vec<String>, StoreError> {
        let arns = sqlx::query_scalar(
            "SELECT DISTINCT policy_arn FROM policy_attachments WHERE account_id = ?1 ORDER BY policy_arn",
        )
        .bind(account_id)
        .fetch_all(&self.reader)
        .await?;
        Ok(arns)
    }

    /// Deletes a customer managed policy that is attached nowhere and has only its default version.
    ///
    /// # Errors
    /// `Conflict(PolicyAttached)` or `Conflict(PolicyHasVersions)`; `NotFound(Policy)`.
    pub async fn delete_policy(&self, policy: &ManagedPolicy) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let attached: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM policy_attachments WHERE account_id = ?1 AND policy_arn = ?2",
        )
        .bind(&policy.account_id)
        .bind(&policy.arn)
        .fetch_one(&mut *tx)
        .await?;
        let bounded: i64 = sqlx::query_scalar(
            r"SELECT (SELECT count(*) FROM users WHERE permissions_boundary_arn = ?1)
                   + (SELECT count(*) FROM roles WHERE permissions_boundary_arn = ?1)",
        )
        .bind(&policy.arn)
        .fetch_one(&mut *tx)
        .await?;
        if attached + bounded > 0 {
            return Err(StoreError::Conflict(Conflict::PolicyAttached));
        }
        let versions: i64 =
            sqlx::query_scalar("SELECT count(*) FROM policy_versions WHERE policy_id = ?1")
                .bind(&policy.policy_id)
                .fetch_one(&mut *tx)
                .await?;
        if versions > 1 {
            return Err(StoreError::Conflict(Conflict::PolicyHasVersions));
        }
        sqlx::query("DELETE FROM tags WHERE resource_id = ?1")
            .bind(&policy.policy_id)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM policies WHERE policy_id = ?1")
            .bind(&policy.policy_id)
            .execute(&mut *tx)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::Policy));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Adds a version; returns its number. With `set_default` it becomes the default.
    ///
    /// # Errors
    /// `Limit(VersionsPerPolicy)` when the policy has five; `NotFound(Policy)`.
    pub async fn create_policy_version(
        &self,
        policy_id: &str,
        document: &str,
        set_default: bool,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.writer.begin().await?;
        let next: Option<i64> =
            sqlx::query_scalar("SELECT next_version FROM policies WHERE policy_id = ?1")
                .bind(policy_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(next) = next else {
            return Err(StoreError::NotFound(Entity::Policy));
        };
        let count: i64 =
            sqlx::query_scalar("SELECT count(*) FROM policy_versions WHERE policy_id = ?1")
                .bind(policy_id)
                .fetch_one(&mut *tx)
                .await?;
        if count >= MAX_VERSIONS {
            return Err(StoreError::Limit(Limit::VersionsPerPolicy));
        }
        sqlx::query("INSERT INTO policy_versions (policy_id, version, document, created_at) VALUES (?1, ?2, ?3, ?4)")
            .bind(policy_id)
            .bind(next)
            .bind(document)
            .bind(to_millis(now))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            r"UPDATE policies SET next_version = next_version + 1,
                 default_version = CASE WHEN ?2 THEN ?3 ELSE default_version END,
                 updated_at = CASE WHEN ?2 THEN ?4 ELSE updated_at END
              WHERE policy_id = ?1",
        )
        .bind(policy_id)
        .bind(set_default)
        .bind(next)
        .bind(to_millis(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// The default version's document of a customer managed policy.
    ///
    /// # Errors
    /// A database failure.
    pub async fn policy_default_document(&self, arn: &str) -> Result<Option<String>, StoreError> {
        let document = sqlx::query_scalar(
            r"SELECT v.document FROM policies p
              JOIN policy_versions v ON v.policy_id = p.policy_id AND v.version = p.default_version
              WHERE p.arn = ?1",
        )
        .bind(arn)
        .fetch_optional(&self.reader)
        .await?;
        Ok(document)
    }

    /// Every version of a policy, newest first.
    ///
    /// # Errors
    /// A database failure.
    pub async fn policy_versions(&self, policy_id: &str) -> Result<Vec<PolicyVersion>, StoreError> {
        let rows: Vec<VersionRow> = sqlx::query_as(
            r"SELECT v.version, v.document, v.created_at, (v.version = p.default_version) AS is_default
              FROM policy_versions v JOIN policies p ON p.policy_id = v.policy_id
              WHERE v.policy_id = ?1 ORDER BY v.version DESC",
        )
        .bind(policy_id)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(PolicyVersion::from).collect())
    }

    /// Makes an existing version the default.
    ///
    /// # Errors
    /// `NotFound(PolicyVersion)`.
    pub async fn set_default_policy_version(
        &self,
        policy_id: &str,
        version: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let updated = sqlx::query(
            r"UPDATE policies SET default_version = ?2, updated_at = ?3
              WHERE policy_id = ?1 AND EXISTS
                (SELECT 1 FROM policy_versions WHERE policy_id = ?1 AND version = ?2)",
        )
        .bind(policy_id)
        .bind(version)
        .bind(to_millis(now))
        .write(&self.writer)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::PolicyVersion));
        }
        Ok(())
    }

    /// Deletes a version that is not the default.
    ///
    /// # Errors
    /// `Conflict(DefaultVersion)`; `NotFound(PolicyVersion)`.
    pub async fn delete_policy_version(
        &self,
        policy_id: &str,
        version: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let default: Option<i64> =
            sqlx::query_scalar("SELECT default_version FROM policies WHERE policy_id = ?1")
                .bind(policy_id)
                .fetch_optional(&mut *tx)
                .await?;
        if default == Some(version) {
            return Err(StoreError::Conflict(Conflict::DefaultVersion));
        }
        let deleted =
            sqlx::query("DELETE FROM policy_versions WHERE policy_id = ?1 AND version = ?2")
                .bind(policy_id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::PolicyVersion));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Attaches a managed policy; attaching it again changes nothing.
    ///
    /// # Errors
    /// `Limit(PoliciesPer…)` past ten.
    pub async fn attach_policy(
        &self,
        account_id: &str,
        kind: EntityKind,
        entity_id: &str,
        arn: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        // Attaching again is answered from a reader: no write, and the caches stay valid.
        let attached: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM policy_attachments WHERE entity_id = ?1 AND policy_arn = ?2",
        )
        .bind(entity_id)
        .bind(arn)
        .fetch_optional(&self.reader)
        .await?;
        if attached.is_some() {
            return Ok(());
        }
        let mut tx = self.writer.begin().await?;
        let inserted = sqlx::query(
            r"INSERT OR IGNORE INTO policy_attachments (account_id, entity_id, entity_kind, policy_arn, attached_at)
              VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(account_id)
        .bind(entity_id)
        .bind(kind.as_str())
        .bind(arn)
        .bind(to_millis(now))
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            // Attached meanwhile by another write.
            tx.leaves_caches_valid();
        } else {
            let count: i64 =
                sqlx::query_scalar("SELECT count(*) FROM policy_attachments WHERE entity_id = ?1")
                    .bind(entity_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if count > MAX_ATTACHED {
                return Err(StoreError::Limit(kind.attach_limit()));
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Detaches a managed policy.
    ///
    /// # Errors
    /// `NotFound(Policy)` when it is not attached.
    pub async fn detach_policy(&self, entity_id: &str, arn: &str) -> Result<(), StoreError> {
        let deleted =
            sqlx::query("DELETE FROM policy_attachments WHERE entity_id = ?1 AND policy_arn = ?2")
                .bind(entity_id)
                .bind(arn)
                .write(&self.writer)
                .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::Policy));
        }
        Ok(())
    }

    /// The ARNs of the managed policies attached to an entity, in attachment order.
    ///
    /// # Errors
    /// A database failure.
    pub async fn attached_policies(&self, entity_id: &str) -> Result<Vec<String>, StoreError> {
        let arns = sqlx::query_scalar(
            "SELECT policy_arn FROM policy_attachments WHERE entity_id = ?1 ORDER BY attached_at, policy_arn",
        )
        .bind(entity_id)
        .fetch_all(&self.reader)
        .await?;
        Ok(arns)
    }

    /// The users, groups and roles of the account a policy is attached to, by kind then name.
    ///
    /// # Errors
    /// A database failure.
    pub async fn entities_for_policy(
        &self,
        account_id: &str,
        arn: &str,
    ) -> Result<Vec<AttachedEntity>, StoreError> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            r"SELECT a.entity_kind, coalesce(u.user_name, g.group_name, r.role_name),
                     a.entity_id, coalesce(u.path, g.path, r.path)
              FROM policy_attachments a
              LEFT JOIN users u ON a.entity_kind = 'User' AND u.user_id = a.entity_id
              LEFT JOIN groups g ON a.entity_kind = 'Group' AND g.group_id = a.entity_id
              LEFT JOIN roles r ON a.entity_kind = 'Role' AND r.role_id = a.entity_id
              WHERE a.account_id = ?1 AND a.policy_arn = ?2
              ORDER BY a.entity_kind, 2",
        )
        .bind(account_id)
        .bind(arn)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(kind, name, id, path)| AttachedEntity {
                kind: match kind.as_str() {
                    "User" => EntityKind::User,
                    "Group" => EntityKind::Group,
                    _ => EntityKind::Role,
                },
                name,
                id,
                path,
            })
            .collect())
    }

    /// The users and roles of the account that use a policy as their permissions boundary.
    ///
    /// # Errors
    /// A database failure.
    pub async fn boundary_holders(
        &self,
        account_id: &str,
        arn: &str,
    ) -> Result<Vec<AttachedEntity>, StoreError> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            r"SELECT 'User', user_name, user_id, path FROM users
              WHERE account_id = ?1 AND permissions_boundary_arn = ?2
              UNION ALL
              SELECT 'Role', role_name, role_id, path FROM roles
              WHERE account_id = ?1 AND permissions_boundary_arn = ?2
              ORDER BY 1, 2",
        )
        .bind(account_id)
        .bind(arn)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(kind, name, id, path)| AttachedEntity {
                kind: if kind == "User" {
                    EntityKind::User
                } else {
                    EntityKind::Role
                },
                name,
                id,
                path,
            })
            .collect())
    }

    /// Adds or replaces an inline policy, keeping the entity's total within `max_total`
    /// (sizes counted as IAM counts them).
    ///
    /// # Errors
    /// `Limit(InlinePolicySize)`.
    pub async fn put_inline_policy(
        &self,
        entity_id: &str,
        name: &str,
        document: &str,
        max_total: usize,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let others: Vec<String> = sqlx::query_scalar(
            "SELECT document FROM inline_policies WHERE entity_id = ?1 AND policy_name <> ?2",
        )
        .bind(entity_id)
        .bind(name)
        .fetch_all(&mut *tx)
        .await?;
        let total: usize = others
            .iter()
            .map(|d| crate::policy::counted_size(d))
            .sum::<usize>()
            + crate::policy::counted_size(document);
        if total > max_total {
            return Err(StoreError::Limit(Limit::InlinePolicySize));
        }
        sqlx::query(
            r"INSERT INTO inline_policies (entity_id, policy_name, document) VALUES (?1, ?2, ?3)
              ON CONFLICT (entity_id, policy_name) DO UPDATE SET document = excluded.document,
                                                                 policy_name = excluded.policy_name",
        )
        .bind(entity_id)
        .bind(name)
        .bind(document)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An inline policy's stored name and document.
    ///
    /// # Errors
    /// A database failure.
    pub async fn inline_policy(
        &self,
        entity_id: &str,
        name: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query_as("SELECT policy_name, document FROM inline_policies WHERE entity_id = ?1 AND policy_name = ?2")
            .bind(entity_id)
            .bind(name)
            .fetch_optional(&self.reader)
            .await?;
        Ok(row)
    }

    /// Every inline policy of an entity (name, document), by name.
    ///
    /// # Errors
    /// A database failure.
    pub async fn inline_policies(
        &self,
        entity_id: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query_as("SELECT policy_name, document FROM inline_policies WHERE entity_id = ?1 ORDER BY policy_name")
            .bind(entity_id)
            .fetch_all(&self.reader)
            .await?;
        Ok(rows)
    }

    /// Deletes an inline policy.
    ///
    /// # Errors
    /// `NotFound(InlinePolicy)`.
    pub async fn delete_inline_policy(
        &self,
        entity_id: &str,
        name: &str,
    ) -> Result<(), StoreError> {
        let deleted =
            sqlx::query("DELETE FROM inline_policies WHERE entity_id = ?1 AND policy_name = ?2")
                .bind(entity_id)
                .bind(name)
                .write(&self.writer)
                .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::InlinePolicy));
        }
        Ok(())
    }
}
