//! SQLite persistence through sqlx: the pool, migrations, transactions and the hot-path
//! caches. One repository file per entity family; SQL lives only here.

pub mod access_keys;
pub mod accounts;
mod cache;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub use access_keys::{AccessKeyStatus, Credential};

/// A storage failure. Callers turn it into `InternalFailure` unless a variant says otherwise.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database reported an error.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// Migrations could not be applied.
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The data directory could not be created.
    #[error("cannot create data directory")]
    Io(#[from] std::io::Error),
    /// A row with this key already exists.
    #[error("already exists")]
    AlreadyExists,
}

/// Where the database lives.
#[derive(Clone, Debug)]
pub enum Location<'a> {
    /// A file, created on first use.
    File(&'a Path),
    /// A private in-memory database that vanishes with the process.
    Memory,
}

/// The store: a writer pool of one connection (SQLite has one writer; serializing here avoids
/// lock upgrades), a reader pool, and the credential cache.
#[derive(Clone, Debug)]
pub struct Store {
    writer: SqlitePool,
    reader: SqlitePool,
    /// Credentials by access key id. Filled on lookup, dropped on every key write and on reset.
    credentials: Arc<cache::CredentialCache>,
}

impl Store {
    /// Opens (creating if needed) the database and applies pending migrations.
    ///
    /// # Errors
    /// The file cannot be opened or a migration fails.
    pub async fn open(location: Location<'_>) -> Result<Self, StoreError> {
        let (writer, reader) = match location {
            Location::Memory => {
                // Every connection to `:memory:` is its own database, so one connection
                // serves both roles and is never recycled.
                let options = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect_with(options)
                    .await?;
                (pool.clone(), pool)
            }
            Location::File(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // FULL: an acknowledged write survives a crash or power loss.
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10));
                let writer = SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(options.clone())
                    .await?;
                let reader = SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(options.read_only(true))
                    .await?;
                (writer, reader)
            }
        };
        sqlx::migrate!("./migrations").run(&writer).await?;
        Ok(Self {
            writer,
            reader,
            credentials: Arc::default(),
        })
    }

    /// Deletes every row of every table, leaving an empty, migrated database.
    ///
    /// # Errors
    /// A database failure; nothing is deleted then.
    pub async fn clear(&self) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("DELETE FROM access_keys")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM accounts")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.forget_all_credentials();
        Ok(())
    }

    /// Closes the pools, waiting for running queries.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    fn forget_credential(&self, access_key_id: &str) {
        self.credentials.forget(access_key_id);
    }

    fn forget_all_credentials(&self) {
        self.credentials.clear();
    }
}

/// Milliseconds since the epoch, as stored.
pub(crate) fn to_millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

/// A stored time back as a timestamp.
pub(crate) fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// Whether a sqlx error is a violated UNIQUE or PRIMARY KEY constraint.
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}
