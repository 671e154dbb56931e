//! The [`Store`]: one SQL dialect that SQLite and PostgreSQL both speak (`$n` parameters,
//! `ON CONFLICT`, `RETURNING`, row values), run on whichever pool the URL chose. Each method
//! is written once; [`with_pool!`] expands it for each backend, so both run the same SQL with
//! their native drivers (the `Any` driver would lose types and speed).

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::bulk::{SUMMARY_SELECT, SummaryColumns, summary_row};
use crate::error::StoreError;
use crate::ids::{Ocid, OrgId};
use crate::model::{
    CompiledReleaseRow, InsertSummary, MergeWarningRow, NewRelease, NewVersion, OrganisationRow,
    ProcessPartyRow, RecomputeSummary, ReleaseRow,
};
use crate::normalised::{
    NormalisedReleaseRow, Normaliser, QualityNote, QualityNoteRow, QualityTotalRow,
};
use crate::recompute::{ProcessInput, ProcessOutput, RulesCache, StoredRelease, recompute};
use crate::search::{BuyerStats, Facet, GroupStats, SearchParams, SearchResult, patterns};
use crate::search_index::{INDEX_SELECT, IndexColumns, SearchIndex};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Rows per multi-row statement: well under SQLite's 32,766 and PostgreSQL's 65,535 bound
/// parameters for the widest table (16 columns), and large enough that statement overhead
/// does not dominate.
const ROWS_PER_STATEMENT: usize = 500;

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the backend's pool, `$db` to its `sqlx::Database` type
/// and `$begin` to the statement that opens a write transaction.
macro_rules! with_pool {
    ($store:expr, |$pool:ident, $db:ident, $begin:ident| $body:expr) => {
        match &$store.pool {
            Pool::Sqlite($pool) => {
                #[allow(dead_code)]
                type $db = sqlx::Sqlite;
                // Take the write lock at once: a deferred transaction that reads first can
                // fail to upgrade when another connection writes.
                #[allow(unused_variables)]
                let $begin = "BEGIN IMMEDIATE";
                $body
            }
            Pool::Postgres($pool) => {
                #[allow(dead_code)]
                type $db = sqlx::Postgres;
                #[allow(unused_variables)]
                let $begin = "BEGIN";
                $body
            }
        }
    };
}
pub(crate) use with_pool;

/// The database of releases, compiled releases and organisations. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: Pool,
    rules: Arc<RulesCache>,
    normaliser: Option<Arc<dyn Normaliser>>,
    search_index: Option<Arc<SearchIndex>>,
    pub(crate) project_regions: Option<crate::projects::RegionResolver>,
    pub(crate) project_index: Option<Arc<crate::projects::ProjectIndex>>,
}

impl Store {
    /// Connects to the database the URL names: `sqlite://PATH` (created if missing, in WAL
    /// mode), `sqlite::memory:`, or `postgres://...` / `postgresql://...`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Store::connect_with(url, true).await
    }

    /// Like [`Store::connect`], but a SQLite database that does not exist is an error rather
    /// than created (for commands that only read).
    pub async fn open_existing(url: &str) -> Result<Store, StoreError> {
        Store::connect_with(url, false).await
    }

    async fn connect_with(url: &str, create: bool) -> Result<Store, StoreError> {
        let pool = if url.starts_with("sqlite:") {
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(create)
                .journal_mode(if in_memory {
                    SqliteJournalMode::Memory
                } else {
                    SqliteJournalMode::Wal
                })
                // In WAL mode, NORMAL loses nothing when the process dies; only a power cut can
                // lose the last transactions, never corrupt the database.
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(60))
                // Releases are a few KiB of JSON: 16 KiB pages hold several, where 4 KiB pages
                // would hold one and waste the rest (only new databases take the setting).
                .page_size(16_384)
                .pragma("cache_size", "-65536")
                // Statement journals of multi-row inserts in memory rather than temporary files,
                // and reads through a memory map rather than a system call per page.
                .pragma("temp_store", "memory")
                .pragma("mmap_size", "1073741824");
            // An in-memory database lives in its one connection.
            let connections = if in_memory { 1 } else { 4 };
            Pool::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(connections)
                    .connect_with(options)
                    .await?,
            )
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgPoolOptions::new()
                .max_connections(4)
                .after_connect(|connection, _| {
                    Box::pin(async move {
                        // Releases and compiled releases are kilobytes of JSON, so PostgreSQL
                        // compresses them; lz4 does it several times faster than the default
                        // pglz. A server built without lz4 refuses, and keeps pglz.
                        let _ = sqlx::Executor::execute(
                            &mut *connection,
                            "SET default_toast_compression = 'lz4'",
                        )
                        .await;
                        Ok(())
                    })
                });
            Pool::Postgres(options.connect(url).await?)
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        Ok(Store {
            pool,
            rules: Arc::default(),
            normaliser: None,
            search_index: None,
            project_regions: None,
            project_index: None,
        })
    }

    /// The store, making a normalised compiled release (and its quality notes) beside each
    /// compiled release it recomputes from now on.
    pub fn with_normaliser(mut self, normaliser: Arc<dyn Normaliser>) -> Store {
        self.normaliser = Some(normaliser);
        self
    }

    /// The store, answering searches from an in-memory index of the summaries that follows
    /// the database (module `search_index`); for a long-running server.
    pub fn with_search_index(mut self) -> Store {
        self.search_index = Some(Arc::default());
        self
    }

    /// How many processes the in-memory search index holds so far (`None` without one).
    pub fn search_index_processes(&self) -> Option<usize> {
        self.search_index.as_ref().map(|index| index.processes())
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the migrations not yet applied.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Closes every connection (and, on SQLite, checkpoints the WAL).
    pub async fn close(&self) {
        with_pool!(self, |pool, _Db, _begin| pool.close().await)
    }

    /// Stores `releases` in one transaction: each release not stored yet is inserted and its
    /// process marked for recompute; a release stored before with the same content changes
    /// nothing. Releases in the same slice may repeat.
    pub async fn insert_releases(
        &self,
        releases: &[NewRelease],
    ) -> Result<InsertSummary, StoreError> {
        if releases.is_empty() {
            return Ok(InsertSummary::default());
        }
        let now = unix_now();
        let extension_texts: Vec<String> = releases
            .iter()
            .map(|release| serde_json::to_string(&release.extensions).expect("strings serialise"))
            .collect();
        let position: HashMap<(&str, &str, &str), usize> = releases
            .iter()
            .enumerate()
            .rev()
            .map(|(index, release)| {
                (
                    (
                        release.ocid.as_str(),
                        release.release_key(),
                        release.content_hash.as_str(),
                    ),
                    index,
                )
            })
            .collect();

        let (inserted, new_version_ids) = with_pool!(self, |pool, Db, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let mut inserted: Vec<(i64, String, String, String)> = Vec::new();
            for (chunk_number, chunk) in releases.chunks(ROWS_PER_STATEMENT).enumerate() {
                let offset = chunk_number * ROWS_PER_STATEMENT;
                let mut query = QueryBuilder::<Db>::new(
                    "INSERT INTO releases (ocid, release_key, release_id, content_hash, json, date, date_seconds, \
                     date_nanos, extensions, source, imported_at) ",
                );
                query.push_values(chunk.iter().enumerate(), |mut row, (index, release)| {
                    let (seconds, nanos) = split_instant(release.instant);
                    row.push_bind(release.ocid.as_str())
                        .push_bind(release.release_key())
                        .push_bind(release.release_id.as_deref())
                        .push_bind(release.content_hash.as_str())
                        .push_bind(release.json.as_str())
                        .push_bind(release.date.as_str())
                        .push_bind(seconds)
                        .push_bind(nanos)
                        .push_bind(extension_texts[offset + index].as_str())
                        .push_bind(&*release.location.source)
                        .push_bind(now);
                });
                query.push(
                    " ON CONFLICT (ocid, release_key, content_hash) DO NOTHING \
                     RETURNING id, ocid, release_key, content_hash",
                );
                inserted.extend(
                    query
                        .build_query_as::<(i64, String, String, String)>()
                        .fetch_all(&mut *tx)
                        .await?,
                );
            }

            // Mark the processes that changed, in the same transaction.
            let mut changed: Vec<&str> = inserted.iter().map(|row| row.1.as_str()).collect();
            changed.sort_unstable();
            changed.dedup();
            for chunk in changed.chunks(ROWS_PER_STATEMENT) {
                let mut query =
                    QueryBuilder::<Db>::new("INSERT INTO dirty_processes (ocid, mark) ");
                query.push_values(chunk, |mut row, ocid| {
                    row.push_bind(*ocid).push_bind(1_i64);
                });
                query.push(" ON CONFLICT (ocid) DO UPDATE SET mark = dirty_processes.mark + 1");
                query.build().execute(&mut *tx).await?;
            }

            // An inserted release is a new version when an earlier row has its ocid and id.
            let mut new_version_ids: Vec<i64> = Vec::new();
            if let (Some(first), Some(last)) = (
                inserted.iter().map(|row| row.0).min(),
                inserted.iter().map(|row| row.0).max(),
            ) {
                new_version_ids = sqlx::query_scalar::<Db, i64>(
                    "SELECT r.id FROM releases r \
                     WHERE r.id BETWEEN $1 AND $2 AND r.release_id IS NOT NULL AND EXISTS ( \
                         SELECT 1 FROM releases o \
                         WHERE o.ocid = r.ocid AND o.release_key = r.release_key AND o.id < r.id)",
                )
                .bind(first)
                .bind(last)
                .fetch_all(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            (inserted, new_version_ids)
        });

        let new_version_ids: HashSet<i64> = new_version_ids.into_iter().collect();
        let mut new_versions = Vec::new();
        for (id, ocid, key, hash) in &inserted {
            if !new_version_ids.contains(id) {
                continue;
            }
            let index = position
                .get(&(ocid.as_str(), key.as_str(), hash.as_str()))
                .copied()
                .ok_or_else(|| StoreError::Conflict {
                    what: "release",
                    key: format!("{ocid} {key}"),
                    message: "the database returned a row that was not inserted".into(),
                })?;
            new_versions.push(NewVersion {
                index,
                ocid: Ocid(ocid.clone()),
                release_id: key.clone(),
            });
        }
        new_versions.sort_by_key(|version| version.index);
        Ok(InsertSummary {
            inserted: inserted.len(),
            unchanged: releases.len() - inserted.len(),
            new_versions,
        })
    }

    /// Recomputes the compiled release, merge warnings and parties of every process marked
    /// as changed, `batch_size` processes per transaction, until none is left. Finishes the
    /// work of an import that died. `progress` is told how many processes each batch wrote.
    ///
    /// Batches are pipelined: while one batch is merged on worker threads, the previous one
    /// is written and the next one read, so the database and the processors work at once.
    pub async fn recompute_dirty(
        &self,
        batch_size: usize,
        mut progress: impl FnMut(usize),
    ) -> Result<RecomputeSummary, StoreError> {
        let batch_size = batch_size.clamp(1, ROWS_PER_STATEMENT) as i64;
        let mut summary = RecomputeSummary::default();
        // Passes over the marks in ocid order, until a pass finds none: a mark bumped by a
        // concurrent import while its process was being merged survives a pass.
        loop {
            let mut after = String::new();
            let mut next = self.next_dirty_batch(&mut after, batch_size).await?;
            if next.is_none() {
                return Ok(summary);
            }
            let mut merged: Option<MergedBatch> = None;
            while let Some((marks, inputs)) = next.take() {
                let rules = Arc::clone(&self.rules);
                let normaliser = self.normaliser.clone();
                let merging = tokio::task::spawn_blocking(move || {
                    recompute(inputs, &rules, normaliser.as_deref())
                });
                let write_previous = async {
                    match merged.take() {
                        Some((outputs, marks)) => {
                            self.write_processes(outputs, &marks).await.map(Some)
                        }
                        None => Ok(None),
                    }
                };
                let (written, upcoming) = tokio::join!(
                    write_previous,
                    self.next_dirty_batch(&mut after, batch_size)
                );
                if let Some(written) = written? {
                    progress(written.processes);
                    summary.absorb(written);
                }
                next = upcoming?;
                let outputs = merging
                    .await
                    .unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic()));
                merged = Some((outputs, marks));
            }
            if let Some((outputs, marks)) = merged.take() {
                let written = self.write_processes(outputs, &marks).await?;
                progress(written.processes);
                summary.absorb(written);
            }
        }
    }

    /// The next `batch_size` marked processes after `after` in ocid order, with their stored
    /// releases; `after` moves past them.
    async fn next_dirty_batch(
        &self,
        after: &mut String,
        batch_size: i64,
    ) -> Result<Option<(Vec<Mark>, Vec<ProcessInput>)>, StoreError> {
        let marks: Vec<Mark> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, Mark>(
                "SELECT ocid, mark FROM dirty_processes WHERE ocid > $1 ORDER BY ocid LIMIT $2",
            )
            .bind(after.as_str())
            .bind(batch_size)
            .fetch_all(pool)
            .await?
        });
        let Some(last) = marks.last() else {
            return Ok(None);
        };
        after.clone_from(&last.0);
        let inputs = self.load_processes(&marks).await?;
        Ok(Some((marks, inputs)))
    }

    async fn load_processes(
        &self,
        marks: &[(String, i64)],
    ) -> Result<Vec<ProcessInput>, StoreError> {
        type Row = (String, String, String, String, i64, i64);
        let rows: Vec<Row> = with_pool!(self, |pool, Db, _begin| {
            let mut query = QueryBuilder::<Db>::new(
                "SELECT ocid, json, extensions, date, date_seconds, date_nanos FROM releases WHERE ocid IN (",
            );
            let mut list = query.separated(", ");
            for (ocid, _) in marks {
                list.push_bind(ocid.as_str());
            }
            query.push(") ORDER BY ocid, id");
            query.build_query_as::<Row>().fetch_all(pool).await?
        });
        let mut processes: Vec<ProcessInput> = Vec::with_capacity(marks.len());
        for (ocid, json, extensions, date, seconds, nanos) in rows {
            if processes
                .last()
                .is_none_or(|process| process.ocid.0 != ocid)
            {
                processes.push(ProcessInput {
                    ocid: Ocid(ocid),
                    releases: Vec::new(),
                });
            }
            let process = processes.last_mut().expect("pushed above");
            process.releases.push(StoredRelease {
                json,
                extensions,
                date,
                seconds,
                nanos,
            });
        }
        Ok(processes)
    }

    /// Writes a merged batch in one transaction. Takes the outputs so that their large texts
    /// (compiled and normalised releases) are handed to the driver rather than copied, and
    /// drops what is left off this thread: this thread and the connection's are the one
    /// serial chain of a recompute, while the merge has cores to spare.
    async fn write_processes(
        &self,
        mut outputs: Vec<ProcessOutput>,
        marks: &[(String, i64)],
    ) -> Result<RecomputeSummary, StoreError> {
        let now = unix_now();
        let compiled_texts: Vec<String> = outputs
            .iter_mut()
            .map(|output| std::mem::take(&mut output.compiled_json))
            .collect();
        let normalised_texts: Vec<String> = outputs
            .iter_mut()
            .filter_map(|output| output.normalised.as_mut())
            .map(|normalised| std::mem::take(&mut normalised.json))
            .collect();
        let summary = self
            .write_outputs(&outputs, compiled_texts, normalised_texts, marks, now)
            .await;
        rayon::spawn(move || drop(outputs));
        summary
    }

    /// [`Store::write_processes`]'s transaction, with the large texts taken out of `outputs`
    /// (`normalised_texts` in the order of the outputs that have a normalised release).
    async fn write_outputs(
        &self,
        outputs: &[ProcessOutput],
        compiled_texts: Vec<String>,
        normalised_texts: Vec<String>,
        marks: &[(String, i64)],
        now: i64,
    ) -> Result<RecomputeSummary, StoreError> {
        // One row per organisation: the party as it appears in the latest process (by date,
        // then ocid) of this batch; the upsert keeps it only if it is later than the stored one.
        let mut organisations: HashMap<&OrgId, (&ProcessOutput, usize)> = HashMap::new();
        for output in outputs {
            for (index, party) in output.parties.iter().enumerate() {
                let entry = organisations.entry(&party.id).or_insert((output, index));
                if (output.latest, &output.ocid) > (entry.0.latest, &entry.0.ocid) {
                    *entry = (output, index);
                }
            }
        }
        let mut organisations: Vec<(&OrgId, (&ProcessOutput, usize))> =
            organisations.into_iter().collect();
        organisations.sort_by(|a, b| a.0.cmp(b.0));
        let roles: Vec<(&str, &str, &str)> = outputs
            .iter()
            .flat_map(|output| {
                output.parties.iter().flat_map(move |party| {
                    party
                        .roles
                        .iter()
                        .map(move |role| (output.ocid.as_str(), party.id.as_str(), role.as_str()))
                })
            })
            .collect();
        let notes: Vec<(&str, i64, &QualityNote)> = outputs
            .iter()
            .flat_map(|output| {
                output.normalised.iter().flat_map(move |normalised| {
                    normalised
                        .notes
                        .iter()
                        .enumerate()
                        .map(move |(position, note)| (output.ocid.as_str(), position as i64, note))
                })
            })
            .collect();
        let warnings: Vec<(&str, i64, &str, &str)> = outputs
            .iter()
            .flat_map(|output| {
                output
                    .warnings
                    .iter()
                    .enumerate()
                    .map(move |(position, (path, message))| {
                        (
                            output.ocid.as_str(),
                            position as i64,
                            path.as_str(),
                            message.as_str(),
                        )
                    })
            })
            .collect();

        let organisations_written = with_pool!(self, |pool, Db, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let mut compiled_texts = compiled_texts.into_iter();
            for chunk in outputs.chunks(ROWS_PER_STATEMENT) {
                let mut query = QueryBuilder::<Db>::new(
                    "INSERT INTO compiled_releases (ocid, json, release_count, latest_date, updated_at) ",
                );
                query.push_values(
                    chunk.iter().zip(compiled_texts.by_ref()),
                    |mut row, (output, text)| {
                        row.push_bind(output.ocid.as_str())
                            .push_bind(text)
                            .push_bind(output.release_count)
                            .push_bind(output.latest_date.as_str())
                            .push_bind(now);
                    },
                );
                query.push(
                    " ON CONFLICT (ocid) DO UPDATE SET json = excluded.json, release_count = excluded.release_count, \
                     latest_date = excluded.latest_date, updated_at = excluded.updated_at",
                );
                query.build().execute(&mut *tx).await?;

                for table in [
                    "merge_warnings",
                    "process_parties",
                    "quality_notes",
                    "normalised_releases",
                    "process_summaries",
                ] {
                    let mut query =
                        QueryBuilder::<Db>::new(format!("DELETE FROM {table} WHERE ocid IN ("));
                    let mut list = query.separated(", ");
                    for output in chunk {
                        list.push_bind(output.ocid.as_str());
                    }
                    query.push(")");
                    query.build().execute(&mut *tx).await?;
                }
            }
            let normalised: Vec<&ProcessOutput> = outputs
                .iter()
                .filter(|output| output.normalised.is_some())
                .collect();
            let mut normalised_texts = normalised_texts.into_iter();
            for chunk in normalised.chunks(ROWS_PER_STATEMENT) {
                let mut query = QueryBuilder::<Db>::new(
                    "INSERT INTO normalised_releases (ocid, json, region, updated_at) ",
                );
                query.push_values(
                    chunk.iter().zip(normalised_texts.by_ref()),
                    |mut row, (output, text)| {
                        let normalised = output.normalised.as_ref().expect("filtered above");
                        row.push_bind(output.ocid.as_str())
                            .push_bind(text)
                            .push_bind(normalised.region.as_deref())
                            .push_bind(now);
                    },
                );
                // Two recomputes of one process at once (two imports) write the same row.
                query.push(
                    " ON CONFLICT (ocid) DO UPDATE SET json = excluded.json, region = excluded.region, \
                     updated_at = excluded.updated_at",
                );
                query.build().execute(&mut *tx).await?;
            }
            for chunk in notes.chunks(ROWS_PER_STATEMENT) {
                let mut query = QueryBuilder::<Db>::new(
                    "INSERT INTO quality_notes (ocid, position, rule, path, before_json, after_json) ",
                );
                query.push_values(chunk, |mut row, (ocid, position, note)| {
                    row.push_bind(*ocid)
                        .push_bind(*position)
                        .push_bind(note.rule.as_str())
                        .push_bind(note.path.as_str())
                        .push_bind(note.before.as_deref())
                        .push_bind(note.after.as_deref());
                });
                query.push(" ON CONFLICT (ocid, position) DO NOTHING");
                query.build().execute(&mut *tx).await?;
            }
            for chunk in warnings.chunks(ROWS_PER_STATEMENT) {
                let mut query = QueryBuilder::<Db>::new(
                    "INSERT INTO merge_warnings (ocid, position, path, message) ",
                );
                query.push_values(chunk, |mut row, (ocid, position, path, message)| {
                    row.push_bind(*ocid)
                        .push_bind(*position)
                        .push_bind(*path)
                        .push_bind(*message);
                });
                // Two recomputes of one process at once (two imports) write the same rows.
                query.push(
                    " ON CONFLICT (ocid, position) DO UPDATE SET path = excluded.path, \
                     message = excluded.message",
                );
                query.build().execute(&mut *tx).await?;
            }
            for chunk in roles.chunks(ROWS_PER_STATEMENT) {
                let mut query = QueryBuilder::<Db>::new(
                    "INSERT INTO process_parties (ocid, organisation_id, role) ",
                );
                query.push_values(chunk, |mut row, (ocid, organisation, role)| {
                    row.push_bind(*ocid)
                        .push_bind(*organisation)
                        .push_bind(*role);
                });
                query.push(" ON CONFLICT DO NOTHING");
                query.build().execute(&mut *tx).await?;
            }
            let mut organisations_written = 0;
            for chunk in organisations.chunks(ROWS_PER_STATEMENT) {
                let mut query = QueryBuilder::<Db>::new(
                    "INSERT INTO organisations (id, name, identifier_scheme, identifier_id, legal_name, json, \
                     seen_seconds, seen_nanos, seen_ocid, updated_at, name_ky, region) ",
                );
                query.push_values(chunk.iter(), |mut row, (id, (output, index))| {
                    let party = &output.parties[*index];
                    row.push_bind(id.as_str())
                        .push_bind(party.name.as_deref())
                        .push_bind(party.identifier_scheme.as_deref())
                        .push_bind(party.identifier_id.as_deref())
                        .push_bind(party.legal_name.as_deref())
                        .push_bind(output.party_texts[*index].as_str())
                        .push_bind(output.latest.0)
                        .push_bind(output.latest.1)
                        .push_bind(output.ocid.as_str())
                        .push_bind(now)
                        .push_bind(party.name_ky.as_deref())
                        .push_bind(party.region.as_deref());
                });
                query.push(
                    " ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
                     identifier_scheme = excluded.identifier_scheme, identifier_id = excluded.identifier_id, \
                     legal_name = excluded.legal_name, json = excluded.json, seen_seconds = excluded.seen_seconds, \
                     seen_nanos = excluded.seen_nanos, seen_ocid = excluded.seen_ocid, updated_at = excluded.updated_at, \
                     name_ky = excluded.name_ky, region = excluded.region \
                     WHERE (organisations.seen_seconds, organisations.seen_nanos, organisations.seen_ocid) \
                         <= (excluded.seen_seconds, excluded.seen_nanos, excluded.seen_ocid)",
                );
                organisations_written +=
                    query.build().execute(&mut *tx).await?.rows_affected() as usize;
            }
            // Remove a mark only if no import bumped it since it was read: otherwise the
            // process changed again and stays marked.
            for chunk in marks.chunks(ROWS_PER_STATEMENT) {
                let mut query = QueryBuilder::<Db>::new(
                    "DELETE FROM dirty_processes WHERE (ocid, mark) IN (VALUES ",
                );
                let mut list = query.separated(", ");
                for (ocid, mark) in chunk {
                    list.push("(");
                    list.push_bind_unseparated(ocid.as_str());
                    list.push_unseparated(", ");
                    list.push_bind_unseparated(*mark);
                    list.push_unseparated(")");
                }
                query.push(")");
                query.build().execute(&mut *tx).await?;
            }
            // Summaries last, under the next search generation: the counter's row stays
            // locked until commit, so generations commit in their order and the search index
            // of a running server can load just the rows written after the ones it has.
            let generation: i64 = sqlx::query_scalar::<Db, i64>(
                "UPDATE search_generation SET generation = generation + 1 WHERE id = 1 \
                 RETURNING generation",
            )
            .fetch_one(&mut *tx)
            .await?;
            for chunk in outputs.chunks(ROWS_PER_STATEMENT) {
                let mut query = QueryBuilder::<Db>::new(
                    "INSERT INTO process_summaries (ocid, title, buyer_id, buyer_name, buyer_name_ky, region, method, \
                     method_details, status, category, year, date, date_seconds, value_amount, \
                     value_currency, bids, search_text, generation) ",
                );
                query.push_values(chunk, |mut row, output| {
                    let summary = &output.summary;
                    row.push_bind(summary.ocid.as_str())
                        .push_bind(summary.title.as_deref())
                        .push_bind(summary.buyer_id.as_deref())
                        .push_bind(summary.buyer_name.as_deref())
                        .push_bind(summary.buyer_name_ky.as_deref())
                        .push_bind(summary.region.as_deref())
                        .push_bind(summary.method.as_deref())
                        .push_bind(summary.method_details.as_deref())
                        .push_bind(summary.status.as_deref())
                        .push_bind(summary.category.as_deref())
                        .push_bind(summary.year)
                        .push_bind(summary.date.as_str())
                        .push_bind(summary.date_seconds)
                        .push_bind(summary.value_amount)
                        .push_bind(summary.value_currency.as_deref())
                        .push_bind(summary.bids)
                        .push_bind(summary.search_text.as_str())
                        .push_bind(generation);
                });
                // Two recomputes of one process at once (two imports) write the same row.
                query.push(
                    " ON CONFLICT (ocid) DO UPDATE SET title = excluded.title, buyer_id = excluded.buyer_id, \
                     buyer_name = excluded.buyer_name, buyer_name_ky = excluded.buyer_name_ky, \
                     region = excluded.region, method = excluded.method, \
                     method_details = excluded.method_details, status = excluded.status, \
                     category = excluded.category, year = excluded.year, date = excluded.date, \
                     date_seconds = excluded.date_seconds, value_amount = excluded.value_amount, \
                     value_currency = excluded.value_currency, bids = excluded.bids, \
                     search_text = excluded.search_text, generation = excluded.generation",
                );
                query.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            organisations_written
        });
        Ok(RecomputeSummary {
            processes: outputs.len(),
            organisations: organisations_written,
            warnings: warnings.len(),
        })
    }

    async fn count(&self, sql: &'static str) -> Result<i64, StoreError> {
        Ok(with_pool!(self, |pool, Db, _begin| sqlx::query_scalar::<
            Db,
            i64,
        >(sql)
        .fetch_one(pool)
        .await?))
    }

    /// Stored releases, versions included.
    pub async fn count_releases(&self) -> Result<i64, StoreError> {
        self.count("SELECT COUNT(*) FROM releases").await
    }

    pub async fn count_compiled_releases(&self) -> Result<i64, StoreError> {
        self.count("SELECT COUNT(*) FROM compiled_releases").await
    }

    pub async fn count_organisations(&self) -> Result<i64, StoreError> {
        self.count("SELECT COUNT(*) FROM organisations").await
    }

    /// Processes waiting for their compiled release to be recomputed.
    /// The data generation: it moves on with every committed write that changes what the
    /// site shows (every recompute takes the next one), so whatever was computed from the
    /// database under one generation stays right while it lasts.
    pub async fn data_generation(&self) -> Result<i64, StoreError> {
        self.count("SELECT generation FROM search_generation WHERE id = 1")
            .await
    }

    /// What a rendered page depends on: the data generation and the last moderation action
    /// (a published report shows on process and organisation pages).
    pub async fn page_generation(&self) -> Result<(i64, i64), StoreError> {
        let row: (i64, i64) = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (i64, i64)>(
                "SELECT (SELECT generation FROM search_generation WHERE id = 1), \
                 (SELECT COALESCE(MAX(id), 0) FROM moderation_log)",
            )
            .fetch_one(pool)
            .await?
        });
        Ok(row)
    }

    pub async fn count_dirty(&self) -> Result<i64, StoreError> {
        self.count("SELECT COUNT(*) FROM dirty_processes").await
    }

    /// The compiled release of one process.
    pub async fn compiled_release(&self, ocid: &Ocid) -> Result<CompiledReleaseRow, StoreError> {
        let row: Option<(String, String, i64, String)> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (String, String, i64, String)>(
                "SELECT ocid, json, release_count, latest_date FROM compiled_releases WHERE ocid = $1",
            )
            .bind(ocid.as_str())
            .fetch_optional(pool)
            .await?
        });
        let (ocid_text, json, release_count, latest_date) =
            row.ok_or_else(|| StoreError::NotFound {
                what: "compiled release",
                key: ocid.to_string(),
            })?;
        Ok(CompiledReleaseRow {
            ocid: Ocid(ocid_text),
            json,
            release_count,
            latest_date,
        })
    }

    /// Up to `limit` compiled releases after `after`, in ocid order (byte order on both
    /// backends). Page through all of them by passing the last ocid of a page.
    pub async fn compiled_releases_page(
        &self,
        after: Option<&Ocid>,
        limit: usize,
    ) -> Result<Vec<CompiledReleaseRow>, StoreError> {
        // No ocid is empty (releases without one are rejected), so "" comes before them all.
        // A `$1 IS NULL OR ...` instead would keep a generic plan from starting the index scan
        // at `$1`: every page would scan from the first row.
        let after = after.map_or("", Ocid::as_str);
        let rows: Vec<(String, String, i64, String)> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (String, String, i64, String)>(
                "SELECT ocid, json, release_count, latest_date FROM compiled_releases \
                 WHERE ocid > $1 ORDER BY ocid LIMIT $2",
            )
            .bind(after)
            .bind(limit as i64)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(ocid, json, release_count, latest_date)| CompiledReleaseRow {
                    ocid: Ocid(ocid),
                    json,
                    release_count,
                    latest_date,
                },
            )
            .collect())
    }

    /// Up to `limit` stored releases after the one with key `after` (`(ocid, id)`), in ocid
    /// then import order.
    pub async fn releases_page(
        &self,
        after: Option<(&Ocid, i64)>,
        limit: usize,
    ) -> Result<Vec<ReleaseRow>, StoreError> {
        // ("", 0) comes before every stored release, as in `compiled_releases_page`.
        let (after_ocid, after_id) = after.map_or(("", 0), |(ocid, id)| (ocid.as_str(), id));
        let rows = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, ReleaseTuple>(AssertSqlSafe(format!(
                "SELECT {RELEASE_COLUMNS} FROM releases \
                 WHERE (ocid, id) > ($1, $2) ORDER BY ocid, id LIMIT $3"
            )))
            .bind(after_ocid)
            .bind(after_id)
            .bind(limit as i64)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(release_row).collect()
    }

    /// The stored releases of one process, in import order.
    pub async fn releases_of(&self, ocid: &Ocid) -> Result<Vec<ReleaseRow>, StoreError> {
        let rows = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, ReleaseTuple>(AssertSqlSafe(format!(
                "SELECT {RELEASE_COLUMNS} FROM releases WHERE ocid = $1 ORDER BY id"
            )))
            .bind(ocid.as_str())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(release_row).collect()
    }

    /// The merge warnings of one process's compiled release.
    pub async fn merge_warnings(&self, ocid: &Ocid) -> Result<Vec<MergeWarningRow>, StoreError> {
        let rows: Vec<(String, String)> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (String, String)>(
                "SELECT path, message FROM merge_warnings WHERE ocid = $1 ORDER BY position",
            )
            .bind(ocid.as_str())
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(path, message)| MergeWarningRow {
                ocid: ocid.clone(),
                path,
                message,
            })
            .collect())
    }

    pub async fn organisation(&self, id: &OrgId) -> Result<OrganisationRow, StoreError> {
        type Row = (
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
            String,
            Option<String>,
            Option<String>,
        );
        let row: Option<Row> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, Row>(
                "SELECT id, name, identifier_scheme, identifier_id, legal_name, json, seen_ocid, \
                 name_ky, region FROM organisations WHERE id = $1",
            )
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?
        });
        let (
            id_text,
            name,
            identifier_scheme,
            identifier_id,
            legal_name,
            json,
            seen_in,
            name_ky,
            region,
        ) = row.ok_or_else(|| StoreError::NotFound {
            what: "organisation",
            key: id.to_string(),
        })?;
        Ok(OrganisationRow {
            id: OrgId(id_text),
            name,
            identifier_scheme,
            identifier_id,
            legal_name,
            name_ky,
            region,
            json,
            seen_in: Ocid(seen_in),
        })
    }

    /// The organisations of one process with their roles, by organisation then role.
    pub async fn parties_of(&self, ocid: &Ocid) -> Result<Vec<ProcessPartyRow>, StoreError> {
        self.process_parties("ocid", ocid.as_str()).await
    }

    /// The processes an organisation takes part in with its roles, by ocid then role.
    pub async fn processes_of(
        &self,
        organisation: &OrgId,
    ) -> Result<Vec<ProcessPartyRow>, StoreError> {
        self.process_parties("organisation_id", organisation.as_str())
            .await
    }

    pub async fn count_normalised_releases(&self) -> Result<i64, StoreError> {
        self.count("SELECT COUNT(*) FROM normalised_releases").await
    }

    /// The normalised compiled release of one process.
    pub async fn normalised_release(
        &self,
        ocid: &Ocid,
    ) -> Result<NormalisedReleaseRow, StoreError> {
        let row: Option<(String, String, Option<String>)> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (String, String, Option<String>)>(
                "SELECT ocid, json, region FROM normalised_releases WHERE ocid = $1",
            )
            .bind(ocid.as_str())
            .fetch_optional(pool)
            .await?
        });
        let (ocid, json, region) = row.ok_or_else(|| StoreError::NotFound {
            what: "normalised release",
            key: ocid.to_string(),
        })?;
        Ok(NormalisedReleaseRow {
            ocid: Ocid(ocid),
            json,
            region,
        })
    }

    /// Up to `limit` normalised compiled releases after `after`, in ocid order, like
    /// [`Store::compiled_releases_page`].
    pub async fn normalised_releases_page(
        &self,
        after: Option<&Ocid>,
        limit: usize,
    ) -> Result<Vec<NormalisedReleaseRow>, StoreError> {
        let after = after.map_or("", Ocid::as_str);
        let rows: Vec<(String, String, Option<String>)> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (String, String, Option<String>)>(
                "SELECT ocid, json, region FROM normalised_releases WHERE ocid > $1 \
                 ORDER BY ocid LIMIT $2",
            )
            .bind(after)
            .bind(limit as i64)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(ocid, json, region)| NormalisedReleaseRow {
                ocid: Ocid(ocid),
                json,
                region,
            })
            .collect())
    }

    /// The normalised compiled releases of these processes, in the order asked for (a process
    /// without one is left out).
    pub async fn normalised_releases_of(
        &self,
        ocids: &[Ocid],
    ) -> Result<Vec<NormalisedReleaseRow>, StoreError> {
        let mut found: HashMap<String, NormalisedReleaseRow> = HashMap::new();
        for chunk in ocids.chunks(ROWS_PER_STATEMENT) {
            let rows: Vec<(String, String, Option<String>)> =
                with_pool!(self, |pool, Db, _begin| {
                    let mut query = QueryBuilder::<Db>::new(
                        "SELECT ocid, json, region FROM normalised_releases WHERE ocid IN (",
                    );
                    let mut list = query.separated(", ");
                    for ocid in chunk {
                        list.push_bind(ocid.as_str());
                    }
                    query.push(")");
                    query.build_query_as().fetch_all(pool).await?
                });
            for (ocid, json, region) in rows {
                found.insert(
                    ocid.clone(),
                    NormalisedReleaseRow {
                        ocid: Ocid(ocid),
                        json,
                        region,
                    },
                );
            }
        }
        Ok(ocids
            .iter()
            .filter_map(|ocid| found.remove(ocid.as_str()))
            .collect())
    }

    /// The data-quality notes of one process, in the order the normaliser made them.
    pub async fn quality_notes(&self, ocid: &Ocid) -> Result<Vec<QualityNoteRow>, StoreError> {
        type Row = (String, String, Option<String>, Option<String>);
        let rows: Vec<Row> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, Row>(
                "SELECT rule, path, before_json, after_json FROM quality_notes WHERE ocid = $1 \
                 ORDER BY position",
            )
            .bind(ocid.as_str())
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(rule, path, before, after)| QualityNoteRow {
                ocid: ocid.clone(),
                note: QualityNote {
                    rule,
                    path,
                    before,
                    after,
                },
            })
            .collect())
    }

    /// How many processes and notes each normaliser rule has, by rule code.
    pub async fn quality_totals(&self) -> Result<Vec<QualityTotalRow>, StoreError> {
        let rows: Vec<(String, i64, i64)> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (String, i64, i64)>(
                "SELECT rule, COUNT(DISTINCT ocid), COUNT(*) FROM quality_notes \
                 GROUP BY rule ORDER BY rule",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(rule, processes, notes)| QualityTotalRow {
                rule,
                processes,
                notes,
            })
            .collect())
    }

    /// Marks every stored process for recompute, so that the next recompute rebuilds every
    /// compiled and normalised release (after the normaliser's settings changed). Returns how
    /// many processes were marked.
    pub async fn mark_all_dirty(&self) -> Result<u64, StoreError> {
        Ok(with_pool!(self, |pool, Db, begin| {
            let mut tx = pool.begin_with(begin).await?;
            // A mark already there is bumped, as an import bumps it, so that a recompute
            // running now does not remove it.
            let marked = sqlx::query::<Db>(
                "INSERT INTO dirty_processes (ocid, mark) SELECT DISTINCT ocid, 1 FROM releases \
                 WHERE true ON CONFLICT (ocid) DO UPDATE SET mark = dirty_processes.mark + 1",
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            marked
        }))
    }

    /// Processes matching a search, a page of them in its order, with facet counts.
    pub async fn search(&self, params: &SearchParams) -> Result<SearchResult, StoreError> {
        if let Some(index) = &self.search_index
            && params.participant.is_none()
        {
            return self.search_with_index(index, params).await;
        }
        let patterns = patterns(params.text.as_deref().unwrap_or(""));
        let per_page = i64::from(params.per_page.clamp(1, 200));
        let offset = i64::from(params.page) * per_page;
        Ok(with_pool!(self, |pool, Db, _begin| {
            // " WHERE …" with every filter but `skip`'s.
            let push_filters = |query: &mut QueryBuilder<Db>, skip: Option<Facet>| {
                query.push(" WHERE 1 = 1");
                // Words never hold `%`, `_` or `\\` (the tokenizer splits there), so the
                // patterns need no escape clause. No text index: word searches over every
                // process go to the in-memory index, and the ones that come here are mostly
                // within one organisation's processes, which its filter picks first.
                for pattern in &patterns {
                    query.push(" AND search_text LIKE ");
                    query.push_bind(pattern.clone());
                }
                let text_filters = [
                    (Facet::Region, &params.region),
                    (Facet::Method, &params.method),
                    (Facet::Status, &params.status),
                    (Facet::Category, &params.category),
                ];
                for (facet, value) in text_filters {
                    if let Some(value) = value
                        && skip != Some(facet)
                    {
                        query.push(format!(" AND {} = ", facet.column()));
                        query.push_bind(value.clone());
                    }
                }
                if let Some(year) = params.year
                    && skip != Some(Facet::Year)
                {
                    query.push(" AND year = ");
                    query.push_bind(year);
                }
                if let Some(buyer) = &params.buyer {
                    query.push(" AND buyer_id = ");
                    query.push_bind(buyer.clone());
                }
                if let Some((organisation, role)) = &params.participant {
                    query.push(
                        " AND ocid IN (SELECT ocid FROM process_parties WHERE organisation_id = ",
                    );
                    query.push_bind(organisation.clone());
                    query.push(" AND role = ");
                    query.push_bind(role.clone());
                    query.push(")");
                }
                if let Some(flag) = &params.flag
                    && skip != Some(Facet::Flag)
                {
                    query.push(" AND ocid IN (SELECT id FROM flag_results WHERE grp = 'ocid'");
                    if flag != "any" {
                        query.push(" AND code = ");
                        query.push_bind(flag.clone());
                    }
                    query.push(")");
                }
                if skip != Some(Facet::Value) {
                    if let Some(min) = params.min_value {
                        query.push(" AND value_amount >= ");
                        query.push_bind(min);
                    }
                    if let Some(max) = params.max_value {
                        query.push(" AND value_amount <= ");
                        query.push_bind(max);
                    }
                    if let Some(below) = params.below_value {
                        query.push(" AND value_amount < ");
                        query.push_bind(below);
                    }
                }
            };
            let mut query = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM process_summaries");
            push_filters(&mut query, None);
            let total: i64 = query.build_query_scalar().fetch_one(pool).await?;

            let mut query = QueryBuilder::<Db>::new(SUMMARY_SELECT);
            push_filters(&mut query, None);
            query.push(format!(" ORDER BY {} LIMIT ", params.sort.order_by()));
            query.push_bind(per_page);
            query.push(" OFFSET ");
            query.push_bind(offset);
            let rows: Vec<SummaryColumns> = query.build_query_as().fetch_all(pool).await?;

            let mut facets = Vec::new();
            for facet in Facet::ALL.into_iter().filter(|_| !params.skip_facets) {
                if facet == Facet::Flag {
                    let mut query = QueryBuilder::<Db>::new(
                        "SELECT code, COUNT(*) FROM flag_results WHERE grp = 'ocid' AND id IN \
                         (SELECT ocid FROM process_summaries",
                    );
                    push_filters(&mut query, Some(facet));
                    query.push(") GROUP BY code ORDER BY COUNT(*) DESC, code LIMIT 60");
                    let counts: Vec<(String, i64)> = query.build_query_as().fetch_all(pool).await?;
                    facets.push((facet, counts));
                    continue;
                }
                let column = facet.column();
                let mut query = QueryBuilder::<Db>::new(format!(
                    "SELECT COALESCE(CAST({column} AS TEXT), ''), COUNT(*) FROM process_summaries"
                ));
                push_filters(&mut query, Some(facet));
                query.push(format!(
                    " GROUP BY {column} ORDER BY COUNT(*) DESC, COALESCE(CAST({column} AS TEXT), '') LIMIT 60"
                ));
                let counts: Vec<(String, i64)> = query.build_query_as().fetch_all(pool).await?;
                facets.push((facet, counts));
            }
            SearchResult {
                rows: rows.into_iter().map(summary_row).collect(),
                total,
                facets,
            }
        }))
    }

    /// Loads the summaries written since the index's generation.
    async fn refresh_search_index(&self, index: &SearchIndex) -> Result<(), StoreError> {
        // Replaced rows stay in the index, dead, until it is loaded afresh.
        let afresh = index.wants_reload();
        let loaded = if afresh { 0 } else { index.generation() };
        let (current, changed, flags): (i64, Vec<IndexColumns>, Vec<(String, String)>) =
            with_pool!(self, |pool, Db, _begin| {
                let current: i64 = sqlx::query_scalar::<Db, i64>(
                    "SELECT generation FROM search_generation WHERE id = 1",
                )
                .fetch_one(pool)
                .await?;
                let changed = if current > loaded {
                    sqlx::query_as::<Db, IndexColumns>(sqlx::AssertSqlSafe(format!(
                        "{INDEX_SELECT} WHERE generation > $1"
                    )))
                    .bind(loaded)
                    .fetch_all(pool)
                    .await?
                } else {
                    Vec::new()
                };
                // The flags of the last run, again: a run moves the generation on too.
                let flags = sqlx::query_as::<Db, (String, String)>(
                    "SELECT id, code FROM flag_results WHERE grp = 'ocid'",
                )
                .fetch_all(pool)
                .await?;
                (current, changed, flags)
            });
        if current > loaded {
            index.apply(changed, current, flags, afresh);
        }
        Ok(())
    }

    /// [`Store::search`] through the in-memory index: brought up to date first (by one search
    /// at a time), the page's rows then read from the database.
    async fn search_with_index(
        &self,
        index: &SearchIndex,
        params: &SearchParams,
    ) -> Result<SearchResult, StoreError> {
        let current: i64 = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_scalar::<Db, i64>("SELECT generation FROM search_generation WHERE id = 1")
                .fetch_one(pool)
                .await?
        });
        if current > index.generation() {
            let _refreshing = index.refreshing.lock().await;
            // Another search may have loaded the rows while this one waited.
            if current > index.generation() {
                self.refresh_search_index(index).await?;
            }
        }
        // The stems, as the SQL path binds them between `%`s.
        let words: Vec<String> = patterns(params.text.as_deref().unwrap_or(""))
            .into_iter()
            .map(|pattern| pattern.trim_matches('%').to_string())
            .collect();
        let per_page = params.per_page.clamp(1, 200) as usize;
        let offset = params.page as usize * per_page;
        let answer = index.answer(params, &words, per_page, offset);
        let mut rows = Vec::with_capacity(answer.page.len());
        if !answer.page.is_empty() {
            let found: Vec<SummaryColumns> = with_pool!(self, |pool, Db, _begin| {
                let mut query =
                    QueryBuilder::<Db>::new(format!("{SUMMARY_SELECT} WHERE ocid IN ("));
                let mut list = query.separated(", ");
                for ocid in &answer.page {
                    list.push_bind(ocid.as_str());
                }
                query.push(")");
                query.build_query_as().fetch_all(pool).await?
            });
            let mut found: HashMap<String, SummaryColumns> = found
                .into_iter()
                .map(|columns| (columns.0.clone(), columns))
                .collect();
            rows.extend(
                answer
                    .page
                    .iter()
                    .filter_map(|ocid| found.remove(ocid))
                    .map(summary_row),
            );
        }
        Ok(SearchResult {
            rows,
            total: answer.total,
            facets: answer.facets,
        })
    }

    /// Every process grouped by one facet, for analytics: counts, estimated value in KGS,
    /// competition and direct purchases per group, by key.
    pub async fn group_stats(&self, facet: Facet) -> Result<Vec<GroupStats>, StoreError> {
        self.group_stats_of(facet, None).await
    }

    /// [`Store::group_stats`] over the processes of one buyer only, when one is given.
    pub async fn group_stats_of(
        &self,
        facet: Facet,
        buyer: Option<&OrgId>,
    ) -> Result<Vec<GroupStats>, StoreError> {
        let mut groups = self.group_stats_by(&[facet], buyer).await?;
        Ok(groups.pop().unwrap_or_default())
    }

    /// [`Store::group_stats_of`] for up to four facets at once, in their order: one pass over
    /// the processes and one over their suppliers, grouped by every facet together and then
    /// added up per facet (counts and sums add; a supplier's awards add across groups).
    pub async fn group_stats_by(
        &self,
        facets: &[Facet],
        buyer: Option<&OrgId>,
    ) -> Result<Vec<Vec<GroupStats>>, StoreError> {
        assert!(facets.len() <= 4, "at most four facets at once");
        /// The four keys, then the process count and the sums.
        type Row = (
            String,
            String,
            String,
            String,
            i64,
            Option<f64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
        );
        type SupplierRow = (String, String, String, String, String, i64);
        // Each facet's key as text ('' when missing); unused places are ''.
        let keys: Vec<String> = (0..4)
            .map(|place| match facets.get(place) {
                Some(facet) => format!("COALESCE(CAST({} AS TEXT), '')", facet.column()),
                None => "''".to_string(),
            })
            .collect();
        let named = keys
            .iter()
            .enumerate()
            .map(|(place, key)| format!("{key} AS k{}", place + 1))
            .collect::<Vec<_>>()
            .join(", ");
        let keys = keys.join(", ");
        let buyer = buyer.map_or("", OrgId::as_str);
        let (rows, suppliers): (Vec<Row>, Vec<SupplierRow>) =
            with_pool!(self, |pool, Db, _begin| {
                let rows = sqlx::query_as::<Db, Row>(AssertSqlSafe(format!(
                    "SELECT {keys}, COUNT(*), \
                     SUM(CASE WHEN value_currency = 'KGS' THEN value_amount END), \
                     CAST(SUM(CASE WHEN bids > 0 THEN 1 ELSE 0 END) AS BIGINT), \
                     CAST(SUM(CASE WHEN bids = 1 THEN 1 ELSE 0 END) AS BIGINT), \
                     CAST(SUM(CASE WHEN method = 'direct' THEN 1 ELSE 0 END) AS BIGINT), \
                     CAST(SUM(CASE WHEN ocid IN (SELECT id FROM flag_results WHERE grp = 'ocid') \
                       THEN 1 ELSE 0 END) AS BIGINT) \
                     FROM process_summaries WHERE ($1 = '' OR buyer_id = $1) \
                     GROUP BY 1, 2, 3, 4"
                )))
                .bind(buyer)
                .fetch_all(pool)
                .await?;
                let suppliers = sqlx::query_as::<Db, SupplierRow>(AssertSqlSafe(format!(
                    "SELECT k1, k2, k3, k4, supplier, COUNT(*) FROM ( \
                   SELECT {named}, parties.organisation_id AS supplier \
                   FROM process_summaries \
                   JOIN process_parties parties ON parties.ocid = process_summaries.ocid \
                     AND parties.role = 'supplier' \
                   WHERE ($1 = '' OR buyer_id = $1) \
                 ) awards GROUP BY k1, k2, k3, k4, supplier"
                )))
                .bind(buyer)
                .fetch_all(pool)
                .await?;
                (rows, suppliers)
            });
        let key_of = |keys: [&String; 4], place: usize| keys[place].clone();
        let mut all = Vec::with_capacity(facets.len());
        for place in 0..facets.len() {
            let mut groups: std::collections::BTreeMap<String, GroupStats> =
                std::collections::BTreeMap::new();
            for (a, b, c, d, processes, value, with_bids, single_bid, direct, flagged) in &rows {
                let key = key_of([a, b, c, d], place);
                let group = groups.entry(key.clone()).or_insert_with(|| GroupStats {
                    key,
                    ..GroupStats::default()
                });
                group.processes += processes;
                group.value_kgs += value.unwrap_or(0.0);
                group.with_bids += with_bids.unwrap_or(0);
                group.single_bid += single_bid.unwrap_or(0);
                group.direct += direct.unwrap_or(0);
                group.flagged += flagged.unwrap_or(0);
            }
            // Each group's awards per supplier, then its three suppliers with the most.
            let mut awards: HashMap<(String, &str), i64> = HashMap::new();
            for (a, b, c, d, supplier, count) in &suppliers {
                *awards
                    .entry((key_of([a, b, c, d], place), supplier))
                    .or_default() += count;
            }
            let mut per_group: HashMap<String, Vec<i64>> = HashMap::new();
            for ((key, _), count) in awards {
                per_group.entry(key).or_default().push(count);
            }
            for (key, mut counts) in per_group {
                counts.sort_unstable_by(|a, b| b.cmp(a));
                if let Some(group) = groups.get_mut(&key) {
                    group.awards = counts.iter().sum();
                    group.top_supplier_awards = counts.iter().take(3).sum();
                }
            }
            all.push(groups.into_values().collect());
        }
        Ok(all)
    }

    /// The organisations a buyer's processes were awarded to (or, for a supplier, the buyers
    /// whose processes it won), with how many processes each, most first, then by id.
    pub async fn partners(
        &self,
        organisation: &OrgId,
        limit: usize,
    ) -> Result<Vec<(OrgId, Option<String>, i64)>, StoreError> {
        type Row = (String, Option<String>, i64);
        let rows: Vec<Row> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, Row>(
                "SELECT partner, MAX(name), COUNT(*) FROM ( \
                   SELECT parties.organisation_id AS partner, organisations.name AS name \
                   FROM process_summaries summaries \
                   JOIN process_parties parties ON parties.ocid = summaries.ocid AND parties.role = 'supplier' \
                   LEFT JOIN organisations ON organisations.id = parties.organisation_id \
                   WHERE summaries.buyer_id = $1 \
                   UNION ALL \
                   SELECT summaries.buyer_id AS partner, summaries.buyer_name AS name \
                   FROM process_parties parties \
                   JOIN process_summaries summaries ON summaries.ocid = parties.ocid \
                   WHERE parties.organisation_id = $1 AND parties.role = 'supplier' \
                     AND summaries.buyer_id IS NOT NULL \
                 ) pairs WHERE partner <> $1 GROUP BY partner ORDER BY COUNT(*) DESC, partner LIMIT $2",
            )
            .bind(organisation.as_str())
            .bind(limit as i64)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name, processes)| (OrgId(id), name, processes))
            .collect())
    }

    /// What the processes of one buyer add up to.
    pub async fn buyer_stats(&self, buyer: &OrgId) -> Result<BuyerStats, StoreError> {
        type Row = (
            i64,
            Option<f64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
        );
        let row: Row = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, Row>(
                "SELECT COUNT(*), \
                 SUM(CASE WHEN value_currency = 'KGS' THEN value_amount END), \
                 CAST(SUM(CASE WHEN bids > 0 THEN 1 ELSE 0 END) AS BIGINT), \
                 CAST(SUM(CASE WHEN bids = 1 THEN 1 ELSE 0 END) AS BIGINT), \
                 CAST(SUM(bids) AS BIGINT), \
                 CAST(SUM(CASE WHEN method = 'direct' THEN 1 ELSE 0 END) AS BIGINT) \
                 FROM process_summaries WHERE buyer_id = $1",
            )
            .bind(buyer.as_str())
            .fetch_one(pool)
            .await?
        });
        Ok(BuyerStats {
            processes: row.0,
            value_kgs: row.1.unwrap_or(0.0),
            with_bids: row.2.unwrap_or(0),
            single_bid: row.3.unwrap_or(0),
            bids: row.4.unwrap_or(0),
            direct: row.5.unwrap_or(0),
        })
    }

    async fn process_parties(
        &self,
        column: &'static str,
        key: &str,
    ) -> Result<Vec<ProcessPartyRow>, StoreError> {
        let rows: Vec<(String, String, String)> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (String, String, String)>(AssertSqlSafe(format!(
                "SELECT ocid, organisation_id, role FROM process_parties WHERE {column} = $1 \
                 ORDER BY ocid, organisation_id, role"
            )))
            .bind(key)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(ocid, organisation, role)| ProcessPartyRow {
                ocid: Ocid(ocid),
                organisation_id: OrgId(organisation),
                role,
            })
            .collect())
    }
}

/// A dirty mark as read: the process and the mark's value then.
type Mark = (String, i64);

/// Processes merged and waiting to be written, with the marks to remove when they are.
type MergedBatch = (Vec<ProcessOutput>, Vec<Mark>);

const RELEASE_COLUMNS: &str = "id, ocid, release_id, content_hash, json, date, extensions, source";
type ReleaseTuple = (
    i64,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
);

fn release_row(
    (id, ocid, release_id, content_hash, json, date, extensions, source): ReleaseTuple,
) -> Result<ReleaseRow, StoreError> {
    let extensions = serde_json::from_str(&extensions).map_err(|error| StoreError::Conflict {
        what: "release",
        key: format!("{ocid} #{id}"),
        message: format!("stored extension list is not a JSON array of strings: {error}"),
    })?;
    Ok(ReleaseRow {
        id,
        ocid: Ocid(ocid),
        release_id,
        content_hash,
        json,
        date,
        extensions,
        source,
    })
}

/// Nanoseconds since the epoch as whole seconds and the nanoseconds past them (0..1e9), each
/// fitting a 64-bit column for any date a release can carry.
fn split_instant(instant: i128) -> (i64, i64) {
    let seconds = instant.div_euclid(1_000_000_000);
    let nanos = instant.rem_euclid(1_000_000_000);
    (
        i64::try_from(seconds).unwrap_or(if seconds < 0 { i64::MIN } else { i64::MAX }),
        nanos as i64,
    )
}

pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_split_into_seconds_and_nanoseconds() {
        assert_eq!(split_instant(0), (0, 0));
        assert_eq!(split_instant(1_500_000_000), (1, 500_000_000));
        assert_eq!(split_instant(-500_000_000), (-1, 500_000_000));
    }
}
