//! R024 Price close to winning bid (and, with R058 Heavily discounted bid): the relative difference
//! between the second-lowest valid bid and the winning bid is a low (R024) or high (R058)
//! outlier. Both share the differences computed here; `r058` flags the high ones.

use std::collections::BTreeMap;

use crate::{Collector, Context, Fact, Flag, Group, Process, settings::Threshold, stats};

/// One process's comparable bids. Without a configured currency: the winner and every valid
/// bid with one tenderer and an amount (the currency is chosen from all of them later). With
/// one: only the two bids that can matter, the winner's lowest and the first lowest of the
/// others, and only when they make a difference at all.
pub(crate) enum Candidate {
    All {
        winner: String,
        bids: Vec<(String, f64, String)>,
    },
    Pair {
        winner: Box<str>,
        winning: f64,
        second: Box<str>,
        second_amount: f64,
    },
}

/// The process's candidate, if its prices are comparable and it has a single winner.
pub(crate) fn candidate(process: &Process, context: &Context) -> Option<Candidate> {
    if !context.prices_comparable(process) {
        return None;
    }
    let winner = process.single_winner()?;
    let configured = context.settings.currency.as_deref();
    let mut bids: Vec<(&str, f64, &str)> = Vec::new();
    for bid in process.bids.iter().filter(|bid| bid.has_status("valid")) {
        if bid.tenderers.len() > 1 {
            return None;
        }
        if let ([tenderer], Some(amount), Some(currency)) = (
            bid.tenderers.as_slice(),
            bid.amount,
            bid.currency.as_deref(),
        ) && configured.is_none_or(|configured| configured == currency)
        {
            bids.push((tenderer, amount, currency));
        }
    }
    if configured.is_none() {
        return Some(Candidate::All {
            winner: winner.to_owned(),
            bids: bids
                .into_iter()
                .map(|(tenderer, amount, currency)| {
                    (tenderer.to_owned(), amount, currency.to_owned())
                })
                .collect(),
        });
    }
    let (winning, second) = pick(winner, bids.iter().copied());
    let (winning, (second, second_amount)) = (winning?, second?);
    (second_amount >= winning && winning != 0.0).then(|| Candidate::Pair {
        winner: winner.into(),
        winning,
        second: second.into(),
        second_amount,
    })
}

/// The winner's lowest bid and the first lowest of the others' bids.
fn pick<'a>(
    winner: &str,
    bids: impl Iterator<Item = (&'a str, f64, &'a str)>,
) -> (Option<f64>, Option<(&'a str, f64)>) {
    let mut winning: Option<f64> = None;
    let mut second: Option<(&str, f64)> = None;
    for (tenderer, amount, _) in bids {
        if tenderer == winner {
            winning = Some(winning.map_or(amount, |other: f64| other.min(amount)));
        } else if second.is_none_or(|(_, other)| amount < other) {
            second = Some((tenderer, amount));
        }
    }
    (winning, second)
}

/// The configured currency, else the most common among the candidates' bids, ties to the
/// smaller code: the same for any input order, unlike "the first currency seen".
fn choose_currency<'a>(
    candidates: impl Iterator<Item = &'a Candidate>,
    configured: Option<&str>,
) -> Option<String> {
    if let Some(currency) = configured {
        return Some(currency.to_owned());
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for candidate in candidates {
        if let Candidate::All { bids, .. } = candidate {
            for (_, _, currency) in bids {
                *counts.entry(currency).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(currency, _)| currency.to_owned())
}

/// One process's difference: (second − winning) / winning, with who and how much.
pub(crate) struct Difference<'a> {
    pub value: f64,
    pub winner: &'a str,
    pub second: &'a str,
    pub winning_amount: f64,
    pub second_amount: f64,
}

/// The candidates: (ocid, digest of its release's text, candidate), in any order.
pub(crate) type Candidates = Vec<(String, u64, Candidate)>;

/// A multi-lot process's lots' candidates: (ocid, lot id, digest of its release's text,
/// candidate), in any order.
pub(crate) type LotCandidates = Vec<(String, String, u64, Candidate)>;

/// The currency chosen and each comparable process's difference (of a repeated ocid, the last
/// in the order of the digests that has one).
pub(crate) fn differences<'a>(
    candidates: &'a mut Candidates,
    context: &Context,
) -> Option<(String, BTreeMap<&'a str, Difference<'a>>)> {
    candidates.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let candidates = &*candidates;
    let currency = choose_currency(
        candidates.iter().map(|(_, _, candidate)| candidate),
        context.settings.currency.as_deref(),
    )?;
    let mut differences: BTreeMap<&str, Difference> = BTreeMap::new();
    for (ocid, _, candidate) in candidates {
        if let Some(difference) = difference(candidate, &currency) {
            differences.insert(ocid, difference);
        }
    }
    Some((currency, differences))
}

/// A candidate's difference in `currency`, if its winning bid and a second one are in it.
fn difference<'a>(candidate: &'a Candidate, currency: &str) -> Option<Difference<'a>> {
    let (winner, winning, second) = match candidate {
        Candidate::All { winner, bids } => {
            let (winning, second) = pick(
                winner,
                bids.iter()
                    .filter(|(_, _, bid_currency)| *bid_currency == currency)
                    .map(|(tenderer, amount, currency)| {
                        (tenderer.as_str(), *amount, currency.as_str())
                    }),
            );
            (winner.as_str(), winning, second)
        }
        Candidate::Pair {
            winner,
            winning,
            second,
            second_amount,
        } => (&**winner, Some(*winning), Some((&**second, *second_amount))),
    };
    let (winning, (second, second_amount)) = (winning?, second?);
    (second_amount >= winning && winning != 0.0).then(|| Difference {
        value: (second_amount - winning) / winning,
        winner,
        second,
        winning_amount: winning,
        second_amount,
    })
}

/// Each lot's difference in `currency`, keyed by (ocid, lot id) (of a repeated ocid, the last
/// in the order of the digests that has one).
pub(crate) fn lot_differences<'a>(
    candidates: &'a mut LotCandidates,
    currency: &str,
) -> BTreeMap<(&'a str, &'a str), Difference<'a>> {
    candidates.sort_unstable_by(|a, b| (&a.0, &a.1, a.2).cmp(&(&b.0, &b.1, b.2)));
    let mut differences = BTreeMap::new();
    for (ocid, lot, _, candidate) in candidates.iter() {
        if let Some(difference) = difference(candidate, currency) {
            differences.insert((ocid.as_str(), lot.as_str()), difference);
        }
    }
    differences
}

/// Flags the lots whose difference is at or below (R024) or at or above (R058) the `fence`
/// worked out from whole processes: group `Lot`, `{ocid}/{lot id}`, the facts naming the lot.
pub(crate) fn flag_lots(
    code: &'static str,
    fence: f64,
    currency: &str,
    lots: &BTreeMap<(&str, &str), Difference>,
    collector: &mut Collector,
) {
    let (low, name) = match code {
        "R024" => (true, "second_bid_close_to_winner"),
        _ => (false, "winning_bid_heavily_discounted"),
    };
    for ((ocid, lot), entry) in lots {
        let raised = if low {
            entry.value <= fence
        } else {
            entry.value >= fence
        };
        if raised {
            let mut fact = fact(name, entry, fence, currency, ocid);
            fact.texts.push(("lot", (*lot).to_owned()));
            collector
                .push(Flag::new(code, Group::Lot, format!("{ocid}/{lot}"), entry.value).with(fact));
        }
    }
}

/// The facts behind an R024 or R058 flag.
pub(crate) fn fact(
    code: &'static str,
    difference: &Difference,
    fence: f64,
    currency: &str,
    ocid: &str,
) -> Fact {
    Fact::new(code)
        .number("difference", difference.value)
        .number("fence", fence)
        .number("winning_amount", difference.winning_amount)
        .number("second_amount", difference.second_amount)
        .text("currency", currency)
        .text("winner", difference.winner)
        .text("second", difference.second)
        .text("ocid", ocid)
}

/// Flags differences at or below the lower fence (or the threshold); the fence, when it is
/// one that flags.
pub(crate) fn flag(
    options: &Threshold,
    currency: &str,
    differences: &BTreeMap<&str, Difference>,
    collector: &mut Collector,
) -> Option<f64> {
    let values: Vec<f64> = differences.values().map(|entry| entry.value).collect();
    let (q1, q3) = stats::quartiles(&values);
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
    if !(guard > 0.0 && fence > 0.0) {
        return None;
    }
    for (ocid, entry) in differences {
        if entry.value <= fence {
            let fact = fact("second_bid_close_to_winner", entry, fence, currency, ocid);
            collector.push(Flag::new("R024", Group::Ocid, *ocid, entry.value).with(fact.clone()));
            for id in [entry.winner, entry.second] {
                collector.push(Flag::new("R024", Group::Tenderer, id, 0.0).with(fact.clone()));
                collector.map("ocid_tenderer_r024", ocid, id);
            }
        }
    }
    Some(fence)
}
