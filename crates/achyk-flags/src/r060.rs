//! R060 Long from award to signature: a contract was signed more than `threshold` days (default
//! 30) after the award it implements. Long delays after the award leave room to renegotiate
//! what was competed for. Dates are compared as instants, offsets applied.

use crate::{Fact, Flag, Group, Process, settings::Threshold};

/// Instants are in nanoseconds.
const NANOS_PER_DAY: f64 = 86_400.0 * 1e9;

pub(crate) fn check(process: &Process, options: &Threshold) -> Option<Flag> {
    let threshold = options.threshold.unwrap_or(30.0);
    let longest = process
        .contracts
        .iter()
        .filter_map(|contract| {
            let signed = contract.date_signed?;
            let award_id = contract.award_id.as_deref()?;
            let award = process
                .awards
                .iter()
                .find(|award| award.id.as_deref() == Some(award_id))?;
            let awarded = award.date?;
            let days = (signed - awarded) as f64 / NANOS_PER_DAY;
            Some((days, contract))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    let (days, contract) = longest;
    (days > threshold).then(|| {
        Flag::new("R060", Group::Ocid, &process.ocid, 1.0).with(
            Fact::new("late_signature")
                .number("days", (days * 10.0).floor() / 10.0)
                .number("threshold", threshold)
                .text("contract", contract.id.as_deref().unwrap_or_default()),
        )
    })
}
