//! IAM users: one row each, unique per account by name ignoring case.

use super::cache::{ReadKey, ReadValue};
use super::writer::Write;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::tags::Tag;
use super::{
    Conflict, Entity, Store, StoreError, from_millis, is_unique_violation, tags, to_millis,
};

/// A stored IAM user.
#[derive(Clone, Debug)]
pub struct User {
    /// `AIDA…`.
    pub user_id: String,
    /// The owning account.
    pub account_id: String,
    /// The name, in the case it was created with.
    pub user_name: String,
    /// `/` or `/a/b/`.
    pub path: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last console sign-in, if any.
    pub password_last_used_at: Option<DateTime<Utc>>,
    /// The permissions boundary policy ARN, if any.
    pub permissions_boundary_arn: Option<String>,
}

impl User {
    /// `arn:aws:iam::ACCOUNT:user{path}{name}`.
    #[must_use]
    pub fn arn(&self) -> String {
        crate::arn::user(&self.account_id, &self.path, &self.user_name)
    }
}

/// Also read from a JSON array of the columns in `USER_COLUMNS` order.
#[derive(FromRow, serde::Deserialize)]
pub(crate) struct UserRow {
    user_id: String,
    account_id: String,
    user_name: String,
    path: String,
    created_at: i64,
    password_last_used_at: Option<i64>,
    permissions_boundary_arn: Option<String>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        Self {
            user_id: row.user_id,
            account_id: row.account_id,
            user_name: row.user_name,
            path: row.path,
            created_at: from_millis(row.created_at),
            password_last_used_at: row.password_last_used_at.map(from_millis),
            permissions_boundary_arn: row.permissions_boundary_arn,
        }
    }
}

pub(crate) const USER_COLUMNS: &str = "user_id, account_id, user_name, path, created_at, \
    password_last_used_at, permissions_boundary_arn";

impl Store {
    /// Creates a user with its tags, in one transaction.
    ///
    /// # Errors
    /// `AlreadyExists` when the name is taken in the account (ignoring case).
    pub async fn create_user(&self, user: &User, tags: &[Tag]) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let inserted = sqlx::query(
            r"INSERT INTO users (user_id, account_id, user_name, path, created_at,
                                 permissions_boundary_arn)
              VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(&user.user_id)
        .bind(&user.account_id)
        .bind(&user.user_name)
        .bind(&user.path)
        .bind(to_millis(user.created_at))
        .bind(&user.permissions_boundary_arn)
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(StoreError::AlreadyExists),
            other => other?,
        };
        tags::merge(&mut tx, &user.user_id, tags).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user with this name (ignoring case) in the account.
    ///
    /// # Errors
    /// A database failure.
    pub async fn find_user(
        &self,
        account_id: &str,
        user_name: &str,
    ) -> Result<Option<User>, StoreError> {
        let key = ReadKey::UserByName(account_id.to_owned(), user_name.to_ascii_lowercase());
        let load = async {
            let row: Option<UserRow> = sqlx::query_as(&format!(
                "SELECT {USER_COLUMNS} FROM users WHERE account_id = ?1 AND user_name = ?2"
            ))
            .bind(account_id)
            .bind(user_name)
            .fetch_optional(&self.reader)
            .await?;
            Ok(row.map(User::from))
        };
        self.cached(key, load, ReadValue::User, |v| match v {
            ReadValue::User(u) => Some(u),
            _ => None,
        })
        .await
    }

    /// The user with this unique id.
    ///
    /// # Errors
    /// A database failure.
    pub async fn find_user_by_id(&self, user_id: &str) -> Result<Option<User>, StoreError> {
        let key = ReadKey::UserById(user_id.to_owned());
        let load = async {
            let row: Option<UserRow> = sqlx::query_as(&format!(
                "SELECT {USER_COLUMNS} FROM users WHERE user_id = ?1"
            ))
            .bind(user_id)
            .fetch_optional(&self.reader)
            .await?;
            Ok(row.map(User::from))
        };
        self.cached(key, load, ReadValue::User, |v| match v {
            ReadValue::User(u) => Some(u),
            _ => None,
        })
        .await
    }

    /// One page of the account's users whose path starts with `path_prefix`, by name.
    ///
    /// # Errors
    /// A database failure.
    pub async fn list_users(
        &self,
        account_id: &str,
        path_prefix: &str,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<User>, StoreError> {
        // The page comes back as one JSON array rather than a row per user: every row SQLite
        // hands over costs a wake-up of the request's thread, which a whole page multiplies.
        let page: String = sqlx::query_scalar(&format!(
            r"SELECT json_group_array(json_array({USER_COLUMNS}) ORDER BY user_name)
              FROM (SELECT {USER_COLUMNS} FROM users
                    WHERE account_id = ?1 AND user_name > ?2
                      AND substr(path, 1, length(?3)) = ?3
                    ORDER BY user_name LIMIT ?4)"
        ))
        .bind(account_id)
        .bind(after.unwrap_or(""))
        .bind(path_prefix)
        .bind(limit)
        .fetch_one(&self.reader)
        .await?;
        let rows: Vec<UserRow> = super::rows_from_json(&page)?;
        Ok(rows.into_iter().map(User::from).collect())
    }

    /// Renames a user and/or moves it to another path; keys, groups and policies stay.
    ///
    /// # Errors
    /// `NotFound(User)` when it vanished, `AlreadyExists` when the new name is taken.
    pub async fn update_user(
        &self,
        user_id: &str,
        name: &str,
        path: &str,
    ) -> Result<(), StoreError> {
        let updated = sqlx::query("UPDATE users SET user_name = ?2, path = ?3 WHERE user_id = ?1")
            .bind(user_id)
            .bind(name)
            .bind(path)
            .write(&self.writer)
            .await;
        let done = match updated {
            Err(e) if is_unique_violation(&e) => return Err(StoreError::AlreadyExists),
            other => other?,
        };
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::User));
        }
        // Cached credentials carry the owner's name and path.
        self.forget_all_credentials();
        Ok(())
    }

    /// Deletes a user that has nothing attached to it any more.
    ///
    /// # Errors
    /// `Conflict` naming what is still attached; `NotFound(User)` when it vanished.
    pub async fn delete_user(&self, user_id: &str) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let devices: i64 =
            sqlx::query_scalar("SELECT count(*) FROM mfa_devices WHERE assigned_to = ?1")
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
        if devices > 0 {
            return Err(StoreError::Conflict(Conflict::MfaDevices));
        }
        let referenced: i64 = sqlx::query_scalar(
            r"SELECT (SELECT count(*) FROM access_keys WHERE user_id = ?1)
                   + (SELECT count(*) FROM login_profiles WHERE user_id = ?1)
                   + (SELECT count(*) FROM group_members WHERE user_id = ?1)",
        )
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
        if referenced > 0 {
            return Err(StoreError::Conflict(Conflict::ReferencedObjects));
        }
        super::policies::check_no_policies(&mut tx, user_id).await?;
        sqlx::query("DELETE FROM password_history WHERE user_id = ?1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM tags WHERE resource_id = ?1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM users WHERE user_id = ?1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::User));
        }
        tx.commit().await?;
        // Sessions issued to the user must stop working with it.
        self.forget_all_credentials();
        Ok(())
    }
}
