//! Infrastructure projects in the open-data API: `/api/v1/projects` (search with the filters
//! of the projects page, as JSON, CSV, XLSX, an OC4IDS project package or an Atom feed) and
//! `/api/v1/projects/{id}` (the project as stored, with the measures Achyk computes and what
//! published site visits found).

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use serde_json::{Value, json};

use achyk_ocds::project::ProjectFacts;
use achyk_store::{ProjectQuery, ProjectRow};

use crate::AppState;
use crate::api::{ApiError, attachment, xml};
use crate::pages::projects::{ListParams, days_late, today};
use crate::tabular::{Cell, table_csv, table_xlsx};

/// Projects per page of the JSON search.
const PER_PAGE: i64 = 50;
/// The most projects one download holds (an OC4IDS package holds whole projects).
const EXPORT_LIMIT: i64 = 10_000;

const COLUMNS: [&str; 14] = [
    "id",
    "title",
    "status",
    "sector",
    "region",
    "currency",
    "budget",
    "value_now",
    "cost_overrun",
    "planned_end",
    "completed_on",
    "days_late",
    "red_flags",
    "source",
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects", get(search))
        .route("/api/v1/projects.csv", get(csv))
        .route("/api/v1/projects.xlsx", get(xlsx))
        .route("/api/v1/projects.oc4ids.json", get(package))
        .route("/api/v1/projects.atom", get(atom))
        .route("/api/v1/projects/{id}", get(project))
}

fn query_of(params: &ListParams) -> Result<ProjectQuery, ApiError> {
    params.query().map_err(ApiError::BadParameter)
}

fn row_json(row: &ProjectRow, today: &str) -> Value {
    json!({
        "id": row.id,
        "title": row.title,
        "status": row.status,
        "sector": row.sector,
        "region": row.region,
        "currency": row.currency,
        "budget": row.budget,
        "value_now": row.value_now,
        "cost_overrun": row.cost_overrun,
        "planned_end": row.planned_end,
        "completed_on": row.completed_on,
        "days_late": days_late(row, today),
        "red_flags": row.flags,
        "source": row.source,
        "point": match (row.longitude, row.latitude) {
            (Some(longitude), Some(latitude)) => json!([longitude, latitude]),
            _ => Value::Null,
        },
    })
}

fn cells(row: &ProjectRow, today: &str) -> [Cell; 14] {
    let number = |value: Option<f64>| value.map_or(Cell::Empty, Cell::Number);
    [
        Cell::Text(row.id.clone()),
        Cell::Text(row.title.clone()),
        Cell::text(&row.status),
        Cell::text(&row.sector),
        Cell::text(&row.region),
        Cell::text(&row.currency),
        number(row.budget),
        number(row.value_now),
        number(row.cost_overrun),
        Cell::text(&row.planned_end),
        Cell::text(&row.completed_on),
        number(days_late(row, today).map(|days| days as f64)),
        Cell::Number(row.flags as f64),
        Cell::Text(row.source.clone()),
    ]
}

/// `GET /api/v1/projects`: `{"total", "page", "per_page", "projects": [...]}`.
async fn search(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Json<Value>, ApiError> {
    let query = query_of(&params)?;
    let page = i64::from(params.page.unwrap_or(1).max(1));
    let (rows, total) = state
        .store
        .projects(&query, PER_PAGE, (page - 1) * PER_PAGE)
        .await?;
    let today = today();
    Ok(Json(json!({
        "total": total,
        "page": page,
        "per_page": PER_PAGE,
        "projects": rows.iter().map(|row| row_json(row, &today)).collect::<Vec<_>>(),
    })))
}

async fn all_rows(state: &AppState, params: &ListParams) -> Result<Vec<ProjectRow>, ApiError> {
    let query = query_of(params)?;
    Ok(state.store.projects(&query, EXPORT_LIMIT, 0).await?.0)
}

/// `GET /api/v1/projects.csv`.
async fn csv(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Response, ApiError> {
    let rows = all_rows(&state, &params).await?;
    let today = today();
    let table: Vec<[Cell; 14]> = rows.iter().map(|row| cells(row, &today)).collect();
    Ok(attachment(
        "text/csv; charset=utf-8",
        "projects.csv",
        table_csv(&COLUMNS, &table),
    ))
}

/// `GET /api/v1/projects.xlsx`.
async fn xlsx(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Response, ApiError> {
    let rows = all_rows(&state, &params).await?;
    let today = today();
    let table: Vec<[Cell; 14]> = rows.iter().map(|row| cells(row, &today)).collect();
    let workbook = table_xlsx(
        "projects",
        &COLUMNS,
        &table,
        &["budget", "value_now"],
        &[(0, 28), (1, 48), (6, 16), (7, 16)],
    )
    .map_err(|error| ApiError::Internal(format!("XLSX: {error}")))?;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "projects.xlsx",
        workbook,
    ))
}

/// `GET /api/v1/projects.oc4ids.json`: the matching projects as stored, in an OC4IDS project
/// package.
async fn package(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Response, ApiError> {
    let rows = all_rows(&state, &params).await?;
    let mut projects = Vec::with_capacity(rows.len());
    for row in &rows {
        projects.push(state.store.project(&row.id).await?.1);
    }
    let package = json!({
        "version": "0.9",
        "uri": "/api/v1/projects.oc4ids.json",
        "publishedDate": achyk_ocds::release::format_instant(crate::auth::now(), 6 * 60),
        "publisher": {"name": "Achyk"},
        "projects": projects,
    });
    Ok(attachment(
        "application/json",
        "projects.oc4ids.json",
        package.to_string(),
    ))
}

/// `GET /api/v1/projects.atom`: the 50 projects received most recently among the matching.
async fn atom(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let mut query = query_of(&params)?;
    query.newest_first = true;
    let (rows, _) = state.store.projects(&query, PER_PAGE, 0).await?;
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("localhost");
    let site = format!("http://{host}");
    let instant = |seconds: i64| achyk_ocds::release::format_instant(seconds, 0);
    let updated = rows
        .first()
        .map_or_else(|| instant(0), |row| instant(row.received_at));
    let self_link = format!("{site}/api/v1/projects.atom");
    let mut feed = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <title>Achyk: projects</title>\n<id>{}</id>\n<link rel=\"self\" href=\"{}\"/>\n<updated>{}</updated>\n",
        xml(&self_link),
        xml(&self_link),
        xml(&updated)
    );
    let today = today();
    for row in &rows {
        let link = format!("{site}/ru/projects/{}", crate::query::encode(&row.id));
        let mut summary = Vec::new();
        if let (Some(budget), Some(currency)) = (row.budget, &row.currency) {
            summary.push(format!("budget {budget:.0} {currency}"));
        }
        if let Some(share) = row.cost_overrun.filter(|share| *share > 0.0) {
            summary.push(format!("{:.1}% over budget", share * 100.0));
        }
        if let Some(days) = days_late(row, &today) {
            summary.push(format!("{days} days late"));
        }
        feed.push_str(&format!(
            "<entry>\n<title>{}</title>\n<id>{}</id>\n<link href=\"{}\"/>\n<updated>{}</updated>\n<summary>{}</summary>\n</entry>\n",
            xml(&row.title),
            xml(&link),
            xml(&link),
            xml(&instant(row.received_at)),
            xml(&summary.join("; "))
        ));
    }
    feed.push_str("</feed>\n");
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        feed,
    )
        .into_response())
}

/// `GET /api/v1/projects/{id}`: `{"project": <OC4IDS>, "measures": {...}, "region", "red_flags",
/// "visits": {...}}`.
async fn project(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (row, data) = state.store.project(&id).await?;
    let facts = ProjectFacts::read(&data)
        .ok_or_else(|| ApiError::Internal("a stored project has no id".into()))?;
    let measures = facts.measures(&today());
    let visits = state.store.visit_summary(&id).await?;
    Ok(Json(json!({
        "project": data,
        "region": row.region,
        "red_flags": row.flags,
        "measures": {
            "cost_over_budget": measures.cost_over_budget,
            "cost_over_contracts": measures.cost_over_contracts,
            "days_late": measures.time_overrun_days,
            "non_competitive_share": measures.non_competitive_share,
            "modifications": measures.modifications,
            "paid_share": measures.paid_share,
            "physical_progress": measures.physical_progress,
            "payments_ahead_of_progress": measures.progress_lag(),
        },
        "visits": {
            "published": visits.visits,
            "first": visits.first,
            "last": visits.last,
            "work_stopped": visits.work_stopped,
            "signboard_missing": visits.signboard_missing,
            "defects": visits.defects,
            "not_in_use": visits.not_in_use,
        },
    })))
}
