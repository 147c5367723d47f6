//! SQLite persistence through sqlx: the pool, migrations, transactions and the hot-path
//! caches. One repository file per entity family; SQL lives only here.

pub mod access_keys;
pub mod account_settings;
pub mod accounts;
pub(crate) mod cache;
pub mod groups;
pub mod instance_profiles;
pub mod login_profiles;
pub mod mfa;
mod pending;
pub mod policies;
pub mod roles;
pub mod sessions;
pub mod tags;
pub mod users;
mod writer;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// Rows a query may hand over before SQLite's thread waits for them to be read: room for a
/// whole page (1,000 items at most) plus its marker, so a page crosses in one go.
const ROW_CHANNEL: usize = 1024;

pub use access_keys::{AccessKey, AccessKeyStatus, Credential, KeyOwner, KeyUsage};

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
    /// An entity the operation needs does not exist.
    #[error("{0:?} not found")]
    NotFound(Entity),
    /// The entity still has dependents.
    #[error("delete conflict: {0:?}")]
    Conflict(Conflict),
    /// A quota would be exceeded.
    #[error("limit exceeded: {0:?}")]
    Limit(Limit),
    /// The commit of a batch of writes failed (numbered from 1); nothing of it is stored and
    /// no later write is accepted.
    #[error("commit {0} failed")]
    CommitFailed(u64),
    /// The store was closed (the server is stopping).
    #[error("the store is closed")]
    Closed,
}

/// Kinds of stored entity, for `NotFound`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entity {
    /// An IAM user.
    User,
    /// An IAM group.
    Group,
    /// An access key.
    AccessKey,
    /// A user's login profile.
    LoginProfile,
    /// The account password policy.
    PasswordPolicy,
    /// An account alias.
    AccountAlias,
    /// An IAM role.
    Role,
    /// A managed policy.
    Policy,
    /// A version of a managed policy.
    PolicyVersion,
    /// An inline policy.
    InlinePolicy,
    /// An instance profile.
    InstanceProfile,
    /// An MFA device.
    MfaDevice,
}

/// What still depends on an entity that was to be deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conflict {
    /// Keys, a login profile, group memberships, MFA devices or certificates.
    ReferencedObjects,
    /// A group that still has members.
    GroupHasUsers,
    /// A user with an enabled MFA device.
    MfaDevices,
    /// Managed policies are still attached.
    AttachedPolicies,
    /// Inline policies remain.
    InlinePolicies,
    /// A role still in an instance profile, or a profile still holding a role.
    InInstanceProfile,
    /// A managed policy still attached to entities.
    PolicyAttached,
    /// A managed policy with versions besides the default.
    PolicyHasVersions,
    /// The default version of a policy.
    DefaultVersion,
}

/// Quotas iamd enforces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Two access keys per user (and per root).
    AccessKeysPerUser,
    /// Ten groups per user.
    GroupsPerUser,
    /// Fifty tags per resource.
    TagsPerResource,
    /// Ten managed policies per user.
    PoliciesPerUser,
    /// Ten managed policies per group.
    PoliciesPerGroup,
    /// Ten managed policies per role.
    PoliciesPerRole,
    /// Five versions per managed policy.
    VersionsPerPolicy,
    /// One role per instance profile.
    RolesPerInstanceProfile,
    /// The summed size of an entity's inline policies.
    InlinePolicySize,
}

/// A store whose writes do not yet wait for the disk; see [`Store::open_for_bootstrap`].
#[derive(Debug)]
pub struct Bootstrap(Store);

impl Bootstrap {
    /// The store, with every write from now on durable.
    ///
    /// # Errors
    /// A database failure.
    pub async fn durable(self) -> Result<Store, StoreError> {
        self.0.writer.make_durable().await?;
        Ok(self.0)
    }
}

impl std::ops::Deref for Bootstrap {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.0
    }
}

/// Where the database lives.
#[derive(Clone, Debug)]
pub enum Location<'a> {
    /// A file, created on first use.
    File(&'a Path),
    /// A private in-memory database that vanishes with the process.
    Memory,
}

/// The store: the single writer (SQLite has one; see `writer` for group commit), a reader
/// pool, and the credential cache.
#[derive(Clone, Debug)]
pub struct Store {
    writer: Arc<writer::Writer>,
    reader: SqlitePool,
    /// Credentials by access key id. Filled on lookup, dropped on every key write and on reset.
    credentials: Arc<cache::CredentialCache>,
    /// Hot rows, valid until the next commit.
    reads: Arc<cache::ReadCache>,
    /// Role uses (when, and in which region) waiting to be written, flushed like key uses.
    role_usage: Arc<pending::Pending<(DateTime<Utc>, String)>>,
    /// Key uses waiting to be written; flushed periodically, on reads of them, and at exit.
    usage: Arc<pending::Pending<access_keys::KeyUsage>>,
}

impl Store {
    /// Opens (creating if needed) the database and applies pending migrations.
    ///
    /// # Errors
    /// The file cannot be opened or a migration fails.
    pub async fn open(location: Location<'_>) -> Result<Self, StoreError> {
        Self::open_for_bootstrap(location).await?.durable().await
    }

    /// Opens the store like [`Store::open`], but its writes do not wait for the disk until
    /// [`Bootstrap::durable`]: for what start-up writes again whenever it is missing (the
    /// configured accounts), which a crash may then lose but never corrupt.
    ///
    /// # Errors
    /// The file cannot be opened or a migration fails.
    pub async fn open_for_bootstrap(location: Location<'_>) -> Result<Bootstrap, StoreError> {
        let (writer, reader) = match location {
            Location::Memory => {
                // Every connection to `:memory:` is its own database, so one connection
                // serves both roles and is never recycled.
                let options = SqliteConnectOptions::from_str("sqlite::memory:")?
                    .foreign_keys(true)
                    .row_buffer_size(ROW_CHANNEL);
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .test_before_acquire(false)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect_with(options)
                    .await?;
                sqlx::migrate!("./migrations").run(&pool).await?;
                (writer::Writer::direct(pool.clone()), pool)
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
                    .row_buffer_size(ROW_CHANNEL)
                    .busy_timeout(Duration::from_secs(10));
                // Migrated through a pool of one, whose connection then leaves it for good to
                // become the writer. Migrations and the bootstrap run with NORMAL: in WAL mode a
                // crash can lose, but not corrupt, their last commits, and what is lost is
                // written again at the next start. `Bootstrap::durable` switches to FULL.
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(options.clone().synchronous(SqliteSynchronous::Normal))
                    .await?;
                sqlx::migrate!("./migrations").run(&pool).await?;
                let conn = pool.acquire().await?.detach();
                let writer = writer::Writer::grouped(conn);
                let reader = SqlitePoolOptions::new()
                    .max_connections(4)
                    // A local file has no connection to lose; testing costs a round trip.
                    .test_before_acquire(false)
                    .connect_with(options.read_only(true))
                    .await?;
                (writer, reader)
            }
        };
        Ok(Bootstrap(Self {
            writer: Arc::new(writer),
            reader,
            credentials: Arc::default(),
            reads: Arc::default(),
            role_usage: Arc::default(),
            usage: Arc::default(),
        }))
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
        self.usage.clear();
        self.role_usage.clear();
        Ok(())
    }

    /// Writes pending key uses, then closes the pools, waiting for running queries.
    pub async fn close(&self) {
        if let Err(error) = self.flush_key_usage().await {
            tracing::warn!(%error, "could not write access key usage at shutdown");
        }
        if let Err(error) = self.flush_role_usage().await {
            tracing::warn!(%error, "could not write role usage at shutdown");
        }
        self.writer.close().await;
        self.reader.close().await;
    }

    /// Changes after every committed write; caches of stored data compare against it.
    #[must_use]
    pub fn generation(&self) -> u64 {
        self.writer.generation()
    }

    /// A row from the read cache, or from `load` (then cached).
    pub(crate) async fn cached<T: Clone>(
        &self,
        key: cache::ReadKey,
        load: impl Future<Output = Result<T, StoreError>>,
        wrap: fn(T) -> cache::ReadValue,
        unwrap: fn(cache::ReadValue) -> Option<T>,
    ) -> Result<T, StoreError> {
        let generation = self.generation();
        if let Some(hit) = self.reads.get(generation, &key).and_then(unwrap) {
            return Ok(hit);
        }
        let loaded = load.await?;
        self.reads.fill(generation, key, wrap(loaded.clone()));
        Ok(loaded)
    }

    pub(crate) fn forget_credential(&self, access_key_id: &str) {
        self.credentials.forget(access_key_id);
    }

    pub(crate) fn forget_all_credentials(&self) {
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

/// Stored booleans are integers.
pub(crate) fn to_flag(value: bool) -> i64 {
    i64::from(value)
}

/// Whether a sqlx error is a violated UNIQUE or PRIMARY KEY constraint.
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// Rows SQLite returned as one JSON array of arrays (`json_group_array(json_array(…))`).
pub(crate) fn rows_from_json<T: serde::de::DeserializeOwned>(
    page: &str,
) -> Result<Vec<T>, StoreError> {
    serde_json::from_str(page).map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}
