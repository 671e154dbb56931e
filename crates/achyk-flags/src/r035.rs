//! R035 All except winning bid disqualified: one tenderer's bids are valid, it won every
//! active award, and at least `threshold` other tenderers had bids disqualified.

use std::collections::BTreeSet;

use crate::{Fact, Flag, Group, Process, settings::R035};

pub(crate) fn check(process: &Process, options: &R035) -> Vec<Flag> {
    let threshold = options.threshold.unwrap_or(1);
    let Some(active) = process.active_awards_if_final() else {
        return Vec::new();
    };
    let valid: BTreeSet<&str> = process
        .bids
        .iter()
        .filter(|bid| bid.has_status("valid"))
        .flat_map(|bid| bid.tenderers.iter().map(String::as_str))
        .collect();
    let [winner] = valid.iter().copied().collect::<Vec<_>>()[..] else {
        return Vec::new();
    };
    let suppliers: BTreeSet<&str> = active
        .iter()
        .flat_map(|award| award.suppliers.iter().map(String::as_str))
        .collect();
    if suppliers.len() != 1 || !suppliers.contains(winner) {
        return Vec::new();
    }
    let disqualified: BTreeSet<&str> = process
        .bids
        .iter()
        .filter(|bid| bid.has_status("disqualified"))
        .flat_map(|bid| bid.tenderers.iter().map(String::as_str))
        .filter(|tenderer| *tenderer != winner)
        .collect();
    if disqualified.len() < threshold.max(1) {
        return Vec::new();
    }
    let fact = Fact::new("all_but_winner_disqualified")
        .number("disqualified_tenderers", disqualified.len() as f64)
        .number("threshold", threshold as f64)
        .text("winner", winner)
        .text("ocid", &process.ocid);
    vec![
        Flag::new(
            "R035",
            Group::Ocid,
            &process.ocid,
            disqualified.len() as f64,
        )
        .with(fact.clone()),
        Flag::new("R035", Group::Tenderer, winner, 0.0).with(fact),
    ]
}
