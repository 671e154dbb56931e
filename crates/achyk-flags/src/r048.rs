//! R048 Heterogeneous supplier: the number of distinct first-level item classifications a
//! tenderer was awarded is a high outlier.

use std::collections::BTreeSet;

use crate::{Collector, Fact, Flag, Group, IdMap, Process, settings::R048, stats};

/// Per supplier: (awards counted, the classification prefixes of their items).
pub(crate) type Suppliers = IdMap<(usize, BTreeSet<String>)>;

/// Adds one process's active awards.
pub(crate) fn add(process: &Process, options: &R048, suppliers: &mut Suppliers) {
    let digits = options.digits.unwrap_or(2);
    for award in process.active_awards() {
        // An award to several suppliers does not say who supplies which item.
        if let [supplier] = award.suppliers.as_slice()
            && !award.classifications.is_empty()
        {
            let entry = suppliers.entry(supplier.clone()).or_default();
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

pub(crate) fn merge(into: &mut Suppliers, from: Suppliers) {
    for (supplier, (count, codes)) in from {
        let entry = into.entry(supplier).or_default();
        entry.0 += count;
        entry.1.extend(codes);
    }
}

pub(crate) fn run(suppliers: &Suppliers, options: &R048, collector: &mut Collector) {
    let digits = options.digits.unwrap_or(2);
    let minimum = options.minimum_contracting_processes.unwrap_or(20);
    let varieties: Vec<(&str, usize, f64)> = suppliers
        .iter()
        .filter(|(_, (count, _))| *count >= minimum)
        .map(|(id, (count, codes))| (id.as_str(), *count, codes.len() as f64))
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
