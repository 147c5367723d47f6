//! The single writer, with group commit for the file store.
//!
//! SQLite has one writer, and a durable commit costs an fsync. Committing every write on its
//! own caps writes at the disk's fsync rate, so the file store shares commits: each write runs
//! inside a savepoint of one open transaction, and a committer task commits whatever has
//! gathered while the previous commit was syncing (a write that no other is waiting behind
//! commits its batch itself, without the hand-over). A write is acknowledged only once the
//! commit that holds it has returned, so what a client has been told is stored survives a
//! crash; a write that fails rolls back to its savepoint and leaves the others untouched.
//!
//! The in-memory store has nothing to sync, so there each write is a transaction of its own.
//!
//! Every commit bumps a generation, which caches of derived data compare against.

use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteQueryResult};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{Mutex, Notify, OwnedMutexGuard, watch};
use tokio::task::JoinHandle;

use super::StoreError;

const SAVEPOINT: &str = "SAVEPOINT iamd_write";
/// Opening a batch and the first write's savepoint in one trip to SQLite's thread.
const BEGIN_AND_SAVEPOINT: &str = "BEGIN IMMEDIATE; SAVEPOINT iamd_write";
const RELEASE: &str = "RELEASE iamd_write";
const ROLLBACK_TO: &str = "ROLLBACK TO iamd_write";

/// Where committed batches stand: the last finished batch (batches count from 1), and the
/// first that failed.
#[derive(Clone, Copy, Debug, Default)]
struct Progress {
    finished: u64,
    failed: Option<u64>,
}

/// The writer connection and the transaction open on it.
#[derive(Debug)]
struct Batch {
    conn: SqliteConnection,
    /// Whether a transaction is open (holding released savepoints not yet committed).
    open: bool,
    /// A dropped write left its savepoint to be rolled back by the next user.
    rollback_pending: bool,
    /// The number of the batch now gathering writes, from 1.
    epoch: u64,
    /// Whether a write in the open batch changed rows that caches hold.
    changes_cached: bool,
}

impl Batch {
    /// Undoes a write that was dropped without committing.
    async fn settle(&mut self) -> Result<(), StoreError> {
        if self.rollback_pending {
            self.rollback_pending = false;
            run(&mut self.conn, ROLLBACK_TO).await?;
            run(&mut self.conn, RELEASE).await?;
        }
        Ok(())
    }
}

/// Runs one statement. (`Executor::execute` returns a boxed future; an `async fn` that is
/// generic over the executor would leave callers' futures without a provable `Send`.)
async fn run(conn: &mut SqliteConnection, sql: &'static str) -> Result<(), sqlx::Error> {
    sqlx::Executor::execute(conn, sql).await.map(|_| ())
}

#[derive(Debug)]
struct Grouped {
    batch: Arc<Mutex<Batch>>,
    /// Wakes the committer when a write has been released into the batch.
    pending: Notify,
    progress: watch::Sender<Progress>,
    /// Set when the store closes; the committer commits what is left and stops.
    closed: AtomicBool,
    /// Writes waiting for the batch. A write that finds none commits its batch itself,
    /// sparing the hand-over to the committer when there is nothing to share a commit with.
    queued: AtomicUsize,
}

/// Counts a write as queued for the batch until it has the batch, or gives up waiting.
struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    fn new(queued: &'a AtomicUsize) -> Self {
        queued.fetch_add(1, Ordering::AcqRel);
        Self(queued)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[derive(Debug)]
enum Mode {
    /// In memory: one transaction per write on the pool's only connection.
    Direct(SqlitePool),
    /// On file: savepoints in a shared transaction, committed by the committer task.
    Grouped(Arc<Grouped>, std::sync::Mutex<Option<JoinHandle<()>>>),
}

/// Hands out write transactions; see the module documentation.
#[derive(Debug)]
pub struct Writer {
    mode: Mode,
    generation: Arc<AtomicU64>,
}

impl Writer {
    /// A writer committing each write on its own, on `pool`.
    pub(crate) fn direct(pool: SqlitePool) -> Self {
        Self {
            mode: Mode::Direct(pool),
            generation: Arc::default(),
        }
    }

    /// A writer that groups commits on `conn`, with the committer running as a task until
    /// the writer is closed.
    pub(crate) fn grouped(conn: SqliteConnection) -> Self {
        let grouped = Arc::new(Grouped {
            batch: Arc::new(Mutex::new(Batch {
                conn,
                open: false,
                rollback_pending: false,
                epoch: 1,
                changes_cached: false,
            })),
            pending: Notify::new(),
            progress: watch::Sender::new(Progress::default()),
            closed: AtomicBool::new(false),
            queued: AtomicUsize::new(0),
        });
        let generation = Arc::<AtomicU64>::default();
        let committer = tokio::spawn(commit_loop(Arc::clone(&grouped), Arc::clone(&generation)));
        Self {
            mode: Mode::Grouped(grouped, std::sync::Mutex::new(Some(committer))),
            generation,
        }
    }

    /// Starts a write.
    ///
    /// # Errors
    /// A database failure, or an earlier commit that failed.
    pub async fn begin(&self) -> Result<WriteTx, StoreError> {
        match &self.mode {
            Mode::Direct(pool) => Ok(WriteTx {
                inner: Inner::Direct(Some(pool.begin().await?)),
                generation: Arc::clone(&self.generation),
                changes_cached: true,
            }),
            Mode::Grouped(grouped, _) => {
                if let Some(failed) = grouped.progress.borrow().failed {
                    return Err(StoreError::CommitFailed(failed));
                }
                let queued = Queued::new(&grouped.queued);
                let mut batch = Arc::clone(&grouped.batch).lock_owned().await;
                drop(queued);
                // Checked under the lock: the committer's last round takes it after closing.
                if grouped.closed.load(Ordering::Acquire) {
                    return Err(StoreError::Closed);
                }
                batch.settle().await?;
                if batch.open {
                    run(&mut batch.conn, SAVEPOINT).await?;
                } else {
                    if let Err(error) = run(&mut batch.conn, BEGIN_AND_SAVEPOINT).await {
                        // Whichever half failed, no batch is open afterwards.
                        let _ = run(&mut batch.conn, "ROLLBACK").await;
                        return Err(error.into());
                    }
                    batch.open = true;
                }
                Ok(WriteTx {
                    inner: Inner::Grouped {
                        batch: Some(batch),
                        grouped: Arc::clone(grouped),
                    },
                    generation: Arc::clone(&self.generation),
                    changes_cached: true,
                })
            }
        }
    }

    /// Makes every later commit wait for the disk (`synchronous = FULL`); the file store's
    /// writer starts without, for migrations and the bootstrap.
    ///
    /// # Errors
    /// A database failure.
    pub(crate) async fn make_durable(&self) -> Result<(), StoreError> {
        if let Mode::Grouped(grouped, _) = &self.mode {
            let mut batch = grouped.batch.lock().await;
            batch.settle().await?;
            if batch.open {
                // Every write so far has returned, and one that succeeded waited for its
                // commit: what is still open holds only writes that failed.
                run(&mut batch.conn, "ROLLBACK").await?;
                batch.open = false;
            }
            run(&mut batch.conn, "PRAGMA synchronous = FULL").await?;
        }
        Ok(())
    }

    /// Commits what has gathered and stops the committer; later writes are refused
    /// (`StoreError::Closed`).
    pub(crate) async fn close(&self) {
        if let Mode::Grouped(grouped, committer) = &self.mode {
            grouped.closed.store(true, Ordering::Release);
            grouped.pending.notify_one();
            let committer = committer.lock().ok().and_then(|mut c| c.take());
            if let Some(committer) = committer {
                let _ = committer.await;
            }
        }
    }

    /// Counts commits; it changes after every write that reached the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }
}

/// Commits the open batch and tells its writes how it went; a failed commit stops all
/// further writes (`StoreError::CommitFailed`).
async fn commit_batch(
    batch: &mut Batch,
    grouped: &Grouped,
    generation: &AtomicU64,
) -> Result<(), StoreError> {
    let epoch = batch.epoch;
    let committed = match batch.settle().await {
        Ok(()) => run(&mut batch.conn, "COMMIT")
            .await
            .map_err(StoreError::from),
        Err(error) => Err(error),
    };
    batch.open = false;
    batch.epoch += 1;
    let changes_cached = std::mem::take(&mut batch.changes_cached);
    match committed {
        Ok(_) => {
            if changes_cached {
                generation.fetch_add(1, Ordering::AcqRel);
            }
            grouped.progress.send_modify(|p| p.finished = epoch);
            Ok(())
        }
        Err(error) => {
            tracing::error!(%error, "commit failed; iamd accepts no more writes");
            let _ = run(&mut batch.conn, "ROLLBACK").await;
            grouped.progress.send_modify(|p| {
                p.finished = epoch;
                p.failed.get_or_insert(epoch);
            });
            Err(StoreError::CommitFailed(epoch))
        }
    }
}

/// Commits whatever writes have gathered, each time one is released into the batch, until
/// the writer is closed.
async fn commit_loop(grouped: Arc<Grouped>, generation: Arc<AtomicU64>) {
    loop {
        grouped.pending.notified().await;
        let mut batch = grouped.batch.lock().await;
        if batch.open {
            // A failure is recorded in `progress`, for the writes of the batch to report.
            let _ = commit_batch(&mut batch, &grouped, &generation).await;
        }
        if grouped.closed.load(Ordering::Acquire) {
            return;
        }
    }
}

#[derive(Debug)]
enum Inner {
    Direct(Option<Transaction<'static, Sqlite>>),
    Grouped {
        batch: Option<OwnedMutexGuard<Batch>>,
        grouped: Arc<Grouped>,
    },
}

/// One write in progress. Dereferences to the connection to run statements on; dropped
/// without `commit`, it changes nothing.
///
/// A write must not be cancelled while one of its statements runs (a future dropped
/// mid-await): the batch would no longer know what SQLite's connection holds. Requests run
/// in tasks of their own for this, and the background flusher stops only between rounds.
#[derive(Debug)]
pub struct WriteTx {
    inner: Inner,
    generation: Arc<AtomicU64>,
    /// Whether committing must invalidate the caches (the default).
    changes_cached: bool,
}

impl WriteTx {
    /// Declares that this write touches no row any cache holds (new sessions, recorded key
    /// and role uses), so committing it leaves the caches valid.
    pub fn leaves_caches_valid(&mut self) {
        self.changes_cached = false;
    }

    /// Makes the write durable (for the file store: once its batch is committed) and returns
    /// after that.
    ///
    /// # Errors
    /// The commit failed; the write is then not stored.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        match &mut self.inner {
            Inner::Direct(tx) => {
                if let Some(tx) = tx.take() {
                    tx.commit().await?;
                    if self.changes_cached {
                        self.generation.fetch_add(1, Ordering::AcqRel);
                    }
                }
                Ok(())
            }
            Inner::Grouped { batch, grouped } => {
                let Some(mut guard) = batch.take() else {
                    return Ok(());
                };
                if let Err(error) = run(&mut guard.conn, RELEASE).await {
                    guard.rollback_pending = true;
                    return Err(error.into());
                }
                let epoch = guard.epoch;
                guard.changes_cached |= self.changes_cached;
                if grouped.queued.load(Ordering::Acquire) == 0 {
                    // No write is waiting to join the batch: commit it here.
                    return commit_batch(&mut guard, grouped, &self.generation).await;
                }
                let mut progress = grouped.progress.subscribe();
                drop(guard);
                grouped.pending.notify_one();
                let reached = progress.wait_for(|p| p.finished >= epoch).await.map(|p| *p);
                match reached {
                    Ok(Progress { failed: None, .. }) => Ok(()),
                    Ok(Progress {
                        failed: Some(failed),
                        ..
                    }) if failed > epoch => Ok(()),
                    _ => Err(StoreError::CommitFailed(epoch)),
                }
            }
        }
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        if let Inner::Grouped {
            batch: Some(guard), ..
        } = &mut self.inner
        {
            guard.rollback_pending = true;
        }
    }
}

impl Deref for WriteTx {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        match &self.inner {
            Inner::Direct(Some(tx)) => tx,
            Inner::Grouped {
                batch: Some(guard), ..
            } => &guard.conn,
            _ => unreachable!("a write is used only before it commits"),
        }
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        match &mut self.inner {
            Inner::Direct(Some(tx)) => tx,
            Inner::Grouped {
                batch: Some(guard), ..
            } => &mut guard.conn,
            _ => unreachable!("a write is used only before it commits"),
        }
    }
}

/// A single statement run as a write of its own: `query.write(&writer)` in place of
/// `query.execute(&pool)`.
pub(crate) trait Write {
    /// Runs the statement in a write and commits it.
    fn write<'a>(
        self,
        writer: &'a Writer,
    ) -> Pin<Box<dyn Future<Output = Result<SqliteQueryResult, sqlx::Error>> + Send + 'a>>
    where
        Self: 'a;
}

impl<'q> Write for Query<'q, Sqlite, SqliteArguments<'q>> {
    fn write<'a>(
        self,
        writer: &'a Writer,
    ) -> Pin<Box<dyn Future<Output = Result<SqliteQueryResult, sqlx::Error>> + Send + 'a>>
    where
        Self: 'a,
    {
        Box::pin(async move {
            let mut tx = writer.begin().await.map_err(into_sqlx)?;
            let done = sqlx::Executor::execute(&mut *tx, self).await?;
            tx.commit().await.map_err(into_sqlx)?;
            Ok(done)
        })
    }
}

fn into_sqlx(error: StoreError) -> sqlx::Error {
    match error {
        StoreError::Database(error) => error,
        other => sqlx::Error::Io(std::io::Error::other(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    use sqlx::{ConnectOptions, Row};

    use super::{Write, Writer};

    type Error = Box<dyn std::error::Error + Send + Sync>;

    async fn grouped_writer(
        dir: &std::path::Path,
    ) -> Result<(Writer, SqliteConnectOptions), Error> {
        let options = SqliteConnectOptions::new()
            .filename(dir.join("t.sqlite3"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full);
        let mut conn = options.connect().await?;
        sqlx::Executor::execute(&mut conn, "CREATE TABLE t (name TEXT PRIMARY KEY)").await?;
        Ok((Writer::grouped(conn), options))
    }

    async fn names(options: &SqliteConnectOptions) -> Result<Vec<String>, Error> {
        let mut conn = options.connect().await?;
        Ok(sqlx::query("SELECT name FROM t ORDER BY name")
            .fetch_all(&mut conn)
            .await?
            .iter()
            .map(|row| row.get::<String, _>(0))
            .collect())
    }

    #[tokio::test]
    async fn concurrent_writes_share_commits_and_a_failed_one_changes_nothing() -> Result<(), Error>
    {
        let dir = tempfile::tempdir()?;
        let (writer, options) = grouped_writer(dir.path()).await?;
        let writer = Arc::new(writer);
        let before = writer.generation();
        let mut tasks = Vec::new();
        for i in 0..40 {
            let writer = Arc::clone(&writer);
            tasks.push(tokio::spawn(async move {
                // Every fifth write repeats a name, so the insert fails inside the batch.
                let name = if i % 5 == 4 {
                    format!("n{}", i - 1)
                } else {
                    format!("n{i}")
                };
                sqlx::query("INSERT INTO t (name) VALUES (?1)")
                    .bind(name)
                    .write(&writer)
                    .await
                    .is_ok()
            }));
        }
        let mut succeeded = 0;
        for task in tasks {
            if task.await? {
                succeeded += 1;
            }
        }
        assert_eq!(succeeded, 32);
        // Acknowledged writes are committed: a fresh connection sees exactly them.
        let stored = names(&options).await?;
        assert_eq!(stored.len(), 32);
        assert!(!stored.contains(&"n4".to_owned()));
        assert!(writer.generation() > before);
        Ok(())
    }

    #[tokio::test]
    async fn a_write_dropped_without_commit_is_rolled_back() -> Result<(), Error> {
        let dir = tempfile::tempdir()?;
        let (writer, options) = grouped_writer(dir.path()).await?;
        let mut tx = writer.begin().await?;
        sqlx::query("INSERT INTO t (name) VALUES ('dropped')")
            .execute(&mut *tx)
            .await?;
        drop(tx);
        sqlx::query("INSERT INTO t (name) VALUES ('kept')")
            .write(&writer)
            .await?;
        assert_eq!(names(&options).await?, vec!["kept".to_owned()]);
        writer.close().await;
        Ok(())
    }

    #[tokio::test]
    async fn becoming_durable_after_a_failed_write_keeps_what_succeeded() -> Result<(), Error> {
        let dir = tempfile::tempdir()?;
        let (writer, options) = grouped_writer(dir.path()).await?;
        sqlx::query("INSERT INTO t (name) VALUES ('kept')")
            .write(&writer)
            .await?;
        // A failed write leaves its batch open until the next write or commit.
        let failed = sqlx::query("INSERT INTO t (name) VALUES ('kept')")
            .write(&writer)
            .await;
        assert!(failed.is_err());
        writer.make_durable().await?;
        let mut tx = writer.begin().await?;
        let level: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *tx)
            .await?;
        assert_eq!(level, 2, "synchronous must be FULL (2)");
        sqlx::query("INSERT INTO t (name) VALUES ('later')")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        assert_eq!(
            names(&options).await?,
            vec!["kept".to_owned(), "later".to_owned()]
        );
        writer.close().await;
        Ok(())
    }

    #[tokio::test]
    async fn the_file_store_writes_with_full_sync() -> Result<(), Error> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("iamd.sqlite3");
        let store = super::super::Store::open(super::super::Location::File(&path)).await?;
        let mut tx = store.writer.begin().await?;
        let level: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *tx)
            .await?;
        assert_eq!(level, 2, "synchronous must be FULL (2)");
        drop(tx);
        store.close().await;
        Ok(())
    }
}
