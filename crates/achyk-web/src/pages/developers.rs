//! `/{lang}/developers`: the open-data guide for researchers and hackathons: the API with
//! working examples on this very server, the downloads, the identifiers and the licence.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri, header};
use axum::response::Html;

use super::Chrome;
use crate::AppState;
use crate::error::AppError;
use crate::i18n::{Arg, Tr};

pub struct Example {
    pub what: String,
    pub url: String,
}

/// One year of the bulk files, as the page lists it.
pub struct BulkYear {
    pub year: String,
    pub processes: String,
    /// (file name, its link, its size in words).
    pub files: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "developers.html")]
struct DevelopersPage {
    chrome: Chrome,
    examples: Vec<Example>,
    /// `None` when this server publishes no bulk files.
    bulk: Option<Vec<BulkYear>>,
    columns: String,
}

/// The bulk files this server publishes, if any.
fn bulk_years(state: &AppState, tr: &Tr) -> Option<Vec<BulkYear>> {
    let index = crate::bulk::Index::read(state.bulk.as_deref()?).ok()?;
    Some(
        index
            .years
            .iter()
            .map(|year| BulkYear {
                year: year
                    .year
                    .map_or_else(|| tr.t("developers-bulk-undated"), |year| year.to_string()),
                processes: tr.number(year.processes as f64),
                files: year
                    .files
                    .iter()
                    .map(|file| {
                        let megabytes = file.bytes as f64 / 1e6;
                        let size = tr.t_with(
                            "developers-bulk-size",
                            &[("megabytes", Arg::Number((megabytes * 10.0).ceil() / 10.0))],
                        );
                        (file.name.clone(), format!("/bulk/{}", file.name), size)
                    })
                    .collect(),
            })
            .collect(),
    )
}

pub async fn page(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Html<String>, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("localhost:8080");
    let base = format!("http://{host}");
    let examples = [
        (
            "developers-example-search",
            "/api/v1/tenders?q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0&region=KG-C&per_page=10",
        ),
        (
            "developers-example-process",
            "/api/v1/tenders/ocds-h7i0z4-240115013",
        ),
        (
            "developers-example-organisation",
            "/api/v1/organisations/KG-INN-02305199310123",
        ),
        ("developers-example-analytics", "/api/v1/analytics"),
        (
            "developers-example-csv",
            "/api/v1/tenders.csv?category=works&year=2024",
        ),
        (
            "developers-example-xlsx",
            "/api/v1/tenders.xlsx?region=KG-J&sort=value-high",
        ),
        (
            "developers-example-ocds",
            "/api/v1/tenders.jsonl?method=direct",
        ),
        (
            "developers-example-records",
            "/api/v1/tenders.records.json?buyer=KG-INN-02305199310123",
        ),
        (
            "developers-example-atom",
            "/api/v1/tenders.atom?region=KG-O",
        ),
        ("developers-example-openapi", "/api/v1/openapi.json"),
    ]
    .into_iter()
    .map(|(what, path)| Example {
        what: tr.t(what),
        url: format!("{base}{path}"),
    })
    .collect();
    let page = DevelopersPage {
        chrome: Chrome::new(lang, tr.t("nav-developers"), Some(super::rest_of(&uri))),
        examples,
        bulk: bulk_years(&state, &tr),
        columns: crate::tabular::COLUMNS.join(", "),
    };
    page.render()
        .map(Html)
        .map_err(|error| AppError::internal(lang, error))
}
