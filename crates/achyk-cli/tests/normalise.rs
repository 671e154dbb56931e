//! `achyk import` normalises what it stores; `achyk export --normalised`, `achyk quality` and
//! `achyk normalise` end to end on the feed sample (`achyk-kg/tests/fixtures/feed`). Expected
//! values are read off the sample's input: three processes, of which the works tender's award
//! A2 is `disqualified` (outside the award status codelist).

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn achyk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_achyk"))
}

fn run(arguments: &[&str]) -> Output {
    let output = achyk().args(arguments).output().unwrap();
    assert!(
        output.status.success(),
        "achyk {arguments:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn sample(page: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../achyk-kg/tests/fixtures/feed")
        .join(page)
        .display()
        .to_string()
}

fn normalised(db: &str) -> Vec<Value> {
    String::from_utf8(run(&["export", "--db", db, "--normalised"]).stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn imported_feed_pages_are_normalised_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("kg.db").display());
    run(&[
        "import",
        "--db",
        &db,
        &sample("page-1.json"),
        &sample("page-2.json"),
    ]);

    let releases = normalised(&db);
    let ocids: Vec<&str> = releases
        .iter()
        .map(|release| release["ocid"].as_str().unwrap())
        .collect();
    assert_eq!(
        ocids,
        [
            "ocds-h7i0z4-240115013",
            "ocds-h7i0z4-240201550",
            "ocds-h7i0z4-contract-based-77120"
        ]
    );
    assert!(
        releases
            .iter()
            .all(|release| release["buyer"]["id"].is_string())
    );
    assert_eq!(releases[0]["awards"][1]["status"], "unsuccessful");
    // The compiled releases as received are what a plain export gives.
    let compiled = String::from_utf8(run(&["export", "--db", &db]).stdout).unwrap();
    assert!(compiled.lines().all(|line| !line.contains("\"buyer\"")));

    let report = String::from_utf8(run(&["quality", "--db", &db]).stdout).unwrap();
    assert!(report.starts_with("3 processes normalised\n"), "{report}");
    let line = |rule: &str| {
        report
            .lines()
            .find(|line| line.contains(&format!(" {rule}:")))
            .map(|line| {
                line.split_whitespace()
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
    };
    assert_eq!(line("category_mapped").as_deref(), Some("3 3"));
    assert_eq!(line("single_source_method").as_deref(), Some("1 1"));
    assert_eq!(line("status_mapped").as_deref(), Some("1 1"));

    let one = String::from_utf8(
        run(&["quality", "--db", &db, "ocds-h7i0z4-contract-based-77120"]).stdout,
    )
    .unwrap();
    assert!(
        one.contains("single_source_method /tender/procurementMethod:")
            && one.contains("(\"open\" → \"direct\")"),
        "{one}"
    );
    let unknown = achyk()
        .args(["quality", "--db", &db, "ocds-none"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));

    // Another status table, applied to what is stored.
    let table = dir.path().join("statuses.json");
    std::fs::write(&table, r#"{"awards": {"disqualified": "cancelled"}}"#).unwrap();
    run(&[
        "normalise",
        "--db",
        &db,
        "--status-table",
        table.to_str().unwrap(),
    ]);
    assert_eq!(normalised(&db)[0]["awards"][1]["status"], "cancelled");

    // A table that maps outside the codelist is refused before anything changes.
    std::fs::write(&table, r#"{"awards": {"disqualified": "lost"}}"#).unwrap();
    let refused = achyk()
        .args([
            "normalise",
            "--db",
            &db,
            "--status-table",
            table.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("not in the awards codelist"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(normalised(&db)[0]["awards"][1]["status"], "cancelled");
}
