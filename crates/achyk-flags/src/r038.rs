//! R038 Excessive disqualified bids: the share of submitted bids disqualified is a high outlier
//! per buyer, per procuring entity and per tenderer.

use crate::{Collector, Fact, Flag, Group, IdMap, Process, settings::R038, stats};

#[derive(Default)]
pub(crate) struct Tally {
    disqualified: u64,
    submitted: u64,
    processes: u64,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.disqualified += other.disqualified;
        self.submitted += other.submitted;
        self.processes += other.processes;
    }
}

/// Disqualified and submitted bids per buyer, procuring entity and tenderer, added up process
/// by process, and the (map, ocid, organisation) entries of Cardinal's maps.
#[derive(Default)]
pub(crate) struct Tallies {
    buyers: IdMap<Tally>,
    entities: IdMap<Tally>,
    tenderers: IdMap<Tally>,
    maps: Vec<(&'static str, String, String)>,
}

fn tally_of<'a>(tallies: &'a mut IdMap<Tally>, id: &str) -> &'a mut Tally {
    if !tallies.contains_key(id) {
        tallies.insert(id.to_owned(), Tally::default());
    }
    tallies.get_mut(id).expect("just inserted")
}

impl Tallies {
    /// Adds one process (and, with `maps`, its entries of Cardinal's maps).
    pub(crate) fn add(&mut self, process: &Process, maps: bool) {
        let submitted: Vec<_> = process.submitted_bids().collect();
        if submitted.is_empty() {
            return;
        }
        let disqualified = submitted
            .iter()
            .filter(|bid| bid.has_status("disqualified"))
            .count() as u64;
        for bid in &submitted {
            for tenderer in &bid.tenderers {
                let tally = tally_of(&mut self.tenderers, tenderer);
                tally.submitted += 1;
                tally.disqualified += u64::from(bid.has_status("disqualified"));
            }
        }
        for (organisation, tallies, map) in [
            (&process.buyer, &mut self.buyers, "ocid_buyer_r038"),
            (
                &process.procuring_entity,
                &mut self.entities,
                "ocid_procuringentity_r038",
            ),
        ] {
            if let Some(id) = organisation {
                let tally = tally_of(tallies, id);
                tally.submitted += submitted.len() as u64;
                tally.disqualified += disqualified;
                tally.processes += 1;
                if maps && disqualified > 0 {
                    self.maps.push((map, process.ocid.clone(), id.clone()));
                }
            }
        }
    }

    pub(crate) fn merge(&mut self, other: Tallies) {
        for (mine, theirs) in [
            (&mut self.buyers, other.buyers),
            (&mut self.entities, other.entities),
            (&mut self.tenderers, other.tenderers),
        ] {
            for (id, tally) in theirs {
                mine.entry(id).or_default().add(&tally);
            }
        }
        self.maps.extend(other.maps);
    }
}

pub(crate) fn run(tallies: &Tallies, options: &R038, collector: &mut Collector) {
    for (map, ocid, id) in &tallies.maps {
        collector.map(map, ocid, id);
    }
    let (buyers, entities, tenderers) = (&tallies.buyers, &tallies.entities, &tallies.tenderers);
    let minimum_processes = options.minimum_contracting_processes.unwrap_or(2) as u64;
    let minimum_bids = options.minimum_submitted_bids.unwrap_or(2) as u64;
    // Cardinal compares `minimum_contracting_processes` with the organisation's submitted
    // bids, not its processes; kept for equal results (see docs/indicators/R038.md).
    flag(options, collector, Group::Buyer, buyers, |tally| {
        tally.submitted >= minimum_processes
    });
    flag(
        options,
        collector,
        Group::ProcuringEntity,
        entities,
        |tally| tally.submitted >= minimum_processes,
    );
    flag(options, collector, Group::Tenderer, tenderers, |tally| {
        tally.submitted >= minimum_bids
    });
}

fn flag(
    options: &R038,
    collector: &mut Collector,
    group: Group,
    tallies: &IdMap<Tally>,
    eligible: impl Fn(&Tally) -> bool,
) {
    let ratios: Vec<(&str, &Tally, f64)> = tallies
        .iter()
        .filter(|(_, tally)| eligible(tally))
        .map(|(id, tally)| {
            (
                id.as_str(),
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
