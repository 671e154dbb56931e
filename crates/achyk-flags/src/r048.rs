//! R048 Heterogeneous supplier: the number of distinct first-level item classifications a
//! tenderer was awarded is a high outlier.

use std::collections::{BTreeMap, BTreeSet};

use crate::{Collector, Fact, Flag, Group, Process, settings::R048, stats};

pub(crate) fn run(processes: &[Process], options: &R048, collector: &mut Collector) {
    let digits = options.digits.unwrap_or(2);
    let minimum = options.minimum_contracting_processes.unwrap_or(20);
    // supplier → (awards counted, classification prefixes)
    let mut suppliers: BTreeMap<&str, (usize, BTreeSet<String>)> = BTreeMap::new();
    for process in processes {
        for award in process.active_awards() {
            // An award to several suppliers does not say who supplies which item.
            if let [supplier] = award.suppliers.as_slice()
                && !award.classifications.is_empty()
            {
                let entry = suppliers.entry(supplier).or_default();
                entry.0 += 1;
                entry.1.extend(
                    award
                        .classifications
                        .iter()
                        .map(|id| id.chars().take(digits).collect::<String>()),
                );
            }
        }
    }
    let varieties: Vec<(&str, usize, f64)> = suppliers
        .iter()
        .filter(|(_, (count, _))| *count >= minimum)
        .map(|(id, (count, codes))| (*id, *count, codes.len() as f64))
        .collect();
    let fence = match options.threshold {
        Some(threshold) => threshold as f64,
        None => {
            let values: Vec<f64> = varieties.iter().map(|entry| entry.2).collect();
            let (q1, q3) = stats::quartiles(&values);
            collector.meta("R048", "q1", q1);
            collector.meta("R048", "q3", q3);
            stats::upper_fence(q1, q3)
        }
    };
    collector.meta("R048", "upper_fence", fence);
    for (id, awards, variety) in varieties {
        if variety >= fence {
            collector.push(
                Flag::new("R048", Group::Tenderer, id, variety).with(
                    Fact::new("heterogeneous_supplier")
                        .number("classifications", variety)
                        .number("awards", awards as f64)
                        .number("fence", fence)
                        .number("digits", digits as f64),
                ),
            );
        }
    }
}
