//! R039 Unanswered bidder questions: once the tender period has ended, at least
//! `minimum_unanswered` (default 1) of the questions (`tender.enquiries`) asked before its end
//! have no answer (neither an `answer` text nor a `dateAnswered`). A bidder left without an
//! answer bids blind, or gives up; questions answered for some and not others favour them.
//!
//! "Ended" is judged against the latest event in the data (a release's date, a bid, a question
//! or its answer, an award, a signature), never the clock, so the result depends only on the
//! input. Processes without a tender end date, and questions without a date, are not judged.

use crate::{Fact, Flag, Group, Process, kept::Kept, settings::R039};

/// The latest instant at which something is recorded to have happened in the process (the
/// data's is the latest of all processes'). Deadlines are left out: they may lie in the future.
pub(crate) fn latest(process: &Process) -> Option<i128> {
    process
        .release_date
        .into_iter()
        .chain(process.bids.iter().filter_map(|bid| bid.date))
        .chain(process.awards.iter().filter_map(|award| award.date))
        .chain(
            process
                .contracts
                .iter()
                .filter_map(|contract| contract.date_signed),
        )
        .chain(
            process
                .enquiries
                .iter()
                .flat_map(|enquiry| enquiry.date.into_iter().chain(enquiry.date_answered)),
        )
        .max()
}

/// A process with enough questions asked before its tender's end left unanswered: the end,
/// and how many were unanswered of how many asked. Whether the end has passed is known only
/// once every process has been read.
pub(crate) struct Unanswered {
    end: i128,
    unanswered: usize,
    asked: usize,
}

pub(crate) fn keep(process: &Process, options: &R039) -> Option<Unanswered> {
    let end = process.tender_end?;
    let asked: Vec<_> = process
        .enquiries
        .iter()
        .filter(|enquiry| enquiry.date.is_some_and(|date| date < end))
        .collect();
    let unanswered = asked.iter().filter(|enquiry| !enquiry.answered).count();
    (unanswered > 0 && unanswered >= options.minimum_unanswered.unwrap_or(1)).then_some(
        Unanswered {
            end,
            unanswered,
            asked: asked.len(),
        },
    )
}

pub(crate) fn check(process: &Kept, as_of: i128) -> Option<Flag> {
    let found = process.r039.as_ref()?;
    if found.end > as_of {
        return None;
    }
    Some(
        Flag::new("R039", Group::Ocid, &process.ocid, found.unanswered as f64).with(
            Fact::new("unanswered_enquiries")
                .number("unanswered", found.unanswered as f64)
                .number("enquiries", found.asked as f64),
        ),
    )
}
