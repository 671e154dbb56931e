//! The red flags against the generator's planted patterns (`planted.jsonl`): what the
//! generator plants as a single bid, a late winning bid, identical bid prices, a split purchase
//! or repeated direct awards must be flagged by R018, R030, R028, R011 and R055, and the near
//! misses it puts beside them (two bids; a late bid that lost; identical prices on different
//! lots; purchases just over the threshold through an open tender; two direct awards) must not.
//! `bench/flags_precision.py` prints the full table.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use achyk_store::Store;

#[test]
fn planted_patterns_are_flagged_and_near_misses_are_not() {
    let directory = tempfile::tempdir().unwrap();
    let demo = Command::new(env!("CARGO_BIN_EXE_achyk"))
        .args([
            "demo",
            "--no-serve",
            "--processes",
            "1500",
            "--seed",
            "3",
            "--dir",
        ])
        .arg(directory.path())
        .output()
        .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );

    let mut planted: BTreeMap<(String, bool), BTreeSet<String>> = BTreeMap::new();
    let lines = std::fs::read_to_string(directory.path().join("feed/planted.jsonl")).unwrap();
    for line in lines.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        planted
            .entry((
                row["pattern"].as_str().unwrap().to_string(),
                row["near_miss"].as_bool().unwrap(),
            ))
            .or_default()
            .insert(row["ocid"].as_str().unwrap().to_string());
    }
    let url = format!("sqlite://{}", directory.path().join("achyk.db").display());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = Store::open_existing(&url).await.unwrap();
        let codes_of = |ocid: String| {
            let store = store.clone();
            async move {
                store
                    .flags_of_process(&ocid)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|flag| flag.code)
                    .collect::<BTreeSet<String>>()
            }
        };
        for (pattern, code) in [
            ("single_bid", "R018"),
            ("late_winning_bid", "R030"),
            ("identical_bid_prices", "R028"),
            ("split_purchase", "R011"),
            ("repeat_direct_award", "R055"),
        ] {
            let positives = &planted[&(pattern.to_string(), false)];
            assert!(positives.len() >= 5, "{pattern}: {}", positives.len());
            for ocid in positives {
                assert!(
                    codes_of(ocid.clone()).await.contains(code),
                    "{pattern} {ocid} lacks {code}"
                );
            }
            let near_misses = &planted[&(pattern.to_string(), true)];
            assert!(!near_misses.is_empty(), "{pattern} has no near miss");
            for ocid in near_misses {
                assert!(
                    !codes_of(ocid.clone()).await.contains(code),
                    "near miss {pattern} {ocid} has {code}"
                );
            }
        }
    });
}
