//! Retention and backups. Reporters' contacts and the private text of reports (and what they
//! added) are anonymised once older than the retention period; what was published stays, as
//! published. A SQLite database is backed up online with `VACUUM INTO` (a consistent copy while
//! the site runs); PostgreSQL has its own tools (docs/operators.md).

use crate::error::StoreError;
use crate::store::{Pool, Store, with_pool};

impl Store {
    /// Anonymises reports received before `before` (a `YYYY-MM-DD` day) and not yet
    /// anonymised: the sealed contact is dropped, the private text becomes the published text
    /// (or nothing), additions are emptied, and `anonymised_on` is set to `today`. Returns how
    /// many reports changed. Safe to run again: it touches only what is left.
    pub async fn anonymise_reports(&self, before: &str, today: &str) -> Result<u64, StoreError> {
        let changed = with_pool!(self, |pool, Db, begin| {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query::<Db>(
                "UPDATE report_additions SET body = '' WHERE report_id IN \
                 (SELECT id FROM reports WHERE received_on < $1 AND anonymised_on IS NULL)",
            )
            .bind(before)
            .execute(&mut *tx)
            .await?;
            let changed = sqlx::query::<Db>(
                "UPDATE reports SET contact_sealed = NULL, \
                 body = CASE WHEN state IN ('published', 'published_redacted') \
                        THEN COALESCE(public_text, '') ELSE '' END, \
                 anonymised_on = $2 \
                 WHERE received_on < $1 AND anonymised_on IS NULL",
            )
            .bind(before)
            .bind(today)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            changed
        });
        Ok(changed)
    }

    /// Writes a consistent copy of a SQLite database to `path` while it is in use. PostgreSQL
    /// is refused with the tool to use instead.
    pub async fn backup_to(&self, path: &std::path::Path) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query("VACUUM INTO $1")
                    .bind(path.to_string_lossy().into_owned())
                    .execute(pool)
                    .await?;
                Ok(())
            }
            Pool::Postgres(_) => Err(StoreError::Conflict {
                what: "backup",
                key: "postgres".into(),
                message: "back up PostgreSQL with pg_dump (see docs/operators.md)".into(),
            }),
        }
    }

    /// SQLite's own consistency check (`PRAGMA integrity_check`): `ok`, or what is wrong.
    pub async fn integrity_check(&self) -> Result<String, StoreError> {
        match &self.pool {
            Pool::Sqlite(pool) => Ok(sqlx::query_scalar::<sqlx::Sqlite, String>(
                "PRAGMA integrity_check",
            )
            .fetch_one(pool)
            .await?),
            Pool::Postgres(_) => Ok("ok".into()),
        }
    }
}
