//! R011, R049 and R055, the indicators that read the law's threshold or repeat purchases, on
//! releases written here. Thresholds: 1,000,000 from 14 May 2015 and 1,500,000 from 1 April 2022
//! (the dates parse as midnight UTC). Every expected flag and number is worked out by hand.

use achyk_flags::{Group, Settings};
use serde_json::{Value, json};

const THRESHOLDS: &str = "[thresholds]\n2015-05-14 = 1000000\n2022-04-01 = 1500000\n";

/// A purchase by `buyer` of `classification` by `method`, started on `day`, worth `amount`.
fn purchase(
    ocid: &str,
    buyer: &str,
    classification: &str,
    method: &str,
    day: &str,
    amount: f64,
) -> Value {
    json!({
        "ocid": ocid,
        "buyer": {"id": buyer},
        "tender": {
            "procurementMethod": method,
            "tenderPeriod": {"startDate": format!("{day}T10:00:00+06:00")},
            "value": {"amount": amount, "currency": "KGS"},
            "items": [{"id": "1", "classification": {"scheme": "OKGZ", "id": classification}}]
        }
    })
}

/// A direct award with no tender value or dates: decided on the award's `day`.
fn direct_award(ocid: &str, buyer: &str, supplier: &str, method: &str, day: &str) -> Value {
    json!({
        "ocid": ocid,
        "buyer": {"id": buyer},
        "tender": {"procurementMethod": method},
        "awards": [{"id": "1", "status": "active", "date": format!("{day}T12:00:00+06:00"),
                    "suppliers": [{"id": supplier}], "value": {"amount": 100000, "currency": "KGS"}}]
    })
}

mod common;

use common::Found;

fn found(releases: &[Value], ini: &str, code: &str) -> Vec<Found> {
    common::found_ini(releases, ini, code)
}

fn ids(found: &[Found]) -> Vec<(Group, &str)> {
    found.iter().map(|flag| (flag.0, flag.1.as_str())).collect()
}

#[test]
fn r011_finds_purchases_split_just_under_the_threshold() {
    let releases = [
        // B: 900,000, 950,000 and 990,000 (each from 85% of 1,000,000 to just under), on 1, 10
        // and 25 March 2021 (24 days), together 2,840,000 > 1,000,000 → all three and B.
        purchase("b1", "B", "44110000", "open", "2021-03-01", 900_000.0),
        purchase("b2", "B", "44110000", "open", "2021-03-10", 950_000.0),
        purchase("b3", "B", "44110000", "open", "2021-03-25", 990_000.0),
        // C: the same but each over the threshold (the open tender was used) → nothing.
        purchase("c1", "C", "44110000", "open", "2021-03-01", 1_005_000.0),
        purchase("c2", "C", "44110000", "open", "2021-03-10", 1_050_000.0),
        purchase("c3", "C", "44110000", "open", "2021-03-25", 1_100_000.0),
        // D: three under, but 1 and 20 January then 15 February: 45 days, never 3 in 30.
        purchase("d1", "D", "44110000", "open", "2021-01-01", 900_000.0),
        purchase("d2", "D", "44110000", "open", "2021-01-20", 900_000.0),
        purchase("d3", "D", "44110000", "open", "2021-02-15", 900_000.0),
        // E: only two.
        purchase("e1", "E", "44110000", "open", "2021-03-01", 900_000.0),
        purchase("e2", "E", "44110000", "open", "2021-03-02", 900_000.0),
        // F: 1,300,000 three times in June 2022: 86.7% of the 2022 threshold (1,500,000) →
        // flagged (2 to 20 June: 18 days, 3,900,000 in all).
        purchase("f1", "F", "30190000", "open", "2022-06-02", 1_300_000.0),
        purchase("f2", "F", "30190000", "open", "2022-06-10", 1_300_000.0),
        purchase("f3", "F", "30190000", "open", "2022-06-20", 1_300_000.0),
        // G: the same values in 2021 are over the 2015 law's 1,000,000 → nothing.
        purchase("g1", "G", "30190000", "open", "2021-06-02", 1_300_000.0),
        purchase("g2", "G", "30190000", "open", "2021-06-10", 1_300_000.0),
        purchase("g3", "G", "30190000", "open", "2021-06-20", 1_300_000.0),
        // H: three under, but of three different classifications → nothing.
        purchase("h1", "H", "1", "open", "2021-03-01", 900_000.0),
        purchase("h2", "H", "2", "open", "2021-03-02", 900_000.0),
        purchase("h3", "H", "3", "open", "2021-03-03", 900_000.0),
    ];
    let ini = format!("{THRESHOLDS}[R011]\n");
    let flags = found(&releases, &ini, "R011");
    assert_eq!(
        ids(&flags),
        [
            (Group::Ocid, "b1"),
            (Group::Ocid, "b2"),
            (Group::Ocid, "b3"),
            (Group::Ocid, "f1"),
            (Group::Ocid, "f2"),
            (Group::Ocid, "f3"),
            (Group::Buyer, "B"),
            (Group::Buyer, "F"),
        ]
    );
    let numbers = |pairs: &[(&str, f64)]| -> Vec<(String, f64)> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), *value))
            .collect()
    };
    assert_eq!(
        flags[0].3,
        numbers(&[
            ("processes", 3.0),
            ("total_amount", 2_840_000.0),
            ("threshold_amount", 1_000_000.0),
            ("days", 24.0)
        ])
    );
    assert_eq!(flags[6].2, 1.0, "one split by B");
    // D's purchases do split with a 45-day window; E's with a minimum of 2.
    let wide = format!("{THRESHOLDS}[R011]\nwindow_days = 45\n");
    assert!(ids(&found(&releases, &wide, "R011")).contains(&(Group::Buyer, "D")));
    let two = format!("{THRESHOLDS}[R011]\nminimum_processes = 2\n");
    assert!(ids(&found(&releases, &two, "R011")).contains(&(Group::Buyer, "E")));
    // Without thresholds there is no line to split under: nothing.
    assert_eq!(found(&releases, "[R011]\n", "R011"), vec![]);
}

#[test]
fn r049_finds_non_competitive_purchases_just_under_the_threshold() {
    let mut from_awards = direct_award("awards", "B", "S", "direct", "2021-05-05");
    // No tender value: the awards' total, 500,000 + 460,000 = 960,000 (96%).
    from_awards["awards"] = json!([
        {"id": "1", "status": "active", "date": "2021-05-05T12:00:00+06:00",
         "value": {"amount": 500000, "currency": "KGS"}, "suppliers": [{"id": "S"}]},
        {"id": "2", "status": "active", "date": "2021-05-06T12:00:00+06:00",
         "value": {"amount": 460000, "currency": "KGS"}, "suppliers": [{"id": "S"}]}
    ]);
    let releases = [
        purchase("95", "B", "1", "direct", "2021-03-01", 950_000.0), // 95.0% → flagged
        purchase("89.9", "B", "1", "direct", "2021-03-01", 899_000.0), // 89.9% → not
        purchase("100", "B", "1", "direct", "2021-03-01", 1_000_000.0), // at the line → not
        purchase("open", "B", "1", "open", "2021-03-01", 950_000.0), // competitive → not
        purchase("2022", "B", "1", "limited", "2022-06-01", 1_400_000.0), // 93.3% of 1.5M
        from_awards,
    ];
    let ini = format!("{THRESHOLDS}[R049]\n");
    let flags = found(&releases, &ini, "R049");
    assert_eq!(
        ids(&flags),
        [
            (Group::Ocid, "2022"),
            (Group::Ocid, "95"),
            (Group::Ocid, "awards")
        ]
    );
    // 1,400,000 / 1,500,000 = 93.33…% → shown as 93.3.
    assert_eq!(
        flags[0].3,
        vec![
            ("amount".to_owned(), 1_400_000.0),
            ("threshold_amount".to_owned(), 1_500_000.0),
            ("percent".to_owned(), 93.3)
        ]
    );
    // A margin of 0.15 takes in 89.9% too.
    let wide = format!("{THRESHOLDS}[R049]\nmargin = 0.15\n");
    assert_eq!(found(&releases, &wide, "R049").len(), 4);
}

#[test]
fn r055_finds_repeated_direct_awards_to_one_supplier() {
    let releases = [
        // B → S three times: 10 January, 1 June, 20 December 2021 (344 days) → all, B and S.
        direct_award("s1", "B", "S", "direct", "2021-01-10"),
        direct_award("s2", "B", "S", "direct", "2021-06-01"),
        direct_award("s3", "B", "S", "direct", "2021-12-20"),
        // B → T twice → nothing.
        direct_award("t1", "B", "T", "direct", "2021-01-10"),
        direct_award("t2", "B", "T", "direct", "2021-02-10"),
        // C → U three times over 379 days (1 January 2021 to 15 January 2022): never 3 in 365.
        direct_award("u1", "C", "U", "direct", "2021-01-01"),
        direct_award("u2", "C", "U", "direct", "2021-07-01"),
        direct_award("u3", "C", "U", "direct", "2022-01-15"),
        // D → V three times, but one through an open tender → two direct, nothing.
        direct_award("v1", "D", "V", "direct", "2021-01-01"),
        direct_award("v2", "D", "V", "open", "2021-02-01"),
        direct_award("v3", "D", "V", "direct", "2021-03-01"),
    ];
    let flags = found(&releases, "[R055]\n", "R055");
    assert_eq!(
        ids(&flags),
        [
            (Group::Ocid, "s1"),
            (Group::Ocid, "s2"),
            (Group::Ocid, "s3"),
            (Group::Buyer, "B"),
            (Group::Tenderer, "S"),
        ]
    );
    assert_eq!(
        flags[3].3,
        vec![("processes".to_owned(), 3.0), ("days".to_owned(), 344.0)]
    );
    // With `open` counted as direct, D → V is a repeat as well.
    let any = "[R055]\nprocurement_methods = direct|open\n";
    assert!(ids(&found(&releases, any, "R055")).contains(&(Group::Buyer, "D")));
}

#[test]
fn thresholds_are_checked_when_read() {
    let error = Settings::from_ini("[thresholds]\nlast spring = 1000000\n").unwrap_err();
    assert!(error.to_string().contains("line 2"), "{error}");
    assert!(error.to_string().contains("a date"), "{error}");
    let error = Settings::from_ini("[thresholds]\n2022-04-01 = a lot\n").unwrap_err();
    assert!(error.to_string().contains("a decimal number"), "{error}");
    let error = Settings::from_ini("[R011]\nmargin = 0.1\n").unwrap_err();
    assert!(
        error
            .to_string()
            .contains("known keys: share, minimum_processes, window_days")
    );
    // Entries in any order; the one in force is the last from before the instant.
    let settings = Settings::from_ini("[thresholds]\n2022-04-01 = 2\n2015-05-14 = 1\n").unwrap();
    let instant = |text: &str| achyk_ocds::release::parse_instant(text).unwrap();
    assert_eq!(settings.threshold_at(instant("2015-05-13T23:59:59Z")), None);
    assert_eq!(
        settings.threshold_at(instant("2020-01-01T00:00:00Z")),
        Some(1.0)
    );
    assert_eq!(
        settings.threshold_at(instant("2022-04-01T00:00:00Z")),
        Some(2.0)
    );
}
