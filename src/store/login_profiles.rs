//! Login profiles (console passwords, stored as Argon2id hashes) and their history.

use super::writer::Write;
use super::writer::WriteTx;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Entity, Store, StoreError, from_millis, is_unique_violation, to_flag, to_millis};

/// A user's login profile.
#[derive(Clone, Debug)]
pub struct LoginProfile {
    /// The owning user.
    pub user_id: String,
    /// The password's PHC hash string.
    pub password_hash: String,
    /// Whether the user must set a new password at next sign-in.
    pub password_reset_required: bool,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct LoginProfileRow {
    user_id: String,
    password_hash: String,
    password_reset_required: i64,
    created_at: i64,
}

impl Store {
    /// Creates a user's login profile.
    ///
    /// # Errors
    /// `AlreadyExists` when the user has one.
    pub async fn create_login_profile(&self, profile: &LoginProfile) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let inserted = sqlx::query(
            r"INSERT INTO login_profiles (user_id, password_hash, password_reset_required, created_at)
              VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(&profile.user_id)
        .bind(&profile.password_hash)
        .bind(to_flag(profile.password_reset_required))
        .bind(to_millis(profile.created_at))
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(StoreError::AlreadyExists),
            other => other?,
        };
        remember_password(
            &mut tx,
            &profile.user_id,
            &profile.password_hash,
            profile.created_at,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A user's login profile.
    ///
    /// # Errors
    /// A database failure.
    pub async fn find_login_profile(
        &self,
        user_id: &str,
    ) -> Result<Option<LoginProfile>, StoreError> {
        let row: Option<LoginProfileRow> = sqlx::query_as(
            r"SELECT user_id, password_hash, password_reset_required, created_at
              FROM login_profiles WHERE user_id = ?1",
        )
        .bind(user_id)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.map(|r| LoginProfile {
            user_id: r.user_id,
            password_hash: r.password_hash,
            password_reset_required: r.password_reset_required != 0,
            created_at: from_millis(r.created_at),
        }))
    }

    /// Sets a new password hash and/or the reset flag on an existing profile.
    ///
    /// # Errors
    /// `NotFound(LoginProfile)`.
    pub async fn update_login_profile(
        &self,
        user_id: &str,
        password_hash: Option<&str>,
        reset_required: Option<bool>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let updated = sqlx::query(
            r"UPDATE login_profiles
              SET password_hash = coalesce(?2, password_hash),
                  password_reset_required = coalesce(?3, password_reset_required)
              WHERE user_id = ?1",
        )
        .bind(user_id)
        .bind(password_hash)
        .bind(reset_required.map(to_flag))
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::LoginProfile));
        }
        if let Some(hash) = password_hash {
            remember_password(&mut tx, user_id, hash, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a user's login profile.
    ///
    /// # Errors
    /// `NotFound(LoginProfile)`.
    pub async fn delete_login_profile(&self, user_id: &str) -> Result<(), StoreError> {
        let deleted = sqlx::query("DELETE FROM login_profiles WHERE user_id = ?1")
            .bind(user_id)
            .write(&self.writer)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::LoginProfile));
        }
        Ok(())
    }

    /// The hashes of a user's last `count` passwords, newest first.
    ///
    /// # Errors
    /// A database failure.
    pub async fn recent_password_hashes(
        &self,
        user_id: &str,
        count: i64,
    ) -> Result<Vec<String>, StoreError> {
        let hashes = sqlx::query_scalar(
            "SELECT password_hash FROM password_history WHERE user_id = ?1 ORDER BY set_at DESC, rowid DESC LIMIT ?2",
        )
        .bind(user_id)
        .bind(count)
        .fetch_all(&self.reader)
        .await?;
        Ok(hashes)
    }
}

async fn remember_password(
    tx: &mut WriteTx,
    user_id: &str,
    hash: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO password_history (user_id, password_hash, set_at) VALUES (?1, ?2, ?3)",
    )
    .bind(user_id)
    .bind(hash)
    .bind(to_millis(at))
    .execute(&mut **tx)
    .await?;
    // The policy allows remembering at most 24 earlier passwords.
    sqlx::query(
        r"DELETE FROM password_history WHERE user_id = ?1 AND rowid NOT IN
            (SELECT rowid FROM password_history WHERE user_id = ?1 ORDER BY set_at DESC, rowid DESC LIMIT 25)",
    )
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
