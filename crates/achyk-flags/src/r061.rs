//! R061 and R062 Decision period too short or too long: the days from the bid deadline
//! (`tender.tenderPeriod.endDate`) to the first active award's `date`. Too short (under R061's
//! `threshold`, default 2 days) leaves no time to evaluate the bids honestly; too long (over
//! R062's `threshold`, default 30 days) leaves room to negotiate outside the competition.
//! Instants, offsets applied.

use crate::{Fact, Flag, Group, Process, settings::Threshold};

const NANOS_PER_DAY: f64 = 86_400.0 * 1e9;

/// Days from the bid deadline to the first active award, if both are known and in order.
fn decision_days(process: &Process) -> Option<f64> {
    let deadline = process.tender_end?;
    let first = process
        .active_awards()
        .filter_map(|award| award.date)
        .min()?;
    (first >= deadline).then(|| (first - deadline) as f64 / NANOS_PER_DAY)
}

fn fact(days: f64, threshold: f64) -> Fact {
    Fact::new("decision_period_days")
        .number("days", (days * 10.0).floor() / 10.0)
        .number("threshold", threshold)
}

pub(crate) fn short(process: &Process, options: &Threshold) -> Option<Flag> {
    let threshold = options.threshold.unwrap_or(2.0);
    let days = decision_days(process)?;
    (days < threshold)
        .then(|| Flag::new("R061", Group::Ocid, &process.ocid, 1.0).with(fact(days, threshold)))
}

pub(crate) fn long(process: &Process, options: &Threshold) -> Option<Flag> {
    let threshold = options.threshold.unwrap_or(30.0);
    let days = decision_days(process)?;
    (days > threshold)
        .then(|| Flag::new("R062", Group::Ocid, &process.ocid, 1.0).with(fact(days, threshold)))
}
