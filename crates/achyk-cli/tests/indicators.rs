//! `achyk indicators` end to end: a Cardinal fixture from a file and from standard input.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../achyk-flags/tests/fixtures/cardinal")
        .join(name)
}

fn expected(case: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(&format!("{case}.expected"))).unwrap())
        .unwrap()
}

#[test]
fn file_with_settings_gives_cardinal_output() {
    let output = Command::new(env!("CARGO_BIN_EXE_achyk"))
        .args(["indicators", "--no-meta", "--settings"])
        .arg(fixture("R024.ini"))
        .arg(fixture("R024.jsonl"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result, expected("R024"));
}

#[test]
fn standard_input_with_meta_and_maps() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_achyk"))
        .args(["indicators", "--map", "--settings"])
        .arg(fixture("R058.ini"))
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input = std::fs::read(fixture("R058.jsonl")).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let mut result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let meta = result.as_object_mut().unwrap().remove("Meta").unwrap();
    assert!(meta["R058"]["upper_fence"].is_number(), "{meta}");
    let maps = result.as_object_mut().unwrap().remove("Maps").unwrap();
    assert!(maps["ocid_tenderer_r058"].is_object(), "{maps}");
    assert_eq!(result, expected("R058"));
}

#[test]
fn unknown_setting_fails_naming_it() {
    let settings = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(settings.path(), "[R003]\nthreshhold = 10\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_achyk"))
        .args(["indicators", "--settings"])
        .arg(settings.path())
        .arg(fixture("R003.jsonl"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown key `threshhold` in [R003]"),
        "{stderr}"
    );
    assert!(
        stderr.contains("threshold, procurement_methods"),
        "{stderr}"
    );
}

#[test]
fn bad_lines_are_reported_and_the_rest_computed() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_achyk"))
        .args(["indicators", "--no-meta", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"not json\n{\"ocid\":\"A\",\"tender\":{\"procurementMethod\":\"open\",\"numberOfTenderers\":1}}\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("-:1:"));
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result, serde_json::json!({"OCID": {"A": {"R018": 1.0}}}));
}

/// `--init` writes the commented default settings, which the command then accepts as they are,
/// giving what no settings give; an existing file is not overwritten.
#[test]
fn init_writes_default_settings_that_are_accepted_and_never_overwrites() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("flags.ini");
    let achyk = env!("CARGO_BIN_EXE_achyk");
    let written = Command::new(achyk)
        .args(["indicators", "--init"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    let text = std::fs::read_to_string(&path).unwrap();
    for code in [
        "R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038", "R048", "R058",
    ] {
        assert!(text.contains(&format!("[{code}]")), "{code}");
    }
    let again = Command::new(achyk)
        .args(["indicators", "--init"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);

    let input = directory.path().join("compiled.jsonl");
    std::fs::write(
        &input,
        r#"{"ocid":"ocds-1","id":"1","date":"2024-01-01T00:00:00Z","tender":{"procurementMethod":"open","tenderPeriod":{"startDate":"2024-01-01T00:00:00Z","endDate":"2024-01-04T00:00:00Z"}}}"#,
    )
    .unwrap();
    let with_file = Command::new(achyk)
        .args(["indicators", "--no-meta", "--settings"])
        .arg(&path)
        .arg(&input)
        .output()
        .unwrap();
    let without = Command::new(achyk)
        .args(["indicators", "--no-meta"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        with_file.status.success(),
        "{}",
        String::from_utf8_lossy(&with_file.stderr)
    );
    // A 3-day tender: R003 with the default 15 days, the same with the written file.
    assert_eq!(
        String::from_utf8_lossy(&with_file.stdout).trim(),
        r#"{"OCID":{"ocds-1":{"R003":1.0}}}"#
    );
    assert_eq!(with_file.stdout, without.stdout);
}
