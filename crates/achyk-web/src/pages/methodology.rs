//! `/{lang}/methodology`: how red flags are computed: every indicator with why it is a risk,
//! how many flags the last run raised, and how the risk score adds them up.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Html;

use super::Chrome;
use crate::AppState;
use crate::error::AppError;
use crate::i18n::{Arg, Tr};

pub struct Indicator {
    pub code: &'static str,
    pub title: String,
    pub why: String,
    /// "Raised 12 times in the last run", when flags were computed.
    pub raised: Option<String>,
}

#[derive(Template)]
#[template(path = "methodology.html")]
struct MethodologyPage {
    chrome: Chrome,
    indicators: Vec<Indicator>,
}

pub async fn page(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    uri: Uri,
) -> Result<Html<String>, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let store_error = |error| AppError::from_store(lang, error);
    let ran = state
        .store
        .last_flag_run()
        .await
        .map_err(store_error)?
        .is_some();
    let counts = state.store.flag_counts().await.map_err(store_error)?;
    let indicators = achyk_flags::CODES
        .iter()
        .map(|code| {
            let raised: i64 = counts
                .iter()
                .filter(|count| count.code == *code)
                .map(|count| count.count)
                .sum();
            Indicator {
                code,
                title: tr.t(&format!("flag-{code}-title")),
                why: tr.t(&format!("flag-{code}-why")),
                raised: ran.then(|| {
                    tr.t_with(
                        "methodology-raised",
                        &[("count", Arg::Number(raised as f64))],
                    )
                }),
            }
        })
        .collect();
    let page = MethodologyPage {
        chrome: Chrome::new(lang, tr.t("methodology-title"), Some(super::rest_of(&uri))),
        indicators,
    };
    page.render()
        .map(Html)
        .map_err(|error| AppError::internal(lang, error))
}
