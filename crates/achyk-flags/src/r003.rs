//! R003 Short submission period: the tender period, in whole days, is shorter than a threshold.

use crate::{Fact, Flag, Group, Process, settings::R003};

const NANOS_PER_DAY: i128 = 86_400 * 1_000_000_000;

pub(crate) fn check(process: &Process, options: &R003) -> Option<Flag> {
    if let Some(methods) = &options.procurement_methods {
        let method = process.procurement_method.as_deref()?;
        if !methods.contains(method) {
            return None;
        }
    }
    let threshold = process
        .procurement_method_details
        .as_ref()
        .and_then(|details| options.procurement_method_details.get(details))
        .copied()
        .or(options.threshold)
        .unwrap_or(15);
    // Instants, so +06:00 and Z dates compare correctly; whole days truncate toward zero.
    let days = (process.tender_end? - process.tender_start?) / NANOS_PER_DAY;
    (days < i128::from(threshold)).then(|| {
        Flag::new("R003", Group::Ocid, &process.ocid, 1.0).with(
            Fact::new("submission_period_days")
                .number("days", days as f64)
                .number("threshold", threshold as f64),
        )
    })
}
