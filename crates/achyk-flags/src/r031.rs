//! R031 Awarded at or above the estimate: the active awards of a process total at least
//! `threshold` (default 1.0) times its estimate (`tender.value`), counting only awards in the
//! estimate's currency. Competition usually brings prices under the estimate; awards at or above
//! it suggest the estimate was set for a known supplier, or no real competition. A direct
//! (single-source) process is not judged: its estimate is the price agreed with its one
//! supplier, so its award always equals it (the Kyrgyz feed's contract-based processes do).

use crate::{Fact, Flag, Group, Process, settings::Threshold};

pub(crate) fn check(process: &Process, options: &Threshold) -> Option<Flag> {
    if process.procurement_method.as_deref() == Some("direct") {
        return None;
    }
    let (estimate, currency) = process.tender_value.as_ref()?;
    if *estimate <= 0.0 {
        return None;
    }
    let awards: Vec<f64> = process
        .active_awards()
        .filter(|award| award.currency.as_deref() == Some(currency.as_str()))
        .filter_map(|award| award.amount)
        .collect();
    if awards.is_empty() {
        return None;
    }
    let total: f64 = awards.iter().sum();
    let threshold = options.threshold.unwrap_or(1.0);
    let ratio = total / estimate;
    (ratio >= threshold).then(|| {
        Flag::new("R031", Group::Ocid, &process.ocid, 1.0).with(
            Fact::new("award_over_estimate")
                .number("awarded", total)
                .number("estimate", *estimate)
                .number("percent", (ratio * 1000.0).round() / 10.0)
                .text("currency", currency),
        )
    })
}
