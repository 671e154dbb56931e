//! Citizen reports: what the report form and `POST /api/v1/reports` share. A report is taken
//! in, checked field by field, its photos re-encoded without metadata, its contact sealed to the
//! CSO's public key, and stored with only the day it came (in Bishkek) and the hash of its
//! receipt. Nothing about the sender (address, agent, forwarded-for headers, time of day) is
//! read, logged or kept on these routes.
//!
//! Abuse is limited by one token bucket for the whole server, keyed on nothing: it slows a flood
//! without telling one sender from another.

use std::sync::Mutex;
use std::time::Instant;

use achyk_civic::photo::{PhotoLimits, sanitise};
use achyk_civic::receipt::{ReceiptCode, ServerSecret};
use achyk_civic::seal::{SealPublicKey, seal_base64};
use achyk_store::{NewPhoto, NewReport, ReportRow, Store, StoreError};
use axum::extract::Multipart;

/// The categories a report can have, as stored (`report-category-…` in the locales).
pub const CATEGORIES: [&str; 5] = [
    "work_not_done",
    "poor_quality",
    "price_too_high",
    "favouritism",
    "other",
];
/// How much of their identity the reporter lets the CSO use (`achyk_civic::lifecycle::Disclosure`).
pub const DISCLOSURES: [&str; 3] = ["anonymous", "confidential", "disclosed"];
/// Self-declared, optional, for aggregate statistics only.
pub const GENDERS: [&str; 3] = ["female", "male", "other"];
pub const AGE_GROUPS: [&str; 5] = ["under_18", "18_29", "30_44", "45_59", "60_plus"];

/// The longest report text, in characters.
pub const MAX_TEXT: usize = 5_000;
/// The longest place or contact, in characters.
pub const MAX_SHORT: usize = 300;

/// What the server needs to take reports.
pub struct Civic {
    /// Keys the receipt hashes; kept outside the database.
    pub secret: ServerSecret,
    /// The monitoring CSO's public key; without it no contact is accepted.
    pub seal_key: Option<SealPublicKey>,
    pub photo_limits: PhotoLimits,
    pub max_photos: usize,
    limiter: Limiter,
}

impl Civic {
    pub fn new(secret: ServerSecret, seal_key: Option<SealPublicKey>) -> Civic {
        Civic {
            secret,
            seal_key,
            photo_limits: PhotoLimits::default(),
            max_photos: 5,
            limiter: Limiter::new(30.0, 60.0),
        }
    }

    /// Sets the server-wide limit: `per_minute` on average, `burst` at once.
    pub fn with_rate(mut self, per_minute: f64, burst: f64) -> Civic {
        self.limiter = Limiter::new(per_minute, burst);
        self
    }

    /// Takes one token, or says the server is busy.
    pub fn admit(&self) -> Result<(), IntakeError> {
        if self.limiter.take() {
            Ok(())
        } else {
            Err(IntakeError::Busy)
        }
    }

    /// The largest request body the report routes accept.
    pub fn body_limit(&self) -> usize {
        self.photo_limits.max_bytes * self.max_photos + 1024 * 1024
    }
}

/// A token bucket shared by every sender.
struct Limiter {
    per_second: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl Limiter {
    fn new(per_minute: f64, burst: f64) -> Limiter {
        Limiter {
            per_second: per_minute / 60.0,
            burst,
            state: Mutex::new((burst, Instant::now())),
        }
    }

    fn take(&self) -> bool {
        let mut state = self.state.lock().expect("the limiter lock");
        let now = Instant::now();
        let refill = now.duration_since(state.1).as_secs_f64() * self.per_second;
        state.0 = (state.0 + refill).min(self.burst);
        state.1 = now;
        if state.0 >= 1.0 {
            state.0 -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Why a report was not taken. `field` names the form field; the message id explains it in the
/// visitor's language (`report-error-…`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    #[error("{field}: {detail}")]
    Field {
        field: &'static str,
        message: &'static str,
        detail: String,
    },
    #[error("too many reports are arriving; try again in a minute")]
    Busy,
    #[error("reports are not taken on this server")]
    Disabled,
    #[error("the report could not be stored: {0}")]
    Store(String),
}

impl IntakeError {
    fn field(field: &'static str, message: &'static str, detail: impl Into<String>) -> Self {
        IntakeError::Field {
            field,
            message,
            detail: detail.into(),
        }
    }

    /// The message id that explains this error (`report-error-…`).
    pub fn message_id(&self) -> &'static str {
        match self {
            IntakeError::Field { message, .. } => message,
            IntakeError::Busy => "report-error-busy",
            IntakeError::Disabled => "report-error-disabled",
            IntakeError::Store(_) => "report-error-store",
        }
    }
}

/// The fields of a report as sent, before checking.
#[derive(Debug, Default, Clone)]
pub struct Draft {
    pub text: String,
    pub category: String,
    pub ocid: String,
    pub organisation: String,
    pub region: String,
    pub place: String,
    pub contact: String,
    pub disclosure: String,
    pub gender: String,
    pub age_group: String,
    /// The reporter asked to fill the region from a photo's GPS position (which is then
    /// dropped: only the region is kept).
    pub place_from_photo: bool,
    pub photos: Vec<Vec<u8>>,
    /// A site visit's checklist, already checked, when the report is one.
    pub visit: Option<achyk_store::NewVisit>,
}

impl Draft {
    /// Reads a multipart form. Unknown fields are an error, so that a misspelt field in an API
    /// call is not silently dropped.
    pub async fn read(multipart: Multipart, civic: &Civic) -> Result<Draft, IntakeError> {
        Draft::read_with(multipart, civic, &mut |_, _| false).await
    }

    /// [`Draft::read`] for a form with fields of its own: `extra` is offered each text field
    /// the report does not know, and answers whether it took it.
    pub async fn read_with(
        mut multipart: Multipart,
        civic: &Civic,
        extra: &mut (dyn FnMut(&str, String) -> bool + Send),
    ) -> Result<Draft, IntakeError> {
        let mut draft = Draft::default();
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(error) => {
                    return Err(IntakeError::field(
                        "form",
                        "report-error-form",
                        error.body_text(),
                    ));
                }
            };
            let name = field.name().unwrap_or("").to_owned();
            let bytes = field.bytes().await.map_err(|error| {
                IntakeError::field("form", "report-error-form", error.body_text())
            })?;
            if name == "photo" {
                // An empty file input sends a part with no bytes.
                if bytes.is_empty() {
                    continue;
                }
                if draft.photos.len() == civic.max_photos {
                    return Err(IntakeError::field(
                        "photo",
                        "report-error-photo-count",
                        format!("at most {} photos", civic.max_photos),
                    ));
                }
                draft.photos.push(bytes.to_vec());
                continue;
            }
            let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
                IntakeError::field("form", "report-error-form", format!("{name}: not UTF-8"))
            })?;
            let slot = match name.as_str() {
                "text" => &mut draft.text,
                "category" => &mut draft.category,
                "ocid" => &mut draft.ocid,
                "organisation" => &mut draft.organisation,
                "region" => &mut draft.region,
                "place" => &mut draft.place,
                "contact" => &mut draft.contact,
                "disclosure" => &mut draft.disclosure,
                "gender" => &mut draft.gender,
                "age_group" => &mut draft.age_group,
                "place_from_photo" => {
                    draft.place_from_photo = !text.trim().is_empty();
                    continue;
                }
                _ if extra(&name, text.clone()) => continue,
                _ => {
                    return Err(IntakeError::field(
                        "form",
                        "report-error-form",
                        format!("unknown field {name:?}"),
                    ));
                }
            };
            *slot = text;
        }
        Ok(draft)
    }
}

fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn one_of(
    value: &str,
    allowed: &[&str],
    field: &'static str,
) -> Result<Option<String>, IntakeError> {
    match optional(value) {
        None => Ok(None),
        Some(value) if allowed.contains(&value.as_str()) => Ok(Some(value)),
        Some(value) => Err(IntakeError::field(
            field,
            "report-error-choice",
            format!("{value:?} is not one of {}", allowed.join(", ")),
        )),
    }
}

fn short(value: &str, field: &'static str) -> Result<Option<String>, IntakeError> {
    let value = optional(value);
    if let Some(text) = &value
        && text.chars().count() > MAX_SHORT
    {
        return Err(IntakeError::field(
            field,
            "report-error-too-long",
            format!("more than {MAX_SHORT} characters"),
        ));
    }
    Ok(value)
}

/// The day in Bishkek, as stored: no time of day is kept.
pub fn today() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs() as i64)
        .unwrap_or(0);
    let (y, m, d) = achyk_civic::place::day_in_bishkek(now).ymd();
    format!("{y:04}-{m:02}-{d:02}")
}

/// Checks a draft, re-encodes its photos, seals its contact and stores it. Returns the
/// receipt code, which exists only in this answer: the store keeps its hash.
pub async fn take(store: &Store, civic: &Civic, draft: Draft) -> Result<ReceiptCode, IntakeError> {
    let text = optional(&draft.text)
        .ok_or_else(|| IntakeError::field("text", "report-error-text-missing", "empty"))?;
    // A fault for the privacy test: a careless panic that carries what the reporter sent, to
    // show that none of it reaches the server's output. Only in debug builds, only when asked.
    #[cfg(debug_assertions)]
    if std::env::var_os("ACHYK_PANIC_PROBE").is_some() && text.contains("panic-probe") {
        panic!("probe: {text} {}", draft.contact);
    }
    if text.chars().count() > MAX_TEXT {
        return Err(IntakeError::field(
            "text",
            "report-error-too-long",
            format!("more than {MAX_TEXT} characters"),
        ));
    }
    let category = one_of(&draft.category, &CATEGORIES, "category")?
        .ok_or_else(|| IntakeError::field("category", "report-error-choice", "missing"))?;
    let disclosure =
        one_of(&draft.disclosure, &DISCLOSURES, "disclosure")?.unwrap_or("anonymous".into());
    let gender = one_of(&draft.gender, &GENDERS, "gender")?;
    let age_group = one_of(&draft.age_group, &AGE_GROUPS, "age_group")?;
    let region = match optional(&draft.region) {
        None => None,
        Some(code) => match achyk_kg::regions::Region::from_iso_code(&code) {
            Some(region) => Some(region.iso_code().to_owned()),
            None => {
                return Err(IntakeError::field(
                    "region",
                    "report-error-choice",
                    format!("{code:?} is not a region of Kyrgyzstan"),
                ));
            }
        },
    };
    let place = short(&draft.place, "place")?;
    let ocid = match optional(&draft.ocid) {
        None => None,
        Some(ocid) => match store
            .compiled_release(&achyk_store::Ocid::from(ocid.as_str()))
            .await
        {
            Ok(_) => Some(ocid),
            Err(StoreError::NotFound { .. }) => {
                return Err(IntakeError::field(
                    "ocid",
                    "report-error-unknown-process",
                    format!("no process {ocid:?}"),
                ));
            }
            Err(error) => return Err(IntakeError::Store(error.to_string())),
        },
    };
    let organisation = match optional(&draft.organisation) {
        None => None,
        Some(id) => match store
            .organisation(&achyk_store::OrgId::from(id.as_str()))
            .await
        {
            Ok(_) => Some(id),
            Err(StoreError::NotFound { .. }) => {
                return Err(IntakeError::field(
                    "organisation",
                    "report-error-unknown-organisation",
                    format!("no organisation {id:?}"),
                ));
            }
            Err(error) => return Err(IntakeError::Store(error.to_string())),
        },
    };
    let contact_sealed = match short(&draft.contact, "contact")? {
        None => None,
        Some(contact) => {
            let key = civic.seal_key.as_ref().ok_or_else(|| {
                IntakeError::field("contact", "report-error-no-contact", "no sealing key")
            })?;
            Some(
                seal_base64(key, contact.as_bytes())
                    .map_err(|error| IntakeError::Store(error.to_string()))?,
            )
        }
    };
    let cleaned = clean_photos(civic, draft.photos).await?;
    // A GPS position fills the region only when the reporter asked and gave none; the
    // position itself is dropped here, with the rest of the metadata.
    let mut region = region;
    if region.is_none() && draft.place_from_photo {
        region = cleaned
            .iter()
            .filter_map(|(_, place)| *place)
            .find_map(|place| crate::map::region_at(place.longitude, place.latitude))
            .map(|region| region.iso_code().to_owned());
    }
    let photos: Vec<NewPhoto> = cleaned.into_iter().map(|(photo, _)| photo).collect();
    let receipt = ReceiptCode::generate().map_err(|error| IntakeError::Store(error.to_string()))?;
    let report = NewReport {
        receipt_hash: receipt.hash(&civic.secret).to_hex(),
        category,
        body: text,
        ocid,
        organisation,
        region,
        place,
        contact_sealed,
        disclosure,
        gender,
        age_group,
        received_on: today(),
        photos,
        visit: draft.visit,
    };
    store
        .create_report(&report)
        .await
        .map_err(|error| IntakeError::Store(error.to_string()))?;
    Ok(receipt)
}

/// Re-encodes uploaded photos off the async threads, each without any metadata; keeps the
/// place a photo's GPS position suggests beside it (for the caller to use or drop).
pub async fn clean_photos(
    civic: &Civic,
    uploads: Vec<Vec<u8>>,
) -> Result<Vec<(NewPhoto, Option<achyk_civic::photo::GpsSuggestion>)>, IntakeError> {
    let limits = civic.photo_limits;
    tokio::task::spawn_blocking(move || {
        uploads
            .iter()
            .enumerate()
            .map(|(index, bytes)| {
                sanitise(bytes, &limits)
                    .map(|clean| {
                        let photo = NewPhoto {
                            jpeg: clean.jpeg,
                            width: i64::from(clean.width),
                            height: i64::from(clean.height),
                        };
                        (photo, clean.suggested_place)
                    })
                    .map_err(|error| {
                        IntakeError::field(
                            "photo",
                            "report-error-photo",
                            format!("photo {}: {error}", index + 1),
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|error| IntakeError::Store(error.to_string()))?
}

/// The report a receipt code opens, if any. A malformed code opens nothing.
pub async fn by_receipt(
    store: &Store,
    civic: &Civic,
    code: &str,
) -> Result<Option<(ReceiptCode, ReportRow)>, StoreError> {
    let Ok(code) = ReceiptCode::parse(code) else {
        return Ok(None);
    };
    let hash = code.hash(&civic.secret).to_hex();
    Ok(store
        .report_by_receipt(&hash)
        .await?
        .map(|report| (code, report)))
}

impl From<IntakeError> for crate::api::ApiError {
    fn from(error: IntakeError) -> Self {
        use axum::http::StatusCode;
        match error {
            IntakeError::Field { field, detail, .. } => crate::api::ApiError::Refused(
                StatusCode::BAD_REQUEST,
                "bad_report",
                format!("{field}: {detail}"),
            ),
            IntakeError::Busy => crate::api::ApiError::Refused(
                StatusCode::TOO_MANY_REQUESTS,
                "busy",
                error.to_string(),
            ),
            IntakeError::Disabled => crate::api::ApiError::Refused(
                StatusCode::SERVICE_UNAVAILABLE,
                "reports_disabled",
                error.to_string(),
            ),
            IntakeError::Store(message) => crate::api::ApiError::Internal(message),
        }
    }
}

fn civic_of(state: &crate::AppState) -> Result<&Civic, crate::api::ApiError> {
    state
        .civic
        .as_deref()
        .ok_or_else(|| IntakeError::Disabled.into())
}

/// `POST /api/v1/reports` (multipart): `{"receipt": "XXXX-…"}` with status 201.
pub async fn api_submit(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    multipart: Multipart,
) -> Result<axum::response::Response, crate::api::ApiError> {
    use axum::response::IntoResponse;
    let civic = civic_of(&state)?;
    civic.admit()?;
    let draft = Draft::read(multipart, civic).await?;
    let receipt = take(&state.store, civic, draft).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({ "receipt": receipt.to_string() })),
    )
        .into_response())
}

/// `GET /api/v1/reports/receipt/{code}`: the state of the holder's report; 404 for a code that
/// opens nothing.
pub async fn api_receipt(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> Result<axum::response::Response, crate::api::ApiError> {
    use axum::response::IntoResponse;
    let civic = civic_of(&state)?;
    civic.admit()?;
    let Some((_, report)) = by_receipt(&state.store, civic, &code).await? else {
        return Err(crate::api::ApiError::NotFound(
            "no report has this receipt".into(),
        ));
    };
    let public = matches!(report.state.as_str(), "published" | "published_redacted");
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({
            "state": report.state,
            "category": report.category,
            "received_on": report.received_on,
            "public": public,
            "id": public.then_some(report.id),
        })),
    )
        .into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    ocid: Option<String>,
    #[serde(default)]
    organisation: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    per_page: Option<i64>,
}

/// The public fields of a published report.
pub fn public_json(report: &ReportRow) -> serde_json::Value {
    serde_json::json!({
        "id": report.id,
        "category": report.category,
        "text": report.public_text,
        "ocid": report.ocid,
        "organisation": report.organisation,
        "region": report.region,
        "place": report.place,
        "published_on": report.published_on,
    })
}

/// `GET /api/v1/reports`: published reports only, newest first.
pub async fn api_list(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    axum::extract::Query(query): axum::extract::Query<ListQuery>,
) -> Result<axum::Json<serde_json::Value>, crate::api::ApiError> {
    let per_page = query.per_page.unwrap_or(50).clamp(1, 500);
    let page = query.page.unwrap_or(1).max(1);
    let about = match (&query.ocid, &query.organisation) {
        (Some(ocid), _) => achyk_store::ReportsAbout::Process(ocid),
        (None, Some(id)) => achyk_store::ReportsAbout::Organisation(id),
        (None, None) => achyk_store::ReportsAbout::All,
    };
    let (rows, total) = state
        .store
        .published_reports(about, per_page, (page - 1) * per_page)
        .await?;
    let mut photos = Vec::with_capacity(rows.len());
    for row in &rows {
        let visible: Vec<String> = state
            .store
            .report_photos(row.id)
            .await?
            .into_iter()
            .filter(|photo| !photo.hidden)
            .map(|photo| format!("/reports/photos/{}.jpg", photo.id))
            .collect();
        photos.push(visible);
    }
    let reports: Vec<serde_json::Value> = rows
        .iter()
        .zip(photos)
        .map(|(row, photos)| {
            let mut json = public_json(row);
            json["photos"] = serde_json::json!(photos);
            json
        })
        .collect();
    Ok(axum::Json(serde_json::json!({
        "total": total,
        "page": page,
        "per_page": per_page,
        "reports": reports,
    })))
}
