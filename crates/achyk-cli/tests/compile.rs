//! `achyk compile` end to end, against OCP's reference `ocdskit compile` where one applies.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use achyk_test_support::{ocdskit_compile, reference_available, reference_schema};
use serde_json::{Value, json};

fn achyk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_achyk"))
}

fn run(command: &mut Command) -> Output {
    command.output().expect("achyk runs")
}

fn stdout_lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn patched_schema(dir: &Path) -> PathBuf {
    reference_schema(dir, &["lots", "bid", "enquiry"]).1
}

fn ocdskit(input: &[u8], schema: &Path, versioned: bool) -> Vec<Value> {
    ocdskit_compile(input, schema, versioned)
}

const EXTENSIONS: [&str; 3] = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.4/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/v1.1.4/extension.json",
];

/// Releases of `processes` processes with several stages each, in a scrambled order.
fn releases(processes: usize) -> Vec<Value> {
    let mut out = Vec::new();
    for process in 0..processes {
        let ocid = format!("ocds-h7i0z4-{:05}", (process * 7919) % 100_000);
        for stage in 0..(1 + process % 4) {
            let tag = ["tender", "tenderUpdate", "award", "contract"][stage];
            let status = ["active", "active", "complete", "complete"][stage];
            let mut release = json!({
                "ocid": ocid,
                "id": format!("{ocid}-{stage}"),
                "date": format!("2024-02-{:02}T09:00:00+06:00", 1 + (stage * 5 + process) % 27),
                "tag": [tag],
                "initiationType": "tender",
                "parties": [{"id": "KG-INN-01", "name": "Мэрия", "roles": ["buyer"]}],
                "tender": {
                    "id": "t",
                    "title": format!("Тендер {process} stage {stage}"),
                    "status": status,
                    "lots": [{"id": "L1", "value": {"amount": 1000 + stage, "currency": "KGS"}}],
                    "items": [{"id": "1", "description": "Цемент", "relatedLot": "L1", "quantity": stage + 1}]
                },
            });
            if stage >= 2 {
                release["awards"] = json!([{"id": "a1", "status": "active", "relatedLots": ["L1"], "value": {"amount": 900}}]);
                release["bids"] = json!({"details": [{"id": "b1", "status": "valid", "tenderers": [{"id": "KG-INN-02"}]}]});
            }
            if stage == 3 {
                release["tender"]["title"] = Value::Null;
            }
            out.push(release);
        }
    }
    out.reverse();
    out
}

fn package(releases: &[Value]) -> Value {
    json!({"uri": "https://example.org/p", "publishedDate": "2024-03-01T00:00:00+06:00", "version": "1.1", "extensions": EXTENSIONS, "releases": releases})
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn jsonl(releases: &[Value]) -> Vec<u8> {
    let mut out = Vec::new();
    for release in releases {
        serde_json::to_writer(&mut out, release).unwrap();
        out.push(b'\n');
    }
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn compiled_and_versioned_releases_equal_the_reference() {
    if !reference_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let releases = releases(300);
    let package_bytes = serde_json::to_vec_pretty(&package(&releases)).unwrap();
    let file = write(dir.path(), "package.json", &package_bytes);
    let schema = patched_schema(dir.path());
    for versioned in [false, true] {
        let expected = ocdskit(&package_bytes, &schema, versioned);
        let mut command = achyk();
        command.arg("compile").arg(&file);
        if versioned {
            command.arg("--versioned");
        }
        let output = run(&mut command);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(stdout_lines(&output), expected, "versioned: {versioned}");
        // Member order too, which `Value` equality ignores.
        let expected_text: Vec<String> = expected
            .iter()
            .map(|value| serde_json::to_string(value).unwrap())
            .collect();
        let actual_text: Vec<String> = stdout_lines(&output)
            .iter()
            .map(|value| serde_json::to_string(value).unwrap())
            .collect();
        assert_eq!(actual_text, expected_text);
    }
}

#[test]
fn every_form_gives_the_same_output() {
    let dir = tempfile::tempdir().unwrap();
    let releases = releases(120);
    let package_bytes = serde_json::to_vec(&package(&releases)).unwrap();
    let lines = jsonl(&releases);
    let forms = [
        write(dir.path(), "package.json", &package_bytes),
        write(dir.path(), "package.json.gz", &gzip(&package_bytes)),
        write(
            dir.path(),
            "array.json",
            &serde_json::to_vec(&releases).unwrap(),
        ),
        write(dir.path(), "releases.jsonl", &lines),
        write(dir.path(), "releases.jsonl.gz", &gzip(&lines)),
    ];
    let reference = run(achyk().arg("compile").arg(&forms[0]));
    assert!(reference.status.success());
    assert_eq!(stdout_lines(&reference).len(), 120);
    for form in &forms[1..] {
        let output = run(achyk().arg("compile").arg(form));
        assert!(
            output.status.success(),
            "{}: {}",
            form.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        // Bare releases declare no extensions, but none of these fields is merged differently
        // by them, so the outputs agree.
        assert_eq!(
            stdout_lines(&output),
            stdout_lines(&reference),
            "{}",
            form.display()
        );
    }
    // Standard input, and the releases split across two files.
    let (first, second) = releases.split_at(100);
    let a = write(dir.path(), "a.jsonl", &jsonl(first));
    let b = write(dir.path(), "b.jsonl", &jsonl(second));
    let split = run(achyk().arg("compile").arg(&a).arg(&b));
    assert_eq!(stdout_lines(&split), stdout_lines(&reference));
    let mut child = achyk()
        .args(["compile", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&package_bytes)
        .unwrap();
    let piped = child.wait_with_output().unwrap();
    assert_eq!(piped.stdout, reference.stdout);
}

#[test]
fn output_does_not_depend_on_threads_or_spilling() {
    let dir = tempfile::tempdir().unwrap();
    // About 20,000 releases (14 MB): from a file only where each release is, is kept (about
    // 65 bytes each), so that a 1 MB budget spills; from standard input, the texts are kept, and
    // spill several runs.
    let lines = jsonl(&releases(8000));
    let file = write(dir.path(), "releases.jsonl", &lines);
    let baseline = run(achyk()
        .arg("compile")
        .arg(&file)
        .env("RAYON_NUM_THREADS", "1"));
    assert!(baseline.status.success());
    assert!(!baseline.stdout.is_empty());
    for (threads, memory, piped) in [
        ("4", "160", false),
        ("2", "1", false),
        ("1", "1", false),
        ("2", "1", true),
    ] {
        let output = if piped {
            let environment = [
                ("RAYON_NUM_THREADS", threads),
                ("ACHYK_COMPILE_MEMORY_MB", memory),
            ];
            compile_piped(&lines, &environment)
        } else {
            run(achyk()
                .arg("compile")
                .arg(&file)
                .env("RAYON_NUM_THREADS", threads)
                .env("ACHYK_COMPILE_MEMORY_MB", memory))
        };
        assert!(output.status.success());
        assert_eq!(
            output.stdout, baseline.stdout,
            "threads {threads}, memory {memory} MB, piped: {piped}"
        );
        let spilled = String::from_utf8_lossy(&output.stderr).contains("sorted runs spilled");
        assert_eq!(
            spilled,
            memory == "1",
            "spilling with a budget of {memory} MB, piped: {piped}"
        );
    }
}

/// Releases are read again from their file by offset, so the offsets must hold whatever
/// surrounds the lines: a byte order mark, indents, blank lines, CRLF line ends.
#[test]
fn json_lines_read_again_by_offset_give_the_same_output() {
    let dir = tempfile::tempdir().unwrap();
    let releases = releases(60);
    let plain = write(dir.path(), "plain.jsonl", &jsonl(&releases));
    let mut odd = b"\xEF\xBB\xBF".to_vec();
    for (position, release) in releases.iter().enumerate() {
        odd.extend_from_slice(b" \t".repeat(position % 3).as_slice());
        serde_json::to_writer(&mut odd, release).unwrap();
        odd.extend_from_slice(if position % 2 == 0 {
            b"\r\n"
        } else {
            b"  \n\n"
        });
    }
    let odd = write(dir.path(), "odd.jsonl", &odd);
    let reference = run(achyk().arg("compile").arg(&plain));
    assert!(reference.status.success());
    assert_eq!(stdout_lines(&reference).len(), 60);
    let output = run(achyk().arg("compile").arg(&odd));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.stdout, reference.stdout);
}

#[test]
fn bad_input_is_reported_and_the_rest_is_compiled() {
    let dir = tempfile::tempdir().unwrap();
    let good = releases(3);
    let mut text = String::new();
    text.push_str(&serde_json::to_string(&good[0]).unwrap());
    text.push('\n');
    text.push_str("{\"ocid\": \"broken\", \n"); // line 2: broken JSON
    text.push_str(
        &serde_json::to_string(&json!({"id": "no-ocid", "date": "2024-01-01T00:00:00Z"})).unwrap(),
    ); // line 3
    text.push('\n');
    text.push_str(&serde_json::to_string(&json!({"ocid": "ocds-no-date", "id": "x"})).unwrap()); // line 4
    text.push('\n');
    text.push_str(
        &serde_json::to_string(&json!({"ocid": "ocds-bad-date", "id": "y", "date": "yesterday"}))
            .unwrap(),
    ); // line 5
    text.push('\n');
    for release in &good[1..] {
        text.push_str(&serde_json::to_string(release).unwrap());
        text.push('\n');
    }
    let file = write(dir.path(), "mixed.jsonl", text.as_bytes());
    let output = run(achyk().arg("compile").arg(&file));
    assert_eq!(output.status.code(), Some(1), "some input was rejected");
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert!(stderr.contains("mixed.jsonl:2"), "{stderr}");
    assert!(
        stderr.contains("mixed.jsonl:3") && stderr.contains("no `ocid`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("mixed.jsonl:4")
            && stderr.contains("[ocds-no-date]")
            && stderr.contains("no `date`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("mixed.jsonl:5") && stderr.contains("[ocds-bad-date]"),
        "{stderr}"
    );
    let ocids: Vec<String> = stdout_lines(&output)
        .iter()
        .map(|release| release["ocid"].as_str().unwrap().to_owned())
        .collect();
    let mut expected: Vec<String> = good
        .iter()
        .map(|release| release["ocid"].as_str().unwrap().to_owned())
        .collect();
    expected.sort();
    expected.dedup();
    assert_eq!(ocids, expected);
}

#[test]
fn a_missing_file_fails_with_its_name() {
    let output = run(achyk().args(["compile", "/nonexistent/releases.json"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/releases.json"));
}

#[test]
fn unknown_extensions_are_reported_and_never_fetched() {
    let dir = tempfile::tempdir().unwrap();
    let mut package = package(&releases(2));
    package["extensions"] = json!([
        "http://127.0.0.1:9/ocds_location_extension/extension.json",
        EXTENSIONS[0]
    ]);
    let file = write(
        dir.path(),
        "package.json",
        &serde_json::to_vec(&package).unwrap(),
    );
    let output = run(achyk().arg("compile").arg(&file));
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert!(
        stderr.contains("ocds_location_extension") && stderr.contains("not embedded"),
        "{stderr}"
    );
    assert_eq!(stdout_lines(&output).len(), 2);
}

#[test]
fn record_package_output_holds_records_in_ocid_order() {
    let dir = tempfile::tempdir().unwrap();
    let releases = releases(20);
    let file = write(
        dir.path(),
        "package.json",
        &serde_json::to_vec(&package(&releases)).unwrap(),
    );
    let compiled = stdout_lines(&run(achyk().arg("compile").arg(&file)));
    let versioned = stdout_lines(&run(achyk().args(["compile", "--versioned"]).arg(&file)));
    let output = run(achyk()
        .args(["compile", "--package", "--versioned"])
        .arg(&file));
    assert!(output.status.success());
    let package: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(package["version"], "1.1");
    assert_eq!(package["extensions"], json!(EXTENSIONS));
    let records = package["records"].as_array().unwrap();
    assert_eq!(records.len(), compiled.len());
    for ((record, compiled), versioned) in records.iter().zip(&compiled).zip(&versioned) {
        assert_eq!(&record["compiledRelease"], compiled);
        assert_eq!(&record["versionedRelease"], versioned);
        let count = releases
            .iter()
            .filter(|release| release["ocid"] == record["ocid"])
            .count();
        assert_eq!(record["releases"].as_array().unwrap().len(), count);
    }
}

#[test]
fn records_with_linked_releases_use_the_published_compiled_release() {
    let dir = tempfile::tempdir().unwrap();
    let compiled = json!({"ocid": "ocds-rec-1", "id": "ocds-rec-1-2024", "date": "2024-01-01T00:00:00Z", "tag": ["compiled"], "tender": {"title": "as published"}});
    let record_package = json!({
        "uri": "u", "publishedDate": "2024-01-01T00:00:00Z", "version": "1.1",
        "records": [{"ocid": "ocds-rec-1", "releases": [{"url": "https://example.org/r1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"]}], "compiledRelease": compiled}]
    });
    let file = write(
        dir.path(),
        "records.json",
        &serde_json::to_vec(&record_package).unwrap(),
    );
    let output = run(achyk().arg("compile").arg(&file));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout_lines(&output), vec![compiled]);
}

/// Runs `achyk compile -` on `input` fed through a pipe, with `environment` set.
fn compile_piped(input: &[u8], environment: &[(&str, &str)]) -> Output {
    let mut child = achyk()
        .args(["compile", "-"])
        .envs(environment.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeding = std::thread::spawn(move || stdin.write_all(&input).unwrap());
    let output = child.wait_with_output().unwrap();
    feeding.join().unwrap();
    output
}

/// The lines of standard error, sorted, with `path` named `-` as standard input is.
fn sorted_stderr(output: &Output, path: &Path) -> Vec<String> {
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    let mut lines: Vec<String> = stderr
        .lines()
        .filter(|line| !line.contains("sorted runs spilled"))
        .map(|line| line.replace(&path.display().to_string(), "-"))
        .collect();
    lines.sort();
    lines
}

/// Lines of a JSON Lines file are only skimmed when first read, and checked when merged: a
/// broken one must be reported with the same words as when it is read from a pipe (where
/// every line is checked as it is read), left out, and nothing else changed.
#[test]
fn skimmed_lines_are_checked_as_piped_ones_are() {
    let dir = tempfile::tempdir().unwrap();
    let good = releases(8000);
    let broken: Vec<Vec<u8>> = [
        // A number with a leading zero, an unknown escape, a raw tab in a string, invalid
        // UTF-8 deep inside, mismatched brackets: all look like releases with a good head.
        &br#"{"ocid": "ocds-h7i0z4-00000", "date": "2024-01-01T00:00:00Z", "x": 01}"#[..],
        br#"{"ocid": "ocds-h7i0z4-00000", "date": "2024-01-02T00:00:00Z", "x": "a\qb"}"#,
        b"{\"ocid\": \"ocds-h7i0z4-07919\", \"date\": \"2024-01-03T00:00:00Z\", \"x\": \"a\tb\"}",
        b"{\"ocid\": \"ocds-h7i0z4-07919\", \"date\": \"2024-01-04T00:00:00Z\", \"t\": {\"n\": \"\xff\"}}",
        br#"{"ocid": "ocds-h7i0z4-15838", "date": "2024-01-05T00:00:00Z", "t": [1, 2}}"#,
        // The only release of its process, broken: no output for it.
        br#"{"ocid": "ocds-only-broken", "date": "2024-01-06T00:00:00Z", "x": [tru]}"#,
        // A bad date on a broken line: the broken JSON is what is reported.
        br#"{"ocid": "ocds-h7i0z4-00000", "date": "yesterday", "x": nul}"#,
        // An escaped name (left to the full check) and trailing text: read as from a pipe.
        br#"{"oc\u0069d": "ocds-escaped", "date": "2024-01-07T00:00:00Z", "id": "e"}"#,
        br#"{"ocid": "ocds-h7i0z4-00000", "date": "2024-01-08T00:00:00Z"} x"#,
    ]
    .iter()
    .map(|line| line.to_vec())
    .chain([format!(
        r#"{{"ocid": "ocds-deep", "date": "2024-01-09T00:00:00Z", "x": {}{}}}"#,
        "[".repeat(150),
        "]".repeat(150)
    )
    .into_bytes()])
    .collect();
    // Every line above is rejected but the one with an escaped name, and the one nested deeper
    // than the merge reads: reading takes it, and the merge leaves it out with a warning.
    let is_deep = |line: &[u8]| line.starts_with(br#"{"ocid": "ocds-deep""#);
    let is_rejected = |line: &[u8]| !line.starts_with(br#"{"oc\u0069d""#) && !is_deep(line);
    let mut warned = 0;
    let mut input = Vec::new();
    let mut rejected = 0;
    for (number, release) in good.iter().enumerate() {
        serde_json::to_writer(&mut input, release).unwrap();
        input.push(b'\n');
        if number % 2000 == 1 {
            let line = &broken[number / 2000 % broken.len()];
            input.extend_from_slice(line);
            input.push(b'\n');
            rejected += usize::from(is_rejected(line));
            warned += usize::from(is_deep(line));
        }
    }
    for line in &broken {
        input.extend_from_slice(line);
        input.push(b'\n');
        rejected += usize::from(is_rejected(line));
        warned += usize::from(is_deep(line));
    }
    let file = write(dir.path(), "broken.jsonl", &input);
    let piped = compile_piped(&input, &[]);
    assert_eq!(piped.status.code(), Some(1));
    let expected = sorted_stderr(&piped, Path::new("-"));
    // Every broken line is reported once, and counted (the reference for what follows).
    assert_eq!(expected.len(), rejected + warned + 1, "{expected:#?}");
    let deep = "achyk: warning: ocds-deep: release left out: not JSON: nested too deeply";
    assert_eq!(
        expected
            .iter()
            .filter(|line| line.starts_with(deep))
            .count(),
        warned
    );
    let summary = format!("achyk: {rejected} of the input items were rejected");
    assert!(expected.iter().any(|line| line.starts_with(&summary)));
    for memory in ["160", "1"] {
        let output = run(achyk()
            .arg("compile")
            .arg(&file)
            .env("ACHYK_COMPILE_MEMORY_MB", memory));
        assert_eq!(output.status.code(), Some(1), "memory {memory} MB");
        assert_eq!(
            sorted_stderr(&output, &file),
            expected,
            "memory {memory} MB"
        );
        assert_eq!(output.stdout, piped.stdout, "memory {memory} MB");
    }
    let ocids: Vec<Value> = stdout_lines(&piped)
        .iter()
        .map(|release| release["ocid"].clone())
        .collect();
    assert!(ocids.contains(&json!("ocds-escaped")));
    assert!(!ocids.contains(&json!("ocds-only-broken")));
    assert!(!ocids.contains(&json!("ocds-deep")));
}

#[test]
fn escaped_ocids_of_skimmed_lines_group_with_plain_ones() {
    // The same ocid written plainly and with an escape (`\u0065` is `e`), on lines of a file
    // (skimmed) and piped (checked): one process, merged from both.
    let dir = tempfile::tempdir().unwrap();
    let input = concat!(
        r#"{"ocid": "ocds-esc-1", "date": "2024-01-01T00:00:00Z", "id": "1", "a": 1}"#,
        "\n",
        r#"{"ocid": "ocds-\u0065sc-1", "date": "2024-01-02T00:00:00Z", "id": "2", "b": 2}"#,
        "\n",
    );
    let file = write(dir.path(), "escaped.jsonl", input.as_bytes());
    let piped = compile_piped(input.as_bytes(), &[]);
    let read = run(achyk().arg("compile").arg(&file));
    assert!(read.status.success());
    assert_eq!(read.stdout, piped.stdout);
    let compiled = stdout_lines(&read);
    assert_eq!(compiled.len(), 1, "{compiled:#?}");
    assert_eq!(compiled[0]["ocid"], json!("ocds-esc-1"));
    assert_eq!(compiled[0]["id"], json!("ocds-esc-1-2024-01-02T00:00:00Z"));
    assert_eq!(
        (&compiled[0]["a"], &compiled[0]["b"]),
        (&json!(1), &json!(2))
    );
}
