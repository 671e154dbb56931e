//! R050 Supplier's market share: a supplier receives at least `threshold` (default 0.5) of the
//! value of the active awards in a market.
//!
//! A market is the first `digits` (default 4) characters of a classification id (OKGZ in the
//! Kyrgyz data), in one currency. An award belongs to the market of its items' classifications,
//! or, when it lists no items, of the tender's items; an award whose items fall in several
//! markets is left out, since it does not say how much went to each. An award's value is split
//! equally among its suppliers. Markets with fewer than `minimum_contracting_processes` (default
//! 10) processes with such an award, or with a single supplier, are not judged. The supplier is
//! flagged (group Tenderer) with its highest share over the markets where it is flagged. A
//! supplier holding most of a market may be favoured by its buyers, or the market closed to
//! others.

use std::collections::{BTreeMap, BTreeSet};

use crate::{Award, Collector, Fact, Flag, Group, Process, kept::Kept, settings::R050};

#[derive(Default)]
struct Market<'a> {
    processes: BTreeSet<&'a str>,
    suppliers: BTreeMap<&'a str, f64>,
}

/// The market of an active award of `process` with an amount and a currency, when it counts
/// in one (a positive amount, suppliers, and items of a single market).
pub(crate) fn market(process: &Process, award: &Award, options: &R050) -> Option<String> {
    let digits = options.digits.unwrap_or(4);
    let amount = award.amount?;
    if !amount.is_finite() || amount <= 0.0 || award.suppliers.is_empty() {
        return None;
    }
    let codes = if award.classifications.is_empty() {
        &process.tender_classifications
    } else {
        &award.classifications
    };
    let mut prefixes: BTreeSet<String> = codes
        .iter()
        .map(|code| code.chars().take(digits).collect())
        .collect();
    if prefixes.len() == 1 {
        prefixes.pop_first()
    } else {
        None
    }
}

pub(crate) fn run(kept: &[Box<Kept>], options: &R050, collector: &mut Collector) {
    let threshold = options.threshold.unwrap_or(0.5);
    let minimum = options.minimum_contracting_processes.unwrap_or(10);
    let mut markets: BTreeMap<(String, &str), Market<'_>> = BTreeMap::new();
    for process in kept {
        for award in &process.awards {
            let Some(prefix) = &award.market else {
                continue;
            };
            let (amount, currency) = (award.amount, award.currency.as_str());
            let market = markets.entry((prefix.clone(), currency)).or_default();
            market.processes.insert(&process.ocid);
            let part = amount / award.suppliers.len() as f64;
            for supplier in &award.suppliers {
                *market.suppliers.entry(supplier).or_default() += part;
            }
        }
    }
    let mut flagged: BTreeMap<&str, (f64, Vec<Fact>)> = BTreeMap::new();
    for ((code, currency), market) in &markets {
        if market.processes.len() < minimum || market.suppliers.len() < 2 {
            continue;
        }
        let total: f64 = market.suppliers.values().sum();
        for (supplier, value) in &market.suppliers {
            let share = value / total;
            if share >= threshold {
                let entry = flagged.entry(supplier).or_insert((0.0, Vec::new()));
                entry.0 = entry.0.max(share);
                entry.1.push(
                    Fact::new("supplier_market_share")
                        .number("percent", (share * 1000.0).round() / 10.0)
                        .number("supplier_amount", *value)
                        .number("market_amount", total)
                        .number("processes", market.processes.len() as f64)
                        .text("market", code)
                        .text("currency", *currency),
                );
            }
        }
    }
    for (supplier, (share, facts)) in flagged {
        let mut flag = Flag::new("R050", Group::Tenderer, supplier, share);
        flag.facts = facts;
        collector.push(flag);
    }
}
