//! What the store's test files share: a fresh database per test, and a macro that declares
//! each test once per backend (PostgreSQL when `ACHYK_TEST_POSTGRES_URL` names a server).

use achyk_store::Store;
pub use achyk_test_support::databases::Databases;

/// A fresh database for one test, removed when the test ends well.
pub struct TestDb {
    pub url: String,
    databases: Databases,
}

impl TestDb {
    pub async fn on(databases: Databases) -> TestDb {
        TestDb {
            url: databases.fresh_url().await,
            databases,
        }
    }

    /// A migrated store on the database.
    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url).await.expect("connect");
        store.migrate().await.expect("migrate");
        store
    }

    pub async fn remove(self) {
        self.databases.remove().await;
    }
}

/// Declares each test once per backend.
#[macro_export]
macro_rules! both_backends {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $test() {
                    let db = super::TestDb::on(super::Databases::sqlite()).await;
                    super::$test(&db).await;
                    db.remove().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $test() {
                    let Some(databases) = super::Databases::postgres() else { return };
                    let db = super::TestDb::on(databases).await;
                    super::$test(&db).await;
                    db.remove().await;
                }
            )*
        }
    };
}
