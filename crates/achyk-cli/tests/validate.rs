//! `achyk validate` end to end: what it prints, where, and its exit codes. The problems
//! themselves are tested in `achyk-ocds` (`tests/validate.rs`); here they are written by hand
//! from the 1.1.5 schema.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn achyk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_achyk"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

const VALID: &str = r#"{"ocid":"ocds-abc123-0001","id":"1","date":"2024-05-01T09:00:00Z","tag":["tender"],"initiationType":"tender"}"#;
const BROKEN: &str = r#"{"ocid":"ocds-abc123-0002","id":"2","date":"#;
/// `tender.value.amount` must be a number or null; `date` must have a time zone.
const INVALID: &str = r#"{"ocid":"ocds-abc123-0003","id":"3","date":"2024-05-01T09:00:00","tag":["tender"],"initiationType":"tender","tender":{"id":"T","value":{"amount":"12","currency":"KGS"}}}"#;

fn write_lines(dir: &Path, name: &str, lines: &[&str]) -> String {
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).unwrap();
    for line in lines {
        writeln!(file, "{line}").unwrap();
    }
    path.display().to_string()
}

#[test]
fn json_lines_with_a_broken_line_and_an_invalid_release() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_lines(
        dir.path(),
        "releases.jsonl",
        &[VALID, BROKEN, INVALID, VALID],
    );
    let output = achyk().arg("validate").arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[0].starts_with(&format!("{file}:2: input: ")),
        "{}",
        lines[0]
    );
    // Both problems of line 3, in the order of the release's members.
    assert!(
        lines[1].starts_with(&format!(
            "{file}:3 [ocds-abc123-0003] /date: format: \"2024-05-01T09:00:00\" is not a date-time"
        )),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[2],
        format!(
            "{file}:3 [ocds-abc123-0003] /tender/value/amount: type: expected null or a number, found a string"
        )
    );
    assert_eq!(
        lines[3],
        "3 items checked, 3 problems in 1 item and 1 unreadable part (format 1, input 1, type 1)"
    );
    assert_eq!(stderr(&output), "");
}

#[test]
fn valid_input_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_lines(dir.path(), "valid.jsonl", &[VALID, VALID]);
    let output = achyk().arg("validate").arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "2 items checked, no problems\n");
}

#[test]
fn json_output_for_machines() {
    let dir = tempfile::tempdir().unwrap();
    // A broken first line would read as the start of a pretty-printed value: JSON Lines are
    // told from other JSON by a complete first line.
    let file = write_lines(dir.path(), "releases.jsonl", &[VALID, BROKEN, INVALID]);
    let output = achyk()
        .args(["validate", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let findings: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(findings.len(), 3);
    assert_eq!(findings[0]["kind"], "input");
    assert_eq!(findings[0]["line"], 2);
    assert_eq!(findings[0]["ocid"], Value::Null);
    let amount = &findings[2];
    assert_eq!(amount["file"], file.as_str());
    assert_eq!(amount["line"], 3);
    assert_eq!(amount["index"], 1);
    assert_eq!(amount["ocid"], "ocds-abc123-0003");
    assert_eq!(amount["subject"], "release");
    assert_eq!(amount["path"], "/tender/value/amount");
    assert_eq!(amount["kind"], "type");
    assert_eq!(amount["severity"], "problem");
    // The summary goes to standard error, so that standard output is only JSON Lines.
    assert_eq!(
        stderr(&output),
        "2 items checked, 3 problems in 1 item and 1 unreadable part (format 1, input 1, type 1)\n"
    );
}

#[test]
fn standard_input_and_packages() {
    let package = format!(
        r#"{{"uri":"https://example.com/p.json","version":"1.1","publishedDate":"2024-05-01T10:00:00Z","publisher":{{"name":"P"}},"extensions":["https://example.com/ocds_other_extension/extension.json"],"releases":[{VALID}]}}"#
    );
    let mut child = achyk()
        .arg("validate")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(package.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    // An unknown extension is a warning, not a problem.
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(
        stdout(&output),
        "-:1 (package) /extensions: warning: unknownExtension: https://example.com/ocds_other_extension/extension.json \
         is not an extension Achyk embeds (it knows lots, bids, enquiries); its fields are not checked\n\
         1 item checked, no problems; 1 warning (unknownExtension 1)\n"
    );
}

#[test]
fn a_missing_file_fails_but_the_others_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_lines(dir.path(), "releases.jsonl", &[INVALID]);
    let missing = dir.path().join("missing.json").display().to_string();
    let output = achyk()
        .arg("validate")
        .arg(&missing)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with(&format!("achyk: error: cannot open {missing}: ")),
        "{}",
        stderr(&output)
    );
    assert!(
        stdout(&output).ends_with("1 item checked, 2 problems in 1 item (format 1, type 1)\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<&str> = std::iter::repeat_n(INVALID, 20_000).collect();
    let file = write_lines(dir.path(), "many.jsonl", &lines);
    let mut child = achyk()
        .arg("validate")
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stderr(&output), "");
}
