//! Accounts: a 12-digit id with a root principal and root access keys.

use super::writer::Write;
use chrono::{DateTime, Utc};

use super::{Store, StoreError, is_unique_violation, to_millis};

/// The root access key an account is created with.
#[derive(Debug, Clone)]
pub struct RootKey<'a> {
    /// Access key id.
    pub access_key_id: &'a str,
    /// Secret access key.
    pub secret_access_key: &'a str,
}

impl Store {
    /// Creates an account with its root access key, in one transaction.
    ///
    /// # Errors
    /// `AlreadyExists` when the account or the key id is taken.
    pub async fn create_account(
        &self,
        account_id: &str,
        root_key: &RootKey<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let created = sqlx::query("INSERT INTO accounts (account_id, created_at) VALUES (?1, ?2)")
            .bind(account_id)
            .bind(to_millis(now))
            .execute(&mut *tx)
            .await;
        match created {
            Err(e) if is_unique_violation(&e) => return Err(StoreError::AlreadyExists),
            other => other?,
        };
        let key = sqlx::query(
            r"INSERT INTO access_keys
                (access_key_id, account_id, user_id, secret_access_key, status, created_at)
              VALUES (?1, ?2, NULL, ?3, 'Active', ?4)",
        )
        .bind(root_key.access_key_id)
        .bind(account_id)
        .bind(root_key.secret_access_key)
        .bind(to_millis(now))
        .execute(&mut *tx)
        .await;
        match key {
            Err(e) if is_unique_violation(&e) => return Err(StoreError::AlreadyExists),
            other => other?,
        };
        tx.commit().await?;
        self.forget_credential(root_key.access_key_id);
        Ok(())
    }

    /// Creates an account with no keys unless it exists (used by `off` mode, where any
    /// 12-digit key id selects an account).
    ///
    /// # Errors
    /// A database failure.
    pub async fn ensure_account(
        &self,
        account_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT OR IGNORE INTO accounts (account_id, created_at) VALUES (?1, ?2)")
            .bind(account_id)
            .bind(to_millis(now))
            .write(&self.writer)
            .await?;
        Ok(())
    }

    /// When the account was created, or `None` when it does not exist.
    ///
    /// # Errors
    /// A database failure.
    pub async fn account_created_at(
        &self,
        account_id: &str,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<i64> =
            sqlx::query_scalar("SELECT created_at FROM accounts WHERE account_id = ?1")
                .bind(account_id)
                .fetch_optional(&self.reader)
                .await?;
        Ok(at.map(super::from_millis))
    }

    /// Every account id, ascending.
    ///
    /// # Errors
    /// A database failure.
    pub async fn list_accounts(&self) -> Result<Vec<String>, StoreError> {
        let ids = sqlx::query_scalar("SELECT account_id FROM accounts ORDER BY account_id")
            .fetch_all(&self.reader)
            .await?;
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Location;

    async fn memory() -> Store {
        Store::open(Location::Memory)
            .await
            .unwrap_or_else(|e| panic!("open: {e}"))
    }

    #[tokio::test]
    async fn an_account_is_created_once_with_its_root_key() {
        let store = memory().await;
        let key = RootKey {
            access_key_id: "test",
            secret_access_key: "test",
        };
        let now = Utc::now();
        assert!(
            store
                .create_account("000000000000", &key, now)
                .await
                .is_ok()
        );
        let again = store
            .create_account(
                "000000000000",
                &RootKey {
                    access_key_id: "other",
                    ..key.clone()
                },
                now,
            )
            .await;
        assert!(matches!(again, Err(StoreError::AlreadyExists)));
        // The failed second call left no stray key behind.
        assert!(
            store
                .find_credential("other")
                .await
                .ok()
                .flatten()
                .is_none()
        );
        let found = store.find_credential("test").await.ok().flatten();
        assert_eq!(
            found.map(|c| c.account_id.clone()).as_deref(),
            Some("000000000000")
        );
    }

    #[tokio::test]
    async fn clear_empties_the_store_and_the_cache() {
        let store = memory().await;
        let key = RootKey {
            access_key_id: "k",
            secret_access_key: "s",
        };
        store
            .create_account("111111111111", &key, Utc::now())
            .await
            .ok();
        assert!(store.find_credential("k").await.ok().flatten().is_some());
        store.clear().await.ok();
        assert!(store.find_credential("k").await.ok().flatten().is_none());
        assert_eq!(store.list_accounts().await.ok(), Some(vec![]));
    }
}
