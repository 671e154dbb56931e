//! What `achyk sync` keeps between runs: where it stopped in each feed (`sync_cursors`), and
//! the look-up its completeness check needs (which processes have no stored release).

use std::collections::HashSet;

use sqlx::QueryBuilder;

use crate::error::StoreError;
use crate::ids::Ocid;
use crate::store::{Pool, Store, unix_now, with_pool};

/// Ocids per `IN (...)` look-up: well under both backends' bound-parameter limits.
const OCIDS_PER_STATEMENT: usize = 500;

/// Where a sync of one feed stopped: every release dated before `since` is stored, and so
/// are the first `position` releases dated exactly `since` in the feed's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncCursor {
    /// The cursor as the feed takes it (for the Kyrgyz API `YYYY-MM-DDTHH:MM:SS+06:00`).
    pub since: String,
    /// Releases dated exactly `since` already stored, to step past when more of them share
    /// one second than fit in a page.
    pub position: i64,
}

impl Store {
    /// The cursor stored for `feed`, if a sync of it ever stored a page.
    pub async fn sync_cursor(&self, feed: &str) -> Result<Option<SyncCursor>, StoreError> {
        let row: Option<(String, i64)> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (String, i64)>(
                "SELECT since, position FROM sync_cursors WHERE feed = $1",
            )
            .bind(feed)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(since, position)| SyncCursor { since, position }))
    }

    /// Stores the cursor of `feed`, replacing the one before. Call it only once the releases
    /// the cursor moves past are stored, so that it never runs ahead of them.
    pub async fn set_sync_cursor(&self, feed: &str, cursor: &SyncCursor) -> Result<(), StoreError> {
        let now = unix_now();
        with_pool!(self, |pool, Db, _begin| {
            sqlx::query::<Db>(
                "INSERT INTO sync_cursors (feed, since, position, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (feed) DO UPDATE SET since = excluded.since, \
                 position = excluded.position, updated_at = excluded.updated_at",
            )
            .bind(feed)
            .bind(cursor.since.as_str())
            .bind(cursor.position)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The ocids of `ocids` with no stored release, in the order given, each once.
    pub async fn missing_ocids(&self, ocids: &[Ocid]) -> Result<Vec<Ocid>, StoreError> {
        let mut wanted: Vec<&str> = Vec::with_capacity(ocids.len());
        let mut seen = HashSet::new();
        for ocid in ocids {
            if seen.insert(ocid.as_str()) {
                wanted.push(ocid.as_str());
            }
        }
        let mut stored: HashSet<String> = HashSet::new();
        for chunk in wanted.chunks(OCIDS_PER_STATEMENT) {
            let found: Vec<String> = with_pool!(self, |pool, Db, _begin| {
                let mut query =
                    QueryBuilder::<Db>::new("SELECT DISTINCT ocid FROM releases WHERE ocid IN (");
                let mut separated = query.separated(", ");
                for ocid in chunk {
                    separated.push_bind(*ocid);
                }
                query.push(")");
                query.build_query_scalar::<String>().fetch_all(pool).await?
            });
            stored.extend(found);
        }
        Ok(wanted
            .into_iter()
            .filter(|ocid| !stored.contains(*ocid))
            .map(Ocid::from)
            .collect())
    }
}
