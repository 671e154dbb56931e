//! `achyk indicators` reads each line straight into the parts the indicators use (skipping the
//! rest) and falls back to reading the whole release when its shape is unexpected. Both ways
//! must give the same facts: checked here on every release of a generated feed (as published,
//! compiled and normalised), on Cardinal's fixtures, and on lines with wrong types.

use std::path::{Path, PathBuf};
use std::process::Command;

use achyk_flags::Process;
use serde_json::Value;

fn both_ways(line: &str, origin: &str) {
    let whole = serde_json::from_str::<Value>(line)
        .ok()
        .and_then(|release| Process::from_release(&release));
    let fast = Process::from_json_bytes(line.as_bytes());
    assert_eq!(fast, whole, "{origin}: {line}");
}

fn lines_of(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_fast_reader_gives_what_the_whole_release_gives() {
    let directory = tempfile::tempdir().unwrap();
    let achyk = env!("CARGO_BIN_EXE_achyk");
    let demo = Command::new(achyk)
        .args([
            "demo",
            "--no-serve",
            "--processes",
            "400",
            "--seed",
            "5",
            "--dir",
        ])
        .arg(directory.path())
        .output()
        .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let url = format!("sqlite://{}", directory.path().join("achyk.db").display());
    let mut count = 0;
    for flags in [&["--normalised"][..], &[][..], &["--releases"][..]] {
        let export = Command::new(achyk)
            .args(["export", "--db", &url])
            .args(flags)
            .output()
            .unwrap();
        assert!(export.status.success());
        for line in String::from_utf8(export.stdout).unwrap().lines() {
            both_ways(line, &format!("export {flags:?}"));
            count += 1;
        }
    }
    // 400 processes, each exported normalised and compiled, and every release as received.
    assert!(count > 1_200, "{count}");

    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../achyk-flags/tests/fixtures");
    let mut files = vec![fixtures.clone()];
    let mut fixture_lines = 0;
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(
                std::fs::read_dir(&path)
                    .unwrap()
                    .map(|entry| entry.unwrap().path()),
            );
        } else if path
            .extension()
            .is_some_and(|extension| extension == "jsonl")
        {
            for line in lines_of(&path) {
                both_ways(&line, &path.display().to_string());
                fixture_lines += 1;
            }
        }
    }
    assert!(fixture_lines > 30, "{fixture_lines}");

    // Unexpected types and shapes: a leaf of the wrong type is ignored, a wrong shape makes the
    // fast reader give up and read the whole release; either way the facts are the same.
    for line in [
        r#"{"ocid":"a","tender":{"value":{"amount":"100","currency":"KGS"},"numberOfTenderers":"2"}}"#,
        r#"{"ocid":"a","tender":"not an object","bids":{"details":[{"tenderers":{"id":"x"}}]}}"#,
        r#"{"ocid":"a","buyer":"B","awards":[{"suppliers":[{"id":1},{"id":"s"}],"items":[{"classification":"x"}]}]}"#,
        r#"{"ocid":"a","ocid":"b","tender":{"status":"active","status":"complete"}}"#,
        r#"{"ocid":"a","bids":{"details":[{"relatedLots":["L1",{"id":"L2"},3],"value":{"amount":5}}]}}"#,
        r#"{"ocid":"a","parties":[{"id":"t","address":{"streetAddress":" Main  St ","locality":5}}],"bids":{"details":[{"tenderers":[{"id":"t"}]}]}}"#,
        r#"{"ocid":7}"#,
        r#"["ocid"]"#,
        r#"{"ocid":"a"} trailing"#,
        "not json",
    ] {
        both_ways(line, "hand-made");
    }
}
