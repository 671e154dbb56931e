//! Follows, notifications and feed tokens (migration 0015). What counts as news is decided by
//! the alert job in the web crate; the store keeps follows with their cursors and records a
//! follow's new notifications and its new cursor in one transaction, so a crash between the two
//! neither loses nor repeats an alert.

use crate::error::StoreError;
use crate::store::{Pool, Store, with_pool};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Follow {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub target: String,
    pub mode: String,
    pub cursor: String,
    pub unsubscribe: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub user_id: i64,
    pub follow_id: Option<i64>,
    pub mode: String,
    pub title: String,
    pub link: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// A follow to make: who, what, how often, what was already told, the unsubscribe token.
#[derive(Debug, Clone, Copy)]
pub struct NewFollow<'a> {
    pub user_id: i64,
    pub kind: &'a str,
    pub target: &'a str,
    pub mode: &'a str,
    pub cursor: &'a str,
    pub unsubscribe: &'a str,
}

/// A notification to record.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub title: String,
    pub link: String,
}

const FOLLOW_COLUMNS: &str = "id, user_id, kind, target, mode, cursor, unsubscribe, created_at";
const NOTIFICATION_COLUMNS: &str = "id, user_id, follow_id, mode, title, link, created_at, sent_at";

impl Store {
    /// Follows `target`, or changes the mode of an existing follow (its cursor stays). Returns
    /// the follow's id.
    pub async fn follow(&self, new: &NewFollow<'_>, now: i64) -> Result<i64, StoreError> {
        let NewFollow {
            user_id,
            kind,
            target,
            mode,
            cursor,
            unsubscribe,
        } = *new;
        Ok(with_pool!(self, |pool, Db, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let existing = sqlx::query_scalar::<Db, i64>(
                "SELECT id FROM follows WHERE user_id = $1 AND kind = $2 AND target = $3",
            )
            .bind(user_id)
            .bind(kind)
            .bind(target)
            .fetch_optional(&mut *tx)
            .await?;
            let id = match existing {
                Some(id) => {
                    sqlx::query::<Db>("UPDATE follows SET mode = $1 WHERE id = $2")
                        .bind(mode)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    id
                }
                None => {
                    sqlx::query_scalar::<Db, i64>(
                        "INSERT INTO follows (user_id, kind, target, mode, cursor, \
                         unsubscribe, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         RETURNING id",
                    )
                    .bind(user_id)
                    .bind(kind)
                    .bind(target)
                    .bind(mode)
                    .bind(cursor)
                    .bind(unsubscribe)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            tx.commit().await?;
            id
        }))
    }

    /// Stops a follow of this user. Returns whether there was one.
    pub async fn unfollow(&self, user_id: i64, follow_id: i64) -> Result<bool, StoreError> {
        self.delete_follow(
            "DELETE FROM follows WHERE user_id = $1 AND id = $2",
            user_id,
            follow_id,
        )
        .await
    }

    /// Stops the follow this unsubscribe token belongs to. Returns whether there was one.
    pub async fn unsubscribe(&self, token: &str) -> Result<bool, StoreError> {
        let changed = with_pool!(self, |pool, Db, begin| {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query::<Db>(
                "UPDATE notifications SET follow_id = NULL WHERE follow_id IN \
                 (SELECT id FROM follows WHERE unsubscribe = $1)",
            )
            .bind(token)
            .execute(&mut *tx)
            .await?;
            let changed = sqlx::query::<Db>("DELETE FROM follows WHERE unsubscribe = $1")
                .bind(token)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            changed
        });
        Ok(changed > 0)
    }

    async fn delete_follow(
        &self,
        sql: &'static str,
        user_id: i64,
        id: i64,
    ) -> Result<bool, StoreError> {
        let changed = with_pool!(self, |pool, Db, begin| {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query::<Db>(
                "UPDATE notifications SET follow_id = NULL WHERE follow_id = $1 AND user_id = $2",
            )
            .bind(id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
            let changed = sqlx::query::<Db>(sql)
                .bind(user_id)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            changed
        });
        Ok(changed > 0)
    }

    /// A user's follows, oldest first.
    pub async fn follows_of(&self, user_id: i64) -> Result<Vec<Follow>, StoreError> {
        let sql = format!("SELECT {FOLLOW_COLUMNS} FROM follows WHERE user_id = $1 ORDER BY id");
        Ok(with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, Follow>(sqlx::AssertSqlSafe(sql))
                .bind(user_id)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Every follow of a live account, by id (for the alert job).
    pub async fn all_follows(&self) -> Result<Vec<Follow>, StoreError> {
        let sql = format!(
            "SELECT {FOLLOW_COLUMNS} FROM follows WHERE user_id IN \
             (SELECT id FROM users WHERE deleted_at IS NULL) ORDER BY id"
        );
        Ok(with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, Follow>(sqlx::AssertSqlSafe(sql))
                .fetch_all(pool)
                .await?
        }))
    }

    /// Records a follow's new notifications and moves its cursor, if the cursor is still the
    /// one the job read (another run did not get there first). Returns whether it did.
    pub async fn record_alerts(
        &self,
        follow: &Follow,
        new_cursor: &str,
        notifications: &[NewNotification],
        now: i64,
    ) -> Result<bool, StoreError> {
        Ok(with_pool!(self, |pool, Db, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let moved =
                sqlx::query::<Db>("UPDATE follows SET cursor = $1 WHERE id = $2 AND cursor = $3")
                    .bind(new_cursor)
                    .bind(follow.id)
                    .bind(&follow.cursor)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            if moved == 1 {
                for notification in notifications {
                    sqlx::query::<Db>(
                        "INSERT INTO notifications (user_id, follow_id, mode, title, link, \
                         created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(follow.user_id)
                    .bind(follow.id)
                    .bind(&follow.mode)
                    .bind(&notification.title)
                    .bind(&notification.link)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
            }
            moved == 1
        }))
    }

    /// Notifications not yet mailed, by user then id.
    pub async fn unsent_notifications(&self) -> Result<Vec<Notification>, StoreError> {
        let sql = format!(
            "SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE sent_at IS NULL \
             ORDER BY user_id, id"
        );
        Ok(with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, Notification>(sqlx::AssertSqlSafe(sql))
                .fetch_all(pool)
                .await?
        }))
    }

    pub async fn mark_sent(&self, ids: &[i64], now: i64) -> Result<(), StoreError> {
        with_pool!(self, |pool, Db, begin| {
            let mut tx = pool.begin_with(begin).await?;
            for id in ids {
                sqlx::query::<Db>("UPDATE notifications SET sent_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// A user's latest notifications, newest first (the Atom feed).
    pub async fn notifications_of(
        &self,
        user_id: i64,
        limit: i64,
    ) -> Result<Vec<Notification>, StoreError> {
        let sql = format!(
            "SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE user_id = $1 \
             ORDER BY id DESC LIMIT $2"
        );
        Ok(with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, Notification>(sqlx::AssertSqlSafe(sql))
                .bind(user_id)
                .bind(limit)
                .fetch_all(pool)
                .await?
        }))
    }

    /// The user's feed token, made from `fresh` the first time.
    pub async fn feed_token(&self, user_id: i64, fresh: &str) -> Result<String, StoreError> {
        Ok(with_pool!(self, |pool, Db, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let existing = sqlx::query_scalar::<Db, String>(
                "SELECT token FROM feed_tokens WHERE user_id = $1",
            )
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
            let token = match existing {
                Some(token) => token,
                None => {
                    sqlx::query::<Db>("INSERT INTO feed_tokens (user_id, token) VALUES ($1, $2)")
                        .bind(user_id)
                        .bind(fresh)
                        .execute(&mut *tx)
                        .await?;
                    fresh.to_owned()
                }
            };
            tx.commit().await?;
            token
        }))
    }

    /// The user a feed token belongs to.
    pub async fn feed_user(&self, token: &str) -> Result<Option<i64>, StoreError> {
        Ok(with_pool!(self, |pool, Db, _begin| {
            sqlx::query_scalar::<Db, i64>(
                "SELECT f.user_id FROM feed_tokens f JOIN users u ON u.id = f.user_id \
                 WHERE f.token = $1 AND u.deleted_at IS NULL",
            )
            .bind(token)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// The data generation of each of these processes' summaries.
    pub async fn summary_generations(
        &self,
        ocids: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut out = Vec::new();
        for chunk in ocids.chunks(500) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            let sql = format!(
                "SELECT ocid, generation FROM process_summaries WHERE ocid IN ({})",
                placeholders.join(", ")
            );
            let rows: Vec<(String, i64)> = with_pool!(self, |pool, Db, _begin| {
                let mut query = sqlx::query_as::<Db, (String, i64)>(sqlx::AssertSqlSafe(sql));
                for ocid in chunk {
                    query = query.bind(ocid);
                }
                query.fetch_all(pool).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }
}
