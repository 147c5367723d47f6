//! Access keys and the credential lookup on every signed request (served from a cache).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Store, StoreError, from_millis};
use crate::secret::Secret;

/// Whether a key may sign requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessKeyStatus {
    /// Signs requests.
    Active,
    /// Refused as if unknown.
    Inactive,
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
    pub user_id: Option<String>,
    /// Active or inactive.
    pub status: AccessKeyStatus,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct CredentialRow {
    access_key_id: String,
    secret_access_key: String,
    account_id: String,
    user_id: Option<String>,
    status: String,
    created_at: i64,
}

impl From<CredentialRow> for Credential {
    fn from(row: CredentialRow) -> Self {
        Self {
            access_key_id: row.access_key_id,
            secret: Secret::new(row.secret_access_key),
            account_id: row.account_id,
            user_id: row.user_id,
            status: if row.status == "Active" {
                AccessKeyStatus::Active
            } else {
                AccessKeyStatus::Inactive
            },
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
            r"SELECT access_key_id, secret_access_key, account_id, user_id, status, created_at
              FROM access_keys WHERE access_key_id = ?1",
        )
        .bind(access_key_id)
        .fetch_optional(&self.reader)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let credential = Arc::new(Credential::from(row));
        self.credentials.fill(generation, credential.clone());
        Ok(Some(credential))
    }
}
