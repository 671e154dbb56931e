//! Infrastructure projects for the demo: an OC4IDS 0.9.5 project package made from the feed's
//! own works contracts, so that every project links to processes that are in the feed.
//!
//! The works contracts of one buyer for the same kind of work (one OKGZ code) signed within two
//! years form a project of one to three phases: the village road, the school, the water pipe,
//! at the buyer's place. Budgets are set near the contract sums; some contracts are modified
//! (value and duration, with a rationale), some projects run late, a few pay ahead of the
//! work done. The rates are below; `docs/generator.md` describes them.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Feed;
use super::process::{self, Outcome};
use super::random::{Rng, SECONDS_PER_DAY, civil_from_days, derive_seed, format_time};
use super::vocabulary::{Category, locality_point};

const PROJECT_STREAM: u64 = 7;
/// Of the contracts: raised in value by a modification (by 5–45 %).
pub const VALUE_MODIFICATION_RATE: f64 = 0.35;
/// Of the contracts: extended by a modification (by 30–300 days).
pub const DURATION_MODIFICATION_RATE: f64 = 0.4;
/// Of the projects still open: paid ahead of the work done by 25–45 points.
pub const PAID_AHEAD_RATE: f64 = 0.25;
/// Of the projects whose planned end is before the feed's last half year: completed (the rest
/// are stalled, still open long after their planned end).
pub const COMPLETED_RATE: f64 = 0.95;
/// Of the projects: finished after the planned end (beyond any extension) by up to 90 days;
/// the others finish up to 20 days early.
pub const SLIPPAGE_RATE: f64 = 0.45;

const RATIONALES: [&str; 5] = [
    "Дополнительные объёмы работ, выявленные при вскрытии конструкций",
    "Рост цен на строительные материалы",
    "Неблагоприятные погодные условия",
    "Изменение проектно-сметной документации",
    "Задержка поставки материалов подрядчиком",
];

/// The sector and type of a project from its OKGZ code, and whether the buyer is medical.
fn sector_of(okgz: &str, medical: bool) -> (&'static str, &'static str) {
    match okgz {
        "45233000" => ("transport.road", "rehabilitation"),
        "45232150" => ("waterAndWaste", "construction"),
        "45214200" => ("education", "construction"),
        _ if medical => ("health", "rehabilitation"),
        _ => ("education", "rehabilitation"),
    }
}

fn day_of(local_seconds: i64) -> String {
    let (year, month, day) = civil_from_days(local_seconds.div_euclid(SECONDS_PER_DAY));
    format!("{year:04}-{month:02}-{day:02}T00:00:00+06:00")
}

fn money(amount: i64) -> Value {
    json!({"amount": amount, "currency": "KGS"})
}

/// One works contract that may join a project.
struct Works {
    plan: usize,
    okgz: &'static str,
    signed: i64,
    amount: i64,
    supplier: u32,
    method: &'static str,
    title: String,
}

impl Feed {
    /// The demo's projects as an OC4IDS project package.
    pub fn projects(&self) -> Value {
        let mut package = self.project_package_head();
        let mut projects = Vec::new();
        self.each_project(|project| {
            projects.push(project);
            Ok(())
        })
        .expect("collecting cannot fail");
        package["projects"] = Value::Array(projects);
        package
    }

    /// Writes [`Feed::projects`]'s package as one line of JSON, a project at a time, so that
    /// memory holds one project rather than all (a large feed has hundreds of megabytes of
    /// them as values).
    pub fn write_projects(&self, writer: &mut dyn std::io::Write) -> std::io::Result<()> {
        let head = serde_json::to_string(&self.project_package_head())?;
        // The head's members, then `projects` last, as in `projects()`'s object.
        writer.write_all(&head.as_bytes()[..head.len() - 1])?;
        writer.write_all(b",\"projects\":[")?;
        let mut first = true;
        self.each_project(|project| {
            if !first {
                writer.write_all(b",")?;
            }
            first = false;
            serde_json::to_writer(&mut *writer, &project)?;
            Ok(())
        })?;
        writer.write_all(b"]}")
    }

    /// The package's members other than `projects`.
    fn project_package_head(&self) -> Value {
        let last_day = super::random::days_from_civil(i64::from(self.settings.last_year), 12, 31);
        json!({
            "version": "0.9",
            "uri": "https://achyk.example/demo/projects.json",
            "publishedDate": format_time(last_day * SECONDS_PER_DAY),
            "publisher": {"name": super::PUBLISHER_NAME},
            "license": "https://creativecommons.org/licenses/by/4.0/",
        })
    }

    /// Hands each project to `each`, in the package's order.
    fn each_project(
        &self,
        mut each: impl FnMut(Value) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut by_object: BTreeMap<(u32, &'static str), Vec<Works>> = BTreeMap::new();
        for (index, plan) in self.plans.iter().enumerate() {
            let built = process::build(plan, &self.world);
            if built.category != Category::Works || built.outcome != Outcome::Awarded {
                continue;
            }
            let Some(contract) = built.contracts.first() else {
                continue;
            };
            let method = if plan.method.is_direct() {
                "direct"
            } else {
                plan.method.ocds()
            };
            by_object
                .entry((plan.buyer, built.lots[0].classification.id))
                .or_default()
                .push(Works {
                    plan: index,
                    okgz: built.lots[0].classification.id,
                    signed: contract.signed,
                    amount: contract.amount,
                    supplier: contract.supplier,
                    method,
                    title: built.title.clone(),
                });
        }
        let last_day = super::random::days_from_civil(i64::from(self.settings.last_year), 12, 31);
        let mut number = 0;
        for ((buyer, _), mut works) in by_object {
            works.sort_by_key(|works| works.signed);
            let mut rng = Rng::new(derive_seed(
                self.settings.seed,
                PROJECT_STREAM,
                u64::from(buyer),
            ));
            let mut rest = works.as_slice();
            while let Some(first) = rest.first() {
                let wanted = rng.between(1, 3) as usize;
                let phases = rest
                    .iter()
                    .take(wanted)
                    .take_while(|works| works.signed - first.signed <= 730 * SECONDS_PER_DAY)
                    .count()
                    .max(1);
                let (group, after) = rest.split_at(phases);
                rest = after;
                each(self.project(number, buyer, group, last_day, &mut rng))?;
                number += 1;
            }
        }
        Ok(())
    }

    fn project(
        &self,
        number: usize,
        buyer: u32,
        phases: &[Works],
        last_day: i64,
        rng: &mut Rng,
    ) -> Value {
        let organisation = &self.world.buyers[buyer as usize];
        let place = organisation.place;
        let (sector, kind) = sector_of(phases[0].okgz, organisation.medical);
        let mut processes = Vec::new();
        let mut parties = vec![json!({
            "id": organisation.party_id,
            "name": organisation.name,
            "roles": ["publicAuthority", "buyer"],
            "address": {"locality": place.locality, "region": place.region.name_ru(), "countryName": "Кыргызстан"},
        })];
        let (mut original_sum, mut current_sum, mut planned_end) = (0, 0, 0);
        let mut delay_days = 0;
        for works in phases {
            let start = works.signed;
            let planned = start + rng.between(90, 420) as i64 * SECONDS_PER_DAY;
            planned_end = planned_end.max(planned);
            let mut modifications = Vec::new();
            let mut current = works.amount;
            let mut end = planned;
            if rng.chance(DURATION_MODIFICATION_RATE) {
                let extra = rng.between(30, 300) as i64;
                delay_days = delay_days.max(extra);
                end = planned + extra * SECONDS_PER_DAY;
                modifications.push(json!({
                    "id": format!("{}-m{}", self.plans[works.plan].ocid(), modifications.len() + 1),
                    "date": day_of(start + (planned - start) / 2),
                    "description": format!("Срок работ продлён на {extra} дней"),
                    "rationale": rng.pick(&RATIONALES),
                    "type": "duration",
                    "oldContractPeriod": {"startDate": day_of(start), "endDate": day_of(planned)},
                    "newContractPeriod": {"startDate": day_of(start), "endDate": day_of(end)},
                }));
            }
            if rng.chance(VALUE_MODIFICATION_RATE) {
                let raised = (works.amount as f64 * rng.uniform(1.05, 1.45)).round() as i64;
                modifications.push(json!({
                    "id": format!("{}-m{}", self.plans[works.plan].ocid(), modifications.len() + 1),
                    "date": day_of(start + (planned - start) * 2 / 3),
                    "description": format!("Сумма договора увеличена с {} до {raised} сом", works.amount),
                    "rationale": rng.pick(&RATIONALES),
                    "type": "value",
                    "oldContractValue": money(works.amount),
                    "newContractValue": money(raised),
                }));
                current = raised;
            }
            original_sum += works.amount;
            current_sum += current;
            let supplier = &self.world.suppliers[works.supplier as usize];
            if !parties
                .iter()
                .any(|party| party["id"] == supplier.party_id.as_str())
            {
                parties.push(json!({
                    "id": supplier.party_id,
                    "name": supplier.name,
                    "roles": ["supplier"],
                }));
            }
            let mut summary = json!({
                "ocid": self.plans[works.plan].ocid(),
                "title": works.title,
                "nature": ["construction"],
                "tender": {"procurementMethod": works.method},
                "suppliers": [{"id": supplier.party_id, "name": supplier.name}],
                "contractValue": money(works.amount),
                "contractPeriod": {"startDate": day_of(start), "endDate": day_of(end)},
            });
            if !modifications.is_empty() {
                summary["modifications"] = json!(modifications);
            }
            processes.push((summary, current, end));
        }
        let first_signed = phases[0].signed;
        let budget =
            ((original_sum as f64 * rng.uniform(0.95, 1.10)) / 1000.0).round() as i64 * 1000;
        let slippage = if rng.chance(SLIPPAGE_RATE) {
            rng.between(1, 90) as i64
        } else {
            -(rng.between(0, 20) as i64)
        };
        let finished = planned_end + (delay_days + slippage) * SECONDS_PER_DAY;
        let completed = planned_end.div_euclid(SECONDS_PER_DAY) < last_day - 180
            && finished.div_euclid(SECONDS_PER_DAY) <= last_day
            && rng.chance(COMPLETED_RATE);
        // Physical progress at the feed's last day, and what was paid by then.
        let span = (finished - first_signed).max(SECONDS_PER_DAY) as f64;
        let progress = if completed {
            1.0
        } else {
            ((last_day * SECONDS_PER_DAY - first_signed) as f64 / span).clamp(0.05, 0.95)
        };
        let paid_share = if !completed && rng.chance(PAID_AHEAD_RATE) {
            (progress + rng.uniform(0.25, 0.45)).min(1.0)
        } else {
            progress * rng.uniform(0.85, 1.0)
        };
        let mut contracting = Vec::new();
        for (index, (mut summary, current, end)) in processes.into_iter().enumerate() {
            let paid = (current as f64 * paid_share).round() as i64;
            summary["transactions"] = json!([{
                "id": format!("{}-t1", summary["ocid"].as_str().unwrap_or_default()),
                "date": day_of(end.min(last_day * SECONDS_PER_DAY)),
                "value": money(paid),
                "payer": {"id": organisation.party_id, "name": organisation.name},
            }]);
            if completed {
                summary["finalValue"] = money(current);
                summary["status"] = json!("closed");
            } else {
                summary["status"] = json!("active");
            }
            contracting.push(json!({"id": format!("{}", index + 1), "summary": summary}));
        }
        // Every settlement has its point (a test checks it); a missing one leaves the project
        // off the map (placed by its address) rather than in the wrong place.
        let jitter = |rng: &mut Rng| rng.uniform(-0.015, 0.015);
        let mut location = json!({
            "id": "1",
            "description": place.locality,
            "address": {
                "locality": place.locality,
                "region": place.region.name_ru(),
                "countryName": "Кыргызстан",
            },
        });
        if let Some((longitude, latitude)) = locality_point(place.locality) {
            let point = [
                ((longitude + jitter(rng)) * 10_000.0).round() / 10_000.0,
                ((latitude + jitter(rng)) * 10_000.0).round() / 10_000.0,
            ];
            location["geometry"] = json!({"type": "Point", "coordinates": point});
        }
        let observed = if completed {
            finished
        } else {
            last_day * SECONDS_PER_DAY
        };
        let mut project = json!({
            "id": format!("oc4ids-achyk0-{:05}", number + 1),
            "updated": format_time(observed),
            "title": phases[0].title,
            "description": format!(
                "{} ({} эт.), заказчик: {}",
                phases[0].title,
                phases.len(),
                organisation.name
            ),
            "status": if completed { "completion" } else { "implementation" },
            "sector": [sector],
            "type": kind,
            "period": {"startDate": day_of(first_signed), "endDate": day_of(planned_end)},
            "completionPeriod": {"endDate": day_of(planned_end)},
            "locations": [location],
            "budget": {
                "amount": money(budget),
                "approvalDate": day_of(first_signed - 60 * SECONDS_PER_DAY),
            },
            "parties": parties,
            "publicAuthority": {"id": organisation.party_id, "name": organisation.name},
            "contractingProcesses": contracting,
            "metrics": [{
                "id": "physicalProgress",
                "title": "Физический прогресс",
                "observations": [{
                    "id": "1",
                    "measure": format!("{:.0}", progress * 100.0),
                    "unit": {"name": "percent", "id": "P1", "scheme": "UNCEFACT"},
                    "period": {"startDate": day_of(observed), "endDate": day_of(observed)},
                }],
            }],
        });
        if completed {
            project["completion"] = json!({
                "endDate": day_of(finished),
                "finalValue": money(current_sum),
            });
            if delay_days + slippage > 0 {
                project["completion"]["endDateDetails"] =
                    json!("Сроки сдвинуты: см. изменения договоров");
            }
        }
        project
    }
}
