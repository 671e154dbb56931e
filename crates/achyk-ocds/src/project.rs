//! OC4IDS infrastructure projects: the facts Achyk reads from a project (OC4IDS 0.9.5) and the
//! measures it computes from them, which are never stored as published: cost overrun against
//! the budget and against the original contract sums, time overrun against the planned
//! completion, the share of contract value awarded without competition, the number of
//! contract modifications, and payments running ahead of physical progress.
//!
//! Choices where the standard leaves room (each documented in `docs/projects.md`):
//! - The planned end is `completionPeriod.endDate`, else `period.endDate` when the project is
//!   not complete (a completed project's `period` often holds the actual dates).
//! - A process's original value is the `oldContractValue` of its first value modification,
//!   else its `contractValue`; its current value is `finalValue`, else the `newContractValue`
//!   of its last value modification, else its `contractValue`.
//! - Dates are compared as calendar days (the first ten characters of a date-time).
//! - Amounts in different currencies are never added: a measure over mixed currencies is
//!   left out rather than guessed.

use serde_json::Value;

/// An amount of money in one currency.
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    pub amount: f64,
    pub currency: String,
}

impl Money {
    fn read(value: &Value) -> Option<Money> {
        let amount = match &value["amount"] {
            Value::Number(number) => number.as_f64()?,
            Value::String(text) => text.trim().parse().ok()?,
            _ => return None,
        };
        let currency = value["currency"].as_str()?.trim().to_owned();
        (amount.is_finite() && !currency.is_empty()).then_some(Money { amount, currency })
    }
}

/// One change to a contract, from a contracting process's `modifications`.
#[derive(Debug, Clone, PartialEq)]
pub struct Modification {
    pub date: Option<String>,
    /// `value`, `duration`, `scope` or another code of the modificationType codelist.
    pub kind: Option<String>,
    pub description: Option<String>,
    pub rationale: Option<String>,
    pub old_value: Option<Money>,
    pub new_value: Option<Money>,
    pub old_end: Option<String>,
    pub new_end: Option<String>,
}

/// A contracting process as the project summarises it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessFacts {
    pub ocid: String,
    pub title: Option<String>,
    pub method: Option<String>,
    pub suppliers: Vec<String>,
    pub original: Option<Money>,
    pub current: Option<Money>,
    pub modifications: Vec<Modification>,
    /// The sum of the process's transactions, when all are in one currency.
    pub paid: Option<Money>,
}

/// A milestone of the project or of one of its processes.
#[derive(Debug, Clone, PartialEq)]
pub struct Milestone {
    pub title: String,
    pub status: Option<String>,
    pub due: Option<String>,
    pub met: Option<String>,
}

/// A document the project links to.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    pub kind: Option<String>,
    pub url: String,
}

/// A party and its roles.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub id: Option<String>,
    pub name: String,
    pub roles: Vec<String>,
}

/// A financial progress observation: an amount spent, or a percent.
#[derive(Debug, Clone, PartialEq)]
pub enum FinancialProgress {
    Spent(Money),
    Percent(f64),
}

/// What Achyk reads from one OC4IDS project.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectFacts {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub purpose: Option<String>,
    pub status: Option<String>,
    pub sectors: Vec<String>,
    pub kind: Option<String>,
    pub budget: Option<Money>,
    /// The budget's breakdowns, flattened: (what each part is, its amount).
    pub budget_breakdown: Vec<(String, Money)>,
    pub start: Option<String>,
    pub planned_end: Option<String>,
    pub completed_on: Option<String>,
    pub final_value: Option<Money>,
    pub end_details: Option<String>,
    pub value_details: Option<String>,
    /// Points of the locations as (longitude, latitude): a Point's coordinates, the first
    /// vertex of a line or polygon.
    pub points: Vec<(f64, f64)>,
    /// Place names given by the locations (description, locality, region).
    pub places: Vec<String>,
    pub parties: Vec<Party>,
    pub processes: Vec<ProcessFacts>,
    pub milestones: Vec<Milestone>,
    pub documents: Vec<Document>,
    /// The latest physical progress observation, in percent, with its day.
    pub physical_progress: Option<(f64, Option<String>)>,
    /// The latest financial progress observation (`metrics` `financialProgress`): an amount
    /// spent (its `value`) or a percent of the contracts (its `measure`). Used where the
    /// processes publish no transactions.
    pub financial_progress: Option<FinancialProgress>,
    pub updated: Option<String>,
}

fn text(value: &Value) -> Option<String> {
    value
        .as_str()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

fn day(value: &Value) -> Option<String> {
    let text = value.as_str()?;
    let day = text.get(..10)?;
    parse_day(day).map(|_| day.to_owned())
}

fn array(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

/// The sum of `values` when they share one currency.
fn sum(values: impl IntoIterator<Item = Money>) -> Option<Money> {
    let mut total: Option<Money> = None;
    for money in values {
        match &mut total {
            None => total = Some(money),
            Some(total) if total.currency == money.currency => total.amount += money.amount,
            Some(_) => return None,
        }
    }
    total
}

impl ProcessFacts {
    fn read(value: &Value) -> Option<ProcessFacts> {
        let summary = &value["summary"];
        let ocid = text(&summary["ocid"]).or_else(|| text(&value["id"]))?;
        let modifications: Vec<Modification> = array(&summary["modifications"])
            .iter()
            .map(|modification| Modification {
                date: day(&modification["date"]),
                kind: text(&modification["type"]),
                description: text(&modification["description"]),
                rationale: text(&modification["rationale"]),
                old_value: Money::read(&modification["oldContractValue"]),
                new_value: Money::read(&modification["newContractValue"]),
                old_end: day(&modification["oldContractPeriod"]["endDate"]),
                new_end: day(&modification["newContractPeriod"]["endDate"]),
            })
            .collect();
        let contract = Money::read(&summary["contractValue"]);
        let original = modifications
            .iter()
            .find_map(|modification| modification.old_value.clone())
            .or_else(|| contract.clone());
        let current = Money::read(&summary["finalValue"])
            .or_else(|| {
                modifications
                    .iter()
                    .rev()
                    .find_map(|modification| modification.new_value.clone())
            })
            .or(contract);
        let transactions = array(&summary["transactions"]);
        let paid = if transactions.is_empty() {
            None
        } else {
            let values: Option<Vec<Money>> = transactions
                .iter()
                .map(|transaction| Money::read(&transaction["value"]))
                .collect();
            values.and_then(sum)
        };
        Some(ProcessFacts {
            ocid,
            title: text(&summary["title"]),
            method: text(&summary["tender"]["procurementMethod"]),
            suppliers: array(&summary["suppliers"])
                .iter()
                .filter_map(|supplier| text(&supplier["name"]))
                .collect(),
            original,
            current,
            modifications,
            paid,
        })
    }
}

impl ProjectFacts {
    /// Reads a project; `None` when it has no `id`.
    pub fn read(project: &Value) -> Option<ProjectFacts> {
        let id = text(&project["id"])?;
        let completed_on = day(&project["completion"]["endDate"]);
        let planned_end = day(&project["completionPeriod"]["endDate"]).or_else(|| {
            completed_on
                .is_none()
                .then(|| day(&project["period"]["endDate"]))
                .flatten()
        });
        let mut points = Vec::new();
        let mut places = Vec::new();
        for location in array(&project["locations"]) {
            let geometry = &location["geometry"];
            let mut first = &geometry["coordinates"];
            while first.get(0).is_some_and(Value::is_array) {
                first = &first[0];
            }
            if let (Some(longitude), Some(latitude)) = (first[0].as_f64(), first[1].as_f64()) {
                points.push((longitude, latitude));
            }
            for name in [
                &location["description"],
                &location["address"]["locality"],
                &location["address"]["region"],
            ] {
                if let Some(name) = text(name)
                    && !places.contains(&name)
                {
                    places.push(name);
                }
            }
        }
        let mut milestones: Vec<Milestone> = array(&project["milestones"])
            .iter()
            .filter_map(Milestone::read)
            .collect();
        let processes: Vec<ProcessFacts> = array(&project["contractingProcesses"])
            .iter()
            .filter_map(ProcessFacts::read)
            .collect();
        for process in array(&project["contractingProcesses"]) {
            milestones.extend(
                array(&process["summary"]["milestones"])
                    .iter()
                    .filter_map(Milestone::read),
            );
        }
        milestones.sort_by(|a, b| a.due.cmp(&b.due));
        let observations = |id: &'static str| {
            array(&project["metrics"])
                .iter()
                .filter(move |metric| metric["id"].as_str() == Some(id))
                .flat_map(|metric| array(&metric["observations"]))
                .map(|observation| {
                    let when = day(&observation["period"]["endDate"])
                        .or_else(|| day(&observation["period"]["startDate"]));
                    (observation, when)
                })
        };
        let measure = |observation: &Value| match &observation["measure"] {
            Value::Number(number) => number.as_f64(),
            Value::String(text) => text.trim().parse().ok(),
            _ => None,
        };
        let physical_progress = observations("physicalProgress")
            .filter_map(|(observation, when)| Some((measure(observation)?, when)))
            .max_by(|a, b| a.1.cmp(&b.1));
        let financial_progress = observations("financialProgress")
            .filter_map(|(observation, when)| {
                let progress = match Money::read(&observation["value"]) {
                    Some(money) => FinancialProgress::Spent(money),
                    None => FinancialProgress::Percent(measure(observation)?),
                };
                Some((progress, when))
            })
            .max_by(|a, b| a.1.cmp(&b.1))
            .map(|(progress, _)| progress);
        Some(ProjectFacts {
            id,
            title: text(&project["title"]).unwrap_or_default(),
            description: text(&project["description"]),
            purpose: text(&project["purpose"]),
            status: text(&project["status"]),
            sectors: array(&project["sector"]).iter().filter_map(text).collect(),
            kind: text(&project["type"]),
            budget: Money::read(&project["budget"]["amount"]),
            budget_breakdown: array(&project["budget"]["budgetBreakdowns"])
                .iter()
                .flat_map(|breakdown| array(&breakdown["budgetBreakdown"]))
                .filter_map(|part| {
                    let what = text(&part["description"]).or_else(|| text(&part["id"]))?;
                    Some((what, Money::read(&part["amount"])?))
                })
                .collect(),
            start: day(&project["period"]["startDate"]),
            planned_end,
            completed_on,
            final_value: Money::read(&project["completion"]["finalValue"]),
            end_details: text(&project["completion"]["endDateDetails"]),
            value_details: text(&project["completion"]["finalValueDetails"]),
            points,
            places,
            parties: array(&project["parties"])
                .iter()
                .filter_map(|party| {
                    Some(Party {
                        id: text(&party["id"]),
                        name: text(&party["name"])?,
                        roles: array(&party["roles"]).iter().filter_map(text).collect(),
                    })
                })
                .collect(),
            processes,
            milestones,
            documents: array(&project["documents"])
                .iter()
                .filter_map(|document| {
                    Some(Document {
                        title: text(&document["title"])
                            .or_else(|| text(&document["id"]))
                            .unwrap_or_default(),
                        kind: text(&document["documentType"]),
                        url: text(&document["url"])?,
                    })
                })
                .collect(),
            physical_progress,
            financial_progress,
            updated: text(&project["updated"]),
        })
    }

    /// The sum of the processes' original contract values, when all have one in one currency.
    pub fn original_contracts(&self) -> Option<Money> {
        if self.processes.is_empty() {
            return None;
        }
        let values: Option<Vec<Money>> = self
            .processes
            .iter()
            .map(|process| process.original.clone())
            .collect();
        values.and_then(sum)
    }

    /// The sum of the processes' current (or final) contract values, on the same terms.
    pub fn current_contracts(&self) -> Option<Money> {
        if self.processes.is_empty() {
            return None;
        }
        let values: Option<Vec<Money>> = self
            .processes
            .iter()
            .map(|process| process.current.clone())
            .collect();
        values.and_then(sum)
    }

    /// The project's value now: its final value once complete, else the current contract sum.
    pub fn value_now(&self) -> Option<Money> {
        self.final_value
            .clone()
            .or_else(|| self.current_contracts())
    }

    /// The measures of this project, `today` being a `YYYY-MM-DD` day.
    pub fn measures(&self, today: &str) -> Measures {
        let ratio = |value: Option<Money>, base: Option<&Money>| {
            let (value, base) = (value?, base?);
            (value.currency == base.currency && base.amount > 0.0)
                .then(|| (value.amount - base.amount) / base.amount)
        };
        let cost_over_budget = ratio(self.value_now(), self.budget.as_ref());
        let original = self.original_contracts();
        let cost_over_contracts = ratio(self.current_contracts(), original.as_ref());
        let time_overrun_days = self.planned_end.as_deref().and_then(|planned| {
            let planned = parse_day(planned)?;
            let end = match &self.completed_on {
                Some(day) => parse_day(day)?,
                None => parse_day(today)?,
            };
            let late = end - planned;
            (late > 0 || self.completed_on.is_some()).then_some(late.max(0))
        });
        let direct = self
            .processes
            .iter()
            .filter(|process| process.method.as_deref() == Some("direct"))
            .map(|process| process.current.clone());
        let non_competitive_share = self.current_contracts().and_then(|total| {
            let direct: Option<Vec<Money>> = direct.collect();
            let direct = direct?;
            let amount = if direct.is_empty() {
                0.0
            } else {
                let direct = sum(direct)?;
                if direct.currency != total.currency {
                    return None;
                }
                direct.amount
            };
            (total.amount > 0.0).then(|| amount / total.amount)
        });
        let paid = if self.processes.iter().any(|process| process.paid.is_some()) {
            sum(self
                .processes
                .iter()
                .filter_map(|process| process.paid.clone()))
        } else {
            match &self.financial_progress {
                Some(FinancialProgress::Spent(money)) => Some(money.clone()),
                _ => None,
            }
        };
        let paid_share = match (&paid, self.current_contracts(), &self.financial_progress) {
            (Some(paid), Some(total), _)
                if paid.currency == total.currency && total.amount > 0.0 =>
            {
                Some(paid.amount / total.amount)
            }
            (None, _, Some(FinancialProgress::Percent(percent))) => Some(percent / 100.0),
            _ => None,
        };
        Measures {
            cost_over_budget,
            cost_over_contracts,
            time_overrun_days,
            non_competitive_share,
            modifications: self
                .processes
                .iter()
                .map(|process| process.modifications.len())
                .sum(),
            paid_share,
            physical_progress: self
                .physical_progress
                .as_ref()
                .map(|(share, _)| share / 100.0),
        }
    }
}

impl Milestone {
    fn read(value: &Value) -> Option<Milestone> {
        Some(Milestone {
            title: text(&value["title"]).or_else(|| text(&value["description"]))?,
            status: text(&value["status"]),
            due: day(&value["dueDate"]),
            met: day(&value["dateMet"]),
        })
    }
}

/// What Achyk computes from a project.
#[derive(Debug, Clone, PartialEq)]
pub struct Measures {
    /// (value now − budget) / budget.
    pub cost_over_budget: Option<f64>,
    /// (current contract sum − original contract sum) / original contract sum.
    pub cost_over_contracts: Option<f64>,
    /// Days past the planned end: until completion, or until today while still open (only
    /// when already late).
    pub time_overrun_days: Option<i64>,
    /// The share of current contract value in processes with `procurementMethod: direct`.
    pub non_competitive_share: Option<f64>,
    pub modifications: usize,
    /// Paid (transactions) as a share of current contract value.
    pub paid_share: Option<f64>,
    /// The latest physical progress as a share (0–1).
    pub physical_progress: Option<f64>,
}

/// How far payments run ahead of physical progress, in shares, beyond which the page warns.
pub const PROGRESS_LAG_WARNING: f64 = 0.2;

impl Measures {
    /// Payments ahead of physical progress (a share; positive means more paid than built).
    pub fn progress_lag(&self) -> Option<f64> {
        Some(self.paid_share? - self.physical_progress?)
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` day (proleptic Gregorian), or `None`.
pub fn parse_day(day: &str) -> Option<i64> {
    let bytes = day.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: i64 = day[..4].parse().ok()?;
    let month: i64 = day[5..7].parse().ok()?;
    let date: i64 = day[8..10].parse().ok()?;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month) || date < 1 || date > days_in_month[(month - 1) as usize] {
        return None;
    }
    // Days in the years 1 to `y`; then the days from 1970 to this year, then within it.
    let before = |y: i64| y * 365 + y / 4 - y / 100 + y / 400;
    let year_start = before(year - 1) - before(1969);
    let within: i64 = days_in_month[..(month - 1) as usize].iter().sum::<i64>() + date - 1;
    Some(year_start + within)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_count_from_the_epoch() {
        assert_eq!(parse_day("1970-01-01"), Some(0));
        assert_eq!(parse_day("1970-12-31"), Some(364));
        assert_eq!(parse_day("1972-03-01"), Some(365 + 365 + 31 + 29));
        // 2000 is a leap year, 1900 and 2100 are not.
        assert_eq!(
            parse_day("2000-03-01").unwrap() - parse_day("2000-02-28").unwrap(),
            2
        );
        assert_eq!(parse_day("2100-02-29"), None);
        assert_eq!(parse_day("2026-13-01"), None);
        assert_eq!(parse_day("2026-1-01"), None);
        // 2018-12-10 is the 344th day of 2018.
        assert_eq!(
            parse_day("2018-12-10").unwrap() - parse_day("2017-12-31").unwrap(),
            344
        );
    }
}
