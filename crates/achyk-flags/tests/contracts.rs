//! R031, R059 and R060 (Achyk's indicators on awards and contracts) on releases written here;
//! every expected flag and number is worked out by hand in the comments.

use achyk_flags::Settings;
use achyk_flags::settings::Threshold;
use serde_json::{Value, json};

fn release(ocid: &str, awards: Value, contracts: Value) -> Value {
    json!({
        "ocid": ocid,
        "tender": {"status": "complete", "procurementMethod": "open",
                   "value": {"amount": 1000, "currency": "KGS"}},
        "awards": awards,
        "contracts": contracts,
    })
}

fn only(settings: Settings) -> Settings {
    settings
}

mod common;

/// (ocid, fact numbers) of each flag with this code.
fn flagged(
    releases: &[Value],
    settings: &Settings,
    code: &str,
) -> Vec<(String, Vec<(String, f64)>)> {
    common::found(releases, settings, code)
        .into_iter()
        .map(|(_, id, _, numbers)| (id, numbers))
        .collect()
}

#[test]
fn r031_flags_awards_at_or_above_the_estimate_in_its_currency() {
    let releases = [
        // 600 + 450 = 1050 against 1000: 105%.
        release(
            "ocds-a",
            json!([
                {"id": "1", "status": "active", "value": {"amount": 600, "currency": "KGS"}},
                {"id": "2", "status": "active", "value": {"amount": 450, "currency": "KGS"}},
                {"id": "3", "status": "pending", "value": {"amount": 900, "currency": "KGS"}}
            ]),
            json!([]),
        ),
        // 990 KGS (the USD award is not comparable): 99%, under.
        release(
            "ocds-b",
            json!([
                {"id": "1", "status": "active", "value": {"amount": 990, "currency": "KGS"}},
                {"id": "2", "status": "active", "value": {"amount": 50, "currency": "USD"}}
            ]),
            json!([]),
        ),
        // Exactly the estimate: at it, flagged.
        release(
            "ocds-c",
            json!([{"id": "1", "status": "active", "value": {"amount": 1000, "currency": "KGS"}}]),
            json!([]),
        ),
    ];
    let settings = only(Settings {
        r031: Some(Threshold::default()),
        ..Settings::default()
    });
    let found = flagged(&releases, &settings, "R031");
    assert_eq!(
        found,
        vec![
            (
                "ocds-a".to_string(),
                vec![
                    ("awarded".to_string(), 1050.0),
                    ("estimate".to_string(), 1000.0),
                    ("percent".to_string(), 105.0)
                ]
            ),
            (
                "ocds-c".to_string(),
                vec![
                    ("awarded".to_string(), 1000.0),
                    ("estimate".to_string(), 1000.0),
                    ("percent".to_string(), 100.0)
                ]
            ),
        ]
    );
    // A threshold of 0.95 takes in the 99% one too.
    let lower = Settings::from_ini("[R031]\nthreshold = 0.95\n").unwrap();
    let ocids: Vec<String> = flagged(&releases, &lower, "R031")
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(ocids, vec!["ocds-a", "ocds-b", "ocds-c"]);
}

#[test]
fn r031_leaves_direct_contracts_whose_estimate_is_the_agreed_price_alone() {
    // A single-source process publishes the agreed price as its estimate: the award equals it
    // (100%), which says nothing about competition. The same numbers in an open tender do.
    let mut direct = release(
        "ocds-direct",
        json!([{"id": "1", "status": "active", "value": {"amount": 1000, "currency": "KGS"}}]),
        json!([]),
    );
    direct["tender"]["procurementMethod"] = json!("direct");
    let open = release(
        "ocds-open",
        json!([{"id": "1", "status": "active", "value": {"amount": 1000, "currency": "KGS"}}]),
        json!([]),
    );
    let settings = Settings {
        r031: Some(Threshold::default()),
        ..Settings::default()
    };
    let ocids: Vec<String> = flagged(&[direct, open], &settings, "R031")
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(ocids, vec!["ocds-open"]);
}

#[test]
fn r059_flags_contracts_far_from_their_award() {
    let award =
        json!([{"id": "a1", "status": "active", "value": {"amount": 1000, "currency": "KGS"}}]);
    let contract = |amount: f64, currency: &str| json!([{"id": "c1", "awardID": "a1", "value": {"amount": amount, "currency": currency}}]);
    let releases = [
        // +15% is over 10%.
        release("ocds-up", award.clone(), contract(1150.0, "KGS")),
        // +10% is not over 10%.
        release("ocds-ten", award.clone(), contract(1100.0, "KGS")),
        // −20% is a gap too.
        release("ocds-down", award.clone(), contract(800.0, "KGS")),
        // Another currency: not comparable.
        release("ocds-usd", award.clone(), contract(20.0, "USD")),
        // No award with that id.
        release(
            "ocds-orphan",
            award.clone(),
            json!([{"id": "c1", "awardID": "zz", "value": {"amount": 5000, "currency": "KGS"}}]),
        ),
    ];
    let settings = Settings::from_ini("[R059]\n").unwrap();
    let found = flagged(&releases, &settings, "R059");
    assert_eq!(
        found,
        vec![
            (
                "ocds-down".to_string(),
                vec![
                    ("awarded".to_string(), 1000.0),
                    ("contracted".to_string(), 800.0),
                    ("percent".to_string(), -20.0),
                    ("threshold".to_string(), 10.0)
                ]
            ),
            (
                "ocds-up".to_string(),
                vec![
                    ("awarded".to_string(), 1000.0),
                    ("contracted".to_string(), 1150.0),
                    ("percent".to_string(), 15.0),
                    ("threshold".to_string(), 10.0)
                ]
            ),
        ]
    );
    let strict = Settings::from_ini("[R059]\nthreshold = 5\n").unwrap();
    let ocids: Vec<String> = flagged(&releases, &strict, "R059")
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(ocids, vec!["ocds-down", "ocds-ten", "ocds-up"]);
}

#[test]
fn r060_counts_days_between_instants_whatever_the_offsets() {
    let award = json!([{"id": "a1", "status": "active", "date": "2024-01-01T10:00:00+06:00"}]);
    let signed = |date: &str| json!([{"id": "c1", "awardID": "a1", "dateSigned": date}]);
    let releases = [
        // Awarded 2024-01-01 04:00 UTC, signed 2024-02-01 09:00 UTC: 31 days 5 hours = 31.2.
        release("ocds-late", award.clone(), signed("2024-02-01T09:00:00Z")),
        // Signed 2024-01-31 10:00 +06:00: exactly 30 days, not more.
        release(
            "ocds-thirty",
            award.clone(),
            signed("2024-01-31T10:00:00+06:00"),
        ),
        // As text "2024-01-31T23:00:00-08:00" sorts before February, but it is 2024-02-01
        // 07:00 UTC: 31 days 3 hours = 31.1, flagged.
        release(
            "ocds-offset",
            award.clone(),
            signed("2024-01-31T23:00:00-08:00"),
        ),
    ];
    let settings = Settings::from_ini("[R060]\n").unwrap();
    let found = flagged(&releases, &settings, "R060");
    assert_eq!(
        found,
        vec![
            (
                "ocds-late".to_string(),
                vec![("days".to_string(), 31.2), ("threshold".to_string(), 30.0)]
            ),
            (
                "ocds-offset".to_string(),
                vec![("days".to_string(), 31.1), ("threshold".to_string(), 30.0)]
            ),
        ]
    );
}

#[test]
fn the_new_sections_refuse_keys_they_do_not_know() {
    for section in ["R031", "R059", "R060"] {
        let error = Settings::from_ini(&format!("[{section}]\nthreshhold = 1\n")).unwrap_err();
        assert!(
            error.to_string().contains("threshold"),
            "{section}: {error}"
        );
    }
}
