//! OC4IDS projects on both backends: stored once per content, every version kept, rejected
//! with where and why, and listed by the filters of the projects page. Expected numbers are
//! the example package's, worked out by hand (see achyk-ocds/tests/projects.rs).

mod common;

use std::sync::Arc;

use achyk_store::{ProjectPlace, ProjectQuery};
use common::{Databases, TestDb};

both_backends!(
    projects_are_stored_once_per_content_and_listed_by_filters,
    the_map_gathers_projects_by_place_and_counts_those_needing_attention,
    the_index_in_memory_answers_as_the_sql_does,
);

const EXAMPLE: &str =
    include_str!("../../achyk-ocds/tests/fixtures/oc4ids/example-project-package.json");
const ID: &str = "oc4ids-bu3kcz-m75-junctions-4-to-5-smart-motorway";

async fn projects_are_stored_once_per_content_and_listed_by_filters(db: &TestDb) {
    // A resolver that names every project's region from its first place name, so the test
    // sees the resolver's answer stored.
    let store = db
        .store()
        .await
        .with_project_regions(Arc::new(|facts| ProjectPlace {
            region: facts.places.first().map(|_| "KG-C".to_owned()),
            point: None,
        }));
    let report = store
        .import_publications(&[("example.json", EXAMPLE.as_bytes())])
        .await
        .unwrap();
    assert_eq!(report.projects_new, 1);
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let again = store
        .import_publications(&[("example.json", EXAMPLE.as_bytes())])
        .await
        .unwrap();
    assert_eq!((again.projects_new, again.projects_unchanged), (0, 1));

    let (row, data) = store.project(ID).await.unwrap();
    assert_eq!(data["id"], ID);
    assert_eq!(row.source, "oc4ids");
    assert_eq!(row.budget, Some(40_000_000.0));
    assert_eq!(row.value_now, Some(42_100_000.0));
    assert_eq!(row.currency.as_deref(), Some("GBP"));
    assert!((row.cost_overrun.unwrap() - 0.0525).abs() < 1e-12);
    assert_eq!(row.planned_end.as_deref(), Some("2017-12-31"));
    assert_eq!(row.completed_on.as_deref(), Some("2018-12-10"));
    assert_eq!(row.sector.as_deref(), Some("transport"));
    assert_eq!(row.region.as_deref(), Some("KG-C"));
    assert_eq!(row.flags, 0);
    assert_eq!(
        store
            .projects_of_process("ocds-a1b1c1-c9b14c18-adc8-11e6-9901-0019b9f3037b")
            .await
            .unwrap(),
        vec![(ID.to_owned(), row.title.clone())]
    );

    // A changed project replaces the current one; both versions are kept.
    let mut package: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
    package["projects"][0]["completion"]["finalValue"]["amount"] = 50_000_000.into();
    let changed = serde_json::to_vec(&package).unwrap();
    let report = store
        .import_publications(&[("changed.json", &changed)])
        .await
        .unwrap();
    assert_eq!(report.projects_changed, 1);
    assert_eq!(store.project_version_count(ID).await.unwrap(), 2);
    let (row, _) = store.project(ID).await.unwrap();
    // (50 000 000 − 40 000 000) / 40 000 000 = 0.25.
    assert!((row.cost_overrun.unwrap() - 0.25).abs() < 1e-12);

    let count = |query: ProjectQuery| {
        let store = store.clone();
        async move { store.projects(&query, 20, 0).await.unwrap().1 }
    };
    assert_eq!(count(ProjectQuery::default()).await, 1);
    assert_eq!(
        count(ProjectQuery {
            text: Some("SMART motorway".into()),
            region: Some("KG-C".into()),
            sector: Some("transport".into()),
            status: Some("maintenance".into()),
            late_on: Some("2026-11-29".into()),
            min_cost_overrun: Some(0.25),
            flagged: false,
            newest_first: false,
        })
        .await,
        1
    );
    for query in [
        ProjectQuery {
            region: Some("KG-B".into()),
            ..ProjectQuery::default()
        },
        ProjectQuery {
            min_cost_overrun: Some(0.2501),
            ..ProjectQuery::default()
        },
        ProjectQuery {
            text: Some("school".into()),
            ..ProjectQuery::default()
        },
        ProjectQuery {
            flagged: true,
            ..ProjectQuery::default()
        },
    ] {
        assert_eq!(count(query.clone()).await, 0, "{query:?}");
    }

    // A project without an id is rejected where it is; its neighbours are stored.
    let text = "{\"version\": \"0.9\", \"projects\": [\n{\"id\": \"kg-1\", \"title\": \"Roof\"},\n{\"title\": \"no id\"},\n{\"id\": \"kg-2\", \"title\": \"Road\"}\n]}";
    let report = store
        .import_publications(&[("mixed.json", text.as_bytes())])
        .await
        .unwrap();
    assert_eq!(report.projects_new, 2);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].location.line, Some(3));
    assert!(
        report.rejected[0].reason.contains("needs an `id`"),
        "{:?}",
        report.rejected
    );
    assert_eq!(count(ProjectQuery::default()).await, 3);

    // Search ignores case in Cyrillic too, the same on both backends, and takes `%` and `_`
    // as themselves.
    let text = "{\"version\": \"0.9\", \"projects\": [{\"id\": \"kg-3\", \"title\": \"Ремонт ШКОЛЫ № 5\"}]}";
    store
        .import_publications(&[("cyrillic.json", text.as_bytes())])
        .await
        .unwrap();
    for (words, found) in [
        ("школы", 1),
        ("Ремонт школы", 1),
        ("РЕМОНТ", 1),
        ("%", 0),
        ("_", 0),
    ] {
        let query = ProjectQuery {
            text: Some(words.into()),
            ..ProjectQuery::default()
        };
        assert_eq!(count(query).await, found, "{words}");
    }
}

/// Three projects: two 0.01° apart in Naryn (one cell of 1/20°), one in Talas; the Naryn pair
/// has one late project (planned end 2026-06-30, open on 2026-11-29), the Talas one is 12 %
/// over budget. A fourth, "d", is published in Naryn as latitude, longitude; the resolver (as
/// the site's does with the region shapes) gives its point back the right way round, and that
/// is the point stored. Cells by hand: Naryn (3 projects, 1 alert), Talas (1, 1); with a 15 %
/// bar for overruns the Talas one needs no attention.
async fn the_map_gathers_projects_by_place_and_counts_those_needing_attention(db: &TestDb) {
    let store = db
        .store()
        .await
        .with_project_regions(Arc::new(|facts| ProjectPlace {
            region: facts.places.first().map(|_| "KG-N".to_owned()),
            // Kyrgyzstan's longitudes (69–80) are all greater than its latitudes (39–43).
            point: facts
                .points
                .first()
                .filter(|(x, y)| x < y)
                .map(|&(latitude, longitude)| (longitude, latitude)),
        }));
    let project = |id: &str, point: [f64; 2], extra: serde_json::Value| {
        let mut project = serde_json::json!({
            "id": id,
            "title": id,
            "locations": [{"description": "here", "geometry": {"type": "Point", "coordinates": point}}],
        });
        for (key, value) in extra.as_object().unwrap() {
            project[key] = value.clone();
        }
        project
    };
    let package = serde_json::json!({"version": "0.9", "projects": [
        project("a", [75.99, 41.43], serde_json::json!({"period": {"endDate": "2026-06-30T00:00:00+06:00"}})),
        project("b", [76.0, 41.43], serde_json::json!({})),
        project("d", [41.43, 75.99], serde_json::json!({})),
        project("c", [72.24, 42.52], serde_json::json!({
            "budget": {"amount": {"amount": 100, "currency": "KGS"}},
            "completion": {"endDate": "2025-01-01T00:00:00+06:00", "finalValue": {"amount": 112, "currency": "KGS"}}
        })),
    ]})
    .to_string();
    store
        .import_publications(&[("map.json", package.as_bytes())])
        .await
        .unwrap();
    let clusters = |bar: f64| {
        let store = store.clone();
        async move {
            let mut found: Vec<(i64, i64, String)> = store
                .project_clusters(&ProjectQuery::default(), 20.0, bar, "2026-11-29")
                .await
                .unwrap()
                .into_iter()
                .map(|cluster| (cluster.projects, cluster.alerts, cluster.title))
                .collect();
            found.sort();
            found
        }
    };
    assert_eq!(
        clusters(0.1).await,
        vec![(1, 1, "c".to_owned()), (3, 1, "a".to_owned())]
    );
    assert_eq!(
        clusters(0.15).await,
        vec![(1, 0, "c".to_owned()), (3, 1, "a".to_owned())]
    );
    let (stored, _) = store.project("d").await.unwrap();
    assert_eq!(
        (stored.longitude, stored.latitude),
        (Some(75.99), Some(41.43))
    );
}

/// The projects page's searches answered from memory give what the SQL gives: the same rows
/// in the same order, the same totals and the same cells, for every filter.
async fn the_index_in_memory_answers_as_the_sql_does(db: &TestDb) {
    let store = db
        .store()
        .await
        .with_project_regions(Arc::new(|facts| ProjectPlace {
            region: facts
                .places
                .first()
                .map(|place| format!("KG-{}", &place[..1])),
            point: None,
        }));
    // 400 projects by a rule: places cycle through six towns (two of them 0.01° apart, one
    // cell), sectors, stages, budgets and ends vary with the number, titles repeat.
    let towns = [
        ("N", 75.99, 41.43),
        ("N", 76.0, 41.43),
        ("T", 72.24, 42.52),
        ("C", 74.30, 42.86),
        ("O", 72.51, 40.51),
        ("J", 73.00, 40.93),
    ];
    let sectors = ["education", "transport.road", "health", "waterAndWaste"];
    let projects: Vec<serde_json::Value> = (0..400)
        .map(|n: i64| {
            let (region, x, y) = towns[n as usize % towns.len()];
            let mut project = serde_json::json!({
                "id": format!("p-{n:03}"),
                "title": format!("Ремонт школы № {}", n % 37),
                "status": if n % 3 == 0 { "completion" } else { "implementation" },
                "sector": [sectors[n as usize % sectors.len()]],
                "locations": [{"description": region, "geometry": {"type": "Point", "coordinates": [x, y]}}],
                "budget": {"amount": {"amount": 1000, "currency": "KGS"}},
                "period": {"endDate": format!("2025-{:02}-15T00:00:00+06:00", 1 + n % 12)},
                "contractingProcesses": [{"id": "1", "summary": {
                    "ocid": format!("ocds-x-{n}"),
                    "contractValue": {"amount": 900 + (n % 5) * 100, "currency": "KGS"}
                }}]
            });
            if n % 3 == 0 {
                project["completion"] = serde_json::json!({
                    "endDate": format!("2025-{:02}-20T00:00:00+06:00", 1 + n % 12),
                    "finalValue": {"amount": 950 + (n % 4) * 50, "currency": "KGS"}
                });
            }
            project
        })
        .collect();
    let package = serde_json::json!({"version": "0.9", "projects": projects}).to_string();
    store
        .import_publications(&[("projects.json", package.as_bytes())])
        .await
        .unwrap();
    // Flags on some of the processes, for the flagged filter and the counts.
    let flags: Vec<achyk_store::StoredFlag> = (0..400)
        .filter(|n| n % 7 == 0)
        .map(|n| achyk_store::StoredFlag {
            group: "ocid".into(),
            id: format!("ocds-x-{n}"),
            code: "R018".into(),
            value: 1.0,
            facts: "[]".into(),
        })
        .collect();
    store
        .replace_flag_results(400, "test", &flags, &[])
        .await
        .unwrap();
    let indexed = store.clone().with_project_index();
    let queries = [
        ProjectQuery::default(),
        ProjectQuery {
            text: Some("РЕМОНТ".into()),
            ..ProjectQuery::default()
        },
        ProjectQuery {
            region: Some("KG-C".into()),
            late_on: Some("2025-06-30".into()),
            ..ProjectQuery::default()
        },
        ProjectQuery {
            sector: Some("education".into()),
            status: Some("completion".into()),
            min_cost_overrun: Some(0.1),
            ..ProjectQuery::default()
        },
        ProjectQuery {
            flagged: true,
            ..ProjectQuery::default()
        },
    ];
    for query in &queries {
        for (limit, offset) in [(25, 0), (25, 25), (10, 1_000)] {
            let by_sql = store
                .project_listing(query, limit, offset, 20.0, 0.1, "2025-06-30")
                .await
                .unwrap();
            let in_memory = indexed
                .project_listing(query, limit, offset, 20.0, 0.1, "2025-06-30")
                .await
                .unwrap();
            assert_eq!(by_sql.rows, in_memory.rows, "{query:?}");
            assert_eq!(by_sql.total, in_memory.total, "{query:?}");
            let cells = |listing: &achyk_store::ProjectListing| {
                let mut cells: Vec<(i64, i64, String, i64, i64)> = listing
                    .clusters
                    .iter()
                    .map(|cell| {
                        (
                            cell.projects,
                            cell.alerts,
                            cell.title.clone(),
                            (cell.longitude * 1e6).round() as i64,
                            (cell.latitude * 1e6).round() as i64,
                        )
                    })
                    .collect();
                cells.sort();
                cells
            };
            assert_eq!(cells(&by_sql), cells(&in_memory), "{query:?}");
        }
    }
    // By hand: 400 projects in five cells (the two Naryn towns share one).
    let all = indexed
        .project_listing(&ProjectQuery::default(), 1, 0, 20.0, 0.1, "2025-06-30")
        .await
        .unwrap();
    assert_eq!(all.total, 400);
    assert_eq!(all.clusters.len(), 5);
    let flagged = ProjectQuery {
        flagged: true,
        ..ProjectQuery::default()
    };
    let listing = indexed
        .project_listing(&flagged, 1, 0, 20.0, 0.1, "2025-06-30")
        .await
        .unwrap();
    // Multiples of 7 below 400: 0, 7, …, 399 → 58.
    assert_eq!(listing.total, 58);
}
