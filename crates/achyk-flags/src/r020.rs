//! R020 Tender with a complaint: a participant complained about the process (the Kyrgyz feed
//! publishes `complaints`). A complaint is a signal from inside the competition that something
//! went wrong.

use crate::{Fact, Flag, Group, Process};

pub(crate) fn check(process: &Process) -> Option<Flag> {
    (process.complaints > 0).then(|| {
        Flag::new(
            "R020",
            Group::Ocid,
            &process.ocid,
            process.complaints as f64,
        )
        .with(Fact::new("complaints_filed").number("complaints", process.complaints as f64))
    })
}
