//! The results of the last red-flag run: the flags raised (`flag_results`), the risk scores
//! (`risk_scores`) and the run itself (`flag_runs`). A run replaces everything in one
//! transaction, so a crash leaves the previous run whole and a second run never adds to the
//! first.

use sqlx::QueryBuilder;

use crate::error::StoreError;
use crate::store::{Pool, Store, unix_now, with_pool};

/// Rows per multi-row `INSERT`: well under both backends' bound-parameter limits.
const ROWS_PER_STATEMENT: usize = 500;

/// The groups a flag or a score is about, as stored in `grp`.
pub const FLAG_GROUPS: [&str; 4] = ["ocid", "buyer", "procuring_entity", "tenderer"];

/// One flag raised by an indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFlag {
    /// `ocid`, `buyer`, `procuring_entity` or `tenderer`.
    pub group: String,
    /// The ocid or organisation identifier.
    pub id: String,
    /// The indicator code, e.g. `R003`.
    pub code: String,
    /// Cardinal's value of the flag.
    pub value: f64,
    /// The facts explaining the flag, a JSON array of
    /// `{"code": …, "numbers": {name: number}, "texts": {name: text}}`.
    pub facts: String,
}

/// The risk score of one process or organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskScore {
    /// `ocid`, `buyer` or `tenderer`.
    pub group: String,
    pub id: String,
    pub score: f64,
    /// How many flags the score counts (for a process its own flags; for an organisation
    /// its own flags plus its flagged processes).
    pub flags: i64,
}

/// A run of the indicators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagRun {
    /// Unix seconds.
    pub run_at: i64,
    /// How many processes the run read.
    pub processes: i64,
    /// A digest of the settings the run used.
    pub settings_digest: String,
}

/// How many flags of one code were raised in one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagCount {
    pub group: String,
    pub code: String,
    pub count: i64,
}

type FlagTuple = (String, String, String, f64, String);
type ScoreTuple = (String, String, f64, i64);

fn flag(row: FlagTuple) -> StoredFlag {
    StoredFlag {
        group: row.0,
        id: row.1,
        code: row.2,
        value: row.3,
        facts: row.4,
    }
}

fn score(row: ScoreTuple) -> RiskScore {
    RiskScore {
        group: row.0,
        id: row.1,
        score: row.2,
        flags: row.3,
    }
}

impl Store {
    /// Replaces the results of the last run by these, in one transaction, and records the
    /// run (`processes` read, `settings_digest`). Returns the run recorded.
    pub async fn replace_flag_results(
        &self,
        processes: i64,
        settings_digest: &str,
        flags: &[StoredFlag],
        scores: &[RiskScore],
    ) -> Result<FlagRun, StoreError> {
        let run = FlagRun {
            run_at: unix_now(),
            processes,
            settings_digest: settings_digest.to_owned(),
        };
        with_pool!(self, |pool, Db, begin| {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query::<Db>("DELETE FROM flag_results")
                .execute(&mut *tx)
                .await?;
            sqlx::query::<Db>("DELETE FROM risk_scores")
                .execute(&mut *tx)
                .await?;
            sqlx::query::<Db>("DELETE FROM flag_runs")
                .execute(&mut *tx)
                .await?;
            for chunk in flags.chunks(ROWS_PER_STATEMENT) {
                let mut query = QueryBuilder::<Db>::new(
                    "INSERT INTO flag_results (grp, id, code, value, facts) ",
                );
                query.push_values(chunk, |mut row, flag| {
                    row.push_bind(flag.group.as_str())
                        .push_bind(flag.id.as_str())
                        .push_bind(flag.code.as_str())
                        .push_bind(flag.value)
                        .push_bind(flag.facts.as_str());
                });
                query.build().execute(&mut *tx).await?;
            }
            for chunk in scores.chunks(ROWS_PER_STATEMENT) {
                let mut query =
                    QueryBuilder::<Db>::new("INSERT INTO risk_scores (grp, id, score, flags) ");
                query.push_values(chunk, |mut row, score| {
                    row.push_bind(score.group.as_str())
                        .push_bind(score.id.as_str())
                        .push_bind(score.score)
                        .push_bind(score.flags);
                });
                query.build().execute(&mut *tx).await?;
            }
            sqlx::query::<Db>(
                "INSERT INTO flag_runs (run_at, processes, settings_digest) VALUES ($1, $2, $3)",
            )
            .bind(run.run_at)
            .bind(run.processes)
            .bind(run.settings_digest.as_str())
            .execute(&mut *tx)
            .await?;
            // Pages show flags: what was kept for the last data generation is stale now.
            sqlx::query::<Db>(
                "UPDATE search_generation SET generation = generation + 1 WHERE id = 1",
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(run)
    }

    /// The last run, if any (only the last is kept).
    pub async fn last_flag_run(&self) -> Result<Option<FlagRun>, StoreError> {
        let row: Option<(i64, i64, String)> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (i64, i64, String)>(
                "SELECT run_at, processes, settings_digest FROM flag_runs LIMIT 1",
            )
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(run_at, processes, settings_digest)| FlagRun {
            run_at,
            processes,
            settings_digest,
        }))
    }

    /// The flags of one process, by code.
    /// How many flags each of these processes has (processes without flags left out).
    pub async fn flag_counts_of(
        &self,
        ocids: &[String],
    ) -> Result<std::collections::HashMap<String, i64>, StoreError> {
        if ocids.is_empty() {
            return Ok(std::collections::HashMap::new());
        }
        let rows: Vec<(String, i64)> = with_pool!(self, |pool, Db, _begin| {
            let mut query = QueryBuilder::<Db>::new(
                "SELECT id, COUNT(*) FROM flag_results WHERE grp = 'ocid' AND id IN (",
            );
            let mut list = query.separated(", ");
            for ocid in ocids.iter().take(ROWS_PER_STATEMENT) {
                list.push_bind(ocid.as_str());
            }
            query.push(") GROUP BY id");
            query.build_query_as().fetch_all(pool).await?
        });
        Ok(rows.into_iter().collect())
    }

    pub async fn flags_of_process(&self, ocid: &str) -> Result<Vec<StoredFlag>, StoreError> {
        self.flags_where(true, ocid).await
    }

    /// The flags of one organisation in any of its roles (buyer, procuring entity,
    /// tenderer), by group then code.
    pub async fn flags_of_organisation(&self, id: &str) -> Result<Vec<StoredFlag>, StoreError> {
        self.flags_where(false, id).await
    }

    async fn flags_where(&self, process: bool, id: &str) -> Result<Vec<StoredFlag>, StoreError> {
        let sql = if process {
            "SELECT grp, id, code, value, facts FROM flag_results WHERE grp = 'ocid' AND id = $1 \
             ORDER BY grp, code"
        } else {
            "SELECT grp, id, code, value, facts FROM flag_results WHERE grp <> 'ocid' AND id = $1 \
             ORDER BY grp, code"
        };
        let rows: Vec<FlagTuple> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, FlagTuple>(sql)
                .bind(id)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(flag).collect())
    }

    /// The risk score of `id` in `group`, if it has one.
    pub async fn risk_score(&self, group: &str, id: &str) -> Result<Option<RiskScore>, StoreError> {
        let row: Option<ScoreTuple> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, ScoreTuple>(
                "SELECT grp, id, score, flags FROM risk_scores WHERE grp = $1 AND id = $2",
            )
            .bind(group)
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(score))
    }

    /// The `limit` highest scores of `group` (`ocid` for processes, `buyer`, `tenderer`),
    /// highest first, ties by identifier.
    pub async fn riskiest(&self, group: &str, limit: u32) -> Result<Vec<RiskScore>, StoreError> {
        let rows: Vec<ScoreTuple> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, ScoreTuple>(
                "SELECT grp, id, score, flags FROM risk_scores WHERE grp = $1 AND score > 0 \
                 ORDER BY score DESC, id LIMIT $2",
            )
            .bind(group)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(score).collect())
    }

    /// How many flags of each code were raised, per group, by group then code.
    pub async fn flag_counts(&self) -> Result<Vec<FlagCount>, StoreError> {
        let rows: Vec<(String, String, i64)> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (String, String, i64)>(
                "SELECT grp, code, COUNT(*) FROM flag_results GROUP BY grp, code ORDER BY grp, code",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(group, code, count)| FlagCount { group, code, count })
            .collect())
    }
}
