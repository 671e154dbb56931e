//! Infrastructure projects: `/{lang}/projects` (search and filters in the URL, a map of the
//! matching projects over the regions, the list) and `/{lang}/projects/{id}` (what is being
//! built, where, by whom, for how much, how late and how far over budget, in plain words
//! first; then the measures with their numbers, the timeline, the contracting processes with
//! their red flags, progress against payments, documents and citizens' reports).
//! `/{lang}/projects/{id}/oc4ids.json` is the project as stored.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{Uri, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use achyk_kg::regions::Region;
use achyk_ocds::project::{Measures, Money, PROGRESS_LAG_WARNING, ProjectFacts};
use achyk_store::{ProjectQuery, ProjectRow};

use super::Chrome;
use super::tenders::{Choice, Filter};
use crate::AppState;
use crate::error::AppError;
use crate::i18n::{Arg, Lang, Tr};
use crate::map::{MapPoint, render_points};
use crate::query::{BadParameter, encode};
use crate::view::{region_name, short_date};

/// Projects per page of the list.
const PAGE_SIZE: i64 = 25;
/// The map gathers projects into cells of 1/20 of a degree (about 4–5 km), one mark each,
/// so that it draws every project found and stays light whatever their number.
const CELLS_PER_DEGREE: f64 = 20.0;
/// A project over budget by this share or more is drawn as needing attention.
const ALERT_OVERRUN: f64 = 0.1;
const SECTORS: [&str; 8] = [
    "transport",
    "education",
    "health",
    "waterAndWaste",
    "energy",
    "socialHousing",
    "cultureSportsAndRecreation",
    "governance",
];
const STATUSES: [&str; 8] = [
    "identification",
    "preparation",
    "implementation",
    "completion",
    "maintenance",
    "decommissioning",
    "decommissioned",
    "cancelled",
];
/// The choices of the cost overrun filter, in percent.
const OVERRUNS: [u32; 4] = [1, 10, 25, 50];

/// Today in Bishkek, as `YYYY-MM-DD`.
pub(crate) fn today() -> String {
    let (year, month, day) = achyk_civic::place::day_in_bishkek(crate::auth::now()).ymd();
    format!("{year:04}-{month:02}-{day:02}")
}

/// A share as a percentage in the language's way: `5,3 %` in Kyrgyz and Russian, `5.3%` in
/// English.
pub fn percent(tr: &Tr, share: f64) -> String {
    let value = share * 100.0;
    let text = if (value - value.round()).abs() < 0.05 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    };
    match tr.lang {
        Lang::En => format!("{text}%"),
        Lang::Ky | Lang::Ru => format!("{}\u{a0}%", text.replace('.', ",")),
    }
}

fn money(tr: &Tr, money: &Money) -> String {
    tr.money(money.amount, &money.currency)
}

/// The top-level sectors of OC4IDS's projectSector codelist.
const ALL_SECTORS: [&str; 11] = [
    "education",
    "health",
    "energy",
    "communications",
    "waterAndWaste",
    "governance",
    "economy",
    "cultureSportsAndRecreation",
    "transport",
    "socialHousing",
    "naturalResources",
];

/// A sector's words (by its top-level code); a code outside the codelist shows as it is.
fn sector_words(tr: &Tr, sector: &str) -> String {
    let top = sector.split('.').next().unwrap_or(sector);
    if ALL_SECTORS.contains(&top) {
        tr.t(&format!("project-sector-{top}"))
    } else {
        sector.to_owned()
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    status: String,
    /// Minimum cost overrun against budget, in percent.
    #[serde(default)]
    over: String,
    #[serde(default)]
    late: String,
    #[serde(default)]
    flagged: String,
    #[serde(default)]
    pub(crate) page: Option<u32>,
}

impl ListParams {
    /// The store's query, or the parameter that is not one of the choices.
    pub(crate) fn query(&self) -> Result<ProjectQuery, BadParameter> {
        let bad = |name: &'static str, value: &str| BadParameter {
            name,
            value: value.to_owned(),
            expected: "one of the choices of the form",
        };
        let pick = |name: &'static str, value: &str, allowed: &[&str]| match value {
            "" => Ok(None),
            value if allowed.contains(&value) => Ok(Some(value.to_owned())),
            _ => Err(bad(name, value)),
        };
        let regions: Vec<&str> = Region::ALL.iter().map(|region| region.iso_code()).collect();
        let over = match self.over.as_str() {
            "" => None,
            value => Some(
                value
                    .parse::<u32>()
                    .ok()
                    .filter(|percent| OVERRUNS.contains(percent))
                    .ok_or_else(|| bad("over", value))?,
            ),
        };
        Ok(ProjectQuery {
            text: Some(self.q.trim().to_owned()).filter(|text| !text.is_empty()),
            region: pick("region", &self.region, &regions)?,
            sector: pick("sector", &self.sector, &SECTORS)?,
            status: pick("status", &self.status, &STATUSES)?,
            min_cost_overrun: over.map(|percent| f64::from(percent) / 100.0),
            late_on: (!self.late.is_empty()).then(today),
            flagged: !self.flagged.is_empty(),
            newest_first: false,
        })
    }

    /// This search's address with another page.
    fn href(&self, lang: Lang, page: u32) -> String {
        let mut pairs = Vec::new();
        for (name, value) in [
            ("q", &self.q),
            ("region", &self.region),
            ("sector", &self.sector),
            ("status", &self.status),
            ("over", &self.over),
            ("late", &self.late),
            ("flagged", &self.flagged),
        ] {
            if !value.is_empty() {
                pairs.push(format!("{name}={}", encode(value)));
            }
        }
        if page > 1 {
            pairs.push(format!("page={page}"));
        }
        let query = pairs.join("&");
        if query.is_empty() {
            format!("/{}/projects", lang.code())
        } else {
            format!("/{}/projects?{query}", lang.code())
        }
    }
}

/// A project in the list.
pub struct ProjectItem {
    href: String,
    title: String,
    place: String,
    /// Budget, value now, overrun and lateness in a line of words.
    facts: Vec<String>,
    alert: bool,
    flags: i64,
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ListPage {
    chrome: Chrome,
    query: String,
    filters: Vec<Filter>,
    late: bool,
    flagged: bool,
    filters_open: bool,
    found: String,
    map: String,
    /// The map over tiles, drawn by a script, when tiles are configured; the SVG `map` stays
    /// as its fallback.
    tiled: Option<crate::tiles::TiledMap>,
    items: Vec<ProjectItem>,
    previous_href: Option<String>,
    next_href: Option<String>,
    page_label: String,
}

/// Days late on `today` for a listed project: completed late, or open past its planned end.
pub(crate) fn days_late(row: &ProjectRow, today: &str) -> Option<i64> {
    let planned = achyk_ocds::project::parse_day(row.planned_end.as_deref()?)?;
    let end = achyk_ocds::project::parse_day(row.completed_on.as_deref().unwrap_or(today))?;
    (end > planned).then_some(end - planned)
}

/// Whether a project is shown as needing attention: late, or 10 % or more over budget.
fn alert(row: &ProjectRow, today: &str) -> bool {
    row.cost_overrun.is_some_and(|share| share >= ALERT_OVERRUN) || days_late(row, today).is_some()
}

fn item(lang: Lang, tr: &Tr, row: &ProjectRow, today: &str) -> ProjectItem {
    let mut facts = Vec::new();
    let currency = row.currency.as_deref().unwrap_or("");
    if let Some(budget) = row.budget {
        facts.push(format!(
            "{}: {}",
            tr.t("project-budget"),
            tr.money(budget, currency)
        ));
    }
    if let Some(value) = row.value_now {
        facts.push(format!(
            "{}: {}",
            tr.t("project-value-now"),
            tr.money(value, currency)
        ));
    }
    let over = row.cost_overrun.filter(|share| *share > 0.0);
    if let Some(share) = over {
        facts.push(tr.t_with(
            "project-over-budget",
            &[("percent", Arg::Text(&percent(tr, share)))],
        ));
    }
    let late = days_late(row, today);
    if let Some(days) = late {
        facts.push(tr.t_with("project-days-late", &[("days", Arg::Number(days as f64))]));
    }
    let place = [
        row.region
            .as_deref()
            .and_then(|code| region_name(lang, Some(code))),
        row.sector.as_deref().map(|sector| sector_words(tr, sector)),
        row.status
            .as_deref()
            .map(|status| tr.t(&format!("project-status-{status}"))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    ProjectItem {
        href: format!("/{}/projects/{}", lang.code(), urlencoding(&row.id)),
        title: row.title.clone(),
        place,
        facts,
        alert: alert(row, today),
        flags: row.flags,
    }
}

/// A project id in a path: ids are free text in OC4IDS.
fn urlencoding(id: &str) -> String {
    encode(id)
}

/// The tiled map's marks: the projects listed on this page that have a point in the country
/// (`projects`: longitude, latitude, 1 if it needs attention, title, link) and every project
/// found, gathered as on the SVG map (`found`: longitude, latitude, how many, 1 if any of them
/// needs attention).
fn tiled_marks(
    lang: Lang,
    rows: &[ProjectRow],
    clusters: &[achyk_store::ProjectCluster],
    today: &str,
) -> serde_json::Map<String, serde_json::Value> {
    use crate::tiles::{coordinate, in_country};
    let projects: Vec<serde_json::Value> = rows
        .iter()
        .filter_map(|row| {
            let (longitude, latitude) = (row.longitude?, row.latitude?);
            in_country(longitude, latitude).then(|| {
                json!([
                    coordinate(longitude),
                    coordinate(latitude),
                    u8::from(alert(row, today)),
                    row.title,
                    format!("/{}/projects/{}", lang.code(), urlencoding(&row.id)),
                ])
            })
        })
        .collect();
    let found: Vec<serde_json::Value> = clusters
        .iter()
        .filter(|cluster| in_country(cluster.longitude, cluster.latitude))
        .map(|cluster| {
            json!([
                coordinate(cluster.longitude),
                coordinate(cluster.latitude),
                cluster.projects,
                u8::from(cluster.alerts > 0),
            ])
        })
        .collect();
    let mut marks = serde_json::Map::new();
    marks.insert("projects".into(), projects.into());
    marks.insert("found".into(), found.into());
    marks
}

/// `GET /{lang}/projects`. With tiles configured the page loads Leaflet and the map's script,
/// and is sent with the policy that lets it ([`crate::MAP_PAGE_POLICY`]).
pub async fn list(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    Query(params): Query<ListParams>,
    uri: Uri,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let query = params
        .query()
        .map_err(|bad| AppError::bad_request(lang, &bad))?;
    let page = params.page.unwrap_or(1).max(1);
    let today = today();
    let listing = state
        .store
        .project_listing(
            &query,
            PAGE_SIZE,
            i64::from(page - 1) * PAGE_SIZE,
            CELLS_PER_DEGREE,
            ALERT_OVERRUN,
            &today,
        )
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    let (rows, total, clusters) = (listing.rows, listing.total, listing.clusters);
    let marks: Vec<MapPoint> = clusters
        .iter()
        .map(|cluster| MapPoint {
            longitude: cluster.longitude,
            latitude: cluster.latitude,
            title: if cluster.projects == 1 {
                cluster.title.clone()
            } else {
                tr.t_with(
                    "projects-map-cluster",
                    &[
                        ("count", Arg::Number(cluster.projects as f64)),
                        ("alerts", Arg::Number(cluster.alerts as f64)),
                    ],
                )
            },
            count: cluster.projects,
            alert: cluster.alerts > 0,
        })
        .collect();
    let map = render_points(&marks, &tr.t("projects-map-label"));
    let tiled = state.tiles.as_deref().map(|tiles| {
        crate::tiles::TiledMap::new(
            tiles,
            &tr,
            tr.t("projects-map-tiles-label"),
            tiled_marks(lang, &rows, &clusters, &today),
        )
    });
    let choices = |values: &[&str], selected: &str, words: &dyn Fn(&str) -> String| {
        let mut out = vec![Choice {
            value: String::new(),
            label: tr.t("filter-any"),
            selected: selected.is_empty(),
        }];
        out.extend(values.iter().map(|value| Choice {
            value: (*value).to_owned(),
            label: words(value),
            selected: *value == selected,
        }));
        out
    };
    let region_codes: Vec<&str> = Region::ALL.iter().map(|region| region.iso_code()).collect();
    let overruns: Vec<String> = OVERRUNS.iter().map(u32::to_string).collect();
    let overrun_refs: Vec<&str> = overruns.iter().map(String::as_str).collect();
    let filters = vec![
        Filter {
            name: "region",
            label: tr.t("fact-region"),
            choices: choices(&region_codes, &params.region, &|code| {
                region_name(lang, Some(code)).unwrap_or_default()
            }),
        },
        Filter {
            name: "sector",
            label: tr.t("project-sector"),
            choices: choices(&SECTORS, &params.sector, &|sector| {
                sector_words(&tr, sector)
            }),
        },
        Filter {
            name: "status",
            label: tr.t("project-status"),
            choices: choices(&STATUSES, &params.status, &|status| {
                tr.t(&format!("project-status-{status}"))
            }),
        },
        Filter {
            name: "over",
            label: tr.t("project-filter-over"),
            choices: choices(&overrun_refs, &params.over, &|percent| {
                tr.t_with(
                    "project-filter-over-at-least",
                    &[("percent", Arg::Text(percent))],
                )
            }),
        },
    ];
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1) as u32;
    let view = ListPage {
        chrome: Chrome::new(lang, tr.t("projects-title"), Some(super::rest_of(&uri))),
        query: params.q.clone(),
        filters_open: !(params.region.is_empty()
            && params.sector.is_empty()
            && params.status.is_empty()
            && params.over.is_empty()
            && params.late.is_empty()
            && params.flagged.is_empty()),
        filters,
        late: !params.late.is_empty(),
        flagged: !params.flagged.is_empty(),
        found: tr.t_with(
            "projects-found",
            &[
                ("count", Arg::Number(total as f64)),
                ("shown", Arg::Text(&tr.number(total as f64))),
            ],
        ),
        map,
        items: rows
            .iter()
            .map(|row| item(lang, &tr, row, &today))
            .collect(),
        tiled,
        previous_href: (page > 1).then(|| params.href(lang, page - 1)),
        next_href: (page < pages).then(|| params.href(lang, page + 1)),
        page_label: tr.t_with(
            "page-of",
            &[
                ("page", Arg::Number(f64::from(page))),
                ("pages", Arg::Number(f64::from(pages))),
            ],
        ),
    };
    let body = view
        .render()
        .map_err(|error| AppError::internal(lang, error))?;
    if view.tiled.is_some() {
        Ok((
            [(header::CONTENT_SECURITY_POLICY, crate::MAP_PAGE_POLICY)],
            Html(body),
        )
            .into_response())
    } else {
        Ok(Html(body).into_response())
    }
}

/// One measure with its number and what it means.
pub struct MeasureView {
    name: String,
    value: String,
    explain: String,
    warn: bool,
}

/// A contracting process of the project.
pub struct ProcessView {
    href: Option<String>,
    title: String,
    method: String,
    suppliers: String,
    original: String,
    current: String,
    modifications: usize,
    flags: usize,
}

/// A dated step: a milestone or a contract modification.
pub struct StepView {
    day: String,
    what: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage {
    chrome: Chrome,
    summary: Vec<String>,
    description: Option<String>,
    purpose: Option<String>,
    /// (name, roles in words).
    parties: Vec<(String, String)>,
    /// (what, amount in words).
    breakdown: Vec<(String, String)>,
    /// Published photos of the reports about the project: (full, small).
    photos: Vec<(String, String)>,
    measures: Vec<MeasureView>,
    steps: Vec<StepView>,
    processes: Vec<ProcessView>,
    progress: Option<(String, String, u32, u32)>,
    documents: Vec<(String, String, String)>,
    reports: Vec<super::report::ReportItem>,
    /// What published site visits found, in a sentence.
    visits: Option<String>,
    visit_href: String,
    follow: super::follows::FollowView,
    /// For a project put together in Achyk: each value's JSON pointer and where it came from.
    sources: Vec<(String, String)>,
    source: String,
    raw_href: String,
    report_href: String,
}

/// The plain-language summary: what, where, by whom, for how much, how late.
fn summary(
    lang: Lang,
    tr: &Tr,
    facts: &ProjectFacts,
    row: &ProjectRow,
    measures: &Measures,
) -> Vec<String> {
    let mut lines = Vec::new();
    let what = facts
        .sectors
        .first()
        .map(|sector| sector_words(tr, sector))
        .unwrap_or_else(|| tr.t("project-sector-unknown"));
    let place = [
        facts.places.first().cloned(),
        row.region
            .as_deref()
            .and_then(|code| region_name(lang, Some(code))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    lines.push(tr.t_with(
        "project-summary-what",
        &[
            ("sector", Arg::Text(&what)),
            (
                "place",
                Arg::Text(if place.is_empty() { "—" } else { &place }),
            ),
        ],
    ));
    let authority = facts
        .parties
        .iter()
        .find(|party| {
            party
                .roles
                .iter()
                .any(|role| role == "publicAuthority" || role == "buyer")
        })
        .map(|party| party.name.clone());
    let suppliers: Vec<String> = facts
        .parties
        .iter()
        .filter(|party| party.roles.iter().any(|role| role == "supplier"))
        .map(|party| party.name.clone())
        .collect();
    if let Some(authority) = authority {
        lines.push(tr.t_with(
            "project-summary-who",
            &[("authority", Arg::Text(&authority))],
        ));
    }
    if !suppliers.is_empty() {
        lines.push(tr.t_with(
            "project-summary-builders",
            // The sentence ends with its own full stop ("Кадыров И.А." has one already).
            &[(
                "names",
                Arg::Text(suppliers.join(", ").trim_end_matches('.')),
            )],
        ));
    }
    match (&facts.budget, facts.value_now(), measures.cost_over_budget) {
        (Some(budget), Some(now), Some(share)) if share > 0.0 => lines.push(tr.t_with(
            "project-summary-over",
            &[
                ("budget", Arg::Text(&money(tr, budget))),
                ("value", Arg::Text(&money(tr, &now))),
                ("percent", Arg::Text(&percent(tr, share))),
            ],
        )),
        (Some(budget), Some(now), Some(_)) => lines.push(tr.t_with(
            "project-summary-within",
            &[
                ("budget", Arg::Text(&money(tr, budget))),
                ("value", Arg::Text(&money(tr, &now))),
            ],
        )),
        (Some(budget), _, _) => lines.push(tr.t_with(
            "project-summary-budget",
            &[("budget", Arg::Text(&money(tr, budget)))],
        )),
        _ => {}
    }
    if let Some(planned) = &facts.planned_end {
        let planned = short_date(planned);
        let line = match (&facts.completed_on, measures.time_overrun_days) {
            (Some(done), Some(days)) if days > 0 => tr.t_with(
                "project-summary-finished-late",
                &[
                    ("planned", Arg::Text(&planned)),
                    ("finished", Arg::Text(&short_date(done))),
                    ("days", Arg::Number(days as f64)),
                ],
            ),
            (Some(done), _) => tr.t_with(
                "project-summary-finished",
                &[
                    ("planned", Arg::Text(&planned)),
                    ("finished", Arg::Text(&short_date(done))),
                ],
            ),
            (None, Some(days)) => tr.t_with(
                "project-summary-open-late",
                &[
                    ("planned", Arg::Text(&planned)),
                    ("days", Arg::Number(days as f64)),
                ],
            ),
            (None, None) => tr.t_with("project-summary-open", &[("planned", Arg::Text(&planned))]),
        };
        lines.push(line);
    }
    lines
}

fn measures_view(
    tr: &Tr,
    facts: &ProjectFacts,
    measures: &Measures,
    flags: usize,
) -> Vec<MeasureView> {
    let mut out = Vec::new();
    let none = tr.t("project-measure-unknown");
    let over = |share: Option<f64>| match share {
        Some(share) => percent(tr, share),
        None => none.clone(),
    };
    out.push(MeasureView {
        name: tr.t("project-measure-over-budget"),
        value: over(measures.cost_over_budget),
        explain: match (&facts.budget, facts.value_now()) {
            (Some(budget), Some(now)) if measures.cost_over_budget.is_some() => tr.t_with(
                "project-measure-over-budget-explain",
                &[
                    ("value", Arg::Text(&money(tr, &now))),
                    ("budget", Arg::Text(&money(tr, budget))),
                ],
            ),
            _ => tr.t("project-measure-needs-budget"),
        },
        warn: measures.cost_over_budget.is_some_and(|share| share >= 0.1),
    });
    out.push(MeasureView {
        name: tr.t("project-measure-over-contracts"),
        value: over(measures.cost_over_contracts),
        explain: match (facts.original_contracts(), facts.current_contracts()) {
            (Some(original), Some(current)) if measures.cost_over_contracts.is_some() => tr.t_with(
                "project-measure-over-contracts-explain",
                &[
                    ("original", Arg::Text(&money(tr, &original))),
                    ("current", Arg::Text(&money(tr, &current))),
                ],
            ),
            _ => tr.t("project-measure-needs-contracts"),
        },
        warn: measures
            .cost_over_contracts
            .is_some_and(|share| share >= 0.1),
    });
    out.push(MeasureView {
        name: tr.t("project-measure-late"),
        value: match measures.time_overrun_days {
            Some(days) => tr.t_with("project-days", &[("days", Arg::Number(days as f64))]),
            None if facts.planned_end.is_some() => tr.t("project-on-time"),
            None => none.clone(),
        },
        explain: match &facts.planned_end {
            Some(planned) => tr.t_with(
                "project-measure-late-explain",
                &[("planned", Arg::Text(&short_date(planned)))],
            ),
            None => tr.t("project-measure-needs-end"),
        },
        warn: measures.time_overrun_days.is_some_and(|days| days > 0),
    });
    out.push(MeasureView {
        name: tr.t("project-measure-direct"),
        value: over(measures.non_competitive_share),
        explain: tr.t("project-measure-direct-explain"),
        warn: measures
            .non_competitive_share
            .is_some_and(|share| share >= 0.5),
    });
    out.push(MeasureView {
        name: tr.t("project-measure-modifications"),
        value: tr.number(measures.modifications as f64),
        explain: tr.t("project-measure-modifications-explain"),
        warn: measures.modifications >= 3,
    });
    out.push(MeasureView {
        name: tr.t("project-measure-flags"),
        value: tr.number(flags as f64),
        explain: tr.t("project-measure-flags-explain"),
        warn: flags > 0,
    });
    if let Some(lag) = measures.progress_lag() {
        out.push(MeasureView {
            name: tr.t("project-measure-lag"),
            value: percent(tr, lag.max(0.0)),
            explain: tr.t_with(
                "project-measure-lag-explain",
                &[
                    (
                        "paid",
                        Arg::Text(&percent(tr, measures.paid_share.unwrap_or(0.0))),
                    ),
                    (
                        "built",
                        Arg::Text(&percent(tr, measures.physical_progress.unwrap_or(0.0))),
                    ),
                ],
            ),
            warn: lag > PROGRESS_LAG_WARNING,
        });
    }
    out
}

/// The ocids of a project's processes that are stored here, in one query.
async fn stored_processes(
    state: &AppState,
    facts: &ProjectFacts,
) -> Result<std::collections::HashSet<String>, achyk_store::StoreError> {
    let ocids: Vec<String> = facts
        .processes
        .iter()
        .map(|process| process.ocid.clone())
        .collect();
    Ok(state
        .store
        .summaries_of(&ocids)
        .await?
        .into_iter()
        .map(|summary| summary.ocid)
        .collect())
}

/// `GET /{lang}/projects/{id}`.
pub async fn page(
    State(state): State<AppState>,
    Path((lang, id)): Path<(String, String)>,
    crate::auth::MaybeViewer(viewer): crate::auth::MaybeViewer,
) -> Result<Html<String>, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let (row, data) = state
        .store
        .project(&id)
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    let facts = ProjectFacts::read(&data).ok_or(AppError::NotFound(lang))?;
    let measures = facts.measures(&today());
    let stored = stored_processes(&state, &facts)
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    let mut processes = Vec::new();
    let mut flag_total = 0;
    for process in &facts.processes {
        let flags = state
            .store
            .flags_of_process(&process.ocid)
            .await
            .map(|flags| flags.len())
            .unwrap_or(0);
        flag_total += flags;
        processes.push(ProcessView {
            href: stored
                .contains(&process.ocid)
                .then(|| format!("/{}/tenders/{}", lang.code(), process.ocid)),
            title: process
                .title
                .clone()
                .unwrap_or_else(|| process.ocid.clone()),
            method: process
                .method
                .as_deref()
                .map(|method| tr.t(&format!("method-{method}")))
                .unwrap_or_default(),
            suppliers: process.suppliers.join(", "),
            original: process
                .original
                .as_ref()
                .map(|value| money(&tr, value))
                .unwrap_or_default(),
            current: process
                .current
                .as_ref()
                .map(|value| money(&tr, value))
                .unwrap_or_default(),
            modifications: process.modifications.len(),
            flags,
        });
    }
    let reports =
        super::report::about_items(&state, &tr, achyk_store::ReportsAbout::Project(&facts.id))
            .await;
    let visits = state
        .store
        .visit_summary(&facts.id)
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    let visits = visits_sentence(&tr, &visits);
    let mut photos = Vec::new();
    let published = state
        .store
        .published_reports(achyk_store::ReportsAbout::Project(&facts.id), 50, 0)
        .await
        .map_err(|error| AppError::from_store(lang, error))?
        .0;
    for report in &published {
        for photo in state
            .store
            .report_photos(report.id)
            .await
            .map_err(|error| AppError::from_store(lang, error))?
            .into_iter()
            .filter(|photo| !photo.hidden)
        {
            photos.push((
                format!("/reports/photos/{}.jpg", photo.id),
                format!("/reports/photos/{}/small.jpg", photo.id),
            ));
        }
    }
    let mut steps: Vec<StepView> = facts
        .milestones
        .iter()
        .filter_map(|milestone| {
            let day = milestone.met.clone().or_else(|| milestone.due.clone())?;
            Some(StepView {
                day: short_date(&day),
                what: milestone.title.clone(),
                detail: milestone
                    .status
                    .as_deref()
                    .map(|status| tr.t(&format!("milestone-{status}")))
                    .unwrap_or_default(),
            })
        })
        .collect();
    for process in &facts.processes {
        for modification in &process.modifications {
            let Some(day) = &modification.date else {
                continue;
            };
            let mut detail = Vec::new();
            if let (Some(old), Some(new)) = (&modification.old_value, &modification.new_value) {
                detail.push(format!("{} → {}", money(&tr, old), money(&tr, new)));
            }
            if let (Some(old), Some(new)) = (&modification.old_end, &modification.new_end) {
                detail.push(format!("{} → {}", short_date(old), short_date(new)));
            }
            if let Some(rationale) = &modification.rationale {
                detail.push(rationale.clone());
            }
            steps.push(StepView {
                day: short_date(day),
                what: modification
                    .description
                    .clone()
                    .unwrap_or_else(|| tr.t("project-modification")),
                detail: detail.join(" · "),
            });
        }
    }
    for (day, what) in [
        (&facts.start, "project-step-start"),
        (&facts.planned_end, "project-step-planned-end"),
        (&facts.completed_on, "project-step-completed"),
    ] {
        if let Some(day) = day {
            steps.push(StepView {
                day: short_date(day),
                what: tr.t(what),
                detail: String::new(),
            });
        }
    }
    steps.sort_by(|a, b| a.day.cmp(&b.day));
    let progress = match (measures.paid_share, measures.physical_progress) {
        (Some(paid), Some(built)) => Some((
            percent(&tr, paid),
            percent(&tr, built),
            (paid.clamp(0.0, 1.0) * 100.0).round() as u32,
            (built.clamp(0.0, 1.0) * 100.0).round() as u32,
        )),
        _ => None,
    };
    let view = ProjectPage {
        chrome: Chrome::new(
            lang,
            facts.title.clone(),
            Some(format!("/projects/{}", urlencoding(&facts.id))),
        ),
        summary: summary(lang, &tr, &facts, &row, &measures),
        description: facts.description.clone(),
        purpose: facts.purpose.clone(),
        parties: facts
            .parties
            .iter()
            .map(|party| {
                let roles: Vec<String> = party
                    .roles
                    .iter()
                    .map(|role| {
                        let id = format!("party-role-{role}");
                        let words = tr.t(&id);
                        if words == id { role.clone() } else { words }
                    })
                    .collect();
                (party.name.clone(), roles.join(", "))
            })
            .collect(),
        breakdown: facts
            .budget_breakdown
            .iter()
            .map(|(what, amount)| (what.clone(), money(&tr, amount)))
            .collect(),
        photos,
        measures: measures_view(&tr, &facts, &measures, flag_total),
        steps,
        processes,
        progress,
        documents: facts
            .documents
            .iter()
            .map(|document| {
                (
                    document.url.clone(),
                    document.title.clone(),
                    document.kind.clone().unwrap_or_default(),
                )
            })
            .collect(),
        reports,
        visits,
        sources: data["achykSources"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(pointer, from)| {
                let from = match from.as_str() {
                    Some("monitor") => tr.t("make-source-monitor"),
                    Some(text) => text.to_owned(),
                    None => String::new(),
                };
                (pointer.clone(), from)
            })
            .collect(),
        visit_href: format!("/{}/projects/{}/visit", lang.code(), urlencoding(&facts.id)),
        follow: super::follows::FollowView::new(
            lang,
            viewer.as_ref(),
            "project",
            &facts.id,
            format!("/{}/projects/{}", lang.code(), urlencoding(&facts.id)),
        ),
        source: tr.t(if row.source == "cso" {
            "project-source-cso"
        } else {
            "project-source-oc4ids"
        }),
        raw_href: format!(
            "/{}/projects/{}/oc4ids.json",
            lang.code(),
            urlencoding(&facts.id)
        ),
        report_href: match facts.processes.first() {
            Some(process) => format!(
                "/{}/report?ocid={}",
                lang.code(),
                urlencoding(&process.ocid)
            ),
            None => format!("/{}/report", lang.code()),
        },
    };
    let body = view
        .render()
        .map_err(|error| AppError::internal(lang, error))?;
    Ok(Html(body))
}

/// "3 visits since 2026-03-04: work stopped on 2, signboard missing on 1."
fn visits_sentence(tr: &Tr, summary: &achyk_store::VisitSummary) -> Option<String> {
    let first = summary.first.as_deref()?;
    let mut found = Vec::new();
    for (count, id) in [
        (summary.work_stopped, "visit-found-work-stopped"),
        (summary.signboard_missing, "visit-found-signboard-missing"),
        (summary.defects, "visit-found-defects"),
        (summary.not_in_use, "visit-found-not-in-use"),
    ] {
        if count > 0 {
            found.push(tr.t_with(id, &[("count", Arg::Number(count as f64))]));
        }
    }
    let found = if found.is_empty() {
        tr.t("visit-found-nothing")
    } else {
        found.join(", ")
    };
    Some(tr.t_with(
        "visit-summary",
        &[
            ("count", Arg::Number(summary.visits as f64)),
            ("since", Arg::Text(first)),
            ("found", Arg::Text(&found)),
        ],
    ))
}

/// `GET /{lang}/projects/{id}/oc4ids.json`: the project as stored.
pub async fn raw(
    State(state): State<AppState>,
    Path((lang, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let (_, data) = state
        .store
        .project(&id)
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string_pretty(&data).unwrap_or_default(),
    )
        .into_response())
}

/// The answers of the visit checklist, as stored.
const YES_NO: [&str; 3] = ["yes", "no", "unsure"];
const SIGNBOARD: [&str; 4] = ["complete", "incomplete", "missing", "unsure"];

/// Whether a project's stage asks "is work going on" (still being built) or "is it in use"
/// (finished).
fn finished(facts: &ProjectFacts) -> bool {
    facts.completed_on.is_some()
        || matches!(
            facts.status.as_deref(),
            Some("completion" | "maintenance" | "decommissioning" | "decommissioned")
        )
}

/// One question of the checklist, as radio buttons.
pub struct Question {
    name: &'static str,
    legend: String,
    hint: String,
    choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "project_visit.html")]
struct VisitPage {
    chrome: Chrome,
    project_href: String,
    action: String,
    error: Option<String>,
    today: String,
    visited_on: String,
    questions: Vec<Question>,
    note: String,
    contact_enabled: bool,
    contact: String,
    disclosures: Vec<Choice>,
    genders: Vec<Choice>,
    age_groups: Vec<Choice>,
}

/// What the visitor sent, besides the report's own fields.
#[derive(Debug, Default, Clone)]
struct VisitFields {
    visited_on: String,
    work: String,
    signboard: String,
    defects: String,
    in_use: String,
    note: String,
}

fn questions(tr: &Tr, facts: &ProjectFacts, sent: &VisitFields) -> Vec<Question> {
    let radio = |prefix: &str, values: &[&str], selected: &str| {
        values
            .iter()
            .map(|value| Choice {
                value: (*value).to_owned(),
                label: tr.t(&format!("{prefix}-{value}")),
                selected: *value == selected,
            })
            .collect()
    };
    let sector = facts
        .sectors
        .first()
        .map(|sector| sector.split('.').next().unwrap_or(sector).to_owned())
        .unwrap_or_default();
    let defects_hint = match sector.as_str() {
        "transport" => "visit-defects-hint-road",
        "waterAndWaste" => "visit-defects-hint-water",
        _ => "visit-defects-hint-building",
    };
    let mut out = Vec::new();
    if !finished(facts) {
        out.push(Question {
            name: "work",
            legend: tr.t("visit-work"),
            hint: tr.t("visit-work-hint"),
            choices: radio("visit-answer", &YES_NO, &sent.work),
        });
    }
    out.push(Question {
        name: "signboard",
        legend: tr.t("visit-signboard"),
        hint: tr.t("visit-signboard-hint"),
        choices: radio("visit-signboard", &SIGNBOARD, &sent.signboard),
    });
    out.push(Question {
        name: "defects",
        legend: tr.t("visit-defects"),
        hint: tr.t(defects_hint),
        choices: radio("visit-answer", &YES_NO, &sent.defects),
    });
    if finished(facts) {
        out.push(Question {
            name: "in_use",
            legend: tr.t("visit-in-use"),
            hint: tr.t("visit-in-use-hint"),
            choices: radio("visit-answer", &YES_NO, &sent.in_use),
        });
    }
    out
}

fn visit_page(
    state: &AppState,
    lang: Lang,
    facts: &ProjectFacts,
    sent: &VisitFields,
    draft: &crate::reports::Draft,
    error: Option<String>,
) -> VisitPage {
    let tr = Tr::new(lang);
    let id = urlencoding(&facts.id);
    let disclosure = if draft.disclosure.is_empty() {
        "anonymous"
    } else {
        &draft.disclosure
    };
    VisitPage {
        chrome: Chrome::new(
            lang,
            tr.t_with("visit-title", &[("project", Arg::Text(&facts.title))]),
            Some(format!("/projects/{id}/visit")),
        ),
        project_href: format!("/{}/projects/{id}", lang.code()),
        action: format!("/{}/projects/{id}/visit", lang.code()),
        error,
        today: today(),
        visited_on: if sent.visited_on.is_empty() {
            today()
        } else {
            sent.visited_on.clone()
        },
        questions: questions(&tr, facts, sent),
        note: sent.note.clone(),
        contact_enabled: state
            .civic
            .as_ref()
            .is_some_and(|civic| civic.seal_key.is_some()),
        contact: draft.contact.clone(),
        disclosures: super::report::choices(
            &tr,
            "report-disclosure",
            &crate::reports::DISCLOSURES,
            disclosure,
            false,
        ),
        genders: super::report::choices(
            &tr,
            "report-gender",
            &crate::reports::GENDERS,
            &draft.gender,
            true,
        ),
        age_groups: super::report::choices(
            &tr,
            "report-age",
            &crate::reports::AGE_GROUPS,
            &draft.age_group,
            true,
        ),
    }
}

async fn project_facts(
    state: &AppState,
    lang: Lang,
    id: &str,
) -> Result<(ProjectRow, ProjectFacts), AppError> {
    let (row, data) = state
        .store
        .project(id)
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    let facts = ProjectFacts::read(&data).ok_or(AppError::NotFound(lang))?;
    Ok((row, facts))
}

fn visit_response(
    lang: Lang,
    status: axum::http::StatusCode,
    page: VisitPage,
) -> Result<Response, AppError> {
    let body = page
        .render()
        .map_err(|error| AppError::internal(lang, error))?;
    Ok(super::report::no_store(
        (status, Html(body)).into_response(),
    ))
}

/// `GET /{lang}/projects/{id}/visit`: the guided visit form (no JavaScript needed).
pub async fn visit_form(
    State(state): State<AppState>,
    Path((lang, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let (_, facts) = project_facts(&state, lang, &id).await?;
    let page = visit_page(
        &state,
        lang,
        &facts,
        &VisitFields::default(),
        &crate::reports::Draft::default(),
        None,
    );
    visit_response(lang, axum::http::StatusCode::OK, page)
}

/// Checks the visit's own answers and makes the report's text and category from them.
fn check_visit(
    tr: &Tr,
    facts: &ProjectFacts,
    sent: &VisitFields,
) -> Result<(achyk_store::NewVisit, String, &'static str), String> {
    let today = today();
    let day = sent.visited_on.trim();
    let valid_day = achyk_ocds::project::parse_day(day)
        .filter(|days| Some(*days) <= achyk_ocds::project::parse_day(&today))
        .filter(|days| *days >= achyk_ocds::project::parse_day("2000-01-01").unwrap_or(0));
    if valid_day.is_none() {
        return Err(tr.t("visit-error-day"));
    }
    let answer = |asked: bool, value: &str, allowed: &[&str]| -> Result<Option<String>, String> {
        match (asked, value) {
            (false, _) => Ok(None),
            (true, value) if allowed.contains(&value) => Ok(Some(value.to_owned())),
            (true, _) => Err(tr.t("visit-error-answer")),
        }
    };
    let open = !finished(facts);
    let visit = achyk_store::NewVisit {
        project_id: facts.id.clone(),
        visited_on: day.to_owned(),
        work: answer(open, &sent.work, &YES_NO)?,
        signboard: answer(true, &sent.signboard, &SIGNBOARD)?,
        defects: answer(true, &sent.defects, &YES_NO)?,
        in_use: answer(!open, &sent.in_use, &YES_NO)?,
    };
    let note = sent.note.trim();
    if note.chars().count() > crate::reports::MAX_TEXT - 1_000 {
        return Err(tr.t("report-error-too-long"));
    }
    let mut lines = vec![tr.t_with("visit-text-day", &[("day", Arg::Text(day))])];
    for (question, value, prefix) in [
        ("visit-work", &visit.work, "visit-answer"),
        ("visit-signboard", &visit.signboard, "visit-signboard"),
        ("visit-defects", &visit.defects, "visit-answer"),
        ("visit-in-use", &visit.in_use, "visit-answer"),
    ] {
        if let Some(value) = value {
            lines.push(format!(
                "{} {}",
                tr.t(question),
                tr.t(&format!("{prefix}-{value}"))
            ));
        }
    }
    if !note.is_empty() {
        lines.push(note.to_owned());
    }
    let category = if visit.defects.as_deref() == Some("yes") {
        "poor_quality"
    } else if visit.work.as_deref() == Some("no") || visit.in_use.as_deref() == Some("no") {
        "work_not_done"
    } else {
        "other"
    };
    Ok((visit, lines.join("\n"), category))
}

/// `POST /{lang}/projects/{id}/visit`: the visit becomes a report (same intake, same
/// moderation, same safety rules) with its checklist kept beside it.
pub async fn visit(
    State(state): State<AppState>,
    Path((lang, id)): Path<(String, String)>,
    multipart: axum::extract::Multipart,
) -> Result<Response, AppError> {
    use crate::reports::{Draft, IntakeError};
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let (row, facts) = project_facts(&state, lang, &id).await?;
    let mut sent = VisitFields::default();
    let fail = |status, sent: &VisitFields, draft: &Draft, message: String| {
        let page = visit_page(&state, lang, &facts, sent, draft, Some(message));
        visit_response(lang, status, page)
    };
    let Some(civic) = &state.civic else {
        return fail(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            &sent,
            &Draft::default(),
            tr.t("report-error-disabled"),
        );
    };
    if civic.admit().is_err() {
        return fail(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            &sent,
            &Draft::default(),
            tr.t("report-error-busy"),
        );
    }
    let read = Draft::read_with(multipart, civic, &mut |name, value| {
        let slot = match name {
            "visited_on" => &mut sent.visited_on,
            "work" => &mut sent.work,
            "signboard" => &mut sent.signboard,
            "defects" => &mut sent.defects,
            "in_use" => &mut sent.in_use,
            "note" => &mut sent.note,
            _ => return false,
        };
        *slot = value;
        true
    })
    .await;
    let mut draft = match read {
        Ok(draft) => draft,
        Err(error) => {
            let message = tr.t(error.message_id());
            return fail(
                axum::http::StatusCode::BAD_REQUEST,
                &sent,
                &Draft::default(),
                message,
            );
        }
    };
    let (visit, text, category) = match check_visit(&tr, &facts, &sent) {
        Ok(checked) => checked,
        Err(message) => return fail(axum::http::StatusCode::BAD_REQUEST, &sent, &draft, message),
    };
    // The report is about the project's first process that is stored, in the project's region,
    // at its first named place; these come from the project, never from the visitor.
    let stored = stored_processes(&state, &facts)
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    let ocid = facts
        .processes
        .iter()
        .find(|process| stored.contains(&process.ocid))
        .map(|process| process.ocid.clone())
        .unwrap_or_default();
    let kept = draft.clone();
    draft.text = text;
    draft.category = category.to_owned();
    draft.ocid = ocid;
    draft.organisation = String::new();
    draft.region = row.region.clone().unwrap_or_default();
    draft.place = facts
        .places
        .first()
        .map(|place| place.chars().take(crate::reports::MAX_SHORT).collect())
        .unwrap_or_default();
    draft.place_from_photo = false;
    draft.visit = Some(visit);
    match crate::reports::take(&state.store, civic, draft).await {
        Ok(receipt) => super::report::receipt_page(lang, receipt.to_string()),
        Err(error) => {
            let status = match error {
                IntakeError::Busy => axum::http::StatusCode::TOO_MANY_REQUESTS,
                IntakeError::Disabled => axum::http::StatusCode::SERVICE_UNAVAILABLE,
                IntakeError::Store(_) => axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                IntakeError::Field { .. } => axum::http::StatusCode::BAD_REQUEST,
            };
            fail(status, &sent, &kept, tr.t(error.message_id()))
        }
    }
}
