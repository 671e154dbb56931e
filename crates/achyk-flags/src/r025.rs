//! R025 Excessive unsuccessful bids: a top tenderer (many valid bids) wins a low-outlier share.

use std::collections::BTreeSet;

use crate::{Collector, Fact, Flag, Group, IdMap, Process, settings::R025, stats};

/// Per tenderer: (winning bids, valid bids), added up process by process.
pub(crate) type Counts = IdMap<(u64, u64)>;

/// Adds one process to the counts.
pub(crate) fn add(process: &Process, counts: &mut Counts) {
    let Some(winner) = process.single_winner() else {
        return;
    };
    // A tenderer counts once per process, however many valid bids it submitted there.
    let tenderers: BTreeSet<&str> = process
        .bids
        .iter()
        .filter(|bid| bid.has_status("valid"))
        .filter_map(|bid| match bid.tenderers.as_slice() {
            [tenderer] => Some(tenderer.as_str()),
            _ => None,
        })
        .collect();
    for tenderer in tenderers {
        let entry = match counts.get_mut(tenderer) {
            Some(entry) => entry,
            None => counts.entry(tenderer.to_owned()).or_default(),
        };
        entry.1 += 1;
        if tenderer == winner {
            entry.0 += 1;
        }
    }
}

pub(crate) fn merge(into: &mut Counts, from: Counts) {
    for (tenderer, (won, valid)) in from {
        let entry = into.entry(tenderer).or_default();
        entry.0 += won;
        entry.1 += valid;
    }
}

pub(crate) fn run(counts: &Counts, options: &R025, collector: &mut Collector) {
    if counts.is_empty() {
        return;
    }
    let bids: Vec<f64> = counts.values().map(|(_, valid)| *valid as f64).collect();
    let percentile = options.percentile.unwrap_or(75);
    let top = stats::quantile(&bids, percentile as f64 / 100.0);
    let ratios: Vec<f64> = counts
        .values()
        .map(|(won, valid)| *won as f64 / *valid as f64)
        .collect();
    let (fence, guard) = match options.threshold {
        Some(threshold) => (threshold, 1.0),
        None => {
            let (q1, q3) = stats::quartiles(&ratios);
            collector.meta("R025", "q1", q1);
            collector.meta("R025", "q3", q3);
            (stats::lower_fence(q1, q3), q1)
        }
    };
    collector.meta("R025", "upper_fence", top);
    collector.meta("R025", "lower_fence", fence);
    if guard > 0.0 && fence > 0.0 {
        for (id, &(won, valid)) in counts {
            let ratio = won as f64 / valid as f64;
            if valid as f64 >= top && ratio <= fence {
                collector.push(
                    Flag::new("R025", Group::Tenderer, id.as_str(), ratio).with(
                        Fact::new("few_winning_bids")
                            .number("winning_bids", won as f64)
                            .number("valid_bids", valid as f64)
                            .number("top_tenderer_bids", top)
                            .number("fence", fence),
                    ),
                );
            }
        }
    }
}
