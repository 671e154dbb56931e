//! CSO cases: a monitor opens a case from reports and red flags, addressed to the responsible
//! body (prefilled from the process's buyer, from the directory admins keep); sending it (by
//! e-mail over SMTP, or recorded as delivered by hand or through an e-reception) starts the
//! legal clock; responses (by the CSO or an official of that body) are recorded with
//! attachments; the CSO classifies the outcome; escalation to an oversight body starts a new
//! clock. Overdue and very overdue are derived when read. The case page shows the public
//! timeline to everyone and the internal one to the case's team.

use std::str::FromStr;

use achyk_civic::deadline::{Date, DisplayStatus, Warning, display_status, due_date};
use achyk_civic::lifecycle::CaseState;
use achyk_store::{CaseRow, CaseStep, NewAttachment, NewCase, OrgId, PublicBody, Role, StoreError};
use askama::Template;
use axum::Form;
use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::tenders::Choice;
use super::{Chrome, private_page as html, store_error};
use crate::AppState;
use crate::auth::{self, ADMINS, MaybeViewer, Viewer};
use crate::error::AppError;
use crate::i18n::{Lang, Tr};

/// The largest attachment, in bytes.
const MAX_ATTACHMENT: usize = 10 * 1024 * 1024;
const OUTCOMES: [&str; 5] = [
    "resolved",
    "partially_resolved",
    "action_promised",
    "refused",
    "not_responsible",
];
const CHANNELS: [&str; 3] = ["email", "hand", "e_reception"];
const ACTIONS: [&str; 7] = [
    "send", "response", "classify", "escalate", "close", "reopen", "note",
];
/// Who may open cases.
const MONITORS: [Role; 2] = [Role::Monitor, Role::Admin];

/// A public page as an anonymous visitor sees it: nothing secret, so it may be compressed.
fn public_html(lang: Lang, page: impl Template) -> Result<Response, AppError> {
    let body = page
        .render()
        .map_err(|error| AppError::internal(lang, error))?;
    Ok((
        StatusCode::OK,
        [(header::CACHE_CONTROL, "private, no-cache")],
        Html(body),
    )
        .into_response())
}

fn words(tr: &Tr, prefix: &str, code: &str) -> String {
    tr.t(&format!("{prefix}-{}", code.replace('_', "-")))
}

fn body_name(lang: Lang, body: &PublicBody) -> String {
    match lang {
        Lang::Ky => body.name_ky.clone(),
        Lang::Ru => body.name_ru.clone(),
        Lang::En => body.name_en.clone(),
    }
}

/// Today in Bishkek.
fn today() -> Date {
    achyk_civic::place::day_in_bishkek(auth::now())
}

fn day_text(date: Date) -> String {
    let (y, m, d) = date.ymd();
    format!("{y:04}-{m:02}-{d:02}")
}

/// The status shown for a case: its state, or for a case waiting on a clock, whether it is
/// overdue (derived now, never stored).
pub(crate) fn status(state: &AppState, tr: &Tr, case: &CaseRow) -> (String, String) {
    let waiting = matches!(
        case.state.as_str(),
        "sent" | "awaiting_response" | "escalated"
    );
    if waiting && let Some(due) = case.due_on.as_deref().and_then(|due| Date::parse(due).ok()) {
        let (rules, calendar) = &*state.deadlines;
        let derived = display_status(due, today(), rules, calendar);
        if derived != DisplayStatus::AwaitingResponse {
            let code = derived.code();
            return (code.to_owned(), words(tr, "case-status", code));
        }
    }
    (case.state.clone(), words(tr, "case-status", &case.state))
}

/// A case, the body it is addressed to, and the oversight body it was escalated to, if any.
async fn addressed(
    state: &AppState,
    lang: Lang,
    id: i64,
) -> Result<(CaseRow, PublicBody, Option<PublicBody>), AppError> {
    let case = state.store.case(id).await.map_err(store_error(lang))?;
    let body = state
        .store
        .public_body(case.body_id)
        .await
        .map_err(store_error(lang))?;
    let escalated = match case.escalated_to {
        Some(id) => Some(
            state
                .store
                .public_body(id)
                .await
                .map_err(store_error(lang))?,
        ),
        None => None,
    };
    Ok((case, body, escalated))
}

/// Whether `viewer` works on this case: an admin, the monitor who opened it, or a monitor of
/// the same CSO.
fn on_team(viewer: &Viewer, case: &CaseRow) -> bool {
    viewer.fully_signed_in()
        && match viewer.role() {
            Role::Admin => true,
            Role::Monitor => {
                viewer.user.id == case.opened_by
                    || (case.cso_id.is_some() && viewer.user.cso_id == case.cso_id)
            }
            _ => false,
        }
}

/// Whether `viewer` is an official of the body the case is addressed (or escalated) to.
fn official_of(viewer: &Viewer, body: &PublicBody, escalated: Option<&PublicBody>) -> bool {
    let Some(theirs) = viewer.user.public_body.as_deref() else {
        return false;
    };
    viewer.fully_signed_in()
        && viewer.role() == Role::Official
        && [Some(body), escalated].into_iter().flatten().any(|body| {
            body.organisation.as_deref() == Some(theirs) || body.id.to_string() == theirs
        })
}

pub struct CaseItem {
    href: String,
    title: String,
    body: String,
    status_code: String,
    status: String,
    due: Option<String>,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct ListPage {
    chrome: Chrome,
    /// The cases the viewer works on or must answer, first and apart.
    yours: Vec<CaseItem>,
    yours_heading: String,
    items: Vec<CaseItem>,
    new_href: Option<String>,
}

/// `GET /{lang}/cases`: every case; an official sees the cases addressed (or escalated) to
/// their body first, and a monitor their organisation's.
pub async fn list(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let cases = state.store.cases().await.map_err(store_error(lang))?;
    let mut items = Vec::with_capacity(cases.len());
    let mut yours = Vec::new();
    for case in &cases {
        let (case, body, escalated) = addressed(&state, lang, case.id).await?;
        let (status_code, status) = status(&state, &tr, &case);
        let item = CaseItem {
            href: format!("/{}/cases/{}", lang.code(), case.id),
            title: case.title.clone(),
            body: body_name(lang, escalated.as_ref().unwrap_or(&body)),
            status_code,
            status,
            due: case
                .due_on
                .as_ref()
                .map(|due| format!("{}: {due}", tr.t("case-due"))),
        };
        let mine = viewer.as_ref().is_some_and(|viewer| {
            on_team(viewer, &case) || official_of(viewer, &body, escalated.as_ref())
        });
        if mine {
            yours.push(item);
        } else {
            items.push(item);
        }
    }
    let role = viewer.as_ref().map(Viewer::role);
    let may_open = viewer
        .as_ref()
        .is_some_and(|viewer| viewer.fully_signed_in() && MONITORS.contains(&viewer.role()));
    let page = ListPage {
        chrome: Chrome::new(lang, tr.t("cases-title"), Some("/cases".into())),
        yours,
        yours_heading: tr.t(if role == Some(Role::Official) {
            "cases-to-your-body"
        } else {
            "cases-yours"
        }),
        items,
        new_href: may_open.then(|| format!("/{}/cases/new", lang.code())),
    };
    // Nothing secret on it: "private, no-cache" keeps a viewer's own list out of shared caches.
    public_html(lang, page)
}

pub struct EventView {
    day: String,
    what: String,
    text: String,
    public: bool,
    files: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    chrome: Chrome,
    error: Option<String>,
    body_name: String,
    status_code: String,
    status: String,
    due: Option<String>,
    warning: Option<String>,
    outcome: Option<String>,
    about: Option<(String, String)>,
    request: String,
    legal_basis: String,
    reports: Vec<(String, i64)>,
    flags: String,
    events: Vec<EventView>,
    team: bool,
    letter_href: String,
    step_href: String,
    csrf: String,
    actions: Vec<Choice>,
    channels: Vec<Choice>,
    outcomes: Vec<Choice>,
    oversight: Vec<Choice>,
    follow: super::follows::FollowView,
}

fn choices(tr: &Tr, prefix: &str, values: &[&str]) -> Vec<Choice> {
    values
        .iter()
        .map(|value| Choice {
            value: (*value).to_owned(),
            label: words(tr, prefix, value),
            selected: false,
        })
        .collect()
}

async fn case_page(
    state: &AppState,
    lang: Lang,
    viewer: Option<&Viewer>,
    id: i64,
    error: Option<String>,
) -> Result<CasePage, AppError> {
    let tr = Tr::new(lang);
    let (case, body, escalated) = addressed(state, lang, id).await?;
    let team = viewer.is_some_and(|viewer| on_team(viewer, &case));
    let official = viewer.is_some_and(|viewer| official_of(viewer, &body, escalated.as_ref()));
    let inside = team || official;
    let attachments = if inside {
        state
            .store
            .case_attachments(id)
            .await
            .map_err(store_error(lang))?
    } else {
        Vec::new()
    };
    let events = state
        .store
        .case_events(id)
        .await
        .map_err(store_error(lang))?
        .into_iter()
        .filter(|event| inside || event.public != 0)
        .map(|event| {
            let mut what = words(&tr, "case-event", &event.kind);
            if let Some(channel) = &event.channel {
                what.push_str(&format!(" ({})", words(&tr, "case-channel", channel)));
            }
            EventView {
                day: event.day.clone(),
                what,
                text: event.text.clone(),
                public: event.public != 0,
                files: attachments
                    .iter()
                    .filter(|file| file.event_id == event.id)
                    .map(|file| (format!("/cases/attachments/{}", file.id), file.name.clone()))
                    .collect(),
            }
        })
        .collect();
    let (status_code, status_words) = status(state, &tr, &case);
    let warning = case.due_beyond_year.map(|year| {
        tr.t_with(
            "case-due-beyond-calendar",
            &[("year", crate::i18n::Arg::Text(&year.to_string()))],
        )
    });
    let (reports, flags) = state
        .store
        .case_evidence(id)
        .await
        .map_err(store_error(lang))?;
    let about = match (&case.ocid, &case.organisation) {
        (Some(ocid), _) => Some((format!("/{}/tenders/{ocid}", lang.code()), ocid.clone())),
        (None, Some(org)) => Some((format!("/{}/organisations/{org}", lang.code()), org.clone())),
        _ => None,
    };
    let mut oversight = Vec::new();
    if team {
        for body in state
            .store
            .public_bodies()
            .await
            .map_err(store_error(lang))?
        {
            if body.oversight != 0 {
                oversight.push(Choice {
                    value: body.id.to_string(),
                    label: body_name(lang, &body),
                    selected: false,
                });
            }
        }
    }
    let mut actions = ACTIONS.to_vec();
    if !team {
        // An official records the body's answer, nothing else.
        actions = vec!["response"];
    }
    Ok(CasePage {
        chrome: Chrome::new(
            lang,
            format!("{} #{id}: {}", tr.t("case-title-short"), case.title),
            Some(format!("/cases/{id}")),
        ),
        error,
        body_name: match &escalated {
            Some(oversight) => format!(
                "{} → {}",
                body_name(lang, &body),
                body_name(lang, oversight)
            ),
            None => body_name(lang, &body),
        },
        status_code,
        status: status_words,
        due: case.due_on.clone(),
        warning,
        outcome: case
            .outcome
            .as_deref()
            .map(|outcome| words(&tr, "case-status", outcome)),
        about,
        request: case.request.clone(),
        legal_basis: case.legal_basis.clone(),
        reports: reports
            .into_iter()
            .map(|report| (format!("/{}/reports/{report}", lang.code()), report))
            .collect(),
        flags: flags.join(", "),
        events,
        team: inside,
        letter_href: format!("/{}/cases/{id}/letter", lang.code()),
        step_href: format!("/{}/cases/{id}/step", lang.code()),
        csrf: viewer.map(|viewer| viewer.csrf.clone()).unwrap_or_default(),
        actions: choices(&tr, "case-action", &actions),
        channels: choices(&tr, "case-channel", &CHANNELS),
        outcomes: choices(&tr, "case-status", &OUTCOMES),
        oversight,
        follow: super::follows::FollowView::new(
            lang,
            viewer,
            "case",
            &id.to_string(),
            format!("/{}/cases/{id}", lang.code()),
        ),
    })
}

/// `GET /{lang}/cases/{id}`.
pub async fn page(
    State(state): State<AppState>,
    Path((lang, id)): Path<(String, i64)>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let page = case_page(&state, lang, viewer.as_ref(), id, None).await?;
    // Signed in, the page carries the form token: never compressed.
    if viewer.is_some() {
        html(lang, StatusCode::OK, page)
    } else {
        public_html(lang, page)
    }
}

#[derive(Template)]
#[template(path = "case_new.html")]
struct NewPage {
    chrome: Chrome,
    error: Option<String>,
    action: String,
    csrf: String,
    bodies: Vec<Choice>,
    ocid: String,
    organisation: String,
    reports: String,
    flags: String,
    title: String,
    legal_basis: String,
    evidence: String,
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    report: Option<i64>,
    #[serde(default)]
    ocid: Option<String>,
    #[serde(default)]
    organisation: Option<String>,
}

/// `GET /{lang}/cases/new`: the form, prefilled from a report, a process or an organisation.
pub async fn new_form(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    Query(query): Query<NewQuery>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = auth::require(lang, viewer, &MONITORS)?;
    let tr = Tr::new(lang);
    let mut ocid = query.ocid.unwrap_or_default();
    let mut organisation = query.organisation.unwrap_or_default();
    let mut evidence = String::new();
    let mut title = String::new();
    if let Some(report) = query.report
        && let Ok(row) = state.store.report(report).await
    {
        ocid = row.ocid.clone().unwrap_or(ocid);
        organisation = row.organisation.clone().unwrap_or(organisation);
        title = words(&tr, "report-category", &row.category);
        evidence = format!("{} #{report}: {}", tr.t("moderation-report"), row.body);
    }
    // The responsible body: the process's buyer, when the directory has it.
    let mut flags = Vec::new();
    let mut buyer = None;
    if !ocid.is_empty() {
        if let Ok(rows) = state.store.summaries_of(std::slice::from_ref(&ocid)).await
            && let Some(row) = rows.first()
        {
            buyer = row.buyer_id.clone();
            if title.is_empty() {
                title = row.title.clone().unwrap_or_default();
            }
        }
        if let Ok(found) = state.store.flags_of_process(&ocid).await {
            flags = found.into_iter().map(|flag| flag.code).collect();
        }
    }
    let wanted = buyer.or((!organisation.is_empty()).then(|| organisation.clone()));
    let bodies = state
        .store
        .public_bodies()
        .await
        .map_err(store_error(lang))?
        .into_iter()
        .map(|body| Choice {
            selected: wanted.is_some() && body.organisation == wanted,
            value: body.id.to_string(),
            label: body_name(lang, &body),
        })
        .collect();
    let page = NewPage {
        chrome: Chrome::new(lang, tr.t("case-new"), Some("/cases/new".into())),
        error: None,
        action: format!("/{}/cases", lang.code()),
        csrf: viewer.csrf.clone(),
        bodies,
        ocid,
        organisation,
        reports: query.report.map(|id| id.to_string()).unwrap_or_default(),
        flags: flags.join(","),
        title,
        legal_basis: tr.t("case-default-legal-basis"),
        evidence,
    };
    html(lang, StatusCode::OK, page)
}

#[derive(Deserialize, Default)]
pub struct NewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    legal_basis: String,
    #[serde(default)]
    request: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    letter_language: String,
    #[serde(default)]
    ocid: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    reports: String,
    #[serde(default)]
    flags: String,
}

fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// `POST /{lang}/cases`: opens the case (state `prepared`).
pub async fn create(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
    Form(form): Form<NewForm>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = auth::require(lang, viewer, &MONITORS)?;
    auth::check_csrf(lang, &viewer, &form.csrf)?;
    let bad = |message: &str| AppError::BadRequest {
        lang,
        message: message.to_owned(),
    };
    let body_id: i64 = form.body.parse().map_err(|_| bad("body"))?;
    state
        .store
        .public_body(body_id)
        .await
        .map_err(|_| bad("body"))?;
    if form.title.trim().is_empty() || form.request.trim().is_empty() {
        return Err(bad("title, request"));
    }
    let letter_language = match form.letter_language.as_str() {
        "ky" | "ru" => form.letter_language.clone(),
        _ => return Err(bad("letter_language")),
    };
    let mut reports = Vec::new();
    for id in form.reports.split(',').filter(|id| !id.trim().is_empty()) {
        let id: i64 = id.trim().parse().map_err(|_| bad("reports"))?;
        state.store.report(id).await.map_err(|_| bad("reports"))?;
        reports.push(id);
    }
    let flags: Vec<String> = form
        .flags
        .split(',')
        .map(str::trim)
        .filter(|code| code.len() == 4 && code.starts_with('R'))
        .map(str::to_owned)
        .collect();
    let organisation = optional(&form.organisation);
    if let Some(org) = &organisation {
        state
            .store
            .organisation(&OrgId::from(org.as_str()))
            .await
            .map_err(|_| bad("organisation"))?;
    }
    let case = NewCase {
        cso_id: viewer.user.cso_id,
        opened_by: viewer.user.id,
        body_id,
        ocid: optional(&form.ocid),
        organisation,
        title: form.title.trim().to_owned(),
        legal_basis: form.legal_basis.trim().to_owned(),
        request: form.request.trim().to_owned(),
        evidence: form.evidence.trim().to_owned(),
        letter_language,
        opened_on: day_text(today()),
        reports,
        flags,
    };
    let id = state
        .store
        .create_case(&case, auth::now())
        .await
        .map_err(store_error(lang))?;
    Ok(Redirect::to(&format!("/{}/cases/{id}", lang.code())).into_response())
}

/// The appeal letter of a case, in its language (Kyrgyz or Russian).
pub async fn letter_text(state: &AppState, case: &CaseRow) -> Result<(String, String), StoreError> {
    let lang = Lang::from_code(&case.letter_language).unwrap_or(Lang::Ru);
    let tr = Tr::new(lang);
    let body = state.store.public_body(case.body_id).await?;
    let opener = state.store.user(case.opened_by).await?;
    let (reports, flags) = state.store.case_evidence(case.id).await?;
    let mut text = String::new();
    text.push_str(&format!(
        "{}: {}\n\n",
        tr.t("letter-to"),
        body_name(lang, &body)
    ));
    text.push_str(&format!("{}: {}\n\n", tr.t("letter-subject"), case.title));
    text.push_str(&tr.t("letter-intro"));
    text.push_str("\n\n");
    text.push_str(&format!(
        "{}: {}\n\n",
        tr.t("case-legal-basis"),
        case.legal_basis
    ));
    if let Some(ocid) = &case.ocid {
        text.push_str(&format!("{}: {ocid}\n\n", tr.t("letter-process")));
    }
    text.push_str(&format!("{}\n{}\n\n", tr.t("case-request"), case.request));
    if !case.evidence.is_empty() {
        text.push_str(&format!("{}\n{}\n\n", tr.t("case-evidence"), case.evidence));
    }
    if !reports.is_empty() {
        let numbers: Vec<String> = reports.iter().map(|id| format!("#{id}")).collect();
        text.push_str(&format!(
            "{}: {}\n",
            tr.t("case-reports"),
            numbers.join(", ")
        ));
    }
    if !flags.is_empty() {
        text.push_str(&format!("{}: {}\n", tr.t("case-flags"), flags.join(", ")));
    }
    text.push('\n');
    text.push_str(&tr.t("letter-deadline"));
    text.push_str("\n\n");
    text.push_str(&format!(
        "{}\n{}\n",
        tr.t("letter-signature"),
        opener.display_name
    ));
    let subject = format!("{}: {}", tr.t("letter-subject"), case.title);
    Ok((subject, text))
}

/// `GET /{lang}/cases/{id}/letter`: the letter as plain text, for the team.
pub async fn letter(
    State(state): State<AppState>,
    Path((lang, id)): Path<(String, i64)>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let case = state.store.case(id).await.map_err(store_error(lang))?;
    let viewer = auth::require(lang, viewer, &auth::ANYONE)?;
    if !on_team(&viewer, &case) {
        return Err(AppError::Forbidden(lang));
    }
    let (_, text) = letter_text(&state, &case)
        .await
        .map_err(store_error(lang))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response())
}

/// The fields of a step form.
#[derive(Default)]
struct StepForm {
    csrf: String,
    action: String,
    channel: String,
    outcome: String,
    oversight: String,
    day: String,
    text: String,
    file: Option<NewAttachment>,
}

async fn read_step(mut multipart: Multipart, lang: Lang) -> Result<StepForm, AppError> {
    let bad = |message: String| AppError::BadRequest { lang, message };
    let mut form = StepForm::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|error| bad(error.body_text()))?
    {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("attachment").to_owned();
            let content_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|error| bad(error.body_text()))?;
            if bytes.len() > MAX_ATTACHMENT {
                return Err(bad(format!("file: more than {MAX_ATTACHMENT} bytes")));
            }
            if !bytes.is_empty() {
                form.file = Some(NewAttachment {
                    name: file_name,
                    content_type,
                    bytes: bytes.to_vec(),
                });
            }
            continue;
        }
        let text = field.text().await.map_err(|error| bad(error.body_text()))?;
        match name.as_str() {
            "csrf" => form.csrf = text,
            "action" => form.action = text,
            "channel" => form.channel = text,
            "outcome" => form.outcome = text,
            "oversight" => form.oversight = text,
            "day" => form.day = text,
            "text" => form.text = text,
            other => return Err(bad(format!("unknown field {other:?}"))),
        }
    }
    Ok(form)
}

/// `POST /{lang}/cases/{id}/step`.
pub async fn step(
    State(state): State<AppState>,
    Path((lang, id)): Path<(String, i64)>,
    MaybeViewer(viewer): MaybeViewer,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = auth::require(lang, viewer, &auth::ANYONE)?;
    let form = read_step(multipart, lang).await?;
    auth::check_csrf(lang, &viewer, &form.csrf)?;
    let tr = Tr::new(lang);
    let (case, body, escalated) = addressed(&state, lang, id).await?;
    let team = on_team(&viewer, &case);
    let official = official_of(&viewer, &body, escalated.as_ref());
    let may_act = team || (official && form.action == "response");
    if !may_act {
        return Err(AppError::Forbidden(lang));
    }
    let refuse = |message: String| async {
        let page = case_page(&state, lang, Some(&viewer), id, Some(message)).await?;
        html(lang, StatusCode::BAD_REQUEST, page)
    };
    if !ACTIONS.contains(&form.action.as_str()) {
        return refuse(tr.t("moderation-error-action")).await;
    }
    let current =
        CaseState::from_str(&case.state).map_err(|error| AppError::internal(lang, error))?;
    let day = match optional(&form.day) {
        None => today(),
        Some(text) => match Date::parse(&text) {
            Ok(day) if day <= today() => day,
            _ => return refuse(tr.t("case-error-day")).await,
        },
    };
    let (rules, calendar) = &*state.deadlines;
    let clock_from = |start: Date| {
        let due = due_date(start, rules, calendar);
        let beyond = due
            .warning
            .map(|Warning::BeyondCalendar { last_year }| i64::from(last_year));
        (day_text(start), day_text(due.answer_by), beyond)
    };
    let mut step = CaseStep {
        actor: Some(viewer.user.id),
        kind: form.action.clone(),
        day: day_text(day),
        at: auth::now(),
        public: true,
        text: form.text.trim().to_owned(),
        attachments: form.file.into_iter().collect(),
        ..CaseStep::default()
    };
    let target = match form.action.as_str() {
        "send" => {
            if !CHANNELS.contains(&form.channel.as_str()) {
                return refuse(tr.t("moderation-error-action")).await;
            }
            step.channel = Some(form.channel.clone());
            if form.channel == "email" {
                let delivered = match (&state.mailer, &body.email) {
                    (Some(mailer), Some(address)) => {
                        let (subject, letter) = letter_text(&state, &case)
                            .await
                            .map_err(store_error(lang))?;
                        mailer
                            .send(address, &subject, &letter)
                            .await
                            .map_err(|error| error.to_string())
                    }
                    (None, _) => Err(tr.t("case-error-no-mail")),
                    (_, None) => Err(tr.t("case-error-no-address")),
                };
                if let Err(why) = delivered {
                    if !current.can_go_to(CaseState::DeliveryFailed) {
                        return refuse(why).await;
                    }
                    step.kind = "delivery_failed".into();
                    step.public = false;
                    step.text = why;
                    step.state = CaseState::DeliveryFailed.as_str().to_owned();
                    return finish(&state, lang, id, &case, step).await;
                }
                // A letter sent today starts today's clock, whatever day was typed.
                step.day = day_text(today());
            }
            if !current.can_go_to(CaseState::Sent) {
                return refuse(tr.t("moderation-error-state")).await;
            }
            let start = Date::parse(&step.day).unwrap_or(day);
            step.clock = Some(clock_from(start));
            CaseState::AwaitingResponse
        }
        "response" => {
            if step.text.is_empty() && step.attachments.is_empty() {
                return refuse(tr.t("case-error-response")).await;
            }
            CaseState::ResponseReceived
        }
        "classify" => {
            let Ok(outcome) = CaseState::from_str(&form.outcome) else {
                return refuse(tr.t("moderation-error-action")).await;
            };
            if !OUTCOMES.contains(&form.outcome.as_str()) {
                return refuse(tr.t("moderation-error-action")).await;
            }
            step.kind = "classified".into();
            step.outcome = Some(form.outcome.clone());
            outcome
        }
        "escalate" => {
            let oversight = form
                .oversight
                .parse::<i64>()
                .ok()
                .filter(|id| *id != case.body_id);
            let Some(oversight) = oversight else {
                return refuse(tr.t("case-error-oversight")).await;
            };
            match state.store.public_body(oversight).await {
                Ok(body) if body.oversight != 0 => {}
                _ => return refuse(tr.t("case-error-oversight")).await,
            }
            step.escalated_to = Some(oversight);
            step.clock = Some(clock_from(day));
            CaseState::Escalated
        }
        "close" => CaseState::Closed,
        "reopen" => CaseState::Reopened,
        _ => {
            // A note: internal, the state unchanged.
            if step.text.is_empty() {
                return refuse(tr.t("case-error-response")).await;
            }
            step.public = false;
            step.state = case.state.clone();
            return finish(&state, lang, id, &case, step).await;
        }
    };
    // "sent" passes through `sent` to `awaiting_response` in one step.
    let allowed = if target == CaseState::AwaitingResponse {
        current.can_go_to(CaseState::Sent)
    } else {
        current.can_go_to(target)
    };
    if !allowed {
        return refuse(tr.t("moderation-error-state")).await;
    }
    step.state = target.as_str().to_owned();
    finish(&state, lang, id, &case, step).await
}

async fn finish(
    state: &AppState,
    lang: Lang,
    id: i64,
    case: &CaseRow,
    step: CaseStep,
) -> Result<Response, AppError> {
    match state.store.case_step(id, &case.state, &step).await {
        Ok(_) => Ok(Redirect::to(&format!("/{}/cases/{id}", lang.code())).into_response()),
        Err(StoreError::Conflict { .. }) => Err(AppError::BadRequest {
            lang,
            message: "the case moved on meanwhile".into(),
        }),
        Err(error) => Err(AppError::from_store(lang, error)),
    }
}

/// `GET /cases/attachments/{id}`: for the case's team and the body's officials.
pub async fn attachment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, AppError> {
    let lang = Lang::Ky;
    let viewer = auth::require(lang, viewer, &auth::ANYONE)?;
    let (row, case_id, bytes) = state
        .store
        .attachment(id)
        .await
        .map_err(store_error(lang))?;
    let case = state.store.case(case_id).await.map_err(store_error(lang))?;
    let body = state
        .store
        .public_body(case.body_id)
        .await
        .map_err(store_error(lang))?;
    if !on_team(&viewer, &case) && !official_of(&viewer, &body, None) {
        return Err(AppError::Forbidden(lang));
    }
    let disposition = format!(
        "attachment; filename=\"{}\"",
        row.name.replace(['"', '\\', '\r', '\n'], "_")
    );
    Ok((
        [
            // Served as a download, never rendered in the site's origin.
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::from(bytes),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "bodies.html")]
struct BodiesPage {
    chrome: Chrome,
    bodies: Vec<PublicBody>,
    action: String,
    csrf: String,
}

/// `GET /{lang}/admin/bodies`: the directory of public bodies.
pub async fn bodies(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = auth::require(lang, viewer, &ADMINS)?;
    let tr = Tr::new(lang);
    let page = BodiesPage {
        chrome: Chrome::new(lang, tr.t("bodies-title"), Some("/admin/bodies".into())),
        bodies: state
            .store
            .public_bodies()
            .await
            .map_err(store_error(lang))?,
        action: format!("/{}/admin/bodies", lang.code()),
        csrf: viewer.csrf.clone(),
    };
    html(lang, StatusCode::OK, page)
}

#[derive(Deserialize, Default)]
pub struct BodyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    name_ky: String,
    #[serde(default)]
    name_ru: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    reception_url: String,
    #[serde(default)]
    oversight: Option<String>,
}

/// `POST /{lang}/admin/bodies`: adds a body, or edits the one numbered `id`.
pub async fn save_body(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
    Form(form): Form<BodyForm>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = auth::require(lang, viewer, &ADMINS)?;
    auth::check_csrf(lang, &viewer, &form.csrf)?;
    let bad = |message: &str| AppError::BadRequest {
        lang,
        message: message.to_owned(),
    };
    if form.name_ky.trim().is_empty()
        || form.name_ru.trim().is_empty()
        || form.name_en.trim().is_empty()
    {
        return Err(bad("name_ky, name_ru, name_en"));
    }
    let id = match optional(&form.id) {
        None => 0,
        Some(text) => text.parse().map_err(|_| bad("id"))?,
    };
    let body = PublicBody {
        id,
        organisation: optional(&form.organisation),
        name_ky: form.name_ky.trim().to_owned(),
        name_ru: form.name_ru.trim().to_owned(),
        name_en: form.name_en.trim().to_owned(),
        email: optional(&form.email),
        address: optional(&form.address),
        reception_url: optional(&form.reception_url),
        oversight: i64::from(form.oversight.is_some()),
    };
    match state.store.save_public_body(&body).await {
        Ok(_) => Ok(Redirect::to(&format!("/{}/admin/bodies", lang.code())).into_response()),
        Err(StoreError::Conflict { .. }) => Err(bad("organisation")),
        Err(error) => Err(AppError::from_store(lang, error)),
    }
}

pub struct MonitorItem {
    id: i64,
    category: String,
    text: String,
    meta: String,
    href: String,
}

#[derive(Template)]
#[template(path = "monitor_reports.html")]
struct MonitorReportsPage {
    chrome: Chrome,
    items: Vec<MonitorItem>,
}

/// `GET /{lang}/monitor/reports`: for monitors and admins, the reports moderators passed on
/// (kept private or published), with the words the reporter sent, to open cases from.
pub async fn monitor_reports(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    auth::require(lang, viewer, &MONITORS)?;
    let tr = Tr::new(lang);
    let rows = state
        .store
        .reports_in_states(&["kept_private", "published", "published_redacted"])
        .await
        .map_err(store_error(lang))?;
    let items = rows
        .iter()
        .rev()
        .map(|row| {
            let mut meta = vec![
                words(&tr, "report-state", &row.state),
                row.received_on.clone(),
            ];
            if let Some(region) = crate::view::region_name(lang, row.region.as_deref()) {
                meta.push(region);
            }
            if let Some(ocid) = &row.ocid {
                meta.push(ocid.clone());
            }
            MonitorItem {
                id: row.id,
                category: words(&tr, "report-category", &row.category),
                text: row.body.clone(),
                meta: meta.join(" · "),
                href: format!("/{}/cases/new?report={}", lang.code(), row.id),
            }
        })
        .collect();
    let page = MonitorReportsPage {
        chrome: Chrome::new(
            lang,
            tr.t("monitor-reports-title"),
            Some("/monitor/reports".into()),
        ),
        items,
    };
    html(lang, StatusCode::OK, page)
}
