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

use crate::{Collector, Fact, Flag, Group, Process, kept::Kept, r044::rival_pairs, settings::R053};

/// Two rival tenderers of a process, as indices into its sorted tenderers (the smaller id
/// first), and whether each won it.
pub(crate) struct Rivals {
    low: u32,
    high: u32,
    low_won: bool,
    high_won: bool,
}

/// The process's rival pairs; `tenderers` are the distinct tenderers of its submitted bids,
/// sorted.
pub(crate) fn keep(process: &Process, tenderers: &[&str]) -> Vec<Rivals> {
    let winners: BTreeSet<&str> = process
        .active_awards()
        .flat_map(|award| &award.suppliers)
        .map(String::as_str)
        .collect();
    let index = |tenderer: &str| {
        tenderers
            .binary_search(&tenderer)
            .expect("a rival is a tenderer of a submitted bid") as u32
    };
    rival_pairs(process)
        .into_iter()
        .map(|(low, high)| Rivals {
            low: index(low),
            high: index(high),
            low_won: winners.contains(low),
            high_won: winners.contains(high),
        })
        .collect()
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
    let mut pairs: BTreeMap<(&str, &str), Pair<'_>> = BTreeMap::new();
    for process in kept {
        for rivals in &process.r053 {
            let low = process.tenderers[rivals.low as usize].as_str();
            let high = process.tenderers[rivals.high as usize].as_str();
            let pair = pairs.entry((low, high)).or_default();
            pair.ocids.push(&process.ocid);
            pair.wins.0 += usize::from(rivals.low_won);
            pair.wins.1 += usize::from(rivals.high_won);
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
