//! `/{lang}/about`: where the data comes from, how much there is, and the data-quality report:
//! every kind of repair the normaliser made, in how many processes.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Html;

use super::Chrome;
use crate::AppState;
use crate::error::AppError;
use crate::i18n::{Arg, Tr};

pub struct QualityTotal {
    pub what: String,
    pub processes: String,
    pub changes: String,
}

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage {
    chrome: Chrome,
    coverage: String,
    quality: Vec<QualityTotal>,
}

pub async fn page(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    uri: Uri,
) -> Result<Html<String>, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let store_error = |error| AppError::from_store(lang, error);
    let releases = state.store.count_releases().await.map_err(store_error)?;
    let processes = state
        .store
        .count_compiled_releases()
        .await
        .map_err(store_error)?;
    let organisations = state
        .store
        .count_organisations()
        .await
        .map_err(store_error)?;
    let coverage = tr.t_with(
        "about-coverage",
        &[
            ("releases", Arg::Number(releases as f64)),
            ("releases_shown", Arg::Text(&tr.number(releases as f64))),
            ("processes", Arg::Number(processes as f64)),
            ("processes_shown", Arg::Text(&tr.number(processes as f64))),
            ("organisations", Arg::Number(organisations as f64)),
            (
                "organisations_shown",
                Arg::Text(&tr.number(organisations as f64)),
            ),
        ],
    );
    let quality = state
        .store
        .quality_totals()
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|row| QualityTotal {
            what: tr.t(&format!("rule-{}", row.rule.replace('_', "-"))),
            processes: tr.number(row.processes as f64),
            changes: tr.number(row.notes as f64),
        })
        .collect();
    let page = AboutPage {
        chrome: Chrome::new(lang, tr.t("nav-about"), Some(super::rest_of(&uri))),
        coverage,
        quality,
    };
    page.render()
        .map(Html)
        .map_err(|error| AppError::internal(lang, error))
}
