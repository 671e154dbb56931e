//! `/{lang}/tenders`: search and filter processes. Every filter is in the URL (`q`, `region`,
//! `method`, `status`, `category`, `year`, `min`, `max`, `sort`, `page`), so a search can be
//! shared and bookmarked; the form works without JavaScript.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Html;

use achyk_store::{Facet, Sort};

use super::Chrome;
use crate::AppState;
use crate::error::AppError;
use crate::i18n::{Arg, Tr};
use crate::query::SearchQuery;
use crate::view::{TenderRow, region_name};

/// Rows per page: a page stays small on a slow connection.
const PAGE_SIZE: u32 = 25;

/// One choice of a filter, with how many processes it would give.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A filter of the form.
pub struct Filter {
    pub name: &'static str,
    pub label: String,
    pub choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "tenders.html")]
struct TendersPage {
    chrome: Chrome,
    /// Follow this search, and its region when one is chosen.
    follows: Vec<super::follows::FollowView>,
    query: String,
    /// Whether a filter other than the text is set, so the filters start unfolded.
    filters_open: bool,
    min: String,
    max: String,
    filters: Vec<Filter>,
    sorts: Vec<Choice>,
    found: String,
    rows: Vec<TenderRow>,
    previous_href: Option<String>,
    next_href: Option<String>,
    page_label: String,
    /// (format, link) of each download of this whole search.
    downloads: Vec<(&'static str, String)>,
    atom_href: String,
}

pub async fn list(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    Query(params): Query<SearchQuery>,
    crate::auth::MaybeViewer(viewer): crate::auth::MaybeViewer,
    uri: Uri,
) -> Result<Html<String>, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let search = params
        .to_search(PAGE_SIZE)
        .map_err(|bad| AppError::bad_request(lang, &bad))?;
    let page = search.page + 1;
    let sort = search.sort;
    let result = state
        .store
        .search(&search)
        .await
        .map_err(|error| AppError::from_store(lang, error))?;

    let chrome = Chrome::new(lang, tr.t("nav-tenders"), Some(super::rest_of(&uri)));
    let filters = Facet::ALL
        .iter()
        .map(|facet| {
            let (name, label, selected, prefix) = match facet {
                Facet::Region => ("region", "fact-region", &search.region, ""),
                Facet::Method => ("method", "fact-method", &search.method, "method"),
                Facet::Status => ("status", "fact-status", &search.status, "status"),
                Facet::Category => ("category", "fact-category", &search.category, "category"),
                Facet::Year => ("year", "filter-year", &None, ""),
                Facet::Value => ("value", "filter-value", &params.value, ""),
                Facet::Flag => ("flag", "filter-flag", &search.flag, ""),
            };
            let selected = match facet {
                Facet::Year => search.year.map(|year| year.to_string()),
                _ => selected.clone(),
            };
            let counts = result
                .facets
                .iter()
                .find(|(which, _)| which == facet)
                .map(|(_, counts)| counts.clone())
                .unwrap_or_default();
            let mut choices = vec![Choice {
                value: String::new(),
                label: tr.t("filter-any"),
                selected: selected.is_none(),
            }];
            if *facet == Facet::Flag {
                choices.push(Choice {
                    value: "any".to_string(),
                    label: tr.t("filter-flag-any"),
                    selected: selected.as_deref() == Some("any"),
                });
            }
            for (value, count) in counts.into_iter().filter(|(value, _)| !value.is_empty()) {
                let words = match facet {
                    Facet::Region => region_name(lang, Some(&value)).unwrap_or(value.clone()),
                    Facet::Year => value.clone(),
                    Facet::Value => value_range_words(&tr, &value),
                    Facet::Flag => tr.t(&format!("flag-{value}-title")),
                    _ => crate::view::coded(&tr, prefix, Some(&value)).unwrap_or_default(),
                };
                choices.push(Choice {
                    selected: selected.as_deref() == Some(value.as_str()),
                    label: format!("{words} ({})", tr.number(count as f64)),
                    value,
                });
            }
            Filter {
                name,
                label: tr.t(label),
                choices,
            }
        })
        .collect();
    let sorts = [Sort::Newest, Sort::Oldest, Sort::ValueHigh, Sort::ValueLow]
        .into_iter()
        .map(|choice| Choice {
            value: choice.code().to_string(),
            label: tr.t(&format!("sort-{}", choice.code())),
            selected: choice == sort,
        })
        .collect();
    let ocids: Vec<String> = result.rows.iter().map(|row| row.ocid.clone()).collect();
    let counts = state
        .store
        .flag_counts_of(&ocids)
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    let rows = TenderRow::list(lang, &result.rows, &counts);
    let pages = ((result.total as u32).max(1)).div_ceil(search.per_page);
    let link_to = |page: u32| chrome.href(&format!("/tenders?{}", params.at_page(page)));
    let page_label = tr.t_with(
        "page-of",
        &[
            ("page", Arg::Text(&tr.number(f64::from(page)))),
            ("pages", Arg::Text(&tr.number(f64::from(pages)))),
        ],
    );
    // A saved search is its query string, without the page number.
    let saved: String = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("page="))
        .collect::<Vec<_>>()
        .join("&");
    let back = format!("/{}/tenders?{saved}", lang.code());
    let mut follows = vec![super::follows::FollowView::new(
        lang,
        viewer.as_ref(),
        "search",
        &saved,
        back.clone(),
    )];
    if let Some(region) = &search.region {
        let mut button =
            super::follows::FollowView::new(lang, viewer.as_ref(), "region", region, back);
        button.label = "follow-region";
        follows.push(button);
    }
    let page = TendersPage {
        follows,
        query: search.text.clone().unwrap_or_default(),
        filters_open: search.region.is_some()
            || search.method.is_some()
            || search.status.is_some()
            || search.category.is_some()
            || search.year.is_some()
            || search.min_value.is_some()
            || search.max_value.is_some()
            || search.below_value.is_some()
            || search.flag.is_some()
            || sort != Sort::default(),
        min: params.min.clone().unwrap_or_default(),
        max: params.max.clone().unwrap_or_default(),
        filters,
        sorts,
        found: tr.t_with(
            "tenders-found",
            &[
                ("count", Arg::Number(result.total as f64)),
                ("shown", Arg::Text(&tr.number(result.total as f64))),
            ],
        ),
        rows,
        downloads: [
            ("CSV", "csv"),
            ("Excel", "xlsx"),
            ("OCDS", "jsonl"),
            ("OCDS records", "records.json"),
        ]
        .into_iter()
        .map(|(format, extension)| {
            (
                format,
                format!("/api/v1/tenders.{extension}?{}", params.without_paging()),
            )
        })
        .collect(),
        atom_href: format!("/api/v1/tenders.atom?{}", params.without_paging()),
        previous_href: (page > 1).then(|| link_to(page - 1)),
        next_href: (page < pages).then(|| link_to(page + 1)),
        page_label,
        chrome,
    };
    page.render()
        .map(Html)
        .map_err(|error| AppError::internal(lang, error))
}

/// A value range key (`100000-1000000`, `10000000-`) in words.
fn value_range_words(tr: &Tr, key: &str) -> String {
    let (lower, upper) = key.split_once('-').unwrap_or((key, ""));
    let number = |text: &str| text.parse::<f64>().unwrap_or(0.0);
    let currency = tr.t("currency-kgs");
    if upper.is_empty() {
        format!("≥ {}\u{a0}{currency}", tr.number(number(lower)))
    } else {
        format!(
            "{} – {}\u{a0}{currency}",
            tr.number(number(lower)),
            tr.number(number(upper))
        )
    }
}
