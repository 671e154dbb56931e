//! The publication reader, case by case: each `tests/fixtures/read/<case>.<ext>` is read and the
//! events it gives are compared with `<case>.expected`, written by hand.
//!
//! Format of an `.expected` file, one event a line, in order (`#` starts a comment line):
//!
//! ```text
//! item <Kind> line=<n|-> index=<n> ocid=<ocid|-> id=<id|->
//! issue line=<n|-> index=<n>[ ocid=<ocid>][ path=<path>] | <part of the message>
//! package uri=<..|-> version=<..|-> published=<..|-> publisher=<name|-> extensions=[<url>,<url>]
//! ```
//!
//! Everything before ` | ` must match exactly; the message must contain what follows it.

use std::cell::Cell;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use achyk_ocds::read::{Event, ItemKind, ReadOptions, read_publication, read_publication_with};
use flate2::Compression;
use flate2::write::GzEncoder;
use proptest::prelude::*;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/read")
}

/// The input file of a case: the one file named `<case>.<something>` that is not `.expected`.
fn input_of(case: &str) -> PathBuf {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        if path.file_stem().and_then(|stem| stem.to_str()) == Some(case)
            && path
                .extension()
                .is_some_and(|extension| extension != "expected")
        {
            found.push(path);
        }
    }
    assert_eq!(
        found.len(),
        1,
        "case {case} needs exactly one input file, found {found:?}"
    );
    found.remove(0)
}

fn read_all(bytes: &[u8]) -> Vec<Event> {
    read_with(bytes, &ReadOptions::default())
}

fn read_with(bytes: &[u8], options: &ReadOptions) -> Vec<Event> {
    let mut events = Vec::new();
    read_publication_with("input", bytes, options, &mut |event| events.push(event))
        .expect("no IO error reading from memory");
    events
}

fn text_field(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(number)) => number.to_string(),
        _ => "-".to_owned(),
    }
}

fn or_dash(value: Option<impl ToString>) -> String {
    value.map_or_else(|| "-".to_owned(), |value| value.to_string())
}

/// One event in the `.expected` format (issues with their whole message after ` | `).
fn render(event: &Event) -> String {
    match event {
        Event::Item(item) => {
            let value: Value = serde_json::from_str(&item.json)
                .unwrap_or_else(|error| panic!("item is not JSON ({error}): {}", item.json));
            assert!(
                item.json.trim() == item.json,
                "item text has surrounding whitespace: {:?}",
                item.json
            );
            let kind = match item.kind {
                ItemKind::Release => "Release",
                ItemKind::CompiledRelease => "CompiledRelease",
                ItemKind::VersionedRelease => "VersionedRelease",
                ItemKind::Project => "Project",
            };
            format!(
                "item {kind} line={} index={} ocid={} id={}",
                or_dash(item.location.line),
                item.location.index,
                text_field(&value, "ocid"),
                text_field(&value, "id")
            )
        }
        Event::Issue(issue) => {
            let mut text = format!(
                "issue line={} index={}",
                or_dash(issue.location.line),
                issue.location.index
            );
            if let Some(ocid) = &issue.ocid {
                text += &format!(" ocid={ocid}");
            }
            if let Some(path) = &issue.path {
                text += &format!(" path={path}");
            }
            format!("{text} | {}", issue.message)
        }
        Event::Package(meta) => {
            assert_eq!(meta.source.as_deref(), Some("input"));
            let publisher = meta
                .publisher
                .as_ref()
                .map(|publisher| text_field(publisher, "name"));
            format!(
                "package uri={} version={} published={} publisher={} extensions=[{}]",
                or_dash(meta.uri.as_ref()),
                or_dash(meta.version.as_ref()),
                or_dash(meta.published_date.as_ref()),
                or_dash(publisher),
                meta.extensions.join(",")
            )
        }
    }
}

fn expected_lines(case: &str) -> Vec<String> {
    let path = fixtures().join(format!("{case}.expected"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    text.lines()
        .map(str::trim_end)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

fn compare(case: &str, how: &str, events: &[Event]) {
    let expected = expected_lines(case);
    let actual: Vec<String> = events.iter().map(render).collect();
    let report = || {
        format!(
            "case {case} ({how})\nexpected:\n  {}\nactual:\n  {}",
            expected.join("\n  "),
            actual.join("\n  ")
        )
    };
    assert_eq!(expected.len(), actual.len(), "{}", report());
    for (want, got) in expected.iter().zip(&actual) {
        match want.split_once(" | ") {
            Some((head, message)) => {
                let (got_head, got_message) = got.split_once(" | ").unwrap_or((got, ""));
                assert!(
                    head == got_head && got_message.contains(message),
                    "{}\nmismatch: {want}",
                    report()
                );
            }
            None => assert_eq!(want, got, "{}", report()),
        }
    }
}

fn check(case: &str) {
    let bytes = std::fs::read(input_of(case)).unwrap();
    compare(case, "as it is", &read_all(&bytes));
    // Compression changes nothing, whether in one gzip member or two.
    compare(case, "gzip", &read_all(&gzip(&bytes)));
    let (head, tail) = bytes.split_at(bytes.len() / 2);
    compare(
        case,
        "gzip in two members",
        &read_all(&[gzip(head), gzip(tail)].concat()),
    );
}

/// A case read with almost nothing held back: every top-level array element and every
/// `releases` member is then read member by member, and must give the same events.
fn check_holding_nothing(case: &str) {
    let bytes = std::fs::read(input_of(case)).unwrap();
    compare(
        case,
        "holding nothing back",
        &read_with(&bytes, &ReadOptions { hold_limit: 1 }),
    );
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

macro_rules! cases {
    ($($case:ident)*) => {$(
        #[test]
        fn $case() {
            check(stringify!($case));
        }
    )*};
}

cases! {
    package_extensions_after_releases
    package_releases_first
    releases_not_an_array
    record_package_linked
    record_package_full
    bare_release
    bare_record_releases_before_ocid
    array_of_releases
    array_of_packages
    releases
    packages
    record_packages
    concatenated
    truncated_package
    truncated_release
    truncated_concatenated
    invalid_json_stops
    invalid_utf8
    invalid_utf8_package
    invalid_utf8_array
    bom_crlf
    broken_first_line
    not_objects
    fictional_package
    fictional_record_package
    fictional_record_package_with_versions
    prozorro_bare_record
    prozorro_bare_release
}

macro_rules! cases_holding_nothing {
    ($($case:ident)*) => {$(
        #[test]
        fn $case() {
            check_holding_nothing(stringify!($case));
        }
    )*};
}

/// The cases whose events do not depend on how much is held back.
mod holding_nothing {
    use super::check_holding_nothing;
    cases_holding_nothing! {
        package_extensions_after_releases
        array_of_releases
        array_of_packages
        concatenated
        invalid_json_stops
        invalid_utf8_array
        not_objects
        truncated_package
        fictional_package
    }
}

#[test]
fn every_fixture_has_a_test() {
    let source =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/read.rs"))
            .unwrap();
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        if path
            .extension()
            .is_some_and(|extension| extension == "expected")
        {
            let case = path.file_stem().unwrap().to_str().unwrap();
            assert!(
                source.contains(&format!("\n    {case}\n")),
                "no test for fixture {case}"
            );
        }
    }
}

fn items(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|event| match event {
            Event::Item(item) => Some(item.json.clone()),
            _ => None,
        })
        .collect()
}

fn issues(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|event| match event {
            Event::Issue(issue) => Some(issue.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn package_releases_are_the_exact_text_of_the_input() {
    let text = std::fs::read_to_string(fixtures().join("fictional_package.json")).unwrap();
    let found = items(&read_all(text.as_bytes()));
    assert_eq!(found.len(), 6);
    for json in &found {
        // Pretty-printed, with the input's own indentation inside.
        assert!(
            json.starts_with("{\n      \"ocid\": \"ocds-213czf-000-00001\""),
            "{json}"
        );
        assert!(
            text.contains(json.as_str()),
            "not a verbatim part of the input: {json}"
        );
    }
}

#[test]
fn items_are_verbatim_parts_of_the_input() {
    for name in [
        "package_extensions_after_releases.json",
        "record_package_linked.json",
        "record_package_full.json",
        "array_of_releases.json",
        "array_of_packages.json",
        "releases.jsonl",
        "packages.jsonl",
        "record_packages.jsonl",
        "fictional_record_package_with_versions.json",
        "prozorro_bare_record.json",
    ] {
        let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
        let found = items(&read_all(text.as_bytes()));
        assert!(!found.is_empty(), "{name}");
        for json in &found {
            assert!(
                text.contains(json.as_str()),
                "{name}: not a verbatim part of the input: {json}"
            );
        }
    }
}

#[test]
fn a_streamed_bare_release_keeps_its_values_byte_for_byte() {
    let text = std::fs::read_to_string(fixtures().join("bare_release.json")).unwrap();
    let expected = "{\"tag\":[\"tender\"],\"date\":\"2020-04-01T00:00:00Z\",\"ocid\":\"ocds-d-1\",\"id\":\"d1\",\"tender\":{\n    \"id\": \"t1\",\n    \"title\": \"Caf\\u00e9 \\\"supplies\\\"\"\n  }}";
    assert_eq!(items(&read_all(text.as_bytes())), vec![expected.to_owned()]);
}

#[test]
fn array_releases_are_the_exact_text_of_the_input() {
    let text = "[\n  {\n    \"ocid\": \"a\",\n    \"date\": \"2020-01-01\"\n  } ,\n{\"ocid\":\"b\" , \"date\":\"2020-01-02\"}\n]";
    let found = items(&read_all(text.as_bytes()));
    assert_eq!(
        found,
        [
            "{\n    \"ocid\": \"a\",\n    \"date\": \"2020-01-01\"\n  }",
            "{\"ocid\":\"b\" , \"date\":\"2020-01-02\"}"
        ]
    );
}

#[test]
fn errors_in_a_one_line_package_have_their_column() {
    let text = r#"{"releases":[{"ocid":"a","date":"x"},{"ocid" "b"}],"version":"1.1"}"#;
    let rendered: Vec<String> = read_all(text.as_bytes()).iter().map(render).collect();
    assert_eq!(
        rendered,
        [
            "item Release line=1 index=0 ocid=a id=-",
            "issue line=1 index=1 path=/releases/1 | invalid JSON: expected `:` at line 1 column 46; release skipped",
            "package uri=- version=1.1 published=- publisher=- extensions=[]",
        ]
    );
    let text = r#"{"version":"1.1","releases":[{"ocid":"a","date":"x"}}"#;
    let rendered: Vec<String> = read_all(text.as_bytes()).iter().map(render).collect();
    assert_eq!(
        rendered,
        [
            "item Release line=1 index=0 ocid=a id=-",
            "issue line=1 index=1 | invalid JSON: expected `,` or `]` after element 0 of `/releases`, found `}` at column 53; the rest of this input is not read",
        ]
    );
}

#[test]
fn a_json_line_release_is_the_line_itself() {
    let line = r#"{"ocid" : "ocds-x-1",   "date":"2020-01-01T00:00:00Z", "title": "\u00e9\n"}"#;
    let input = format!("{line}\r\n{line}\n");
    assert_eq!(
        items(&read_all(input.as_bytes())),
        vec![line.to_owned(), line.to_owned()]
    );
}

#[test]
fn releases_before_ocid_read_as_a_package_past_the_hold_limit() {
    let bytes = std::fs::read(fixtures().join("bare_record_releases_before_ocid.json")).unwrap();
    let options = ReadOptions { hold_limit: 10 };
    let rendered: Vec<String> = read_with(&bytes, &options).iter().map(render).collect();
    assert_eq!(
        rendered,
        [
            "item Release line=3 index=0 ocid=ocds-e-1 id=1",
            "item Release line=4 index=1 ocid=ocds-e-1 id=2",
            "package uri=- version=- published=- publisher=- extensions=[]",
        ]
    );
}

#[test]
fn empty_and_blank_inputs_give_nothing() {
    for input in ["", "\n\n  \t\r\n", "\u{feff}"] {
        assert!(read_all(input.as_bytes()).is_empty(), "{input:?}");
    }
    assert!(read_all(&gzip(b"")).is_empty());
}

#[test]
fn an_issue_displays_where_it_is() {
    let events = read_all(b"{\"ocid\": \"a\", \"date\": \"2020-01-01\"}\n{oops}\n");
    assert_eq!(
        issues(&events),
        ["input:2: invalid JSON: key must be a string at column 2; line skipped"]
    );
}

/// Compresses `lines`, making everything up to `kept` lines decodable, and cuts the stream off
/// there, before the rest and the gzip trailer.
fn truncated_gzip(lines: &[&str], kept: usize) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    for line in &lines[..kept] {
        writeln!(encoder, "{line}").unwrap();
    }
    encoder.flush().unwrap();
    let cut = encoder.get_ref().len();
    for line in &lines[kept..] {
        writeln!(encoder, "{line}").unwrap();
    }
    let mut bytes = encoder.finish().unwrap();
    bytes.truncate(cut);
    bytes
}

#[test]
fn a_truncated_gzip_stream_keeps_what_came_before() {
    let lines = [
        r#"{"ocid": "ocds-u-1", "id": "1", "date": "2021-01-01T00:00:00Z"}"#,
        r#"{"ocid": "ocds-u-1", "id": "2", "date": "2021-01-02T00:00:00Z"}"#,
        r#"{"ocid": "ocds-u-1", "id": "3", "date": "2021-01-03T00:00:00Z"}"#,
    ];
    let events = read_all(&truncated_gzip(&lines, 2));
    let rendered: Vec<String> = events.iter().map(render).collect();
    assert_eq!(rendered.len(), 3, "{rendered:?}");
    assert_eq!(
        rendered[0],
        "item Release line=1 index=0 ocid=ocds-u-1 id=1"
    );
    assert_eq!(
        rendered[1],
        "item Release line=2 index=1 ocid=ocds-u-1 id=2"
    );
    assert!(
        rendered[2].starts_with("issue line=3 index=2 | truncated gzip stream"),
        "{}",
        rendered[2]
    );

    // The same for a streamed package, cut inside its third release.
    let package = [
        "{\"version\": \"1.1\", \"releases\": [",
        r#"{"ocid": "ocds-u-2", "id": "1", "date": "2021-01-01T00:00:00Z"},"#,
        r#"{"ocid": "ocds-u-2", "id": "2", "date": "2021-01-02T00:00:00Z"},"#,
        r#"{"ocid": "ocds-u-2", "id": "3", "date": "2021-01-03T00:00:00Z"}"#,
        "]}",
    ];
    let events = read_all(&truncated_gzip(&package, 3));
    let rendered: Vec<String> = events.iter().map(render).collect();
    assert_eq!(rendered.len(), 3, "{rendered:?}");
    assert_eq!(
        rendered[0],
        "item Release line=2 index=0 ocid=ocds-u-2 id=1"
    );
    assert_eq!(
        rendered[1],
        "item Release line=3 index=1 ocid=ocds-u-2 id=2"
    );
    assert!(
        rendered[2].contains("| truncated gzip stream"),
        "{}",
        rendered[2]
    );
}

#[test]
fn corrupt_gzip_is_an_issue_not_an_error() {
    let mut bytes = gzip(b"{\"ocid\": \"a\", \"date\": \"2020-01-01\"}\n");
    let checksum = bytes.len() - 8;
    bytes[checksum] ^= 0xff;
    let events = read_all(&bytes);
    assert_eq!(items(&events).len(), 1);
    assert_eq!(issues(&events).len(), 1);
    assert!(
        issues(&events)[0].contains("invalid gzip stream"),
        "{:?}",
        issues(&events)
    );
}

/// Hands out `good` bytes, then fails.
struct FailingReader {
    good: Vec<u8>,
    position: usize,
}

impl Read for FailingReader {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if self.position == self.good.len() {
            return Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "the disk is on fire",
            ));
        }
        let count = buffer.len().min(self.good.len() - self.position).min(7);
        buffer[..count].copy_from_slice(&self.good[self.position..self.position + count]);
        self.position += count;
        Ok(count)
    }
}

#[test]
fn an_error_of_the_underlying_reader_is_returned() {
    let jsonl = b"{\"ocid\": \"a\", \"date\": \"2020-01-01\"}\n{\"ocid\": \"b\", \"date\": \"2020-01-01\"}\n".to_vec();
    let package =
        b"{\"releases\": [{\"ocid\": \"a\", \"date\": \"2020-01-01\"}, {\"ocid\": \"b\"".to_vec();
    for good in [
        jsonl.clone(),
        package.clone(),
        gzip(&jsonl),
        gzip(&package)[..30].to_vec(),
        Vec::new(),
    ] {
        let mut seen = Vec::new();
        let result = read_publication("input", FailingReader { good, position: 0 }, &mut |event| {
            seen.push(render(&event))
        });
        let error = result.expect_err("the reader's error comes back");
        assert_eq!(error.kind(), io::ErrorKind::ConnectionReset);
        assert!(
            seen.iter().all(|event| !event.starts_with("issue")),
            "{seen:?}"
        );
    }
}

/// Counts the bytes taken from the reader it wraps.
struct CountingReader<R> {
    inner: R,
    taken: Rc<Cell<u64>>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let count = self.inner.read(buffer)?;
        self.taken.set(self.taken.get() + count as u64);
        Ok(count)
    }
}

#[test]
fn a_big_package_streams() {
    const RELEASES: usize = 200_000;
    let mut file = tempfile::tempfile().unwrap();
    {
        let mut writer = io::BufWriter::new(&mut file);
        writeln!(
            writer,
            "{{\"uri\": \"https://example.org/big.json\", \"releases\": ["
        )
        .unwrap();
        for number in 0..RELEASES {
            let separator = if number + 1 < RELEASES { "," } else { "" };
            writeln!(writer, "  {{\"ocid\": \"ocds-big-{}\", \"id\": \"{number}\", \"date\": \"2020-01-01T00:00:00Z\"}}{separator}", number / 3).unwrap();
        }
        write!(
            writer,
            "], \"extensions\": [\"https://example.org/lots/extension.json\"]}}"
        )
        .unwrap();
    }
    let size = file.metadata().unwrap().len();
    io::Seek::rewind(&mut file).unwrap();

    let taken = Rc::new(Cell::new(0u64));
    let reader = CountingReader {
        inner: file,
        taken: taken.clone(),
    };
    let mut taken_at_first_item = None;
    let mut count = 0usize;
    let mut last = None;
    read_publication("input", reader, &mut |event| {
        if let Event::Item(item) = &event {
            taken_at_first_item.get_or_insert(taken.get());
            assert_eq!(item.location.index, count as u64);
            assert_eq!(item.location.line, Some(count as u64 + 2));
            count += 1;
        }
        last = Some(render(&event));
    })
    .unwrap();
    assert_eq!(count, RELEASES);
    assert_eq!(taken.get(), size);
    assert_eq!(
        last.as_deref(),
        Some(
            "package uri=https://example.org/big.json version=- published=- publisher=- extensions=[https://example.org/lots/extension.json]"
        )
    );
    // The first release reached the sink when only the first few buffers had been read.
    let first = taken_at_first_item.unwrap();
    assert!(first < size / 8, "first item after {first} of {size} bytes");
}

/// The ways one list of releases can be published.
fn forms(releases: &[String], split: usize) -> Vec<(&'static str, Vec<u8>)> {
    let split = split.min(releases.len());
    let package = |releases: &[String], separator: &str| {
        format!(
            "{{\"version\": \"1.1\",\n \"releases\": [{}]}}",
            releases.join(separator)
        )
    };
    let jsonl = releases.join("\n");
    let mut forms = vec![
        ("json lines", jsonl.clone().into_bytes()),
        ("package", package(releases, ",\n    ").into_bytes()),
        (
            "package, releases before its metadata",
            format!("{{\"releases\": [{}], \"uri\": \"u\"}}", releases.join(",")).into_bytes(),
        ),
        (
            "array",
            format!("[\n{}\n]", releases.join(",\n")).into_bytes(),
        ),
        ("concatenated", releases.join(" ").into_bytes()),
        (
            "array of packages",
            format!(
                "[{}, {}]",
                package(&releases[..split], ","),
                package(&releases[split..], ",")
            )
            .into_bytes(),
        ),
        (
            "json lines of packages",
            format!(
                "{}\n{}",
                package(&releases[..split], ",").replace('\n', " "),
                package(&releases[split..], ", ").replace('\n', " ")
            )
            .into_bytes(),
        ),
        ("gzip package", gzip(package(releases, ",").as_bytes())),
        ("gzip json lines", gzip(jsonl.as_bytes())),
    ];
    if let Some(first) = releases.first() {
        // A bare record holding the releases, which come before its `ocid`.
        let record = format!(
            "{{\"releases\": [{}], \"ocid\": {}}}",
            releases.join(","),
            serde_json::to_string(&serde_json::from_str::<Value>(first).unwrap()["ocid"]).unwrap()
        );
        forms.push(("bare record", record.into_bytes()));
    }
    forms
}

fn json_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z ]{0,12}",
        "\\PC{0,8}",
        Just("quote \" backslash \\ newline \n tab \t".to_owned())
    ]
}

fn release() -> impl Strategy<Value = String> {
    (
        0u8..4,
        0u32..1000,
        json_text(),
        proptest::option::of(-1e6f64..1e6),
        proptest::collection::vec(json_text(), 0..3),
    )
        .prop_map(|(process, id, title, amount, tags)| {
            let mut release = serde_json::json!({
                "ocid": format!("ocds-prop-{process}"),
                "id": id.to_string(),
                "date": format!("2020-01-{:02}T00:00:00Z", 1 + id % 28),
                "tag": tags,
                "tender": {"title": title, "items": [{"id": "1"}, {}], "empty": {}},
            });
            if let Some(amount) = amount {
                release["tender"]["value"] =
                    serde_json::json!({"amount": amount, "currency": "KGS"});
            }
            serde_json::to_string(&release).unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_form_gives_the_same_releases(releases in proptest::collection::vec(release(), 1..12), split in 0usize..12) {
        for (form, bytes) in forms(&releases, split) {
            let events = read_all(&bytes);
            prop_assert_eq!(issues(&events), Vec::<String>::new(), "{}", form);
            prop_assert_eq!(&items(&events), &releases, "{}", form);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = read_all(&bytes);
        let _ = read_all(&gzip(&bytes));
    }

    #[test]
    fn damaged_packages_never_panic(releases in proptest::collection::vec(release(), 1..6), cut in 0usize..2000, byte in any::<u8>()) {
        let mut bytes = format!("{{\"releases\": [{}], \"version\": \"1.1\"}}", releases.join(",\n")).into_bytes();
        let cut = cut % bytes.len();
        bytes[cut] = byte;
        let _ = read_all(&bytes);
        bytes.truncate(cut);
        let _ = read_all(&bytes);
    }
}

/// Where the reader says a line's `ocid` and `date` are, they are where `top_level_members`
/// (which looks for them by itself) finds them: the last of a repeated name, escaped names,
/// spaces around values, values of any type, members only nested deeper ignored.
#[test]
fn a_line_head_points_at_its_last_top_level_ocid_and_date() {
    let lines = [
        r#"{"ocid":"a-1","id":"1","date":"2024-01-01T00:00:00Z"}"#,
        r#"{"date" :  "2024-01-01T00:00:00Z" , "ocid": "a-2", "ocid" : "a-2b"}"#,
        r#"{"oc\u0069d":"a-3","tender":{"ocid":"nested","date":"x"},"d\u0061te":null}"#,
        r#"  {"ocid":"a-4","date":17,"date":{"nested":"2024"}}  "#,
        r#"{"ocid":["not","a","string"]}"#,
        r#"{"ocid":"a-6","parties":[{"date":"2020"}],"date":"2024-02-02T00:00:00+06:00"}"#,
    ];
    let input = lines.join("\n");
    let mut heads = Vec::new();
    read_publication("heads.jsonl", input.as_bytes(), &mut |event| {
        if let Event::Item(item) = event {
            heads.push((item.json, item.head));
        }
    })
    .unwrap();
    assert_eq!(heads.len(), lines.len());
    for (json, head) in heads {
        let head = head.unwrap_or_else(|| panic!("no head for {json}"));
        let raw = |range: Option<(usize, usize)>| range.map(|(start, end)| &json[start..end]);
        let expected = achyk_ocds::json::top_level_members(&json, ["ocid", "date"]).unwrap();
        assert_eq!([raw(head.ocid), raw(head.date)], expected, "{json}");
    }
}

/// Items that are not lines of plain releases carry no head: a caller looks for themselves.
#[test]
fn items_of_a_package_carry_no_head() {
    let package = r#"{"releases":[{"ocid":"a","date":"2024-01-01T00:00:00Z"}]}"#;
    let mut heads = Vec::new();
    read_publication("package.json", package.as_bytes(), &mut |event| {
        if let Event::Item(item) = event {
            heads.push(item.head);
        }
    })
    .unwrap();
    assert_eq!(heads, [None]);
}
