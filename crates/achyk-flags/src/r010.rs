//! R010 Non-competitive method: the process used a method without open competition (`direct`
//! or `limited` by default). Each such process is worth a look on its own; R013 counts them per
//! buyer.

use crate::{Fact, Flag, Group, Process, settings::R010};

/// Whether `method` is non-competitive under `methods` (default `direct` and `limited`).
pub(crate) fn non_competitive(
    method: &str,
    methods: Option<&std::collections::BTreeSet<String>>,
) -> bool {
    match methods {
        Some(methods) => methods.contains(method),
        None => matches!(method, "direct" | "limited"),
    }
}

pub(crate) fn check(process: &Process, options: &R010) -> Option<Flag> {
    let method = process.procurement_method.as_deref()?;
    non_competitive(method, options.procurement_methods.as_ref()).then(|| {
        Flag::new("R010", Group::Ocid, &process.ocid, 1.0)
            .with(Fact::new("non_competitive_method").text("procurement_method", method))
    })
}
