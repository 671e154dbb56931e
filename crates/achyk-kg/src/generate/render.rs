//! Writes built processes as the feed's JSON: releases in the API's shape, with its defects.

use serde_json::{Map, Value, json};

use super::process::{BidStatus, Outcome, Plan, Process, Stage};
use super::random::{SECONDS_PER_DAY, format_day, format_time};
use super::vocabulary::{COMPLAINTS, DIRECT_RATIONALES, DOCUMENT_TYPES, QUESTIONS};
use super::world::{Organisation, World};

fn kgs(amount: i64) -> Value {
    json!({"amount": amount, "currency": "KGS"})
}

/// A unit price with at most two decimals, written as an integer when it is one.
fn unit_price(amount: i64, quantity: u64) -> Value {
    let cents = (amount as f64 * 100.0 / quantity as f64).round() as i64;
    if cents % 100 == 0 {
        json!(cents / 100)
    } else {
        json!(cents as f64 / 100.0)
    }
}

fn address(organisation: &Organisation) -> Value {
    let place = organisation.place;
    json!({
        "ateCode": format!("{}{}000000", place.region.ate_prefix(), place.district_code),
        "countryName": "Кыргызстан",
        "region": place.region.name_ru(),
        "district": place.district,
        "locality": place.locality,
        "streetAddress": organisation.street,
    })
}

/// A party as the feed writes it: identifier with both names, address, roles, and no `name`.
fn party(organisation: &Organisation, roles: &[&str]) -> Value {
    json!({
        "id": organisation.party_id,
        "identifier": {
            "scheme": "KG-INN",
            "id": organisation.inn,
            "legalName": organisation.name,
            "legalName_kg": organisation.name_ky,
        },
        "address": address(organisation),
        "roles": roles,
    })
}

fn release_id(plan: &Plan, date: i64) -> String {
    if plan.method.is_direct() {
        format!("contract-based-{}-{}", plan.number, format_day(date))
    } else {
        format!("{}-{}", plan.number, format_day(date))
    }
}

/// One release of a process at one of its stages.
pub(crate) fn release(
    plan: &Plan,
    process: &Process,
    world: &World,
    stage: Stage,
    date: i64,
) -> Value {
    let buyer = &world.buyers[plan.buyer as usize];
    let direct = plan.method.is_direct();
    let show_result = stage == Stage::Result;
    let mut release = Map::new();
    release.insert("ocid".into(), json!(plan.ocid()));
    release.insert("id".into(), json!(release_id(plan, date)));
    release.insert("date".into(), json!(format_time(date)));
    let tag = match (stage, process.outcome, direct) {
        (_, _, true) => json!(["contract"]),
        (Stage::Tender, _, _) => json!(["tender"]),
        (Stage::Amendment, _, _) => json!(["tenderAmendment"]),
        (Stage::Result, Outcome::Unsuccessful, _) => json!(["tenderUpdate"]),
        (Stage::Result, _, _) if process.contracts.is_empty() => json!(["award"]),
        (Stage::Result, _, _) => json!(["award", "contract"]),
    };
    release.insert("tag".into(), tag);
    release.insert("initiationType".into(), json!("tender"));
    let year = super::random::civil_from_days(plan.published.div_euclid(SECONDS_PER_DAY)).0;
    let budget_id = format!("P-{year}-{}", plan.seed % 9000 + 1000);
    if !direct {
        release.insert(
            "planning".into(),
            json!({
                "rationale": "Годовой план",
                "budget": {"id": budget_id, "description": year.to_string(), "value": kgs(process.budget)},
            }),
        );
    }

    // Parties: the buyer, then everyone the release mentions, in order of first mention.
    let mut buyer_roles = vec!["procuringEntity"];
    if process.has_buyer {
        buyer_roles.push("buyer");
    }
    let mut parties = vec![party(buyer, &buyer_roles)];
    let mut mentioned: Vec<(u32, Vec<&str>)> = Vec::new();
    let mut mention = |supplier: u32, role: &'static str| match mentioned
        .iter_mut()
        .find(|(id, _)| *id == supplier)
    {
        Some((_, roles)) => {
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        None => mentioned.push((supplier, vec![role])),
    };
    let enquiries: Vec<_> = process
        .enquiries
        .iter()
        .filter(|enquiry| enquiry.date <= date)
        .collect();
    if show_result {
        for bid in &process.bids {
            if !direct {
                mention(bid.supplier, "tenderer");
            }
        }
        for contract in &process.contracts {
            mention(contract.supplier, "supplier");
        }
    }
    for enquiry in &enquiries {
        mention(enquiry.author, "enquirer");
    }
    for (supplier, roles) in &mentioned {
        parties.push(party(&world.suppliers[*supplier as usize], roles));
    }
    release.insert("parties".into(), Value::Array(parties));
    if process.has_buyer {
        release.insert(
            "buyer".into(),
            json!({"id": buyer.party_id, "name": buyer.name}),
        );
    }

    release.insert(
        "tender".into(),
        tender(plan, process, world, stage, date, &enquiries),
    );

    if show_result && !process.bids.is_empty() {
        let details: Vec<Value> = process
            .bids
            .iter()
            .enumerate()
            .map(|(index, bid)| {
                let related_lots: Vec<Value> = bid
                    .lots
                    .iter()
                    .map(|&(lot, initial, amount)| {
                        let value = if direct {
                            json!({"amount": amount, "currency": "KGS"})
                        } else {
                            json!({"initialAmount": initial, "amount": amount, "currency": "KGS"})
                        };
                        json!({"id": format!("L{}", lot + 1), "value": value})
                    })
                    .collect();
                let mut detail = json!({
                    "id": format!("B{}", index + 1),
                    "status": match bid.status { BidStatus::Valid => "valid", BidStatus::Disqualified => "disqualified" },
                    "date": format_time(bid.date),
                    "relatedLots": related_lots,
                });
                if !direct {
                    let proposals: Vec<Value> = bid
                        .lots
                        .iter()
                        .map(|&(lot, _, amount)| {
                            json!({
                                "relatedLot": format!("L{}", lot + 1),
                                "relatedItem": format!("I{}", lot + 1),
                                "unit": {"value": {"amount": unit_price(amount, process.lots[lot].quantity), "currency": "KGS"}},
                            })
                        })
                        .collect();
                    detail["priceProposal"] = Value::Array(proposals);
                }
                detail["tenderers"] = json!([{"id": world.suppliers[bid.supplier as usize].party_id}]);
                detail
            })
            .collect();
        release.insert("bids".into(), json!({"details": details}));
    }
    if show_result {
        if let Some(complaint) = &process.complaint {
            let (title, description) = COMPLAINTS[complaint.text];
            let mut value = json!({
                "id": "C1",
                "status": complaint.status,
                "dateSubmitted": format_time(complaint.submitted),
                "type": "evaluation",
                "complaintNumber": format!("Ж-{year}-{}", plan.seed % 900 + 100),
                "title": title,
                "description": description,
                "author": {"id": world.suppliers[complaint.author as usize].party_id},
                "reviewDate": format_time(complaint.submitted + SECONDS_PER_DAY),
                "responseDate": format_time(complaint.response),
            });
            value["resolution"] = json!(match complaint.status {
                "satisfied" => "Жалоба удовлетворена",
                "withdrawn" => "Жалоба отозвана",
                _ => "Жалоба отклонена",
            });
            release.insert("complaints".into(), json!([value]));
        }
        if !process.awards.is_empty() {
            let awards: Vec<Value> = process
                .awards
                .iter()
                .enumerate()
                .map(|(index, award)| {
                    json!({
                        "id": format!("A{}", index + 1),
                        "status": award.status,
                        "relatedLots": [format!("L{}", award.lot + 1)],
                        "relatedBid": format!("B{}", award.bid + 1),
                        "date": format_time(award.date),
                        "value": kgs(award.amount),
                    })
                })
                .collect();
            release.insert("awards".into(), Value::Array(awards));
        }
        if !process.contracts.is_empty() {
            let contracts: Vec<Value> = process
                .contracts
                .iter()
                .enumerate()
                .map(|(index, contract)| {
                    let delivery_start = (contract.signed.div_euclid(SECONDS_PER_DAY) + 7) * SECONDS_PER_DAY;
                    json!({
                        "id": format!("K{}", index + 1),
                        "contractNumber": format!("{:02}-{:04}", year % 100, (plan.seed >> 8) % 10_000),
                        "dateSigned": format_time(contract.signed),
                        "value": {"amountDiscounted": contract.amount, "amount": contract.amount, "currency": "KGS"},
                        "awardIDs": contract.awards.iter().map(|award| format!("A{}", award + 1)).collect::<Vec<_>>(),
                        "deliveriesSchedule": [{
                            "deliveryPeriod": {
                                "startDate": format_time(delivery_start),
                                "endDate": format_time(delivery_start + 90 * SECONDS_PER_DAY),
                            },
                            "deliveryAddress": buyer.place.locality,
                            "deliveryConditions": "поэтапно",
                        }],
                        "paymentsSchedule": [{
                            "paymentType": "prepayment",
                            "paymentDate": format_time(delivery_start),
                            "paymentDueDate": format_time(delivery_start + 10 * SECONDS_PER_DAY),
                            "paymentCondition": "30%",
                        }],
                    })
                })
                .collect();
            release.insert("contracts".into(), Value::Array(contracts));
        }
    }
    Value::Object(release)
}

fn tender(
    plan: &Plan,
    process: &Process,
    world: &World,
    stage: Stage,
    date: i64,
    enquiries: &[&super::process::Enquiry],
) -> Value {
    let buyer = &world.buyers[plan.buyer as usize];
    let direct = plan.method.is_direct();
    let mut tender = Map::new();
    tender.insert("id".into(), json!(plan.number));
    tender.insert("title".into(), json!(process.title));
    if !direct {
        tender.insert("tenderNumber".into(), json!(plan.number));
    }
    let status = match (stage, process.outcome) {
        (Stage::Result, Outcome::Unsuccessful) => "unsuccessful",
        (Stage::Result, _) => "complete",
        _ => "active",
    };
    tender.insert("status".into(), json!(status));
    if !direct {
        tender.insert("datePublished".into(), json!(format_time(plan.published)));
    }
    let method = if direct && !process.single_source_as_open {
        "direct"
    } else {
        plan.method.ocds()
    };
    let method = if direct && process.single_source_as_open {
        "open"
    } else {
        method
    };
    tender.insert("procurementMethod".into(), json!(method));
    tender.insert(
        "procurementMethodDetails".into(),
        json!(plan.method.details()),
    );
    if direct {
        tender.insert(
            "procurementMethodRationale".into(),
            json!(DIRECT_RATIONALES[process.direct_rationale]),
        );
    } else {
        tender.insert(
            "procurementSubMethodDetails".into(),
            json!(plan.method.sub_method()),
        );
    }
    tender.insert(
        "mainProcurementCategory".into(),
        json!(process.category_label),
    );
    let shown_value = |value: i64| if process.zero_values { 0 } else { value };
    tender.insert("value".into(), kgs(shown_value(process.value)));
    if !direct {
        let end = match (stage, process.amendment) {
            (Stage::Tender, _) | (_, None) => process.tender_end,
            (_, Some((_, new_end))) => new_end,
        };
        let start = format_time(plan.published);
        tender.insert(
            "tenderPeriod".into(),
            json!({"startDate": start, "endDate": format_time(end)}),
        );
        let enquiry_end = if process.enquiry_end == process.tender_end {
            end
        } else {
            process.enquiry_end
        };
        tender.insert(
            "enquiryPeriod".into(),
            json!({"startDate": start, "endDate": format_time(enquiry_end)}),
        );
    }
    let lots: Vec<Value> = process
        .lots
        .iter()
        .enumerate()
        .map(|(index, lot)| {
            let lot_status = match (stage, process.outcome) {
                (Stage::Result, Outcome::Unsuccessful) => "unsuccessful",
                (Stage::Result, _) if process.winner(index).is_none() => "unsuccessful",
                (Stage::Result, _) => "complete",
                _ => "active",
            };
            json!({
                "id": format!("L{}", index + 1),
                "title": lot.classification.description,
                "status": lot_status,
                "value": kgs(shown_value(lot.value)),
                "lotNumber": (index + 1).to_string(),
            })
        })
        .collect();
    tender.insert("lots".into(), Value::Array(lots));
    let items: Vec<Value> = process
        .lots
        .iter()
        .enumerate()
        .map(|(index, lot)| {
            let classification = lot.classification;
            json!({
                "id": format!("I{}", index + 1),
                "relatedLot": format!("L{}", index + 1),
                "classification": {"scheme": classification.scheme, "id": classification.id, "description": classification.description},
                "quantity": lot.quantity,
                "unit": {
                    "id": classification.unit_id,
                    "name": classification.unit_name,
                    "value": {"amount": unit_price(shown_value(lot.value), lot.quantity), "currency": "KGS"},
                },
            })
        })
        .collect();
    tender.insert("items".into(), Value::Array(items));
    if !process.documents.is_empty() {
        let documents: Vec<Value> = process
            .documents
            .iter()
            .map(|document| {
                let (kind, title) = DOCUMENT_TYPES[document.kind];
                let mut value = json!({
                    "id": format!("D{}", document.kind + 1),
                    "documentType": kind,
                    "title": title,
                    "datePublished": format_time(plan.published),
                    "format": "application/pdf",
                    "language": "ru",
                });
                if document.with_url {
                    value["url"] = json!(format!(
                        "http://zakupki.gov.kg/popp/view/order/download.xhtml?id={}",
                        document.id
                    ));
                }
                value
            })
            .collect();
        tender.insert("documents".into(), Value::Array(documents));
    }
    if !enquiries.is_empty() {
        let values: Vec<Value> = enquiries
            .iter()
            .enumerate()
            .map(|(index, enquiry)| {
                let (question, answer) = QUESTIONS[enquiry.question];
                let mut value = json!({
                    "id": format!("Q{}", index + 1),
                    "date": format_time(enquiry.date),
                    "description": question,
                    "author": {"id": world.suppliers[enquiry.author as usize].party_id},
                });
                if let Some(answered) = enquiry.answered.filter(|&answered| answered <= date) {
                    value["dateAnswered"] = json!(format_time(answered));
                    value["answer"] = json!(answer);
                }
                value
            })
            .collect();
        tender.insert("enquiries".into(), Value::Array(values));
    }
    if let Some((amended, _)) = process.amendment.filter(|&(amended, _)| amended <= date) {
        tender.insert(
            "amendments".into(),
            json!([{"id": "1", "date": format_time(amended), "rationale": "Продление срока подачи заявок"}]),
        );
    }
    let procuring_entity_id = if process.procuring_entity_id_is_name {
        buyer.name.clone()
    } else {
        buyer.party_id.clone()
    };
    tender.insert(
        "procuringEntity".into(),
        json!({"id": procuring_entity_id, "name": buyer.name}),
    );
    Value::Object(tender)
}
