//! Moderation (moderators and admins, with their second factor): the queue of reports waiting,
//! one report with everything sent, the decision (publish, publish redacted, keep private,
//! reject, merge into another report, link to a process or organisation) and photo actions
//! (black out a rectangle, hide), each with a reason, each logged in the append-only moderation
//! log; and the whole log for admins.
//!
//! The state rules are `achyk_civic::lifecycle::ReportState`'s; a report still `received` is
//! moved to `in_review` (logged) before the decision.

use std::str::FromStr;

use achyk_civic::lifecycle::ReportState;
use achyk_civic::photo::{PhotoLimits, Rect, black_out};
use achyk_store::{Moderation, ModerationEntry, Ocid, OrgId, ReportChange, StoreError};
use askama::Template;
use axum::Form;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::tenders::Choice;
use super::{Chrome, private_page as html, store_error};
use crate::AppState;
use crate::auth::{self, ADMINS, MODERATORS, MaybeViewer, Viewer};
use crate::error::AppError;
use crate::i18n::{Lang, Tr};

/// The decisions a moderator can take on a report in review.
const ACTIONS: [&str; 6] = [
    "publish",
    "publish_redacted",
    "keep_private",
    "reject",
    "merge",
    "link",
];

pub struct QueueItem {
    id: i64,
    href: String,
    category: String,
    text: String,
    meta: String,
}

#[derive(Template)]
#[template(path = "moderation.html")]
struct QueuePage {
    chrome: Chrome,
    items: Vec<QueueItem>,
}

pub struct PhotoView {
    id: i64,
    src: String,
    action: String,
    width: i64,
    height: i64,
    hidden: bool,
    /// Added by the reporter after the decision; no moderator has looked at it yet.
    awaiting: bool,
}

pub struct EntryView {
    id: i64,
    at: String,
    who: String,
    report: i64,
    action: String,
    reason: String,
    before: String,
    after: String,
}

#[derive(Template)]
#[template(path = "moderate.html")]
struct ReportPage {
    chrome: Chrome,
    error: Option<String>,
    state: String,
    received_on: String,
    place: String,
    disclosure: String,
    contact: String,
    about: Option<(String, String)>,
    body: String,
    additions: Vec<(String, String)>,
    photos: Vec<PhotoView>,
    decidable: bool,
    action: String,
    actions: Vec<Choice>,
    public_text: String,
    ocid: String,
    organisation: String,
    csrf: String,
    entries: Vec<EntryView>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    entries: Vec<EntryView>,
}

fn words(tr: &Tr, prefix: &str, code: &str) -> String {
    tr.t(&format!("{prefix}-{}", code.replace('_', "-")))
}

/// `GET /{lang}/moderation`: the reports waiting for a decision, oldest first.
pub async fn queue(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    auth::require(lang, viewer, &MODERATORS)?;
    let tr = Tr::new(lang);
    let mut rows = state
        .store
        .reports_in_states(&["received", "in_review"])
        .await
        .map_err(store_error(lang))?;
    // Decided reports whose reporter added photos since, waiting to be looked at.
    let with_photos = state
        .store
        .reports_with_photos_awaiting_review()
        .await
        .map_err(store_error(lang))?;
    let new_photos: Vec<i64> = with_photos.iter().map(|row| row.id).collect();
    for row in with_photos {
        if !rows.iter().any(|known| known.id == row.id) {
            rows.push(row);
        }
    }
    let items = rows
        .iter()
        .map(|row| {
            let mut text: String = row.body.chars().take(200).collect();
            if row.body.chars().count() > 200 {
                text.push('…');
            }
            QueueItem {
                id: row.id,
                href: format!("/{}/moderation/{}", lang.code(), row.id),
                category: words(&tr, "report-category", &row.category),
                text,
                meta: if new_photos.contains(&row.id) {
                    format!(
                        "{} · {} · {}",
                        words(&tr, "report-state", &row.state),
                        row.received_on,
                        tr.t("moderation-new-photos")
                    )
                } else {
                    format!(
                        "{} · {}",
                        words(&tr, "report-state", &row.state),
                        row.received_on
                    )
                },
            }
        })
        .collect();
    let page = QueuePage {
        chrome: Chrome::new(lang, tr.t("moderation-title"), Some("/moderation".into())),
        items,
    };
    html(lang, StatusCode::OK, page)
}

async fn entries(
    state: &AppState,
    lang: Lang,
    report: Option<i64>,
) -> Result<Vec<EntryView>, AppError> {
    let log = state
        .store
        .moderation_log(report)
        .await
        .map_err(store_error(lang))?;
    let mut names = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(log.len());
    for ModerationEntry {
        id,
        report_id,
        actor,
        action,
        reason,
        before,
        after,
        at,
    } in log
    {
        if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(actor) {
            let name = match state.store.user(actor).await {
                Ok(user) => user.display_name,
                Err(_) => format!("#{actor}"),
            };
            slot.insert(name);
        }
        out.push(EntryView {
            id,
            at: achyk_ocds::release::format_instant(at, 6 * 60),
            who: names[&actor].clone(),
            report: report_id,
            action,
            reason,
            before,
            after,
        });
    }
    Ok(out)
}

async fn report_page(
    state: &AppState,
    lang: Lang,
    viewer: &Viewer,
    id: i64,
    error: Option<String>,
) -> Result<ReportPage, AppError> {
    let tr = Tr::new(lang);
    let report = state.store.report(id).await.map_err(store_error(lang))?;
    let additions = state
        .store
        .report_additions(id)
        .await
        .map_err(store_error(lang))?
        .into_iter()
        .map(|addition| (addition.received_on, addition.body))
        .collect();
    let photos = state
        .store
        .report_photos(id)
        .await
        .map_err(store_error(lang))?
        .into_iter()
        .map(|photo| PhotoView {
            id: photo.id,
            src: format!("/moderation/photos/{}.jpg", photo.id),
            action: format!("/{}/moderation/photos/{}", lang.code(), photo.id),
            width: photo.width,
            height: photo.height,
            hidden: photo.hidden,
            awaiting: photo.awaiting_review,
        })
        .collect();
    let mut place = Vec::new();
    if let Some(region) = crate::view::region_name(lang, report.region.as_deref()) {
        place.push(region);
    }
    if let Some(name) = &report.place {
        place.push(name.clone());
    }
    let about = match (&report.ocid, &report.organisation) {
        (Some(ocid), _) => Some((format!("/{}/tenders/{ocid}", lang.code()), ocid.clone())),
        (None, Some(id)) => Some((format!("/{}/organisations/{id}", lang.code()), id.clone())),
        _ => None,
    };
    let state_code = ReportState::from_str(&report.state).ok();
    let decidable = matches!(
        state_code,
        Some(ReportState::Received | ReportState::InReview)
    );
    Ok(ReportPage {
        chrome: Chrome::new(
            lang,
            format!("{} #{id}", tr.t("moderation-report")),
            Some(format!("/moderation/{id}")),
        ),
        error,
        state: words(&tr, "report-state", &report.state),
        received_on: report.received_on.clone(),
        place: place.join(" · "),
        disclosure: words(&tr, "report-disclosure", &report.disclosure),
        contact: tr.t(if report.contact_sealed.is_some() {
            "moderation-contact-sealed"
        } else {
            "moderation-contact-none"
        }),
        about,
        body: report.body.clone(),
        additions,
        photos,
        decidable,
        action: format!("/{}/moderation/{id}", lang.code()),
        actions: ACTIONS
            .iter()
            .map(|action| Choice {
                value: (*action).to_owned(),
                label: words(&tr, "moderation-action", action),
                selected: false,
            })
            .collect(),
        public_text: report.public_text.clone().unwrap_or(report.body.clone()),
        ocid: report.ocid.clone().unwrap_or_default(),
        organisation: report.organisation.clone().unwrap_or_default(),
        csrf: viewer.csrf.clone(),
        entries: entries(state, lang, Some(id)).await?,
    })
}

/// `GET /{lang}/moderation/{id}`.
pub async fn report(
    State(state): State<AppState>,
    Path((lang, id)): Path<(String, i64)>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = auth::require(lang, viewer, &MODERATORS)?;
    let page = report_page(&state, lang, &viewer, id, None).await?;
    html(lang, StatusCode::OK, page)
}

#[derive(Deserialize, Default)]
pub struct Decision {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    public_text: String,
    #[serde(default)]
    merge_into: String,
    #[serde(default)]
    ocid: String,
    #[serde(default)]
    organisation: String,
}

fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// `POST /{lang}/moderation/{id}`: applies a decision.
pub async fn decide(
    State(state): State<AppState>,
    Path((lang, id)): Path<(String, i64)>,
    MaybeViewer(viewer): MaybeViewer,
    Form(form): Form<Decision>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = auth::require(lang, viewer, &MODERATORS)?;
    auth::check_csrf(lang, &viewer, &form.csrf)?;
    let tr = Tr::new(lang);
    let refuse = |message: String| async {
        let page = report_page(&state, lang, &viewer, id, Some(message)).await?;
        html(lang, StatusCode::BAD_REQUEST, page)
    };
    let reason = form.reason.trim();
    if reason.is_empty() {
        return refuse(tr.t("moderation-error-reason")).await;
    }
    if !ACTIONS.contains(&form.action.as_str()) {
        return refuse(tr.t("moderation-error-action")).await;
    }
    let report = state.store.report(id).await.map_err(store_error(lang))?;
    let mut current =
        ReportState::from_str(&report.state).map_err(|error| AppError::internal(lang, error))?;
    let now = auth::now();
    let by = |action| Moderation {
        actor: viewer.user.id,
        action,
        reason,
        at: now,
    };
    // The link to a process or organisation is checked first: a decision that names one
    // that does not exist changes nothing.
    let ocid = optional(&form.ocid);
    if let Some(ocid) = &ocid
        && state
            .store
            .compiled_release(&Ocid::from(ocid.as_str()))
            .await
            .is_err()
    {
        return refuse(tr.t("report-error-unknown-process")).await;
    }
    let organisation = optional(&form.organisation);
    if let Some(id) = &organisation
        && state
            .store
            .organisation(&OrgId::from(id.as_str()))
            .await
            .is_err()
    {
        return refuse(tr.t("report-error-unknown-organisation")).await;
    }
    let merge_into = match form.action.as_str() {
        "merge" => match form.merge_into.trim().parse::<i64>() {
            Ok(target) if target != id && state.store.report(target).await.is_ok() => Some(target),
            _ => return refuse(tr.t("moderation-error-merge")).await,
        },
        _ => None,
    };
    let target = match form.action.as_str() {
        "publish" => Some(ReportState::Published),
        "publish_redacted" => Some(ReportState::PublishedRedacted),
        "keep_private" => Some(ReportState::KeptPrivate),
        "reject" => Some(ReportState::Rejected),
        "merge" => Some(ReportState::Merged),
        _ => None,
    };
    if target.is_some() && current == ReportState::Received {
        let review = ReportChange {
            state: Some(ReportState::InReview.as_str().to_owned()),
            ..ReportChange::default()
        };
        state
            .store
            .moderate_report(id, current.as_str(), by("review"), &review)
            .await
            .map_err(store_error(lang))?;
        current = ReportState::InReview;
    }
    let mut change = ReportChange {
        ocid: Some(ocid),
        organisation: Some(organisation),
        merged_into: merge_into,
        ..ReportChange::default()
    };
    if let Some(target) = target {
        if current.transition(target).is_err() {
            return refuse(tr.t("moderation-error-state")).await;
        }
        change.state = Some(target.as_str().to_owned());
        if target.is_public() {
            let text = optional(&form.public_text).unwrap_or(report.body.clone());
            change.public_text = Some(Some(text));
            change.published_on = Some(crate::reports::today());
        }
    }
    match state
        .store
        .moderate_report(id, current.as_str(), by(&form.action), &change)
        .await
    {
        Ok(()) => {}
        Err(StoreError::Conflict { .. }) => {
            return refuse(tr.t("moderation-error-state")).await;
        }
        Err(error) => return Err(AppError::from_store(lang, error)),
    }
    Ok(Redirect::to(&format!("/{}/moderation/{id}", lang.code())).into_response())
}

#[derive(Deserialize, Default)]
pub struct PhotoAction {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    x: String,
    #[serde(default)]
    y: String,
    #[serde(default)]
    width: String,
    #[serde(default)]
    height: String,
    #[serde(default)]
    hide: Option<String>,
}

/// `POST /{lang}/moderation/photos/{id}`: black out a rectangle (when it has a size) and hide
/// or show the photo.
pub async fn photo_action(
    State(state): State<AppState>,
    Path((lang, photo_id)): Path<(String, i64)>,
    MaybeViewer(viewer): MaybeViewer,
    Form(form): Form<PhotoAction>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = auth::require(lang, viewer, &MODERATORS)?;
    auth::check_csrf(lang, &viewer, &form.csrf)?;
    let (photo, jpeg) = state
        .store
        .photo(photo_id)
        .await
        .map_err(store_error(lang))?;
    let tr = Tr::new(lang);
    let refuse = |message: String| async {
        let page = report_page(&state, lang, &viewer, photo.report_id, Some(message)).await?;
        html(lang, StatusCode::BAD_REQUEST, page)
    };
    let reason = form.reason.trim();
    if reason.is_empty() {
        return refuse(tr.t("moderation-error-reason")).await;
    }
    let number = |text: &str| text.trim().parse::<u32>().unwrap_or(0);
    let rect = Rect {
        x: number(&form.x),
        y: number(&form.y),
        width: number(&form.width),
        height: number(&form.height),
    };
    let blacked = if rect.width > 0 && rect.height > 0 {
        let limits = PhotoLimits::default();
        match tokio::task::spawn_blocking(move || black_out(&jpeg, &[rect], &limits)).await {
            Ok(Ok(bytes)) => Some(bytes),
            _ => return refuse(tr.t("moderation-error-rectangle")).await,
        }
    } else {
        None
    };
    let hide = form.hide.is_some();
    // Keeping a photo that awaits review as it is still records that a moderator saw it.
    if blacked.is_none() && hide == photo.hidden && !photo.awaiting_review {
        return Ok(
            Redirect::to(&format!("/{}/moderation/{}", lang.code(), photo.report_id))
                .into_response(),
        );
    }
    state
        .store
        .moderate_photo(
            photo_id,
            viewer.user.id,
            reason,
            blacked.as_deref(),
            (hide != photo.hidden).then_some(hide),
            auth::now(),
        )
        .await
        .map_err(store_error(lang))?;
    Ok(Redirect::to(&format!("/{}/moderation/{}", lang.code(), photo.report_id)).into_response())
}

/// `GET /moderation/photos/{id}.jpg`: any photo, for moderators.
pub async fn photo(
    State(state): State<AppState>,
    Path(file): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, AppError> {
    auth::require(Lang::Ky, viewer, &MODERATORS)?;
    let Some(id) = file
        .strip_suffix(".jpg")
        .and_then(|id| id.parse::<i64>().ok())
    else {
        return Err(AppError::NotFound(Lang::Ky));
    };
    let (_, jpeg) = state.store.photo(id).await.map_err(store_error(Lang::Ky))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        Body::from(jpeg),
    )
        .into_response())
}

/// `GET /{lang}/admin/audit`: the whole moderation log, for admins.
pub async fn audit(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    auth::require(lang, viewer, &ADMINS)?;
    let tr = Tr::new(lang);
    let page = AuditPage {
        chrome: Chrome::new(lang, tr.t("audit-title"), Some("/admin/audit".into())),
        entries: entries(&state, lang, None).await?,
    };
    html(lang, StatusCode::OK, page)
}
