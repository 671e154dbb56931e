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

/// Status, content type, body as text, and the `Access-Control-Allow-Origin` header.
async fn get(
    app: &axum::Router,
    path: &str,
) -> (StatusCode, Option<String>, String, Option<String>) {
    let (status, headers, body) = get_raw(app, path).await;
    (
        status,
        headers.get(header::CONTENT_TYPE).map(header_text),
        String::from_utf8(body).unwrap(),
        headers
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .map(header_text),
    )
}

fn header_text(value: &axum::http::HeaderValue) -> String {
    value.to_str().unwrap().to_string()
}

async fn get_raw(app: &axum::Router, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = app
        .clone()
        .oneshot(Request::builder().uri(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, 10 << 20).await.unwrap();
    (parts.status, parts.headers, body.to_vec())
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
    // Both Chüy processes went to one supplier (two awards); Talas awarded nothing yet.
    let awards: Vec<(i64, i64, i64)> = body["by_region"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| {
            (
                group["awards"].as_i64().unwrap(),
                group["top_three_supplier_awards"].as_i64().unwrap(),
                group["flagged_processes"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(awards, vec![(2, 2, 0), (0, 0, 0)]);
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
    for flag in ["R3", "r003", "R0033", "all"] {
        let (status, body) = get_json(&app, &format!("/api/v1/tenders?flag={flag}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{flag}");
        assert!(
            body["message"].as_str().unwrap().contains("flag="),
            "{body}"
        );
    }
    // Without a flag run nothing is flagged, and the facet is empty.
    let (status, body) = get_json(&app, "/api/v1/tenders?flag=R003").await;
    assert_eq!((status, body["total"].as_i64()), (StatusCode::OK, Some(0)));
    assert_eq!(body["facets"]["redFlag"], serde_json::json!([]));
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
    assert_eq!(paths.len(), 15);
    for path in paths.keys() {
        let concrete = path
            .replace("{ocid}", "ocds-h7i0z4-240115013")
            .replace("{id}", "KG-INN-02305199310123");
        let (status, _, body) = get_bytes(&app, &concrete).await;
        if path == "/api/v1/projects/{id}" {
            // This database has no projects (tests/projects.rs serves one): a JSON 404.
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            let error: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(error["error"], "not_found");
        } else {
            assert_eq!(status, StatusCode::OK, "{path}");
        }
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

/// Status, `Content-Disposition` and body as bytes.
async fn get_bytes(app: &axum::Router, path: &str) -> (StatusCode, String, Vec<u8>) {
    let (status, headers, body) = get_raw(app, path).await;
    let disposition = headers
        .get(header::CONTENT_DISPOSITION)
        .map(header_text)
        .unwrap_or_default();
    (status, disposition, body)
}

/// The cells of an XLSX file's first sheet as openpyxl (an independent reader) sees them: one
/// JSON array per row, numbers as numbers. `None` (skipped) when openpyxl is missing outside CI.
fn read_xlsx_with_openpyxl(bytes: &[u8]) -> Option<Vec<Vec<Value>>> {
    let found = std::process::Command::new("python3")
        .args(["-c", "import openpyxl"])
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "openpyxl (pip install openpyxl) must be installed under CI"
        );
        eprintln!("SKIPPED: openpyxl is not installed");
        return None;
    }
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("tenders.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let output = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import json, sys, openpyxl\n\
             book = openpyxl.load_workbook(sys.argv[1])\n\
             sheet = book.worksheets[0]\n\
             print(json.dumps({'name': sheet.title, 'frozen': sheet.freeze_panes, \
             'rows': [list(row) for row in sheet.iter_rows(values_only=True)]}))",
        )
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let read: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(read["name"], "tenders");
    assert_eq!(read["frozen"], "A2", "the header row stays in view");
    Some(serde_json::from_value(read["rows"].clone()).unwrap())
}

#[tokio::test]
async fn a_search_downloads_as_a_spreadsheet_with_numbers_as_numbers() {
    let (app, _directory) = app().await;
    let (status, disposition, bytes) =
        get_bytes(&app, "/api/v1/tenders.xlsx?region=KG-C&sort=oldest").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(disposition, "attachment; filename=\"tenders.xlsx\"");
    let Some(rows) = read_xlsx_with_openpyxl(&bytes) else {
        return;
    };
    assert_eq!(rows.len(), 3, "a header and the two processes in Chüy");
    assert_eq!(
        rows[0],
        [
            "ocid",
            "title",
            "buyer_id",
            "buyer_name",
            "region",
            "procurement_method",
            "status",
            "category",
            "date",
            "value_amount",
            "value_currency",
            "bids"
        ]
        .map(Value::from)
    );
    // The sample's page 2 release of ocds-h7i0z4-240115013: 4,750,000 som, three bids.
    assert_eq!(
        rows[2],
        vec![
            json!("ocds-h7i0z4-240115013"),
            json!("Капитальный ремонт кровли школы № 3 с. Беловодское"),
            json!("KG-INN-02305199310123"),
            json!("Управление образования Московского района"),
            json!("KG-C"),
            json!("open"),
            json!("complete"),
            json!("works"),
            json!("2024-03-05T08:00:00+06:00"),
            json!(4750000),
            json!("KGS"),
            json!(3),
        ]
    );
    let (status, _, _) = get_bytes(&app, "/api/v1/tenders.xlsx?page=-3").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_search_downloads_as_a_record_package_whose_compilation_matches_the_reference() {
    let (app, _directory) = app().await;
    let (status, disposition, bytes) = get_bytes(
        &app,
        "/api/v1/tenders.records.json?q=%D0%BA%D1%80%D0%BE%D0%B2%D0%BB%D0%B8",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(disposition, "attachment; filename=\"tenders.records.json\"");
    let package: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(package["version"], "1.1");
    // The sample's pages declare these three extensions.
    let extensions: Vec<&str> = package["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|url| url.as_str().unwrap())
        .collect();
    assert_eq!(extensions.len(), 3);
    for name in ["lots", "enquiry", "bid"] {
        assert!(
            extensions
                .iter()
                .any(|url| url.contains(&format!("ocds_{name}_extension"))),
            "{name}"
        );
    }
    let records = package["records"].as_array().unwrap();
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(record["ocid"], "ocds-h7i0z4-240115013");
    // Page 1 published it on 15 January, page 2 again on 5 March: both releases, as received.
    let feed =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../achyk-kg/tests/fixtures/feed");
    let received: Vec<Value> = ["page-1.json", "page-2.json"]
        .iter()
        .flat_map(|page| {
            let package: Value =
                serde_json::from_slice(&std::fs::read(feed.join(page)).unwrap()).unwrap();
            package["releases"].as_array().unwrap().clone()
        })
        .filter(|release| release["ocid"] == "ocds-h7i0z4-240115013")
        .collect();
    assert_eq!(record["releases"].as_array().unwrap(), &received);
    // OCP's reference, run on the same releases, compiles the same release.
    if !achyk_test_support::reference_available() {
        return;
    }
    let directory = tempfile::tempdir().unwrap();
    let (_, schema) =
        achyk_test_support::reference_schema(directory.path(), &["lots", "bid", "enquiry"]);
    let input = json!({
        "uri": "https://example.org/sample",
        "version": "1.1",
        "publishedDate": "2024-03-05T08:00:00+06:00",
        "publisher": {"name": "sample"},
        "releases": received,
    });
    let reference =
        achyk_test_support::ocdskit_compile(input.to_string().as_bytes(), &schema, false);
    assert_eq!(reference.len(), 1);
    assert_eq!(record["compiledRelease"], reference[0]);
}
