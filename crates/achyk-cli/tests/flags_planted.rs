//! The red flags against the generator's planted patterns (`planted.jsonl`): every process
//! planted with a pattern must be flagged by its indicator, and no near miss put beside it.
//! `PAIRS` names each pattern's indicator and what its near miss is; `ORGANISATION_PAIRS` the
//! same for indicators that flag an organisation (the buyer or the supplier `planted.jsonl`
//! names), where every organisation planted must be flagged in that group and none of the near
//! misses. `bench/flags_precision.py` prints the full table.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use achyk_store::Store;

/// Each planted pattern, the indicator that must flag it, and (for the reader) its near miss.
const PAIRS: [(&str, &str, &str); 20] = [
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
    (
        "bid_price_disparity",
        "R022",
        "the highest bid 2.4-2.9 times the lowest",
    ),
    (
        "heavily_discounted_bid",
        "R058",
        "the next bid 12-16% above the winner's, under the fence (about 20%)",
    ),
    (
        "fixed_bid_ratio",
        "R023",
        "the same pair, its ratio moved by 0.0002-0.0009 each time",
    ),
    (
        "shared_address",
        "R044",
        "the same street address in another locality",
    ),
];

/// Patterns whose indicator flags an organisation: the pattern, the indicator, the group the
/// flag is stored in, and (for the reader) the near miss.
const ORGANISATION_PAIRS: [(&str, &str, &str, &str); 4] = [
    (
        "mostly_direct_buyer",
        "R013",
        "buyer",
        "just under half of 10-12 processes direct",
    ),
    (
        "dominant_supplier",
        "R040",
        "tenderer",
        "a supplier with 44-48% of the buyer's value",
    ),
    (
        "concentrated_buyer",
        "R051",
        "buyer",
        "an index of 0.21-0.23 over six suppliers",
    ),
    (
        "market_leader",
        "R050",
        "tenderer",
        "a supplier with 42-47% of its market",
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

    // The planted processes, and the organisations named beside them.
    let mut planted: BTreeMap<(String, bool), BTreeSet<String>> = BTreeMap::new();
    let mut organisations: BTreeMap<(String, bool), BTreeSet<String>> = BTreeMap::new();
    let lines = std::fs::read_to_string(directory.path().join("feed/planted.jsonl")).unwrap();
    for line in lines.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let key = (
            row["pattern"].as_str().unwrap().to_string(),
            row["near_miss"].as_bool().unwrap(),
        );
        if let Some(organisation) = row["organisation"].as_str() {
            organisations
                .entry(key.clone())
                .or_default()
                .insert(organisation.to_string());
        }
        planted
            .entry(key)
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
        let organisation_codes = |id: String, group: &'static str| {
            let store = store.clone();
            async move {
                store
                    .flags_of_organisation(&id)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|flag| flag.group == group)
                    .map(|flag| flag.code)
                    .collect::<BTreeSet<String>>()
            }
        };
        for (pattern, code, group, near_miss) in ORGANISATION_PAIRS {
            let none = BTreeSet::new();
            let positives = organisations
                .get(&(pattern.to_string(), false))
                .unwrap_or(&none);
            // Groups of 5 to 12 processes: a few organisations in 1,500 processes.
            assert!(
                !positives.is_empty(),
                "{pattern} has no planted organisation"
            );
            for id in positives {
                assert!(
                    organisation_codes(id.clone(), group).await.contains(code),
                    "{pattern} {group} {id} lacks {code}"
                );
            }
            let near_misses = organisations
                .get(&(pattern.to_string(), true))
                .unwrap_or(&none);
            assert!(!near_misses.is_empty(), "{pattern} has no near miss");
            for id in near_misses {
                assert!(
                    !organisation_codes(id.clone(), group).await.contains(code),
                    "near miss {pattern} ({near_miss}) {group} {id} has {code}"
                );
            }
        }
    });
}
