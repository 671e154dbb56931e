//! R055 Repeated direct awards: one buyer awards one supplier at least `minimum_processes`
//! (default 3) purchases by a method without competition (`direct` by default) within
//! `window_days` (default 365) of the first. Each may be lawful alone; together they can be one
//! purchase kept out of competition.

use std::collections::BTreeMap;

use crate::{Collector, Fact, Flag, Group, Process, kept::Kept, settings::R055};

const NANOS_PER_DAY: f64 = 86_400.0 * 1e9;

/// A direct award, as kept of its process: when, and to whom (its buyer is kept beside it).
pub(crate) struct Award {
    when: i128,
    supplier: String,
}

/// The process as a direct award to a single supplier, when it is one.
pub(crate) fn keep(process: &Process, options: &R055) -> Option<Award> {
    let direct = |method: &str| match &options.procurement_methods {
        Some(methods) => methods.contains(method),
        None => method == "direct",
    };
    let (Some(_buyer), Some(method), Some(when)) = (
        process.buyer.as_deref(),
        process.procurement_method.as_deref(),
        process.decided(),
    ) else {
        return None;
    };
    if !direct(method) {
        return None;
    }
    let supplier = process.single_winner()?.to_owned();
    Some(Award { when, supplier })
}

pub(crate) fn run(kept: &[Box<Kept>], options: &R055, collector: &mut Collector) {
    let minimum = options.minimum_processes.unwrap_or(3).max(2);
    let window = (options.window_days.unwrap_or(365.0) * NANOS_PER_DAY) as i128;
    let mut pairs: BTreeMap<(&str, &str), Vec<(i128, &str)>> = BTreeMap::new();
    for process in kept {
        let (Some(buyer), Some(award)) = (process.buyer.as_deref(), &process.r055) else {
            continue;
        };
        pairs
            .entry((buyer, &award.supplier))
            .or_default()
            .push((award.when, &process.ocid));
    }
    let mut buyers: BTreeMap<&str, Vec<Fact>> = BTreeMap::new();
    let mut suppliers: BTreeMap<&str, Vec<Fact>> = BTreeMap::new();
    for ((buyer, supplier), mut awards) in pairs {
        if awards.len() < minimum {
            continue;
        }
        awards.sort();
        let mut flagged_until = 0usize;
        for start in 0..awards.len() {
            let end = awards[start..]
                .iter()
                .take_while(|award| award.0 - awards[start].0 <= window)
                .count()
                + start;
            if end - start < minimum || end <= flagged_until {
                continue;
            }
            let group = &awards[start..end];
            let days = (group[group.len() - 1].0 - group[0].0) as f64 / NANOS_PER_DAY;
            let fact = Fact::new("repeated_direct_awards")
                .number("processes", group.len() as f64)
                .number("days", days.floor())
                .text("buyer", buyer)
                .text("supplier", supplier);
            for (_, ocid) in group {
                collector.push(Flag::new("R055", Group::Ocid, *ocid, 1.0).with(fact.clone()));
            }
            buyers.entry(buyer).or_default().push(fact.clone());
            suppliers.entry(supplier).or_default().push(fact);
            flagged_until = end;
        }
    }
    for (group, found) in [(Group::Buyer, buyers), (Group::Tenderer, suppliers)] {
        for (id, facts) in found {
            let mut flag = Flag::new("R055", group, id, facts.len() as f64);
            flag.facts = facts;
            collector.push(flag);
        }
    }
}
