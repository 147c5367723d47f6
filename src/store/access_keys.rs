//! Access keys, and the credential lookup every signed request makes (served from a cache).

use super::writer::Write;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Entity, Limit, Store, StoreError, from_millis, is_unique_violation, to_millis};
use crate::secret::Secret;

/// How many access keys one user (or the root user) may have.
pub const MAX_KEYS_PER_USER: i64 = 2;

/// Whether a key may sign requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessKeyStatus {
    /// Signs requests.
    Active,
    /// Refused as if unknown.
    Inactive,
}

impl AccessKeyStatus {
    /// `Active` or `Inactive`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Inactive => "Inactive",
        }
    }

    fn parse(text: &str) -> Self {
        if text == "Active" {
            Self::Active
        } else {
            Self::Inactive
        }
    }
}

/// The IAM user a key belongs to, as authentication needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyOwner {
    /// `AIDA…`.
    pub user_id: String,
    /// The user's name.
    pub user_name: String,
    /// The user's path.
    pub path: String,
}

/// What authentication needs to know about an access key.
#[derive(Clone, Debug)]
pub struct Credential {
    /// The access key id.
    pub access_key_id: String,
    /// The secret it signs with.
    pub secret: Secret,
    /// The account it belongs to.
    pub account_id: String,
    /// The IAM user it belongs to; `None` for the root user's keys.
    pub owner: Option<KeyOwner>,
    /// Active or inactive.
    pub status: AccessKeyStatus,
    /// For temporary credentials: the session they belong to.
    pub session: Option<Arc<super::sessions::Session>>,
}

/// An access key as IAM lists it (never with its secret).
#[derive(Clone, Debug)]
pub struct AccessKey {
    /// The key id.
    pub access_key_id: String,
    /// The owner's name; `None` for root keys.
    pub user_name: Option<String>,
    /// Active or inactive.
    pub status: AccessKeyStatus,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// When and where a key was last used.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyUsage {
    /// The last use.
    pub at: Option<DateTime<Utc>>,
    /// The service called (`iam`, `sts`).
    pub service: Option<String>,
    /// The region signed for.
    pub region: Option<String>,
}

#[derive(FromRow)]
struct CredentialRow {
    access_key_id: String,
    secret_access_key: String,
    account_id: String,
    user_id: Option<String>,
    user_name: Option<String>,
    path: Option<String>,
    status: String,
}

#[derive(FromRow)]
struct AccessKeyRow {
    access_key_id: String,
    user_name: Option<String>,
    status: String,
    created_at: i64,
}

#[derive(FromRow)]
struct UsageRow {
    user_name: Option<String>,
    last_used_at: Option<i64>,
    last_used_service: Option<String>,
    last_used_region: Option<String>,
}

impl From<AccessKeyRow> for AccessKey {
    fn from(row: AccessKeyRow) -> Self {
        Self {
            access_key_id: row.access_key_id,
            user_name: row.user_name,
            status: AccessKeyStatus::parse(&row.status),
            created_at: from_millis(row.created_at),
        }
    }
}

impl Store {
    /// The credential for an access key id, from the cache or the database.
    ///
    /// # Errors
    /// A database failure.
    pub async fn find_credential(
        &self,
        access_key_id: &str,
    ) -> Result<Option<Arc<Credential>>, StoreError> {
        if let Some(found) = self.credentials.get(access_key_id) {
            return Ok(Some(found));
        }
        let generation = self.credentials.generation();
        let row: Option<CredentialRow> = sqlx::query_as(
            r"SELECT k.access_key_id, k.secret_access_key, k.account_id, k.user_id,
                     u.user_name, u.path, k.status
              FROM access_keys k LEFT JOIN users u ON u.user_id = k.user_id
              WHERE k.access_key_id = ?1",
        )
        .bind(access_key_id)
        .fetch_optional(&self.reader)
        .await?;
        let Some(row) = row else {
            return self
                .find_session_credential(access_key_id, generation)
                .await;
        };
        let owner = match (row.user_id, row.user_name, row.path) {
            (Some(user_id), Some(user_name), Some(path)) => Some(KeyOwner {
                user_id,
                user_name,
                path,
            }),
            _ => None,
        };
        let credential = Arc::new(Credential {
            access_key_id: row.access_key_id,
            secret: Secret::new(row.secret_access_key),
            account_id: row.account_id,
            owner,
            status: AccessKeyStatus::parse(&row.status),
            session: None,
        });
        self.credentials.fill(generation, credential.clone());
        Ok(Some(credential))
    }

    async fn find_session_credential(
        &self,
        access_key_id: &str,
        generation: u64,
    ) -> Result<Option<Arc<Credential>>, StoreError> {
        let Some(session) = self.find_session(access_key_id).await? else {
            return Ok(None);
        };
        let credential = Arc::new(Credential {
            access_key_id: session.access_key_id.clone(),
            secret: session.secret.clone(),
            account_id: session.account_id.clone(),
            owner: session.user.clone(),
            status: AccessKeyStatus::Active,
            session: Some(Arc::new(session)),
        });
        self.credentials.fill(generation, credential.clone());
        Ok(Some(credential))
    }

    /// Creates a key for a user (or, with `user_id` `None`, for the account's root user).
    ///
    /// # Errors
    /// `Limit(AccessKeysPerUser)` when the owner has two already; `AlreadyExists` on an id clash.
    pub async fn create_access_key(
        &self,
        account_id: &str,
        user_id: Option<&str>,
        access_key_id: &str,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let existing: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM access_keys WHERE account_id = ?1 AND user_id IS ?2",
        )
        .bind(account_id)
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
        if existing >= MAX_KEYS_PER_USER {
            return Err(StoreError::Limit(Limit::AccessKeysPerUser));
        }
        let inserted = sqlx::query(
            r"INSERT INTO access_keys
                (access_key_id, account_id, user_id, secret_access_key, status, created_at)
              VALUES (?1, ?2, ?3, ?4, 'Active', ?5)",
        )
        .bind(access_key_id)
        .bind(account_id)
        .bind(user_id)
        .bind(secret)
        .bind(to_millis(now))
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(StoreError::AlreadyExists),
            other => other?,
        };
        tx.commit().await?;
        self.forget_credential(access_key_id);
        Ok(())
    }

    /// The keys of a user (or of the root user), oldest first.
    ///
    /// # Errors
    /// A database failure.
    pub async fn list_access_keys(
        &self,
        account_id: &str,
        user_id: Option<&str>,
    ) -> Result<Vec<AccessKey>, StoreError> {
        let rows: Vec<AccessKeyRow> = sqlx::query_as(
            r"SELECT k.access_key_id, u.user_name, k.status, k.created_at
              FROM access_keys k LEFT JOIN users u ON u.user_id = k.user_id
              WHERE k.account_id = ?1 AND k.user_id IS ?2
              ORDER BY k.created_at, k.access_key_id",
        )
        .bind(account_id)
        .bind(user_id)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(AccessKey::from).collect())
    }

    /// Activates or deactivates one of the owner's keys.
    ///
    /// # Errors
    /// `NotFound(AccessKey)` when the owner has no such key.
    pub async fn update_access_key(
        &self,
        account_id: &str,
        user_id: Option<&str>,
        access_key_id: &str,
        status: AccessKeyStatus,
    ) -> Result<(), StoreError> {
        let updated = sqlx::query(
            r"UPDATE access_keys SET status = ?4
              WHERE account_id = ?1 AND user_id IS ?2 AND access_key_id = ?3",
        )
        .bind(account_id)
        .bind(user_id)
        .bind(access_key_id)
        .bind(status.as_str())
        .write(&self.writer)
        .await?;
        self.forget_credential(access_key_id);
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::AccessKey));
        }
        Ok(())
    }

    /// Deletes one of the owner's keys.
    ///
    /// # Errors
    /// `NotFound(AccessKey)` when the owner has no such key.
    pub async fn delete_access_key(
        &self,
        account_id: &str,
        user_id: Option<&str>,
        access_key_id: &str,
    ) -> Result<(), StoreError> {
        let deleted = sqlx::query(
            "DELETE FROM access_keys WHERE account_id = ?1 AND user_id IS ?2 AND access_key_id = ?3",
        )
        .bind(account_id)
        .bind(user_id)
        .bind(access_key_id)
        .write(&self.writer)
        .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound(Entity::AccessKey));
        }
        self.forget_credential(access_key_id);
        self.usage.forget(access_key_id);
        Ok(())
    }

    /// Notes that a key signed a request (written out later by `flush_key_usage`).
    pub fn record_key_use(
        &self,
        access_key_id: &str,
        at: DateTime<Utc>,
        service: &str,
        region: &str,
    ) {
        self.usage.record(
            access_key_id,
            KeyUsage {
                at: Some(at),
                service: Some(service.to_owned()),
                region: Some(region.to_owned()),
            },
        );
    }

    /// Writes the recorded key uses.
    ///
    /// # Errors
    /// A database failure; the uses of this batch are then dropped.
    pub async fn flush_key_usage(&self) -> Result<(), StoreError> {
        let batch = self.usage.take();
        if batch.is_empty() {
            return Ok(());
        }
        let mut tx = self.writer.begin().await?;
        // Key uses are in no cache (credentials are cached without them).
        tx.leaves_caches_valid();
        for (key, usage) in &batch {
            sqlx::query(
                r"UPDATE access_keys SET last_used_at = ?2, last_used_service = ?3, last_used_region = ?4
                  WHERE access_key_id = ?1",
            )
            .bind(key)
            .bind(usage.at.map(to_millis))
            .bind(&usage.service)
            .bind(&usage.region)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The owner's name and last use of a key in the account, or `None` when the account
    /// has no such key.
    ///
    /// # Errors
    /// A database failure.
    pub async fn access_key_last_used(
        &self,
        account_id: &str,
        access_key_id: &str,
    ) -> Result<Option<(Option<String>, KeyUsage)>, StoreError> {
        self.flush_key_usage().await?;
        let row: Option<UsageRow> = sqlx::query_as(
            r"SELECT u.user_name, k.last_used_at, k.last_used_service, k.last_used_region
              FROM access_keys k LEFT JOIN users u ON u.user_id = k.user_id
              WHERE k.account_id = ?1 AND k.access_key_id = ?2",
        )
        .bind(account_id)
        .bind(access_key_id)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.map(|r| {
            let usage = KeyUsage {
                at: r.last_used_at.map(from_millis),
                service: r.last_used_service,
                region: r.last_used_region,
            };
            (r.user_name, usage)
        }))
    }
}
