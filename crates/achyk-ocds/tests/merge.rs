//! Merge fixtures from the standard's sample data, and the laws a merge must obey.

use std::collections::BTreeSet;
use std::path::PathBuf;

use achyk_ocds::schema::KnownExtension;
use achyk_ocds::{MergeRules, compile, versioned};
use proptest::prelude::*;
use serde_json::{Value, json};

fn fixture(path: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/merge")
        .join(path);
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

/// OCP's fictional process: six releases in; the record published with them (made by OCP's
/// tools) holds the compiled and versioned releases expected out.
#[test]
fn fictional_process_gives_the_published_record() {
    let package = fixture("fictional/releases.json");
    let record = &fixture("fictional/record-withversions.json")["records"][0];
    let releases = package["releases"].as_array().unwrap().clone();
    assert_eq!(releases.len(), 6);
    let rules = MergeRules::for_extensions(&[]);
    let compiled = compile(releases.clone(), &rules);
    assert_eq!(compiled.release, record["compiledRelease"]);
    assert!(compiled.warnings.is_empty(), "{:?}", compiled.warnings);
    let versioned = versioned(releases.clone(), &rules);
    assert_eq!(versioned.release, record["versionedRelease"]);
    // The same in reverse input order: dates decide, not the order of the file.
    let mut reversed = releases;
    reversed.reverse();
    assert_eq!(compile(reversed, &rules).release, record["compiledRelease"]);
}

fn small_release() -> impl Strategy<Value = Value> {
    let awards = prop::collection::vec(
        (0..4u8, prop::option::of(0..3u8), prop::option::of("[a-c]")),
        0..4,
    );
    (0..3u8, 0..1000u32, prop::option::of("[xyz]{1,3}"), awards, prop::option::of(prop::collection::vec("[pq]", 0..3)))
        .prop_map(|(ocid, day, title, awards, methods)| {
            let mut release = json!({
                "ocid": format!("ocds-p-{ocid}"),
                "id": format!("r{day}"),
                // Distinct minutes make distinct dates; the caller keeps dates distinct.
                "date": format!("2020-01-01T00:00:00Z"),
                "tag": ["tender"],
                "tender": {"title": title, "submissionMethod": methods},
            });
            release["awards"] = Value::Array(
                awards
                    .into_iter()
                    .map(|(id, status, title)| json!({"id": format!("a{id}"), "status": status.map(|s| format!("s{s}")), "title": title}))
                    .collect(),
            );
            release
        })
}

/// Releases with distinct dates per ocid (the law holds only then).
fn releases_with_distinct_dates() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(small_release(), 1..12).prop_map(|mut releases| {
        for (index, release) in releases.iter_mut().enumerate() {
            release["date"] = json!(format!("2020-01-01T00:{:02}:00+06:00", index));
        }
        releases
    })
}

fn compile_all(releases: &[Value], rules: &MergeRules) -> Vec<Value> {
    let ocids: BTreeSet<String> = releases
        .iter()
        .map(|r| r["ocid"].as_str().unwrap().to_owned())
        .collect();
    ocids
        .into_iter()
        .map(|ocid| {
            compile(
                releases
                    .iter()
                    .filter(|r| r["ocid"] == ocid.as_str())
                    .cloned()
                    .collect(),
                rules,
            )
            .release
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn order_of_input_does_not_matter_for_distinct_dates(releases in releases_with_distinct_dates(), seed in any::<u64>()) {
        let rules = MergeRules::for_extensions(&KnownExtension::ALL);
        let mut shuffled = releases.clone();
        let mut state = seed | 1;
        for index in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(index, (state % (index as u64 + 1)) as usize);
        }
        prop_assert_eq!(compile_all(&releases, &rules), compile_all(&shuffled, &rules));
    }

    #[test]
    fn merging_is_idempotent(releases in releases_with_distinct_dates()) {
        // Every release given twice gives the same result as once (every array item here has
        // an `id`; items without one are appended each time, by the standard's rules).
        let rules = MergeRules::for_extensions(&[]);
        let mut twice = releases.clone();
        twice.extend(releases.iter().cloned());
        prop_assert_eq!(compile_all(&twice, &rules), compile_all(&releases, &rules));
    }

    #[test]
    fn no_ocid_is_lost(releases in releases_with_distinct_dates()) {
        let rules = MergeRules::for_extensions(&[]);
        let ocids: BTreeSet<String> = releases.iter().map(|r| r["ocid"].as_str().unwrap().to_owned()).collect();
        let compiled: BTreeSet<String> = compile_all(&releases, &rules).iter().map(|r| r["ocid"].as_str().unwrap().to_owned()).collect();
        prop_assert_eq!(ocids, compiled);
    }
}
