//! R010, R013, R020, R022 and R063 (Achyk's indicators beyond Cardinal's) on releases written
//! here; every expected flag and number is worked out by hand in the comments.

use achyk_flags::Group;
use serde_json::{Value, json};

mod common;

use common::Found;

fn flags(releases: &[Value], ini: &str, code: &str) -> Vec<Found> {
    common::found_ini(releases, ini, code)
}

fn ids(found: &[Found]) -> Vec<&str> {
    found.iter().map(|flag| flag.1.as_str()).collect()
}

fn with_method(ocid: &str, buyer: &str, method: &str) -> Value {
    json!({"ocid": ocid, "buyer": {"id": buyer}, "tender": {"procurementMethod": method}})
}

#[test]
fn r010_flags_non_competitive_methods() {
    let releases = [
        with_method("a", "b", "open"),
        with_method("d", "b", "direct"),
        with_method("l", "b", "limited"),
        with_method("s", "b", "selective"),
    ];
    assert_eq!(ids(&flags(&releases, "[R010]\n", "R010")), ["d", "l"]);
    let direct_only = "[R010]\nprocurement_methods = direct\n";
    assert_eq!(ids(&flags(&releases, direct_only, "R010")), ["d"]);
}

#[test]
fn r013_flags_buyers_mostly_buying_without_competition() {
    let mut releases = Vec::new();
    // Buyer A: 6 direct of 10 = 60%. Buyer B: 4 of 10 = 40%. Buyer C: 3 of 3, too few.
    for (buyer, direct, total) in [("A", 6, 10), ("B", 4, 10), ("C", 3, 3)] {
        for n in 0..total {
            let method = if n < direct { "direct" } else { "open" };
            releases.push(with_method(&format!("{buyer}-{n}"), buyer, method));
        }
    }
    let found = flags(&releases, "[R013]\n", "R013");
    assert_eq!(
        found,
        vec![(
            Group::Buyer,
            "A".to_string(),
            0.6,
            vec![
                ("non_competitive".to_string(), 6.0),
                ("processes".to_string(), 10.0),
                ("percent".to_string(), 60.0)
            ]
        )]
    );
    let small = "[R013]\nminimum_contracting_processes = 3\n";
    assert_eq!(ids(&flags(&releases, small, "R013")), ["A", "C"]);
}

#[test]
fn r020_counts_complaints() {
    let releases = [
        json!({"ocid": "one", "complaints": [{"id": "1"}]}),
        json!({"ocid": "two", "complaints": [{"id": "1"}, {"id": "2"}]}),
        json!({"ocid": "none", "complaints": []}),
        json!({"ocid": "absent"}),
    ];
    let found = flags(&releases, "[R020]\n", "R020");
    let values: Vec<(&str, f64)> = found.iter().map(|f| (f.1.as_str(), f.2)).collect();
    assert_eq!(values, [("one", 1.0), ("two", 2.0)]);
}

fn with_bids(ocid: &str, bids: &[(f64, &str, &str)]) -> Value {
    let details: Vec<Value> = bids
        .iter()
        .map(|(amount, currency, status)| {
            json!({"status": status, "value": {"amount": amount, "currency": currency}})
        })
        .collect();
    json!({"ocid": ocid, "bids": {"details": details}})
}

#[test]
fn r022_compares_the_highest_and_lowest_bids_in_one_currency() {
    let releases = [
        // 310 / 100 = 3.1 ≥ 3.
        with_bids(
            "wide",
            &[
                (100.0, "KGS", "valid"),
                (250.0, "KGS", "valid"),
                (310.0, "KGS", "valid"),
            ],
        ),
        // 299 / 100 = 2.99 < 3.
        with_bids("close", &[(100.0, "KGS", "valid"), (299.0, "KGS", "valid")]),
        // KGS is the most common currency: 150 / 100 = 1.5; the USD bid is not compared.
        with_bids(
            "mixed",
            &[
                (100.0, "KGS", "valid"),
                (150.0, "KGS", "valid"),
                (1000.0, "USD", "valid"),
            ],
        ),
        // A withdrawn bid is not a submitted one: one bid left.
        with_bids(
            "withdrawn",
            &[(100.0, "KGS", "valid"), (900.0, "KGS", "withdrawn")],
        ),
    ];
    let found = flags(&releases, "[R022]\n", "R022");
    assert_eq!(ids(&found), ["wide"]);
    assert_eq!(
        found[0].3,
        vec![
            ("lowest".to_string(), 100.0),
            ("highest".to_string(), 310.0),
            ("ratio".to_string(), 3.1),
            ("threshold".to_string(), 3.0)
        ]
    );
}

#[test]
fn r063_counts_to_the_latest_date_in_the_data() {
    let releases = [
        // Awarded 1 January, no contract: 60 days to 1 March (the latest date: P2's signature).
        json!({"ocid": "p1", "awards": [{"id": "a", "status": "active", "date": "2024-01-01T00:00:00Z"}]}),
        json!({"ocid": "p2",
               "awards": [{"id": "a", "status": "active", "date": "2024-02-20T00:00:00Z"}],
               "contracts": [{"id": "c", "awardID": "a", "dateSigned": "2024-03-01T00:00:00Z"}]}),
        // Awarded 15 February: 15 days, not more than 30.
        json!({"ocid": "p3", "awards": [{"id": "a", "status": "active", "date": "2024-02-15T00:00:00Z"}]}),
        // Old, but its contract is published.
        json!({"ocid": "p4",
               "awards": [{"id": "a", "status": "active", "date": "2024-01-01T00:00:00Z"}],
               "contracts": [{"id": "c", "awardID": "a"}]}),
        // Old, but not active.
        json!({"ocid": "p5", "awards": [{"id": "a", "status": "pending", "date": "2024-01-01T00:00:00Z"}]}),
    ];
    let found = flags(&releases, "[R063]\n", "R063");
    assert_eq!(ids(&found), ["p1"]);
    assert_eq!(
        found[0].3,
        vec![("days".to_string(), 60.0), ("threshold".to_string(), 30.0)]
    );
    // With a 10-day limit, 15 days is too long as well.
    assert_eq!(
        ids(&flags(&releases, "[R063]\nthreshold = 10\n", "R063")),
        ["p1", "p3"]
    );
}

#[test]
fn r063_reads_a_contract_that_names_several_awards() {
    // The Kyrgyz feed: one contract for two lots' awards lists both in `awardIDs` and leaves
    // `awardID` unset. Latest date: 1 March, so awards of 1 January are 60 days old.
    let two_awards = json!([
        {"id": "a1", "status": "active", "date": "2024-01-01T00:00:00Z"},
        {"id": "a2", "status": "active", "date": "2024-01-01T00:00:00Z"}
    ]);
    let releases = [
        // Both awards named: no flag.
        json!({"ocid": "both", "awards": two_awards,
               "contracts": [{"id": "c", "awardIDs": ["a1", "a2"], "dateSigned": "2024-03-01T00:00:00Z"}]}),
        // Only a1 named: a2 is 60 days old without a contract.
        json!({"ocid": "one", "awards": two_awards,
               "contracts": [{"id": "c", "awardIDs": ["a1"]}]}),
        // a1 by `awardID`, a2 by `awardIDs`: both named.
        json!({"ocid": "mixed", "awards": two_awards,
               "contracts": [{"id": "c", "awardID": "a1", "awardIDs": ["a2"]}]}),
    ];
    let found = flags(&releases, "[R063]\n", "R063");
    assert_eq!(ids(&found), ["one"]);
    assert_eq!(found[0].3[0], ("days".to_string(), 60.0));
}

fn awarded(ocid: &str, buyer: &str, awards: &[(&str, f64)]) -> Value {
    let awards: Vec<Value> = awards
        .iter()
        .map(|(supplier, amount)| {
            json!({"status": "active", "suppliers": [{"id": supplier}],
                   "value": {"amount": amount, "currency": "KGS"}})
        })
        .collect();
    json!({"ocid": ocid, "buyer": {"id": buyer}, "awards": awards})
}

#[test]
fn r040_and_r051_measure_how_a_buyers_money_is_spread() {
    // Buyer A, 5 processes: S1 gets 600 + 100 + 100 = 800 of 1000 (80%), S2 100, S3 100.
    // HHI = 0.8² + 0.1² + 0.1² = 0.66. Buyer B, 5 processes of 200 to five suppliers:
    // 20% each, HHI = 5 × 0.04 = 0.2. Buyer C: 2 processes, too few.
    let releases = vec![
        awarded("a1", "A", &[("S1", 600.0)]),
        awarded("a2", "A", &[("S1", 100.0)]),
        awarded("a3", "A", &[("S1", 100.0)]),
        awarded("a4", "A", &[("S2", 100.0)]),
        awarded("a5", "A", &[("S3", 100.0)]),
        awarded("b1", "B", &[("T1", 200.0)]),
        awarded("b2", "B", &[("T2", 200.0)]),
        awarded("b3", "B", &[("T3", 200.0)]),
        awarded("b4", "B", &[("T4", 200.0)]),
        awarded("b5", "B", &[("T5", 200.0)]),
        awarded("c1", "C", &[("U1", 500.0)]),
        awarded("c2", "C", &[("U1", 500.0)]),
    ];
    let r040 = flags(&releases, "[R040]\n", "R040");
    assert_eq!(r040.len(), 1);
    assert_eq!(
        (r040[0].0, r040[0].1.as_str(), r040[0].2),
        (Group::Tenderer, "S1", 0.8)
    );
    assert_eq!(
        r040[0].3,
        vec![
            ("percent".to_string(), 80.0),
            ("processes".to_string(), 5.0)
        ]
    );
    let r051 = flags(&releases, "[R051]\n", "R051");
    assert_eq!(r051.len(), 1);
    assert_eq!((r051[0].0, r051[0].1.as_str()), (Group::Buyer, "A"));
    assert!((r051[0].2 - 0.66).abs() < 1e-9, "{}", r051[0].2);
    assert_eq!(
        r051[0].3,
        vec![
            ("hhi".to_string(), 6600.0),
            ("suppliers".to_string(), 3.0),
            ("processes".to_string(), 5.0)
        ]
    );
    // With a lower bar and no minimum, B (0.2) and C (one supplier: 1.0) come in.
    let loose = "[R051]\nthreshold = 0.2\nminimum_contracting_processes = 1\n";
    assert_eq!(ids(&flags(&releases, loose, "R051")), ["A", "B", "C"]);
}

#[test]
fn r061_and_r062_time_the_decision_from_the_bid_deadline() {
    let process = |ocid: &str, award: &str| {
        json!({"ocid": ocid,
               "tender": {"tenderPeriod": {"endDate": "2024-03-01T10:00:00+06:00"}},
               "awards": [{"status": "active", "date": award}]})
    };
    let releases = [
        // Deadline 04:00 UTC on 1 March. Awarded 1 March 16:00 UTC: 0.5 days, under 2.
        process("quick", "2024-03-01T16:00:00Z"),
        // Awarded 5 March 04:00 UTC: 4 days, fine.
        process("normal", "2024-03-05T10:00:00+06:00"),
        // Awarded 2 April 10:00 UTC: 32 days 6 hours, over 30.
        process("slow", "2024-04-02T10:00:00Z"),
        // An award before the deadline is not a decision period: not judged.
        process("early", "2024-02-28T10:00:00Z"),
    ];
    let short = flags(&releases, "[R061]\n", "R061");
    assert_eq!(ids(&short), ["quick"]);
    assert_eq!(
        short[0].3,
        vec![("days".to_string(), 0.5), ("threshold".to_string(), 2.0)]
    );
    let long = flags(&releases, "[R062]\n", "R062");
    assert_eq!(ids(&long), ["slow"]);
    assert_eq!(
        long[0].3,
        vec![("days".to_string(), 32.2), ("threshold".to_string(), 30.0)]
    );
}
