//! R059 Contract amount far from its award's: a contract's value differs from the value of the
//! award it implements (`awardID`, same currency) by more than `threshold` percent (default
//! 10). The contract should write down what was awarded; a large change after the award escapes
//! the competition.

use crate::{Fact, Flag, Group, Process, settings::Threshold};

pub(crate) fn check(process: &Process, options: &Threshold) -> Vec<Flag> {
    let threshold = options.threshold.unwrap_or(10.0);
    let mut flags = Vec::new();
    for contract in &process.contracts {
        let (Some(award_id), Some(amount), Some(currency)) = (
            contract.award_id.as_deref(),
            contract.amount,
            contract.currency.as_deref(),
        ) else {
            continue;
        };
        let award = process
            .awards
            .iter()
            .find(|award| award.id.as_deref() == Some(award_id));
        let Some(award) = award else { continue };
        let (Some(awarded), Some(award_currency)) = (award.amount, award.currency.as_deref())
        else {
            continue;
        };
        if award_currency != currency || awarded <= 0.0 {
            continue;
        }
        let percent = (amount - awarded) / awarded * 100.0;
        if percent.abs() > threshold {
            flags.push(
                Flag::new("R059", Group::Ocid, &process.ocid, 1.0).with(
                    Fact::new("contract_differs_from_award")
                        .number("awarded", awarded)
                        .number("contracted", amount)
                        .number("percent", (percent * 10.0).round() / 10.0)
                        .number("threshold", threshold)
                        .text("currency", currency)
                        .text("contract", contract.id.as_deref().unwrap_or(award_id)),
                ),
            );
        }
    }
    // One flag per process: the largest difference explains it.
    flags.sort_by(|a, b| {
        let percent = |flag: &Flag| {
            flag.facts[0]
                .numbers
                .iter()
                .find(|(name, _)| *name == "percent")
                .map_or(0.0, |(_, value)| value.abs())
        };
        percent(b).total_cmp(&percent(a))
    });
    flags.truncate(1);
    flags
}
