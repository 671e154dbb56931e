//! R022 Wide disparity of bid prices: among a process's submitted bids in its most common bid
//! currency (ties to the smaller code), the highest is at least `threshold` (default 3) times the
//! lowest. Bids for the same thing that far apart suggest cover bids placed to lose, or bids for
//! different things.

use std::collections::BTreeMap;

use crate::{Fact, Flag, Group, Process, settings::Threshold};

pub(crate) fn check(process: &Process, options: &Threshold) -> Option<Flag> {
    let threshold = options.threshold.unwrap_or(3.0);
    let mut by_currency: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for bid in process.submitted_bids() {
        if let (Some(amount), Some(currency)) = (bid.amount, bid.currency.as_deref())
            && amount > 0.0
        {
            by_currency.entry(currency).or_default().push(amount);
        }
    }
    // The most common currency; the map's order breaks ties by the smaller code.
    let (currency, amounts) =
        by_currency
            .into_iter()
            .fold(
                None::<(&str, Vec<f64>)>,
                |best, (currency, amounts)| match best {
                    Some(best) if best.1.len() >= amounts.len() => Some(best),
                    _ => Some((currency, amounts)),
                },
            )?;
    if amounts.len() < 2 {
        return None;
    }
    let lowest = amounts.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = amounts.iter().copied().fold(0.0, f64::max);
    let ratio = highest / lowest;
    (ratio >= threshold).then(|| {
        Flag::new("R022", Group::Ocid, &process.ocid, 1.0).with(
            Fact::new("bid_price_disparity")
                .number("lowest", lowest)
                .number("highest", highest)
                .number("ratio", (ratio * 100.0).round() / 100.0)
                .number("threshold", threshold)
                .text("currency", currency),
        )
    })
}
