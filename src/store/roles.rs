//! IAM roles: one row each, unique per account by name ignoring case.

use super::cache::{ReadKey, ReadValue};
use super::writer::Write;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::tags::{self, Tag};
use super::{Conflict, Entity, Store, StoreError, from_millis, is_unique_violation, to_millis};

/// A stored role.
#[derive(Clone, Debug)]
pub struct Role {
    /// `AROA…`.
    pub role_id: String,
    /// The owning account.
    pub account_id: String,
    /// The name, in the case it was created with.
    pub role_name: String,
    /// `/` or `/a/b/`.
    pub path: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// The trust policy, as submitted.
    pub assume_role_policy: String,
    /// Description, if any.
    pub description: Option<String>,
    /// Longest session, in seconds.
    pub max_session_duration: i64,
    /// The permissions boundary policy ARN, if any.
    pub permissions_boundary_arn: Option<String>,
    /// When a session of the role was last created.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Where it was last used.
    pub last_used_region: Option<String>,
}

impl Role {
    /// `arn:aws:iam::ACCOUNT:role{path}{name}`.
    #[must_use]
    pub fn arn(&self) -> String {
        crate::arn::role(&self.account_id, &self.path, &self.role_name)
    }
}

#[derive(FromRow)]
pub(crate) struct RoleRow {
    role_id: String,
    account_id: String,
    role_name: String,
    path: String,
    created_at: i64,
    assume_role_policy: String,
    description: Option<String>,
    max_session_duration: i64,
    permissions_boundary_arn: Option<String>,
    last_used_at: Option<i64>,
    last_used_region: Option<String>,
}

/// The row type, for joins in other repositories.
pub(crate) type RoleRowPublic = RoleRow;

impl From<RoleRow> for Role {
    fn from(row: RoleRow) -> Self {
        Self {
            role_id: row.role_id,
            account_id: row.account_id,
            role_name: row.role_name,
            path: row.path,
            created_at: from_millis(row.created_at),
            assume_role_policy: row.assume_role_policy,
            description: row.description,
            max_session_duration: row.max_session_duration,
            permissions_boundary_arn: row.permissions_boundary_arn,
            last_used_at: row.last_used_at.map(from_millis),
            last_used_region: row.last_used_region,
        }
    }
}

pub(crate) const ROLE_COLUMNS: &str = "role_id, account_id, role_name, path, created_at, \
    assume_role_policy, description, max_session_duration, permissions_boundary_arn, last_used_at, \
    last_used_region";

/// What may change on a role.
#[derive(Debug, Default)]
pub struct RoleChanges<'a> {
    /// New description (`Some("")` clears it).
    pub description: Option<&'a str>,
    /// New maximum session duration.
    pub max_session_duration: Option<i64>,
    /// New trust policy.
    pub assume_role_policy: Option<&'a str>,
}

impl Store {
    /// Creates a role with its tags.
    ///
    /// # Errors
    /// `AlreadyExists` when the name is taken in the account.
    pub async fn create_role(&self, role: &Role, role_tags: &[Tag]) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let inserted = sqlx::query(
            r"INSERT INTO roles (role_id, account_id, role_name, path, created_at, assume_role_policy,
                                 description, max_session_duration, permissions_boundary_arn)
              VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .bind(&role.role_id)
        .bind(&role.account_id)
        .bind(&role.role_name)
        .bind(&role.path)
        .bind(to_millis(role.created_at))
        .bind(&role.assume_role_policy)
        .bind(&role.description)
        .bind(role.max_session_duration)
        .bind(&role.permissions_boundary_arn)
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(StoreError::AlreadyExists),
            other => other?,
        };
        tags::merge(&mut tx, &role.role_id, role_tags).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The role with this name (ignoring case) in the account.
    ///
    /// # Errors
    /// A database failure.
    pub async fn find_role(
        &self,
        account_id: &str,
        role_name: &str,
    ) -> Result<Option<Role>, StoreError> {
        let key = ReadKey::RoleByName(account_id.to_owned(), role_name.to_ascii_lowercase());
        let load = async {
            let row: Option<RoleRow> = sqlx::query_as(&format!(
                "SELECT {ROLE_COLUMNS} FROM roles WHERE account_id = ?1 AND role_name = ?2"
            ))
            .bind(account_id)
            .bind(role_name)
            .fetch_optional(&self.reader)
            .await?;
            Ok(row.map(Role::from))
        };
        self.cached(key, load, ReadValue::Role, |v| match v {
            ReadValue::Role(r) => Some(r),
            _ => None,
        })
        .await
    }

    /// The role with this unique id.
    ///
    /// # Errors
    /// A database failure.
    pub async fn find_role_by_id(&self, role_id: &str) -> Result<Option<Role>, StoreError> {
        let key = ReadKey::RoleById(role_id.to_owned());
        let load = async {
            let row: Option<RoleRow> = sqlx::query_as(&format!(
                "SELECT {ROLE_COLUMNS} FROM roles WHERE role_id = ?1"
            ))
            .bind(role_id)
            .fetch_optional(&self.reader)
            .await?;
            Ok(row.map(Role::from))
        };
        self.cached(key, load, ReadValue::Role, |v| match v {
            ReadValue::Role(r) => Some(r),
            _ => None,
        })
        .await
    }

    /// One page of the account's roles whose path starts with `path_prefix`, by name.
    ///
    /// # Errors
    /// A database failure.
    pub async fn list_roles(
        &self,
        account_id: &str,
        path_prefix: &str,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Role>, StoreError> {
        let rows: Vec<RoleRow> = sqlx::query_as(&format!(
            r"SELECT {ROLE_COLUMNS} FROM roles
              WHERE account_id = ?1 AND role_name > ?2 AND substr(path, 1, length(?3)) = ?3
              ORDER BY role_name LIMIT ?4"
        ))
        .bind(account_id)
        .bind(after.unwrap_or(""))
        .bind(path_prefix)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(Role::from).collect())
    }

    /// Changes a role's description, session limit or trust policy.
    ///
    /// # Errors
    /// `NotFound(Role)`.
    pub async fn update_role(
        &self,
        role_id: &str,
        changes: &RoleChanges<'_>,
    ) -> Result<(), StoreError> {
        let updated = sqlx::query(
            r"UPDATE roles SET description = coalesce(?2, description),
                               max_session_duration = coalesce(?3, max_session_duration),
                               assume_role_policy = coalesce(?4, assume_role_policy)
              WHERE role_id = ?1",
        )
        .bind(role_id)
        .bind(changes.description)
        .bind(changes.max_session_duration)
        .bind(changes.assume_role_policy)
        .write(&self.writer)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::Role));
        }
        Ok(())
    }

    /// Deletes a role with no policies and no instance profiles.
    ///
    /// # Errors
    /// `Conflict` naming what is attached; `NotFound(Role)`.
    pub async fn delete_role(&self, role_id: &str) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let profiles: i64 =
            sqlx::query_scalar("SELECT count(*) FROM instance_profile_roles WHERE role_id = ?1")
                .bind(role_id)
                .fetch_one(&mut *tx)
                .await?;
        if profiles > 0 {
            return Err(StoreError::Conflict(Conflict::InInstanceProfile));
        }
        super::policies::check_no_policies(&mut tx, role_id).await?;
        sqlx::query("DELETE FROM tags WHERE resource_id = ?1")
            .bind(role_id)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM roles WHERE role_id = ?1")
            .bind(role_id)
            .execute(&mut *tx)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::Role));
        }
        tx.commit().await?;
        // Sessions of the role must stop working with it.
        self.forget_all_credentials();
        Ok(())
    }

    /// Sets or clears (with `None`) the permissions boundary of a user or role.
    ///
    /// # Errors
    /// A database failure.
    pub async fn set_permissions_boundary(
        &self,
        kind: super::policies::EntityKind,
        entity_id: &str,
        arn: Option<&str>,
    ) -> Result<(), StoreError> {
        let sql = match kind {
            super::policies::EntityKind::User => {
                "UPDATE users SET permissions_boundary_arn = ?2 WHERE user_id = ?1"
            }
            super::policies::EntityKind::Role => {
                "UPDATE roles SET permissions_boundary_arn = ?2 WHERE role_id = ?1"
            }
            super::policies::EntityKind::Group => return Ok(()),
        };
        sqlx::query(sql)
            .bind(entity_id)
            .bind(arn)
            .write(&self.writer)
            .await?;
        self.forget_all_credentials();
        Ok(())
    }

    /// Notes that a session of the role was issued; written out by `flush_role_usage`
    /// (periodically, and before anything shows `RoleLastUsed`), so that issuing sessions
    /// does not rewrite the role, and with it invalidate the caches, each time.
    pub(crate) fn record_role_use(&self, role_id: &str, at: DateTime<Utc>, region: &str) {
        self.role_usage.record(role_id, (at, region.to_owned()));
    }

    /// Writes the recorded role uses.
    ///
    /// # Errors
    /// A database failure; the uses of this batch are then dropped.
    pub async fn flush_role_usage(&self) -> Result<(), StoreError> {
        let batch = self.role_usage.take();
        if batch.is_empty() {
            return Ok(());
        }
        let mut tx = self.writer.begin().await?;
        for (role_id, (at, region)) in &batch {
            sqlx::query(
                "UPDATE roles SET last_used_at = ?2, last_used_region = ?3 WHERE role_id = ?1",
            )
            .bind(role_id)
            .bind(to_millis(*at))
            .bind(region)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
