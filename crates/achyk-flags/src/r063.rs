//! R063 Award without a published contract: an active award is more than `threshold` days
//! (default 30) old and no contract names it (`awardID`, or the Kyrgyz feed's `awardIDs`). "Old" is counted to the latest date in
//! the data (award dates, contract signatures, tender deadlines), not to the clock, so the result
//! depends only on the input.

use crate::{Fact, Flag, Group, Process, kept::Kept, settings::Threshold};

const NANOS_PER_DAY: f64 = 86_400.0 * 1e9;

/// The latest instant the process knows (the data's is the latest of all processes').
pub(crate) fn latest(process: &Process) -> Option<i128> {
    process
        .awards
        .iter()
        .filter_map(|award| award.date)
        .chain(
            process
                .contracts
                .iter()
                .filter_map(|contract| contract.date_signed),
        )
        .chain(process.tender_end)
        .max()
}

/// An active award that no contract names, with a date: when, and its id. How old it is is
/// known only once every process has been read.
pub(crate) type Unsigned = (i128, String);

/// The process's active awards without a contract, in order.
pub(crate) fn keep(process: &Process) -> Vec<Unsigned> {
    process
        .active_awards()
        .filter(|award| {
            !process
                .contracts
                .iter()
                .any(|contract| contract.names(award))
        })
        .filter_map(|award| Some((award.date?, award.id.clone().unwrap_or_default())))
        .collect()
}

pub(crate) fn check(process: &Kept, options: &Threshold, as_of: i128) -> Option<Flag> {
    let threshold = options.threshold.unwrap_or(30.0);
    let oldest = process
        .r063
        .iter()
        .map(|(date, award)| ((as_of - date) as f64 / NANOS_PER_DAY, award))
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    let (days, award) = oldest;
    (days > threshold).then(|| {
        Flag::new("R063", Group::Ocid, &process.ocid, 1.0).with(
            Fact::new("award_without_contract")
                .number("days", days.floor())
                .number("threshold", threshold)
                .text("award", award.as_str()),
        )
    })
}
