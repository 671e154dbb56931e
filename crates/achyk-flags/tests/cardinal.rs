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

/// The output written as it goes is, byte for byte, the built one serialised, on every fixture
/// and with every part (Meta, Maps, Lot) on and off.
#[test]
fn the_written_output_is_the_built_output() {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cardinal");
    let mut cases = 0;
    for entry in std::fs::read_dir(&base).unwrap() {
        let path = entry.unwrap().path();
        if path
            .extension()
            .is_none_or(|extension| extension != "jsonl")
        {
            continue;
        }
        let (results, _) =
            Indicators::compute_lines(&std::fs::read_to_string(&path).unwrap(), &Settings::all());
        for (meta, map, lots) in [
            (false, false, false),
            (true, true, true),
            (true, false, false),
        ] {
            let built = serde_json::to_string(&results.to_cardinal_json(meta, map, lots)).unwrap();
            let mut written = Vec::new();
            results
                .write_cardinal_json(&mut written, meta, map, lots)
                .unwrap();
            assert_eq!(
                String::from_utf8(written).unwrap(),
                built,
                "{}",
                path.display()
            );
        }
        cases += 1;
    }
    assert!(cases >= 10, "{cases}");
}
