//! R028 Identical bid prices: different tenderers submitted bids with the same price.

use std::collections::{BTreeMap, BTreeSet};

use crate::{Context, Fact, Flag, Group, Process};

pub(crate) fn check(process: &Process, context: &Context) -> Vec<Flag> {
    if !context.prices_comparable(process) {
        return Vec::new();
    }
    // Amounts are keyed by their bits (after normalising -0) and currency: equal means equal.
    // Each bid's tenderers form one set: two bids by the same tenderers are not "different".
    let mut by_price: BTreeMap<(Option<&str>, u64), BTreeSet<BTreeSet<&str>>> = BTreeMap::new();
    for bid in process.submitted_bids() {
        if let Some(amount) = bid.amount
            && !bid.tenderers.is_empty()
        {
            let bits = (amount + 0.0).to_bits();
            by_price
                .entry((bid.currency.as_deref(), bits))
                .or_default()
                .insert(bid.tenderers.iter().map(String::as_str).collect());
        }
    }
    let mut flags = Vec::new();
    let mut tenderers: BTreeMap<&str, Vec<Fact>> = BTreeMap::new();
    for ((currency, bits), sets) in &by_price {
        if sets.len() < 2 {
            continue;
        }
        let ids: BTreeSet<&str> = sets.iter().flatten().copied().collect();
        let fact = Fact::new("identical_bid_price")
            .number("amount", f64::from_bits(*bits))
            .number("tenderers", ids.len() as f64)
            .text("currency", currency.unwrap_or_default())
            .text("ocid", &process.ocid);
        for id in &ids {
            tenderers.entry(id).or_default().push(fact.clone());
        }
        flags.push(fact);
    }
    if flags.is_empty() {
        return Vec::new();
    }
    let mut ocid = Flag::new("R028", Group::Ocid, &process.ocid, 1.0);
    ocid.facts = flags;
    let mut result = vec![ocid];
    for (id, facts) in tenderers {
        let mut flag = Flag::new("R028", Group::Tenderer, id, 1.0);
        flag.facts = facts;
        result.push(flag);
    }
    result
}
