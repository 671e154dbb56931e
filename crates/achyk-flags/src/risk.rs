//! Risk scores: one number per process, buyer and supplier that adds up its red flags with
//! weights, so that lists can be ordered by it. `docs/indicators/risk-score.md` explains it.
//!
//! - A process: the sum of the weights of the flags raised on it (group `OCID`).
//! - A buyer (or procuring entity): the sum of the weights of its own flags (groups `Buyer`
//!   and `ProcuringEntity`), plus the mean score of its processes.
//! - A supplier (tenderer): the sum of the weights of its own flags (group `Tenderer`).
//!
//! - A lot's flags (group `Lot`) score nothing of their own.
//!
//! Every weight is 1 unless the caller gives another one for the code.

use std::collections::BTreeMap;

use crate::{Group, Results};

/// A score, with how many flags it counts.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    pub group: Group,
    pub id: String,
    pub score: f64,
    pub flags: i64,
}

/// Scores from `results`; `buyers` names each process's buyer (ocid, buyer id), for the mean
/// process score of every buyer. Sorted by group then id; zero scores are left out.
pub fn scores(
    results: &Results,
    buyers: &[(String, String)],
    weights: &BTreeMap<String, f64>,
) -> Vec<Score> {
    let weight = |code: &str| weights.get(code).copied().unwrap_or(1.0);
    let mut totals: BTreeMap<(Group, String), (f64, i64)> = BTreeMap::new();
    for flag in &results.flags {
        let group = match flag.group {
            Group::ProcuringEntity => Group::Buyer,
            // A lot's flags explain its process; the process's own flags are what it scores.
            Group::Lot => continue,
            other => other,
        };
        let entry = totals.entry((group, flag.id.clone())).or_default();
        entry.0 += weight(flag.code);
        entry.1 += 1;
    }
    // Each buyer's processes: how many, the sum of their scores, and their flags.
    let mut of_buyer: BTreeMap<&str, (f64, f64, i64)> = BTreeMap::new();
    for (ocid, buyer) in buyers {
        let entry = of_buyer.entry(buyer).or_default();
        entry.0 += 1.0;
        if let Some((score, flags)) = totals.get(&(Group::Ocid, ocid.clone())) {
            entry.1 += score;
            entry.2 += flags;
        }
    }
    for (buyer, (processes, sum, flags)) in of_buyer {
        if sum > 0.0 {
            let entry = totals.entry((Group::Buyer, buyer.to_owned())).or_default();
            entry.0 += sum / processes;
            entry.1 += flags;
        }
    }
    totals
        .into_iter()
        .filter(|(_, (score, _))| *score > 0.0)
        .map(|((group, id), (score, flags))| Score {
            group,
            id,
            score,
            flags,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Flag;

    #[test]
    fn scores_add_weights_and_a_buyer_gets_the_mean_of_its_processes() {
        let results = Results {
            flags: vec![
                Flag::new("R003", Group::Ocid, "ocds-1", 1.0),
                Flag::new("R018", Group::Ocid, "ocds-1", 1.0),
                Flag::new("R003", Group::Ocid, "ocds-2", 1.0),
                Flag::new("R038", Group::Buyer, "KG-B", 0.9),
                Flag::new("R048", Group::Tenderer, "KG-T", 0.5),
            ],
            ..Results::default()
        };
        let buyers = vec![
            ("ocds-1".to_string(), "KG-B".to_string()),
            ("ocds-2".to_string(), "KG-B".to_string()),
            ("ocds-3".to_string(), "KG-B".to_string()),
        ];
        let weights = BTreeMap::from([("R018".to_string(), 2.0)]);
        let scores = scores(&results, &buyers, &weights);
        // ocds-1: R003 (1) + R018 (2) = 3; ocds-2: R003 = 1; ocds-3: no flag, no score.
        // KG-B: its own R038 (1) + the mean of its three processes (3 + 1 + 0) / 3 = 1 + 4/3;
        // it counts its own flag and its processes' three.
        // KG-T: its own R048 (1).
        let expected = vec![
            Score {
                group: Group::Ocid,
                id: "ocds-1".into(),
                score: 3.0,
                flags: 2,
            },
            Score {
                group: Group::Ocid,
                id: "ocds-2".into(),
                score: 1.0,
                flags: 1,
            },
            Score {
                group: Group::Buyer,
                id: "KG-B".into(),
                score: 1.0 + 4.0 / 3.0,
                flags: 4,
            },
            Score {
                group: Group::Tenderer,
                id: "KG-T".into(),
                score: 1.0,
                flags: 1,
            },
        ];
        assert_eq!(scores, expected);
    }
}
