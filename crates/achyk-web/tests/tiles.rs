//! The optional tiled map: without tiles the projects page is script-free as ever; with them
//! the site serves the tiles itself (strictly by number, nothing else under the folder or
//! beside it), the projects list loads the vendored Leaflet and the map's script from this site
//! only, with a policy that allows exactly that.

mod common;

use std::path::Path;

use achyk_web::tiles::Tiles;
use achyk_web::{AppState, router};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use tower::ServiceExt;

/// The policy of every page, as the operators' guide states it.
const POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
                      form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
/// The same with scripts from this site, for the page with the tiled map.
const MAP_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                          img-src 'self' data:; form-action 'self'; base-uri 'none'; \
                          frame-ancestors 'none'";

/// Three projects with a point in Kyrgyzstan (one late and over budget), one whose point is in
/// England, one without a point.
fn package() -> String {
    let project = |id: &str, title: &str, point: Option<[f64; 2]>, value: u32| {
        let mut project = serde_json::json!({
            "id": id,
            "title": title,
            "status": "implementation",
            "sector": ["education"],
            "period": {"endDate": "2099-12-31T00:00:00+06:00"},
            "budget": {"amount": {"amount": 1_000_000, "currency": "KGS"}},
            "completion": {"finalValue": {"amount": value, "currency": "KGS"}},
            "locations": [{"id": "1", "description": "Naryn"}],
        });
        if let Some(point) = point {
            project["locations"][0]["geometry"] =
                serde_json::json!({"type": "Point", "coordinates": point});
        }
        project
    };
    serde_json::json!({"version": "0.9", "projects": [
        project("kg-a", "A school in Naryn", Some([75.99, 41.43]), 1_300_000),
        project("kg-b", "B road in Talas", Some([72.23, 42.52]), 900_000),
        project("kg-c", "C clinic in Osh", Some([72.80, 40.53]), 1_000_000),
        project("kg-d", "D bridge abroad", Some([-0.11, 52.25]), 1_000_000),
        project("kg-e", "E pipe somewhere", None, 1_000_000),
    ]})
    .to_string()
}

async fn store(directory: &Path) -> achyk_store::Store {
    let store = common::sample_store(directory)
        .await
        .with_project_regions(achyk_web::map::place_resolver());
    store
        .import_publications(&[("projects.json", package().as_bytes())])
        .await
        .unwrap();
    store
}

/// A tile folder with two tiles at zoom 5 over Kyrgyzstan and an empty zoom 6, and a file
/// beside the folder that must never be served.
fn tile_folder(directory: &Path) -> (std::path::PathBuf, Vec<u8>) {
    let tiles = directory.join("tiles");
    let png = achyk_test_support::images::plain_png(&achyk_test_support::images::two_tone(4, 4));
    for (x, y) in [(22, 12), (23, 11)] {
        std::fs::create_dir_all(tiles.join(format!("5/{x}"))).unwrap();
        std::fs::write(tiles.join(format!("5/{x}/{y}.png")), &png).unwrap();
    }
    std::fs::create_dir_all(tiles.join("6")).unwrap();
    std::fs::write(tiles.join("metadata.json"), "{}").unwrap();
    std::fs::create_dir_all(directory.join("outside/1")).unwrap();
    std::fs::write(directory.join("outside/1/1.png"), b"secret").unwrap();
    std::fs::write(directory.join("1.png"), b"secret").unwrap();
    (tiles, png)
}

async fn get(app: &axum::Router, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let response = app
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    (parts.status, parts.headers, bytes.to_vec())
}

fn header_of(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(&name)
        .map(|value| value.to_str().unwrap())
        .unwrap_or_default()
}

/// The values of `attribute` on the elements `css` selects.
fn attributes(page: &str, css: &str, attribute: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(page);
    let selector = scraper::Selector::parse(css).unwrap();
    document
        .select(&selector)
        .filter_map(|element| element.value().attr(attribute).map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn without_tiles_the_projects_page_has_no_script_and_no_tiles_are_served() {
    let directory = tempfile::tempdir().unwrap();
    let (_, _) = tile_folder(directory.path());
    let app = router(AppState::new(store(directory.path()).await));
    for path in [
        "/en/projects",
        "/ky/projects?region=KG-N",
        "/en/projects/kg-a",
    ] {
        let (status, headers, body) = get(&app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let page = String::from_utf8(body).unwrap();
        assert!(!page.contains("<script"), "{path}");
        assert!(!page.contains("leaflet"), "{path}");
        assert!(!page.contains("tile-map"), "{path}");
        assert_eq!(
            header_of(&headers, header::CONTENT_SECURITY_POLICY),
            POLICY,
            "{path}"
        );
    }
    let (status, _, _) = get(&app, "/tiles/5/22/12.png").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn with_tiles_the_projects_list_loads_the_map_from_this_site_only() {
    let directory = tempfile::tempdir().unwrap();
    let (tiles, _) = tile_folder(directory.path());
    let tiles = Tiles::open(&tiles, Some("© OpenStreetMap contributors".into())).unwrap();
    assert_eq!(tiles.zooms(), (5, 6));
    assert_eq!(tiles.url_template(), "/tiles/{z}/{x}/{y}.png");
    let app = router(AppState::new(store(directory.path()).await).with_tiles(tiles));

    let (status, headers, body) = get(&app, "/en/projects").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header_of(&headers, header::CONTENT_SECURITY_POLICY),
        MAP_POLICY
    );
    let page = String::from_utf8(body).unwrap();
    let scripts = attributes(&page, "script", "src");
    assert_eq!(scripts.len(), 2, "{scripts:?}");
    assert_eq!(scripts[0], "/static/leaflet/1.9.4/leaflet.js");
    assert!(
        scripts[1].starts_with("/static/map/projects-map-") && scripts[1].ends_with(".js"),
        "{scripts:?}"
    );
    // No inline script: every script element names its file (and has nothing inside).
    assert_eq!(page.matches("<script").count(), 2);
    assert_eq!(page.matches("></script>").count(), 2);
    assert_eq!(
        attributes(&page, "link[rel=stylesheet]", "href"),
        ["/static/leaflet/1.9.4/leaflet.css", "/static/site.css"]
    );
    // Nothing the page names is on another host: paths on this site, or places in the page.
    for attribute in ["src", "href"] {
        for value in attributes(&page, &format!("[{attribute}]"), attribute) {
            assert!(
                (value.starts_with('/') && !value.starts_with("//")) || value.starts_with('#'),
                "{attribute}={value}"
            );
        }
    }
    // The map element: named for screen readers, hidden until the script draws it, the SVG
    // map still in the page as the fallback, and the tiles' credit in the page's language.
    assert_eq!(
        attributes(&page, "#tile-map[hidden][role=region]", "aria-label"),
        [
            "Interactive map of Kyrgyzstan with the projects found; the list below has the same projects"
        ]
    );
    assert_eq!(attributes(&page, ".map-fallback svg.map", "role"), ["img"]);
    assert!(
        page.contains(
            "<p class=\"tile-credit tiles-only\" hidden>Map tiles: © OpenStreetMap contributors</p>"
        ),
        "{page}"
    );
    let settings: serde_json::Value =
        serde_json::from_str(&attributes(&page, "#tile-map", "data-map")[0]).unwrap();
    assert_eq!(settings["tiles"], "/tiles/{z}/{x}/{y}.png");
    assert_eq!(settings["zooms"], serde_json::json!([5, 6]));
    assert_eq!(
        settings["bounds"],
        serde_json::json!([[39.1, 69.2], [43.3, 80.3]])
    );
    assert_eq!(settings["zoomIn"], "Zoom in");
    // The listed projects with a point in the country, by title: A is 30 % over budget.
    assert_eq!(
        settings["projects"],
        serde_json::json!([
            [75.99, 41.43, 1, "A school in Naryn", "/en/projects/kg-a"],
            [72.23, 42.52, 0, "B road in Talas", "/en/projects/kg-b"],
            [72.8, 40.53, 0, "C clinic in Osh", "/en/projects/kg-c"],
        ])
    );
    // Every project found with a region, one cell each here.
    let mut found = settings["found"].as_array().unwrap().clone();
    found.sort_by(|a, b| a[0].as_f64().partial_cmp(&b[0].as_f64()).unwrap());
    assert_eq!(
        found,
        [
            serde_json::json!([72.23, 42.52, 1, 0]),
            serde_json::json!([72.8, 40.53, 1, 0]),
            serde_json::json!([75.99, 41.43, 1, 1]),
        ]
    );
    let (_, _, ky) = get(&app, "/ky/projects").await;
    assert!(
        String::from_utf8(ky)
            .unwrap()
            .contains("Картанын негизи: © OpenStreetMap contributors"),
    );

    // The files it loads, from the binary, kept for good.
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    for (path, file, content_type) in [
        (
            scripts[0].as_str(),
            "leaflet/leaflet.js",
            "text/javascript; charset=utf-8",
        ),
        (
            "/static/leaflet/1.9.4/leaflet.css",
            "leaflet/leaflet.css",
            "text/css; charset=utf-8",
        ),
        (
            scripts[1].as_str(),
            "projects-map.js",
            "text/javascript; charset=utf-8",
        ),
    ] {
        let (status, headers, body) = get(&app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(body, std::fs::read(assets.join(file)).unwrap(), "{path}");
        assert_eq!(header_of(&headers, header::CONTENT_TYPE), content_type);
        assert_eq!(
            header_of(&headers, header::CACHE_CONTROL),
            "public, max-age=31536000, immutable",
            "{path}"
        );
        assert_eq!(
            header_of(&headers, header::X_CONTENT_TYPE_OPTIONS),
            "nosniff"
        );
    }
    for stale in [
        "/static/map/projects-map-000000000000.js",
        "/static/map/leaflet.js",
        "/static/leaflet/1.9.3/leaflet.js",
    ] {
        assert_eq!(get(&app, stale).await.0, StatusCode::NOT_FOUND, "{stale}");
    }

    // Pages without the map stay as they were.
    for path in ["/en/tenders", "/en/projects/kg-a", "/en/analytics"] {
        let (status, headers, body) = get(&app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            !String::from_utf8(body).unwrap().contains("<script"),
            "{path}"
        );
        assert_eq!(
            header_of(&headers, header::CONTENT_SECURITY_POLICY),
            POLICY,
            "{path}"
        );
    }
}

#[tokio::test]
async fn tiles_are_served_by_number_and_nothing_else_is() {
    let directory = tempfile::tempdir().unwrap();
    let (tiles, png) = tile_folder(directory.path());
    let app = router(
        AppState::new(store(directory.path()).await).with_tiles(Tiles::open(&tiles, None).unwrap()),
    );
    for path in ["/tiles/5/22/12.png", "/tiles/5/23/11.png"] {
        let (status, headers, body) = get(&app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(body, png, "{path}");
        assert_eq!(header_of(&headers, header::CONTENT_TYPE), "image/png");
        assert_eq!(
            header_of(&headers, header::CACHE_CONTROL),
            "public, max-age=2592000"
        );
    }
    for path in [
        // Missing tiles.
        "/tiles/5/22/11.png",
        "/tiles/6/44/24.png",
        "/tiles/0/0/0.png",
        // Not numbers, out of range, another spelling of a tile, another format.
        "/tiles/5/a/1.png",
        "/tiles/99/1/1.png",
        "/tiles/23/0/0.png",
        "/tiles/5/32/1.png",
        "/tiles/5/22/32.png",
        "/tiles/5/-1/12.png",
        "/tiles/05/22/12.png",
        "/tiles/5/022/12.png",
        "/tiles/5/22/012.png",
        "/tiles/5/22/12.jpg",
        "/tiles/5/22/12",
        "/tiles/5/22/12.png.png",
        "/tiles/5/22/+12.png",
        // Ways out of the folder.
        "/tiles/../x",
        "/tiles/../1.png",
        "/tiles/%2e%2e/outside/1/1.png",
        "/tiles/%2E%2E/1/1.png",
        "/tiles/%2e%2e/outside%2f1/1.png",
        "/tiles/5/%2e%2e/1.png",
        "/tiles/5/..%2f..%2foutside%2f1/1.png",
        "/tiles/5/22/..%2f..%2f..%2f1.png",
        "/tiles/5/22/%2e%2e%2f%2e%2e%2f%2e%2e%2f1.png",
        "/tiles/%2f/1/1.png",
        "/tiles/metadata.json",
        "/tiles/5/22/12.png/",
    ] {
        let (status, _, body) = get(&app, path).await;
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST,
            "{path}: {status}"
        );
        assert_ne!(body, b"secret", "{path}");
        assert_ne!(body, png, "{path}");
    }
}

#[test]
fn a_tile_folder_is_read_for_its_zoom_levels_and_format() {
    let directory = tempfile::tempdir().unwrap();
    let root = directory.path();
    // Nothing there, or no tiles in it: refused with the reason.
    let error = Tiles::open(root.join("missing"), None).unwrap_err();
    assert!(error.to_string().starts_with("cannot read "), "{error}");
    std::fs::create_dir_all(root.join("empty/7/80")).unwrap();
    let error = Tiles::open(root.join("empty"), None).unwrap_err();
    assert!(error.to_string().contains("holds no tiles"), "{error}");
    // JPEG tiles from zoom 6 to 9 (folders beyond 22 are not zoom levels), credited.
    for folder in ["jpeg/6/44", "jpeg/9/360", "jpeg/30/1", "jpeg/tmp"] {
        std::fs::create_dir_all(root.join(folder)).unwrap();
    }
    std::fs::write(root.join("jpeg/6/44/24.jpg"), b"jpeg").unwrap();
    let tiles = Tiles::open(root.join("jpeg"), Some("  Made by us  ".into())).unwrap();
    assert_eq!(tiles.zooms(), (6, 9));
    assert_eq!(tiles.extension(), "jpg");
    assert_eq!(tiles.url_template(), "/tiles/{z}/{x}/{y}.jpg");
    assert_eq!(tiles.attribution(), Some("Made by us"));
    let tiles = Tiles::open(root.join("jpeg"), Some(" ".into())).unwrap();
    assert_eq!(tiles.attribution(), None);
}

#[tokio::test]
async fn a_jpeg_tile_is_sent_as_jpeg() {
    let directory = tempfile::tempdir().unwrap();
    let tiles = directory.path().join("tiles");
    std::fs::create_dir_all(tiles.join("6/44")).unwrap();
    std::fs::write(tiles.join("6/44/24.jpg"), b"\xff\xd8jpeg").unwrap();
    let store = common::sample_store(directory.path()).await;
    let app = router(AppState::new(store).with_tiles(Tiles::open(&tiles, None).unwrap()));
    let (status, headers, body) = get(&app, "/tiles/6/44/24.jpg").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header_of(&headers, header::CONTENT_TYPE), "image/jpeg");
    assert_eq!(body, b"\xff\xd8jpeg");
    assert_eq!(
        get(&app, "/tiles/6/44/24.png").await.0,
        StatusCode::NOT_FOUND
    );
}
