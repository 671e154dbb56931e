//! R044 Business similarities between suppliers: different tenderers of a process have the
//! exact same address or a contact point field in common. The process is flagged (group OCID)
//! and so is each of these tenderers (group Tenderer); the value is always 1.0.
//!
//! The tenderers are those of the submitted bids (pending, valid or disqualified); two are
//! compared when each submitted a bid without the other (partners in one joint bid are not
//! rivals). Their `parties` entries are compared: the address when every non-empty text field
//! of it is equal (a street address among them), or any of the contact point's email, telephone,
//! fax number or website (texts trimmed and case-folded, telephone and fax numbers by their
//! digits only). The contact person's name is not compared: people share names. Similarities
//! suggest that the bidders are connected, and that the competition was staged.

use std::collections::{BTreeMap, BTreeSet};

use crate::{Fact, Flag, Group, PartyDetails, Process};

/// Pairs (smaller id, greater id) of tenderers of the submitted bids that each submitted a bid
/// without the other.
pub(crate) fn rival_pairs(process: &Process) -> BTreeSet<(&str, &str)> {
    let bids: Vec<BTreeSet<&str>> = process
        .submitted_bids()
        .map(|bid| bid.tenderers.iter().map(String::as_str).collect())
        .collect();
    let tenderers: BTreeSet<&str> = bids.iter().flatten().copied().collect();
    let alone = |one: &str, other: &str| {
        bids.iter()
            .any(|bid| bid.contains(one) && !bid.contains(other))
    };
    let mut pairs = BTreeSet::new();
    for (index, &low) in tenderers.iter().enumerate() {
        for &high in tenderers.iter().skip(index + 1) {
            if alone(low, high) && alone(high, low) {
                pairs.insert((low, high));
            }
        }
    }
    pairs
}

/// The kinds of details two parties share, in a fixed order.
fn shared(one: &PartyDetails, other: &PartyDetails) -> Vec<&'static str> {
    [
        ("address", &one.address, &other.address),
        ("email", &one.email, &other.email),
        ("telephone", &one.telephone, &other.telephone),
        ("fax", &one.fax, &other.fax),
        ("url", &one.url, &other.url),
    ]
    .into_iter()
    .filter(|(_, one, other)| one.is_some() && one == other)
    .map(|(kind, _, _)| kind)
    .collect()
}

pub(crate) fn check(process: &Process) -> Vec<Flag> {
    let details: BTreeMap<&str, &PartyDetails> = process
        .tenderer_details
        .iter()
        .map(|details| (details.id.as_str(), details))
        .collect();
    let mut ocid_facts = Vec::new();
    let mut tenderers: BTreeMap<&str, Vec<Fact>> = BTreeMap::new();
    for (low, high) in rival_pairs(process) {
        let (Some(one), Some(other)) = (details.get(low), details.get(high)) else {
            continue;
        };
        for kind in shared(one, other) {
            ocid_facts.push(
                Fact::new("shared_business_details")
                    .text("kind", kind)
                    .text("tenderer", low)
                    .text("other", high),
            );
            for (tenderer, other) in [(low, high), (high, low)] {
                tenderers.entry(tenderer).or_default().push(
                    Fact::new("shares_business_details")
                        .text("kind", kind)
                        .text("other", other)
                        .text("ocid", &process.ocid),
                );
            }
        }
    }
    if ocid_facts.is_empty() {
        return Vec::new();
    }
    let mut ocid = Flag::new("R044", Group::Ocid, &process.ocid, 1.0);
    ocid.facts = ocid_facts;
    let mut flags = vec![ocid];
    for (tenderer, facts) in tenderers {
        let mut flag = Flag::new("R044", Group::Tenderer, tenderer, 1.0);
        flag.facts = facts;
        flags.push(flag);
    }
    flags
}
