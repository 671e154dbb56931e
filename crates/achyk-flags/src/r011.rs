//! R011 Split purchases: one buyer makes at least `minimum_processes` (default 3) purchases of
//! the same classification, each worth at least `share` (default 0.85) of the threshold in force
//! (`[thresholds]`) but under it, all within `window_days` (default 30) of the first, together
//! worth more than that threshold. Splitting one purchase into several small ones avoids the
//! open tender the whole would need.

use std::collections::BTreeMap;

use crate::{Collector, Fact, Flag, Group, Process, Settings, kept::Kept, settings::R011};

const NANOS_PER_DAY: f64 = 86_400.0 * 1e9;

/// A purchase just under its threshold, as kept of its process: its classification, when,
/// its value and the threshold in force (its buyer is kept beside it).
pub(crate) struct Candidate {
    classification: String,
    when: i128,
    value: f64,
    threshold: f64,
}

/// The process as a purchase just under its threshold, when it is one.
pub(crate) fn keep(process: &Process, options: &R011, settings: &Settings) -> Option<Candidate> {
    let share = options.share.unwrap_or(0.85);
    let (Some(_buyer), Some(classification), Some(when), Some((value, currency))) = (
        process.buyer.as_deref(),
        process.classification.as_deref(),
        process.decided(),
        process.value(),
    ) else {
        return None;
    };
    if settings
        .currency
        .as_deref()
        .is_some_and(|wanted| wanted != currency)
    {
        return None;
    }
    let threshold = settings.threshold_at(when)?;
    (value >= share * threshold && value < threshold).then(|| Candidate {
        classification: classification.to_owned(),
        when,
        value,
        threshold,
    })
}

pub(crate) fn run(kept: &[Box<Kept>], options: &R011, collector: &mut Collector) {
    let minimum = options.minimum_processes.unwrap_or(3).max(2);
    let window = (options.window_days.unwrap_or(30.0) * NANOS_PER_DAY) as i128;
    // Per (buyer, classification): (when, value, threshold, ocid), in the processes' order.
    type Purchase<'a> = (i128, f64, f64, &'a str);
    let mut groups: BTreeMap<(&str, &str), Vec<Purchase>> = BTreeMap::new();
    for process in kept {
        let (Some(buyer), Some(candidate)) = (process.buyer.as_deref(), &process.r011) else {
            continue;
        };
        groups
            .entry((buyer, &candidate.classification))
            .or_default()
            .push((
                candidate.when,
                candidate.value,
                candidate.threshold,
                &process.ocid,
            ));
    }
    let mut buyers: BTreeMap<&str, Vec<Fact>> = BTreeMap::new();
    for ((buyer, classification), mut candidates) in groups {
        if candidates.len() < minimum {
            continue;
        }
        candidates.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.3.cmp(b.3)));
        // Each purchase opens a window; a window that holds enough purchases worth more than
        // the first one's threshold is a split, and every purchase in it is flagged. A later
        // window that only repeats purchases already flagged adds nothing.
        let mut flagged_until = 0usize;
        for start in 0..candidates.len() {
            let end = candidates[start..]
                .iter()
                .take_while(|candidate| candidate.0 - candidates[start].0 <= window)
                .count()
                + start;
            let group = &candidates[start..end];
            let total: f64 = group.iter().map(|candidate| candidate.1).sum();
            let threshold = candidates[start].2;
            if group.len() < minimum || total <= threshold || end <= flagged_until {
                continue;
            }
            let days = (group[group.len() - 1].0 - group[0].0) as f64 / NANOS_PER_DAY;
            let fact = Fact::new("split_purchase")
                .number("processes", group.len() as f64)
                .number("total_amount", total)
                .number("threshold_amount", threshold)
                .number("days", days.floor())
                .text("classification", classification)
                .text("buyer", buyer);
            for candidate in group {
                collector.push(Flag::new("R011", Group::Ocid, candidate.3, 1.0).with(fact.clone()));
            }
            buyers.entry(buyer).or_default().push(fact);
            flagged_until = end;
        }
    }
    for (buyer, facts) in buyers {
        let mut flag = Flag::new("R011", Group::Buyer, buyer, facts.len() as f64);
        flag.facts = facts;
        collector.push(flag);
    }
}
