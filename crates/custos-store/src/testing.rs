//! Throw-away databases for tests on both backends (the storage conformance suite, and the API
//! tests of the crates above): every test runs once on SQLite (a temporary directory) and once on
//! PostgreSQL (a database created for the test and dropped after it). Compiled only with the
//! `testing` feature, which only dev-dependencies turn on.
//!
//! PostgreSQL comes from `CUSTOS_TEST_DATABASE_URL` (an account that may create databases;
//! `scripts/test.sh` provides one), defaulting to the local trust-auth server. A PostgreSQL that
//! cannot be reached FAILS the test: a skipped backend would prove nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test support: a panic fails the test

use std::panic::resume_unwind;

use crate::{Location, Store};
use sqlx::{AnyConnection, Connection, Executor};

pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// One test's database, open, with its data directory (for the signing key).
#[derive(Debug)]
pub struct TestDb {
    pub store: Store,
    pub location: Location,
    pub dir: tempfile::TempDir,
    pub url: Option<String>,
}

impl TestDb {
    /// Reopens the same database (as a restart would).
    pub async fn reopen(&self) -> Result<Store, crate::StoreError> {
        Store::open(&self.location).await
    }

    /// A raw connection for fault injection and tampering.
    pub async fn raw(&self) -> AnyConnection {
        sqlx::any::install_default_drivers();
        let url = match &self.url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}/custos.db", self.dir.path().display()),
        };
        AnyConnection::connect(&url).await.expect("raw connection")
    }

    pub fn is_postgres(&self) -> bool {
        self.url.is_some()
    }
}

/// What to drop after the test.
struct Cleanup {
    admin_url: String,
    name: String,
}

fn admin_url() -> String {
    std::env::var("CUSTOS_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned())
}

/// Replaces the database name (the URL path) of a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("URL has a scheme");
    let (authority, tail) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let query = tail.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
    format!("{scheme}://{authority}/{name}{query}")
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let location = Location::resolve(None, dir.path()).expect("location");
    let store = Store::open(&location).await.expect("open sqlite");
    TestDb {
        store,
        location,
        dir,
        url: None,
    }
}

async fn postgres() -> (TestDb, Cleanup) {
    sqlx::any::install_default_drivers();
    let admin = admin_url();
    let name = format!("custos_test_{}", uuid::Uuid::now_v7().simple());
    let mut conn = AnyConnection::connect(&admin).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is needed for the conformance suite and is not reachable ({e}); \
             run `bash scripts/test.sh`, which starts one, or set CUSTOS_TEST_DATABASE_URL"
        )
    });
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .expect("create test database");
    let url = with_database(&admin, &name);
    let dir = tempfile::tempdir().expect("temp dir");
    let location = Location::resolve(Some(&url), dir.path()).expect("location");
    let store = Store::open(&location).await.expect("open postgres");
    (
        TestDb {
            store,
            location,
            dir,
            url: Some(url),
        },
        Cleanup { admin_url: admin, name },
    )
}

impl Cleanup {
    async fn run(self) {
        if let Ok(mut conn) = AnyConnection::connect(&self.admin_url).await {
            let _ = conn
                .execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                )))
                .await;
        }
    }
}

/// Runs `body` on a fresh database of the backend, dropping it afterwards even if the body panics.
pub async fn run_on<F, Fut>(backend: &str, body: F)
where
    F: FnOnce(TestDb) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (db, cleanup) = match backend {
        "sqlite" => (sqlite().await, None),
        _ => {
            let (db, cleanup) = postgres().await;
            (db, Some(cleanup))
        }
    };
    let result = tokio::spawn(body(db)).await;
    if let Some(cleanup) = cleanup {
        cleanup.run().await;
    }
    if let Err(e) = result {
        if e.is_panic() {
            resume_unwind(e.into_panic());
        }
        panic!("test task failed: {e}");
    }
}

/// Declares each test once and runs it on both backends, as `<name>::sqlite` and `<name>::postgres`.
#[macro_export]
macro_rules! conformance {
    ($( async fn $name:ident($db:ident: TestDb) $body:block )*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                async fn body($db: $crate::testing::TestDb) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    $crate::testing::run_on("sqlite", body).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    $crate::testing::run_on("postgres", body).await;
                }
            }
        )*
    };
}

#[cfg(test)]
#[test]
fn database_names_are_replaced() {
    assert_eq!(with_database("postgres://u@h:5/postgres", "t1"), "postgres://u@h:5/t1");
    assert_eq!(with_database("postgres://u@h:5/db?sslmode=disable", "t1"), "postgres://u@h:5/t1?sslmode=disable");
    assert_eq!(with_database("postgres://h", "t1"), "postgres://h/t1");
}
