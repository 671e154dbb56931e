//! Infrastructure projects (migration 0016): stored as received, once per distinct content,
//! with the columns that search, filter and draw the map read from them on the way in.

use std::sync::Arc;

use achyk_ocds::project::ProjectFacts;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::StoreError;
use crate::store::{Pool, Store, with_pool};

/// Where a resolver places a project: its region (an ISO 3166-2 code) and, when it had to
/// correct the published point (a point published as latitude, longitude), the point as
/// (longitude, latitude). Without a corrected point the first point as published is stored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectPlace {
    pub region: Option<String>,
    pub point: Option<(f64, f64)>,
}

/// Places a project from its locations; set with [`Store::with_project_regions`].
pub type RegionResolver = Arc<dyn Fn(&ProjectFacts) -> ProjectPlace + Send + Sync>;

/// What storing a project did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectStored {
    New,
    /// Another version of a project stored before; the new one is current.
    Changed,
    Unchanged,
}

/// A project as listed: the stored columns, and its text to read the rest from.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectRow {
    pub id: String,
    /// When this version was received (seconds since 1970).
    pub received_at: i64,
    pub source: String,
    pub title: String,
    pub status: Option<String>,
    pub sector: Option<String>,
    pub region: Option<String>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    pub currency: Option<String>,
    pub budget: Option<f64>,
    pub value_now: Option<f64>,
    pub cost_overrun: Option<f64>,
    pub planned_end: Option<String>,
    pub completed_on: Option<String>,
    /// Red flags raised on the project's processes.
    pub flags: i64,
}

/// Projects near each other on the map, drawn as one point.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectCluster {
    pub longitude: f64,
    pub latitude: f64,
    pub projects: i64,
    /// How many of them are late or over budget.
    pub alerts: i64,
    /// The first project's title, by title (the point's name when it is alone).
    pub title: String,
}

/// What to list; every part optional.
#[derive(Debug, Clone, Default)]
pub struct ProjectQuery {
    pub text: Option<String>,
    pub region: Option<String>,
    pub sector: Option<String>,
    pub status: Option<String>,
    /// Only projects whose cost overrun (against budget) is at least this share.
    pub min_cost_overrun: Option<f64>,
    /// Only projects past their planned end (completed late, or open and late on `today`).
    pub late_on: Option<String>,
    pub flagged: bool,
    /// Newest received first (for feeds) rather than by title.
    pub newest_first: bool,
}

type Row = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<f64>,
    Option<f64>,
    Option<String>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<String>,
    Option<String>,
    i64,
    i64,
);

/// The flags of a project's processes. Written as `IN` so that both planners go from the
/// project's few processes to their flags, never through every flag.
const FLAGS_OF_PROJECT: &str = "FROM flag_results f WHERE f.grp = 'ocid' AND f.id IN \
     (SELECT pp.ocid FROM project_processes pp WHERE pp.project_id = p.id)";

const COLUMNS: &str = "p.id, p.source, p.title, p.status, p.sector, p.region, p.longitude, \
     p.latitude, p.currency, p.budget, p.value_now, p.cost_overrun, p.planned_end, \
     p.completed_on, p.received_at";

fn row(row: Row) -> ProjectRow {
    ProjectRow {
        id: row.0,
        source: row.1,
        title: row.2,
        status: row.3,
        sector: row.4,
        region: row.5,
        longitude: row.6,
        latitude: row.7,
        currency: row.8,
        budget: row.9,
        value_now: row.10,
        cost_overrun: row.11,
        planned_end: row.12,
        completed_on: row.13,
        received_at: row.14,
        flags: row.15,
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

/// The WHERE clause of `query` with its parameters in order, numbered from `$1`. Only fixed
/// text goes into the SQL; every value the visitor gives is bound.
fn conditions(query: &ProjectQuery) -> (String, Vec<String>, Option<f64>) {
    let mut clauses = Vec::new();
    let mut texts = Vec::new();
    let mut push = |clause: &str, value: String, texts: &mut Vec<String>| {
        texts.push(value);
        clauses.push(clause.replace('?', &format!("${}", texts.len())));
    };
    if let Some(text) = query.text.as_deref().filter(|text| !text.trim().is_empty()) {
        // `%` and `_` typed by a visitor are searched for as themselves.
        let escaped = text
            .trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        push(
            "p.search LIKE ? ESCAPE '\\'",
            format!("%{escaped}%"),
            &mut texts,
        );
    }
    if let Some(region) = &query.region {
        push("p.region = ?", region.clone(), &mut texts);
    }
    if let Some(sector) = &query.sector {
        push("p.sector = ?", sector.clone(), &mut texts);
    }
    if let Some(status) = &query.status {
        push("p.status = ?", status.clone(), &mut texts);
    }
    if let Some(today) = &query.late_on {
        push(
            "p.planned_end IS NOT NULL AND COALESCE(p.completed_on, ?) > p.planned_end",
            today.clone(),
            &mut texts,
        );
    }
    if query.flagged {
        clauses.push(format!("EXISTS (SELECT 1 {FLAGS_OF_PROJECT})"));
    }
    let overrun = query.min_cost_overrun;
    if overrun.is_some() {
        clauses.push(format!("p.cost_overrun >= ${}", texts.len() + 1));
    }
    let clause = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    (clause, texts, overrun)
}

impl Store {
    /// The store, finding each project's region with `resolver` as it stores it.
    pub fn with_project_regions(mut self, resolver: RegionResolver) -> Store {
        self.project_regions = Some(resolver);
        self
    }

    /// Stores one project (its JSON text) from `source` (`oc4ids` or `cso`).
    pub async fn store_project(
        &self,
        json: &str,
        source: &str,
    ) -> Result<ProjectStored, StoreError> {
        let invalid = |message: &str| StoreError::Conflict {
            what: "project",
            key: String::new(),
            message: message.to_owned(),
        };
        let value: Value =
            serde_json::from_str(json).map_err(|error| invalid(&format!("not JSON: {error}")))?;
        let facts = ProjectFacts::read(&value).ok_or_else(|| invalid("a project needs an `id`"))?;
        let text = achyk_ocds::canonical::canonical_json(&value);
        let hash: String = Sha256::digest(text.as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        let place = self
            .project_regions
            .as_ref()
            .map(|resolver| resolver(&facts))
            .unwrap_or_default();
        let region = place.region;
        let value_now = facts.value_now();
        let currency = facts
            .budget
            .as_ref()
            .or(value_now.as_ref())
            .map(|money| money.currency.clone());
        let cost_overrun = facts.measures("1970-01-01").cost_over_budget;
        let mut search = facts.title.to_lowercase();
        for text in facts.description.iter().chain(facts.places.iter()) {
            search.push(' ');
            search.push_str(&text.to_lowercase());
        }
        let point = place.point.or_else(|| facts.points.first().copied());
        let ocids: Vec<String> = facts
            .processes
            .iter()
            .map(|process| process.ocid.clone())
            .collect();
        let received_at = now();
        let stored = with_pool!(self, |pool, Db, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let before: Option<(String,)> =
                sqlx::query_as::<Db, (String,)>("SELECT hash FROM projects WHERE id = $1")
                    .bind(&facts.id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let stored = match before {
                Some((old,)) if old == hash => ProjectStored::Unchanged,
                Some(_) => ProjectStored::Changed,
                None => ProjectStored::New,
            };
            if stored != ProjectStored::Unchanged {
                sqlx::query::<Db>(
                    "INSERT INTO project_versions (project_id, hash, data, received_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (project_id, hash) DO NOTHING",
                )
                .bind(&facts.id)
                .bind(&hash)
                .bind(&text)
                .bind(received_at)
                .execute(&mut *tx)
                .await?;
                sqlx::query::<Db>(
                    "INSERT INTO projects (id, source, hash, title, status, sector, region, \
                     longitude, latitude, currency, budget, value_now, cost_overrun, planned_end, \
                     completed_on, received_at, search) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
                     $9, $10, $11, $12, $13, $14, $15, $16, $17) ON CONFLICT (id) DO UPDATE \
                     SET source = excluded.source, hash = excluded.hash, \
                     title = excluded.title, status = excluded.status, sector = excluded.sector, \
                     search = excluded.search, \
                     region = excluded.region, longitude = excluded.longitude, \
                     latitude = excluded.latitude, currency = excluded.currency, \
                     budget = excluded.budget, value_now = excluded.value_now, \
                     cost_overrun = excluded.cost_overrun, planned_end = excluded.planned_end, \
                     completed_on = excluded.completed_on, received_at = excluded.received_at",
                )
                .bind(&facts.id)
                .bind(source)
                .bind(&hash)
                .bind(&facts.title)
                .bind(facts.status.as_deref())
                .bind(
                    facts
                        .sectors
                        .first()
                        .map(|sector| sector.split('.').next().unwrap_or(sector).to_owned()),
                )
                .bind(region.as_deref())
                .bind(point.map(|point| point.0))
                .bind(point.map(|point| point.1))
                .bind(currency.as_deref())
                .bind(facts.budget.as_ref().map(|money| money.amount))
                .bind(value_now.as_ref().map(|money| money.amount))
                .bind(cost_overrun)
                .bind(facts.planned_end.as_deref())
                .bind(facts.completed_on.as_deref())
                .bind(received_at)
                .bind(&search)
                .execute(&mut *tx)
                .await?;
                sqlx::query::<Db>("DELETE FROM project_processes WHERE project_id = $1")
                    .bind(&facts.id)
                    .execute(&mut *tx)
                    .await?;
                for ocid in &ocids {
                    sqlx::query::<Db>(
                        "INSERT INTO project_processes (project_id, ocid) VALUES ($1, $2) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(&facts.id)
                    .bind(ocid)
                    .execute(&mut *tx)
                    .await?;
                }
                // Pages showing projects are cached by the data generation.
                sqlx::query::<Db>(
                    "UPDATE search_generation SET generation = generation + 1 WHERE id = 1",
                )
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            stored
        });
        Ok(stored)
    }

    /// Projects matching `query`, by title (or newest first), and how many match in all.
    pub async fn projects(
        &self,
        query: &ProjectQuery,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<ProjectRow>, i64), StoreError> {
        let rows = self.project_page(query, limit, offset).await?;
        let total = self.count_projects(query).await?;
        Ok((rows, total))
    }

    /// One page of the projects matching `query`.
    pub async fn project_page(
        &self,
        query: &ProjectQuery,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ProjectRow>, StoreError> {
        let (clause, texts, overrun) = conditions(query);
        let next = texts.len() + usize::from(overrun.is_some());
        let order = if query.newest_first {
            "p.received_at DESC, p.id"
        } else {
            "p.title, p.id"
        };
        let list = format!(
            "SELECT {COLUMNS}, (SELECT COUNT(*) {FLAGS_OF_PROJECT}) FROM projects p{clause} \
             ORDER BY {order} LIMIT ${} OFFSET ${}",
            next + 1,
            next + 2
        );
        let rows = with_pool!(self, |pool, Db, _begin| {
            let mut select = sqlx::query_as::<Db, Row>(sqlx::AssertSqlSafe(list.as_str()));
            for text in &texts {
                select = select.bind(text);
            }
            if let Some(overrun) = overrun {
                select = select.bind(overrun);
            }
            select.bind(limit).bind(offset).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(row).collect())
    }

    /// How many projects match `query`.
    pub async fn count_projects(&self, query: &ProjectQuery) -> Result<i64, StoreError> {
        let (clause, texts, overrun) = conditions(query);
        let count = format!("SELECT COUNT(*) FROM projects p{clause}");
        let (total,) = with_pool!(self, |pool, Db, _begin| {
            let mut counting = sqlx::query_as::<Db, (i64,)>(sqlx::AssertSqlSafe(count.as_str()));
            for text in &texts {
                counting = counting.bind(text);
            }
            if let Some(overrun) = overrun {
                counting = counting.bind(overrun);
            }
            counting.fetch_one(pool).await?
        });
        Ok(total)
    }

    /// The matching projects with a point and a region, gathered into cells of a grid of
    /// `1 / cells_per_degree` degrees: for each cell its mean point, how many projects, how
    /// many of them need attention on `today` (late, or over budget by `alert_overrun` or
    /// more), and a title (the first by title). One pass over the table whatever its size.
    pub async fn project_clusters(
        &self,
        query: &ProjectQuery,
        cells_per_degree: f64,
        alert_overrun: f64,
        today: &str,
    ) -> Result<Vec<ProjectCluster>, StoreError> {
        let (clause, texts, overrun) = conditions(query);
        let joiner = if clause.is_empty() { " WHERE" } else { " AND" };
        // The filter's parameters come first; these three follow them.
        let taken = texts.len() + usize::from(overrun.is_some());
        let (today_at, overrun_at, cells_at) = (taken + 1, taken + 2, taken + 3);
        let sql = format!(
            "SELECT AVG(p.longitude), AVG(p.latitude), COUNT(*), \
             COALESCE(SUM(CASE WHEN p.cost_overrun >= ${overrun_at} OR (p.planned_end IS NOT NULL \
             AND COALESCE(p.completed_on, ${today_at}) > p.planned_end) THEN 1 ELSE 0 END), 0), \
             MIN(p.title) FROM projects p{clause}{joiner} p.longitude IS NOT NULL \
             AND p.latitude IS NOT NULL AND p.region IS NOT NULL \
             GROUP BY CAST(ROUND(p.longitude * ${cells_at}) AS INTEGER), \
             CAST(ROUND(p.latitude * ${cells_at}) AS INTEGER)"
        );
        type Cluster = (f64, f64, i64, i64, String);
        let rows: Vec<Cluster> = with_pool!(self, |pool, Db, _begin| {
            let mut select = sqlx::query_as::<Db, Cluster>(sqlx::AssertSqlSafe(sql.as_str()));
            for text in &texts {
                select = select.bind(text);
            }
            if let Some(overrun) = overrun {
                select = select.bind(overrun);
            }
            select
                .bind(today)
                .bind(alert_overrun)
                .bind(cells_per_degree)
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|row| ProjectCluster {
                longitude: row.0,
                latitude: row.1,
                projects: row.2,
                alerts: row.3,
                title: row.4,
            })
            .collect())
    }

    /// One project: its row and its stored JSON.
    pub async fn project(&self, id: &str) -> Result<(ProjectRow, Value), StoreError> {
        let select = format!(
            "SELECT {COLUMNS}, (SELECT COUNT(*) {FLAGS_OF_PROJECT}) FROM projects p WHERE p.id = $1"
        );
        let found: Option<(Row, String)> = with_pool!(self, |pool, Db, _begin| {
            let row = sqlx::query_as::<Db, Row>(sqlx::AssertSqlSafe(select.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await?;
            match row {
                None => None,
                Some(row) => {
                    let (data,) = sqlx::query_as::<Db, (String,)>(
                        "SELECT v.data FROM projects p JOIN project_versions v \
                         ON v.project_id = p.id AND v.hash = p.hash WHERE p.id = $1",
                    )
                    .bind(id)
                    .fetch_one(pool)
                    .await?;
                    Some((row, data))
                }
            }
        });
        let (stored, data) = found.ok_or_else(|| StoreError::NotFound {
            what: "project",
            key: id.to_owned(),
        })?;
        let value = serde_json::from_str(&data).map_err(|error| StoreError::Conflict {
            what: "project",
            key: id.to_owned(),
            message: format!("stored JSON is unreadable: {error}"),
        })?;
        Ok((row(stored), value))
    }

    /// The projects a process belongs to: (id, title).
    pub async fn projects_of_process(
        &self,
        ocid: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (String, String)>(
                "SELECT p.id, p.title FROM projects p JOIN project_processes pp \
                 ON pp.project_id = p.id WHERE pp.ocid = $1 ORDER BY p.title",
            )
            .bind(ocid)
            .fetch_all(pool)
            .await?
        });
        Ok(rows)
    }

    /// How many versions of a project were received.
    pub async fn project_version_count(&self, id: &str) -> Result<i64, StoreError> {
        let (count,): (i64,) = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (i64,)>(
                "SELECT COUNT(*) FROM project_versions WHERE project_id = $1",
            )
            .bind(id)
            .fetch_one(pool)
            .await?
        });
        Ok(count)
    }
}

/// A search of the projects page answered whole: one page of rows, how many match, and the
/// map's cells.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectListing {
    pub rows: Vec<ProjectRow>,
    pub total: i64,
    pub clusters: Vec<ProjectCluster>,
}

/// The projects held in memory for `achyk serve` ([`Store::with_project_index`]): what the
/// list's filters, count and map read, reloaded whenever the data generation moves (an import,
/// a flag run). Answers the same as the SQL (a test holds both to it).
#[derive(Default)]
pub struct ProjectIndex {
    loaded: tokio::sync::RwLock<Option<Loaded>>,
}

struct Loaded {
    generation: i64,
    /// By title, then id; each with its `search` text.
    entries: Vec<(ProjectRow, String)>,
}

/// The grid cell of a point, as the SQL computes it (`CAST(ROUND(x * cells) AS INTEGER)`).
fn cell(longitude: f64, latitude: f64, cells_per_degree: f64) -> (i64, i64) {
    (
        (longitude * cells_per_degree).round() as i64,
        (latitude * cells_per_degree).round() as i64,
    )
}

fn matches(row: &ProjectRow, search: &str, query: &ProjectQuery) -> bool {
    if let Some(text) = query.text.as_deref().filter(|text| !text.trim().is_empty())
        && !search.contains(&text.trim().to_lowercase())
    {
        return false;
    }
    let equal = |wanted: &Option<String>, have: &Option<String>| {
        wanted
            .as_ref()
            .is_none_or(|wanted| have.as_ref() == Some(wanted))
    };
    if !equal(&query.region, &row.region)
        || !equal(&query.sector, &row.sector)
        || !equal(&query.status, &row.status)
    {
        return false;
    }
    if let Some(today) = &query.late_on
        && !late(row, today)
    {
        return false;
    }
    if query.flagged && row.flags == 0 {
        return false;
    }
    if let Some(minimum) = query.min_cost_overrun
        && !row.cost_overrun.is_some_and(|share| share >= minimum)
    {
        return false;
    }
    true
}

/// Completed after its planned end, or open past it on `today` (days as `YYYY-MM-DD` text,
/// compared as the SQL compares them).
fn late(row: &ProjectRow, today: &str) -> bool {
    match &row.planned_end {
        Some(planned) => row.completed_on.as_deref().unwrap_or(today) > planned.as_str(),
        None => false,
    }
}

impl Store {
    /// The store, answering the projects page's searches from memory (for a long-running
    /// server); see [`ProjectIndex`].
    pub fn with_project_index(mut self) -> Store {
        self.project_index = Some(Arc::default());
        self
    }

    /// One page of a search of the projects page, its total and its map: from memory when the
    /// store has a [`ProjectIndex`], else by SQL.
    pub async fn project_listing(
        &self,
        query: &ProjectQuery,
        limit: i64,
        offset: i64,
        cells_per_degree: f64,
        alert_overrun: f64,
        today: &str,
    ) -> Result<ProjectListing, StoreError> {
        let Some(index) = &self.project_index else {
            return Ok(ProjectListing {
                rows: self.project_page(query, limit, offset).await?,
                total: self.count_projects(query).await?,
                clusters: self
                    .project_clusters(query, cells_per_degree, alert_overrun, today)
                    .await?,
            });
        };
        let generation = self.data_generation().await?;
        let fresh = index
            .loaded
            .read()
            .await
            .as_ref()
            .is_some_and(|loaded| loaded.generation == generation);
        if !fresh {
            let mut loaded = index.loaded.write().await;
            if loaded
                .as_ref()
                .is_none_or(|loaded| loaded.generation != generation)
            {
                *loaded = Some(Loaded {
                    generation,
                    entries: self.all_projects().await?,
                });
            }
        }
        let guard = index.loaded.read().await;
        let entries = &guard.as_ref().expect("loaded just now").entries;
        let mut total = 0;
        let mut rows = Vec::new();
        // Cells in the order first met; the first row of a cell has its smallest title.
        // (longitude sum, latitude sum, projects, alerts, title.)
        let mut cells: Vec<(f64, f64, i64, i64, String)> = Vec::new();
        let mut cell_at = std::collections::HashMap::new();
        for (row, search) in entries {
            if !matches(row, search, query) {
                continue;
            }
            if total >= offset && (total - offset) < limit {
                rows.push(row.clone());
            }
            total += 1;
            let (Some(longitude), Some(latitude), Some(_)) =
                (row.longitude, row.latitude, row.region.as_ref())
            else {
                continue;
            };
            let alert =
                row.cost_overrun.is_some_and(|share| share >= alert_overrun) || late(row, today);
            let key = cell(longitude, latitude, cells_per_degree);
            let at = *cell_at.entry(key).or_insert_with(|| {
                cells.push((0.0, 0.0, 0, 0, row.title.clone()));
                cells.len() - 1
            });
            let entry = &mut cells[at];
            entry.0 += longitude;
            entry.1 += latitude;
            entry.2 += 1;
            entry.3 += i64::from(alert);
        }
        let clusters = cells
            .into_iter()
            .map(
                |(longitude, latitude, projects, alerts, title)| ProjectCluster {
                    longitude: longitude / projects as f64,
                    latitude: latitude / projects as f64,
                    projects,
                    alerts,
                    title,
                },
            )
            .collect();
        Ok(ProjectListing {
            rows,
            total,
            clusters,
        })
    }

    /// Every project's row and search text, by title then id, for the index.
    async fn all_projects(&self) -> Result<Vec<(ProjectRow, String)>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS}, (SELECT COUNT(*) {FLAGS_OF_PROJECT}) FROM projects p \
             ORDER BY p.title, p.id"
        );
        let (rows, searches) = with_pool!(self, |pool, Db, begin| {
            // One transaction, so that both lists are of the same projects.
            let mut tx = pool.begin_with(begin).await?;
            let rows = sqlx::query_as::<Db, Row>(sqlx::AssertSqlSafe(sql.as_str()))
                .fetch_all(&mut *tx)
                .await?;
            let searches = sqlx::query_as::<Db, (String,)>(
                "SELECT p.search FROM projects p ORDER BY p.title, p.id",
            )
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            (rows, searches)
        });
        Ok(rows
            .into_iter()
            .map(row)
            .zip(searches.into_iter().map(|(search,)| search))
            .collect())
    }
}
