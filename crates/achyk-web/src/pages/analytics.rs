//! `/{lang}/analytics`: where and how the money is spent: a map of the regions coloured by a
//! chosen measure (`?measure=processes|value|single-bid|direct|flagged|concentration`), and
//! spending by method,
//! category and year, each chart with its data table.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Html;
use serde::Deserialize;

use achyk_kg::regions::Region;
use achyk_store::{Facet, GroupStats};

use super::Chrome;
use crate::AppState;
use crate::charts;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::map::{self, MapValue};
use crate::view::region_name;

#[derive(Deserialize)]
pub struct AnalyticsParams {
    measure: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Measure {
    Processes,
    Value,
    SingleBid,
    Direct,
    /// The share of processes with a red flag.
    Flagged,
    /// The share of awards won by the three suppliers with the most.
    Concentration,
}

impl Measure {
    const ALL: [Measure; 6] = [
        Measure::Processes,
        Measure::Value,
        Measure::SingleBid,
        Measure::Direct,
        Measure::Flagged,
        Measure::Concentration,
    ];

    fn code(self) -> &'static str {
        match self {
            Measure::Processes => "processes",
            Measure::Value => "value",
            Measure::SingleBid => "single-bid",
            Measure::Direct => "direct",
            Measure::Flagged => "flagged",
            Measure::Concentration => "concentration",
        }
    }

    /// The measure of a group; none for a share of nothing (no bids, no awards).
    fn of(self, group: &GroupStats) -> Option<f64> {
        let share = |part: i64, whole: i64| (whole > 0).then(|| 100.0 * part as f64 / whole as f64);
        match self {
            Measure::Processes => Some(group.processes as f64),
            Measure::Value => Some(group.value_kgs),
            Measure::SingleBid => share(group.single_bid, group.with_bids),
            Measure::Direct => share(group.direct, group.processes),
            Measure::Flagged => share(group.flagged, group.processes),
            Measure::Concentration => share(group.top_supplier_awards, group.awards),
        }
    }

    fn words(self, tr: &Tr, value: Option<f64>) -> String {
        let Some(value) = value else {
            return "—".to_string();
        };
        match self {
            Measure::Processes => tr.number(value),
            Measure::Value => tr.money(value, "KGS"),
            Measure::SingleBid | Measure::Direct | Measure::Flagged | Measure::Concentration => {
                format!("{}%", tr.number(value))
            }
        }
    }
}

pub struct MeasureLink {
    pub label: String,
    pub href: String,
    pub current: bool,
}

pub struct GroupRow {
    pub name: String,
    pub processes: String,
    pub value: String,
    pub single_bid: String,
    pub direct: String,
    pub flagged: String,
    pub concentration: String,
}

pub struct LegendEntry {
    pub colour: &'static str,
    pub range: String,
}

pub struct Breakdown {
    pub id: &'static str,
    pub heading: String,
    pub chart: String,
    pub rows: Vec<GroupRow>,
}

#[derive(Template)]
#[template(path = "analytics.html")]
struct AnalyticsPage {
    chrome: Chrome,
    measures: Vec<MeasureLink>,
    measure_label: String,
    /// What the chosen measure is, in plain words.
    measure_explained: String,
    map: String,
    legend: Vec<LegendEntry>,
    regions: Vec<GroupRow>,
    breakdowns: Vec<Breakdown>,
    /// The riskiest processes and buyers by risk score, once flags have been computed:
    /// (link, name, score, flags).
    riskiest_processes: Vec<(String, String, String, String)>,
    riskiest_buyers: Vec<(String, String, String, String)>,
}

fn rows(tr: &Tr, groups: &[GroupStats], name: impl Fn(&str) -> String) -> Vec<GroupRow> {
    groups
        .iter()
        .map(|group| GroupRow {
            name: name(&group.key),
            processes: tr.number(group.processes as f64),
            value: tr.money(group.value_kgs, "KGS"),
            single_bid: Measure::SingleBid.words(tr, Measure::SingleBid.of(group)),
            direct: Measure::Direct.words(tr, Measure::Direct.of(group)),
            flagged: Measure::Flagged.words(tr, Measure::Flagged.of(group)),
            concentration: Measure::Concentration.words(tr, Measure::Concentration.of(group)),
        })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    Query(params): Query<AnalyticsParams>,
    uri: Uri,
) -> Result<Html<String>, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let store_error = |error| AppError::from_store(lang, error);
    let measure = params
        .measure
        .as_deref()
        .and_then(|code| {
            Measure::ALL
                .into_iter()
                .find(|measure| measure.code() == code)
        })
        .unwrap_or(Measure::Processes);
    let chrome = Chrome::new(lang, tr.t("nav-analytics"), Some(super::rest_of(&uri)));
    let measures = Measure::ALL
        .into_iter()
        .map(|choice| MeasureLink {
            label: tr.t(&format!("measure-{}", choice.code())),
            href: chrome.href(&format!("/analytics?measure={}", choice.code())),
            current: choice == measure,
        })
        .collect();
    let measure_label = tr.t(&format!("measure-{}", measure.code()));
    let measure_explained = tr.t(&format!("measure-{}-explain", measure.code()));

    let by_region = crate::cache::group_stats(&state, Facet::Region)
        .await
        .map_err(store_error)?;
    let unknown = tr.t("region-unknown");
    let region_words = |key: &str| region_name(lang, Some(key)).unwrap_or_else(|| unknown.clone());
    let values: Vec<MapValue> = by_region
        .iter()
        .filter_map(|group| {
            let region = Region::from_iso_code(&group.key)?;
            let value = measure.of(group)?;
            Some(MapValue {
                region,
                value,
                title: format!(
                    "{}: {}",
                    region_words(&group.key),
                    measure.words(&tr, Some(value))
                ),
            })
        })
        .collect();
    let maximum = values.iter().map(|value| value.value).fold(0.0, f64::max);
    let legend = map::legend(maximum)
        .into_iter()
        .map(|(colour, low, high)| LegendEntry {
            colour,
            range: format!(
                "{} – {}",
                measure.words(&tr, Some(low)),
                measure.words(&tr, Some(high))
            ),
        })
        .collect();
    let map = map::render(&values, &measure_label);
    let mut regions_sorted = by_region.clone();
    // Most first; groups without the measure (a share of nothing) last.
    let sort_value = |group: &GroupStats| measure.of(group).unwrap_or(f64::NEG_INFINITY);
    regions_sorted.sort_by(|a, b| {
        sort_value(b)
            .total_cmp(&sort_value(a))
            .then(a.key.cmp(&b.key))
    });
    let regions = rows(&tr, &regions_sorted, region_words);

    let mut breakdowns = Vec::new();
    for (facet, id, heading, prefix) in [
        (Facet::Method, "by-method", "analytics-by-method", "method"),
        (
            Facet::Category,
            "by-category",
            "analytics-by-category",
            "category",
        ),
        (Facet::Year, "by-year", "analytics-by-year", ""),
    ] {
        let mut groups = crate::cache::group_stats(&state, facet)
            .await
            .map_err(store_error)?;
        if facet != Facet::Year {
            groups.sort_by(|a, b| b.value_kgs.total_cmp(&a.value_kgs).then(a.key.cmp(&b.key)));
        }
        let name = |key: &str| crate::view::group_words(&tr, prefix, key);
        let chart = charts::bars(
            &groups
                .iter()
                .map(|group| {
                    (
                        name(&group.key),
                        group.value_kgs,
                        tr.money(group.value_kgs, "KGS"),
                    )
                })
                .collect::<Vec<_>>(),
            &tr.t(heading),
        );
        breakdowns.push(Breakdown {
            id,
            heading: tr.t(heading),
            chart,
            rows: rows(&tr, &groups, name),
        });
    }
    let (riskiest_processes, riskiest_buyers) = riskiest(&state, &chrome)
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    let page = AnalyticsPage {
        riskiest_processes,
        riskiest_buyers,
        chrome,
        measures,
        measure_label,
        measure_explained,
        map,
        legend,
        regions,
        breakdowns,
    };
    page.render()
        .map(Html)
        .map_err(|error| AppError::internal(lang, error))
}

type RiskRow = (String, String, String, String);

/// The ten riskiest processes and buyers (empty before flags are computed).
async fn riskiest(
    state: &AppState,
    chrome: &Chrome,
) -> Result<(Vec<RiskRow>, Vec<RiskRow>), achyk_store::StoreError> {
    let tr = chrome.tr;
    let processes = state.store.riskiest("ocid", 10).await?;
    let ocids: Vec<String> = processes.iter().map(|score| score.id.clone()).collect();
    let summaries = state.store.summaries_of(&ocids).await?;
    let process_rows = processes
        .iter()
        .map(|score| {
            let title = summaries
                .iter()
                .find(|row| row.ocid == score.id)
                .and_then(|row| row.title.clone())
                .unwrap_or_else(|| score.id.clone());
            (
                chrome.href(&format!("/tenders/{}", score.id)),
                title,
                format!("{:.1}", score.score),
                tr.number(score.flags as f64),
            )
        })
        .collect();
    let mut buyer_rows = Vec::new();
    for score in state.store.riskiest("buyer", 10).await? {
        let organisation = state
            .store
            .organisation(&achyk_store::OrgId::from(score.id.as_str()))
            .await;
        let name = organisation
            .ok()
            .and_then(|row| match chrome.tr.lang {
                crate::Lang::Ky => row.name_ky.or(row.name),
                _ => row.name,
            })
            .unwrap_or_else(|| score.id.clone());
        buyer_rows.push((
            chrome.href(&format!("/organisations/{}", score.id)),
            name,
            format!("{:.1}", score.score),
            tr.number(score.flags as f64),
        ));
    }
    Ok((process_rows, buyer_rows))
}
