//! What the indicators that compare processes (R011, R013, R023, R039, R040/R051, R050, R053,
//! R055, R063) keep of each process once its own indicators have run: a few small records
//! each, computed as the process is read, instead of the process itself. Each indicator's
//! `keep` makes its record and its `run` (or `check`) reads the records in the order of the
//! processes, so the results are those of reading the processes.

use crate::{Context, Process, Settings, r011, r013, r023, r039, r040, r053, r055, r063};

/// One process's records; a field is empty when its indicator does not run.
#[derive(Default)]
pub(crate) struct Kept {
    /// Set when the run ends, from the entry's sort key (not kept twice meanwhile).
    pub ocid: String,
    /// The buyer (R011, R013, R040/R051, R055).
    pub buyer: Option<String>,
    pub r011: Option<r011::Candidate>,
    pub r013: Option<bool>,
    pub r055: Option<r055::Award>,
    /// The active awards with an amount and a currency (R040/R051, R050).
    pub awards: Vec<r040::Award>,
    /// The distinct tenderers of the submitted bids, sorted: R023 and R053 name them by index.
    pub tenderers: Vec<String>,
    pub r023: Vec<r023::Priced>,
    pub r053: Option<r053::Bidders>,
    pub r039: Option<r039::Unanswered>,
    pub r063: Vec<r063::Unsigned>,
}

impl Kept {
    /// The records of `process` (already judged alone); `lots` are its lots when the lot-aware
    /// indicators built them (empty otherwise).
    pub fn of(process: &Process, lots: &[(String, Process)], settings: &Settings) -> Kept {
        let s = settings;
        let mut kept = Kept::default();
        if s.r011.is_some()
            || s.r013.is_some()
            || s.r040.is_some()
            || s.r051.is_some()
            || s.r055.is_some()
        {
            kept.buyer = process.buyer.clone();
        }
        if let Some(options) = &s.r011 {
            kept.r011 = r011::keep(process, options, settings);
        }
        if let Some(options) = &s.r013 {
            kept.r013 = r013::keep(process, options);
        }
        if let Some(options) = &s.r055 {
            kept.r055 = r055::keep(process, options);
        }
        if s.r040.is_some() || s.r051.is_some() || s.r050.is_some() {
            kept.awards = r040::keep(process, s.r050.as_ref());
        }
        if s.r023.is_some() || s.r053.is_some() {
            let mut tenderers: Vec<&str> = process
                .submitted_bids()
                .flat_map(|bid| bid.tenderers.iter().map(String::as_str))
                .collect();
            tenderers.sort_unstable();
            tenderers.dedup();
            if s.r023.is_some() {
                let context = Context { settings };
                kept.r023 = r023::keep(process, lots, &tenderers, &context);
            }
            if s.r053.is_some() {
                kept.r053 = r053::keep(process, &tenderers);
            }
            if !kept.r023.is_empty() || kept.r053.is_some() {
                kept.tenderers = tenderers.into_iter().map(str::to_owned).collect();
            }
        }
        if let Some(options) = &s.r039 {
            kept.r039 = r039::keep(process, options);
        }
        if s.r063.is_some() {
            kept.r063 = r063::keep(process);
        }
        kept
    }
}

/// The digests that occur at least `minimum` times in `seen`, sorted (for a binary search):
/// the first pass of R023 and R053, which then gather only what may reach their minimum.
pub(crate) fn frequent(mut seen: Vec<u64>, minimum: usize) -> Vec<u64> {
    seen.sort_unstable();
    let mut often: Vec<u64> = seen
        .chunk_by(|a, b| a == b)
        .filter(|run| run.len() >= minimum)
        .map(|run| run[0])
        .collect();
    often.shrink_to_fit();
    often
}
