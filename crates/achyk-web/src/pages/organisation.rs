//! `/{lang}/organisations/{id}`: a buyer or supplier: who it is, what its processes add up
//! to (spending, competition, direct awards), and its processes as buyer and as supplier.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Html;
use serde_json::Value;

use achyk_store::{OrgId, SearchParams};

use super::Chrome;
use crate::AppState;
use crate::error::AppError;
use crate::explain::{FlagView, flag_views};
use crate::i18n::{Arg, Lang, Tr};
use crate::view::{Fact, TenderRow, region_name};

/// Processes listed per role.
const LISTED: u32 = 25;

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage {
    chrome: Chrome,
    name: String,
    other_name: Option<String>,
    facts: Vec<Fact>,
    buyer_summary: Option<String>,
    supplier_summary: Option<String>,
    as_buyer: Vec<TenderRow>,
    as_supplier: Vec<TenderRow>,
    more_as_buyer: Option<String>,
    /// Spending per year and per method as a buyer: (chart, table rows).
    by_year: Option<Breakdown>,
    by_method: Option<Breakdown>,
    partners: Vec<Partner>,
    /// `None` when flags were never computed on this database.
    flags: Option<Vec<FlagView>>,
    score: Option<String>,
    none_message: &'static str,
    reports: Vec<super::report::ReportItem>,
    report_href: String,
    follow: super::follows::FollowView,
}

/// A chart and its table: (name, processes, value) per row.
type Breakdown = (String, Vec<(String, String, String)>);

pub struct Partner {
    pub name: String,
    pub href: String,
    pub processes: String,
}

pub async fn page(
    State(state): State<AppState>,
    Path((lang, id)): Path<(String, String)>,
    crate::auth::MaybeViewer(viewer): crate::auth::MaybeViewer,
    uri: Uri,
) -> Result<Html<String>, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let store_error = |error| AppError::from_store(lang, error);
    let key = OrgId::from(id.as_str());
    let organisation = state.store.organisation(&key).await.map_err(store_error)?;
    let russian = organisation
        .name
        .clone()
        .or_else(|| organisation.legal_name.clone())
        .unwrap_or_else(|| id.clone());
    let (name, other_name) = match (lang, &organisation.name_ky) {
        (Lang::Ky, Some(kyrgyz)) => (kyrgyz.clone(), Some(russian)),
        (_, Some(kyrgyz)) => (russian, Some(kyrgyz.clone())),
        (_, None) => (russian, None),
    };
    let party: Value = serde_json::from_str(&organisation.json).unwrap_or(Value::Null);

    let mut facts = Vec::new();
    if let (Some(scheme), Some(identifier)) =
        (&organisation.identifier_scheme, &organisation.identifier_id)
    {
        facts.push(Fact {
            label: tr.t("fact-identifier"),
            value: format!("{scheme} {identifier}"),
            href: None,
        });
    }
    if let Some(region) = region_name(lang, organisation.region.as_deref()) {
        facts.push(Fact {
            label: tr.t("fact-region"),
            value: region,
            href: None,
        });
    }
    let address: Vec<String> = ["streetAddress", "locality", "region"]
        .iter()
        .filter_map(|field| party.pointer(&format!("/address/{field}")))
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    if !address.is_empty() {
        facts.push(Fact {
            label: tr.t("fact-address"),
            value: address.join(", "),
            href: None,
        });
    }

    let stats = state.store.buyer_stats(&key).await.map_err(store_error)?;
    let buyer_summary = (stats.processes > 0).then(|| {
        let share = |part: i64, whole: i64| {
            if whole == 0 {
                "0".to_string()
            } else {
                tr.number(100.0 * part as f64 / whole as f64)
            }
        };
        let average = if stats.with_bids == 0 {
            "0".to_string()
        } else {
            format!("{:.1}", stats.bids as f64 / stats.with_bids as f64)
        };
        tr.t_with(
            "organisation-buyer-summary",
            &[
                ("processes", Arg::Number(stats.processes as f64)),
                (
                    "processes_shown",
                    Arg::Text(&tr.number(stats.processes as f64)),
                ),
                ("value", Arg::Text(&tr.money(stats.value_kgs, "KGS"))),
                ("average_bids", Arg::Text(&average)),
                (
                    "single_bid",
                    Arg::Text(&share(stats.single_bid, stats.with_bids)),
                ),
                ("direct", Arg::Text(&share(stats.direct, stats.processes))),
            ],
        )
    });
    let search = |participant: Option<(String, String)>, buyer: Option<String>| SearchParams {
        buyer,
        participant,
        per_page: LISTED,
        ..Default::default()
    };
    let as_buyer = state
        .store
        .search(&search(None, Some(id.clone())))
        .await
        .map_err(store_error)?;
    let as_supplier = state
        .store
        .search(&search(Some((id.clone(), "supplier".into())), None))
        .await
        .map_err(store_error)?;
    let supplier_summary = (as_supplier.total > 0).then(|| {
        tr.t_with(
            "organisation-supplier-summary",
            &[
                ("processes", Arg::Number(as_supplier.total as f64)),
                (
                    "processes_shown",
                    Arg::Text(&tr.number(as_supplier.total as f64)),
                ),
            ],
        )
    });
    let chrome = Chrome::new(lang, name.clone(), Some(super::rest_of(&uri)));
    // As a buyer: spending by year and by method, each a chart with its table.
    let breakdown = |groups: Vec<achyk_store::GroupStats>, heading: &str, prefix: &str| {
        if groups.is_empty() {
            return None;
        }
        let words = |key: &str| crate::view::group_words(&tr, prefix, key);
        let chart = crate::charts::bars(
            &groups
                .iter()
                .map(|group| {
                    (
                        words(&group.key),
                        group.value_kgs,
                        tr.money(group.value_kgs, "KGS"),
                    )
                })
                .collect::<Vec<_>>(),
            &tr.t(heading),
        );
        let table = groups
            .iter()
            .map(|group| {
                (
                    words(&group.key),
                    tr.number(group.processes as f64),
                    tr.money(group.value_kgs, "KGS"),
                )
            })
            .collect();
        Some((chart, table))
    };
    let by_year = if stats.processes > 0 {
        breakdown(
            state
                .store
                .group_stats_of(achyk_store::Facet::Year, Some(&key))
                .await
                .map_err(store_error)?,
            "analytics-by-year",
            "",
        )
    } else {
        None
    };
    let by_method = if stats.processes > 0 {
        breakdown(
            state
                .store
                .group_stats_of(achyk_store::Facet::Method, Some(&key))
                .await
                .map_err(store_error)?,
            "analytics-by-method",
            "method",
        )
    } else {
        None
    };
    let partners = state
        .store
        .partners(&key, 10)
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|(partner, name, processes)| Partner {
            href: chrome.href(&format!("/organisations/{}", partner.as_str())),
            name: name.unwrap_or_else(|| partner.as_str().to_string()),
            processes: tr.number(processes as f64),
        })
        .collect();
    let more_as_buyer = (as_buyer.total > i64::from(LISTED)).then(|| {
        chrome.href(&format!(
            "/tenders?q={}",
            crate::query::encode(&organisation.name.clone().unwrap_or_default())
        ))
    });
    let (flags, score) = organisation_flags(&state, &tr, id.as_str())
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    let listed: Vec<String> = as_buyer
        .rows
        .iter()
        .chain(&as_supplier.rows)
        .map(|row| row.ocid.clone())
        .collect();
    let counts = state
        .store
        .flag_counts_of(&listed)
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    let page = OrganisationPage {
        flags,
        score,
        none_message: "flags-none-organisation",
        reports: super::report::about_items(
            &state,
            &tr,
            achyk_store::ReportsAbout::Organisation(&id),
        )
        .await,
        follow: super::follows::FollowView::new(
            lang,
            viewer.as_ref(),
            "organisation",
            &id,
            format!("/{}/organisations/{id}", lang.code()),
        ),
        report_href: format!(
            "/{}/report?organisation={}",
            lang.code(),
            crate::query::encode(&id)
        ),
        name,
        other_name,
        facts,
        buyer_summary,
        supplier_summary,
        as_buyer: TenderRow::list(lang, &as_buyer.rows, &counts),
        as_supplier: TenderRow::list(lang, &as_supplier.rows, &counts),
        more_as_buyer,
        by_year,
        by_method,
        partners,
        chrome,
    };
    page.render()
        .map(Html)
        .map_err(|error| AppError::internal(lang, error))
}

/// The organisation's own flags (as buyer, procuring entity or tenderer) and its risk score
/// (as a buyer, else as a supplier), once flags have been computed.
async fn organisation_flags(
    state: &AppState,
    tr: &Tr,
    id: &str,
) -> Result<(Option<Vec<FlagView>>, Option<String>), achyk_store::StoreError> {
    if state.store.last_flag_run().await?.is_none() {
        return Ok((None, None));
    }
    let flags = flag_views(tr, &state.store.flags_of_organisation(id).await?);
    let score = match state.store.risk_score("buyer", id).await? {
        Some(score) => Some(score),
        None => state.store.risk_score("tenderer", id).await?,
    };
    let score = score.map(|score| {
        tr.t_with(
            "flags-score",
            &[("score", Arg::Text(&format!("{:.1}", score.score)))],
        )
    });
    Ok((Some(flags), score))
}
