//! `/{lang}/`: what Achyk is, what it holds, and a search box.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};

use super::Chrome;
use crate::AppState;
use crate::error::AppError;
use crate::i18n::Arg;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    counts: String,
}

pub async fn redirect_to_home(Path(lang): Path<String>) -> Result<Redirect, AppError> {
    let lang = super::language(&lang)?;
    Ok(Redirect::permanent(&format!("/{}/", lang.code())))
}

pub async fn page(
    State(state): State<AppState>,
    Path(lang): Path<String>,
) -> Result<Html<String>, AppError> {
    let lang = super::language(&lang)?;
    let store_error = |error| AppError::from_store(lang, error);
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
    let chrome = Chrome::new(
        lang,
        crate::Tr::new(lang).t("site-tagline"),
        Some("/".into()),
    );
    let tr = chrome.tr;
    let counts = tr.t_with(
        "home-counts",
        &[
            ("processes", Arg::Number(processes as f64)),
            ("processes_shown", Arg::Text(&tr.number(processes as f64))),
            ("organisations", Arg::Number(organisations as f64)),
            (
                "organisations_shown",
                Arg::Text(&tr.number(organisations as f64)),
            ),
        ],
    );
    let page = HomePage { chrome, counts };
    page.render()
        .map(Html)
        .map_err(|error| AppError::internal(lang, error))
}
