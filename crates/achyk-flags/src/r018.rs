//! R018 Single bid received: a competitive process has exactly one tenderer.

use crate::{Fact, Flag, Group, Process, settings::R018};

pub(crate) fn check(process: &Process, options: &R018) -> Option<Flag> {
    let method = process.procurement_method.as_deref()?;
    let competitive = match &options.procurement_methods {
        Some(methods) => methods.contains(method),
        None => matches!(method, "open" | "selective"),
    };
    let tenderers = process.number_of_tenderers?;
    (competitive && tenderers == 1.0).then(|| {
        Flag::new("R018", Group::Ocid, &process.ocid, 1.0).with(
            Fact::new("single_tenderer")
                .number("tenderers", tenderers)
                .text("procurement_method", method),
        )
    })
}
