//! `/{lang}/impact`: what monitoring achieved, in totals: reports by category and region,
//! participation by self-declared gender and age group, cases by state and outcome, and
//! answers on time. Counts of people's self-declared attributes under
//! [`SMALLEST_SHOWN`] are shown as "fewer than", so no one is singled out.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Html;

use super::Chrome;
use crate::AppState;
use crate::error::AppError;
use crate::i18n::{Arg, Tr};

/// The smallest count of a self-declared attribute shown as it is.
pub const SMALLEST_SHOWN: i64 = 5;

pub struct TableView {
    id: &'static str,
    title: String,
    column: String,
    rows: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "impact.html")]
struct ImpactPage {
    chrome: Chrome,
    facts: Vec<(String, String)>,
    tables: Vec<TableView>,
}

fn key_words(tr: &Tr, prefix: &str, key: &str) -> String {
    if key.is_empty() {
        tr.t("impact-not-given")
    } else {
        tr.t(&format!("{prefix}-{}", key.replace('_', "-")))
    }
}

pub async fn page(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    uri: Uri,
) -> Result<Html<String>, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let impact = state
        .store
        .impact()
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    let count = |n: i64| tr.number(n as f64);
    let suppressed = |n: i64| {
        if n < SMALLEST_SHOWN {
            tr.t_with(
                "impact-fewer-than",
                &[("n", Arg::Text(&SMALLEST_SHOWN.to_string()))],
            )
        } else {
            count(n)
        }
    };
    let on_time = if impact.answered == 0 {
        tr.t("impact-nothing")
    } else {
        format!(
            "{} / {} ({}%)",
            count(impact.answered_on_time),
            count(impact.answered),
            (impact.answered_on_time * 100 + impact.answered / 2) / impact.answered
        )
    };
    let facts = vec![
        (tr.t("impact-reports"), count(impact.reports)),
        (tr.t("impact-published"), count(impact.published_reports)),
        (tr.t("impact-cases"), count(impact.cases)),
        (tr.t("impact-on-time"), on_time),
    ];
    let table = |id, title: &str, column: &str, rows: Vec<(String, String)>| TableView {
        id,
        title: tr.t(title),
        column: tr.t(column),
        rows,
    };
    let tables = vec![
        table(
            "by-category",
            "impact-by-category",
            "report-category",
            impact
                .by_category
                .iter()
                .map(|(key, n)| (key_words(&tr, "report-category", key), count(*n)))
                .collect(),
        ),
        table(
            "by-region",
            "impact-by-region",
            "impact-region",
            impact
                .by_region
                .iter()
                .map(|(key, n)| {
                    let name = crate::view::region_name(lang, Some(key))
                        .unwrap_or_else(|| tr.t("impact-not-given"));
                    (name, count(*n))
                })
                .collect(),
        ),
        table(
            "by-gender",
            "impact-by-gender",
            "report-gender",
            impact
                .by_gender
                .iter()
                .map(|(key, n)| (key_words(&tr, "report-gender", key), suppressed(*n)))
                .collect(),
        ),
        table(
            "by-age",
            "impact-by-age",
            "report-age-group",
            impact
                .by_age_group
                .iter()
                .map(|(key, n)| (key_words(&tr, "report-age", key), suppressed(*n)))
                .collect(),
        ),
        table(
            "cases-by-state",
            "impact-cases-by-state",
            "case-state",
            impact
                .by_case_state
                .iter()
                .map(|(key, n)| (key_words(&tr, "case-status", key), count(*n)))
                .collect(),
        ),
        table(
            "outcomes",
            "impact-outcomes",
            "case-outcome",
            impact
                .by_outcome
                .iter()
                .map(|(key, n)| (key_words(&tr, "case-status", key), count(*n)))
                .collect(),
        ),
    ];
    let page = ImpactPage {
        chrome: Chrome::new(lang, tr.t("impact-title"), Some(super::rest_of(&uri))),
        facts,
        tables,
    };
    page.render()
        .map(Html)
        .map_err(|error| AppError::internal(lang, error))
}
