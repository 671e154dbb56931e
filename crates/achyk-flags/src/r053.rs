//! R053 Co-bidding pair with a recurrent winner: two tenderers bid in the same processes at
//! least `minimum_processes` times (default 4), one of them wins at least `threshold` (default
//! 0.75) of those processes and the other wins none. Both tenderers are flagged (group Tenderer,
//! the number of processes they bid in together) and so is each of those processes (group OCID,
//! 1.0). A bidder that keeps losing to the same company may be bidding only to make the
//! competition look real (a cover bid), or taking turns by agreement.
//!
//! The two must each have submitted a bid (pending, valid or disqualified) without the other, as
//! in R044; a tenderer wins a process when it is a supplier of one of its active awards.

use std::collections::{BTreeMap, BTreeSet};

use crate::{Collector, Fact, Flag, Group, Process, kept::Kept, settings::R053};

/// What R053 keeps of a process: the tenderers of each submitted bid, as indices into the
/// process's sorted tenderers (`bids`, one list per bid), and whether each of those tenderers
/// won it (`won`). The rival pairs are found from them when every process has been read, as
/// `rival_pairs` finds them in the process.
#[derive(Default)]
pub(crate) struct Bidders {
    bids: Vec<Box<[u32]>>,
    won: Vec<bool>,
}

/// The process's bidders; `tenderers` are the distinct tenderers of its submitted bids, sorted.
pub(crate) fn keep(process: &Process, tenderers: &[&str]) -> Option<Bidders> {
    if tenderers.len() < 2 {
        return None;
    }
    let winners: BTreeSet<&str> = process
        .active_awards()
        .flat_map(|award| &award.suppliers)
        .map(String::as_str)
        .collect();
    let index = |tenderer: &str| {
        tenderers
            .binary_search(&tenderer)
            .expect("a tenderer of a submitted bid") as u32
    };
    let bids = process
        .submitted_bids()
        .map(|bid| {
            let mut named: Vec<u32> = bid.tenderers.iter().map(|id| index(id)).collect();
            named.sort_unstable();
            named.dedup();
            named.into_boxed_slice()
        })
        .collect();
    let won = tenderers
        .iter()
        .map(|tenderer| winners.contains(tenderer))
        .collect();
    Some(Bidders { bids, won })
}

/// The rival pairs of a process from what was kept of it, as `rival_pairs` gives them: two
/// tenderers each with a bid without the other, the smaller index (and id) first, in order.
fn rivals(bidders: &Bidders) -> Vec<(u32, u32)> {
    let alone = |one: u32, other: u32| {
        bidders
            .bids
            .iter()
            .any(|bid| bid.binary_search(&one).is_ok() && bid.binary_search(&other).is_err())
    };
    let count = bidders.won.len() as u32;
    let mut pairs = Vec::new();
    for low in 0..count {
        for high in low + 1..count {
            if alone(low, high) && alone(high, low) {
                pairs.push((low, high));
            }
        }
    }
    pairs
}

#[derive(Default)]
struct Pair<'a> {
    ocids: Vec<&'a str>,
    /// Wins of the tenderer with the smaller id, and of the other.
    wins: (usize, usize),
}

pub(crate) fn run(kept: &[Box<Kept>], options: &R053, collector: &mut Collector) {
    let minimum = options.minimum_processes.unwrap_or(4);
    let threshold = options.threshold.unwrap_or(0.75);
    // Most pairs of rivals meet once: a first pass counts the pairs by a digest, so that only
    // those that meet often enough (and the few that share their digest) are gathered with
    // their processes. The digest only filters; what is flagged is decided on the pairs.
    let digest = |low: &str, high: &str| {
        use std::hash::BuildHasher;
        foldhash::fast::FixedState::with_seed(0).hash_one((low, high))
    };
    let mut seen: Vec<u64> = Vec::new();
    for process in kept {
        let Some(bidders) = &process.r053 else {
            continue;
        };
        for (low, high) in rivals(bidders) {
            seen.push(digest(
                &process.tenderers[low as usize],
                &process.tenderers[high as usize],
            ));
        }
    }
    let often = crate::kept::frequent(seen, minimum);
    let mut pairs: BTreeMap<(&str, &str), Pair<'_>> = BTreeMap::new();
    for process in kept {
        let Some(bidders) = &process.r053 else {
            continue;
        };
        for (low_index, high_index) in rivals(bidders) {
            let low = process.tenderers[low_index as usize].as_str();
            let high = process.tenderers[high_index as usize].as_str();
            if often.binary_search(&digest(low, high)).is_err() {
                continue;
            }
            let pair = pairs.entry((low, high)).or_default();
            pair.ocids.push(&process.ocid);
            pair.wins.0 += usize::from(bidders.won[low_index as usize]);
            pair.wins.1 += usize::from(bidders.won[high_index as usize]);
        }
    }
    let mut tenderers: BTreeMap<&str, (usize, Vec<Fact>)> = BTreeMap::new();
    for ((low, high), pair) in pairs {
        let shared = pair.ocids.len();
        if shared < minimum {
            continue;
        }
        let (winner, loser, wins) = match pair.wins {
            (wins, 0) if wins > 0 => (low, high, wins),
            (0, wins) if wins > 0 => (high, low, wins),
            _ => continue,
        };
        if (wins as f64 / shared as f64) < threshold {
            continue;
        }
        let fact = Fact::new("recurrent_winner_pair")
            .number("processes", shared as f64)
            .number("wins", wins as f64)
            .text("winner", winner)
            .text("loser", loser);
        for (tenderer, partner) in [(low, high), (high, low)] {
            let entry = tenderers.entry(tenderer).or_default();
            entry.0 = entry.0.max(shared);
            entry.1.push(fact.clone().text("partner", partner));
        }
        for ocid in pair.ocids {
            collector.push(Flag::new("R053", Group::Ocid, ocid, 1.0).with(fact.clone()));
        }
    }
    for (tenderer, (shared, facts)) in tenderers {
        let mut flag = Flag::new("R053", Group::Tenderer, tenderer, shared as f64);
        flag.facts = facts;
        collector.push(flag);
    }
}
