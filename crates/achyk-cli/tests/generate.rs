//! `achyk generate` end to end: the pages it writes import as one compiled release per ocid.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn achyk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_achyk"))
        .args(args)
        .output()
        .expect("achyk runs")
}

fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn generated_pages_import_as_one_compiled_release_per_ocid() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("feed");
    let output = achyk(&[
        "generate",
        "--processes",
        "300",
        "--seed",
        "7",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_success(&output);
    assert!(out.join("planted.jsonl").is_file());
    assert!(out.join("summary.json").is_file());

    let mut pages: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.starts_with("page-") && name.ends_with(".json")
        })
        .collect();
    pages.sort();
    assert!(!pages.is_empty());
    let mut ocids = HashSet::new();
    for page in &pages {
        let package: Value = serde_json::from_slice(&std::fs::read(page).unwrap()).unwrap();
        for release in package["releases"].as_array().unwrap() {
            ocids.insert(release["ocid"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(ocids.len(), 300);

    let url = format!("sqlite://{}", directory.path().join("x.db").display());
    let mut import = vec!["import", "--db", url.as_str()];
    let page_names: Vec<String> = pages
        .iter()
        .map(|page| page.to_str().unwrap().to_owned())
        .collect();
    import.extend(page_names.iter().map(String::as_str));
    let output = achyk(&import);
    assert_success(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("rejected:"), "{stderr}");
    assert!(!stderr.contains("new version:"), "{stderr}");

    let output = achyk(&["export", "--db", url.as_str()]);
    assert_success(&output);
    let compiled: HashSet<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let release: Value = serde_json::from_str(line).unwrap();
            release["ocid"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(compiled, ocids);

    // A second run into the same folder is refused rather than mixing two feeds.
    let again = achyk(&[
        "generate",
        "--processes",
        "10",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!again.status.success());
}
