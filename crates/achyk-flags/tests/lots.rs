//! Multi-lot processes are judged lot by lot: prices of different lots are never compared, each
//! lot can raise its own flags (group `Lot`, `{ocid}/{lot}`), and the Cardinal-shaped output
//! shows them only when asked. Every expected value is worked out by hand in the comments.

use achyk_flags::{Group, Indicators, Settings};
use serde_json::{Value, json};

fn bid(id: &str, tenderer: &str, lot: &str, amount: f64, status: &str) -> Value {
    json!({"id": id, "status": status, "tenderers": [{"id": tenderer}], "relatedLots": [lot],
           "value": {"amount": amount, "currency": "KGS"}})
}

fn award(id: &str, lot: &str, supplier: &str, amount: f64) -> Value {
    json!({"id": id, "status": "active", "relatedLots": [lot], "suppliers": [{"id": supplier}],
           "value": {"amount": amount, "currency": "KGS"}})
}

/// Lots: L1 (estimate 1,000), L2 (estimate 2,000), L3 (estimate 600).
/// - L1: A 100, B 200. Won by A for 100.
/// - L2: C 500, D 500 (identical), B 200 is NOT here. Won by C for 500.
/// - L3: E 600 alone. Won by E for 600 (= its estimate).
///
/// B's 200 on L1 and nobody's 200 elsewhere; but C's and D's 500 on L2 are identical.
/// Across all bids (as Cardinal would look): highest 600 / lowest 100 = 6 → a "disparity";
/// within lots: L1 200/100 = 2, L2 500/500 = 1, L3 one bid → none.
fn process() -> Value {
    json!({
        "ocid": "ocds-lots-1",
        "tender": {
            "status": "complete", "procurementMethod": "open", "numberOfTenderers": 5,
            "value": {"amount": 3600, "currency": "KGS"},
            "lots": [
                {"id": "L1", "value": {"amount": 1000, "currency": "KGS"}},
                {"id": "L2", "value": {"amount": 2000, "currency": "KGS"}},
                {"id": "L3", "value": {"amount": 600, "currency": "KGS"}}
            ]
        },
        "bids": {"details": [
            bid("1", "A", "L1", 100.0, "valid"),
            bid("2", "B", "L1", 200.0, "valid"),
            bid("3", "C", "L2", 500.0, "valid"),
            bid("4", "D", "L2", 500.0, "valid"),
            bid("5", "E", "L3", 600.0, "valid"),
        ]},
        "awards": [
            award("a1", "L1", "A", 100.0),
            award("a2", "L2", "C", 500.0),
            award("a3", "L3", "E", 600.0),
        ]
    })
}

fn found(releases: &[Value], ini: &str) -> Vec<(Group, String, &'static str)> {
    let settings = Settings::from_ini(ini).unwrap();
    Indicators::compute(releases, &settings)
        .flags
        .into_iter()
        .map(|flag| (flag.group, flag.id, flag.code))
        .collect()
}

#[test]
fn identical_prices_count_within_a_lot_only() {
    // L2's C and D bid 500: the process, the lot and both tenderers are flagged.
    let flags = found(&[process()], "[R028]\n");
    assert_eq!(
        flags,
        vec![
            (Group::Ocid, "ocds-lots-1".into(), "R028"),
            (Group::Tenderer, "C".into(), "R028"),
            (Group::Tenderer, "D".into(), "R028"),
            (Group::Lot, "ocds-lots-1/L2".into(), "R028"),
        ]
    );
    // The same price on two different lots is not "identical bids": move D's 500 to L1, so
    // that L1 has A 100, B 200, D 500 and L2 has C 500 alone.
    let mut near_miss = process();
    near_miss["bids"]["details"][3]["relatedLots"] = json!(["L1"]);
    assert_eq!(found(&[near_miss], "[R028]\n"), vec![]);
}

#[test]
fn a_lot_with_one_bid_is_flagged_on_the_lot_not_the_process() {
    // The process had 5 tenderers (Cardinal's R018 reads numberOfTenderers): not flagged.
    // L3 had one (E): flagged as a lot.
    assert_eq!(
        found(&[process()], "[R018]\n"),
        vec![(Group::Lot, "ocds-lots-1/L3".into(), "R018")]
    );
}

#[test]
fn bid_disparity_and_award_over_estimate_are_judged_per_lot() {
    // R022: no lot reaches 3× (2, 1, and one bid), although 600/100 = 6 across lots.
    assert_eq!(found(&[process()], "[R022]\n"), vec![]);
    // Make L1's B bid 400: 400/100 = 4 ≥ 3 → the process and lot L1.
    let mut wide = process();
    wide["bids"]["details"][1]["value"]["amount"] = json!(400);
    assert_eq!(
        found(&[wide], "[R022]\n"),
        vec![
            (Group::Ocid, "ocds-lots-1".into(), "R022"),
            (Group::Lot, "ocds-lots-1/L1".into(), "R022"),
        ]
    );
    // R031: awards total 1,200 of the process's 3,600 (one third) → not at process level;
    // L3 was awarded 600 of its 600 estimate (ratio 1.0 ≥ 1.0) → the lot; L1 100/1000 and
    // L2 500/2000 are not.
    assert_eq!(
        found(&[process()], "[R031]\n"),
        vec![(Group::Lot, "ocds-lots-1/L3".into(), "R031")]
    );
}

#[test]
fn lot_results_name_their_lot_and_appear_in_cardinal_output_only_when_asked() {
    let settings = Settings::from_ini("[R018]\n[R028]\n").unwrap();
    let results = Indicators::compute(&[process()], &settings);
    let lot = results
        .flags
        .iter()
        .find(|flag| flag.group == Group::Lot && flag.code == "R018")
        .unwrap();
    assert!(lot.facts[0].texts.contains(&("lot", "L3".to_string())));
    let without = results.to_cardinal_json(false, false, false);
    assert_eq!(
        without,
        json!({
            "OCID": {"ocds-lots-1": {"R028": 1.0}},
            "Tenderer": {"C": {"R028": 1.0}, "D": {"R028": 1.0}}
        })
    );
    let with = results.to_cardinal_json(false, false, true);
    assert_eq!(
        with["Lot"],
        json!({
            "ocds-lots-1/L2": {"R028": 1.0},
            "ocds-lots-1/L3": {"R018": 1.0}
        })
    );
}

#[test]
fn one_lot_is_judged_whole_and_feed_shaped_lot_references_are_read() {
    // One lot: judged as a whole, no Lot group. 300 and 300 by two tenderers → R028 on the
    // process only.
    let one = json!({
        "ocid": "ocds-one",
        "tender": {"status": "complete", "lots": [{"id": "L1"}]},
        "bids": {"details": [
            bid("1", "A", "L1", 300.0, "valid"),
            bid("2", "B", "L1", 300.0, "valid"),
        ]}
    });
    assert_eq!(
        found(&[one], "[R028]\n"),
        vec![
            (Group::Ocid, "ocds-one".into(), "R028"),
            (Group::Tenderer, "A".into(), "R028"),
            (Group::Tenderer, "B".into(), "R028"),
        ]
    );
    // The Kyrgyz feed names lots as objects (`relatedLots: [{"id": …, "value": …}]`): the ids
    // are read the same way. Two lots, 300 on each by different tenderers → nothing.
    let feed = json!({
        "ocid": "ocds-feed",
        "tender": {"status": "complete"},
        "bids": {"details": [
            {"id": "1", "status": "valid", "tenderers": [{"id": "A"}],
             "relatedLots": [{"id": "L1", "value": {"amount": 300}}],
             "value": {"amount": 300, "currency": "KGS"}},
            {"id": "2", "status": "valid", "tenderers": [{"id": "B"}],
             "relatedLots": [{"id": "L2", "value": {"amount": 300}}],
             "value": {"amount": 300, "currency": "KGS"}}
        ]}
    });
    assert_eq!(found(&[feed], "[R028]\n"), vec![]);
}

#[test]
fn lot_flags_fold_into_their_process_for_pages_and_scores() {
    // R018 raised on L3 only, R028 on the process and on L2: folded, the process has R018 with
    // L3's fact and R028 with L2's fact once (the process's R028 already carried it).
    let settings = Settings::from_ini("[R018]\n[R028]\n").unwrap();
    let folded = Indicators::compute(&[process()], &settings).with_lots_on_processes();
    let summary: Vec<(Group, &str, &str, usize)> = folded
        .flags
        .iter()
        .map(|flag| (flag.group, flag.id.as_str(), flag.code, flag.facts.len()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (Group::Ocid, "ocds-lots-1", "R018", 1),
            (Group::Ocid, "ocds-lots-1", "R028", 1),
            (Group::Tenderer, "C", "R028", 1),
            (Group::Tenderer, "D", "R028", 1),
        ]
    );
    let r018 = &folded.flags[0];
    assert!(r018.facts[0].texts.contains(&("lot", "L3".to_string())));
}

#[test]
fn fixed_bid_ratios_are_read_lot_by_lot() {
    // Two processes of two lots each; A and B bid on both lots, B always 10% above A:
    // L1 100 / 110, L2 200 / 220 → ratio 1.1 in each lot, so in both processes → R023 raised
    // on both processes (1.0) and both tenderers (2 processes). A bid per lot means A has two
    // bids in each process, which a process-wide reading could not pair.
    let two_lots = |ocid: &str| {
        json!({
            "ocid": ocid,
            "tender": {"status": "complete", "lots": [{"id": "L1"}, {"id": "L2"}]},
            "bids": {"details": [
                bid("1", "A", "L1", 100.0, "valid"),
                bid("2", "B", "L1", 110.0, "valid"),
                bid("3", "A", "L2", 200.0, "valid"),
                bid("4", "B", "L2", 220.0, "valid"),
            ]}
        })
    };
    let settings = Settings::from_ini("[R023]\n").unwrap();
    let results = Indicators::compute(&[two_lots("p1"), two_lots("p2")], &settings);
    let found: Vec<(Group, &str, f64)> = results
        .flags
        .iter()
        .map(|flag| (flag.group, flag.id.as_str(), flag.value))
        .collect();
    assert_eq!(
        found,
        vec![
            (Group::Ocid, "p1", 1.0),
            (Group::Ocid, "p2", 1.0),
            (Group::Tenderer, "A", 2.0),
            (Group::Tenderer, "B", 2.0),
        ]
    );
}

/// One lot's process: the winner `winner` bid `winning`, the other tenderer `second_amount`.
fn two_bids(ocid: &str, winning: f64, second_amount: f64) -> Value {
    json!({
        "ocid": ocid,
        "tender": {"status": "complete", "procurementMethod": "open"},
        "bids": {"details": [
            {"id": "1", "status": "valid", "tenderers": [{"id": "X"}], "value": {"amount": winning, "currency": "KGS"}},
            {"id": "2", "status": "valid", "tenderers": [{"id": "Y"}], "value": {"amount": second_amount, "currency": "KGS"}}
        ]},
        "awards": [{"id": "a", "status": "active", "suppliers": [{"id": "X"}],
                    "value": {"amount": winning, "currency": "KGS"}}]
    })
}

/// Lots L1 (A wins at 100, B bids 103: (103 − 100) / 100 = 0.03) and L2 (C wins at 500, D bids
/// 900: (900 − 500) / 500 = 0.8). The process has two winners, so as a whole it has no
/// difference (as in Cardinal).
fn priced_lots() -> Value {
    json!({
        "ocid": "M",
        "tender": {"status": "complete", "procurementMethod": "open",
                   "lots": [{"id": "L1"}, {"id": "L2"}]},
        "bids": {"details": [
            bid("1", "A", "L1", 100.0, "valid"),
            bid("2", "B", "L1", 103.0, "valid"),
            bid("3", "C", "L2", 500.0, "valid"),
            bid("4", "D", "L2", 900.0, "valid"),
        ]},
        "awards": [award("a1", "L1", "A", 100.0), award("a2", "L2", "C", 500.0)]
    })
}

#[test]
fn close_and_discounted_second_bids_are_judged_per_lot() {
    // Whole processes: S1 (1,000 against 1,020: 0.02) and S2 (1,000 against 2,000: 1.0).
    let releases = [
        two_bids("S1", 1000.0, 1020.0),
        two_bids("S2", 1000.0, 2000.0),
        priced_lots(),
    ];
    // R024 at 0.05: S1 (0.02) and lot L1 (0.03); R058 at 0.5: S2 (1.0) and lot L2 (0.8).
    let ini = "currency = KGS\n[R024]\nthreshold = 0.05\n[R058]\nthreshold = 0.5\n";
    let ours: Vec<_> = found(&releases, ini)
        .into_iter()
        .filter(|(group, _, _)| *group != Group::Tenderer)
        .collect();
    assert_eq!(
        ours,
        vec![
            (Group::Ocid, "S1".into(), "R024"),
            (Group::Ocid, "S2".into(), "R058"),
            (Group::Lot, "M/L1".into(), "R024"),
            (Group::Lot, "M/L2".into(), "R058"),
        ]
    );
    let settings = Settings::from_ini(ini).unwrap();
    let results = Indicators::compute(&releases, &settings);
    let lot = results.flags.iter().find(|flag| flag.id == "M/L1").unwrap();
    assert!((lot.value - 0.03).abs() < 1e-12, "{}", lot.value);
    assert!(lot.facts[0].texts.contains(&("lot", "L1".to_string())));
    // On the site the lot's flag is the process's.
    let folded = results.with_lots_on_processes();
    assert!(
        folded
            .flags
            .iter()
            .any(|flag| flag.group == Group::Ocid && flag.id == "M" && flag.code == "R024")
    );
}

#[test]
fn lots_do_not_move_the_fences_of_whole_processes() {
    // Without a threshold the fences come from the whole processes' differences only, as in
    // Cardinal: adding a multi-lot process changes no quartile or fence.
    let whole: Vec<Value> = [0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 2.0]
        .iter()
        .enumerate()
        .map(|(n, difference)| two_bids(&format!("S{n}"), 1000.0, 1000.0 * (1.0 + difference)))
        .collect();
    let mut with_lots = whole.clone();
    with_lots.push(priced_lots());
    let settings = Settings::from_ini("currency = KGS\n[R024]\n[R058]\n").unwrap();
    let alone = Indicators::compute(&whole, &settings);
    let together = Indicators::compute(&with_lots, &settings);
    assert!(!alone.meta["R058"].is_empty());
    assert_eq!(alone.meta, together.meta);
}
