//! `achyk flags`: the indicators computed over a database and stored with their facts and risk
//! scores. Expected flags are worked out by hand from the input below.

use std::process::Command;

use achyk_store::Store;

fn release(ocid: &str, start: &str, end: &str) -> serde_json::Value {
    serde_json::json!({
        "ocid": ocid, "id": format!("{ocid}-1"), "date": "2024-03-01T10:00:00+06:00",
        "tag": ["tender"], "initiationType": "tender",
        "parties": [{"id": "KG-INN-01", "name": "Мэрия", "roles": ["buyer"],
                     "identifier": {"scheme": "KG-INN", "id": "01"}}],
        "buyer": {"id": "KG-INN-01", "name": "Мэрия"},
        "tender": {"id": "t", "title": "Ремонт", "procurementMethod": "open", "status": "complete",
                   "tenderPeriod": {"startDate": start, "endDate": end}}
    })
}

#[test]
fn flags_are_computed_over_the_database_and_stored_with_their_facts() {
    let directory = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", directory.path().join("flags.db").display());
    // A: open 3 days (1 March 10:00 to 4 March 10:00, +06:00): 3 whole days < 15, flagged.
    // B: open 20 days: not flagged. C: 14 days 23 hours, +06:00 against Z: 14 whole days < 15.
    let package = serde_json::json!({
        "uri": "https://example.org/p.json", "version": "1.1",
        "publishedDate": "2024-03-01T00:00:00Z", "publisher": {"name": "test"},
        "releases": [
            release("ocds-f-a", "2024-03-01T10:00:00+06:00", "2024-03-04T10:00:00+06:00"),
            release("ocds-f-b", "2024-03-01T10:00:00+06:00", "2024-03-21T10:00:00+06:00"),
            release("ocds-f-c", "2024-03-01T10:00:00+06:00", "2024-03-16T03:00:00Z"),
        ],
    });
    let file = directory.path().join("package.json");
    std::fs::write(&file, package.to_string()).unwrap();
    let achyk = env!("CARGO_BIN_EXE_achyk");
    let imported = Command::new(achyk)
        .args(["import", "--db", &url])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let ran = Command::new(achyk)
        .args(["flags", "--db", &url])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&ran.stderr);
    assert!(ran.status.success(), "{said}");
    assert!(said.contains("3 processes"), "{said}");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = Store::open_existing(&url).await.unwrap();
        let r003 = |ocid: &'static str| {
            let store = store.clone();
            async move {
                store
                    .flags_of_process(ocid)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|flag| flag.code == "R003")
                    .collect::<Vec<_>>()
            }
        };
        let a = r003("ocds-f-a").await;
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].value, 1.0);
        let facts: serde_json::Value = serde_json::from_str(&a[0].facts).unwrap();
        assert_eq!(
            facts,
            serde_json::json!([{"code": "submission_period_days",
                                "numbers": {"days": 3.0, "threshold": 15.0}, "texts": {}}])
        );
        assert!(r003("ocds-f-b").await.is_empty());
        let c = r003("ocds-f-c").await;
        let facts: serde_json::Value = serde_json::from_str(&c[0].facts).unwrap();
        assert_eq!(facts[0]["numbers"]["days"], 14.0);
        // Each flagged process scores at least its R003; the run is recorded.
        let score = store.risk_score("ocid", "ocds-f-a").await.unwrap().unwrap();
        assert!(score.score >= 1.0, "{score:?}");
        let run = store.last_flag_run().await.unwrap().unwrap();
        assert_eq!(run.processes, 3);
    });
}
