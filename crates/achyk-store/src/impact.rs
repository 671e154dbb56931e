//! What monitoring achieved, in totals only: reports by category, region, self-declared gender
//! and age group; cases by state and outcome; answers on time. Nothing here is per person.

use crate::error::StoreError;
use crate::store::{Pool, Store, with_pool};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Impact {
    pub reports: i64,
    pub published_reports: i64,
    pub by_category: Vec<(String, i64)>,
    /// ISO code of the region, "" when not given.
    pub by_region: Vec<(String, i64)>,
    /// "" when not declared.
    pub by_gender: Vec<(String, i64)>,
    pub by_age_group: Vec<(String, i64)>,
    pub cases: i64,
    pub by_case_state: Vec<(String, i64)>,
    pub by_outcome: Vec<(String, i64)>,
    /// Cases with an answer recorded, and of those, answered by their due date.
    pub answered: i64,
    pub answered_on_time: i64,
}

impl Store {
    pub async fn impact(&self) -> Result<Impact, StoreError> {
        let group = |column: &str, table: &str| {
            format!(
                "SELECT COALESCE({column}, ''), COUNT(*) FROM {table} \
                 GROUP BY COALESCE({column}, '') ORDER BY COUNT(*) DESC, COALESCE({column}, '')"
            )
        };
        let queries = [
            group("category", "reports"),
            group("region", "reports"),
            group("gender", "reports"),
            group("age_group", "reports"),
            group("state", "cases"),
            group("outcome", "cases WHERE outcome IS NOT NULL"),
        ];
        let mut groups: Vec<Vec<(String, i64)>> = Vec::new();
        for sql in queries {
            let rows: Vec<(String, i64)> = with_pool!(self, |pool, Db, _begin| {
                sqlx::query_as::<Db, (String, i64)>(sqlx::AssertSqlSafe(sql))
                    .fetch_all(pool)
                    .await?
            });
            let mut rows = rows;
            // Byte order for ties, whatever the database's collation.
            rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            groups.push(rows);
        }
        let (reports, published, cases, answered, on_time): (i64, i64, i64, i64, i64) =
            with_pool!(self, |pool, Db, _begin| {
                sqlx::query_as::<Db, (i64, i64, i64, i64, i64)>(
                    "SELECT (SELECT COUNT(*) FROM reports), \
                     (SELECT COUNT(*) FROM reports \
                      WHERE state IN ('published', 'published_redacted')), \
                     (SELECT COUNT(*) FROM cases), \
                     (SELECT COUNT(*) FROM cases c JOIN (SELECT case_id, MIN(day) AS day \
                      FROM case_events WHERE kind = 'response' GROUP BY case_id) r \
                      ON r.case_id = c.id WHERE c.due_on IS NOT NULL), \
                     (SELECT COUNT(*) FROM cases c JOIN (SELECT case_id, MIN(day) AS day \
                      FROM case_events WHERE kind = 'response' GROUP BY case_id) r \
                      ON r.case_id = c.id WHERE c.due_on IS NOT NULL AND r.day <= c.due_on)",
                )
                .fetch_one(pool)
                .await?
            });
        let mut groups = groups.into_iter();
        let mut next = || groups.next().unwrap_or_default();
        Ok(Impact {
            reports,
            published_reports: published,
            by_category: next(),
            by_region: next(),
            by_gender: next(),
            by_age_group: next(),
            cases,
            by_case_state: next(),
            by_outcome: next(),
            answered,
            answered_on_time: on_time,
        })
    }
}
