//! R040 Supplier's share of a buyer's awards and R051 market concentration per buyer (HHI).
//!
//! For each buyer, the active award values in the most common award currency (ties to the
//! smaller code) are added up per supplier (an award to several suppliers is split equally).
//! Buyers with fewer than `minimum_contracting_processes` (default 5) processes with such awards
//! are not judged.
//! - R040 flags the supplier (group Tenderer, keyed "buyer|supplier" in the fact) whose share of
//!   the buyer's awarded value is at least `threshold` (default 0.5).
//! - R051 flags the buyer whose Herfindahl–Hirschman index (the sum of the squared shares,
//!   0–1) is at least `threshold` (default 0.25, "highly concentrated" in the usual reading).

use std::collections::BTreeMap;

use crate::{Collector, Fact, Flag, Group, Process, kept::Kept, settings::Concentration};

/// An active award with an amount and a currency, as kept of its process (R040/R051, R050).
pub(crate) struct Award {
    pub amount: f64,
    pub currency: String,
    pub suppliers: Vec<String>,
    /// The market R050 counts it in, when it runs and the award belongs to one market.
    pub market: Option<String>,
}

/// The process's active awards with an amount and a currency, in order.
pub(crate) fn keep(process: &Process, r050: Option<&crate::settings::R050>) -> Vec<Award> {
    process
        .active_awards()
        .filter_map(|award| {
            let (Some(amount), Some(currency)) = (award.amount, award.currency.as_deref()) else {
                return None;
            };
            Some(Award {
                amount,
                currency: currency.to_owned(),
                suppliers: award.suppliers.clone(),
                market: r050.and_then(|options| crate::r050::market(process, award, options)),
            })
        })
        .collect()
}

/// Per buyer: (currency, processes counted, value per supplier).
type Markets<'a> = BTreeMap<&'a str, (String, usize, BTreeMap<&'a str, f64>)>;

fn markets(kept: &[Box<Kept>]) -> Markets<'_> {
    // The most common award currency of each buyer.
    let mut currencies: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for process in kept {
        let Some(buyer) = process.buyer.as_deref() else {
            continue;
        };
        for award in &process.awards {
            *currencies
                .entry(buyer)
                .or_default()
                .entry(&award.currency)
                .or_default() += 1;
        }
    }
    let mut out: Markets<'_> = BTreeMap::new();
    for process in kept {
        let Some(buyer) = process.buyer.as_deref() else {
            continue;
        };
        let Some(currency) = currencies.get(buyer).and_then(|counts| {
            counts
                .iter()
                .fold(
                    None::<(&str, usize)>,
                    |best, (currency, count)| match best {
                        Some(best) if best.1 >= *count => Some(best),
                        _ => Some((currency, *count)),
                    },
                )
                .map(|(currency, _)| currency)
        }) else {
            continue;
        };
        let mut counted = false;
        for award in &process.awards {
            let (amount, award_currency) = (award.amount, award.currency.as_str());
            if award_currency != currency || award.suppliers.is_empty() {
                continue;
            }
            let entry = out
                .entry(buyer)
                .or_insert_with(|| (currency.to_owned(), 0, BTreeMap::new()));
            let part = amount / award.suppliers.len() as f64;
            for supplier in &award.suppliers {
                *entry.2.entry(supplier.as_str()).or_default() += part;
            }
            counted = true;
        }
        if counted {
            out.get_mut(buyer).expect("counted above").1 += 1;
        }
    }
    out
}

pub(crate) fn run(
    kept: &[Box<Kept>],
    r040: Option<&Concentration>,
    r051: Option<&Concentration>,
    collector: &mut Collector,
) {
    for (buyer, (currency, count, suppliers)) in markets(kept) {
        let total: f64 = suppliers.values().sum();
        if total <= 0.0 {
            continue;
        }
        if let Some(options) = r040
            && count >= options.minimum_contracting_processes.unwrap_or(5)
        {
            let threshold = options.threshold.unwrap_or(0.5);
            for (supplier, value) in &suppliers {
                let share = value / total;
                if share >= threshold {
                    collector.push(
                        Flag::new("R040", Group::Tenderer, *supplier, share).with(
                            Fact::new("supplier_share_of_buyer")
                                .number("percent", (share * 1000.0).round() / 10.0)
                                .number("processes", count as f64)
                                .text("buyer", buyer)
                                .text("currency", &currency),
                        ),
                    );
                }
            }
        }
        if let Some(options) = r051
            && count >= options.minimum_contracting_processes.unwrap_or(5)
        {
            let hhi: f64 = suppliers
                .values()
                .map(|value| (value / total).powi(2))
                .sum();
            let threshold = options.threshold.unwrap_or(0.25);
            if hhi >= threshold {
                collector.push(
                    Flag::new("R051", Group::Buyer, buyer, hhi).with(
                        Fact::new("buyer_concentration")
                            .number("hhi", (hhi * 10_000.0).round())
                            .number("suppliers", suppliers.len() as f64)
                            .number("processes", count as f64),
                    ),
                );
            }
        }
    }
}
