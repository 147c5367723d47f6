//! The shared state of a running server, and the seeding of its accounts.

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::config::Config;
use crate::store::accounts::RootKey;
use crate::store::{Store, StoreError};

/// What every request handler can reach.
#[derive(Debug)]
pub struct App {
    /// The settings iamd was started with.
    pub config: Config,
    /// The persistent state.
    pub store: Store,
    /// The time source.
    pub clock: Clock,
    /// Compiled policy documents.
    pub policies: crate::authz::PolicyCache,
    /// Users' and roles' policy sets, valid until the next write.
    pub identities: crate::authz::IdentityCache,
    /// Requests allowed since the last write, so a repeated call is not decided again.
    pub decisions: crate::authz::DecisionCache,
    /// The key encoded authorization messages are authenticated with (drawn at start-up).
    pub message_key: [u8; 32],
    /// Service-linked role deletion tasks issued since start-up (they finish at once).
    pub deletion_tasks: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl App {
    /// Creates the configured accounts that do not exist yet (the default one and `--account`s).
    ///
    /// # Errors
    /// A database failure.
    pub async fn seed(&self) -> Result<(), StoreError> {
        seed_accounts(&self.store, &self.config, self.clock.now()).await
    }

    /// Back to the freshly-started state: an empty store, the configured accounts, the wall clock.
    ///
    /// # Errors
    /// A database failure.
    pub async fn reset(&self) -> Result<(), StoreError> {
        self.store.clear().await?;
        self.clock.reset();
        self.policies.clear();
        if let Ok(mut tasks) = self.deletion_tasks.lock() {
            tasks.clear();
        }
        self.seed().await
    }
}

/// Creates the configured accounts that do not exist yet (the default one and `--account`s).
///
/// # Errors
/// A database failure.
pub async fn seed_accounts(
    store: &Store,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let existing = store.list_accounts().await?;
    let default = (
        config.account_id.as_str(),
        config.root_access_key_id.as_str(),
        config.root_secret_access_key.as_str(),
    );
    let extras = config.accounts.iter().map(|a| {
        (
            a.account_id.as_str(),
            a.access_key_id.as_str(),
            a.secret_access_key.as_str(),
        )
    });
    for (account_id, access_key_id, secret_access_key) in std::iter::once(default).chain(extras) {
        if existing.iter().any(|id| id == account_id) {
            continue;
        }
        let key = RootKey {
            access_key_id,
            secret_access_key,
        };
        match store.create_account(account_id, &key, now).await {
            Ok(()) | Err(StoreError::AlreadyExists) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
