//! R058 Heavily discounted bid: the difference between the second-lowest valid bid and the
//! winning bid (computed by `r024`) is a high outlier.

use std::collections::BTreeMap;

use crate::r024::{Difference, fact};
use crate::{Collector, Flag, Group, settings::Threshold, stats};

/// Flags differences at or above the upper fence (or the threshold); the fence, when it is
/// one that flags.
pub(crate) fn flag(
    options: &Threshold,
    currency: &str,
    differences: &BTreeMap<&str, Difference>,
    collector: &mut Collector,
) -> Option<f64> {
    let fence = match options.threshold {
        Some(threshold) => threshold,
        None => {
            let values: Vec<f64> = differences.values().map(|entry| entry.value).collect();
            let (q1, q3) = stats::quartiles(&values);
            collector.meta("R058", "q1", q1);
            collector.meta("R058", "q3", q3);
            stats::upper_fence(q1, q3)
        }
    };
    collector.meta("R058", "upper_fence", fence);
    if fence <= 0.0 {
        return None;
    }
    for (ocid, entry) in differences {
        if entry.value >= fence {
            let fact = fact(
                "winning_bid_heavily_discounted",
                entry,
                fence,
                currency,
                ocid,
            );
            collector.push(Flag::new("R058", Group::Ocid, *ocid, entry.value).with(fact.clone()));
            collector.push(Flag::new("R058", Group::Tenderer, entry.winner, 0.0).with(fact));
            collector.map("ocid_tenderer_r058", ocid, entry.winner);
        }
    }
    Some(fence)
}
