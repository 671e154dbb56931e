//! Achyk's own fixtures, `fixtures/<indicator>/<case>.{jsonl,ini,expected}`: cases where
//! Cardinal is wrong (dates compared as text across offsets, the first currency seen).

use std::path::PathBuf;

use achyk_flags::{Indicators, Settings};
use serde_json::Value;

fn check(case: &str) {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let read = |extension: &str| {
        std::fs::read_to_string(base.join(format!("{case}.{extension}"))).unwrap()
    };
    let settings = Settings::from_ini(&read("ini")).unwrap();
    let (results, rejected) = Indicators::compute_lines(&read("jsonl"), &settings);
    assert!(rejected.is_empty());
    let expected: Value = serde_json::from_str(&read("expected")).unwrap();
    assert_eq!(
        results.to_cardinal_json(false, false, false),
        expected,
        "{case}"
    );
}

/// Cardinal compares `bids.details[].date` with `tenderPeriod.endDate` as text.
#[test]
fn r030_time_zones() {
    check("R030/time_zones");
}

#[test]
fn r003_time_zones() {
    check("R003/time_zones");
}

/// Cardinal uses the first currency a thread sees; Achyk the most common one (KGS here).
#[test]
fn r024_most_common_currency() {
    check("R024/currencies");
}

#[test]
fn facts_carry_the_numbers() {
    let settings = Settings::from_ini("[R003]\n").unwrap();
    let line = r#"{"ocid":"A","tender":{"tenderPeriod":{"startDate":"2024-03-01T09:00:00+06:00","endDate":"2024-03-07T10:00:00+06:00"}}}"#;
    let (results, _) = Indicators::compute_lines(line, &settings);
    let fact = &results.flags[0].facts[0];
    assert_eq!(fact.code, "submission_period_days");
    assert_eq!(fact.numbers, vec![("days", 6.0), ("threshold", 15.0)]);
}

/// Bad lines are reported by number and the rest is computed: not UTF-8 (line 2), not JSON
/// (line 3), JSON without an `ocid` (line 5); the blank line 4 is skipped silently. Lines 1 and
/// 6 are read and raise R003. Then 260,000 lines of 84 bytes (21.8 MB: the reader's 8 MB blocks
/// end inside them twice), a broken line (number 6 + 260,000 + 1) and a last one without a
/// newline (C).
#[test]
fn a_reader_reports_bad_lines_and_carries_on() {
    let short = |ocid: &str| {
        format!(
            r#"{{"ocid":"{ocid}","tender":{{"tenderPeriod":{{"startDate":"2024-03-01T09:00:00+06:00","endDate":"2024-03-07T10:00:00+06:00"}}}}}}"#
        )
    };
    let mut input: Vec<u8> = Vec::new();
    input.extend(short("A").as_bytes());
    input.extend(b"\n{\"ocid\":\"\xff\xfe\"}\nnot json\n\n{\"tender\":{}}\n");
    input.extend(short("B").as_bytes());
    input.push(b'\n');
    for n in 0..260_000 {
        input.extend(
            format!(
                "{{\"ocid\":\"filler-{n:0>6}\",\"tender\":{{\"title\":\"{:0>40}\"}}}}\n",
                n
            )
            .as_bytes(),
        );
    }
    input.extend(b"{\"ocid\": broken\n");
    input.extend(short("C").as_bytes());
    let settings = Settings::from_ini("[R003]\n").unwrap();
    let (results, rejected) = Indicators::compute_reader(&input[..], &settings).unwrap();
    assert_eq!(rejected, [2, 3, 5, 260_007]);
    let flagged: Vec<&str> = results.flags.iter().map(|flag| flag.id.as_str()).collect();
    assert_eq!(flagged, ["A", "B", "C"]);
}

/// A line longer than the reader's 8 MB block is read whole: line 2 holds a 9 MB title and a
/// 6-day submission period, so it raises R003 (6 < 15 days); the broken line 3 is reported and
/// D after it is read.
#[test]
fn a_line_longer_than_a_block_is_read_whole() {
    let period = r#""tenderPeriod":{"startDate":"2024-03-01T09:00:00+06:00","endDate":"2024-03-07T10:00:00+06:00"}"#;
    let mut input = format!("{{\"ocid\":\"A\",\"tender\":{{{period}}}}}\n");
    input.push_str(&format!(
        "{{\"ocid\":\"LONG\",\"tender\":{{\"title\":\"{}\",{period}}}}}\n",
        "x".repeat(9 << 20)
    ));
    input.push_str("{\"ocid\": broken\n");
    input.push_str(&format!("{{\"ocid\":\"D\",\"tender\":{{{period}}}}}\n"));
    let settings = Settings::from_ini("[R003]\n").unwrap();
    let (results, rejected) = Indicators::compute_reader(input.as_bytes(), &settings).unwrap();
    assert_eq!(rejected, [3]);
    let flagged: Vec<&str> = results.flags.iter().map(|flag| flag.id.as_str()).collect();
    assert_eq!(flagged, ["A", "D", "LONG"]);
}
