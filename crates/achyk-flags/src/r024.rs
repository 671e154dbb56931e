//! R024 Price close to winning bid, and R058 Heavily discounted bid: the relative difference
//! between the second-lowest valid bid and the winning bid is a low (R024) or high (R058)
//! outlier. Both share the differences computed here; R058's module only flags.

use std::collections::BTreeMap;

use crate::{Collector, Context, Fact, Flag, Group, Process, stats};

/// One process's comparable bids: the winner and every valid bid with one tenderer and an amount.
struct Candidate<'a> {
    ocid: &'a str,
    winner: &'a str,
    bids: Vec<(&'a str, f64, &'a str)>,
}

fn candidate<'a>(process: &'a Process, context: &Context) -> Option<Candidate<'a>> {
    if !context.prices_comparable(process) {
        return None;
    }
    let winner = process.single_winner()?;
    let mut bids = Vec::new();
    for bid in process.bids.iter().filter(|bid| bid.has_status("valid")) {
        if bid.tenderers.len() > 1 {
            return None;
        }
        if let ([tenderer], Some(amount), Some(currency)) = (
            bid.tenderers.as_slice(),
            bid.amount,
            bid.currency.as_deref(),
        ) {
            bids.push((tenderer.as_str(), amount, currency));
        }
    }
    Some(Candidate {
        ocid: &process.ocid,
        winner,
        bids,
    })
}

/// The configured currency, else the most common among the candidates' bids, ties to the
/// smaller code: the same for any input order, unlike "the first currency seen".
fn choose_currency(candidates: &[Candidate], configured: Option<&str>) -> Option<String> {
    if let Some(currency) = configured {
        return Some(currency.to_owned());
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for candidate in candidates {
        for (_, _, currency) in &candidate.bids {
            *counts.entry(currency).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(currency, _)| currency.to_owned())
}

pub(crate) fn run(processes: &[Process], context: &Context, collector: &mut Collector) {
    let candidates: Vec<Candidate> = processes
        .iter()
        .filter_map(|process| candidate(process, context))
        .collect();
    let Some(currency) = choose_currency(&candidates, context.settings.currency.as_deref()) else {
        return;
    };
    // ocid → (difference, winner, second, winning amount, second amount)
    let mut differences: BTreeMap<&str, (f64, &str, &str, f64, f64)> = BTreeMap::new();
    for candidate in &candidates {
        let mut winning: Option<f64> = None;
        let mut second: Option<(&str, f64)> = None;
        for &(tenderer, amount, bid_currency) in &candidate.bids {
            if bid_currency != currency {
                continue;
            }
            if tenderer == candidate.winner {
                winning = Some(winning.map_or(amount, |other: f64| other.min(amount)));
            } else if second.is_none_or(|(_, other)| amount < other) {
                second = Some((tenderer, amount));
            }
        }
        if let (Some(winning), Some((second_id, second_amount))) = (winning, second)
            && second_amount >= winning
            && winning != 0.0
        {
            differences.insert(
                candidate.ocid,
                (
                    (second_amount - winning) / winning,
                    candidate.winner,
                    second_id,
                    winning,
                    second_amount,
                ),
            );
        }
    }
    let values: Vec<f64> = differences.values().map(|entry| entry.0).collect();
    let (q1, q3) = stats::quartiles(&values);
    let fact = |code: &'static str, entry: &(f64, &str, &str, f64, f64), fence: f64, ocid: &str| {
        Fact::new(code)
            .number("difference", entry.0)
            .number("fence", fence)
            .number("winning_amount", entry.3)
            .number("second_amount", entry.4)
            .text("currency", currency.clone())
            .text("winner", entry.1)
            .text("second", entry.2)
            .text("ocid", ocid)
    };
    if let Some(options) = &context.settings.r024 {
        let (fence, guard) = match options.threshold {
            Some(threshold) => (threshold, 1.0),
            None => {
                collector.meta("R024", "q1", q1);
                collector.meta("R024", "q3", q3);
                (stats::lower_fence(q1, q3), q1)
            }
        };
        collector.meta("R024", "lower_fence", fence);
        // A non-positive fence would flag nothing meaningful (differences are non-negative).
        if guard > 0.0 && fence > 0.0 {
            for (ocid, entry) in &differences {
                if entry.0 <= fence {
                    let fact = fact("second_bid_close_to_winner", entry, fence, ocid);
                    collector
                        .push(Flag::new("R024", Group::Ocid, *ocid, entry.0).with(fact.clone()));
                    for id in [entry.1, entry.2] {
                        collector
                            .push(Flag::new("R024", Group::Tenderer, id, 0.0).with(fact.clone()));
                        collector.map("ocid_tenderer_r024", ocid, id);
                    }
                }
            }
        }
    }
    if let Some(options) = &context.settings.r058 {
        let fence = match options.threshold {
            Some(threshold) => threshold,
            None => {
                collector.meta("R058", "q1", q1);
                collector.meta("R058", "q3", q3);
                stats::upper_fence(q1, q3)
            }
        };
        collector.meta("R058", "upper_fence", fence);
        if fence > 0.0 {
            for (ocid, entry) in &differences {
                if entry.0 >= fence {
                    let fact = fact("winning_bid_heavily_discounted", entry, fence, ocid);
                    collector
                        .push(Flag::new("R058", Group::Ocid, *ocid, entry.0).with(fact.clone()));
                    collector.push(Flag::new("R058", Group::Tenderer, entry.1, 0.0).with(fact));
                    collector.map("ocid_tenderer_r058", ocid, entry.1);
                }
            }
        }
    }
}
