//! Views: what a page shows of a normalised compiled release, already in the page's language.
//! Only standard OCDS fields are read here (the normaliser made them so), each with a plain
//! fallback when the publisher left it out.

use achyk_kg::regions::Region;
use serde_json::Value;

use crate::i18n::{Arg, Lang, Tr};

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// `2024-01-15T10:12:00+06:00` as `2024-01-15 10:12` (the time as published, in its own
/// offset, which for the Kyrgyz feed is Bishkek time).
pub fn short_date(date: &str) -> String {
    match (date.get(..10), date.get(11..16)) {
        (Some(day), Some(time)) if date.len() >= 16 => format!("{day} {time}"),
        _ => date.to_string(),
    }
}

/// An OCDS value object in words, or `None` without an amount.
pub fn money(tr: &Tr, value: Option<&Value>) -> Option<String> {
    let value = value?;
    let amount = value.get("amount")?.as_f64()?;
    let currency = value.get("currency").and_then(Value::as_str).unwrap_or("");
    Some(tr.money(amount, currency))
}

/// A code from a codelist in words (`status-active`), or the code itself when the site has no
/// words for it.
pub fn coded(tr: &Tr, prefix: &str, code: Option<&str>) -> Option<String> {
    let code = code?;
    let id = format!("{prefix}-{code}");
    let words = tr.t(&id);
    Some(if words == id { code.to_string() } else { words })
}

/// A group's key in words: "unknown" when empty, the key itself without a prefix (years), else
/// as [`coded`].
pub fn group_words(tr: &Tr, prefix: &str, key: &str) -> String {
    if key.is_empty() {
        tr.t("unknown")
    } else if prefix.is_empty() {
        key.to_string()
    } else {
        coded(tr, prefix, Some(key)).unwrap_or_default()
    }
}

pub fn region_name(lang: Lang, iso_code: Option<&str>) -> Option<String> {
    let region = Region::from_iso_code(iso_code?)?;
    Some(
        match lang {
            Lang::Ky => region.name_ky(),
            Lang::Ru => region.name_ru(),
            Lang::En => region.name_en(),
        }
        .to_string(),
    )
}

/// A party's name in the page's language: Kyrgyz where the data has it, else the name.
fn party_name(lang: Lang, release: &Value, id: &str) -> String {
    let party = release
        .get("parties")
        .and_then(Value::as_array)
        .and_then(|parties| {
            parties
                .iter()
                .find(|party| party.get("id").and_then(Value::as_str) == Some(id))
        });
    let Some(party) = party else {
        return id.to_string();
    };
    let kyrgyz = if lang == Lang::Ky {
        text(party.get("name_ky"))
    } else {
        None
    };
    kyrgyz
        .or_else(|| text(party.get("name")))
        .unwrap_or_else(|| id.to_string())
}

/// The organisation key of the buyer: `{scheme}-{id}` of its party's identifier, else its id
/// (the store keys organisations so).
fn buyer_key(release: &Value) -> Option<String> {
    let id = text(release.pointer("/buyer/id"))?;
    let party = release
        .get("parties")
        .and_then(Value::as_array)
        .and_then(|parties| {
            parties
                .iter()
                .find(|party| text(party.get("id")).as_deref() == Some(id.as_str()))
        });
    let identifier = party.and_then(|party| party.get("identifier"));
    match (
        identifier.and_then(|identifier| text(identifier.get("scheme"))),
        identifier.and_then(|identifier| text(identifier.get("id"))),
    ) {
        (Some(scheme), Some(number)) => Some(format!("{scheme}-{number}")),
        _ => Some(id),
    }
}

fn list(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value.and_then(Value::as_array).into_iter().flatten()
}

/// One row of the tenders list.
pub struct TenderRow {
    pub ocid: String,
    pub title: String,
    /// "2 red flags", when the process has any.
    pub flags: String,
    pub buyer: String,
    pub value: String,
    pub status: String,
    pub region: String,
    pub date: String,
}

impl TenderRow {
    /// The rows of a list with their red-flag counts (`counts` by ocid).
    pub fn list(
        lang: Lang,
        rows: &[achyk_store::ProcessSummaryRow],
        counts: &std::collections::HashMap<String, i64>,
    ) -> Vec<TenderRow> {
        let tr = Tr::new(lang);
        rows.iter()
            .map(|row| {
                let mut view = TenderRow::of_summary(lang, row);
                if let Some(count) = counts.get(&row.ocid) {
                    view.flags = tr.t_with("flags-count", &[("count", Arg::Number(*count as f64))]);
                }
                view
            })
            .collect()
    }

    /// A row of the list from a search result's summary.
    pub fn of_summary(lang: Lang, row: &achyk_store::ProcessSummaryRow) -> TenderRow {
        let tr = Tr::new(lang);
        TenderRow {
            flags: String::new(),
            ocid: row.ocid.clone(),
            title: row.title.clone().unwrap_or_else(|| tr.t("tender-untitled")),
            buyer: match lang {
                Lang::Ky => row.buyer_name_ky.clone().or_else(|| row.buyer_name.clone()),
                Lang::Ru | Lang::En => row.buyer_name.clone(),
            }
            .unwrap_or_default(),
            value: row
                .value_amount
                .map(|amount| tr.money(amount, row.value_currency.as_deref().unwrap_or("")))
                .unwrap_or_default(),
            status: coded(&tr, "status", row.status.as_deref()).unwrap_or_default(),
            region: region_name(lang, row.region.as_deref()).unwrap_or_default(),
            date: short_date(&row.date),
        }
    }
}

pub struct Fact {
    pub label: String,
    pub value: String,
    /// A page of the site the value links to (after the language prefix).
    pub href: Option<String>,
}

pub struct Event {
    pub date: String,
    pub what: String,
}

pub struct LotView {
    pub title: String,
    pub value: String,
    pub status: String,
}

pub struct ItemView {
    pub description: String,
    pub classification: String,
    pub quantity: String,
    pub lot: String,
}

pub struct BidView {
    pub bidder: String,
    pub lot: String,
    pub amount: String,
    pub status: String,
    pub date: String,
}

pub struct AwardView {
    pub supplier: String,
    pub lot: String,
    pub amount: String,
    pub status: String,
    pub date: String,
}

pub struct ContractView {
    pub id: String,
    pub amount: String,
    pub signed: String,
    pub status: String,
}

pub struct EnquiryView {
    pub date: String,
    pub question: String,
    pub answer: String,
}

pub struct ComplaintView {
    pub date: String,
    pub author: String,
    pub title: String,
    pub status: String,
    pub resolution: String,
}

pub struct PaymentView {
    pub contract: String,
    pub what: String,
    pub due: String,
    pub condition: String,
}

pub struct DocumentView {
    pub title: String,
    pub url: Option<String>,
}

/// The tender page's view of a process.
pub struct TenderView {
    pub title: String,
    pub description: Option<String>,
    pub summary: String,
    pub facts: Vec<Fact>,
    pub timeline: Vec<Event>,
    pub lots: Vec<LotView>,
    pub items: Vec<ItemView>,
    pub bids: Vec<BidView>,
    pub awards: Vec<AwardView>,
    pub contracts: Vec<ContractView>,
    pub enquiries: Vec<EnquiryView>,
    pub complaints: Vec<ComplaintView>,
    pub payments: Vec<PaymentView>,
    pub documents: Vec<DocumentView>,
}

impl TenderView {
    pub fn of(lang: Lang, ocid: &str, release: &Value, region: Option<&str>) -> TenderView {
        let tr = Tr::new(lang);
        let tender = release.get("tender").cloned().unwrap_or(Value::Null);
        let title = text(tender.get("title")).unwrap_or_else(|| tr.t("tender-untitled"));
        let buyer = text(release.pointer("/buyer/id")).map(|id| party_name(lang, release, &id));
        let value = money(&tr, tender.get("value"));
        let region_words = region_name(lang, region);
        let status = coded(&tr, "status", tender.get("status").and_then(Value::as_str));
        let method = coded(
            &tr,
            "method",
            tender.get("procurementMethod").and_then(Value::as_str),
        );
        let category = coded(
            &tr,
            "category",
            tender
                .get("mainProcurementCategory")
                .and_then(Value::as_str),
        );
        let bids: Vec<&Value> = list(release.pointer("/bids/details")).collect();
        let lot_title = |id: Option<String>| -> String {
            let Some(id) = id else { return String::new() };
            list(tender.get("lots"))
                .find(|lot| text(lot.get("id")).as_deref() == Some(id.as_str()))
                .and_then(|lot| text(lot.get("title")))
                .unwrap_or(id)
        };
        let first_lot = |value: &Value| {
            value
                .get("relatedLots")
                .and_then(Value::as_array)
                .and_then(|lots| lots.first())
                .and_then(|lot| text(Some(lot)))
        };

        let unknown = tr.t("unknown");
        let summary = tr.t_with(
            "tender-summary",
            &[
                ("buyer", Arg::Text(buyer.as_deref().unwrap_or(&unknown))),
                ("title", Arg::Text(&title)),
                ("value", Arg::Text(value.as_deref().unwrap_or(&unknown))),
                (
                    "region",
                    Arg::Text(region_words.as_deref().unwrap_or(&unknown)),
                ),
                ("bids", Arg::Number(bids.len() as f64)),
            ],
        );

        let mut facts = Vec::new();
        if let (Some(name), Some(id)) = (&buyer, buyer_key(release)) {
            facts.push(Fact {
                label: tr.t("fact-buyer"),
                value: name.clone(),
                href: Some(format!("/organisations/{id}")),
            });
        }
        let mut fact = |label: &str, value: Option<String>| {
            if let Some(value) = value {
                facts.push(Fact {
                    label: tr.t(label),
                    value,
                    href: None,
                });
            }
        };
        fact("fact-region", region_words);
        fact("fact-value", value);
        fact("fact-status", status);
        fact(
            "fact-method",
            match (method, text(tender.get("procurementMethodDetails"))) {
                (Some(method), Some(details)) => Some(format!("{method} ({details})")),
                (method, details) => method.or(details),
            },
        );
        fact("fact-category", category);
        fact("fact-bids", Some(tr.number(bids.len() as f64)));
        fact(
            "fact-deadline",
            text(tender.pointer("/tenderPeriod/endDate")).map(|date| short_date(&date)),
        );
        fact("fact-ocid", Some(ocid.to_string()));

        let mut timeline = Vec::new();
        let mut event = |date: Option<String>, what: String| {
            if let Some(date) = date {
                timeline.push(Event { date, what });
            }
        };
        event(text(tender.get("datePublished")), tr.t("event-published"));
        event(
            text(tender.pointer("/tenderPeriod/endDate")),
            tr.t("event-deadline"),
        );
        for award in list(release.get("awards")) {
            event(text(award.get("date")), tr.t("event-award"));
        }
        for contract in list(release.get("contracts")) {
            event(text(contract.get("dateSigned")), tr.t("event-contract"));
        }
        let complaint_list: Vec<&Value> = list(release.get("complaints"))
            .chain(list(tender.get("complaints")))
            .collect();
        for complaint in &complaint_list {
            event(
                text(complaint.get("dateSubmitted")),
                tr.t("event-complaint"),
            );
        }
        timeline.sort_by(|a, b| {
            let instant = |date: &str| achyk_ocds::release::parse_instant(date);
            instant(&a.date)
                .cmp(&instant(&b.date))
                .then(a.date.cmp(&b.date))
        });
        // Several awards decided at once are one event.
        timeline.dedup_by(|a, b| a.date == b.date && a.what == b.what);
        for entry in &mut timeline {
            entry.date = short_date(&entry.date);
        }

        let lots = list(tender.get("lots"))
            .map(|lot| LotView {
                title: text(lot.get("title")).unwrap_or_default(),
                value: money(&tr, lot.get("value")).unwrap_or_else(|| tr.t("unknown")),
                status: coded(&tr, "status", lot.get("status").and_then(Value::as_str))
                    .unwrap_or_default(),
            })
            .collect();
        let items = list(tender.get("items"))
            .map(|item| ItemView {
                description: text(item.get("description"))
                    .or_else(|| text(item.pointer("/classification/description")))
                    .unwrap_or_default(),
                classification: match (
                    text(item.pointer("/classification/scheme")),
                    text(item.pointer("/classification/id")),
                ) {
                    (Some(scheme), Some(id)) => format!("{scheme} {id}"),
                    (_, id) => id.unwrap_or_default(),
                },
                quantity: match (text(item.get("quantity")), text(item.pointer("/unit/name"))) {
                    (Some(quantity), Some(unit)) => format!("{quantity} {unit}"),
                    (quantity, _) => quantity.unwrap_or_default(),
                },
                lot: lot_title(text(item.get("relatedLot"))),
            })
            .collect();
        let bid_views = bids
            .iter()
            .map(|bid| BidView {
                bidder: list(bid.get("tenderers"))
                    .filter_map(|tenderer| text(tenderer.get("id")))
                    .map(|id| party_name(lang, release, &id))
                    .collect::<Vec<_>>()
                    .join(", "),
                lot: lot_title(first_lot(bid)),
                amount: money(&tr, bid.get("value")).unwrap_or_default(),
                status: coded(&tr, "bid-status", bid.get("status").and_then(Value::as_str))
                    .unwrap_or_default(),
                date: text(bid.get("date"))
                    .map(|date| short_date(&date))
                    .unwrap_or_default(),
            })
            .collect();
        let awards = list(release.get("awards"))
            .map(|award| AwardView {
                // An award not made names no supplier; its bid says whose it was.
                supplier: {
                    let mut ids: Vec<String> = list(award.get("suppliers"))
                        .filter_map(|supplier| text(supplier.get("id")))
                        .collect();
                    if ids.is_empty()
                        && let Some(bid) = text(award.get("relatedBid"))
                    {
                        ids = bids
                            .iter()
                            .filter(|candidate| {
                                text(candidate.get("id")).as_deref() == Some(bid.as_str())
                            })
                            .flat_map(|candidate| list(candidate.get("tenderers")))
                            .filter_map(|tenderer| text(tenderer.get("id")))
                            .collect();
                    }
                    ids.iter()
                        .map(|id| party_name(lang, release, id))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                lot: lot_title(first_lot(award)),
                amount: money(&tr, award.get("value")).unwrap_or_default(),
                status: coded(
                    &tr,
                    "award-status",
                    award.get("status").and_then(Value::as_str),
                )
                .unwrap_or_default(),
                date: text(award.get("date"))
                    .map(|date| short_date(&date))
                    .unwrap_or_default(),
            })
            .collect();
        let contracts = list(release.get("contracts"))
            .map(|contract| ContractView {
                id: text(contract.get("contractNumber"))
                    .or_else(|| text(contract.get("id")))
                    .unwrap_or_default(),
                amount: money(&tr, contract.get("value")).unwrap_or_default(),
                signed: text(contract.get("dateSigned"))
                    .map(|date| short_date(&date))
                    .unwrap_or_default(),
                status: coded(
                    &tr,
                    "contract-status",
                    contract.get("status").and_then(Value::as_str),
                )
                .unwrap_or_default(),
            })
            .collect();
        let enquiries = list(tender.get("enquiries"))
            .map(|enquiry| EnquiryView {
                date: text(enquiry.get("date"))
                    .map(|date| short_date(&date))
                    .unwrap_or_default(),
                question: text(enquiry.get("description"))
                    .or_else(|| text(enquiry.get("title")))
                    .unwrap_or_default(),
                answer: text(enquiry.get("answer")).unwrap_or_else(|| tr.t("enquiry-unanswered")),
            })
            .collect();
        let complaints = complaint_list
            .iter()
            .map(|complaint| ComplaintView {
                date: text(complaint.get("dateSubmitted"))
                    .map(|date| short_date(&date))
                    .unwrap_or_default(),
                author: text(complaint.pointer("/author/id"))
                    .map(|id| party_name(lang, release, &id))
                    .unwrap_or_default(),
                title: text(complaint.get("title"))
                    .or_else(|| text(complaint.get("description")))
                    .unwrap_or_default(),
                status: coded(
                    &tr,
                    "complaint-status",
                    complaint.get("status").and_then(Value::as_str),
                )
                .unwrap_or_default(),
                resolution: text(complaint.get("resolution")).unwrap_or_default(),
            })
            .collect();
        let payments = list(release.get("contracts"))
            .flat_map(|contract| {
                let number = text(contract.get("contractNumber"))
                    .or_else(|| text(contract.get("id")))
                    .unwrap_or_default();
                list(contract.get("paymentsSchedule")).map(move |payment| (number.clone(), payment))
            })
            .map(|(contract, payment)| PaymentView {
                contract,
                what: coded(
                    &tr,
                    "payment-type",
                    payment.get("paymentType").and_then(Value::as_str),
                )
                .unwrap_or_default(),
                due: text(payment.get("paymentDueDate"))
                    .or_else(|| text(payment.get("paymentDate")))
                    .map(|date| short_date(&date))
                    .unwrap_or_default(),
                condition: text(payment.get("paymentCondition")).unwrap_or_default(),
            })
            .collect();
        let documents = list(tender.get("documents"))
            .chain(list(release.get("awards")).flat_map(|award| list(award.get("documents"))))
            .chain(
                list(release.get("contracts")).flat_map(|contract| list(contract.get("documents"))),
            )
            .map(|document| DocumentView {
                title: text(document.get("title"))
                    .or_else(|| text(document.get("id")))
                    .unwrap_or_default(),
                url: text(document.get("url")).filter(|url| url.starts_with("http")),
            })
            .collect();
        TenderView {
            title,
            description: text(tender.get("description")),
            summary,
            facts,
            timeline,
            lots,
            items,
            bids: bid_views,
            awards,
            contracts,
            enquiries,
            complaints,
            payments,
            documents,
        }
    }
}
