//! `/{lang}/tenders`: the contracting processes, a page at a time, in ocid order.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Html;
use serde::Deserialize;
use serde_json::Value;

use super::Chrome;
use crate::AppState;
use crate::error::AppError;
use crate::view::TenderRow;

/// Rows per page: a page stays small on a slow connection.
const PAGE_SIZE: usize = 30;

#[derive(Deserialize)]
pub struct ListParams {
    /// The last ocid of the previous page.
    after: Option<String>,
}

#[derive(Template)]
#[template(path = "tenders.html")]
struct TendersPage {
    chrome: Chrome,
    rows: Vec<TenderRow>,
    next_href: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    Query(params): Query<ListParams>,
    uri: Uri,
) -> Result<Html<String>, AppError> {
    let lang = super::language(&lang)?;
    let after = params
        .after
        .map(|ocid| achyk_store::Ocid::from(ocid.as_str()));
    let page = state
        .store
        .normalised_releases_page(after.as_ref(), PAGE_SIZE)
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    let chrome = Chrome::new(
        lang,
        crate::Tr::new(lang).t("nav-tenders"),
        Some(super::rest_of(&uri)),
    );
    let rows: Vec<TenderRow> = page
        .iter()
        .map(|row| {
            let release: Value = serde_json::from_str(&row.json).unwrap_or(Value::Null);
            TenderRow::of(lang, row.ocid.as_str(), &release, row.region.as_deref())
        })
        .collect();
    let next_href = (page.len() == PAGE_SIZE).then(|| {
        let last = page.last().expect("a full page").ocid.as_str();
        chrome.href(&format!("/tenders?after={}", encode(last)))
    });
    let page = TendersPage {
        chrome,
        rows,
        next_href,
    };
    page.render()
        .map(Html)
        .map_err(|error| AppError::internal(lang, error))
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}
