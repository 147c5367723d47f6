//! Instance profiles and the (at most one) role each holds.

use super::writer::Write;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::roles::{ROLE_COLUMNS, Role};
use super::tags::{self, Tag};
use super::{
    Conflict, Entity, Limit, Store, StoreError, from_millis, is_unique_violation, to_millis,
};

/// A stored instance profile.
#[derive(Clone, Debug)]
pub struct InstanceProfile {
    /// `AIPA…`.
    pub instance_profile_id: String,
    /// The owning account.
    pub account_id: String,
    /// The name.
    pub name: String,
    /// `/` or `/a/b/`.
    pub path: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

impl InstanceProfile {
    /// `arn:aws:iam::ACCOUNT:instance-profile{path}{name}`.
    #[must_use]
    pub fn arn(&self) -> String {
        crate::arn::instance_profile(&self.account_id, &self.path, &self.name)
    }
}

#[derive(FromRow)]
struct ProfileRow {
    instance_profile_id: String,
    account_id: String,
    instance_profile_name: String,
    path: String,
    created_at: i64,
}

impl From<ProfileRow> for InstanceProfile {
    fn from(row: ProfileRow) -> Self {
        Self {
            instance_profile_id: row.instance_profile_id,
            account_id: row.account_id,
            name: row.instance_profile_name,
            path: row.path,
            created_at: from_millis(row.created_at),
        }
    }
}

const PROFILE_COLUMNS: &str =
    "instance_profile_id, account_id, instance_profile_name, path, created_at";

impl Store {
    /// Creates an instance profile with its tags.
    ///
    /// # Errors
    /// `AlreadyExists` when the name is taken.
    pub async fn create_instance_profile(
        &self,
        profile: &InstanceProfile,
        profile_tags: &[Tag],
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let inserted = sqlx::query(
            r"INSERT INTO instance_profiles (instance_profile_id, account_id, instance_profile_name, path, created_at)
              VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(&profile.instance_profile_id)
        .bind(&profile.account_id)
        .bind(&profile.name)
        .bind(&profile.path)
        .bind(to_millis(profile.created_at))
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(StoreError::AlreadyExists),
            other => other?,
        };
        tags::merge(&mut tx, &profile.instance_profile_id, profile_tags).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The instance profile with this name in the account.
    ///
    /// # Errors
    /// A database failure.
    pub async fn find_instance_profile(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<Option<InstanceProfile>, StoreError> {
        let row: Option<ProfileRow> = sqlx::query_as(&format!(
            "SELECT {PROFILE_COLUMNS} FROM instance_profiles WHERE account_id = ?1 AND instance_profile_name = ?2"
        ))
        .bind(account_id)
        .bind(name)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.map(InstanceProfile::from))
    }

    /// One page of the account's instance profiles, by name.
    ///
    /// # Errors
    /// A database failure.
    pub async fn list_instance_profiles(
        &self,
        account_id: &str,
        path_prefix: &str,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<InstanceProfile>, StoreError> {
        let rows: Vec<ProfileRow> = sqlx::query_as(&format!(
            r"SELECT {PROFILE_COLUMNS} FROM instance_profiles
              WHERE account_id = ?1 AND instance_profile_name > ?2 AND substr(path, 1, length(?3)) = ?3
              ORDER BY instance_profile_name LIMIT ?4"
        ))
        .bind(account_id)
        .bind(after.unwrap_or(""))
        .bind(path_prefix)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(InstanceProfile::from).collect())
    }

    /// The instance profiles holding a role, by name.
    ///
    /// # Errors
    /// A database failure.
    pub async fn instance_profiles_for_role(
        &self,
        role_id: &str,
    ) -> Result<Vec<InstanceProfile>, StoreError> {
        let columns = PROFILE_COLUMNS
            .split(", ")
            .map(|c| format!("p.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows: Vec<ProfileRow> = sqlx::query_as(&format!(
            r"SELECT {columns} FROM instance_profile_roles x
              JOIN instance_profiles p ON p.instance_profile_id = x.instance_profile_id
              WHERE x.role_id = ?1 ORDER BY p.instance_profile_name"
        ))
        .bind(role_id)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(InstanceProfile::from).collect())
    }

    /// The roles in an instance profile (zero or one).
    ///
    /// # Errors
    /// A database failure.
    pub async fn instance_profile_roles(
        &self,
        instance_profile_id: &str,
    ) -> Result<Vec<Role>, StoreError> {
        let columns = ROLE_COLUMNS
            .split(", ")
            .map(|c| format!("r.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows: Vec<super::roles::RoleRowPublic> = sqlx::query_as(&format!(
            r"SELECT {columns} FROM instance_profile_roles x JOIN roles r ON r.role_id = x.role_id
              WHERE x.instance_profile_id = ?1 ORDER BY r.role_name"
        ))
        .bind(instance_profile_id)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(Role::from).collect())
    }

    /// Puts a role in an instance profile.
    ///
    /// # Errors
    /// `Limit(RolesPerInstanceProfile)` when the profile already holds a role.
    pub async fn add_role_to_instance_profile(
        &self,
        instance_profile_id: &str,
        role_id: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let held: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM instance_profile_roles WHERE instance_profile_id = ?1",
        )
        .bind(instance_profile_id)
        .fetch_one(&mut *tx)
        .await?;
        if held > 0 {
            return Err(StoreError::Limit(Limit::RolesPerInstanceProfile));
        }
        sqlx::query(
            "INSERT INTO instance_profile_roles (instance_profile_id, role_id) VALUES (?1, ?2)",
        )
        .bind(instance_profile_id)
        .bind(role_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes a role out of an instance profile.
    ///
    /// # Errors
    /// `NotFound(Role)` when the profile does not hold it.
    pub async fn remove_role_from_instance_profile(
        &self,
        instance_profile_id: &str,
        role_id: &str,
    ) -> Result<(), StoreError> {
        let deleted = sqlx::query(
            "DELETE FROM instance_profile_roles WHERE instance_profile_id = ?1 AND role_id = ?2",
        )
        .bind(instance_profile_id)
        .bind(role_id)
        .write(&self.writer)
        .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::Role));
        }
        Ok(())
    }

    /// Deletes an instance profile that holds no role.
    ///
    /// # Errors
    /// `Conflict(InInstanceProfile)`; `NotFound(InstanceProfile)`.
    pub async fn delete_instance_profile(
        &self,
        instance_profile_id: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let held: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM instance_profile_roles WHERE instance_profile_id = ?1",
        )
        .bind(instance_profile_id)
        .fetch_one(&mut *tx)
        .await?;
        if held > 0 {
            return Err(StoreError::Conflict(Conflict::InInstanceProfile));
        }
        sqlx::query("DELETE FROM tags WHERE resource_id = ?1")
            .bind(instance_profile_id)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM instance_profiles WHERE instance_profile_id = ?1")
            .bind(instance_profile_id)
            .execute(&mut *tx)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::InstanceProfile));
        }
        tx.commit().await?;
        Ok(())
    }
}
