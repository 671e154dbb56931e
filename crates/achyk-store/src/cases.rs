//! CSO cases to public bodies, their timeline and attachments, and the directory of public
//! bodies (migration 0014). The lifecycle and the deadlines are `achyk_civic`'s; the store keeps
//! what it is given and makes each step conditional on the state it was decided from.

use crate::error::StoreError;
use crate::store::{Pool, Store, with_pool};

/// A public body that receives appeals.
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct PublicBody {
    pub id: i64,
    /// Its organisation key when it buys (`KG-INN-…`).
    pub organisation: Option<String>,
    pub name_ky: String,
    pub name_ru: String,
    pub name_en: String,
    pub email: Option<String>,
    pub address: Option<String>,
    pub reception_url: Option<String>,
    /// An oversight body (to escalate to).
    pub oversight: i64,
}

#[derive(Debug, Clone, Default)]
pub struct NewCase {
    pub cso_id: Option<i64>,
    pub opened_by: i64,
    pub body_id: i64,
    pub ocid: Option<String>,
    pub organisation: Option<String>,
    pub title: String,
    pub legal_basis: String,
    pub request: String,
    pub evidence: String,
    pub letter_language: String,
    pub opened_on: String,
    pub reports: Vec<i64>,
    pub flags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub cso_id: Option<i64>,
    pub opened_by: i64,
    pub body_id: i64,
    pub ocid: Option<String>,
    pub organisation: Option<String>,
    pub title: String,
    pub legal_basis: String,
    pub request: String,
    pub evidence: String,
    pub letter_language: String,
    pub state: String,
    pub outcome: Option<String>,
    pub opened_on: String,
    pub clock_started_on: Option<String>,
    pub due_on: Option<String>,
    pub due_beyond_year: Option<i64>,
    pub escalated_to: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CaseEvent {
    pub id: i64,
    pub case_id: i64,
    pub actor: Option<i64>,
    pub kind: String,
    pub state: String,
    pub day: String,
    pub at: i64,
    pub public: i64,
    pub text: String,
    pub channel: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AttachmentRow {
    pub id: i64,
    pub event_id: i64,
    pub name: String,
    pub content_type: String,
}

/// A step of a case: the event to add, the state it leads to, and what else changes.
#[derive(Debug, Clone, Default)]
pub struct CaseStep {
    pub actor: Option<i64>,
    pub kind: String,
    pub state: String,
    pub day: String,
    pub at: i64,
    pub public: bool,
    pub text: String,
    pub channel: Option<String>,
    /// A new clock: (start day, due day, last calendar year when the count ran past it).
    pub clock: Option<(String, String, Option<i64>)>,
    pub outcome: Option<String>,
    pub escalated_to: Option<i64>,
    /// Re-address the case to another body (after "not responsible").
    pub body_id: Option<i64>,
    pub attachments: Vec<NewAttachment>,
}

const CASE_COLUMNS: &str = "id, cso_id, opened_by, body_id, ocid, organisation, title, \
     legal_basis, request, evidence, letter_language, state, outcome, opened_on, \
     clock_started_on, due_on, due_beyond_year, escalated_to";

const BODY_COLUMNS: &str =
    "id, organisation, name_ky, name_ru, name_en, email, address, reception_url, oversight";

impl Store {
    /// Adds a public body, or updates the one with `body.id` when it is not 0.
    pub async fn save_public_body(&self, body: &PublicBody) -> Result<i64, StoreError> {
        let result: Result<i64, sqlx::Error> = with_pool!(self, |pool, Db, _begin| {
            if body.id == 0 {
                sqlx::query_scalar::<Db, i64>(
                    "INSERT INTO public_bodies (organisation, name_ky, name_ru, name_en, email, \
                     address, reception_url, oversight) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     RETURNING id",
                )
                .bind(&body.organisation)
                .bind(&body.name_ky)
                .bind(&body.name_ru)
                .bind(&body.name_en)
                .bind(&body.email)
                .bind(&body.address)
                .bind(&body.reception_url)
                .bind(body.oversight)
                .fetch_one(pool)
                .await
            } else {
                sqlx::query::<Db>(
                    "UPDATE public_bodies SET organisation = $1, name_ky = $2, name_ru = $3, \
                     name_en = $4, email = $5, address = $6, reception_url = $7, oversight = $8 \
                     WHERE id = $9",
                )
                .bind(&body.organisation)
                .bind(&body.name_ky)
                .bind(&body.name_ru)
                .bind(&body.name_en)
                .bind(&body.email)
                .bind(&body.address)
                .bind(&body.reception_url)
                .bind(body.oversight)
                .bind(body.id)
                .execute(pool)
                .await
                .map(|_| body.id)
            }
        });
        match result {
            Ok(id) => Ok(id),
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                Err(StoreError::Conflict {
                    what: "public body",
                    key: body.organisation.clone().unwrap_or_default(),
                    message: "another body has this organisation".into(),
                })
            }
            Err(other) => Err(other.into()),
        }
    }

    /// The directory, by name in Russian.
    pub async fn public_bodies(&self) -> Result<Vec<PublicBody>, StoreError> {
        let sql = format!("SELECT {BODY_COLUMNS} FROM public_bodies ORDER BY name_ru, id");
        Ok(with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, PublicBody>(sqlx::AssertSqlSafe(sql))
                .fetch_all(pool)
                .await?
        }))
    }

    pub async fn public_body(&self, id: i64) -> Result<PublicBody, StoreError> {
        let sql = format!("SELECT {BODY_COLUMNS} FROM public_bodies WHERE id = $1");
        let row: Option<PublicBody> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, PublicBody>(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        row.ok_or_else(|| StoreError::NotFound {
            what: "public body",
            key: id.to_string(),
        })
    }

    /// The body that is this organisation, if the directory has it.
    pub async fn public_body_of(
        &self,
        organisation: &str,
    ) -> Result<Option<PublicBody>, StoreError> {
        let sql = format!("SELECT {BODY_COLUMNS} FROM public_bodies WHERE organisation = $1");
        Ok(with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, PublicBody>(sqlx::AssertSqlSafe(sql))
                .bind(organisation)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Opens a case in state `prepared`, with its reports and flags and an internal "opened"
    /// event, in one transaction.
    pub async fn create_case(&self, case: &NewCase, at: i64) -> Result<i64, StoreError> {
        let id = with_pool!(self, |pool, Db, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let id = sqlx::query_scalar::<Db, i64>(
                "INSERT INTO cases (cso_id, opened_by, body_id, ocid, organisation, title, \
                 legal_basis, request, evidence, letter_language, state, opened_on) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'prepared', $11) RETURNING id",
            )
            .bind(case.cso_id)
            .bind(case.opened_by)
            .bind(case.body_id)
            .bind(&case.ocid)
            .bind(&case.organisation)
            .bind(&case.title)
            .bind(&case.legal_basis)
            .bind(&case.request)
            .bind(&case.evidence)
            .bind(&case.letter_language)
            .bind(&case.opened_on)
            .fetch_one(&mut *tx)
            .await?;
            for report in &case.reports {
                sqlx::query::<Db>("INSERT INTO case_reports (case_id, report_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(report)
                    .execute(&mut *tx)
                    .await?;
            }
            for code in &case.flags {
                sqlx::query::<Db>("INSERT INTO case_flags (case_id, code) VALUES ($1, $2)")
                    .bind(id)
                    .bind(code)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query::<Db>(
                "INSERT INTO case_events (case_id, actor, kind, state, day, at, public, text) \
                 VALUES ($1, $2, 'opened', 'prepared', $3, $4, 1, '')",
            )
            .bind(id)
            .bind(case.opened_by)
            .bind(&case.opened_on)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    pub async fn case(&self, id: i64) -> Result<CaseRow, StoreError> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1");
        let row: Option<CaseRow> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, CaseRow>(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        row.ok_or_else(|| StoreError::NotFound {
            what: "case",
            key: id.to_string(),
        })
    }

    /// Every case, newest first.
    pub async fn cases(&self) -> Result<Vec<CaseRow>, StoreError> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases ORDER BY id DESC");
        Ok(with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, CaseRow>(sqlx::AssertSqlSafe(sql))
                .fetch_all(pool)
                .await?
        }))
    }

    /// The cases a report is linked to.
    pub async fn cases_of_report(&self, report_id: i64) -> Result<Vec<CaseRow>, StoreError> {
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE id IN \
             (SELECT case_id FROM case_reports WHERE report_id = $1) ORDER BY id"
        );
        Ok(with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, CaseRow>(sqlx::AssertSqlSafe(sql))
                .bind(report_id)
                .fetch_all(pool)
                .await?
        }))
    }

    /// The reports and flag codes a case is built on.
    pub async fn case_evidence(&self, id: i64) -> Result<(Vec<i64>, Vec<String>), StoreError> {
        Ok(with_pool!(self, |pool, Db, _begin| {
            let reports = sqlx::query_scalar::<Db, i64>(
                "SELECT report_id FROM case_reports WHERE case_id = $1 ORDER BY report_id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            let flags = sqlx::query_scalar::<Db, String>(
                "SELECT code FROM case_flags WHERE case_id = $1 ORDER BY code",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            (reports, flags)
        }))
    }

    /// Takes a step if the case is still in `expected_state`: adds the event (and its
    /// attachments) and moves the case, in one transaction. A case that moved on is a
    /// `Conflict` and nothing changes. Returns the event's id.
    pub async fn case_step(
        &self,
        id: i64,
        expected_state: &str,
        step: &CaseStep,
    ) -> Result<i64, StoreError> {
        let result: Option<i64> = with_pool!(self, |pool, Db, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let (clock_start, due, beyond) = match &step.clock {
                Some((start, due, beyond)) => (Some(start.clone()), Some(due.clone()), *beyond),
                None => (None, None, None),
            };
            let changed = sqlx::query::<Db>(
                "UPDATE cases SET state = $1, \
                 outcome = COALESCE($2, outcome), \
                 clock_started_on = CASE WHEN $3 THEN $4 ELSE clock_started_on END, \
                 due_on = CASE WHEN $3 THEN $5 ELSE due_on END, \
                 due_beyond_year = CASE WHEN $3 THEN $6 ELSE due_beyond_year END, \
                 escalated_to = COALESCE($7, escalated_to), \
                 body_id = COALESCE($8, body_id) \
                 WHERE id = $9 AND state = $10",
            )
            .bind(&step.state)
            .bind(&step.outcome)
            .bind(step.clock.is_some())
            .bind(&clock_start)
            .bind(&due)
            .bind(beyond)
            .bind(step.escalated_to)
            .bind(step.body_id)
            .bind(id)
            .bind(expected_state)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 1 {
                let event = sqlx::query_scalar::<Db, i64>(
                    "INSERT INTO case_events (case_id, actor, kind, state, day, at, public, \
                     text, channel) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(id)
                .bind(step.actor)
                .bind(&step.kind)
                .bind(&step.state)
                .bind(&step.day)
                .bind(step.at)
                .bind(i64::from(step.public))
                .bind(&step.text)
                .bind(&step.channel)
                .fetch_one(&mut *tx)
                .await?;
                for attachment in &step.attachments {
                    sqlx::query::<Db>(
                        "INSERT INTO case_attachments (event_id, name, content_type, bytes) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(event)
                    .bind(&attachment.name)
                    .bind(&attachment.content_type)
                    .bind(attachment.bytes.as_slice())
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Some(event)
            } else {
                None
            }
        });
        result.ok_or_else(|| StoreError::Conflict {
            what: "case",
            key: id.to_string(),
            message: format!("the case is no longer {expected_state}"),
        })
    }

    /// The timeline of a case, oldest first.
    pub async fn case_events(&self, id: i64) -> Result<Vec<CaseEvent>, StoreError> {
        Ok(with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, CaseEvent>(
                "SELECT id, case_id, actor, kind, state, day, at, public, text, channel \
                 FROM case_events WHERE case_id = $1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The attachments of a case's events.
    pub async fn case_attachments(&self, id: i64) -> Result<Vec<AttachmentRow>, StoreError> {
        Ok(with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, AttachmentRow>(
                "SELECT a.id, a.event_id, a.name, a.content_type FROM case_attachments a \
                 JOIN case_events e ON e.id = a.event_id WHERE e.case_id = $1 ORDER BY a.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// An attachment with its bytes and the case it belongs to.
    pub async fn attachment(&self, id: i64) -> Result<(AttachmentRow, i64, Vec<u8>), StoreError> {
        let row: Option<(i64, i64, String, String, i64, Vec<u8>)> =
            with_pool!(self, |pool, Db, _begin| {
                sqlx::query_as::<Db, (i64, i64, String, String, i64, Vec<u8>)>(
                    "SELECT a.id, a.event_id, a.name, a.content_type, e.case_id, a.bytes \
                     FROM case_attachments a JOIN case_events e ON e.id = a.event_id \
                     WHERE a.id = $1",
                )
                .bind(id)
                .fetch_optional(pool)
                .await?
            });
        let row = row.ok_or_else(|| StoreError::NotFound {
            what: "attachment",
            key: id.to_string(),
        })?;
        Ok((
            AttachmentRow {
                id: row.0,
                event_id: row.1,
                name: row.2,
                content_type: row.3,
            },
            row.4,
            row.5,
        ))
    }
}
