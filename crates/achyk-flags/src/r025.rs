//! R025 Excessive unsuccessful bids: a top tenderer (many valid bids) wins a low-outlier share.

use std::collections::{BTreeMap, BTreeSet};

use crate::{Collector, Fact, Flag, Group, Process, settings::R025, stats};

pub(crate) fn run(processes: &[Process], options: &R025, collector: &mut Collector) {
    // tenderer → (winning bids, valid bids)
    let mut counts: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for process in processes {
        let Some(winner) = process.single_winner() else {
            continue;
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
            let entry = counts.entry(tenderer).or_default();
            entry.1 += 1;
            if tenderer == winner {
                entry.0 += 1;
            }
        }
    }
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
        for (id, (won, valid)) in counts {
            let ratio = won as f64 / valid as f64;
            if valid as f64 >= top && ratio <= fence {
                collector.push(
                    Flag::new("R025", Group::Tenderer, id, ratio).with(
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
