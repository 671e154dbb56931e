//! R023 Fixed-multiple bid prices: the percentage difference between two tenderers' bid prices
//! is the same in different contracting processes.
//!
//! In each process whose bid prices are comparable, a tenderer's price is its submitted bid
//! (pending, valid or disqualified) with a positive amount, when it has exactly one such bid in
//! that currency. A multi-lot process is compared lot by lot, each lot as a process of its own
//! (`Process::lot_processes`), so a tenderer's bids on different lots are not confused. For
//! every two tenderers with prices in the same currency from different bids, the ratio of the
//! price of the one with the greater id to the price of the one with the smaller id is rounded
//! to `decimals` (default 4). A ratio of exactly 1 is left to R028 (identical prices). When the
//! same pair shows the same rounded ratio in at least `threshold` (default 2) processes, both
//! tenderers are flagged (group Tenderer, the number of those processes) and so is each of the
//! processes (group OCID, 1.0). Prices set as a fixed multiple of another bidder's price suggest
//! that one bidder wrote both bids.

use std::collections::{BTreeMap, BTreeSet};

use crate::{Collector, Context, Fact, Flag, Group, Process, kept::Kept, settings::R023};

/// The prices of one currency in a process (or a lot of it) whose prices are comparable, as
/// kept of it: (tenderer, as an index into the process's sorted tenderers; its bid, as an index
/// into the bids; the amount), sorted by tenderer. The ratios are worked out from them when
/// every process has been read, as they would be from the process.
pub(crate) type Priced = Vec<(u32, u32, f64)>;
/// A tenderer's price in a process per currency: `Some((bid index, amount))` for its only
/// priced bid, `None` when it has several.
type Prices<'a> = BTreeMap<(&'a str, &'a str), Option<(usize, f64)>>;

fn prices(process: &Process) -> Prices<'_> {
    let mut prices: Prices<'_> = BTreeMap::new();
    for (index, bid) in process.bids.iter().enumerate() {
        let (Some(amount), Some(currency)) = (bid.amount, bid.currency.as_deref()) else {
            continue;
        };
        if !bid.is_submitted() || !amount.is_finite() || amount <= 0.0 {
            continue;
        }
        let tenderers: BTreeSet<&str> = bid.tenderers.iter().map(String::as_str).collect();
        for tenderer in tenderers {
            prices
                .entry((currency, tenderer))
                .and_modify(|price| *price = None)
                .or_insert(Some((index, amount)));
        }
    }
    prices
}

/// The process's prices, one list per currency of each unit priced on its own (the process,
/// or each of its lots); `lots` are its lots (`Process::lot_processes`), `tenderers` the
/// distinct tenderers of its submitted bids, sorted.
pub(crate) fn keep(
    process: &Process,
    lots: &[(String, Process)],
    tenderers: &[&str],
    context: &Context,
) -> Vec<Priced> {
    let position = |tenderer: &str| {
        tenderers
            .binary_search(&tenderer)
            .expect("a priced tenderer is a tenderer of a submitted bid") as u32
    };
    let mut kept = Vec::new();
    // A multi-lot process is priced per lot: each lot is compared on its own (the same ratio
    // on two lots of one process still counts that process once).
    let whole = lots.is_empty().then_some(process);
    let units = whole.into_iter().chain(lots.iter().map(|(_, lot)| lot));
    for process in units {
        if !context.prices_comparable(process) {
            continue;
        }
        let mut by_currency: BTreeMap<&str, Priced> = BTreeMap::new();
        for ((currency, tenderer), price) in prices(process) {
            if let Some((bid, amount)) = price {
                by_currency.entry(currency).or_default().push((
                    position(tenderer),
                    bid as u32,
                    amount,
                ));
            }
        }
        // Two prices at least make a ratio.
        kept.extend(by_currency.into_values().filter(|priced| priced.len() > 1));
    }
    kept
}

/// Calls `found` with every (smaller id, greater id, rounded ratio × `scale`) the kept prices
/// of `process` show, in order (a ratio may repeat, on two lots of one process).
fn ratios_of<'a>(process: &'a Kept, scale: f64, mut found: impl FnMut(&'a str, &'a str, i64)) {
    let one = scale as i64;
    let name = |tenderer: u32| process.tenderers[tenderer as usize].as_str();
    for priced in &process.r023 {
        // Sorted by tenderer id: `low` always has the smaller id.
        for (index, &(low, low_bid, low_amount)) in priced.iter().enumerate() {
            for &(high, high_bid, high_amount) in &priced[index + 1..] {
                if low_bid == high_bid {
                    continue;
                }
                let scaled = (high_amount / low_amount * scale).round();
                if !scaled.is_finite() || scaled >= 9e18 || scaled as i64 == one {
                    continue;
                }
                found(name(low), name(high), scaled as i64);
            }
        }
    }
}

pub(crate) fn run(kept: &[Box<Kept>], options: &R023, collector: &mut Collector) {
    let threshold = options.threshold.unwrap_or(2);
    let decimals = options.decimals.unwrap_or(4);
    let scale = 10_f64.powi(decimals as i32);
    let one = scale as i64;
    // Nearly every two bidders show a ratio of their own, seen once: a first pass counts the
    // ratios by a digest, so that only those seen often enough (and the few that share their
    // digest) are gathered with their processes. The digest only filters; what is flagged is
    // decided on the ratios themselves.
    let digest = |low: &str, high: &str, scaled: i64| {
        use std::hash::BuildHasher;
        foldhash::fast::FixedState::with_seed(0).hash_one((low, high, scaled))
    };
    let mut seen: Vec<u64> = Vec::new();
    for process in kept {
        ratios_of(process, scale, |low, high, scaled| {
            seen.push(digest(low, high, scaled));
        });
    }
    let often = crate::kept::frequent(seen, threshold);
    // (smaller id, greater id, rounded ratio × 10^decimals) → the processes that show it.
    let mut ratios: BTreeMap<(&str, &str, i64), BTreeSet<&str>> = BTreeMap::new();
    for process in kept {
        ratios_of(process, scale, |low, high, scaled| {
            if often.binary_search(&digest(low, high, scaled)).is_ok() {
                ratios
                    .entry((low, high, scaled))
                    .or_default()
                    .insert(&process.ocid);
            }
        });
    }
    let mut tenderers: BTreeMap<&str, (usize, Vec<Fact>)> = BTreeMap::new();
    for ((low, high, scaled), ocids) in ratios {
        if ocids.len() < threshold {
            continue;
        }
        let ratio = scaled as f64 / scale;
        let (higher, lower, multiple) = if scaled > one {
            (high, low, ratio)
        } else {
            (low, high, 1.0 / ratio)
        };
        let fact = Fact::new("fixed_bid_ratio")
            .number("percent", ((multiple - 1.0) * 10_000.0).round() / 100.0)
            .number("ratio", ratio)
            .number("processes", ocids.len() as f64)
            .text("higher", higher)
            .text("lower", lower);
        for (tenderer, other) in [(low, high), (high, low)] {
            let entry = tenderers.entry(tenderer).or_default();
            entry.0 = entry.0.max(ocids.len());
            entry.1.push(fact.clone().text("other", other));
        }
        for ocid in ocids {
            collector.push(Flag::new("R023", Group::Ocid, ocid, 1.0).with(fact.clone()));
        }
    }
    for (tenderer, (processes, facts)) in tenderers {
        let mut flag = Flag::new("R023", Group::Tenderer, tenderer, processes as f64);
        flag.facts = facts;
        collector.push(flag);
    }
}
