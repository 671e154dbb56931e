//! The open-data API under `/api/v1/`: everything the pages show, as JSON, plus every search as
//! CSV, XLSX, OCDS (JSON Lines of normalised compiled releases, or a record package of the
//! releases as received) and an Atom feed. Errors are JSON with a stable
//! code: `{"error": "not_found" | "bad_parameter" | "internal", "message": ...}`. Any origin
//! may read it.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use serde_json::{Value, json};

use achyk_store::{Facet, Ocid, OrgId, ProcessSummaryRow, SearchParams, StoreError};

use crate::query::{BadParameter, SearchQuery};
use crate::{AppState, tabular};

/// Results of a search call when `per_page` is not given.
const PER_PAGE: u32 = 50;
/// The most processes one export returns; bulk files cover the rest.
const EXPORT_LIMIT: i64 = 100_000;

pub fn routes(body_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/tenders", get(tenders))
        .route("/api/v1/tenders.csv", get(tenders_csv))
        .route("/api/v1/tenders.xlsx", get(tenders_xlsx))
        .route("/api/v1/tenders.jsonl", get(tenders_jsonl))
        .route("/api/v1/tenders.records.json", get(tenders_records))
        .route("/api/v1/tenders.atom", get(tenders_atom))
        .route("/api/v1/tenders/{ocid}", get(tender))
        .route("/api/v1/organisations/{id}", get(organisation))
        .route("/api/v1/analytics", get(analytics))
        .route(
            "/api/v1/reports",
            get(crate::reports::api_list)
                .post(crate::reports::api_submit)
                .layer(axum::extract::DefaultBodyLimit::max(body_limit)),
        )
        .route(
            "/api/v1/reports/receipt/{code}",
            get(crate::reports::api_receipt),
        )
        .route(
            "/api/{*rest}",
            get(|| async { ApiError::NotFound("no such API endpoint".into()) }),
        )
        .layer(axum::middleware::map_response(
            |mut response: Response| async move {
                response.headers_mut().insert(
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    HeaderValue::from_static("*"),
                );
                response
            },
        ))
}

/// An API error, with its stable code.
#[derive(Debug)]
pub enum ApiError {
    NotFound(String),
    BadParameter(BadParameter),
    /// Any other refusal: its status, stable code and message.
    Refused(StatusCode, &'static str, String),
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error {
            StoreError::NotFound { what, key } => ApiError::NotFound(format!("no {what} {key}")),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = match self {
            ApiError::NotFound(message) => (StatusCode::NOT_FOUND, "not_found", message),
            ApiError::BadParameter(bad) => {
                (StatusCode::BAD_REQUEST, "bad_parameter", bad.to_string())
            }
            ApiError::Refused(status, code, message) => (status, code, message),
            ApiError::Internal(message) => {
                eprintln!("achyk serve: API internal error: {message}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server could not answer; try again later".to_string(),
                )
            }
        };
        (status, Json(json!({"error": code, "message": message}))).into_response()
    }
}

fn summary_json(row: &ProcessSummaryRow) -> Value {
    json!({
        "ocid": row.ocid,
        "title": row.title,
        "buyer": {"id": row.buyer_id, "name": row.buyer_name, "name_ky": row.buyer_name_ky},
        "region": row.region,
        "procurementMethod": row.method,
        "status": row.status,
        "mainProcurementCategory": row.category,
        "date": row.date,
        "value": row.value_amount.map(|amount| json!({"amount": amount, "currency": row.value_currency})),
        "bids": row.bids,
    })
}

fn search_of(query: &SearchQuery, per_page: u32) -> Result<SearchParams, ApiError> {
    query.to_search(per_page).map_err(ApiError::BadParameter)
}

async fn tenders(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
) -> Result<Json<Value>, ApiError> {
    let search = search_of(&query, PER_PAGE)?;
    let result = state.store.search(&search).await?;
    let facets: serde_json::Map<String, Value> = result
        .facets
        .iter()
        .map(|(facet, counts)| {
            let name = match facet {
                Facet::Region => "region",
                Facet::Method => "procurementMethod",
                Facet::Status => "status",
                Facet::Category => "mainProcurementCategory",
                Facet::Year => "year",
                Facet::Value => "value",
                Facet::Flag => "redFlag",
            };
            let counts: Vec<Value> = counts
                .iter()
                .map(|(value, count)| json!({"value": value, "count": count}))
                .collect();
            (name.to_string(), Value::Array(counts))
        })
        .collect();
    Ok(Json(json!({
        "total": result.total,
        "page": search.page + 1,
        "per_page": search.per_page,
        "results": result.rows.iter().map(summary_json).collect::<Vec<_>>(),
        "facets": facets,
    })))
}

/// Every row of a search, page by page, up to the export limit.
async fn all_rows(
    state: &AppState,
    query: &SearchQuery,
) -> Result<Vec<ProcessSummaryRow>, ApiError> {
    let mut search = search_of(query, crate::query::MAX_PER_PAGE)?;
    search.per_page = crate::query::MAX_PER_PAGE;
    search.page = 0;
    // Each page would otherwise count every facet again over the whole search.
    search.skip_facets = true;
    let mut rows = Vec::new();
    loop {
        let result = state.store.search(&search).await?;
        let done = result.rows.len() < search.per_page as usize;
        rows.extend(result.rows);
        if done || rows.len() as i64 >= EXPORT_LIMIT.min(result.total) {
            return Ok(rows);
        }
        search.page += 1;
    }
}

async fn tenders_csv(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
) -> Result<Response, ApiError> {
    let rows = all_rows(&state, &query).await?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        "tenders.csv",
        tabular::csv(&rows),
    ))
}

async fn tenders_xlsx(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
) -> Result<Response, ApiError> {
    let rows = all_rows(&state, &query).await?;
    let workbook =
        tabular::xlsx(&rows).map_err(|error| ApiError::Internal(format!("XLSX: {error}")))?;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "tenders.xlsx",
        workbook,
    ))
}

/// A download: its type, file name and body.
pub(crate) fn attachment(
    content_type: &'static str,
    name: &str,
    body: impl IntoResponse,
) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).expect("a plain file name"),
            ),
        ],
        body,
    )
        .into_response()
}

/// A search as an OCDS record package: per process, every release stored for it as received
/// (embedded, oldest first) and the compiled release merged from them. The normalised releases
/// are in `tenders.jsonl`; this is the history as published, for provenance.
async fn tenders_records(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
    uri: axum::http::Uri,
) -> Result<Response, ApiError> {
    let rows = all_rows(&state, &query).await?;
    let mut records = Vec::with_capacity(rows.len());
    let mut extensions = std::collections::BTreeSet::new();
    for row in &rows {
        let ocid = Ocid::from(row.ocid.as_str());
        let releases = state.store.releases_of(&ocid).await?;
        let compiled = state.store.compiled_release(&ocid).await?;
        let mut embedded = Vec::with_capacity(releases.len());
        for release in &releases {
            extensions.extend(release.extensions.iter().cloned());
            embedded.push(parse_stored(&release.json)?);
        }
        records.push(json!({
            "ocid": row.ocid,
            "releases": embedded,
            "compiledRelease": parse_stored(&compiled.json)?,
        }));
    }
    let mut package = json!({
        "uri": uri.to_string(),
        "version": "1.1",
        "publishedDate": published_now(),
        "publisher": {"name": "Achyk"},
        "records": records,
    });
    if !extensions.is_empty() {
        package["extensions"] = json!(extensions);
    }
    Ok(attachment(
        "application/json; charset=utf-8",
        "tenders.records.json",
        package.to_string(),
    ))
}

fn parse_stored(text: &str) -> Result<Value, ApiError> {
    serde_json::from_str(text).map_err(|error| ApiError::Internal(format!("stored JSON: {error}")))
}

/// Now, as an RFC 3339 date-time in UTC, to the second.
fn published_now() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64);
    achyk_ocds::release::format_instant(seconds, 0)
}

async fn tenders_jsonl(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
) -> Result<Response, ApiError> {
    let rows = all_rows(&state, &query).await?;
    let mut lines = String::new();
    for chunk in rows.chunks(500) {
        let ocids: Vec<Ocid> = chunk
            .iter()
            .map(|row| Ocid::from(row.ocid.as_str()))
            .collect();
        for release in state.store.normalised_releases_of(&ocids).await? {
            lines.push_str(&release.json);
            lines.push('\n');
        }
    }
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-ndjson; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"tenders.jsonl\"",
            ),
        ],
        lines,
    )
        .into_response())
}

/// XML text escaped for element content and attributes.
pub(crate) fn xml(text: &str) -> String {
    crate::map::escape(text).replace('\'', "&apos;")
}

/// A search as an Atom feed of its newest processes, to follow in a feed reader.
async fn tenders_atom(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let mut search = search_of(&query, PER_PAGE)?;
    search.sort = achyk_store::Sort::Newest;
    search.page = 0;
    let result = state.store.search(&search).await?;
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("localhost");
    let site = format!("http://{host}");
    let self_link = format!("{site}/api/v1/tenders.atom?{}", query.at_page(1));
    let updated = result
        .rows
        .first()
        .map(|row| row.date.clone())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    let mut feed = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <title>Achyk: {}</title>\n<id>{}</id>\n<link rel=\"self\" href=\"{}\"/>\n<updated>{}</updated>\n",
        xml(query.q.as_deref().unwrap_or("tenders")),
        xml(&self_link),
        xml(&self_link),
        xml(&updated)
    );
    for row in &result.rows {
        let link = format!("{site}/ru/tenders/{}", row.ocid);
        let value = row
            .value_amount
            .map(|amount| format!("{amount} {}", row.value_currency.as_deref().unwrap_or("")))
            .unwrap_or_default();
        feed.push_str(&format!(
            "<entry>\n<title>{}</title>\n<id>{}</id>\n<link href=\"{}\"/>\n<updated>{}</updated>\n\
             <summary>{}</summary>\n</entry>\n",
            xml(row.title.as_deref().unwrap_or(&row.ocid)),
            xml(&format!("urn:ocid:{}", row.ocid)),
            xml(&link),
            xml(&row.date),
            xml(&format!(
                "{} · {} · {}",
                row.buyer_name.as_deref().unwrap_or(""),
                value,
                row.status.as_deref().unwrap_or("")
            )),
        ));
    }
    feed.push_str("</feed>\n");
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        feed,
    )
        .into_response())
}

async fn tender(
    State(state): State<AppState>,
    Path(ocid): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let key = Ocid::from(ocid.as_str());
    let row = state.store.normalised_release(&key).await?;
    let release: Value =
        serde_json::from_str(&row.json).map_err(|error| ApiError::Internal(error.to_string()))?;
    let quality: Vec<Value> = state
        .store
        .quality_notes(&key)
        .await?
        .into_iter()
        .map(|row| {
            let parse = |text: Option<String>| {
                text.and_then(|text| serde_json::from_str::<Value>(&text).ok())
            };
            json!({
                "rule": row.note.rule,
                "path": row.note.path,
                "before": parse(row.note.before),
                "after": parse(row.note.after),
            })
        })
        .collect();
    let releases: Vec<Value> = state
        .store
        .releases_of(&key)
        .await?
        .into_iter()
        .map(|row| json!({"id": row.release_id, "date": row.date}))
        .collect();
    Ok(Json(json!({
        "ocid": ocid,
        "region": row.region,
        "release": release,
        "quality": quality,
        "releases": releases,
    })))
}

async fn organisation(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let key = OrgId::from(id.as_str());
    let row = state.store.organisation(&key).await?;
    let stats = state.store.buyer_stats(&key).await?;
    let party: Value = serde_json::from_str(&row.json).unwrap_or(Value::Null);
    Ok(Json(json!({
        "id": row.id.as_str(),
        "name": row.name,
        "name_ky": row.name_ky,
        "identifier": {"scheme": row.identifier_scheme, "id": row.identifier_id, "legalName": row.legal_name},
        "region": row.region,
        "party": party,
        "as_buyer": {
            "processes": stats.processes,
            "value_kgs": stats.value_kgs,
            "processes_with_bids": stats.with_bids,
            "single_bid_processes": stats.single_bid,
            "bids": stats.bids,
            "direct_processes": stats.direct,
        },
    })))
}

async fn analytics(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let mut out = serde_json::Map::new();
    for (facet, name) in [
        (Facet::Region, "by_region"),
        (Facet::Method, "by_procurement_method"),
        (Facet::Category, "by_category"),
        (Facet::Year, "by_year"),
    ] {
        let groups: Vec<Value> = crate::cache::group_stats(&state, facet)
            .await?
            .iter()
            .map(|group| {
                json!({
                    "key": group.key,
                    "processes": group.processes,
                    "value_kgs": group.value_kgs,
                    "processes_with_bids": group.with_bids,
                    "single_bid_processes": group.single_bid,
                    "direct_processes": group.direct,
                    "flagged_processes": group.flagged,
                    "awards": group.awards,
                    "top_three_supplier_awards": group.top_supplier_awards,
                })
            })
            .collect();
        out.insert(name.to_string(), Value::Array(groups));
    }
    Ok(Json(Value::Object(out)))
}

async fn openapi() -> Json<Value> {
    Json(openapi_document())
}

/// The OpenAPI 3.1 description of this API.
pub fn openapi_document() -> Value {
    let search_parameters: Vec<Value> = [
        ("q", "Words to find in titles, descriptions, items and organisation names (Russian and Kyrgyz forms match)"),
        ("region", "ISO 3166-2 code of the buyer's region, e.g. KG-C"),
        ("method", "procurementMethod: open, selective, limited, direct"),
        ("status", "tender status code"),
        ("category", "mainProcurementCategory: goods, works, services"),
        ("year", "year the tender was published"),
        ("buyer", "organisation id of the buyer, e.g. KG-INN-02305199310123"),
        ("min", "lowest estimated value, in som"),
        ("max", "highest estimated value, in som"),
        ("value", "a range of the estimated value as the value facet names it: 0-100000, 100000-1000000, 1000000-10000000, 10000000-"),
        ("flag", "processes with this red flag (an indicator code such as R003), or with any (any), as the last flag run stored them"),
        ("sort", "newest (default), oldest, value-high, value-low"),
        ("page", "page number from 1"),
        ("per_page", "results per page, 1 to 200 (default 50)"),
    ]
    .iter()
    .map(|(name, description)| json!({"name": name, "in": "query", "required": false, "description": description, "schema": {"type": "string"}}))
    .collect();
    let project_parameters: Vec<Value> = [
        ("q", "words of the project's name, description or place"),
        ("region", "ISO 3166-2 code of the region, e.g. KG-N"),
        ("sector", "top-level OC4IDS sector: transport, education, health, waterAndWaste, energy, socialHousing, cultureSportsAndRecreation, governance"),
        ("status", "OC4IDS project status, e.g. implementation, completion"),
        ("over", "cost overrun against budget of at least this many percent: 1, 10, 25 or 50"),
        ("late", "any value: only projects past their planned end"),
        ("flagged", "any value: only projects with red flags on their processes"),
        ("page", "page number from 1 (50 per page)"),
    ]
    .iter()
    .map(|(name, description)| json!({"name": name, "in": "query", "required": false, "description": description, "schema": {"type": "string"}}))
    .collect();
    let error = json!({"description": "an error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Achyk open data API",
            "version": "1",
            "description": "Public procurement in Kyrgyzstan as open data: search, processes (normalised OCDS), organisations, analytics and infrastructure projects (OC4IDS).",
            "license": {"name": "Data: publisher's open data terms; API: AGPL-3.0-or-later"}
        },
        "paths": {
            "/api/v1/tenders": {"get": {"summary": "Search processes, with facet counts", "parameters": search_parameters, "responses": {"200": {"description": "a page of results"}, "400": error}}},
            "/api/v1/tenders.csv": {"get": {"summary": "A search as CSV (UTF-8 with BOM)", "parameters": search_parameters, "responses": {"200": {"description": "CSV"}, "400": error}}},
            "/api/v1/tenders.xlsx": {"get": {"summary": "A search as an XLSX workbook (same columns as the CSV; amounts and bid counts as numbers)", "parameters": search_parameters, "responses": {"200": {"description": "XLSX"}, "400": error}}},
            "/api/v1/tenders.records.json": {"get": {"summary": "A search as an OCDS record package: every release as received, embedded, and their compiled release", "parameters": search_parameters, "responses": {"200": {"description": "record package"}, "400": error}}},
            "/api/v1/tenders.atom": {"get": {"summary": "A search as an Atom feed of its newest processes", "parameters": search_parameters, "responses": {"200": {"description": "Atom"}, "400": error}}},
            "/api/v1/tenders.jsonl": {"get": {"summary": "A search as OCDS: JSON Lines of normalised compiled releases", "parameters": search_parameters, "responses": {"200": {"description": "JSON Lines"}, "400": error}}},
            "/api/v1/tenders/{ocid}": {"get": {"summary": "One process: its normalised compiled release, data-quality notes and release history",
                "parameters": [{"name": "ocid", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the process"}, "404": error}}},
            "/api/v1/organisations/{id}": {"get": {"summary": "One organisation and what its processes add up to as buyer",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the organisation"}, "404": error}}},
            "/api/v1/analytics": {"get": {"summary": "Processes, value, single-bid and direct purchases, red-flagged processes and the awards of the three busiest suppliers, by region, method, category and year", "responses": {"200": {"description": "groups"}}}},
            "/api/v1/projects": {"get": {"summary": "Search infrastructure projects: budget, cost now, overrun, delay, red flags", "parameters": project_parameters, "responses": {"200": {"description": "a page of projects"}, "400": error}}},
            "/api/v1/projects.csv": {"get": {"summary": "A project search as CSV (UTF-8 with BOM), up to 10,000 projects", "parameters": project_parameters, "responses": {"200": {"description": "CSV"}, "400": error}}},
            "/api/v1/projects.xlsx": {"get": {"summary": "A project search as an XLSX workbook (the CSV's columns; amounts as numbers)", "parameters": project_parameters, "responses": {"200": {"description": "XLSX"}, "400": error}}},
            "/api/v1/projects.oc4ids.json": {"get": {"summary": "A project search as an OC4IDS 0.9 project package of the projects as stored, up to 10,000", "parameters": project_parameters, "responses": {"200": {"description": "project package"}, "400": error}}},
            "/api/v1/projects.atom": {"get": {"summary": "A project search as an Atom feed of the projects received most recently", "parameters": project_parameters, "responses": {"200": {"description": "Atom"}, "400": error}}},
            "/api/v1/projects/{id}": {"get": {"summary": "One project: as stored (OC4IDS), with the measures Achyk computes and what published site visits found",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the project"}, "404": error}}}
        },
        "components": {"schemas": {"Error": {"type": "object", "required": ["error", "message"], "properties": {
            "error": {"type": "string", "enum": ["not_found", "bad_parameter", "internal"]},
            "message": {"type": "string"}
        }}}}
    })
}
