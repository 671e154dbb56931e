//! Cardinal's own fixtures: each input with its settings must give Cardinal's expected output
//! (no `Meta`), or, where Achyk deliberately differs, `<case>.achyk.expected`.

use std::path::PathBuf;

use achyk_flags::{Indicators, Settings};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cardinal")
        .join(name)
}

fn check(case: &str) {
    let read = |name: String| std::fs::read_to_string(fixture(&name)).unwrap();
    let settings = Settings::from_ini(&read(format!("{case}.ini"))).unwrap();
    let (results, rejected) = Indicators::compute_lines(&read(format!("{case}.jsonl")), &settings);
    assert!(rejected.is_empty(), "{case}: rejected lines {rejected:?}");
    let ours = fixture(&format!("{case}.achyk.expected"));
    let expected = if ours.exists() {
        std::fs::read_to_string(ours).unwrap()
    } else {
        read(format!("{case}.expected"))
    };
    let expected: Value = serde_json::from_str(&expected).unwrap();
    assert_eq!(
        results.to_cardinal_json(false, false, false),
        expected,
        "{case}"
    );
}

macro_rules! cases {
    ($($function:ident => $case:literal,)*) => {$(
        #[test]
        fn $function() {
            check($case);
        }
    )*};
}

cases! {
    r003 => "R003",
    r003_procurement_method_details => "R003-procurement_method_details-x-5-y-10",
    r003_procurement_methods => "R003-procurement_methods-open+selective",
    r003_threshold => "R003-threshold-10",
    r018 => "R018",
    r024 => "R024",
    r025 => "R025",
    r028 => "R028",
    r030 => "R030",
    r035 => "R035",
    r036 => "R036",
    r038 => "R038",
    r038_tenderer => "R038-tenderer",
    r048 => "R048-minimum_contracting_processes-1",
    r058 => "R058",
}
