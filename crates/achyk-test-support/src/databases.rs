//! Fresh databases for tests, on each backend: SQLite files in a temporary directory, or
//! databases created on the PostgreSQL server that `ACHYK_TEST_POSTGRES_URL` (or a
//! `postgres://` `DATABASE_URL`) names, where the tests may create databases. Under CI (`CI`
//! set) a missing PostgreSQL URL fails the test rather than skipping it.
//!
//! This module hands out URLs, not stores, so that it does not depend on the crates it tests.

use std::sync::Mutex;

/// Where one test's databases are made; they are dropped by [`Databases::remove`].
pub struct Databases {
    postgres: Option<String>,
    directory: tempfile::TempDir,
    created: Mutex<Vec<String>>,
}

impl Databases {
    pub fn sqlite() -> Databases {
        Databases {
            postgres: None,
            directory: tempfile::tempdir().expect("a temporary directory"),
            created: Mutex::default(),
        }
    }

    /// `None` (the test is skipped, saying so) without a PostgreSQL server, except under CI.
    pub fn postgres() -> Option<Databases> {
        let url = std::env::var("ACHYK_TEST_POSTGRES_URL").ok().or_else(|| {
            std::env::var("DATABASE_URL")
                .ok()
                .filter(|url| url.starts_with("postgres"))
        });
        let Some(url) = url else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but neither ACHYK_TEST_POSTGRES_URL nor DATABASE_URL names PostgreSQL"
            );
            eprintln!("skipped: set ACHYK_TEST_POSTGRES_URL to run the PostgreSQL tests");
            return None;
        };
        Some(Databases {
            postgres: Some(url),
            ..Databases::sqlite()
        })
    }

    /// The URL of a new, empty database.
    pub async fn fresh_url(&self) -> String {
        let name = {
            let mut created = self.created.lock().expect("the list of databases");
            let name = format!(
                "achyk_test_{}_{}_{}",
                std::process::id(),
                created.len(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .expect("a clock after 1970")
                    .subsec_nanos()
            );
            created.push(name.clone());
            name
        };
        match &self.postgres {
            None => format!(
                "sqlite://{}",
                self.directory.path().join(format!("{name}.db")).display()
            ),
            Some(admin_url) => {
                let mut admin = admin(admin_url).await;
                sqlx::Executor::execute(
                    &mut admin,
                    sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")),
                )
                .await
                .expect("create a test database");
                with_database(admin_url, &name)
            }
        }
    }

    /// Drops the PostgreSQL databases made (SQLite files go with the temporary directory).
    pub async fn remove(self) {
        if let Some(admin_url) = &self.postgres {
            let names = self.created.lock().expect("the list of databases").clone();
            let mut admin = admin(admin_url).await;
            for name in names {
                let _ = sqlx::Executor::execute(
                    &mut admin,
                    sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")),
                )
                .await;
            }
        }
    }
}

async fn admin(url: &str) -> sqlx::PgConnection {
    <sqlx::PgConnection as sqlx::Connection>::connect(url)
        .await
        .expect("connect to the PostgreSQL server")
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|at| at + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{database}?{query}"),
        None => format!("{base}/{database}"),
    }
}
