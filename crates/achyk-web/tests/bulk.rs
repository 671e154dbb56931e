//! The bulk files: written from the feed sample a year at a time, listed in `index.json`, served
//! byte for byte under `/bulk/` and listed on the developers' page. Expected contents come from
//! the sample's input; sizes and digests are checked with the system's `sha256sum`.

mod common;

use std::io::Read;
use std::path::Path;

use achyk_web::bulk::{Index, write};
use achyk_web::{AppState, router};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

fn gunzip(path: &Path) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    text
}

async fn get(
    app: &axum::Router,
    path: &str,
    gzip: bool,
) -> (StatusCode, Vec<(String, String)>, Vec<u8>) {
    let mut request = Request::builder().uri(path);
    if gzip {
        request = request.header(header::ACCEPT_ENCODING, "gzip");
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("").to_string()))
        .collect();
    let body = axum::body::to_bytes(response.into_body(), 100 << 20)
        .await
        .unwrap();
    (status, headers, body.to_vec())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

#[tokio::test]
async fn bulk_files_hold_each_year_and_are_served_as_written() {
    let directory = tempfile::tempdir().unwrap();
    let store = common::sample_store(directory.path()).await;
    let bulk = directory.path().join("bulk");
    // Leftovers of an earlier, interrupted run and a year no longer in the data.
    std::fs::create_dir_all(&bulk).unwrap();
    std::fs::write(bulk.join(".achyk-2024.csv.gz.partial"), b"half a file").unwrap();
    std::fs::write(bulk.join("achyk-1999.csv.gz"), b"old").unwrap();
    std::fs::write(bulk.join("notes.txt"), b"the operator's own file").unwrap();

    let mut told = Vec::new();
    let index = write(&store, &bulk, |year| told.push(year.year))
        .await
        .unwrap();
    // The sample: three processes, all published in 2024 (page 1: 15 January, 1 February,
    // 2 March; page 2 republishes the first on 5 March).
    assert_eq!(told, vec![Some(2024)]);
    assert_eq!(index.years.len(), 1);
    assert_eq!(index.years[0].processes, 3);
    assert_eq!(Index::read(&bulk).unwrap(), index);
    let mut names: Vec<String> = std::fs::read_dir(&bulk)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "achyk-2024.csv.gz",
            "achyk-2024.jsonl.gz",
            "achyk-2024.xlsx",
            "index.json",
            "notes.txt"
        ]
    );

    let jsonl = gunzip(&bulk.join("achyk-2024.jsonl.gz"));
    let ocids: Vec<String> = jsonl
        .lines()
        .map(|line| {
            let release: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(release["tag"], serde_json::json!(["compiled"]));
            release["ocid"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(
        ocids,
        [
            "ocds-h7i0z4-240115013",
            "ocds-h7i0z4-240201550",
            "ocds-h7i0z4-contract-based-77120"
        ]
    );
    let csv = gunzip(&bulk.join("achyk-2024.csv.gz"));
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], achyk_web::tabular::COLUMNS.join(","));
    assert_eq!(lines.len(), 4);
    assert!(lines[1].starts_with("ocds-h7i0z4-240115013,Капитальный ремонт кровли"));

    // Sizes and digests as the system's own tools see them.
    for file in &index.years[0].files {
        let path = bulk.join(&file.name);
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            file.bytes,
            "{}",
            file.name
        );
        let output = std::process::Command::new("sha256sum")
            .arg(&path)
            .output()
            .unwrap();
        let digest = String::from_utf8(output.stdout).unwrap();
        assert_eq!(digest.split_whitespace().next(), Some(file.sha256.as_str()));
    }

    // Served byte for byte, not compressed twice, with the digest as the entity tag.
    let app = router(AppState::new(store).with_bulk(&bulk));
    for file in &index.years[0].files {
        let (status, headers, body) = get(&app, &format!("/bulk/{}", file.name), true).await;
        assert_eq!(status, StatusCode::OK, "{}", file.name);
        assert_eq!(header(&headers, "content-encoding"), None, "{}", file.name);
        assert_eq!(
            header(&headers, "etag"),
            Some(format!("\"{}\"", file.sha256).as_str())
        );
        assert_eq!(body, std::fs::read(bulk.join(&file.name)).unwrap());
    }
    let (status, _, body) = get(&app, "/bulk/index.json", false).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(serde_json::from_slice::<Index>(&body).unwrap(), index);
    // Nothing else in the folder or beside it can be reached.
    for path in [
        "/bulk/notes.txt",
        "/bulk/..%2Fsample.db",
        "/bulk/%2E%2E%2Fsample.db",
        "/bulk/achyk-1999.csv.gz",
        "/bulk/",
    ] {
        let (status, _, _) = get(&app, path, false).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }

    // The developers' page links every file, in each language.
    for lang in ["ky", "ru", "en"] {
        let (status, _, page) = get(&app, &format!("/{lang}/developers"), false).await;
        assert_eq!(status, StatusCode::OK);
        let page = String::from_utf8(page).unwrap();
        for file in &index.years[0].files {
            assert!(
                page.contains(&format!("href=\"/bulk/{}\"", file.name)),
                "{lang}: {}",
                file.name
            );
        }
    }
}

#[tokio::test]
async fn without_bulk_files_the_server_says_so_and_serves_none() {
    let directory = tempfile::tempdir().unwrap();
    let store = common::sample_store(directory.path()).await;
    let app = router(AppState::new(store));
    let (status, _, _) = get(&app, "/bulk/index.json", false).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, _, page) = get(&app, "/en/developers", false).await;
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains("does not publish bulk files yet"));
    assert!(!page.contains("href=\"/bulk/"));
}
