//! The fast way in: a compiled release's text read straight into the few parts the indicators
//! use, skipping the rest (titles, documents, planning, names...) without building it.
//!
//! Objects and arrays are typed; every leaf is kept as a small [`Value`], so that a leaf of an
//! unexpected type is ignored exactly as [`Process::from_release`] ignores it. When the shape
//! itself is unexpected (an object where a list belongs...), the caller falls back to reading
//! the whole release as a `Value`: both ways give the same [`Process`] (a test holds them
//! equal on the generator's feed and on Cardinal's fixtures).

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

use crate::process::{
    Award, Bid, Contract, Enquiry, Lot, Process, ids_of, instant_of, lot_ids_of, money_of,
    party_details, text_of,
};

/// The parties of a release, read (`Vec<RawParty>`) or skipped (`IgnoredAny`).
pub(crate) trait Parties: Default {
    fn list(&self) -> &[RawParty];
}

impl Parties for Vec<RawParty> {
    fn list(&self) -> &[RawParty] {
        self
    }
}

impl Parties for IgnoredAny {
    fn list(&self) -> &[RawParty] {
        &[]
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RawRelease<P = Vec<RawParty>> {
    ocid: Option<Value>,
    date: Option<Value>,
    buyer: Option<WithId>,
    tender: Option<RawTender>,
    bids: Option<RawBids>,
    awards: Option<Vec<RawAward>>,
    contracts: Option<Vec<RawContract>>,
    complaints: Option<Vec<IgnoredAny>>,
    parties: Option<P>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct WithId {
    pub(crate) id: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawMoney {
    amount: Option<Value>,
    currency: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawPeriod {
    #[serde(rename = "startDate")]
    start_date: Option<Value>,
    #[serde(rename = "endDate")]
    end_date: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawClassification {
    id: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawItem {
    classification: Option<RawClassification>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawLot {
    id: Option<Value>,
    value: Option<RawMoney>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawEnquiry {
    date: Option<Value>,
    answer: Option<Value>,
    #[serde(rename = "dateAnswered")]
    date_answered: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawTender {
    #[serde(rename = "procuringEntity")]
    procuring_entity: Option<WithId>,
    status: Option<Value>,
    #[serde(rename = "procurementMethod")]
    procurement_method: Option<Value>,
    #[serde(rename = "procurementMethodDetails")]
    procurement_method_details: Option<Value>,
    #[serde(rename = "numberOfTenderers")]
    number_of_tenderers: Option<Value>,
    #[serde(rename = "tenderPeriod")]
    tender_period: Option<RawPeriod>,
    value: Option<RawMoney>,
    lots: Option<Vec<RawLot>>,
    items: Option<Vec<RawItem>>,
    enquiries: Option<Vec<RawEnquiry>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawBids {
    details: Option<Vec<RawBid>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawBid {
    status: Option<Value>,
    date: Option<Value>,
    tenderers: Option<Vec<Value>>,
    value: Option<RawMoney>,
    #[serde(rename = "relatedLots")]
    related_lots: Option<Vec<Value>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAward {
    id: Option<Value>,
    status: Option<Value>,
    date: Option<Value>,
    value: Option<RawMoney>,
    suppliers: Option<Vec<Value>>,
    items: Option<Vec<RawItem>>,
    #[serde(rename = "relatedLots")]
    related_lots: Option<Vec<Value>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawContract {
    id: Option<Value>,
    #[serde(rename = "awardID")]
    award_id: Option<Value>,
    status: Option<Value>,
    #[serde(rename = "dateSigned")]
    date_signed: Option<Value>,
    value: Option<RawMoney>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RawParty {
    pub(crate) id: Option<Value>,
    pub(crate) address: Option<Value>,
    #[serde(rename = "contactPoint")]
    pub(crate) contact_point: Option<Value>,
}

fn money(value: &Option<RawMoney>) -> Option<(f64, String)> {
    let value = value.as_ref()?;
    money_of(value.amount.as_ref(), value.currency.as_ref())
}

fn amount(value: &Option<RawMoney>) -> Option<f64> {
    value.as_ref()?.amount.as_ref()?.as_f64()
}

fn currency(value: &Option<RawMoney>) -> Option<String> {
    text_of(value.as_ref()?.currency.as_ref())
}

fn classifications(items: &Option<Vec<RawItem>>) -> impl Iterator<Item = &str> {
    items
        .iter()
        .flatten()
        .filter_map(|item| item.classification.as_ref()?.id.as_ref()?.as_str())
}

impl<P: Parties> RawRelease<P> {
    /// The process, as [`Process::from_release`] reads it; `None` without an `ocid`.
    pub(crate) fn into_process(self) -> Option<Process> {
        let ocid = self.ocid.as_ref()?.as_str()?.to_owned();
        let tender = self.tender.unwrap_or_default();
        let period = tender.tender_period.unwrap_or_default();
        let bid_details = self.bids.and_then(|bids| bids.details).unwrap_or_default();
        let tenderer_ids: std::collections::BTreeSet<&str> = bid_details
            .iter()
            .flat_map(|bid| bid.tenderers.iter().flatten())
            .filter_map(|tenderer| tenderer.get("id")?.as_str())
            .collect();
        let tenderer_details = party_details(
            &tenderer_ids,
            self.parties
                .iter()
                .flat_map(|parties| parties.list())
                .filter_map(|party| {
                    Some((
                        party.id.as_ref()?.as_str()?,
                        party.address.as_ref(),
                        party.contact_point.as_ref(),
                    ))
                }),
        );
        let bids = bid_details
            .iter()
            .map(|bid| Bid {
                status: text_of(bid.status.as_ref()),
                lots: lot_ids_of(bid.related_lots.as_deref()),
                date: instant_of(bid.date.as_ref()),
                date_text: text_of(bid.date.as_ref()),
                tenderers: ids_of(bid.tenderers.as_deref()),
                amount: amount(&bid.value),
                currency: currency(&bid.value),
            })
            .collect();
        let awards = self
            .awards
            .iter()
            .flatten()
            .map(|award| Award {
                id: text_of(award.id.as_ref()),
                lots: lot_ids_of(award.related_lots.as_deref()),
                date: instant_of(award.date.as_ref()),
                date_text: text_of(award.date.as_ref()),
                amount: amount(&award.value),
                currency: currency(&award.value),
                status: text_of(award.status.as_ref()),
                suppliers: ids_of(award.suppliers.as_deref()),
                classifications: classifications(&award.items).map(str::to_owned).collect(),
            })
            .collect();
        let contracts = self
            .contracts
            .iter()
            .flatten()
            .map(|contract| Contract {
                id: text_of(contract.id.as_ref()),
                award_id: text_of(contract.award_id.as_ref()),
                status: text_of(contract.status.as_ref()),
                date_signed: instant_of(contract.date_signed.as_ref()),
                date_signed_text: text_of(contract.date_signed.as_ref()),
                amount: amount(&contract.value),
                currency: currency(&contract.value),
            })
            .collect();
        let lots = tender
            .lots
            .iter()
            .flatten()
            .filter_map(|lot| {
                Some(Lot {
                    id: lot.id.as_ref()?.as_str()?.to_owned(),
                    value: money(&lot.value),
                })
            })
            .collect();
        let tender_classifications: Vec<String> =
            classifications(&tender.items).map(str::to_owned).collect();
        Some(Process {
            ocid,
            lots,
            classification: tender_classifications.first().cloned(),
            complaints: self.complaints.map_or(0, |complaints| complaints.len()),
            tender_value: money(&tender.value),
            contracts,
            buyer: text_of(self.buyer.as_ref().and_then(|buyer| buyer.id.as_ref())),
            procuring_entity: text_of(
                tender
                    .procuring_entity
                    .as_ref()
                    .and_then(|entity| entity.id.as_ref()),
            ),
            tender_status: text_of(tender.status.as_ref()),
            procurement_method: text_of(tender.procurement_method.as_ref()),
            procurement_method_details: text_of(tender.procurement_method_details.as_ref()),
            number_of_tenderers: tender.number_of_tenderers.as_ref().and_then(Value::as_f64),
            tender_start: instant_of(period.start_date.as_ref()),
            tender_end: instant_of(period.end_date.as_ref()),
            tender_end_text: text_of(period.end_date.as_ref()),
            bids,
            awards,
            release_date: instant_of(self.date.as_ref()),
            enquiries: tender
                .enquiries
                .iter()
                .flatten()
                .map(|enquiry| {
                    Enquiry::from_parts(
                        enquiry.date.as_ref(),
                        enquiry.answer.as_ref(),
                        enquiry.date_answered.as_ref(),
                    )
                })
                .collect(),
            tenderer_details,
            tender_classifications,
        })
    }
}
