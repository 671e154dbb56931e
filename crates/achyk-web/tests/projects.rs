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
    let directory = tempfile::tempdir().unwrap();
    let store = common::sample_store(directory.path())
        .await
        .with_project_regions(std::sync::Arc::new(|facts| {
            project_region(facts).map(|region| region.iso_code().to_owned())
        }));
    let report = store
        .import_publications(&[("projects.json", package().as_bytes())])
        .await
        .unwrap();
    assert_eq!(report.projects_new, 2);
    (
        directory,
        achyk_web::router(achyk_web::AppState::new(store)),
    )
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
        all.matches("class=\"pt-alert\"><title>School roof in Naryn")
            .count(),
        1
    );
    assert_eq!(all.matches("class=\"pt\"><title>Road to Aravan").count(), 1);
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

/// The list at its heaviest (2 500 projects found, the map drawing the first 2 000) and a
/// project page weigh under 100 KB gzip-compressed with the stylesheet.
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
        .with_project_regions(std::sync::Arc::new(|facts| {
            project_region(facts).map(|region| region.iso_code().to_owned())
        }));
    store
        .import_publications(&[("weight.json", package.as_bytes())])
        .await
        .unwrap();
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
            // The first 2 000 found, each a point with its title.
            let points = page.matches("class=\"pt\"><title>").count()
                + page.matches("class=\"pt-alert\"><title>").count();
            assert_eq!(points, 2_000);
        }
    }
}
