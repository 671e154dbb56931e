//! Infrastructure projects on the site: the demo's places fall in their own regions, and the
//! projects list, map and page show what the project package says, with the measures worked
//! out by hand.

use achyk_ocds::project::ProjectFacts;
use achyk_web::map::{project_region, region_at};

#[test]
fn every_generated_settlement_lies_in_its_own_region() {
    for (region, locality, point) in achyk_kg::generate::settlement_points() {
        let (longitude, latitude) = point.unwrap_or_else(|| panic!("{locality} has no point"));
        // Osh city is drawn inside Osh region; projects there are told apart by distance.
        let expected = if region == achyk_kg::regions::Region::Osh {
            achyk_kg::regions::Region::OshOblast
        } else {
            region
        };
        // The generator moves each project up to 0.015° from its settlement's point.
        for (dx, dy) in [
            (0.0, 0.0),
            (-1.0, -1.0),
            (-1.0, 1.0),
            (1.0, -1.0),
            (1.0, 1.0),
        ] {
            let (x, y) = (longitude + dx * 0.015, latitude + dy * 0.015);
            assert_eq!(region_at(x, y), Some(expected), "{locality} at {x}, {y}");
        }
    }
}

fn facts(points: &[(f64, f64)], places: &[&str]) -> ProjectFacts {
    let project = serde_json::json!({
        "id": "p",
        "locations": points.iter().zip(places.iter().chain(std::iter::repeat(&"")))
            .map(|((x, y), place)| serde_json::json!({
                "geometry": {"type": "Point", "coordinates": [x, y]},
                "address": {"region": place},
            }))
            .chain(places.iter().skip(points.len()).map(|place| serde_json::json!({
                "address": {"region": place},
            })))
            .collect::<Vec<_>>(),
    });
    ProjectFacts::read(&project).unwrap()
}

#[test]
fn a_projects_region_comes_from_its_point_then_its_place_names() {
    use achyk_kg::regions::Region;
    // Naryn town, as GeoJSON (longitude, latitude) and swapped.
    assert_eq!(
        project_region(&facts(&[(75.99, 41.43)], &[])),
        Some(Region::Naryn)
    );
    assert_eq!(
        project_region(&facts(&[(41.43, 75.99)], &[])),
        Some(Region::Naryn)
    );
    // The swapped point is given back the right way round, for the map; a point outside the
    // country is not a place at all.
    assert_eq!(
        achyk_web::map::project_place(&facts(&[(41.43, 75.99)], &[])),
        (Some(Region::Naryn), Some((75.99, 41.43)))
    );
    assert_eq!(
        achyk_web::map::project_place(&facts(&[(-0.11, 52.25)], &[])),
        (None, None)
    );
    // Osh city centre, and Aravan in Osh region 25 km west.
    assert_eq!(
        project_region(&facts(&[(72.80, 40.53)], &[])),
        Some(Region::Osh)
    );
    assert_eq!(
        project_region(&facts(&[(72.51, 40.51)], &[])),
        Some(Region::OshOblast)
    );
    // A point outside the country falls back to the address.
    assert_eq!(
        project_region(&facts(&[(-0.11, 52.25)], &["Таласская область"])),
        Some(Region::Talas)
    );
    assert_eq!(
        project_region(&facts(&[], &["Чүй облусу"])),
        Some(Region::Chuy)
    );
    assert_eq!(project_region(&facts(&[(-0.11, 52.25)], &[])), None);
}

const OCID: &str = "ocds-h7i0z4-contract-based-77120";

/// Two projects written for this test: a school roof in Naryn, open, over budget and paid
/// ahead of the work; a road in Aravan (Osh region), finished early within its budget.
fn package() -> String {
    serde_json::json!({
        "version": "0.9",
        "projects": [
            {
                "id": "kg-naryn-school-1",
                "title": "School roof in Naryn",
                "status": "implementation",
                "sector": ["education"],
                "type": "rehabilitation",
                "period": {"startDate": "2025-03-01T00:00:00+06:00", "endDate": "2026-06-30T00:00:00+06:00"},
                "locations": [{"id": "1", "description": "Naryn", "geometry": {"type": "Point", "coordinates": [75.99, 41.43]}}],
                "budget": {"amount": {"amount": 1_000_000, "currency": "KGS"}},
                "parties": [
                    {"id": "KG-INN-1", "name": "Naryn town hall", "roles": ["publicAuthority"]},
                    {"id": "KG-INN-2", "name": "Roofers LLC", "roles": ["supplier"]}
                ],
                "contractingProcesses": [{"id": "1", "summary": {
                    "ocid": OCID,
                    "title": "Roof works",
                    "tender": {"procurementMethod": "direct"},
                    "suppliers": [{"id": "KG-INN-2", "name": "Roofers LLC"}],
                    "contractValue": {"amount": 900_000, "currency": "KGS"},
                    "modifications": [{
                        "id": "m1", "date": "2025-09-01T00:00:00+06:00", "type": "value",
                        "description": "More roof than measured",
                        "rationale": "Rotten beams found",
                        "oldContractValue": {"amount": 900_000, "currency": "KGS"},
                        "newContractValue": {"amount": 1_200_000, "currency": "KGS"}
                    }],
                    "transactions": [{"id": "t1", "value": {"amount": 960_000, "currency": "KGS"}}]
                }}],
                "metrics": [{"id": "physicalProgress", "observations": [
                    {"id": "1", "measure": "40", "period": {"endDate": "2026-05-01T00:00:00+06:00"}}
                ]}]
            },
            {
                "id": "kg-osh-road",
                "title": "Road to Aravan",
                "status": "completion",
                "sector": ["transport.road"],
                "completionPeriod": {"endDate": "2024-10-01T00:00:00+06:00"},
                "completion": {"endDate": "2024-09-20T00:00:00+06:00", "finalValue": {"amount": 500_000, "currency": "KGS"}},
                "budget": {"amount": {"amount": 500_000, "currency": "KGS"}},
                "locations": [{"id": "1", "geometry": {"type": "Point", "coordinates": [72.51, 40.51]}}]
            }
        ]
    })
    .to_string()
}

mod common;

async fn site() -> (tempfile::TempDir, axum::Router) {
    let (directory, app, _) = site_with_store().await;
    (directory, app)
}

async fn site_with_store() -> (tempfile::TempDir, axum::Router, achyk_store::Store) {
    let directory = tempfile::tempdir().unwrap();
    let store = common::sample_store(directory.path())
        .await
        .with_project_regions(achyk_web::map::place_resolver());
    let report = store
        .import_publications(&[("projects.json", package().as_bytes())])
        .await
        .unwrap();
    assert_eq!(report.projects_new, 2);
    let secret = achyk_civic::receipt::ServerSecret::new(&[7u8; 32]).unwrap();
    let civic = achyk_web::reports::Civic::new(secret, None);
    let state = achyk_web::AppState::new(store.clone()).with_civic(civic);
    (directory, achyk_web::router(state), store)
}

async fn get(app: &axum::Router, path: &str) -> (axum::http::StatusCode, String) {
    use tower::ServiceExt;
    let response = app
        .clone()
        .oneshot(
            axum::http::Request::get(path)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

#[tokio::test]
async fn the_list_filters_by_region_sector_lateness_and_overrun_and_maps_each_project() {
    let (_directory, app) = site().await;
    let (status, all) = get(&app, "/en/projects").await;
    assert_eq!(status, 200);
    assert!(all.contains("2 projects found"), "{all}");
    // The Naryn school is late and 20 % over budget: a square; the road a circle.
    assert_eq!(
        all.matches("class=\"pt-alert\" data-count=\"1\"><title>School roof in Naryn")
            .count(),
        1
    );
    assert_eq!(
        all.matches("class=\"pt\" data-count=\"1\"><title>Road to Aravan")
            .count(),
        1
    );
    assert!(all.contains("20% over budget"), "{all}");
    for (query, school, road) in [
        ("region=KG-N", true, false),
        ("region=KG-O", false, true),
        ("sector=transport", false, true),
        ("late=1", true, false),
        ("over=10", true, false),
        ("over=25", false, false),
        ("q=aravan", false, true),
        ("status=completion", false, true),
    ] {
        let (status, page) = get(&app, &format!("/en/projects?{query}")).await;
        assert_eq!(status, 200, "{query}");
        assert_eq!(
            page.contains(">School roof in Naryn</a>"),
            school,
            "{query}"
        );
        assert_eq!(page.contains(">Road to Aravan</a>"), road, "{query}");
    }
    for bad in ["region=XX", "over=7", "sector=mining"] {
        assert_eq!(
            get(&app, &format!("/en/projects?{bad}")).await.0,
            400,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn a_project_page_says_what_where_who_how_much_and_how_late_with_its_numbers() {
    let (_directory, app) = site().await;
    let (status, page) = get(&app, "/en/projects/kg-naryn-school-1").await;
    assert_eq!(status, 200);
    // Value now: the modified contract, 1 200 000, against a budget of 1 000 000: +20 %.
    assert!(
        page.contains(
            "Budget 1,000,000\u{a0}som; it costs 1,200,000\u{a0}som now, 20% more than budgeted."
        ),
        "{page}"
    );
    assert!(page.contains("Education: Naryn, Naryn Region."), "{page}");
    assert!(page.contains("Public body responsible: Naryn town hall."));
    assert!(page.contains("Built by: Roofers LLC."));
    assert!(page.contains("It was to be finished by 2026-06-30 and is still not finished"));
    // Against the contract as signed: 1 200 000 / 900 000 − 1 = 33.3 %; all of it direct.
    assert!(page.contains("33.3%"), "{page}");
    assert!(page.contains("100%"));
    // Paid 960 000 of 1 200 000 = 80 %, built 40 %: 40 points ahead, past the 20-point bar.
    assert!(
        page.contains("80% of the contracts&#39; value was paid while 40% of the work was done."),
        "{page}"
    );
    assert!(page.contains("Rotten beams found"));
    assert!(
        page.contains("Naryn town hall <span class=\"meta\">(public authority)</span>"),
        "{page}"
    );
    assert!(
        page.contains("Roofers LLC <span class=\"meta\">(contractor)</span>"),
        "{page}"
    );
    assert!(
        page.contains(&format!("href=\"/en/tenders/{OCID}\"")),
        "the stored process is linked"
    );
    let (status, raw) = get(&app, "/en/projects/kg-naryn-school-1/oc4ids.json").await;
    assert_eq!(status, 200);
    let raw: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(raw["budget"]["amount"]["amount"], 1_000_000);

    let (_, road) = get(&app, "/ru/projects/kg-osh-road").await;
    assert!(
        road.contains("Должен был быть завершён к 2024-10-01, завершён 2024-09-20."),
        "{road}"
    );
    assert!(road.contains("в пределах бюджета"), "{road}");
    assert_eq!(get(&app, "/en/projects/no-such-project").await.0, 404);
}

/// The list with 2 500 projects found (the map draws them all, gathered by place) and a project
/// page weigh under 100 KB gzip-compressed with the stylesheet.
#[tokio::test]
async fn the_projects_pages_weigh_under_100_kb_compressed_with_a_full_map() {
    use std::io::Write;
    let settlements = achyk_kg::generate::settlement_points();
    let projects: Vec<serde_json::Value> = (0..2_500)
        .map(|n| {
            let (_, locality, point) = settlements[n % settlements.len()];
            let (x, y) = point.unwrap();
            let shift = (n / settlements.len()) as f64 * 0.0002;
            serde_json::json!({
                "id": format!("kg-weight-{n:05}"),
                "title": format!("Капитальный ремонт зданий — {locality} № {n}"),
                "status": if n % 3 == 0 { "completion" } else { "implementation" },
                "sector": ["education"],
                "period": {"endDate": "2026-01-31T00:00:00+06:00"},
                "budget": {"amount": {"amount": 1_000_000 + n, "currency": "KGS"}},
                "locations": [{"id": "1", "geometry": {"type": "Point", "coordinates": [x + shift, y - shift]}}],
                "contractingProcesses": [{"id": "1", "summary": {
                    "ocid": format!("ocds-weight-{n}"),
                    "contractValue": {"amount": 1_100_000 + n, "currency": "KGS"}
                }}]
            })
        })
        .collect();
    let package = serde_json::json!({"version": "0.9", "projects": projects}).to_string();
    let directory = tempfile::tempdir().unwrap();
    let store = common::sample_store(directory.path())
        .await
        .with_project_regions(achyk_web::map::place_resolver());
    store
        .import_publications(&[("weight.json", package.as_bytes())])
        .await
        .unwrap();
    // The same site with tiles: the list carries the tiled map's marks besides the SVG.
    let tiles = directory.path().join("tiles");
    std::fs::create_dir_all(tiles.join("5/22")).unwrap();
    std::fs::write(tiles.join("5/22/12.png"), b"png").unwrap();
    let tiled = achyk_web::router(
        achyk_web::AppState::new(store.clone())
            .with_tiles(achyk_web::tiles::Tiles::open(&tiles, None).unwrap()),
    );
    let app = achyk_web::router(achyk_web::AppState::new(store));
    let gzip = |text: &str| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(text.as_bytes()).unwrap();
        encoder.finish().unwrap().len()
    };
    let (_, stylesheet) = get(&app, "/static/site.css").await;
    for path in [
        "/ky/projects",
        "/ru/projects?status=implementation",
        "/en/projects/kg-weight-00007",
    ] {
        let (status, page) = get(&app, path).await;
        assert_eq!(status, 200, "{path}");
        let drawn = page.matches("<title>").count();
        let weight = gzip(&page) + gzip(&stylesheet);
        eprintln!("{path}: {weight} bytes compressed");
        assert!(
            weight < 100_000,
            "{path} weighs {weight} bytes compressed ({drawn} titles)"
        );
        if path == "/ky/projects" {
            // Every project found is on the map, in a mark that counts it.
            let counted: i64 = page
                .split("data-count=\"")
                .skip(1)
                .map(|rest| rest.split('"').next().unwrap().parse::<i64>().unwrap())
                .sum();
            assert_eq!(counted, 2_500);
        }
    }
    // With tiles, the list (its map drawn twice: the SVG and the tiled map's marks) still
    // weighs under 100 KB; Leaflet (about 45 KB compressed) is kept by the browser for a year.
    let (status, page) = get(&tiled, "/ky/projects").await;
    assert_eq!(status, 200);
    let weight = gzip(&page) + gzip(&stylesheet);
    eprintln!("/ky/projects with tiles: {weight} bytes compressed");
    assert!(weight < 100_000, "{weight} bytes compressed");
    let document = scraper::Html::parse_document(&page);
    let selector = scraper::Selector::parse("#tile-map").unwrap();
    let settings: serde_json::Value = serde_json::from_str(
        document
            .select(&selector)
            .next()
            .unwrap()
            .value()
            .attr("data-map")
            .unwrap(),
    )
    .unwrap();
    let found: i64 = settings["found"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cell| cell[2].as_i64().unwrap())
        .sum();
    assert_eq!(found, 2_500, "every project found is on the tiled map too");
    assert_eq!(settings["projects"].as_array().unwrap().len(), 25);
}

async fn post_visit(
    app: &axum::Router,
    path: &str,
    parts: &[achyk_test_support::multipart::Part<'_>],
) -> (axum::http::StatusCode, String) {
    use achyk_test_support::multipart::{body, content_type};
    use tower::ServiceExt;
    let request = axum::http::Request::post(path)
        .header(axum::http::header::CONTENT_TYPE, content_type())
        .body(axum::body::Body::from(body(parts)))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

/// A guided visit asks what fits the project's stage, becomes a report about the project's
/// process and region (whatever the visitor sends for those), keeps no photo metadata, and
/// counts in the project's visit results only once a moderator publishes it.
#[tokio::test]
async fn a_site_visit_becomes_a_report_and_counts_once_published() {
    use achyk_test_support::images::{assert_clean, jpeg_with_metadata, two_tone};
    use achyk_test_support::multipart::Part::{File, Text};
    let (_directory, app, store) = site_with_store().await;
    let (status, open) = get(&app, "/en/projects/kg-naryn-school-1/visit").await;
    assert_eq!(status, 200);
    assert!(open.contains("Is work going on at the site?"));
    assert!(!open.contains("Is it in use?"));
    let (_, finished) = get(&app, "/ky/projects/kg-osh-road/visit").await;
    assert!(finished.contains("Объект колдонулуп жатабы?"));
    assert!(!finished.contains("Объектте иш жүрүп жатабы?"));

    let path = "/en/projects/kg-naryn-school-1/visit";
    let answers = [
        Text("visited_on", "2026-11-20"),
        Text("work", "no"),
        Text("signboard", "missing"),
        Text("defects", "yes"),
    ];
    // An unanswered question, a day in the future, an answer not offered: refused, nothing kept.
    for (missing, bad) in [
        ("work", None),
        ("visited_on", Some(("visited_on", "2999-01-01"))),
        ("signboard", Some(("signboard", "maybe"))),
    ] {
        let mut parts: Vec<_> = answers
            .iter()
            .filter(|part| !matches!(part, Text(name, _) if *name == missing))
            .map(|part| match part {
                Text(name, value) => Text(name, value),
                File(name, bytes) => File(name, bytes),
            })
            .collect();
        if let Some((name, value)) = bad {
            parts.push(Text(name, value));
        }
        let (status, page) = post_visit(&app, path, &parts).await;
        assert_eq!(status, 400, "{missing}: {page}");
        assert!(page.contains("role=\"alert\""), "{page}");
    }
    assert!(
        store
            .reports_in_states(&["received"])
            .await
            .unwrap()
            .is_empty()
    );

    let photo = jpeg_with_metadata(&two_tone(64, 48), 6);
    let (status, receipt) = post_visit(
        &app,
        path,
        &[
            Text("visited_on", "2026-11-20"),
            Text("work", "no"),
            Text("signboard", "missing"),
            Text("defects", "yes"),
            Text("note", "Half the roof is bare"),
            // What the project decides, the visitor cannot change.
            Text("region", "KG-B"),
            File("photo", &photo),
        ],
    )
    .await;
    assert_eq!(status, 200, "{receipt}");
    let reports = store.reports_in_states(&["received"]).await.unwrap();
    assert_eq!(reports.len(), 1);
    let report = &reports[0];
    assert_eq!(report.category, "poor_quality");
    assert_eq!(report.ocid.as_deref(), Some(OCID));
    assert_eq!(report.region.as_deref(), Some("KG-N"));
    assert_eq!(report.place.as_deref(), Some("Naryn"));
    assert!(
        report.body.contains("Site visit on 2026-11-20."),
        "{}",
        report.body
    );
    assert!(
        report.body.contains("Is work going on at the site? No"),
        "{}",
        report.body
    );
    assert!(
        report
            .body
            .contains("Is there a signboard naming the contractor and the budget? No signboard")
    );
    assert!(report.body.contains("Half the roof is bare"));
    let photos = store.report_photos(report.id).await.unwrap();
    assert_eq!(photos.len(), 1);
    assert_clean(&store.photo(photos[0].id).await.unwrap().1);

    // Not published yet: the project page shows no visit.
    let (_, page) = get(&app, "/en/projects/kg-naryn-school-1").await;
    assert!(!page.contains("visit since"), "{page}");
    let actor = store
        .create_user(
            &achyk_store::NewUser {
                email: "m@example.kg".into(),
                password_hash: "x".into(),
                display_name: "M".into(),
                language: "en".into(),
                role: achyk_store::Role::Moderator,
            },
            1,
        )
        .await
        .unwrap();
    for (from, to) in [("received", "in_review"), ("in_review", "published")] {
        let change = achyk_store::ReportChange {
            state: Some(to.into()),
            public_text: Some(Some("Half the roof is bare".into())),
            published_on: Some("2026-11-21".into()),
            ..Default::default()
        };
        let by = achyk_store::Moderation {
            actor,
            action: to,
            reason: "test",
            at: 2,
        };
        store
            .moderate_report(report.id, from, by, &change)
            .await
            .unwrap();
    }
    let (_, page) = get(&app, "/en/projects/kg-naryn-school-1").await;
    assert!(
        page.contains("1 visit since 2026-11-20: work stopped on 1, signboard missing on 1, defects seen on 1."),
        "{page}"
    );
    // The visit's photo, published with it, shows on the project page.
    assert!(
        page.contains(&format!("/reports/photos/{}/small.jpg", photos[0].id)),
        "{page}"
    );
    assert!(page.contains("Half the roof is bare"));
}

/// The projects in the open-data API: search, one project with its measures (worked out by
/// hand above), CSV, an OC4IDS package that validates, and an Atom feed.
#[tokio::test]
async fn projects_are_open_data_as_json_csv_oc4ids_and_atom() {
    let (_directory, app) = site().await;
    let (status, body) = get(&app, "/api/v1/projects?late=1").await;
    assert_eq!(status, 200);
    let found: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(found["total"], 1);
    let school = &found["projects"][0];
    assert_eq!(school["id"], "kg-naryn-school-1");
    assert_eq!(school["region"], "KG-N");
    assert_eq!(school["point"], serde_json::json!([75.99, 41.43]));
    assert!((school["cost_overrun"].as_f64().unwrap() - 0.2).abs() < 1e-12);
    assert!(school["days_late"].as_i64().unwrap() > 0);

    let (status, body) = get(&app, "/api/v1/projects/kg-naryn-school-1").await;
    assert_eq!(status, 200);
    let one: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(one["project"]["title"], "School roof in Naryn");
    let measures = &one["measures"];
    let close = |name: &str, expected: f64| {
        let value = measures[name].as_f64().unwrap();
        assert!((value - expected).abs() < 1e-12, "{name}: {value}");
    };
    close("cost_over_budget", 0.2);
    close("cost_over_contracts", 300_000.0 / 900_000.0);
    close("non_competitive_share", 1.0);
    close("paid_share", 0.8);
    close("physical_progress", 0.4);
    close("payments_ahead_of_progress", 0.4);
    assert_eq!(measures["modifications"], 1);
    assert_eq!(one["visits"]["published"], 0);

    let (status, csv) = get(&app, "/api/v1/projects.csv").await;
    assert_eq!(status, 200);
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("id,title,status,sector,region,currency,budget,value_now,"));
    assert!(
        lines[1].starts_with(
            "kg-osh-road,Road to Aravan,completion,transport,KG-O,KGS,500000,500000,0,"
        ),
        "{csv}"
    );

    let (status, package) = get(&app, "/api/v1/projects.oc4ids.json?region=KG-N").await;
    assert_eq!(status, 200);
    let package: serde_json::Value = serde_json::from_str(&package).unwrap();
    let projects = package["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 1);
    assert_eq!(
        achyk_ocds::validate::validate_project(&projects[0]),
        Vec::new()
    );

    let (status, atom) = get(&app, "/api/v1/projects.atom").await;
    assert_eq!(status, 200);
    assert_eq!(atom.matches("<entry>").count(), 2);
    assert!(atom.contains("20.0% over budget"), "{atom}");

    let (status, body) = get(&app, "/api/v1/projects?over=7").await;
    assert_eq!(status, 400);
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["error"], "bad_parameter");
}

/// A monitor puts a project together from a stored process: the project is written as valid
/// OC4IDS with the process's values and where each came from; a citizen may not, an unknown
/// ocid is named, a form without its token is refused.
#[tokio::test]
async fn a_monitor_puts_a_project_together_from_stored_processes() {
    use tower::ServiceExt;
    let (_directory, app, store) = site_with_store().await;
    let (_, monitor) =
        common::signed_in(&store, "monitor@cso.kg", achyk_store::Role::Monitor).await;
    let (_, citizen) = common::signed_in(&store, "c@example.kg", achyk_store::Role::Citizen).await;
    let post = |token: String, form: String| {
        let app = app.clone();
        async move {
            let request = axum::http::Request::post("/en/projects/new")
                .header(axum::http::header::COOKIE, format!("achyk_session={token}"))
                .header(
                    axum::http::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(axum::body::Body::from(form))
                .unwrap();
            let response = app.oneshot(request).await.unwrap();
            let status = response.status();
            let location = response
                .headers()
                .get(axum::http::header::LOCATION)
                .map(|value| value.to_str().unwrap().to_owned());
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            (
                status,
                location,
                String::from_utf8_lossy(&bytes).into_owned(),
            )
        }
    };
    let csrf = achyk_web::auth::csrf_of(&monitor);
    let form = |ocids: &str, csrf: &str| {
        format!(
            "csrf={csrf}&title=Belovodskoe+school+roof&sector=education&kind=rehabilitation&region=KG-C&place=Belovodskoe&budget=2+000+000&planned_end=2026-08-31&ocids={}",
            achyk_web::query::encode(ocids)
        )
    };
    let (status, _, _) = post(
        citizen.clone(),
        form(OCID, &achyk_web::auth::csrf_of(&citizen)),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _, _) = post(monitor.clone(), form(OCID, "wrong")).await;
    assert_eq!(status.as_u16() / 100, 4);
    let (status, _, page) = post(
        monitor.clone(),
        form("ocds-nowhere-1\nocds-nowhere-2", &csrf),
    )
    .await;
    assert_eq!(status, 400);
    assert!(page.contains("ocds-nowhere-1, ocds-nowhere-2"), "{page}");

    let (status, location, _) = post(monitor.clone(), form(OCID, &csrf)).await;
    assert_eq!(status, 303);
    let location = location.unwrap();
    let id = location.trim_start_matches("/en/projects/").to_owned();
    let (row, data) = store.project(&id).await.unwrap();
    assert_eq!(row.source, "cso");
    assert_eq!(row.region.as_deref(), Some("KG-C"));
    assert_eq!(row.budget, Some(2_000_000.0));
    assert_eq!(achyk_ocds::validate::validate_project(&data), Vec::new());
    // The process's values, as the stored (normalised) release has them.
    let release: serde_json::Value = serde_json::from_str(
        &store
            .normalised_release(&achyk_store::Ocid::from(OCID))
            .await
            .unwrap()
            .json,
    )
    .unwrap();
    let summary = &data["contractingProcesses"][0]["summary"];
    assert_eq!(summary["ocid"], OCID);
    assert!(summary["contractValue"]["amount"].is_number(), "{summary}");
    assert_eq!(summary["contractValue"], release["contracts"][0]["value"]);
    assert_eq!(
        summary["tender"]["procurementMethod"],
        release["tender"]["procurementMethod"]
    );
    assert_eq!(
        data["achykSources"]["/contractingProcesses/0/summary/contractValue"],
        format!("{OCID}: contracts/0/value")
    );
    assert_eq!(data["achykSources"]["/budget"], "monitor");
    let (status, page) = get(&app, &location).await;
    assert_eq!(status, 200);
    assert!(page.contains("Put together in Achyk by a civil-society monitor"));
    assert!(page.contains("entered by the monitor who put the project together"));
    assert!(page.contains(&format!("{OCID}: contracts/0/value")));
}

/// Following a project: a new version and a newly published site visit are told once each;
/// its lateness, known when the follow began, is not told again.
#[tokio::test]
async fn a_followed_project_tells_of_a_new_version_and_a_published_visit() {
    use tower::ServiceExt;
    let (_directory, app, store) = site_with_store().await;
    let (user, token) = common::signed_in(&store, "f@example.kg", achyk_store::Role::Citizen).await;
    let csrf = achyk_web::auth::csrf_of(&token);
    let request = axum::http::Request::post("/en/follow")
        .header(axum::http::header::COOKIE, format!("achyk_session={token}"))
        .header(
            axum::http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(axum::body::Body::from(format!(
            "csrf={csrf}&kind=project&target=kg-naryn-school-1&back=/en/projects/kg-naryn-school-1"
        )))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 303);
    let follows = store.follows_of(user).await.unwrap();
    assert_eq!(follows.len(), 1);
    assert_eq!(follows[0].kind, "project");

    let state = achyk_web::AppState::new(store.clone());
    let run = achyk_web::alerts::run(&state).await.unwrap();
    assert_eq!(run.notifications, 0, "nothing new yet, lateness included");

    // A new version (a second payment) and a visit, published.
    let mut package: serde_json::Value = serde_json::from_str(&package()).unwrap();
    package["projects"][0]["contractingProcesses"][0]["summary"]["transactions"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"id": "t2", "value": {"amount": 100_000, "currency": "KGS"}}));
    // Received in a later second than the first version.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let report = store
        .import_publications(&[("again.json", package.to_string().as_bytes())])
        .await
        .unwrap();
    assert_eq!(report.projects_changed, 1);
    let id = store
        .create_report(&achyk_store::NewReport {
            receipt_hash: "visit".into(),
            category: "other".into(),
            body: "visit".into(),
            disclosure: "anonymous".into(),
            received_on: "2026-11-20".into(),
            visit: Some(achyk_store::NewVisit {
                project_id: "kg-naryn-school-1".into(),
                visited_on: "2026-11-20".into(),
                signboard: Some("complete".into()),
                defects: Some("no".into()),
                work: Some("yes".into()),
                in_use: None,
            }),
            ..Default::default()
        })
        .await
        .unwrap();
    let (moderator, _) =
        common::signed_in(&store, "m@example.kg", achyk_store::Role::Moderator).await;
    for (from, to) in [("received", "in_review"), ("in_review", "published")] {
        let change = achyk_store::ReportChange {
            state: Some(to.into()),
            public_text: Some(Some("visit".into())),
            published_on: Some("2026-11-21".into()),
            ..Default::default()
        };
        let by = achyk_store::Moderation {
            actor: moderator,
            action: to,
            reason: "test",
            at: 2,
        };
        store.moderate_report(id, from, by, &change).await.unwrap();
    }
    let run = achyk_web::alerts::run(&state).await.unwrap();
    assert_eq!(run.notifications, 2);
    let titles: Vec<String> = store
        .notifications_of(user, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|notification| notification.title)
        .collect();
    assert!(
        titles
            .iter()
            .any(|title| title.contains("School roof in Naryn") && title.contains("изменился")),
        "{titles:?}"
    );
    assert!(
        titles
            .iter()
            .any(|title| title.contains("Новое посещение объекта")),
        "{titles:?}"
    );
    assert_eq!(
        achyk_web::alerts::run(&state).await.unwrap().notifications,
        0
    );
}
