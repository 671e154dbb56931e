//! The Impact page: totals as counted by hand, and self-declared attributes under 5 not shown
//! exactly.

mod common;

use achyk_store::NewReport;
use achyk_web::{AppState, router};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

#[tokio::test]
async fn small_counts_of_self_declared_attributes_are_not_shown_exactly() {
    let directory = tempfile::tempdir().unwrap();
    let store = common::sample_store(directory.path()).await;
    // One woman and five men, all in Naryn; three of them 18–29.
    for (n, gender) in ["female", "male", "male", "male", "male", "male"]
        .iter()
        .enumerate()
    {
        store
            .create_report(&NewReport {
                receipt_hash: format!("r{n}"),
                category: "poor_quality".into(),
                body: "x".into(),
                region: Some("KG-N".into()),
                gender: Some((*gender).into()),
                age_group: (n < 3).then(|| "18_29".into()),
                disclosure: "anonymous".into(),
                received_on: "2026-11-01".into(),
                ..NewReport::default()
            })
            .await
            .unwrap();
    }
    let app = router(AppState::new(store));
    let response = app
        .oneshot(Request::get("/en/impact").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let html = scraper::Html::parse_document(std::str::from_utf8(&bytes).unwrap());
    let rows = |table: &str| -> Vec<(String, String)> {
        let selector = scraper::Selector::parse(&format!("#{table} + div tbody tr")).unwrap();
        let cell = scraper::Selector::parse("th, td").unwrap();
        html.select(&selector)
            .map(|row| {
                let cells: Vec<String> = row
                    .select(&cell)
                    .map(|c| c.text().collect::<String>())
                    .collect();
                (cells[0].clone(), cells[1].clone())
            })
            .collect()
    };
    assert_eq!(
        rows("by-gender"),
        vec![
            ("Man".to_string(), "5".to_string()),
            ("Woman".to_string(), "fewer than 5".to_string())
        ]
    );
    assert_eq!(
        rows("by-age"),
        vec![
            ("Not given".to_string(), "fewer than 5".to_string()),
            ("18–29 years".to_string(), "fewer than 5".to_string())
        ]
    );
    // Regions and categories are not about people: exact.
    assert_eq!(
        rows("by-region"),
        vec![("Naryn Region".to_string(), "6".to_string())]
    );
    assert_eq!(
        rows("by-category"),
        vec![("Poor quality".to_string(), "6".to_string())]
    );
}
