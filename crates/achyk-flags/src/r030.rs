//! R030 Late bid won: a valid bid received after the submission deadline was awarded.

use std::collections::BTreeSet;

use crate::{Fact, Flag, Group, Process};

pub(crate) fn check(process: &Process) -> Vec<Flag> {
    let Some(deadline) = process.tender_end else {
        return Vec::new();
    };
    let suppliers: BTreeSet<&str> = process
        .active_awards()
        .flat_map(|award| award.suppliers.iter().map(String::as_str))
        .collect();
    let mut late: BTreeSet<(&str, i128)> = BTreeSet::new();
    let mut facts = Vec::new();
    for bid in process.bids.iter().filter(|bid| bid.has_status("valid")) {
        // Instants, not text: "2024-03-15T10:00:00+06:00" is before "2024-03-15T05:00:00Z".
        let Some(received) = bid.date.filter(|received| *received > deadline) else {
            continue;
        };
        for tenderer in &bid.tenderers {
            if suppliers.contains(tenderer.as_str()) && late.insert((tenderer, received)) {
                let late_seconds = (received - deadline) / 1_000_000_000;
                facts.push((
                    tenderer.as_str(),
                    Fact::new("late_bid_won")
                        .number("seconds_late", late_seconds as f64)
                        .text("received", bid.date_text.clone().unwrap_or_default())
                        .text(
                            "deadline",
                            process.tender_end_text.clone().unwrap_or_default(),
                        )
                        .text("ocid", &process.ocid),
                ));
            }
        }
    }
    if facts.is_empty() {
        return Vec::new();
    }
    let mut ocid = Flag::new("R030", Group::Ocid, &process.ocid, 1.0);
    ocid.facts = facts.iter().map(|(_, fact)| fact.clone()).collect();
    let mut result = vec![ocid];
    for (tenderer, fact) in facts {
        result.push(Flag::new("R030", Group::Tenderer, tenderer, 1.0).with(fact));
    }
    result
}
