//! Projects put together in Achyk by a CSO monitor when no publisher provides OC4IDS: the
//! monitor names the object (title, sector, place, optionally budget and planned end) and the
//! stored processes that build it (works contracts for the same school, road or pipe); Achyk
//! writes an OC4IDS project from them, with every value's source kept beside it
//! (`achykSources`: JSON pointer → where the value came from), and stores it with source `cso`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use achyk_kg::regions::Region;
use achyk_store::Role;

use super::tenders::Choice;
use super::{Chrome, private_page as html};
use crate::AppState;
use crate::auth::{self, MaybeViewer};
use crate::error::AppError;
use crate::i18n::{Lang, Tr};

/// Who may put a project together.
const MAKERS: [Role; 2] = [Role::Monitor, Role::Admin];
const SECTORS: [&str; 6] = [
    "transport.road",
    "education",
    "health",
    "waterAndWaste",
    "energy",
    "cultureSportsAndRecreation",
];
const TYPES: [&str; 3] = ["construction", "rehabilitation", "expansion"];
/// The most processes one project is made of.
const MAX_PROCESSES: usize = 50;

#[derive(Debug, Default, Deserialize)]
pub struct MakeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    budget: String,
    #[serde(default)]
    planned_end: String,
    #[serde(default)]
    ocids: String,
}

#[derive(Template)]
#[template(path = "project_make.html")]
struct MakePage {
    chrome: Chrome,
    csrf: String,
    error: Option<String>,
    title: String,
    sectors: Vec<Choice>,
    kinds: Vec<Choice>,
    regions: Vec<Choice>,
    place: String,
    budget: String,
    planned_end: String,
    ocids: String,
}

fn page(lang: Lang, csrf: String, form: &MakeForm, error: Option<String>) -> MakePage {
    let tr = Tr::new(lang);
    let choices = |values: &[&str], selected: &str, words: &dyn Fn(&str) -> String| {
        values
            .iter()
            .map(|value| Choice {
                value: (*value).to_owned(),
                label: words(value),
                selected: *value == selected,
            })
            .collect()
    };
    MakePage {
        chrome: Chrome::new(lang, tr.t("make-title"), Some("/projects/new".into())),
        csrf,
        error,
        title: form.title.clone(),
        sectors: choices(&SECTORS, &form.sector, &|sector| {
            let top = sector.split('.').next().unwrap_or(sector);
            tr.t(&format!("project-sector-{top}"))
        }),
        kinds: choices(&TYPES, &form.kind, &|kind| {
            tr.t(&format!("make-type-{kind}"))
        }),
        regions: Region::ALL
            .iter()
            .map(|region| Choice {
                value: region.iso_code().to_owned(),
                label: crate::view::region_name(lang, Some(region.iso_code())).unwrap_or_default(),
                selected: region.iso_code() == form.region,
            })
            .collect(),
        place: form.place.clone(),
        budget: form.budget.clone(),
        planned_end: form.planned_end.clone(),
        ocids: form.ocids.clone(),
    }
}

/// `GET /{lang}/projects/new`.
pub async fn form(
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = auth::require(lang, viewer, &MAKERS)?;
    html(
        lang,
        StatusCode::OK,
        page(lang, viewer.csrf.clone(), &MakeForm::default(), None),
    )
}

/// What a process gives the project, and where each value came from.
fn process_summary(
    index: usize,
    ocid: &str,
    release: &Value,
    sources: &mut Map<String, Value>,
) -> Value {
    let mut summary = json!({"ocid": ocid});
    let mut put = |name: &str, value: &Value, from: &str| {
        if !value.is_null() {
            summary[name] = value.clone();
            sources.insert(
                format!("/contractingProcesses/{index}/summary/{name}"),
                json!(format!("{ocid}: {from}")),
            );
        }
    };
    put("title", &release["tender"]["title"], "tender/title");
    if let Some(method) = release["tender"]["procurementMethod"].as_str() {
        put(
            "tender",
            &json!({"procurementMethod": method}),
            "tender/procurementMethod",
        );
    }
    let contract = &release["contracts"][0];
    let award = &release["awards"][0];
    if !contract["value"].is_null() {
        put("contractValue", &contract["value"], "contracts/0/value");
    } else {
        put("contractValue", &award["value"], "awards/0/value");
    }
    put("contractPeriod", &contract["period"], "contracts/0/period");
    let suppliers: Vec<Value> = award["suppliers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|supplier| {
            Some(json!({"id": supplier["id"].as_str()?, "name": supplier["name"].as_str()?}))
        })
        .collect();
    if !suppliers.is_empty() {
        put("suppliers", &json!(suppliers), "awards/0/suppliers");
    }
    summary
}

/// `POST /{lang}/projects/new`: checks the form, reads the processes from the store, writes
/// the project and opens its page.
pub async fn create(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
    Form(form): Form<MakeForm>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = auth::require(lang, viewer, &MAKERS)?;
    auth::check_csrf(lang, &viewer, &form.csrf)?;
    let tr = Tr::new(lang);
    let refuse = |message: String| {
        html(
            lang,
            StatusCode::BAD_REQUEST,
            page(lang, viewer.csrf.clone(), &form, Some(message)),
        )
    };
    let title = form.title.trim();
    if title.is_empty() || title.chars().count() > 300 {
        return refuse(tr.t("make-error-title"));
    }
    if !SECTORS.contains(&form.sector.as_str()) || !TYPES.contains(&form.kind.as_str()) {
        return refuse(tr.t("make-error-choice"));
    }
    let Some(region) = Region::from_iso_code(&form.region) else {
        return refuse(tr.t("make-error-choice"));
    };
    let budget = match form.budget.trim().replace([' ', '\u{a0}', '\u{202f}'], "") {
        text if text.is_empty() => None,
        text => match text.parse::<f64>() {
            Ok(amount) if amount.is_finite() && amount > 0.0 => Some(amount),
            _ => return refuse(tr.t("make-error-budget")),
        },
    };
    let planned_end = match form.planned_end.trim() {
        "" => None,
        day if achyk_ocds::project::parse_day(day).is_some() => Some(day.to_owned()),
        _ => return refuse(tr.t("make-error-day")),
    };
    let mut ocids: Vec<&str> = form
        .ocids
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|ocid| !ocid.is_empty())
        .collect();
    ocids.dedup();
    if ocids.is_empty() || ocids.len() > MAX_PROCESSES {
        return refuse(tr.t("make-error-processes"));
    }
    let mut sources = Map::new();
    sources.insert("/title".into(), json!("monitor"));
    sources.insert("/sector".into(), json!("monitor"));
    sources.insert("/type".into(), json!("monitor"));
    sources.insert("/locations".into(), json!("monitor"));
    let mut processes = Vec::new();
    let mut parties: Vec<Value> = Vec::new();
    let mut unknown = Vec::new();
    for (index, ocid) in ocids.iter().enumerate() {
        let row = match state
            .store
            .normalised_release(&achyk_store::Ocid::from(*ocid))
            .await
        {
            Ok(row) => row,
            Err(achyk_store::StoreError::NotFound { .. }) => {
                unknown.push((*ocid).to_owned());
                continue;
            }
            Err(error) => return Err(AppError::from_store(lang, error)),
        };
        let release: Value =
            serde_json::from_str(&row.json).map_err(|error| AppError::internal(lang, error))?;
        let summary = process_summary(index, ocid, &release, &mut sources);
        for (party, role) in [
            (&release["buyer"], "buyer"),
            (&release["awards"][0]["suppliers"][0], "supplier"),
        ] {
            if let (Some(id), Some(name)) = (party["id"].as_str(), party["name"].as_str())
                && !parties.iter().any(|known| known["id"] == id)
            {
                parties.push(json!({"id": id, "name": name, "roles": [role]}));
            }
        }
        processes.push(json!({"id": (index + 1).to_string(), "summary": summary}));
    }
    if !unknown.is_empty() {
        return refuse(format!(
            "{} {}",
            tr.t("make-error-unknown"),
            unknown.join(", ")
        ));
    }
    if !parties.is_empty() {
        sources.insert(
            "/parties".into(),
            json!("the processes' buyer and suppliers"),
        );
    }
    let id = format!(
        "achyk-cso-{}-{}",
        viewer.user.cso_id.unwrap_or(0),
        crate::auth::now()
    );
    let mut project = json!({
        "id": id,
        "title": title,
        "status": "implementation",
        "sector": [form.sector],
        "type": form.kind,
        "locations": [{
            "id": "1",
            "description": form.place.trim(),
            "address": {"region": region.name_ru(), "countryName": "Кыргызстан"},
        }],
        "parties": parties,
        "contractingProcesses": processes,
        "updated": achyk_ocds::release::format_instant(crate::auth::now(), 6 * 60),
    });
    if let Some(amount) = budget {
        project["budget"] = json!({"amount": {"amount": amount, "currency": "KGS"}});
        sources.insert("/budget".into(), json!("monitor"));
    }
    if let Some(day) = planned_end {
        project["completionPeriod"] = json!({"endDate": format!("{day}T00:00:00+06:00")});
        sources.insert("/completionPeriod".into(), json!("monitor"));
    }
    project["achykSources"] = Value::Object(sources);
    state
        .store
        .store_project(&project.to_string(), "cso")
        .await
        .map_err(|error| AppError::from_store(lang, error))?;
    Ok(Redirect::to(&format!(
        "/{}/projects/{}",
        lang.code(),
        crate::query::encode(&id)
    ))
    .into_response())
}
