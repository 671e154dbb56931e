//! Citizen reports, their photos and additions, and the append-only moderation log (migration
//! 0013). The store keeps what it is given: receipts arrive hashed, contacts sealed and days
//! already blurred (`achyk_civic` does that); the state rules are checked by the caller, and the
//! store only makes each change conditional on the state it was decided from, so two moderators
//! acting at once cannot both win.

use crate::error::StoreError;
use crate::store::{Pool, Store, with_pool};

/// A report as received, with its photos (already re-encoded).
#[derive(Debug, Clone, Default)]
pub struct NewReport {
    pub receipt_hash: String,
    pub category: String,
    pub body: String,
    pub ocid: Option<String>,
    pub organisation: Option<String>,
    /// ISO 3166-2 code of the region.
    pub region: Option<String>,
    /// The village or place as the reporter named it.
    pub place: Option<String>,
    /// The contact sealed to the CSO's key (base64), never in clear.
    pub contact_sealed: Option<String>,
    pub disclosure: String,
    pub gender: Option<String>,
    pub age_group: Option<String>,
    /// `YYYY-MM-DD` in Bishkek.
    pub received_on: String,
    pub photos: Vec<NewPhoto>,
    /// The checklist of a site visit to a project, when the report is one.
    pub visit: Option<NewVisit>,
}

/// The answers of a citizen's visit to a project's site (migration 0017).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewVisit {
    pub project_id: String,
    /// `YYYY-MM-DD`.
    pub visited_on: String,
    /// Is work going on: `yes`, `no`, `unsure`; `None` when not asked.
    pub work: Option<String>,
    /// The signboard with contractor and budget: `complete`, `incomplete`, `missing`, `unsure`.
    pub signboard: Option<String>,
    /// Visible defects: `yes`, `no`, `unsure`.
    pub defects: Option<String>,
    /// Is the finished facility in use: `yes`, `no`, `unsure`; `None` when not asked.
    pub in_use: Option<String>,
}

/// What the published visits to a project found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitSummary {
    pub visits: i64,
    /// The first and last day visited.
    pub first: Option<String>,
    pub last: Option<String>,
    pub work_stopped: i64,
    pub signboard_missing: i64,
    pub defects: i64,
    pub not_in_use: i64,
}

#[derive(Debug, Clone)]
pub struct NewPhoto {
    pub jpeg: Vec<u8>,
    pub width: i64,
    pub height: i64,
}

/// A stored report.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ReportRow {
    pub id: i64,
    pub state: String,
    pub category: String,
    pub body: String,
    pub public_text: Option<String>,
    pub ocid: Option<String>,
    pub organisation: Option<String>,
    pub region: Option<String>,
    pub place: Option<String>,
    pub contact_sealed: Option<String>,
    pub disclosure: String,
    pub gender: Option<String>,
    pub age_group: Option<String>,
    pub received_on: String,
    pub published_on: Option<String>,
    pub merged_into: Option<i64>,
    pub anonymised_on: Option<String>,
}

/// A photo of a report, without its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoRow {
    pub id: i64,
    pub report_id: i64,
    pub width: i64,
    pub height: i64,
    pub hidden: bool,
    /// Added by the reporter after the decision, not yet looked at by a moderator.
    pub awaiting_review: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AdditionRow {
    pub id: i64,
    pub body: String,
    pub received_on: String,
}

/// What a moderation action changes. `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ReportChange {
    pub state: Option<String>,
    pub public_text: Option<Option<String>>,
    pub ocid: Option<Option<String>>,
    pub organisation: Option<Option<String>>,
    pub merged_into: Option<i64>,
    pub published_on: Option<String>,
    pub disclosure: Option<String>,
}

/// Who acts, how the action is named in the log, why, and when (Unix seconds).
#[derive(Debug, Clone, Copy)]
pub struct Moderation<'a> {
    pub actor: i64,
    pub action: &'a str,
    pub reason: &'a str,
    pub at: i64,
}

/// One entry of the moderation log.
#[derive(Debug, Clone, PartialEq)]
pub struct ModerationEntry {
    pub id: i64,
    pub report_id: i64,
    pub actor: i64,
    pub action: String,
    pub reason: String,
    /// JSON object of the changed fields before the action.
    pub before: String,
    /// JSON object of the changed fields after it.
    pub after: String,
    pub at: i64,
}

/// Which reports a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportsAbout<'a> {
    All,
    Process(&'a str),
    Organisation(&'a str),
    /// A project: its site visits and the reports about its processes.
    Project(&'a str),
}

const REPORT_COLUMNS: &str = "id, state, category, body, public_text, ocid, organisation, \
     region, place, contact_sealed, disclosure, gender, age_group, received_on, published_on, \
     merged_into, anonymised_on";

/// The public states (a moderator published the report, redacted or not).
const PUBLIC_STATES: &str = "('published', 'published_redacted')";

impl Store {
    /// Stores a report and its photos in one transaction, in state `received`. Returns its id.
    /// A receipt hash already used is a `Conflict` (a collision of 100-bit codes, or a replay).
    pub async fn create_report(&self, report: &NewReport) -> Result<i64, StoreError> {
        let result: Result<i64, sqlx::Error> = with_pool!(self, |pool, Db, begin| {
            async {
                let mut tx = pool.begin_with(begin).await?;
                let id = sqlx::query_scalar::<Db, i64>(
                    "INSERT INTO reports (receipt_hash, state, category, body, ocid, \
                     organisation, region, place, contact_sealed, disclosure, gender, \
                     age_group, received_on) \
                     VALUES ($1, 'received', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                     RETURNING id",
                )
                .bind(&report.receipt_hash)
                .bind(&report.category)
                .bind(&report.body)
                .bind(&report.ocid)
                .bind(&report.organisation)
                .bind(&report.region)
                .bind(&report.place)
                .bind(&report.contact_sealed)
                .bind(&report.disclosure)
                .bind(&report.gender)
                .bind(&report.age_group)
                .bind(&report.received_on)
                .fetch_one(&mut *tx)
                .await?;
                if let Some(visit) = &report.visit {
                    sqlx::query::<Db>(
                        "INSERT INTO site_visits (report_id, project_id, visited_on, work, \
                         signboard, defects, in_use) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(id)
                    .bind(&visit.project_id)
                    .bind(&visit.visited_on)
                    .bind(&visit.work)
                    .bind(&visit.signboard)
                    .bind(&visit.defects)
                    .bind(&visit.in_use)
                    .execute(&mut *tx)
                    .await?;
                }
                for photo in &report.photos {
                    sqlx::query::<Db>(
                        "INSERT INTO report_photos (report_id, jpeg, width, height) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(id)
                    .bind(photo.jpeg.as_slice())
                    .bind(photo.width)
                    .bind(photo.height)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(id)
            }
            .await
        });
        match result {
            Ok(id) => Ok(id),
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                Err(StoreError::Conflict {
                    what: "report",
                    key: "receipt".into(),
                    message: "receipt already used".into(),
                })
            }
            Err(other) => Err(other.into()),
        }
    }

    /// The report whose receipt hashes to `receipt_hash`.
    pub async fn report_by_receipt(
        &self,
        receipt_hash: &str,
    ) -> Result<Option<ReportRow>, StoreError> {
        let sql = format!("SELECT {REPORT_COLUMNS} FROM reports WHERE receipt_hash = $1");
        let row: Option<ReportRow> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, ReportRow>(sqlx::AssertSqlSafe(sql))
                .bind(receipt_hash)
                .fetch_optional(pool)
                .await?
        });
        Ok(row)
    }

    pub async fn report(&self, id: i64) -> Result<ReportRow, StoreError> {
        let sql = format!("SELECT {REPORT_COLUMNS} FROM reports WHERE id = $1");
        let row: Option<ReportRow> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, ReportRow>(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        row.ok_or_else(|| StoreError::NotFound {
            what: "report",
            key: id.to_string(),
        })
    }

    /// Reports in any of `states`, oldest first (the moderation queue).
    pub async fn reports_in_states(&self, states: &[&str]) -> Result<Vec<ReportRow>, StoreError> {
        if states.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=states.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM reports WHERE state IN ({}) ORDER BY id",
            placeholders.join(", ")
        );
        let rows: Vec<ReportRow> = with_pool!(self, |pool, Db, _begin| {
            let mut query = sqlx::query_as::<Db, ReportRow>(sqlx::AssertSqlSafe(sql));
            for state in states {
                query = query.bind(*state);
            }
            query.fetch_all(pool).await?
        });
        Ok(rows)
    }

    /// Published reports, newest first, with the total.
    pub async fn published_reports(
        &self,
        about: ReportsAbout<'_>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<ReportRow>, i64), StoreError> {
        let (filter, key) = match about {
            ReportsAbout::All => ("", None),
            ReportsAbout::Process(ocid) => (" AND ocid = $3", Some(ocid)),
            ReportsAbout::Organisation(id) => (" AND organisation = $3", Some(id)),
            ReportsAbout::Project(id) => (
                " AND (id IN (SELECT report_id FROM site_visits WHERE project_id = $3) \
                 OR ocid IN (SELECT ocid FROM project_processes WHERE project_id = $3))",
                Some(id),
            ),
        };
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM reports WHERE state IN {PUBLIC_STATES}{filter} \
             ORDER BY id DESC LIMIT $1 OFFSET $2"
        );
        let count_sql = format!(
            "SELECT COUNT(*) FROM reports WHERE state IN {PUBLIC_STATES}{}",
            filter.replace("$3", "$1")
        );
        let (rows, total): (Vec<ReportRow>, i64) = with_pool!(self, |pool, Db, _begin| {
            let mut query = sqlx::query_as::<Db, ReportRow>(sqlx::AssertSqlSafe(sql))
                .bind(limit)
                .bind(offset);
            let mut count = sqlx::query_scalar::<Db, i64>(sqlx::AssertSqlSafe(count_sql));
            if let Some(key) = key {
                query = query.bind(key);
                count = count.bind(key);
            }
            (query.fetch_all(pool).await?, count.fetch_one(pool).await?)
        });
        Ok((rows, total))
    }

    /// What the published visits to a project found (visits not yet published, or kept private,
    /// count for nothing here).
    pub async fn visit_summary(&self, project_id: &str) -> Result<VisitSummary, StoreError> {
        let sql = format!(
            "SELECT COUNT(*), MIN(v.visited_on), MAX(v.visited_on), \
             COALESCE(SUM(CASE WHEN v.work = 'no' THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN v.signboard = 'missing' THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN v.defects = 'yes' THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN v.in_use = 'no' THEN 1 ELSE 0 END), 0) \
             FROM site_visits v JOIN reports r ON r.id = v.report_id \
             WHERE v.project_id = $1 AND r.state IN {PUBLIC_STATES}"
        );
        type Counts = (i64, Option<String>, Option<String>, i64, i64, i64, i64);
        let row: Counts = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, Counts>(sqlx::AssertSqlSafe(sql))
                .bind(project_id)
                .fetch_one(pool)
                .await?
        });
        Ok(VisitSummary {
            visits: row.0,
            first: row.1,
            last: row.2,
            work_stopped: row.3,
            signboard_missing: row.4,
            defects: row.5,
            not_in_use: row.6,
        })
    }

    /// The photos of a report, in the order they were sent.
    pub async fn report_photos(&self, report_id: i64) -> Result<Vec<PhotoRow>, StoreError> {
        let rows: Vec<(i64, i64, i64, i64, i64, i64)> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (i64, i64, i64, i64, i64, i64)>(
                "SELECT id, report_id, width, height, hidden, awaiting_review FROM report_photos \
                 WHERE report_id = $1 ORDER BY id",
            )
            .bind(report_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|row| PhotoRow {
                id: row.0,
                report_id: row.1,
                width: row.2,
                height: row.3,
                hidden: row.4 != 0,
                awaiting_review: row.5 != 0,
            })
            .collect())
    }

    /// A photo's row and its JPEG bytes.
    pub async fn photo(&self, id: i64) -> Result<(PhotoRow, Vec<u8>), StoreError> {
        type PhotoTuple = (i64, i64, i64, i64, i64, Vec<u8>, i64);
        let row: Option<PhotoTuple> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, PhotoTuple>(
                "SELECT id, report_id, width, height, hidden, jpeg, awaiting_review \
                     FROM report_photos WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        let row = row.ok_or_else(|| StoreError::NotFound {
            what: "photo",
            key: id.to_string(),
        })?;
        Ok((
            PhotoRow {
                id: row.0,
                report_id: row.1,
                width: row.2,
                height: row.3,
                hidden: row.4 != 0,
                awaiting_review: row.6 != 0,
            },
            row.5,
        ))
    }

    /// Adds photos the reporter sent later (already re-encoded). On a report still waiting for
    /// its decision they are like the first ones; once decided, they arrive hidden and wait
    /// for a moderator (`awaiting_review`). Returns how many were added.
    pub async fn add_photos_to_report(
        &self,
        report_id: i64,
        photos: &[NewPhoto],
    ) -> Result<usize, StoreError> {
        with_pool!(self, |pool, Db, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let state: Option<(String,)> =
                sqlx::query_as::<Db, (String,)>("SELECT state FROM reports WHERE id = $1")
                    .bind(report_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((state,)) = state else {
                return Err(StoreError::NotFound {
                    what: "report",
                    key: report_id.to_string(),
                });
            };
            let decided = i64::from(!matches!(state.as_str(), "received" | "in_review"));
            for photo in photos {
                sqlx::query::<Db>(
                    "INSERT INTO report_photos (report_id, jpeg, width, height, hidden, \
                     awaiting_review) VALUES ($1, $2, $3, $4, $5, $5)",
                )
                .bind(report_id)
                .bind(photo.jpeg.as_slice())
                .bind(photo.width)
                .bind(photo.height)
                .bind(decided)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(photos.len())
    }

    /// Reports with a photo added after the decision that no moderator has looked at yet.
    pub async fn reports_with_photos_awaiting_review(&self) -> Result<Vec<ReportRow>, StoreError> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM reports WHERE id IN \
             (SELECT report_id FROM report_photos WHERE awaiting_review = 1) ORDER BY id"
        );
        let rows: Vec<ReportRow> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, ReportRow>(sqlx::AssertSqlSafe(sql))
                .fetch_all(pool)
                .await?
        });
        Ok(rows)
    }

    /// Adds the reporter's later text to a report.
    pub async fn add_to_report(
        &self,
        report_id: i64,
        body: &str,
        received_on: &str,
    ) -> Result<(), StoreError> {
        with_pool!(self, |pool, Db, _begin| {
            sqlx::query::<Db>(
                "INSERT INTO report_additions (report_id, body, received_on) VALUES ($1, $2, $3)",
            )
            .bind(report_id)
            .bind(body)
            .bind(received_on)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    pub async fn report_additions(&self, report_id: i64) -> Result<Vec<AdditionRow>, StoreError> {
        let rows: Vec<(i64, String, String)> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (i64, String, String)>(
                "SELECT id, body, received_on FROM report_additions WHERE report_id = $1 \
                 ORDER BY id",
            )
            .bind(report_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, body, received_on)| AdditionRow {
                id,
                body,
                received_on,
            })
            .collect())
    }

    /// Applies a moderation action if the report is still in `expected_state`, and logs it
    /// (who, what, why, the changed fields before and after) in the same transaction. A report
    /// that moved on meanwhile is a `Conflict` and nothing changes.
    pub async fn moderate_report(
        &self,
        report_id: i64,
        expected_state: &str,
        moderation: Moderation<'_>,
        change: &ReportChange,
    ) -> Result<(), StoreError> {
        let Moderation {
            actor,
            action,
            reason,
            at: now,
        } = moderation;
        let before = self.report(report_id).await?;
        let mut old = serde_json::Map::new();
        let mut new = serde_json::Map::new();
        let mut record = |name: &str, was: serde_json::Value, will: serde_json::Value| {
            if was != will {
                old.insert(name.to_owned(), was);
                new.insert(name.to_owned(), will);
            }
        };
        use serde_json::json;
        if let Some(state) = &change.state {
            record("state", json!(before.state), json!(state));
        }
        if let Some(text) = &change.public_text {
            record("public_text", json!(before.public_text), json!(text));
        }
        if let Some(ocid) = &change.ocid {
            record("ocid", json!(before.ocid), json!(ocid));
        }
        if let Some(organisation) = &change.organisation {
            record(
                "organisation",
                json!(before.organisation),
                json!(organisation),
            );
        }
        if let Some(merged) = change.merged_into {
            record("merged_into", json!(before.merged_into), json!(merged));
        }
        if let Some(day) = &change.published_on {
            record("published_on", json!(before.published_on), json!(day));
        }
        if let Some(disclosure) = &change.disclosure {
            record("disclosure", json!(before.disclosure), json!(disclosure));
        }
        let before_json = serde_json::Value::Object(old).to_string();
        let after_json = serde_json::Value::Object(new).to_string();
        let state = change.state.clone().unwrap_or(before.state.clone());
        let public_text = change.public_text.clone().unwrap_or(before.public_text);
        let ocid = change.ocid.clone().unwrap_or(before.ocid);
        let organisation = change.organisation.clone().unwrap_or(before.organisation);
        let merged_into = change.merged_into.or(before.merged_into);
        let published_on = change.published_on.clone().or(before.published_on);
        let disclosure = change.disclosure.clone().unwrap_or(before.disclosure);
        let changed: u64 = with_pool!(self, |pool, Db, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let changed = sqlx::query::<Db>(
                "UPDATE reports SET state = $1, public_text = $2, ocid = $3, organisation = $4, \
                 merged_into = $5, published_on = $6, disclosure = $7 \
                 WHERE id = $8 AND state = $9",
            )
            .bind(&state)
            .bind(&public_text)
            .bind(&ocid)
            .bind(&organisation)
            .bind(merged_into)
            .bind(&published_on)
            .bind(&disclosure)
            .bind(report_id)
            .bind(expected_state)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 1 {
                sqlx::query::<Db>(
                    "INSERT INTO moderation_log (report_id, actor, action, reason, before, \
                     after, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(report_id)
                .bind(actor)
                .bind(action)
                .bind(reason)
                .bind(&before_json)
                .bind(&after_json)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
            }
            changed
        });
        if changed == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict {
                what: "report",
                key: report_id.to_string(),
                message: format!("the report is no longer {expected_state}"),
            })
        }
    }

    /// Replaces a photo's bytes (a moderator blacked out part of it) or hides or shows it, and
    /// logs the action against its report.
    pub async fn moderate_photo(
        &self,
        photo_id: i64,
        actor: i64,
        reason: &str,
        jpeg: Option<&[u8]>,
        hidden: Option<bool>,
        now: i64,
    ) -> Result<(), StoreError> {
        let (photo, _) = self.photo(photo_id).await?;
        let mut before = serde_json::Map::new();
        let mut after = serde_json::Map::new();
        let action = if jpeg.is_some() {
            before.insert("photo".into(), photo_id.into());
            after.insert("photo".into(), photo_id.into());
            after.insert("blacked_out".into(), true.into());
            "black_out_photo"
        } else if hidden.is_some() {
            "hide_photo"
        } else {
            // Looked at a photo added later and left it as it was.
            before.insert("photo".into(), photo_id.into());
            after.insert("photo".into(), photo_id.into());
            after.insert("reviewed".into(), true.into());
            "review_photo"
        };
        if let Some(hidden) = hidden {
            before.insert("photo".into(), photo_id.into());
            before.insert("hidden".into(), photo.hidden.into());
            after.insert("photo".into(), photo_id.into());
            after.insert("hidden".into(), hidden.into());
        }
        let before = serde_json::Value::Object(before).to_string();
        let after = serde_json::Value::Object(after).to_string();
        with_pool!(self, |pool, Db, begin| {
            let mut tx = pool.begin_with(begin).await?;
            if let Some(jpeg) = jpeg {
                sqlx::query::<Db>("UPDATE report_photos SET jpeg = $1 WHERE id = $2")
                    .bind(jpeg)
                    .bind(photo_id)
                    .execute(&mut *tx)
                    .await?;
            }
            if let Some(hidden) = hidden {
                sqlx::query::<Db>("UPDATE report_photos SET hidden = $1 WHERE id = $2")
                    .bind(i64::from(hidden))
                    .bind(photo_id)
                    .execute(&mut *tx)
                    .await?;
            }
            // Any action on a photo is a moderator having looked at it.
            sqlx::query::<Db>("UPDATE report_photos SET awaiting_review = 0 WHERE id = $1")
                .bind(photo_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query::<Db>(
                "INSERT INTO moderation_log (report_id, actor, action, reason, before, after, \
                 at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(photo.report_id)
            .bind(actor)
            .bind(action)
            .bind(reason)
            .bind(&before)
            .bind(&after)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The moderation log, oldest first: of one report, or all of it.
    pub async fn moderation_log(
        &self,
        report_id: Option<i64>,
    ) -> Result<Vec<ModerationEntry>, StoreError> {
        type Tuple = (i64, i64, i64, String, String, String, String, i64);
        let rows: Vec<Tuple> = with_pool!(self, |pool, Db, _begin| {
            match report_id {
                Some(id) => {
                    sqlx::query_as::<Db, Tuple>(
                        "SELECT id, report_id, actor, action, reason, before, after, at \
                         FROM moderation_log WHERE report_id = $1 ORDER BY id",
                    )
                    .bind(id)
                    .fetch_all(pool)
                    .await?
                }
                None => {
                    sqlx::query_as::<Db, Tuple>(
                        "SELECT id, report_id, actor, action, reason, before, after, at \
                         FROM moderation_log ORDER BY id",
                    )
                    .fetch_all(pool)
                    .await?
                }
            }
        });
        Ok(rows
            .into_iter()
            .map(|row| ModerationEntry {
                id: row.0,
                report_id: row.1,
                actor: row.2,
                action: row.3,
                reason: row.4,
                before: row.5,
                after: row.6,
                at: row.7,
            })
            .collect())
    }
}
