//! Where the data lives: the database location chosen at run time from a data directory (SQLite,
//! the embedded default) or a URL (`postgres://…` or `sqlite://…`), and the connection pool.
//!
//! Both backends are reached through sqlx's `Any` driver with the same SQL text (`$1`-style
//! placeholders work on both); the few places where the dialects differ branch on [`Backend`].

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::error::StoreError;

/// The two storage engines Custos supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// A resolved database location. Constructed with [`Location::resolve`], so an unknown scheme
/// never gets as far as a connection attempt.
#[derive(Clone, PartialEq, Eq)]
pub struct Location {
    backend: Backend,
    url: String,
    data_dir: PathBuf,
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password: show only the backend and data directory.
        f.debug_struct("Location")
            .field("backend", &self.backend)
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

/// The SQLite file inside a data directory.
pub const SQLITE_FILE: &str = "custos.db";

impl Location {
    /// Resolves the database from an optional URL and the data directory. Without a URL the
    /// database is `DATA_DIR/custos.db` (SQLite). The data directory also holds the audit
    /// signing key whichever backend is used.
    pub fn resolve(database_url: Option<&str>, data_dir: &Path) -> Result<Self, StoreError> {
        let data_dir = data_dir.to_path_buf();
        let Some(url) = database_url.map(str::trim).filter(|u| !u.is_empty()) else {
            return Ok(Self {
                backend: Backend::Sqlite,
                url: default_sqlite_url(&data_dir),
                data_dir,
            });
        };
        let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        let backend = match scheme.as_deref() {
            Some("postgres" | "postgresql") => Backend::Postgres,
            Some("sqlite") => Backend::Sqlite,
            Some(other) => {
                return Err(StoreError::Config(format!(
                    "unsupported database URL scheme {other:?}: use postgres://… or sqlite://…"
                )));
            }
            None => {
                return Err(StoreError::Config(
                    "the database URL has no scheme: use postgres://… or sqlite://…".into(),
                ));
            }
        };
        let url = match backend {
            Backend::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_owned(),
        };
        Ok(Self {
            backend,
            url,
            data_dir,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub(crate) fn url(&self) -> &str {
        &self.url
    }
}

fn default_sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join(SQLITE_FILE).display())
}

/// Creates the data directory readable by its owner only (it holds personal data and the audit
/// signing key); an existing directory is left as it is.
fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| StoreError::Config(format!("cannot create the data directory {}: {e}", dir.display())))
}

/// Creates the database file with mode 0600 before SQLite opens it; SQLite gives its `-wal` and
/// `-shm` files the database file's permissions.
fn create_private_file(file: &Path) -> Result<(), StoreError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(file)
        .map(drop)
        .map_err(|e| StoreError::Config(format!("cannot create the database {}: {e}", file.display())))
}

/// A transaction that will write, on a pool without its store (the one-off upgrades run when a
/// store is opened): on SQLite it takes the write lock at once (`BEGIN IMMEDIATE`).
pub(crate) async fn begin_write(pool: &AnyPool, backend: Backend) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
    Ok(match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => pool.begin().await?,
    })
}

/// Opens a pool. SQLite runs in WAL mode with `synchronous = NORMAL` (durable across process
/// crashes; the last transactions may roll back on power loss, which WAL keeps consistent),
/// foreign keys on, and a busy timeout so that concurrent writers wait rather than fail.
pub(crate) async fn connect(location: &Location) -> Result<AnyPool, StoreError> {
    sqlx::any::install_default_drivers();
    if location.backend == Backend::Sqlite {
        create_private_dir(&location.data_dir)?;
        if location.url == default_sqlite_url(&location.data_dir) {
            create_private_file(&location.data_dir.join(SQLITE_FILE))?;
        }
    }
    let options = AnyConnectOptions::from_str(location.url())
        .map_err(|_| StoreError::Config("the database URL is malformed".into()))?;
    let pool = match location.backend {
        Backend::Sqlite => {
            AnyPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                // A page cache of up to 256 MB per connection: at a million records the indexes a
                // creation touches no longer fit in 64 MB, and `bench records` created a fifth
                // more records per second with the larger cache (a 4 GB mmap instead was slower).
                // wal_autocheckpoint: checkpoint every 10,000 pages (40 MB of WAL) rather than
                // SQLite's 1,000: the pages every creation touches (index roots, full-text
                // segments) are then copied into the database ten times less often, and `bench
                // records` created about a fifth more records per second (2,358 and 2,096/s before,
                // 2,615 and 2,784/s after, at 108,000 records).
                // secure_delete: a disposed record's pages are overwritten with zeros when freed,
                // so that deleted personal data does not linger in the file's free pages (MoPI
                // disposal means the record cannot be retrieved).
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                             PRAGMA temp_store = MEMORY; PRAGMA cache_size = -262144; PRAGMA wal_autocheckpoint = 10000; \
                             PRAGMA secure_delete = ON;",
                        )
                        .await?;
                        Ok(())
                    })
                })
                .connect_with(options)
                .await
        }
        Backend::Postgres => {
            AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(30))
                // Statements are prepared once per connection; a generic plan cannot know how
                // common a searched word is, and for the full-text search it walked the newest
                // documents testing each (over a second for a common word). Plan with the values.
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        conn.execute("SET plan_cache_mode = force_custom_plan").await?;
                        Ok(())
                    })
                })
                .connect_with(options)
                .await
        }
    };
    pool.map_err(|e| StoreError::Unavailable(format!("cannot open the {} database: {e}", location.backend.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_sqlite_under_the_data_dir() {
        let loc = Location::resolve(None, Path::new("/tmp/x")).unwrap();
        assert_eq!(loc.backend(), Backend::Sqlite);
        assert_eq!(loc.url(), "sqlite:///tmp/x/custos.db?mode=rwc");
        let loc = Location::resolve(Some("  "), Path::new("d")).unwrap();
        assert_eq!(loc.backend(), Backend::Sqlite);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_data_directory_and_database_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("data");
        let location = Location::resolve(None, &dir).unwrap();
        let pool = connect(&location).await.unwrap();
        sqlx::query("CREATE TABLE t (x INTEGER)").execute(&pool).await.unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join(SQLITE_FILE)), 0o600);
        assert_eq!(mode(&dir.join("custos.db-wal")), 0o600, "SQLite copies the database's mode");
        pool.close().await;
    }

    #[test]
    fn schemes_are_checked() {
        let pg = Location::resolve(Some("postgres://u:secret@h/db"), Path::new("d")).unwrap();
        assert_eq!(pg.backend(), Backend::Postgres);
        assert!(!format!("{pg:?}").contains("secret"));
        assert_eq!(
            Location::resolve(Some("postgresql://h/db"), Path::new("d")).unwrap().backend(),
            Backend::Postgres
        );
        let err = Location::resolve(Some("mysql://h/db"), Path::new("d")).unwrap_err();
        assert!(err.to_string().contains("unsupported database URL scheme \"mysql\""), "{err}");
        let err = Location::resolve(Some("custos.db"), Path::new("d")).unwrap_err();
        assert!(err.to_string().contains("no scheme"), "{err}");
    }
}

/// How many connections of this process are waiting for SQLite's write lock (`BEGIN
/// IMMEDIATE`). The creation writer, which would otherwise take the lock back at once after each
/// group, leaves it free for a moment only when someone is waiting (see `group_commit`).
#[derive(Debug, Clone, Default)]
pub(crate) struct LockWaiters(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl LockWaiters {
    /// Counts the caller as waiting until the returned guard is dropped.
    pub(crate) fn wait(&self) -> WaitingForLock {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        WaitingForLock(self.0.clone())
    }

    /// Whether anyone is waiting now.
    pub(crate) fn any(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::SeqCst) > 0
    }
}

/// One waiter, counted while it lives.
#[derive(Debug)]
pub(crate) struct WaitingForLock(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Drop for WaitingForLock {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}
