//! `/{lang}/developers`: the open-data guide for researchers and hackathons: the API with
//! working examples on this very server, the downloads, the identifiers and the licence.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri, header};
use axum::response::Html;

use super::Chrome;
use crate::AppState;
use crate::error::AppError;
use crate::i18n::Tr;

pub struct Example {
    pub what: String,
    pub url: String,
}

#[derive(Template)]
#[template(path = "developers.html")]
struct DevelopersPage {
    chrome: Chrome,
    examples: Vec<Example>,
}

pub async fn page(
    State(_state): State<AppState>,
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
    };
    page.render()
        .map(Html)
        .map_err(|error| AppError::internal(lang, error))
}
