//! The facts of one compiled release that the indicators read, extracted once.

use std::collections::BTreeSet;

use serde_json::Value;

/// A bid's value, who submitted it, and the lots it is for.
#[derive(Clone, Debug, PartialEq)]
pub struct Bid {
    pub status: Option<String>,
    /// `relatedLots` (ids, or objects with an `id` as the Kyrgyz feed writes them).
    pub lots: Vec<String>,
    /// Instant in nanoseconds since the epoch, when the date parses.
    pub date: Option<i128>,
    pub date_text: Option<String>,
    pub tenderers: Vec<String>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
}

impl Bid {
    /// Cardinal's "submitted": pending, valid or disqualified.
    pub fn is_submitted(&self) -> bool {
        matches!(
            self.status.as_deref(),
            Some("pending" | "valid" | "disqualified")
        )
    }
    pub fn has_status(&self, status: &str) -> bool {
        self.status.as_deref() == Some(status)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Award {
    pub id: Option<String>,
    /// `relatedLots`.
    pub lots: Vec<String>,
    pub status: Option<String>,
    pub suppliers: Vec<String>,
    pub classifications: Vec<String>,
    pub date: Option<i128>,
    pub date_text: Option<String>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
}

/// What the contract indicators read of a contract.
#[derive(Clone, Debug, PartialEq)]
pub struct Contract {
    pub id: Option<String>,
    pub award_id: Option<String>,
    /// Every award the contract names: `awardID`, then the Kyrgyz feed's `awardIDs` (a
    /// contract that covers several awards lists them there and leaves `awardID` unset).
    pub award_ids: Vec<String>,
    pub status: Option<String>,
    pub date_signed: Option<i128>,
    pub date_signed_text: Option<String>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
}

impl Contract {
    /// Whether the contract names the award (by `awardID` or `awardIDs`).
    pub fn names(&self, award: &Award) -> bool {
        award
            .id
            .as_deref()
            .is_some_and(|id| self.award_ids.iter().any(|named| named == id))
    }
}

impl Award {
    pub fn is_active(&self) -> bool {
        self.status.as_deref() == Some("active")
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Process {
    pub ocid: String,
    pub buyer: Option<String>,
    pub procuring_entity: Option<String>,
    pub tender_status: Option<String>,
    pub procurement_method: Option<String>,
    pub procurement_method_details: Option<String>,
    pub number_of_tenderers: Option<f64>,
    pub tender_start: Option<i128>,
    pub tender_end: Option<i128>,
    pub tender_end_text: Option<String>,
    pub bids: Vec<Bid>,
    pub awards: Vec<Award>,
    /// The estimate: `tender.value` (amount, currency).
    pub tender_value: Option<(f64, String)>,
    /// How many complaints the release lists (`complaints`, the Kyrgyz feed's extension).
    pub complaints: usize,
    pub contracts: Vec<Contract>,
    /// `tender.lots`: each lot's id and its estimate (amount, currency) when it has one.
    pub lots: Vec<Lot>,
    /// The classification id of the tender's first item (an OKGZ code in Kyrgyz data).
    pub classification: Option<String>,
    /// The release's `date` (its latest publication), as an instant.
    pub release_date: Option<i128>,
    /// `tender.enquiries`: bidders' questions and whether they were answered.
    pub enquiries: Vec<Enquiry>,
    /// The `parties` entries of the bids' tenderers, as R044 compares them.
    pub tenderer_details: Vec<PartyDetails>,
    /// The classification ids of `tender.items`.
    pub tender_classifications: Vec<String>,
}

/// The parts of a process a run reads or keeps (see [`Process::strip`]); the tender's facts,
/// the bids' and awards' statuses, parties, amounts and the ids are always kept.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Needs {
    /// The original texts of dates, for the facts of the indicators of one process.
    pub texts: bool,
    /// The tenderers' addresses and contact points (R044).
    pub details: bool,
    pub enquiries: bool,
    pub contracts: bool,
    /// The tender items' classifications.
    pub classifications: bool,
    /// The award items' classifications.
    pub award_items: bool,
    /// The lots, and the lots the bids and awards name.
    pub lots: bool,
    pub bid_dates: bool,
}

/// A lot of the tender.
#[derive(Clone, Debug, PartialEq)]
pub struct Lot {
    pub id: String,
    pub value: Option<(f64, String)>,
}

/// A bidder's question (`tender.enquiries[]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Enquiry {
    /// When it was asked, as an instant.
    pub date: Option<i128>,
    /// When it was answered (`dateAnswered`), as an instant.
    pub date_answered: Option<i128>,
    /// Whether it has an `answer` text or a `dateAnswered`.
    pub answered: bool,
}

/// A tenderer's address and contact point, normalised for comparison: texts trimmed, inner
/// spaces collapsed and case-folded; telephone and fax numbers as their digits only. Empty
/// values are `None`.
#[derive(Clone, Debug, PartialEq)]
pub struct PartyDetails {
    pub id: String,
    /// Every non-empty text field of `address` (`streetAddress`, `locality`, `region`,
    /// `postalCode`, `countryName`, and any other), sorted by name; `None` without a street.
    pub address: Option<String>,
    pub email: Option<String>,
    pub telephone: Option<String>,
    pub fax: Option<String>,
    pub url: Option<String>,
}

/// A contract's award ids: `awardID` first, then those of `awardIDs` not already listed.
pub(crate) fn award_ids<'a>(
    award_id: Option<String>,
    listed: impl Iterator<Item = &'a str>,
) -> Vec<String> {
    let mut ids: Vec<String> = award_id.into_iter().collect();
    for id in listed {
        if !ids.iter().any(|known| known == id) {
            ids.push(id.to_owned());
        }
    }
    ids
}

fn text(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_owned)
}

/// The `id` texts of a list of objects.
fn ids(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.get("id").and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}

/// `relatedLots`: a list of lot ids, or of objects with an `id` (the Kyrgyz feed's bids).
fn lot_ids(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.as_str().or_else(|| entry.get("id")?.as_str()))
        .map(str::to_owned)
        .collect()
}

/// `{amount, currency}` when both are there.
fn money(value: Option<&Value>) -> Option<(f64, String)> {
    let value = value?;
    Some((
        value.get("amount")?.as_f64()?,
        value.get("currency")?.as_str()?.to_owned(),
    ))
}

fn instant(value: Option<&Value>) -> Option<i128> {
    value
        .and_then(Value::as_str)
        .and_then(achyk_ocds::release::parse_instant)
}

impl Process {
    /// Extracts the facts from a release's JSON text, reading only what the indicators use;
    /// `None` when it is not a JSON object with an `ocid`.
    pub fn from_json_bytes(text: &[u8]) -> Option<Self> {
        Self::from_json_bytes_reading(text, true)
    }

    /// As [`Process::from_json_bytes`]; without `details`, the parties are skipped unread and
    /// `tenderer_details` is left empty (only R044 reads it).
    pub(crate) fn from_json_bytes_reading(text: &[u8], details: bool) -> Option<Self> {
        // Only an object is a release (a derived reader would also take an array, by position).
        if text.trim_ascii_start().first() != Some(&b'{') {
            return None;
        }
        let fast = if details {
            serde_json::from_slice::<crate::raw::RawRelease>(text).map(|raw| raw.into_process())
        } else {
            serde_json::from_slice::<crate::raw::RawRelease<serde::de::IgnoredAny>>(text)
                .map(|raw| raw.into_process())
        };
        match fast {
            Ok(process) => process,
            // An unexpected shape somewhere: read it whole, as `from_release` does.
            Err(_) => {
                let mut process = Self::from_release(&serde_json::from_slice::<Value>(text).ok()?)?;
                if !details {
                    process.tenderer_details = Vec::new();
                }
                Some(process)
            }
        }
    }

    /// Extracts the facts; `None` when the release has no `ocid`.
    pub fn from_release(release: &Value) -> Option<Self> {
        let ocid = release.get("ocid")?.as_str()?.to_owned();
        let tender = release.get("tender");
        let field = |name: &str| tender.and_then(|tender| tender.get(name));
        let period = field("tenderPeriod");
        let bids = release
            .pointer("/bids/details")
            .and_then(Value::as_array)
            .map(|details| {
                details
                    .iter()
                    .map(|bid| Bid {
                        status: text(bid.get("status")),
                        lots: lot_ids(bid.get("relatedLots")),
                        date: instant(bid.get("date")),
                        date_text: text(bid.get("date")),
                        tenderers: ids(bid.get("tenderers")),
                        amount: bid.pointer("/value/amount").and_then(Value::as_f64),
                        currency: text(bid.pointer("/value/currency")),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let awards = release
            .get("awards")
            .and_then(Value::as_array)
            .map(|awards| {
                awards
                    .iter()
                    .map(|award| Award {
                        id: text(award.get("id")),
                        lots: lot_ids(award.get("relatedLots")),
                        date: instant(award.get("date")),
                        date_text: text(award.get("date")),
                        amount: award.pointer("/value/amount").and_then(Value::as_f64),
                        currency: text(award.pointer("/value/currency")),
                        status: text(award.get("status")),
                        suppliers: ids(award.get("suppliers")),
                        classifications: award
                            .get("items")
                            .and_then(Value::as_array)
                            .map(|items| {
                                items
                                    .iter()
                                    .filter_map(|item| {
                                        item.pointer("/classification/id")
                                            .and_then(Value::as_str)
                                            .map(str::to_owned)
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let contracts = release
            .get("contracts")
            .and_then(Value::as_array)
            .map(|contracts| {
                contracts
                    .iter()
                    .map(|contract| Contract {
                        id: text(contract.get("id")),
                        award_id: text(contract.get("awardID")),
                        award_ids: award_ids(
                            text(contract.get("awardID")),
                            contract
                                .get("awardIDs")
                                .and_then(Value::as_array)
                                .into_iter()
                                .flatten()
                                .filter_map(Value::as_str),
                        ),
                        status: text(contract.get("status")),
                        date_signed: instant(contract.get("dateSigned")),
                        date_signed_text: text(contract.get("dateSigned")),
                        amount: contract.pointer("/value/amount").and_then(Value::as_f64),
                        currency: text(contract.pointer("/value/currency")),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let tender_value = money(field("value"));
        let lots = field("lots")
            .and_then(Value::as_array)
            .map(|lots| {
                lots.iter()
                    .filter_map(|lot| {
                        Some(Lot {
                            id: lot.get("id")?.as_str()?.to_owned(),
                            value: money(lot.get("value")),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let complaints = release
            .get("complaints")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        let classification = field("items")
            .and_then(Value::as_array)
            .and_then(|items| {
                items
                    .iter()
                    .find_map(|item| item.pointer("/classification/id")?.as_str())
            })
            .map(str::to_owned);
        Some(Self {
            ocid,
            lots,
            classification,
            complaints,
            tender_value,
            contracts,
            buyer: text(release.pointer("/buyer/id")),
            procuring_entity: text(release.pointer("/tender/procuringEntity/id")),
            tender_status: text(field("status")),
            procurement_method: text(field("procurementMethod")),
            procurement_method_details: text(field("procurementMethodDetails")),
            number_of_tenderers: field("numberOfTenderers").and_then(Value::as_f64),
            tender_start: instant(period.and_then(|period| period.get("startDate"))),
            tender_end: instant(period.and_then(|period| period.get("endDate"))),
            tender_end_text: text(period.and_then(|period| period.get("endDate"))),
            bids,
            awards,
            release_date: instant(release.get("date")),
            enquiries: field("enquiries")
                .and_then(Value::as_array)
                .map(|enquiries| enquiries.iter().map(Enquiry::from_json).collect())
                .unwrap_or_default(),
            tenderer_details: tenderer_details(release),
            tender_classifications: field("items")
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|item| item.pointer("/classification/id"))
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    /// Drops what `needs` does not ask for, freeing its memory.
    pub(crate) fn strip(&mut self, needs: &Needs) {
        if !needs.texts {
            self.tender_end_text = None;
        }
        if !needs.details {
            self.tenderer_details = Vec::new();
        }
        if !needs.enquiries {
            self.enquiries = Vec::new();
        }
        if !needs.contracts {
            self.contracts = Vec::new();
        } else if !needs.texts {
            for contract in &mut self.contracts {
                contract.date_signed_text = None;
            }
        }
        if !needs.classifications {
            self.classification = None;
            self.tender_classifications = Vec::new();
        }
        if !needs.lots {
            self.lots = Vec::new();
        }
        for bid in &mut self.bids {
            if !needs.texts {
                bid.date_text = None;
            }
            if !needs.bid_dates {
                bid.date = None;
            }
            if !needs.lots {
                bid.lots = Vec::new();
            }
        }
        for award in &mut self.awards {
            if !needs.texts {
                award.date_text = None;
            }
            if !needs.award_items {
                award.classifications = Vec::new();
            }
            if !needs.lots {
                award.lots = Vec::new();
            }
        }
    }

    /// The process's lots as processes of their own, when it has two lots or more (named by
    /// `tender.lots` or by the bids and awards): each with the bids and awards that name the
    /// lot, the contracts of those awards, the lot's estimate as `tender_value`, and the number
    /// of distinct tenderers of its submitted bids as `number_of_tenderers`. Bids and awards
    /// that name no lot belong to none. Empty for a process of one lot or none. Sorted by lot id.
    pub fn lot_processes(&self) -> Vec<(String, Process)> {
        let mut ids: BTreeSet<&str> = self.lots.iter().map(|lot| lot.id.as_str()).collect();
        ids.extend(
            self.bids
                .iter()
                .flat_map(|bid| bid.lots.iter().map(String::as_str)),
        );
        ids.extend(
            self.awards
                .iter()
                .flat_map(|award| award.lots.iter().map(String::as_str)),
        );
        if ids.len() < 2 {
            return Vec::new();
        }
        ids.into_iter()
            .map(|id| {
                let names = |lots: &[String]| lots.iter().any(|lot| lot == id);
                let bids: Vec<Bid> = self
                    .bids
                    .iter()
                    .filter(|bid| names(&bid.lots))
                    .cloned()
                    .collect();
                let awards: Vec<Award> = self
                    .awards
                    .iter()
                    .filter(|award| names(&award.lots))
                    .cloned()
                    .collect();
                let contracts = self
                    .contracts
                    .iter()
                    .filter(|contract| awards.iter().any(|award| contract.names(award)))
                    .cloned()
                    .collect();
                let tenderers: BTreeSet<&str> = bids
                    .iter()
                    .filter(|bid| bid.is_submitted())
                    .flat_map(|bid| bid.tenderers.iter().map(String::as_str))
                    .collect();
                // Only what the lot-aware indicators read; the rest of the process (its
                // parties' details, questions, items) is not the lot's.
                let lot = Process {
                    ocid: self.ocid.clone(),
                    buyer: self.buyer.clone(),
                    procuring_entity: self.procuring_entity.clone(),
                    tender_status: self.tender_status.clone(),
                    procurement_method: self.procurement_method.clone(),
                    procurement_method_details: self.procurement_method_details.clone(),
                    number_of_tenderers: Some(tenderers.len() as f64),
                    tender_start: self.tender_start,
                    tender_end: self.tender_end,
                    tender_end_text: self.tender_end_text.clone(),
                    tender_value: self
                        .lots
                        .iter()
                        .find(|lot| lot.id == id)
                        .and_then(|lot| lot.value.clone()),
                    complaints: 0,
                    lots: Vec::new(),
                    classification: None,
                    release_date: self.release_date,
                    enquiries: Vec::new(),
                    tenderer_details: Vec::new(),
                    tender_classifications: Vec::new(),
                    bids,
                    awards,
                    contracts,
                };
                (id.to_owned(), lot)
            })
            .collect()
    }

    /// When the purchase was made, for the law in force: the tender's start, else the first
    /// award's date, else the first contract's signature.
    pub fn decided(&self) -> Option<i128> {
        self.tender_start
            .or_else(|| self.awards.iter().filter_map(|award| award.date).min())
            .or_else(|| {
                self.contracts
                    .iter()
                    .filter_map(|contract| contract.date_signed)
                    .min()
            })
    }

    /// What the purchase is worth: `tender.value`, else the active awards' total when they are
    /// all in one currency.
    pub fn value(&self) -> Option<(f64, &str)> {
        if let Some((amount, currency)) = &self.tender_value {
            return Some((*amount, currency));
        }
        let mut total: Option<(f64, &str)> = None;
        for award in self.active_awards() {
            let (Some(amount), Some(currency)) = (award.amount, award.currency.as_deref()) else {
                return None;
            };
            total = match total {
                None => Some((amount, currency)),
                Some((sum, seen)) if seen == currency => Some((sum + amount, seen)),
                Some(_) => return None,
            };
        }
        total
    }

    pub fn submitted_bids(&self) -> impl Iterator<Item = &Bid> {
        self.bids.iter().filter(|bid| bid.is_submitted())
    }

    pub fn active_awards(&self) -> impl Iterator<Item = &Award> {
        self.awards.iter().filter(|award| award.is_active())
    }

    /// The active awards, when every award is final (active, cancelled or unsuccessful): a
    /// pending or invalid award means the outcome is not known yet.
    pub fn active_awards_if_final(&self) -> Option<Vec<&Award>> {
        self.awards
            .iter()
            .all(|award| {
                matches!(
                    award.status.as_deref(),
                    Some("active" | "cancelled" | "unsuccessful")
                )
            })
            .then(|| self.active_awards().collect())
    }

    /// The single supplier of the single active award, when the outcome is final.
    pub fn single_winner(&self) -> Option<&str> {
        let active = self.active_awards_if_final()?;
        match active.as_slice() {
            [award] if award.suppliers.len() == 1 => Some(&award.suppliers[0]),
            _ => None,
        }
    }
}

impl Enquiry {
    fn from_json(enquiry: &Value) -> Self {
        let (date, answer, date_answered) = (
            enquiry.get("date"),
            enquiry.get("answer"),
            enquiry.get("dateAnswered"),
        );
        let answer = answer
            .and_then(Value::as_str)
            .is_some_and(|answer| !answer.trim().is_empty());
        let date_answered = date_answered.and_then(Value::as_str);
        Self {
            date: instant(date),
            date_answered: date_answered.and_then(achyk_ocds::release::parse_instant),
            answered: answer || date_answered.is_some_and(|date| !date.trim().is_empty()),
        }
    }
}

/// Trimmed, inner spaces collapsed, case-folded; `None` when empty.
fn folded(value: Option<&Value>) -> Option<String> {
    let text = value?.as_str()?;
    let folded = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    (!folded.is_empty()).then_some(folded)
}

/// The digits of a telephone or fax number; `None` when it has none.
fn digits(value: Option<&Value>) -> Option<String> {
    let digits: String = value?
        .as_str()?
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then_some(digits)
}

/// The `parties` entries of the tenderers the bids name, normalised (see [`PartyDetails`]).
fn tenderer_details(release: &Value) -> Vec<PartyDetails> {
    let tenderers: std::collections::BTreeSet<&str> = release
        .pointer("/bids/details")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|bid| bid.get("tenderers").and_then(Value::as_array))
        .flatten()
        .filter_map(|tenderer| tenderer.get("id").and_then(Value::as_str))
        .collect();
    party_details(
        &tenderers,
        release
            .get("parties")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|party| {
                Some((
                    party.get("id").and_then(Value::as_str)?,
                    party.get("address"),
                    party.get("contactPoint"),
                ))
            }),
    )
}

/// The details of the parties (id, address, contact point) that are among `tenderers`.
pub(crate) fn party_details<'a>(
    tenderers: &std::collections::BTreeSet<&str>,
    parties: impl Iterator<Item = (&'a str, Option<&'a Value>, Option<&'a Value>)>,
) -> Vec<PartyDetails> {
    if tenderers.is_empty() {
        return Vec::new();
    }
    let mut details: Vec<PartyDetails> = parties
        .filter_map(|(id, address, contact)| {
            if !tenderers.contains(id) {
                return None;
            }
            let contact_field = |name: &str| contact.and_then(|contact| contact.get(name));
            Some(PartyDetails {
                id: id.to_owned(),
                address: address.and_then(full_address),
                email: folded(contact_field("email")),
                telephone: digits(contact_field("telephone")),
                fax: digits(contact_field("faxNumber")),
                url: folded(contact_field("url"))
                    .map(|url| url.trim_end_matches('/').to_owned())
                    .filter(|url| !url.is_empty()),
            })
        })
        .collect();
    details.sort_by(|a, b| a.id.cmp(&b.id));
    details.dedup_by(|a, b| a.id == b.id);
    details
}

/// Every non-empty text field of an address, folded and sorted by name, as one key; `None`
/// without a street address (a locality alone is not a shared address).
fn full_address(address: &Value) -> Option<String> {
    let mut fields: Vec<(&str, String)> = address
        .as_object()?
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), folded(Some(value))?)))
        .collect();
    if !fields.iter().any(|(name, _)| *name == "streetAddress") {
        return None;
    }
    fields.sort();
    Some(
        fields
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("\u{1f}"),
    )
}
