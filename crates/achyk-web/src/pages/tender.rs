//! `/{lang}/tenders/{ocid}`: one contracting process, plain-language summary first, then the
//! details, the data-quality notes and the history; `…/ocds.json` is its normalised compiled
//! release as stored.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;

use super::Chrome;
use crate::AppState;
use crate::error::AppError;
use crate::explain::{FlagView, flag_views};
use crate::i18n::Arg;
use crate::view::{TenderView, short_date};

pub struct QualityView {
    pub what: String,
    pub path: String,
    pub before: String,
    pub after: String,
}

pub struct HistoryView {
    pub id: String,
    pub date: String,
    pub tags: String,
}

#[derive(Template)]
#[template(path = "tender.html")]
struct TenderPage {
    chrome: Chrome,
    tender: TenderView,
    quality: Vec<QualityView>,
    history: Vec<HistoryView>,
    raw_href: String,
    /// `None` when flags were never computed on this database.
    flags: Option<Vec<FlagView>>,
    score: Option<String>,
    none_message: &'static str,
    reports: Vec<super::report::ReportItem>,
    report_href: String,
    follow: super::follows::FollowView,
    /// The infrastructure projects this process is part of: (address, title).
    projects: Vec<(String, String)>,
}

pub async fn page(
    State(state): State<AppState>,
    Path((lang, ocid)): Path<(String, String)>,
    crate::auth::MaybeViewer(viewer): crate::auth::MaybeViewer,
    uri: Uri,
) -> Result<Html<String>, AppError> {
    let lang = super::language(&lang)?;
    let key = achyk_store::Ocid::from(ocid.as_str());
    let store_error = |error| AppError::from_store(lang, error);
    let row = state
        .store
        .normalised_release(&key)
        .await
        .map_err(store_error)?;
    let release: Value =
        serde_json::from_str(&row.json).map_err(|error| AppError::internal(lang, error))?;
    let tender = TenderView::of(lang, &ocid, &release, row.region.as_deref());
    let chrome = Chrome::new(lang, tender.title.clone(), Some(super::rest_of(&uri)));
    let tr = chrome.tr;
    let quality = state
        .store
        .quality_notes(&key)
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|row| QualityView {
            what: tr.t(&format!("rule-{}", row.note.rule.replace('_', "-"))),
            path: row.note.path,
            before: row.note.before.unwrap_or_default(),
            after: row.note.after.unwrap_or_default(),
        })
        .collect();
    let history = state
        .store
        .releases_of(&key)
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|row| {
            let tags = serde_json::from_str::<Value>(&row.json)
                .ok()
                .and_then(|release| release.get("tag").cloned())
                .and_then(|tags| tags.as_array().cloned())
                .unwrap_or_default()
                .iter()
                .filter_map(Value::as_str)
                .map(|tag| {
                    let id = format!("tag-{tag}");
                    let words = tr.t(&id);
                    if words == id { tag.to_string() } else { words }
                })
                .collect::<Vec<_>>()
                .join(", ");
            HistoryView {
                id: row.release_id.unwrap_or_default(),
                date: short_date(&row.date),
                tags,
            }
        })
        .collect();
    let raw_href = chrome.href(&format!("/tenders/{ocid}/ocds.json"));
    let flags = match state.store.last_flag_run().await.map_err(store_error)? {
        Some(_) => {
            let stored = state
                .store
                .flags_of_process(&ocid)
                .await
                .map_err(store_error)?;
            Some(flag_views(&tr, &stored))
        }
        None => None,
    };
    let score = state
        .store
        .risk_score("ocid", &ocid)
        .await
        .map_err(store_error)?
        .map(|score| {
            tr.t_with(
                "flags-score",
                &[("score", Arg::Text(&format!("{:.1}", score.score)))],
            )
        });
    let page = TenderPage {
        chrome,
        tender,
        quality,
        history,
        raw_href,
        flags,
        score,
        none_message: "flags-none",
        projects: state
            .store
            .projects_of_process(&ocid)
            .await
            .map_err(store_error)?
            .into_iter()
            .map(|(id, title)| {
                (
                    format!("/{}/projects/{}", lang.code(), crate::query::encode(&id)),
                    title,
                )
            })
            .collect(),
        reports: super::report::about_items(&state, &tr, achyk_store::ReportsAbout::Process(&ocid))
            .await,
        follow: super::follows::FollowView::new(
            lang,
            viewer.as_ref(),
            "process",
            &ocid,
            format!("/{}/tenders/{ocid}", lang.code()),
        ),
        report_href: format!(
            "/{}/report?ocid={}",
            lang.code(),
            crate::query::encode(&ocid)
        ),
    };
    page.render()
        .map(Html)
        .map_err(|error| AppError::internal(lang, error))
}

pub async fn raw(
    State(state): State<AppState>,
    Path((lang, ocid)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let row = state
        .store
        .normalised_release(&achyk_store::Ocid::from(ocid.as_str()))
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], row.json).into_response())
}
