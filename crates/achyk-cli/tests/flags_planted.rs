//! The red flags against the generator's planted patterns (`planted.jsonl`): every process
//! planted with a pattern must be flagged by its indicator, and no near miss put beside it.
//! `PAIRS` names each pattern's indicator and what its near miss is;
//! `bench/flags_precision.py` prints the full table.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use achyk_store::Store;

/// Each planted pattern, the indicator that must flag it, and (for the reader) its near miss.
const PAIRS: [(&str, &str, &str); 16] = [
    ("single_bid", "R018", "two bids, the cheaper disqualified"),
    ("late_winning_bid", "R030", "a late bid that lost"),
    (
        "identical_bid_prices",
        "R028",
        "identical prices on different lots",
    ),
    (
        "split_purchase",
        "R011",
        "purchases just over the threshold through an open tender",
    ),
    ("repeat_direct_award", "R055", "two direct awards"),
    (
        "all_but_winner_disqualified",
        "R035",
        "all but the two cheapest disqualified",
    ),
    (
        "lowest_bid_disqualified",
        "R036",
        "the second cheapest disqualified",
    ),
    (
        "unanswered_questions",
        "R039",
        "every question answered, one after the deadline",
    ),
    (
        "direct_just_under_threshold",
        "R049",
        "a direct contract at 80-89% of the threshold",
    ),
    (
        "contract_differs_from_award",
        "R059",
        "a contract within 10% of its award",
    ),
    (
        "late_signature",
        "R060",
        "signed 25-29 days after the award",
    ),
    (
        "hasty_decision",
        "R061",
        "awarded just over 2 days after the deadline",
    ),
    (
        "slow_decision",
        "R062",
        "awarded 25-29 days after the deadline",
    ),
    (
        "award_at_or_above_estimate",
        "R031",
        "the winning bid at 97-99.5% of the estimate",
    ),
    (
        "cobidding_pair",
        "R053",
        "the same pair, the same winner, in three processes",
    ),
    (
        "award_without_contract",
        "R063",
        "an award 10-25 days old, or a contract signed 25-29 days after its award",
    ),
];

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
        for (pattern, code, near_miss) in PAIRS {
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
                    "near miss {pattern} ({near_miss}) {ocid} has {code}"
                );
            }
        }
    });
}
