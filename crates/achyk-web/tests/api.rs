//! The open-data API in-process, on the feed sample imported through the real normaliser.
//! Expected values come from the sample's input (see `achyk-kg/tests/fixtures/feed`).

mod common;

use achyk_web::{AppState, router};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;

async fn app() -> (axum::Router, tempfile::TempDir) {
    let directory = tempfile::tempdir().unwrap();
    let store = common::sample_store(directory.path()).await;
    (router(AppState::new(store)), directory)
}

async fn get(
    app: &axum::Router,
    path: &str,
) -> (StatusCode, Option<String>, String, Option<String>) {
    let response = app
        .clone()
        .oneshot(Request::builder().uri(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|value| value.to_str().unwrap().to_string());
    let origin = response
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(|value| value.to_str().unwrap().to_string());
    let body = axum::body::to_bytes(response.into_body(), 10 << 20)
        .await
        .unwrap();
    (
        status,
        content_type,
        String::from_utf8(body.to_vec()).unwrap(),
        origin,
    )
}

async fn get_json(app: &axum::Router, path: &str) -> (StatusCode, Value) {
    let (status, _, body, origin) = get(app, path).await;
    assert_eq!(origin.as_deref(), Some("*"), "{path} allows any origin");
    (
        status,
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("{path}: {body}")),
    )
}

#[tokio::test]
async fn search_gives_results_and_facets_like_the_page() {
    let (app, _directory) = app().await;
    let (status, body) = get_json(&app, "/api/v1/tenders?method=open&sort=value-high").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"], 2);
    let ocids: Vec<&str> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["ocid"].as_str().unwrap())
        .collect();
    assert_eq!(ocids, ["ocds-h7i0z4-240115013", "ocds-h7i0z4-240201550"]);
    assert_eq!(
        body["results"][0]["value"],
        json!({"amount": 4750000.0, "currency": "KGS"})
    );
    assert_eq!(body["results"][0]["buyer"]["id"], "KG-INN-02305199310123");
    // The method facet ignores its own filter: two open, one direct.
    assert_eq!(
        body["facets"]["procurementMethod"],
        json!([{"value": "open", "count": 2}, {"value": "direct", "count": 1}])
    );
}

#[tokio::test]
async fn a_process_comes_with_its_quality_notes_and_history() {
    let (app, _directory) = app().await;
    let (status, body) = get_json(&app, "/api/v1/tenders/ocds-h7i0z4-240115013").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["region"], "KG-C");
    assert_eq!(body["release"]["buyer"]["id"], "KG-INN-02305199310123");
    assert_eq!(body["releases"].as_array().unwrap().len(), 2);
    let mapped = body["quality"]
        .as_array()
        .unwrap()
        .iter()
        .find(|note| note["rule"] == "status_mapped")
        .unwrap();
    assert_eq!(mapped["path"], "/awards/1/status");
    assert_eq!(
        (mapped["before"].clone(), mapped["after"].clone()),
        (json!("disqualified"), json!("unsuccessful"))
    );
}

#[tokio::test]
async fn organisations_and_analytics_answer() {
    let (app, _directory) = app().await;
    let (_, body) = get_json(&app, "/api/v1/organisations/KG-INN-02305199310123").await;
    assert_eq!(body["name_ky"], "Москва районунун билим берүү башкармалыгы");
    assert_eq!(body["as_buyer"]["processes"], 2);
    assert_eq!(body["as_buyer"]["direct_processes"], 1);
    let (_, body) = get_json(&app, "/api/v1/analytics").await;
    let regions: Vec<(String, i64)> = body["by_region"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| {
            (
                group["key"].as_str().unwrap().to_string(),
                group["processes"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        regions,
        vec![("KG-C".to_string(), 2), ("KG-T".to_string(), 1)]
    );
}

#[tokio::test]
async fn errors_are_json_with_stable_codes_and_never_500_for_bad_input() {
    let (app, _directory) = app().await;
    let (status, body) = get_json(&app, "/api/v1/tenders?page=-3").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "bad_parameter");
    assert!(
        body["message"].as_str().unwrap().contains("page=\"-3\""),
        "{body}"
    );
    let (status, body) = get_json(&app, "/api/v1/tenders/ocds-h7i0z4-nothing").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (status, body) = get_json(&app, "/api/v1/organisations/KG-INN-0").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (status, body) = get_json(&app, "/api/v1/nothing/here").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    // The page says the same in the visitor's language, as HTML, with a 400.
    let (status, content_type, body, _) = get(&app, "/ru/tenders?year=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(content_type.unwrap().starts_with("text/html"));
    assert!(body.contains("<code>year = &#34;abc&#34;</code>"), "{body}");
}

#[tokio::test]
async fn searches_download_as_csv_and_as_ocds() {
    let (app, _directory) = app().await;
    let (status, content_type, csv, _) =
        get(&app, "/api/v1/tenders.csv?region=KG-C&sort=oldest").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "ocid,title,buyer_id,buyer_name,region,procurement_method,status,category,date,value_amount,value_currency,bids"
    );
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[2],
        "ocds-h7i0z4-240115013,Капитальный ремонт кровли школы № 3 с. Беловодское,KG-INN-02305199310123,Управление образования Московского района,KG-C,open,complete,works,2024-03-05T08:00:00+06:00,4750000,KGS,3"
    );
    let (status, _, jsonl, _) = get(
        &app,
        "/api/v1/tenders.jsonl?q=%D0%BA%D1%80%D0%BE%D0%B2%D0%BB%D0%B8",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let releases: Vec<Value> = jsonl
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(releases.len(), 1);
    assert_eq!(releases[0]["ocid"], "ocds-h7i0z4-240115013");
    assert_eq!(releases[0]["tag"], json!(["compiled"]));
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint_and_each_answers() {
    let (app, _directory) = app().await;
    let (status, document) = get_json(&app, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    assert_eq!(paths.len(), 7);
    for path in paths.keys() {
        let concrete = path
            .replace("{ocid}", "ocds-h7i0z4-240115013")
            .replace("{id}", "KG-INN-02305199310123");
        let (status, _, _, _) = get(&app, &concrete).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn a_search_can_be_followed_as_an_atom_feed() {
    let (app, _directory) = app().await;
    let (status, content_type, atom, _) = get(&app, "/api/v1/tenders.atom?region=KG-C").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.unwrap().starts_with("application/atom+xml"));
    // Newest first: the single-source purchase (2024-03-02) after the re-published works
    // tender (2024-03-05).
    let ids: Vec<&str> = atom
        .split("<id>urn:ocid:")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["ocds-h7i0z4-240115013", "ocds-h7i0z4-contract-based-77120"]
    );
    assert!(atom.contains("<updated>2024-03-05T08:00:00+06:00</updated>"));
    assert!(atom.contains("с. Беловодское</title>"));
}
