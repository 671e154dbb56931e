//! R013 Buyer's share of non-competitive processes: among a buyer's processes that name a
//! method, the share with a non-competitive one (as R010) is at or above `threshold` (default
//! 0.5), for buyers with at least `minimum_contracting_processes` (default 10) such processes.

use std::collections::BTreeMap;

use crate::{
    Collector, Fact, Flag, Group, Process, kept::Kept, r010::non_competitive, settings::R013,
};

/// Whether the process's method is non-competitive, when it names a buyer and a method.
pub(crate) fn keep(process: &Process, options: &R013) -> Option<bool> {
    process.buyer.as_ref()?;
    let method = process.procurement_method.as_deref()?;
    Some(non_competitive(
        method,
        options.procurement_methods.as_ref(),
    ))
}

pub(crate) fn run(kept: &[Box<Kept>], options: &R013, collector: &mut Collector) {
    let threshold = options.threshold.unwrap_or(0.5);
    let minimum = options.minimum_contracting_processes.unwrap_or(10);
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for process in kept {
        let (Some(buyer), Some(non_competitive)) = (process.buyer.as_deref(), process.r013) else {
            continue;
        };
        let entry = counts.entry(buyer).or_default();
        entry.0 += 1;
        if non_competitive {
            entry.1 += 1;
        }
    }
    for (buyer, (total, non)) in counts {
        if total < minimum {
            continue;
        }
        let share = non as f64 / total as f64;
        if share >= threshold {
            collector.push(
                Flag::new("R013", Group::Buyer, buyer, share).with(
                    Fact::new("non_competitive_share")
                        .number("non_competitive", non as f64)
                        .number("processes", total as f64)
                        .number("percent", (share * 1000.0).round() / 10.0),
                ),
            );
        }
    }
}
