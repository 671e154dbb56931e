//! R049 Non-competitive purchase just under the threshold: a purchase by a method without open
//! competition (`direct` and `limited` by default) worth less than the threshold in force
//! (`[thresholds]`) by at most `margin` (default 0.1) of it. A value set just under the line
//! that would require an open tender suggests the value was fitted to avoid one.

use crate::{Fact, Flag, Group, Process, Settings, r010::non_competitive, settings::R049};

pub(crate) fn check(process: &Process, options: &R049, settings: &Settings) -> Option<Flag> {
    let margin = options.margin.unwrap_or(0.1);
    let method = process.procurement_method.as_deref()?;
    if !non_competitive(method, options.procurement_methods.as_ref()) {
        return None;
    }
    let (value, currency) = process.value()?;
    if settings
        .currency
        .as_deref()
        .is_some_and(|wanted| wanted != currency)
    {
        return None;
    }
    let threshold = settings.threshold_at(process.decided()?)?;
    (value < threshold && value >= (1.0 - margin) * threshold).then(|| {
        Flag::new("R049", Group::Ocid, &process.ocid, 1.0).with(
            Fact::new("just_under_threshold")
                .number("amount", value)
                .number("threshold_amount", threshold)
                .number("percent", (value / threshold * 1000.0).floor() / 10.0)
                .text("currency", currency)
                .text("procurement_method", method),
        )
    })
}
