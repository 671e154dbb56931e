//! Citizen reports on the site: the form (`/{lang}/report`, optionally about a process or an
//! organisation), the receipt, the holder's view by receipt code (`/{lang}/report/status`, by
//! POST so that the code never enters a URL or a history), the published reports and their
//! photos. Every answer here is `Cache-Control: no-store` except the public ones.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use axum::{Form, body::Body};
use serde::Deserialize;

use super::Chrome;
use super::tenders::Choice;
use crate::AppState;
use crate::error::AppError;
use crate::i18n::{Lang, Tr};
use crate::reports::{self, AGE_GROUPS, CATEGORIES, DISCLOSURES, Draft, GENDERS, IntakeError};
use achyk_store::{OrgId, ReportRow, ReportsAbout};

/// Reports per page of the published list.
const PER_PAGE: i64 = 20;

#[derive(Template)]
#[template(path = "report_form.html")]
struct FormPage {
    chrome: Chrome,
    /// The regions as links that choose one (no JavaScript needed).
    map: String,
    error: Option<String>,
    about: Option<String>,
    draft: Draft,
    categories: Vec<Choice>,
    regions: Vec<Choice>,
    disclosures: Vec<Choice>,
    genders: Vec<Choice>,
    age_groups: Vec<Choice>,
    contact_enabled: bool,
}

#[derive(Template)]
#[template(path = "report_receipt.html")]
struct ReceiptPage {
    chrome: Chrome,
    receipt: String,
}

pub struct HolderView {
    state: String,
    category: String,
    received_on: String,
    text: String,
    additions: Vec<(String, String)>,
    public_link: Option<String>,
    /// The cases the report is part of: (address, title, status).
    cases: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "report_status.html")]
struct StatusPage {
    chrome: Chrome,
    error: Option<String>,
    code: String,
    report: Option<HolderView>,
}

/// A published report in a list or on its page.
pub struct ReportItem {
    pub href: String,
    pub category: String,
    pub text: String,
    pub meta: String,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ListPage {
    chrome: Chrome,
    found: String,
    reports: Vec<ReportItem>,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    chrome: Chrome,
    id: i64,
    item: ReportItem,
    about: Option<(String, String)>,
    /// (full, small) photo addresses.
    photos: Vec<(String, String)>,
}

pub(crate) fn choices(
    tr: &Tr,
    prefix: &str,
    values: &[&str],
    selected: &str,
    blank: bool,
) -> Vec<Choice> {
    let mut out = Vec::new();
    if blank {
        out.push(Choice {
            value: String::new(),
            label: tr.t(&format!("{prefix}-none")),
            selected: selected.is_empty(),
        });
    }
    out.extend(values.iter().map(|value| Choice {
        value: (*value).to_owned(),
        label: tr.t(&format!("{prefix}-{}", value.replace('_', "-"))),
        selected: *value == selected,
    }));
    out
}

pub(crate) fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// The receipt page of a report just taken (never stored, never compressed).
pub(crate) fn receipt_page(lang: Lang, receipt: String) -> Result<Response, AppError> {
    let page = ReceiptPage {
        chrome: Chrome::new(lang, Tr::new(lang).t("report-received"), None),
        receipt,
    };
    Ok(no_store(render(lang, page)?.into_response()))
}

fn render(lang: Lang, page: impl Template) -> Result<Html<String>, AppError> {
    page.render()
        .map(Html)
        .map_err(|error| AppError::internal(lang, error))
}

#[derive(Deserialize, Default)]
pub struct FormQuery {
    #[serde(default)]
    ocid: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    region: String,
}

/// What the report is about, in words, when the form came from a process or organisation page.
async fn about(state: &AppState, tr: &Tr, draft: &Draft) -> Option<String> {
    if !draft.ocid.is_empty() {
        let rows = state
            .store
            .summaries_of(std::slice::from_ref(&draft.ocid))
            .await
            .ok()?;
        let title = rows.first()?.title.clone().unwrap_or(draft.ocid.clone());
        return Some(format!("{}: {title}", tr.t("report-about-process")));
    }
    if !draft.organisation.is_empty() {
        let row = state
            .store
            .organisation(&OrgId::from(draft.organisation.as_str()))
            .await
            .ok()?;
        let name = match tr.lang {
            Lang::Ky => row.name_ky.or(row.name),
            _ => row.name,
        }
        .unwrap_or(draft.organisation.clone());
        return Some(format!("{}: {name}", tr.t("report-about-organisation")));
    }
    None
}

async fn form_page(
    state: &AppState,
    lang: Lang,
    uri: &Uri,
    draft: Draft,
    error: Option<String>,
) -> Result<Html<String>, AppError> {
    let tr = Tr::new(lang);
    let regions: Vec<&str> = achyk_kg::regions::Region::ALL
        .iter()
        .map(|region| region.iso_code())
        .collect();
    let mut region_choices = vec![Choice {
        value: String::new(),
        label: tr.t("report-region-none"),
        selected: draft.region.is_empty(),
    }];
    region_choices.extend(regions.iter().map(|code| Choice {
        value: (*code).to_owned(),
        label: crate::view::region_name(lang, Some(code)).unwrap_or_default(),
        selected: draft.region == *code,
    }));
    let disclosure = if draft.disclosure.is_empty() {
        "anonymous"
    } else {
        draft.disclosure.as_str()
    };
    let names: Vec<(achyk_kg::regions::Region, String)> = achyk_kg::regions::Region::ALL
        .iter()
        .map(|region| {
            (
                *region,
                crate::view::region_name(lang, Some(region.iso_code())).unwrap_or_default(),
            )
        })
        .collect();
    let keep = |name: &str, value: &str| {
        if value.is_empty() {
            String::new()
        } else {
            format!("&{name}={}", crate::query::encode(value))
        }
    };
    let extra = format!(
        "{}{}",
        keep("ocid", &draft.ocid),
        keep("organisation", &draft.organisation)
    );
    let href = |region: achyk_kg::regions::Region| {
        format!(
            "/{}/report?region={}{extra}#region",
            lang.code(),
            region.iso_code()
        )
    };
    let map = crate::map::render_links(
        &names,
        &href,
        achyk_kg::regions::Region::from_iso_code(&draft.region),
        &tr.t("report-map"),
    );
    let page = FormPage {
        map,
        chrome: Chrome::new(lang, tr.t("report-title"), Some(super::rest_of(uri))),
        error,
        about: about(state, &tr, &draft).await,
        categories: choices(&tr, "report-category", &CATEGORIES, &draft.category, false),
        regions: region_choices,
        disclosures: choices(&tr, "report-disclosure", &DISCLOSURES, disclosure, false),
        genders: choices(&tr, "report-gender", &GENDERS, &draft.gender, true),
        age_groups: choices(&tr, "report-age", &AGE_GROUPS, &draft.age_group, true),
        contact_enabled: state
            .civic
            .as_ref()
            .is_some_and(|civic| civic.seal_key.is_some()),
        draft,
    };
    render(lang, page)
}

/// `GET /{lang}/report`.
pub async fn form(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    Query(query): Query<FormQuery>,
    uri: Uri,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let region = achyk_kg::regions::Region::from_iso_code(&query.region)
        .map(|region| region.iso_code().to_owned())
        .unwrap_or_default();
    let draft = Draft {
        ocid: query.ocid,
        organisation: query.organisation,
        region,
        ..Draft::default()
    };
    let error = state
        .civic
        .is_none()
        .then(|| Tr::new(lang).t("report-error-disabled"));
    // The empty form holds nothing private: it may be compressed, but not kept by proxies.
    let mut response = form_page(&state, lang, &uri, draft, error)
        .await?
        .into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-cache"),
    );
    Ok(response)
}

/// The explanation of an intake error in the visitor's language, with the field it is about.
fn explain(tr: &Tr, error: &IntakeError) -> String {
    let words = tr.t(error.message_id());
    match error {
        IntakeError::Field { field, .. } => {
            format!(
                "{} ({})",
                words,
                tr.t(&format!("report-field-{}", field.replace('_', "-")))
            )
        }
        _ => words,
    }
}

/// `POST /{lang}/report`: takes the report and shows its receipt, or the form again with what
/// was wrong (photos must be chosen again: a browser cannot refill a file input).
pub async fn submit(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    uri: Uri,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let outcome = match &state.civic {
        None => Err((IntakeError::Disabled, Draft::default())),
        Some(civic) => match civic.admit() {
            Err(error) => Err((error, Draft::default())),
            Ok(()) => match Draft::read(multipart, civic).await {
                Err(error) => Err((error, Draft::default())),
                Ok(draft) => {
                    let kept = Draft {
                        photos: Vec::new(),
                        ..draft.clone()
                    };
                    reports::take(&state.store, civic, draft)
                        .await
                        .map_err(|error| (error, kept))
                }
            },
        },
    };
    match outcome {
        Ok(receipt) => receipt_page(lang, receipt.to_string()),
        Err((error, draft)) => {
            let status = match error {
                IntakeError::Busy => StatusCode::TOO_MANY_REQUESTS,
                IntakeError::Disabled => StatusCode::SERVICE_UNAVAILABLE,
                IntakeError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
                IntakeError::Field { .. } => StatusCode::BAD_REQUEST,
            };
            let message = explain(&tr, &error);
            let page = form_page(&state, lang, &uri, draft, Some(message)).await?;
            Ok(no_store((status, page).into_response()))
        }
    }
}

#[derive(Deserialize, Default)]
pub struct StatusForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    addition: String,
}

/// `GET /{lang}/report/status`: the form for a receipt code.
pub async fn status_form(Path(lang): Path<String>, uri: Uri) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let page = StatusPage {
        chrome: Chrome::new(
            lang,
            tr.t("report-status-title"),
            Some(super::rest_of(&uri)),
        ),
        error: None,
        code: String::new(),
        report: None,
    };
    Ok(no_store(render(lang, page)?.into_response()))
}

/// `POST /{lang}/report/status`: the holder's view of their report, and adding to it.
pub async fn status(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    Form(form): Form<StatusForm>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let chrome = Chrome::new(
        lang,
        tr.t("report-status-title"),
        Some("/report/status".into()),
    );
    let unknown = |code: String, chrome: Chrome, status: StatusCode, message: &str| {
        let page = StatusPage {
            chrome,
            error: Some(tr.t(message)),
            code,
            report: None,
        };
        render(lang, page).map(|html| no_store((status, html).into_response()))
    };
    let Some(civic) = &state.civic else {
        return unknown(
            form.code,
            chrome,
            StatusCode::SERVICE_UNAVAILABLE,
            "report-error-disabled",
        );
    };
    if civic.admit().is_err() {
        return unknown(
            form.code,
            chrome,
            StatusCode::TOO_MANY_REQUESTS,
            "report-error-busy",
        );
    }
    let found = reports::by_receipt(&state.store, civic, &form.code)
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    let Some((code, report)) = found else {
        return unknown(
            form.code,
            chrome,
            StatusCode::NOT_FOUND,
            "report-error-unknown-receipt",
        );
    };
    let addition = form.addition.trim();
    if !addition.is_empty() {
        if addition.chars().count() > reports::MAX_TEXT {
            return unknown(
                code.to_string(),
                chrome,
                StatusCode::BAD_REQUEST,
                "report-error-too-long",
            );
        }
        state
            .store
            .add_to_report(report.id, addition, &reports::today())
            .await
            .map_err(|error| AppError::from_store(lang, error))?;
    }
    holder_response(&state, lang, chrome, code.to_string(), &report).await
}

/// The holder's view of their report, with what they added and the cases it is part of.
async fn holder_response(
    state: &AppState,
    lang: Lang,
    chrome: Chrome,
    code: String,
    report: &ReportRow,
) -> Result<Response, AppError> {
    let tr = Tr::new(lang);
    let additions = state
        .store
        .report_additions(report.id)
        .await
        .map_err(|error| AppError::from_store(lang, error))?
        .into_iter()
        .map(|addition| (addition.received_on, addition.body))
        .collect();
    let cases = state
        .store
        .cases_of_report(report.id)
        .await
        .map_err(|error| AppError::from_store(lang, error))?
        .iter()
        .map(|case| {
            (
                format!("/{}/cases/{}", lang.code(), case.id),
                case.title.clone(),
                super::cases::status(state, &tr, case).1,
            )
        })
        .collect();
    let public_link = is_public(report).then(|| format!("/{}/reports/{}", lang.code(), report.id));
    let view = HolderView {
        state: tr.t(&format!("report-state-{}", report.state.replace('_', "-"))),
        category: category_words(&tr, &report.category),
        received_on: report.received_on.clone(),
        text: report.body.clone(),
        additions,
        public_link,
        cases,
    };
    let page = StatusPage {
        chrome,
        error: None,
        code,
        report: Some(view),
    };
    Ok(no_store(render(lang, page)?.into_response()))
}

/// `POST /{lang}/report/status/photos` (multipart: `code`, `photo` repeatable): the holder adds
/// photos, re-encoded without metadata like the first ones; after the moderator's decision
/// they wait hidden for a moderator again.
pub async fn add_photos(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let chrome = || {
        Chrome::new(
            lang,
            tr.t("report-status-title"),
            Some("/report/status".into()),
        )
    };
    let refuse = |code: String, status: StatusCode, message: &str| {
        let page = StatusPage {
            chrome: chrome(),
            error: Some(tr.t(message)),
            code,
            report: None,
        };
        render(lang, page).map(|html| no_store((status, html).into_response()))
    };
    let Some(civic) = &state.civic else {
        return refuse(
            String::new(),
            StatusCode::SERVICE_UNAVAILABLE,
            "report-error-disabled",
        );
    };
    if civic.admit().is_err() {
        return refuse(
            String::new(),
            StatusCode::TOO_MANY_REQUESTS,
            "report-error-busy",
        );
    }
    let mut code = String::new();
    let read = Draft::read_with(multipart, civic, &mut |name, value| {
        if name == "code" {
            code = value;
            true
        } else {
            false
        }
    })
    .await;
    let draft = match read {
        Ok(draft) => draft,
        Err(error) => return refuse(code, StatusCode::BAD_REQUEST, error.message_id()),
    };
    let found = reports::by_receipt(&state.store, civic, &code)
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    let Some((code, report)) = found else {
        return refuse(code, StatusCode::NOT_FOUND, "report-error-unknown-receipt");
    };
    if draft.photos.is_empty() {
        return refuse(
            code.to_string(),
            StatusCode::BAD_REQUEST,
            "report-error-no-photo",
        );
    }
    let cleaned = match reports::clean_photos(civic, draft.photos).await {
        Ok(cleaned) => cleaned,
        Err(error) => {
            return refuse(
                code.to_string(),
                StatusCode::BAD_REQUEST,
                error.message_id(),
            );
        }
    };
    let photos: Vec<achyk_store::NewPhoto> = cleaned.into_iter().map(|(photo, _)| photo).collect();
    state
        .store
        .add_photos_to_report(report.id, &photos)
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    holder_response(&state, lang, chrome(), code.to_string(), &report).await
}

fn is_public(report: &ReportRow) -> bool {
    matches!(report.state.as_str(), "published" | "published_redacted")
}

fn category_words(tr: &Tr, category: &str) -> String {
    tr.t(&format!("report-category-{}", category.replace('_', "-")))
}

/// A published report as the public sees it: the published text, the place blurred to what the
/// reporter named (region and village) and the day it was published.
pub fn item(tr: &Tr, report: &ReportRow) -> ReportItem {
    let mut meta = Vec::new();
    if let Some(region) = crate::view::region_name(tr.lang, report.region.as_deref()) {
        meta.push(region);
    }
    if let Some(place) = &report.place {
        meta.push(place.clone());
    }
    if let Some(day) = &report.published_on {
        meta.push(day.clone());
    }
    ReportItem {
        href: format!("/{}/reports/{}", tr.lang.code(), report.id),
        category: category_words(tr, &report.category),
        text: report.public_text.clone().unwrap_or_default(),
        meta: meta.join(" · "),
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    page: Option<i64>,
}

/// `GET /{lang}/reports`: the published reports, newest first.
pub async fn list(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    Query(query): Query<ListQuery>,
    uri: Uri,
) -> Result<Html<String>, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let page = query.page.unwrap_or(1).max(1);
    let (rows, total) = state
        .store
        .published_reports(ReportsAbout::All, PER_PAGE, (page - 1) * PER_PAGE)
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    let next =
        (page * PER_PAGE < total).then(|| format!("/{}/reports?page={}", lang.code(), page + 1));
    let found = tr.t_with(
        "reports-found",
        &[
            ("count", crate::i18n::Arg::Number(total as f64)),
            ("shown", crate::i18n::Arg::Text(&tr.number(total as f64))),
        ],
    );
    let view = ListPage {
        chrome: Chrome::new(lang, tr.t("reports-published"), Some(super::rest_of(&uri))),
        found,
        reports: rows.iter().map(|row| item(&tr, row)).collect(),
        next,
    };
    render(lang, view)
}

/// `GET /{lang}/reports/{id}`: one published report; anything else is not found.
pub async fn page(
    State(state): State<AppState>,
    Path((lang, id)): Path<(String, i64)>,
    uri: Uri,
) -> Result<Html<String>, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let report = state
        .store
        .report(id)
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    if !is_public(&report) {
        return Err(AppError::NotFound(lang));
    }
    let photos = state
        .store
        .report_photos(id)
        .await
        .map_err(|error| AppError::from_store(lang, error))?
        .into_iter()
        .filter(|photo| !photo.hidden)
        .map(|photo| {
            (
                format!("/reports/photos/{}.jpg", photo.id),
                format!("/reports/photos/{}/small.jpg", photo.id),
            )
        })
        .collect();
    let about = if let Some(ocid) = &report.ocid {
        Some((
            format!("/{}/tenders/{}", lang.code(), ocid),
            tr.t("report-about-process"),
        ))
    } else {
        report.organisation.as_ref().map(|id| {
            (
                format!("/{}/organisations/{}", lang.code(), id),
                tr.t("report-about-organisation"),
            )
        })
    };
    let item = item(&tr, &report);
    let view = ReportPage {
        chrome: Chrome::new(lang, item.category.clone(), Some(super::rest_of(&uri))),
        id,
        item,
        about,
        photos,
    };
    render(lang, view)
}

/// The published reports about a process or an organisation, for its page.
pub async fn about_items(state: &AppState, tr: &Tr, about: ReportsAbout<'_>) -> Vec<ReportItem> {
    state
        .store
        .published_reports(about, 50, 0)
        .await
        .map(|(rows, _)| rows.iter().map(|row| item(tr, row)).collect())
        .unwrap_or_default()
}

/// `GET /reports/photos/{file}`: `{id}.jpg` or `{id}/small.jpg` of a published report's
/// visible photo; anything else is not found.
pub async fn photo(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    photo_answer(&state, &file, None).await
}

pub async fn small_photo(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    photo_answer(&state, &format!("{id}.jpg"), Some(480)).await
}

async fn photo_answer(state: &AppState, file: &str, side: Option<u32>) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "not found\n").into_response();
    let Some(id) = file
        .strip_suffix(".jpg")
        .and_then(|id| id.parse::<i64>().ok())
    else {
        return not_found();
    };
    let Ok((photo, jpeg)) = state.store.photo(id).await else {
        return not_found();
    };
    let public = match state.store.report(photo.report_id).await {
        Ok(report) => is_public(&report) && !photo.hidden,
        Err(_) => false,
    };
    if !public {
        return not_found();
    }
    let bytes = match side {
        None => jpeg,
        Some(side) => {
            let limits = achyk_civic::photo::PhotoLimits {
                max_side: side,
                quality: 75,
                ..Default::default()
            };
            match tokio::task::spawn_blocking(move || achyk_civic::photo::sanitise(&jpeg, &limits))
                .await
            {
                Ok(Ok(clean)) => clean.jpeg,
                _ => return not_found(),
            }
        }
    };
    (
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        Body::from(bytes),
    )
        .into_response()
}
