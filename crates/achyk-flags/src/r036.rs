//! R036 Lowest bid disqualified: with an active award and valid priced bids, the lowest
//! submitted bid is disqualified.

use crate::{Context, Fact, Flag, Group, Process};

pub(crate) fn check(process: &Process, context: &Context) -> Option<Flag> {
    if !context.prices_comparable(process) || process.active_awards().next().is_none() {
        return None;
    }
    let lowest = |wanted: fn(&crate::Bid) -> bool| {
        process
            .bids
            .iter()
            .filter(|bid| wanted(bid))
            .filter_map(|bid| bid.amount)
            .min_by(f64::total_cmp)
    };
    let lowest_valid = lowest(|bid| bid.has_status("valid"))?;
    let lowest_disqualified = lowest(|bid| bid.has_status("disqualified"))?;
    let lowest_submitted = lowest(crate::Bid::is_submitted)?;
    // A disqualified bid at the lowest submitted price (even tied with a valid one) raises it;
    // a lower pending bid means the lowest bid was not disqualified.
    (lowest_disqualified <= lowest_submitted).then(|| {
        Flag::new("R036", Group::Ocid, &process.ocid, 1.0).with(
            Fact::new("lowest_bid_disqualified")
                .number("disqualified_amount", lowest_disqualified)
                .number("lowest_valid_amount", lowest_valid),
        )
    })
}
