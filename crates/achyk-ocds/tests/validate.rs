//! Tests of `achyk_ocds::validate` on whole publications, read by `read_publication`.
//!
//! Each case is `tests/fixtures/validate/<case>.{json,jsonl,jsonl.gz}` beside `<case>.expected`:
//! the problems and warnings it holds, written by hand from the 1.1.5 schemas, one per line as
//! `path<TAB>kind` (`-` when there is no path), compared as a multiset. Then
//! `expected_files_agree_with_python_jsonschema` checks the schema problems of those files with
//! an independent validator (Python's `jsonschema`, the engine of OCP's lib-cove-ocds), and
//! `real_data_agrees_with_python_jsonschema` does the same on real publications.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use achyk_ocds::read_publication;
use achyk_ocds::validate::{CheckOptions, Checker, Finding, FindingKind, Summary};
use proptest::prelude::*;
use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate")
}

fn case_file(case: &str) -> PathBuf {
    ["json", "jsonl", "jsonl.gz"]
        .iter()
        .map(|extension| fixtures().join(format!("{case}.{extension}")))
        .find(|path| path.exists())
        .unwrap_or_else(|| panic!("no input for case {case}"))
}

/// Checks one publication from bytes, as `achyk validate` does.
fn check_bytes(source: &str, bytes: &[u8], options: CheckOptions) -> (Vec<Finding>, Summary) {
    let mut checker = Checker::new(options);
    let mut findings = Vec::new();
    read_publication(source, bytes, &mut |event| {
        checker.event(event, &mut |finding| findings.push(finding))
    })
    .expect("reading from memory does not fail");
    checker.end_source(&mut |finding| findings.push(finding));
    (findings, checker.summary().clone())
}

fn check_file(path: &Path, options: CheckOptions) -> (Vec<Finding>, Summary) {
    let bytes = std::fs::read(path).unwrap();
    check_bytes(&path.display().to_string(), &bytes, options)
}

fn lines_of(findings: &[Finding]) -> Vec<String> {
    let mut lines: Vec<String> = findings
        .iter()
        .map(|finding| {
            format!(
                "{}\t{}",
                finding.path.as_deref().unwrap_or("-"),
                finding.kind.name()
            )
        })
        .collect();
    lines.sort();
    lines
}

fn expected(case: &str) -> Vec<String> {
    let text = std::fs::read_to_string(fixtures().join(format!("{case}.expected"))).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines.sort();
    lines
}

fn check(case: &str) {
    let (findings, _) = check_file(&case_file(case), CheckOptions::default());
    let printed: Vec<String> = findings.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines_of(&findings),
        expected(case),
        "case {case}; found:\n{}",
        printed.join("\n")
    );
}

const CASES: &[&str] = &[
    "valid-release",
    "fictional-sample",
    "missing-required",
    "wrong-types",
    "bad-enum",
    "bad-date",
    "lots-declared",
    "lots-undeclared",
    "unknown-extension",
    "package-metadata",
    "record-package",
    "broken-lines",
    "packages-per-line",
    "truncated",
];

#[test]
fn valid_release() {
    check("valid-release");
}

#[test]
fn fictional_sample_is_valid() {
    check("fictional-sample");
}

#[test]
fn missing_required_fields() {
    check("missing-required");
}

#[test]
fn wrong_types() {
    check("wrong-types");
}

#[test]
fn values_outside_closed_codelists() {
    check("bad-enum");
}

#[test]
fn bad_date_times_and_uris() {
    check("bad-date");
}

#[test]
fn extension_fields_are_checked_when_declared() {
    check("lots-declared");
}

#[test]
fn extension_fields_are_not_checked_when_undeclared() {
    check("lots-undeclared");
}

#[test]
fn unknown_extension_is_a_warning() {
    check("unknown-extension");
}

#[test]
fn package_metadata() {
    check("package-metadata");
}

#[test]
fn record_package() {
    check("record-package");
}

#[test]
fn broken_lines_are_reported_and_the_rest_checked() {
    check("broken-lines");
}

#[test]
fn each_package_of_json_lines_has_its_own_extensions() {
    check("packages-per-line");
}

#[test]
fn truncated_gzip() {
    check("truncated");
}

#[test]
fn every_fixture_is_a_case() {
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if let Some(case) = name.strip_suffix(".expected") {
            assert!(CASES.contains(&case), "{case} has no test");
            let _ = case_file(case);
        }
    }
}

#[test]
fn findings_come_in_input_order_with_locations() {
    let (findings, summary) = check_file(&case_file("broken-lines"), CheckOptions::default());
    let located: Vec<(Option<u64>, Option<&str>, &str)> = findings
        .iter()
        .map(|finding| (finding.line, finding.ocid.as_deref(), finding.kind.name()))
        .collect();
    assert_eq!(
        located,
        [
            (Some(2), None, "input"),
            (Some(3), Some("ocds-abc123-0014"), "enum"),
            (Some(4), None, "input"),
            (Some(5), None, "input"),
            (Some(6), Some("ocds-abc123-0015"), "required"),
            (Some(7), None, "input"),
            (Some(9), Some("ocds-abc123-0017"), "type"),
        ]
    );
    assert_eq!(
        summary.to_string(),
        "4 items checked, 7 problems in 3 items and 4 unreadable parts (enum 1, input 4, required 1, type 1)"
    );
    let enum_problem = &findings[1];
    assert_eq!(enum_problem.path.as_deref(), Some("/tender/status"));
    assert!(
        enum_problem
            .to_string()
            .ends_with(":3 [ocds-abc123-0014] /tender/status: enum: \"open-ish\" is not a code of the closed codelist tenderStatus.csv (\"planning\", \"planned\", \"active\", \"cancelled\", \"unsuccessful\", \"complete\", \"withdrawn\", null)"),
        "{enum_problem}"
    );
}

#[test]
fn summary_of_valid_input_and_of_warnings() {
    let (_, summary) = check_file(&case_file("fictional-sample"), CheckOptions::default());
    assert_eq!(summary.to_string(), "6 items checked, no problems");
    assert!(!summary.has_problems());
    let (_, summary) = check_file(&case_file("unknown-extension"), CheckOptions::default());
    assert_eq!(
        summary.to_string(),
        "1 item checked, 1 problem in 1 item (type 1); 1 warning (unknownExtension 1)"
    );
}

/// A package whose items outgrow what may wait for its `extensions`: they are checked against
/// the core schema (no false problems), and a warning says their extension fields were not.
#[test]
fn items_that_cannot_wait_are_checked_without_extensions_and_a_warning_says_so() {
    let (findings, summary) =
        check_file(&case_file("lots-declared"), CheckOptions { hold_bytes: 10 });
    assert_eq!(
        lines_of(&findings),
        ["/extensions\tuncheckedExtensions"],
        "{findings:#?}"
    );
    assert_eq!(summary.items, 1);
    assert!(!summary.has_problems());
}

#[test]
fn unknown_extensions_are_reported_once_per_source() {
    let package = json!({
        "uri": "https://example.com/p.json", "version": "1.1", "publishedDate": "2024-05-01T10:00:00Z",
        "publisher": {"name": "P"},
        "extensions": ["https://example.com/ocds_other_extension/extension.json"],
        "releases": [{"ocid": "ocds-x-1", "id": "1", "date": "2024-05-01T09:00:00Z", "tag": ["tender"], "initiationType": "tender"}]
    })
    .to_string();
    let text = format!("{package}\n{package}\n");
    let (findings, summary) = check_bytes("twice.jsonl", text.as_bytes(), CheckOptions::default());
    assert_eq!(lines_of(&findings), ["/extensions\tunknownExtension"]);
    assert_eq!(findings[0].line, Some(1));
    assert_eq!(summary.items, 2);
    assert_eq!(summary.packages, 2);
}

// ---------------------------------------------------------------------------------------------
// No panic on any input.

#[test]
fn deeply_nested_items_are_reported_not_crashed() {
    let release = |tender: &str| {
        format!(
            r#"{{"ocid":"ocds-x-1","id":"1","date":"2024-05-01T09:00:00Z","tag":["tender"],"initiationType":"tender","tender":{tender}}}"#
        )
    };
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let text = format!("{}\n{}\n", release(&deep), release("{\"id\":\"T\"}"));
    let (findings, summary) = check_bytes("deep.jsonl", text.as_bytes(), CheckOptions::default());
    let kinds: Vec<&str> = findings.iter().map(|finding| finding.kind.name()).collect();
    assert!(kinds == ["json"] || kinds == ["input"], "{findings:#?}");
    assert!(summary.items >= 1);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_fixtures_never_panic(
        case in prop::sample::select(CASES),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = std::fs::read(case_file(case)).unwrap();
        for (index, byte, operation) in edits {
            if bytes.is_empty() {
                break;
            }
            let position = index.index(bytes.len());
            match operation {
                0 => bytes[position] = byte,
                1 => bytes.insert(position, byte),
                _ => { bytes.remove(position); }
            }
        }
        if truncate && !bytes.is_empty() {
            bytes.truncate(cut.index(bytes.len()));
        }
        let (findings, summary) = check_bytes("mutated", &bytes, CheckOptions { hold_bytes: 300 });
        let counted: u64 = summary.by_kind.values().sum();
        prop_assert_eq!(counted, summary.problems + summary.warnings);
        prop_assert_eq!(findings.len() as u64, counted);
        prop_assert!(summary.items_with_problems <= summary.items);
    }
}

// ---------------------------------------------------------------------------------------------
// Against an independent validator.

/// Whether Python's `jsonschema` with both format checkers is here.
fn python_reference_available() -> bool {
    let found = Command::new("python3")
        .args([
            "-c",
            "import jsonschema, referencing, rfc3339_validator, rfc3987",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        eprintln!(
            "SKIPPED: the reference needs python3 with jsonschema, rfc3339-validator and rfc3987 \
             (pip install jsonschema rfc3339-validator rfc3987)"
        );
    }
    found
}

/// The schema problems Python's `jsonschema` finds in a publication, as `path<TAB>keyword`.
fn python_problems(file: &Path) -> Vec<String> {
    let output = Command::new("python3")
        .arg(fixtures().join("reference.py"))
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schema"))
        .arg(file)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "reference.py failed on {}: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut lines: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

fn schema_lines(lines: Vec<String>) -> Vec<String> {
    lines
        .into_iter()
        .filter(|line| {
            let kind = line.rsplit('\t').next().unwrap();
            !matches!(
                kind,
                "input" | "json" | "unknownExtension" | "uncheckedExtensions"
            )
        })
        .collect()
}

#[test]
fn expected_files_agree_with_python_jsonschema() {
    if !python_reference_available() {
        return;
    }
    for case in CASES {
        let file = case_file(case);
        if file.extension().is_some_and(|extension| extension == "gz") {
            continue;
        }
        assert_eq!(
            python_problems(&file),
            schema_lines(expected(case)),
            "case {case}: the hand-written expectation and Python's jsonschema disagree"
        );
    }
}

/// Real publications, including OCP's fictional sample and releases from Ukraine's ProZorro
/// (kept for the merge tests), which break the schema in places.
#[test]
fn real_data_agrees_with_python_jsonschema() {
    if !python_reference_available() {
        return;
    }
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for folder in [
        "tests/fixtures/merge/prozorro",
        "tests/fixtures/merge/fictional",
    ] {
        for entry in std::fs::read_dir(crate_dir.join(folder)).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    files.sort();
    let mut compared = 0;
    for file in files {
        let (findings, _) = check_file(&file, CheckOptions::default());
        let ours = schema_lines(lines_of(&findings));
        assert_eq!(ours, python_problems(&file), "{}", file.display());
        compared += ours.len();
    }
    assert!(compared > 0, "the real data should hold some problems");
}

/// Releases of OCP's fictional sample, changed at random (values replaced, members removed,
/// members added, including extension fields and language variants such as `title_ru`), in
/// packages that declare all known extensions or none: the problems found agree with Python's.
#[test]
fn mutated_releases_agree_with_python_jsonschema() {
    if !python_reference_available() {
        return;
    }
    let sample: Value =
        serde_json::from_slice(&std::fs::read(case_file("fictional-sample")).unwrap()).unwrap();
    let releases = sample["releases"].as_array().unwrap().clone();
    let pool = [
        json!("x"),
        json!(""),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(null),
        json!(true),
        json!([]),
        json!([1]),
        json!({}),
        json!({"id": 1}),
        json!("2020-01-01T00:00:00Z"),
        json!("2020-01-01"),
        json!("https://example.com/a"),
        json!("not a uri"),
        json!("open-ish"),
        json!("active"),
        json!("tender"),
        json!(["tender"]),
        json!(["x"]),
        json!({"amount": "1", "currency": "KGS"}),
        json!([{"id": "1"}, {"id": "1"}]),
        json!(["a", "a"]),
        json!([{"id": 2, "status": "x", "value": {"amount": "1"}}]),
    ];
    let keys = [
        "id",
        "status",
        "value",
        "amount",
        "date",
        "title",
        "title_en",
        "description_ru-KG",
        "lots",
        "relatedLot",
        "relatedLots",
        "bids",
        "enquiries",
        "lotDetails",
        "items",
        "url",
    ];
    let mut random = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |below: usize| {
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        (random % below as u64) as usize
    };
    let extensions = json!([
        "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
        "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
        "https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/v1.1.5/extension.json"
    ]);
    let mut text = String::new();
    for round in 0..800 {
        let mut release = releases[next(releases.len())].clone();
        for _ in 0..1 + next(4) {
            let mut pointers = Vec::new();
            collect_pointers(&release, String::new(), &mut pointers);
            pointers.retain(|pointer| !pointer.is_empty() && pointer != "/ocid");
            let pointer = pointers[next(pointers.len())].clone();
            match next(3) {
                0 => *release.pointer_mut(&pointer).unwrap() = pool[next(pool.len())].clone(),
                1 => {
                    let (parent, last) = pointer.rsplit_once('/').unwrap();
                    match release.pointer_mut(parent).unwrap() {
                        Value::Object(members) => {
                            members.shift_remove(last);
                        }
                        Value::Array(elements) => {
                            elements.remove(last.parse::<usize>().unwrap());
                        }
                        _ => unreachable!(),
                    }
                }
                _ => {
                    if let Some(Value::Object(members)) = release.pointer_mut(&pointer) {
                        members.insert(
                            keys[next(keys.len())].to_string(),
                            pool[next(pool.len())].clone(),
                        );
                    }
                }
            }
        }
        let mut package = json!({
            "uri": format!("https://example.com/{round}.json"), "version": "1.1",
            "publishedDate": "2024-05-01T10:00:00Z", "publisher": {"name": "P"},
            "releases": [release]
        });
        if round % 2 == 0 {
            package["extensions"] = extensions.clone();
        }
        text.push_str(&package.to_string());
        text.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mutated.jsonl");
    std::fs::write(&file, &text).unwrap();
    let (findings, summary) = check_file(&file, CheckOptions::default());
    assert_eq!(summary.items, 800);
    let ours = schema_lines(lines_of(&findings));
    assert!(
        ours.len() > 400,
        "the mutations should break the schema often"
    );
    assert_eq!(ours, python_problems(&file));
}

fn collect_pointers(value: &Value, pointer: String, out: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                collect_pointers(member, format!("{pointer}/{escaped}"), out);
            }
        }
        Value::Array(elements) => {
            for (index, element) in elements.iter().enumerate() {
                collect_pointers(element, format!("{pointer}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(pointer);
}

/// `date-time` and `uri` formats agree with Python's `jsonschema` (`rfc3339-validator`,
/// `rfc3987`) on strings made by mutating valid ones.
#[test]
fn formats_agree_with_python_jsonschema() {
    if !python_reference_available() {
        return;
    }
    let mut random = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |below: usize| {
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        (random % below as u64) as usize
    };
    let alphabet: Vec<char> = "0123456789TtZz+-:. x/#?%@[]éa{}".chars().collect();
    let mut mutate = |seed: &str, count: usize| -> Vec<String> {
        (0..count)
            .map(|_| {
                let mut chars: Vec<char> = seed.chars().collect();
                for _ in 0..1 + next(3) {
                    let position = next(chars.len() + 1);
                    let replacement = alphabet[next(alphabet.len())];
                    match next(3) {
                        0 if position < chars.len() => chars[position] = replacement,
                        1 => chars.insert(position, replacement),
                        _ if position < chars.len() => {
                            chars.remove(position);
                        }
                        _ => {}
                    }
                }
                chars.into_iter().collect()
            })
            .collect()
    };
    let mut dates = mutate("2024-02-29T23:59:59.5+06:00", 1500);
    dates.extend(mutate("2023-12-31T00:00:00Z", 500));
    let mut uris = mutate("https://user@example.com:8080/a/b%20c?x=1#top", 1500);
    uris.extend(mutate("urn:isbn:0451450523", 300));

    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("formats.py");
    std::fs::write(
        &script,
        "import json, sys\nfrom jsonschema import Draft4Validator\nchecker = Draft4Validator.FORMAT_CHECKER\n\
         for line in sys.stdin:\n    fmt, value = json.loads(line)\n    print(json.dumps(checker.conforms(value, fmt)))\n",
    )
    .unwrap();
    let mut child = Command::new("python3")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let cases: Vec<(&str, &String)> = dates
        .iter()
        .map(|date| ("date-time", date))
        .chain(uris.iter().map(|uri| ("uri", uri)))
        .collect();
    {
        let mut stdin = child.stdin.take().unwrap();
        for (format, value) in &cases {
            writeln!(stdin, "{}", json!([format, value])).unwrap();
        }
    }
    let output = child.wait_with_output().unwrap();
    let verdicts: Vec<bool> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| line == "true")
        .collect();
    assert_eq!(verdicts.len(), cases.len());

    // Through the public API: a release whose `date` (date-time) and a document whose `url`
    // (uri) hold the string, and whether a `format` problem is reported at that path.
    let validator = achyk_ocds::validate::Validator::new(&[]);
    let mut disagreements = BTreeMap::new();
    for ((format, value), python) in cases.iter().zip(verdicts) {
        let (release, path) = if *format == "date-time" {
            (json!({"date": value}), "/date")
        } else {
            (
                json!({"tender": {"documents": [{"id": "1", "url": value}]}}),
                "/tender/documents/0/url",
            )
        };
        let ours = !validator
            .validate_release(&release)
            .iter()
            .any(|problem| problem.path == path && problem.keyword.as_str() == "format");
        if ours != python {
            disagreements.insert((*value).clone(), python);
        }
    }
    assert!(
        disagreements.is_empty(),
        "Python's verdicts differ: {disagreements:#?}"
    );
}

#[test]
fn finding_kinds_have_stable_names() {
    assert_eq!(FindingKind::Input.name(), "input");
    assert!(FindingKind::UnknownExtension.is_warning());
    assert!(!FindingKind::Json.is_warning());
}

#[test]
fn reading_a_file_through_a_handle_works_too() {
    // `achyk validate` hands `read_publication` an open file rather than bytes.
    let path = case_file("bad-enum");
    let mut checker = Checker::new(CheckOptions::default());
    let mut count = 0;
    read_publication("bad-enum.json", File::open(&path).unwrap(), &mut |event| {
        checker.event(event, &mut |_| count += 1)
    })
    .unwrap();
    checker.end_source(&mut |_| count += 1);
    assert_eq!(count, 5);
}
