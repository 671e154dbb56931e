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

use std::borrow::Cow;

use crate::process::{Award, Bid, Contract, Enquiry, Lot, Process, party_details};

/// A leaf of the release: a text (borrowed from the line when it has no escapes), a number, or
/// anything else (ignored, as `Value::as_str` or `as_f64` would ignore it).
pub(crate) enum Leaf<'a> {
    Text(Cow<'a, str>),
    Number(f64),
    Other,
}

impl Leaf<'_> {
    fn as_str(&self) -> Option<&str> {
        match self {
            Leaf::Text(text) => Some(text),
            _ => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Leaf::Number(number) => Some(*number),
            _ => None,
        }
    }
}

struct LeafVisitor;

impl<'de> serde::de::Visitor<'de> for LeafVisitor {
    type Value = Leaf<'de>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Text(Cow::Borrowed(text)))
    }
    fn visit_str<E>(self, text: &str) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Text(Cow::Owned(text.to_owned())))
    }
    fn visit_string<E>(self, text: String) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Text(Cow::Owned(text)))
    }
    fn visit_f64<E>(self, number: f64) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Number(number))
    }
    fn visit_i64<E>(self, number: i64) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Number(number as f64))
    }
    fn visit_u64<E>(self, number: u64) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Number(number as f64))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Other)
    }
    fn visit_unit<E>(self) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Other)
    }
    fn visit_none<E>(self) -> Result<Leaf<'de>, E> {
        Ok(Leaf::Other)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, inner: D) -> Result<Leaf<'de>, D::Error> {
        inner.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Leaf<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Leaf::Other)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Leaf<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Leaf::Other)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Leaf<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LeafVisitor)
    }
}

/// A `relatedLots` entry: a lot id, or an object with an `id` (the Kyrgyz feed's bids);
/// anything else names no lot.
pub(crate) struct LotRef<'a>(Option<Cow<'a, str>>);

struct LotRefVisitor;

impl<'de> serde::de::Visitor<'de> for LotRefVisitor {
    type Value = LotRef<'de>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a lot id or an object with an id")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<LotRef<'de>, A::Error> {
        let mut id = None;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "id" {
                // A repeated key keeps the last, as a `Value` would.
                id = match map.next_value::<Leaf<'de>>()? {
                    Leaf::Text(text) => Some(text),
                    _ => None,
                };
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(LotRef(id))
    }
    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<LotRef<'de>, E> {
        Ok(LotRef(Some(Cow::Borrowed(text))))
    }
    fn visit_str<E>(self, text: &str) -> Result<LotRef<'de>, E> {
        Ok(LotRef(Some(Cow::Owned(text.to_owned()))))
    }
    fn visit_string<E>(self, text: String) -> Result<LotRef<'de>, E> {
        Ok(LotRef(Some(Cow::Owned(text))))
    }
    fn visit_f64<E>(self, _: f64) -> Result<LotRef<'de>, E> {
        Ok(LotRef(None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<LotRef<'de>, E> {
        Ok(LotRef(None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<LotRef<'de>, E> {
        Ok(LotRef(None))
    }
    fn visit_bool<E>(self, _: bool) -> Result<LotRef<'de>, E> {
        Ok(LotRef(None))
    }
    fn visit_unit<E>(self) -> Result<LotRef<'de>, E> {
        Ok(LotRef(None))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<LotRef<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(LotRef(None))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for LotRef<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LotRefVisitor)
    }
}

fn text_of(leaf: Option<&Leaf>) -> Option<String> {
    leaf?.as_str().map(str::to_owned)
}

fn instant_of(leaf: Option<&Leaf>) -> Option<i128> {
    achyk_ocds::release::parse_instant(leaf?.as_str()?)
}

fn ids_of(list: &Option<Vec<WithId>>) -> Vec<String> {
    list.iter()
        .flatten()
        .filter_map(|entry| entry.id.as_ref()?.as_str())
        .map(str::to_owned)
        .collect()
}

fn lot_ids_of(list: &Option<Vec<LotRef>>) -> Vec<String> {
    list.iter()
        .flatten()
        .filter_map(|entry| entry.0.as_deref())
        .map(str::to_owned)
        .collect()
}

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
pub(crate) struct RawRelease<'a, P = Vec<RawParty>> {
    #[serde(borrow)]
    ocid: Option<Leaf<'a>>,
    #[serde(borrow)]
    date: Option<Leaf<'a>>,
    #[serde(borrow)]
    buyer: Option<WithId<'a>>,
    #[serde(borrow)]
    tender: Option<RawTender<'a>>,
    #[serde(borrow)]
    bids: Option<RawBids<'a>>,
    #[serde(borrow)]
    awards: Option<Vec<RawAward<'a>>>,
    #[serde(borrow)]
    contracts: Option<Vec<RawContract<'a>>>,
    complaints: Option<Vec<IgnoredAny>>,
    parties: Option<P>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct WithId<'a> {
    #[serde(borrow)]
    pub(crate) id: Option<Leaf<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawMoney<'a> {
    #[serde(borrow)]
    amount: Option<Leaf<'a>>,
    #[serde(borrow)]
    currency: Option<Leaf<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawPeriod<'a> {
    #[serde(rename = "startDate")]
    #[serde(borrow)]
    start_date: Option<Leaf<'a>>,
    #[serde(rename = "endDate")]
    #[serde(borrow)]
    end_date: Option<Leaf<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawClassification<'a> {
    #[serde(borrow)]
    id: Option<Leaf<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawItem<'a> {
    #[serde(borrow)]
    classification: Option<RawClassification<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawLot<'a> {
    #[serde(borrow)]
    id: Option<Leaf<'a>>,
    #[serde(borrow)]
    value: Option<RawMoney<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawEnquiry<'a> {
    #[serde(borrow)]
    date: Option<Leaf<'a>>,
    #[serde(borrow)]
    answer: Option<Leaf<'a>>,
    #[serde(rename = "dateAnswered")]
    #[serde(borrow)]
    date_answered: Option<Leaf<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawTender<'a> {
    #[serde(rename = "procuringEntity")]
    #[serde(borrow)]
    procuring_entity: Option<WithId<'a>>,
    #[serde(borrow)]
    status: Option<Leaf<'a>>,
    #[serde(rename = "procurementMethod")]
    #[serde(borrow)]
    procurement_method: Option<Leaf<'a>>,
    #[serde(rename = "procurementMethodDetails")]
    #[serde(borrow)]
    procurement_method_details: Option<Leaf<'a>>,
    #[serde(rename = "numberOfTenderers")]
    #[serde(borrow)]
    number_of_tenderers: Option<Leaf<'a>>,
    #[serde(rename = "tenderPeriod")]
    #[serde(borrow)]
    tender_period: Option<RawPeriod<'a>>,
    #[serde(borrow)]
    value: Option<RawMoney<'a>>,
    #[serde(borrow)]
    lots: Option<Vec<RawLot<'a>>>,
    #[serde(borrow)]
    items: Option<Vec<RawItem<'a>>>,
    #[serde(borrow)]
    enquiries: Option<Vec<RawEnquiry<'a>>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawBids<'a> {
    #[serde(borrow)]
    details: Option<Vec<RawBid<'a>>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawBid<'a> {
    #[serde(borrow)]
    status: Option<Leaf<'a>>,
    #[serde(borrow)]
    date: Option<Leaf<'a>>,
    #[serde(borrow)]
    tenderers: Option<Vec<WithId<'a>>>,
    #[serde(borrow)]
    value: Option<RawMoney<'a>>,
    #[serde(rename = "relatedLots")]
    #[serde(borrow)]
    related_lots: Option<Vec<LotRef<'a>>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAward<'a> {
    #[serde(borrow)]
    id: Option<Leaf<'a>>,
    #[serde(borrow)]
    status: Option<Leaf<'a>>,
    #[serde(borrow)]
    date: Option<Leaf<'a>>,
    #[serde(borrow)]
    value: Option<RawMoney<'a>>,
    #[serde(borrow)]
    suppliers: Option<Vec<WithId<'a>>>,
    #[serde(borrow)]
    items: Option<Vec<RawItem<'a>>>,
    #[serde(rename = "relatedLots")]
    #[serde(borrow)]
    related_lots: Option<Vec<LotRef<'a>>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawContract<'a> {
    #[serde(borrow)]
    id: Option<Leaf<'a>>,
    #[serde(rename = "awardID")]
    #[serde(borrow)]
    award_id: Option<Leaf<'a>>,
    #[serde(rename = "awardIDs")]
    #[serde(borrow)]
    award_ids: Option<Vec<Leaf<'a>>>,
    #[serde(borrow)]
    status: Option<Leaf<'a>>,
    #[serde(rename = "dateSigned")]
    #[serde(borrow)]
    date_signed: Option<Leaf<'a>>,
    #[serde(borrow)]
    value: Option<RawMoney<'a>>,
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
    Some((
        value.amount.as_ref()?.as_f64()?,
        value.currency.as_ref()?.as_str()?.to_owned(),
    ))
}

fn amount(value: &Option<RawMoney>) -> Option<f64> {
    value.as_ref()?.amount.as_ref()?.as_f64()
}

fn currency(value: &Option<RawMoney>) -> Option<String> {
    text_of(value.as_ref()?.currency.as_ref())
}

fn classifications<'b>(items: &'b Option<Vec<RawItem>>) -> impl Iterator<Item = &'b str> {
    items
        .iter()
        .flatten()
        .filter_map(|item| item.classification.as_ref()?.id.as_ref()?.as_str())
}

impl<P: Parties> RawRelease<'_, P> {
    /// The process, as [`Process::from_release`] reads it; `None` without an `ocid`.
    pub(crate) fn into_process(self) -> Option<Process> {
        let ocid = self.ocid.as_ref()?.as_str()?.to_owned();
        let tender = self.tender.unwrap_or_default();
        let period = tender.tender_period.unwrap_or_default();
        let bid_details = self.bids.and_then(|bids| bids.details).unwrap_or_default();
        let tenderer_ids: std::collections::BTreeSet<&str> = bid_details
            .iter()
            .flat_map(|bid| bid.tenderers.iter().flatten())
            .filter_map(|tenderer| tenderer.id.as_ref()?.as_str())
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
                lots: lot_ids_of(&bid.related_lots),
                date: instant_of(bid.date.as_ref()),
                date_text: text_of(bid.date.as_ref()),
                tenderers: ids_of(&bid.tenderers),
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
                lots: lot_ids_of(&award.related_lots),
                date: instant_of(award.date.as_ref()),
                date_text: text_of(award.date.as_ref()),
                amount: amount(&award.value),
                currency: currency(&award.value),
                status: text_of(award.status.as_ref()),
                suppliers: ids_of(&award.suppliers),
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
                award_ids: crate::process::award_ids(
                    text_of(contract.award_id.as_ref()),
                    contract.award_ids.iter().flatten().filter_map(Leaf::as_str),
                ),
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
            number_of_tenderers: tender.number_of_tenderers.as_ref().and_then(Leaf::as_f64),
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
                    let filled = |leaf: &Option<Leaf>| {
                        leaf.as_ref()
                            .and_then(Leaf::as_str)
                            .is_some_and(|text| !text.trim().is_empty())
                    };
                    Enquiry {
                        date: instant_of(enquiry.date.as_ref()),
                        date_answered: instant_of(enquiry.date_answered.as_ref()),
                        answered: filled(&enquiry.answer) || filled(&enquiry.date_answered),
                    }
                })
                .collect(),
            tenderer_details,
            tender_classifications,
        })
    }
}
