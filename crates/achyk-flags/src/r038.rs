//! R038 Excessive disqualified bids: the share of submitted bids disqualified is a high outlier
//! per buyer, per procuring entity and per tenderer.

use std::collections::BTreeMap;

use crate::{Collector, Fact, Flag, Group, Process, settings::R038, stats};

#[derive(Default)]
struct Tally {
    disqualified: u64,
    submitted: u64,
    processes: u64,
}

pub(crate) fn run(processes: &[Process], options: &R038, collector: &mut Collector) {
    let mut buyers: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut entities: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut tenderers: BTreeMap<&str, Tally> = BTreeMap::new();
    for process in processes {
        let submitted: Vec<_> = process.submitted_bids().collect();
        if submitted.is_empty() {
            continue;
        }
        let disqualified = submitted
            .iter()
            .filter(|bid| bid.has_status("disqualified"))
            .count() as u64;
        for bid in &submitted {
            for tenderer in &bid.tenderers {
                let tally = tenderers.entry(tenderer).or_default();
                tally.submitted += 1;
                tally.disqualified += u64::from(bid.has_status("disqualified"));
            }
        }
        for (organisation, tallies, map) in [
            (&process.buyer, &mut buyers, "ocid_buyer_r038"),
            (
                &process.procuring_entity,
                &mut entities,
                "ocid_procuringentity_r038",
            ),
        ] {
            if let Some(id) = organisation {
                let tally = tallies.entry(id).or_default();
                tally.submitted += submitted.len() as u64;
                tally.disqualified += disqualified;
                tally.processes += 1;
                if disqualified > 0 {
                    collector.map(map, &process.ocid, id);
                }
            }
        }
    }
    let minimum_processes = options.minimum_contracting_processes.unwrap_or(2) as u64;
    let minimum_bids = options.minimum_submitted_bids.unwrap_or(2) as u64;
    // Cardinal compares `minimum_contracting_processes` with the organisation's submitted
    // bids, not its processes; kept for equal results (see docs/indicators/R038.md).
    flag(options, collector, Group::Buyer, &buyers, |tally| {
        tally.submitted >= minimum_processes
    });
    flag(
        options,
        collector,
        Group::ProcuringEntity,
        &entities,
        |tally| tally.submitted >= minimum_processes,
    );
    flag(options, collector, Group::Tenderer, &tenderers, |tally| {
        tally.submitted >= minimum_bids
    });
}

fn flag(
    options: &R038,
    collector: &mut Collector,
    group: Group,
    tallies: &BTreeMap<&str, Tally>,
    eligible: impl Fn(&Tally) -> bool,
) {
    let ratios: Vec<(&str, &Tally, f64)> = tallies
        .iter()
        .filter(|(_, tally)| eligible(tally))
        .map(|(id, tally)| {
            (
                *id,
                tally,
                tally.disqualified as f64 / tally.submitted as f64,
            )
        })
        .collect();
    if ratios.is_empty() {
        return;
    }
    let name = group.cardinal_name();
    let fence = match options.threshold {
        Some(threshold) => threshold,
        None => {
            let values: Vec<f64> = ratios.iter().map(|entry| entry.2).collect();
            let (q1, q3) = stats::quartiles(&values);
            collector.meta("R038", format!("{name}_q1"), q1);
            collector.meta("R038", format!("{name}_q3"), q3);
            stats::upper_fence(q1, q3)
        }
    };
    collector.meta("R038", format!("{name}_upper_fence"), fence);
    // If three quarters have no disqualified bids, the fence is 0 and would flag everyone.
    if fence > 0.0 {
        for (id, tally, ratio) in ratios {
            if ratio >= fence {
                collector.push(
                    Flag::new("R038", group, id, ratio).with(
                        Fact::new("disqualified_bids_share")
                            .number("disqualified_bids", tally.disqualified as f64)
                            .number("submitted_bids", tally.submitted as f64)
                            .number("fence", fence),
                    ),
                );
            }
        }
    }
}
