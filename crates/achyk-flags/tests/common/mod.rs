//! What the hand-worked indicator tests share: the flags of one code, as plain tuples.
#![allow(dead_code)]

use achyk_flags::{Group, Indicators, Settings};
use serde_json::Value;

/// A flag as (group, id, value, its first fact's numbers).
pub type Found = (Group, String, f64, Vec<(String, f64)>);

/// The flags of `code` over `releases` with `settings`, in the results' order.
pub fn found(releases: &[Value], settings: &Settings, code: &str) -> Vec<Found> {
    Indicators::compute(releases, settings)
        .flags
        .into_iter()
        .filter(|flag| flag.code == code)
        .map(|flag| {
            let numbers = flag.facts[0]
                .numbers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), *value))
                .collect();
            (flag.group, flag.id, flag.value, numbers)
        })
        .collect()
}

/// As [`found`], with the settings read from `ini`.
pub fn found_ini(releases: &[Value], ini: &str, code: &str) -> Vec<Found> {
    found(releases, &Settings::from_ini(ini).unwrap(), code)
}
