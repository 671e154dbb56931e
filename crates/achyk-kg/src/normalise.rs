//! The normaliser: turns a compiled release of the Kyrgyz feed into standard OCDS, and says
//! what it changed.
//!
//! The feed's known defects (DESIGN.md §2.2) are repaired here, each by one [`Rule`], and
//! every repair is recorded as a [`Change`] with its JSON path and the values before and
//! after, so the data-quality report can show exactly what Achyk did to the publisher's data.
//! Nothing is changed silently, and a defect that cannot be repaired is recorded too.
//!
//! The normaliser is pure and idempotent: normalising a normalised release changes nothing.
//! Dates are never touched, so they keep the offset they were published with.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::regions::Region;

/// What marks a single-source process in the ocid.
pub const SINGLE_SOURCE_OCID_MARK: &str = "-contract-based-";

/// One kind of repair (or of defect found and left). The code is stable: the store keeps it
/// and the site's translations are keyed by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// A party without `name` gets its `identifier.legalName`.
    PartyNameFromLegalName,
    /// `identifier.legalName_kg` (a language tag that is Kongo's) becomes
    /// `identifier.legalName_ky`, and the party gets `name_ky` (OCDS names a field's
    /// translation by suffixing the ISO 639-1 code, `ky` for Kyrgyz). One note per party, at
    /// the field that moved.
    KyrgyzNameTagged,
    /// `tender.procuringEntity.id` held a name, resolved to the party of that name.
    ProcuringEntityIdResolved,
    /// `tender.procuringEntity.id` names no party and could not be resolved.
    ProcuringEntityIdUnresolved,
    /// No `buyer`: the procuring entity is the buyer.
    BuyerFromProcuringEntity,
    /// An award without `suppliers` gets the tenderers of its `relatedBid` (unless the award
    /// was not made: unsuccessful or cancelled).
    AwardSuppliersFromBid,
    /// An award's `relatedBid` names no bid.
    AwardBidNotFound,
    /// A bid's value, published per lot under `relatedLots`, lifted to `value`.
    BidValueFromLots,
    /// A bid on several lots, split into one bid per lot, each with its own value.
    BidSplitPerLot,
    /// `contracts[].awardIDs` with one award linked as the standard's `awardID`.
    ContractAwardLinked,
    /// `contracts[].awardIDs` names several awards: `awardID` is left unset.
    ContractAwardsAmbiguous,
    /// `mainProcurementCategory` `product`/`work`/`service` mapped to the codelist.
    CategoryMapped,
    /// A single-source process (by its ocid or its method details) published with another
    /// `procurementMethod`, set to `direct`.
    SingleSourceMethod,
    /// A value of 0 (the feed's way to say "unknown") removed.
    ZeroValueRemoved,
    /// A status outside its codelist mapped by the status table.
    StatusMapped,
    /// A status outside its codelist that the status table does not map: kept.
    StatusOutsideCodelist,
    /// A document without `url`: kept, reported.
    DocumentWithoutUrl,
    /// The buyer's region could not be found from its address.
    RegionUnresolved,
    /// No `tender.numberOfTenderers`: set to the number of distinct tenderers of the bids.
    TenderersCounted,
}

impl Rule {
    pub const ALL: [Rule; 19] = [
        Rule::PartyNameFromLegalName,
        Rule::KyrgyzNameTagged,
        Rule::ProcuringEntityIdResolved,
        Rule::ProcuringEntityIdUnresolved,
        Rule::BuyerFromProcuringEntity,
        Rule::AwardSuppliersFromBid,
        Rule::AwardBidNotFound,
        Rule::BidValueFromLots,
        Rule::BidSplitPerLot,
        Rule::ContractAwardLinked,
        Rule::ContractAwardsAmbiguous,
        Rule::CategoryMapped,
        Rule::SingleSourceMethod,
        Rule::ZeroValueRemoved,
        Rule::StatusMapped,
        Rule::StatusOutsideCodelist,
        Rule::DocumentWithoutUrl,
        Rule::RegionUnresolved,
        Rule::TenderersCounted,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Rule::PartyNameFromLegalName => "party_name_from_legal_name",
            Rule::KyrgyzNameTagged => "kyrgyz_name_tagged",
            Rule::ProcuringEntityIdResolved => "procuring_entity_id_resolved",
            Rule::ProcuringEntityIdUnresolved => "procuring_entity_id_unresolved",
            Rule::BuyerFromProcuringEntity => "buyer_from_procuring_entity",
            Rule::AwardSuppliersFromBid => "award_suppliers_from_bid",
            Rule::AwardBidNotFound => "award_bid_not_found",
            Rule::BidValueFromLots => "bid_value_from_lots",
            Rule::BidSplitPerLot => "bid_split_per_lot",
            Rule::ContractAwardLinked => "contract_award_linked",
            Rule::ContractAwardsAmbiguous => "contract_awards_ambiguous",
            Rule::CategoryMapped => "category_mapped",
            Rule::SingleSourceMethod => "single_source_method",
            Rule::ZeroValueRemoved => "zero_value_removed",
            Rule::StatusMapped => "status_mapped",
            Rule::StatusOutsideCodelist => "status_outside_codelist",
            Rule::DocumentWithoutUrl => "document_without_url",
            Rule::RegionUnresolved => "region_unresolved",
            Rule::TenderersCounted => "tenderers_counted",
        }
    }

    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|rule| rule.code() == code)
    }

    /// Whether the rule changed the data (rather than only reporting a defect).
    pub fn changes_data(self) -> bool {
        !matches!(
            self,
            Rule::ProcuringEntityIdUnresolved
                | Rule::AwardBidNotFound
                | Rule::ContractAwardsAmbiguous
                | Rule::StatusOutsideCodelist
                | Rule::DocumentWithoutUrl
                | Rule::RegionUnresolved
        )
    }

    /// One sentence in English for logs and the command line (the site translates the code).
    pub fn describe(self) -> &'static str {
        match self {
            Rule::PartyNameFromLegalName => "party without a name: named by its legal name",
            Rule::KyrgyzNameTagged => {
                "Kyrgyz name tagged _kg (Kongo): retagged _ky, also as the party's name_ky"
            }
            Rule::ProcuringEntityIdResolved => {
                "procuring entity id held a name: resolved to the party's identifier"
            }
            Rule::ProcuringEntityIdUnresolved => {
                "procuring entity id names no party and could not be resolved"
            }
            Rule::BuyerFromProcuringEntity => "no buyer: the procuring entity is the buyer",
            Rule::AwardSuppliersFromBid => "award without suppliers: the tenderers of its bid",
            Rule::AwardBidNotFound => "award's related bid is not among the bids",
            Rule::BidValueFromLots => "bid value published per lot: lifted to the bid",
            Rule::BidSplitPerLot => "bid on several lots: split into one bid per lot",
            Rule::ContractAwardLinked => "contract's awardIDs linked as awardID",
            Rule::ContractAwardsAmbiguous => "contract names several awards: awardID left unset",
            Rule::CategoryMapped => "procurement category outside the codelist: mapped",
            Rule::SingleSourceMethod => "single-source process published as another method",
            Rule::ZeroValueRemoved => "value of 0 means unknown: removed",
            Rule::StatusMapped => "status outside the codelist: mapped",
            Rule::StatusOutsideCodelist => "status outside the codelist: kept, no mapping",
            Rule::DocumentWithoutUrl => "document without a URL",
            Rule::RegionUnresolved => "buyer's region not found from its address",
            Rule::TenderersCounted => "no number of tenderers: counted from the bids' tenderers",
        }
    }
}

/// One change (or one defect found), with where and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub rule: Rule,
    /// JSON Pointer into the release: `/awards/0/suppliers`.
    pub path: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// A normalised release and what normalising it did.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalised {
    pub release: Value,
    pub changes: Vec<Change>,
    /// The buyer's region, where the process's money is spent.
    pub region: Option<Region>,
    /// The region of every party whose address names one, by party `id`.
    pub party_regions: BTreeMap<String, Region>,
}

/// Where statuses live, for the status table.
const STATUS_LISTS: [&str; 5] = ["tender", "lots", "bids", "awards", "contracts"];

/// The codes of each status's closed codelist (OCDS 1.1.5; bids from the bid extension; lots
/// use the tender status codelist).
fn codelist(list: &str) -> &'static [&'static str] {
    const TENDER: &[&str] = &[
        "planning",
        "planned",
        "active",
        "cancelled",
        "unsuccessful",
        "complete",
        "withdrawn",
    ];
    match list {
        "tender" | "lots" => TENDER,
        "bids" => &["invited", "pending", "valid", "disqualified", "withdrawn"],
        "awards" => &["pending", "active", "cancelled", "unsuccessful"],
        "contracts" => &["pending", "active", "cancelled", "terminated"],
        _ => &[],
    }
}

/// How out-of-codelist statuses map into the codelist, per list. Configurable: operators can
/// load their own from JSON (`{"awards": {"disqualified": "unsuccessful"}}`).
#[derive(Debug, Clone, PartialEq)]
pub struct StatusTable {
    mappings: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum StatusTableError {
    #[error("the status table is not JSON of the form {{\"awards\": {{\"from\": \"to\"}}}}: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the status table names {0:?}, which has no status; known: {known}", known = STATUS_LISTS.join(", "))]
    UnknownList(String),
    #[error("the status table maps {list} {from:?} to {to:?}, which is not in the {list} codelist ({codes})", codes = codelist(list).join(", "))]
    NotInCodelist {
        list: String,
        from: String,
        to: String,
    },
}

impl Default for StatusTable {
    /// The feed's award statuses `disqualified` and `rejected` both mean the award was not
    /// made (the codelist's `unsuccessful`); a bid `rejected` is the codelist's `disqualified`.
    fn default() -> StatusTable {
        let mut mappings: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (list, from, to) in [
            ("awards", "disqualified", "unsuccessful"),
            ("awards", "rejected", "unsuccessful"),
            ("bids", "rejected", "disqualified"),
        ] {
            mappings
                .entry(list.to_string())
                .or_default()
                .insert(from.to_string(), to.to_string());
        }
        StatusTable { mappings }
    }
}

impl StatusTable {
    /// A table from JSON, checked: every list must have statuses, and every target must be in
    /// its codelist.
    pub fn from_json(text: &str) -> Result<StatusTable, StatusTableError> {
        let mappings: BTreeMap<String, BTreeMap<String, String>> = serde_json::from_str(text)?;
        for (list, pairs) in &mappings {
            if !STATUS_LISTS.contains(&list.as_str()) {
                return Err(StatusTableError::UnknownList(list.clone()));
            }
            for (from, to) in pairs {
                if !codelist(list).contains(&to.as_str()) {
                    return Err(StatusTableError::NotInCodelist {
                        list: list.clone(),
                        from: from.clone(),
                        to: to.clone(),
                    });
                }
            }
        }
        Ok(StatusTable { mappings })
    }

    fn map(&self, list: &str, status: &str) -> Option<&str> {
        self.mappings.get(list)?.get(status).map(String::as_str)
    }
}

/// The normaliser's settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NormaliseSettings {
    pub statuses: StatusTable,
}

/// Normalises one compiled release. A release that is not an object is returned unchanged.
pub fn normalise(compiled: &Value, settings: &NormaliseSettings) -> Normalised {
    normalise_owned(compiled.clone(), settings)
}

/// [`normalise`], taking the release rather than copying it.
pub fn normalise_owned(mut release: Value, settings: &NormaliseSettings) -> Normalised {
    let mut changes = Vec::new();
    let mut region = None;
    let mut party_regions = BTreeMap::new();
    if release.is_object() {
        let mut work = Work {
            release: &mut release,
            changes: &mut changes,
            settings,
        };
        work.parties();
        work.procuring_entity();
        work.buyer();
        work.category();
        work.single_source();
        work.zero_values();
        work.statuses();
        work.bids();
        work.tenderers_counted();
        work.award_suppliers();
        work.contract_awards();
        work.documents();
        party_regions = work.party_regions();
        region = work.buyer_region(&party_regions);
    }
    Normalised {
        release,
        changes,
        region,
        party_regions,
    }
}

struct Work<'a> {
    /// Always an object.
    release: &'a mut Value,
    changes: &'a mut Vec<Change>,
    settings: &'a NormaliseSettings,
}

fn text(value: Option<&Value>) -> Option<&str> {
    value
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
}

fn is_zero_amount(value: Option<&Value>) -> bool {
    value
        .and_then(|value| value.get("amount"))
        .and_then(Value::as_f64)
        .is_some_and(|amount| amount == 0.0)
}

impl Work<'_> {
    fn note(&mut self, rule: Rule, path: String, before: Option<Value>, after: Option<Value>) {
        self.changes.push(Change {
            rule,
            path,
            before,
            after,
        });
    }

    fn object(&mut self) -> &mut Map<String, Value> {
        self.release
            .as_object_mut()
            .expect("the release is an object")
    }

    fn parties_mut(&mut self) -> Option<&mut Vec<Value>> {
        self.release
            .get_mut("parties")
            .and_then(Value::as_array_mut)
    }

    fn parties(&mut self) {
        let mut notes = Vec::new();
        for (index, party) in self.parties_mut().into_iter().flatten().enumerate() {
            let Some(party) = party.as_object_mut() else {
                continue;
            };
            let identifier = party.get_mut("identifier").and_then(Value::as_object_mut);
            let mut legal_name = None;
            let mut kyrgyz = None;
            let mut retagged = false;
            if let Some(identifier) = identifier {
                legal_name = text(identifier.get("legalName")).map(str::to_string);
                if let Some(name) = identifier.remove("legalName_kg") {
                    // One note for the move: the value stays, its tag changes.
                    notes.push((
                        Rule::KyrgyzNameTagged,
                        format!("/parties/{index}/identifier/legalName_kg"),
                        Some(name.clone()),
                        Some(name.clone()),
                    ));
                    retagged = true;
                    if !identifier.contains_key("legalName_ky") {
                        identifier.insert("legalName_ky".into(), name);
                    }
                }
                kyrgyz = text(identifier.get("legalName_ky")).map(str::to_string);
            }
            if text(party.get("name")).is_none()
                && let Some(legal_name) = legal_name
            {
                let before = party.insert("name".into(), Value::String(legal_name.clone()));
                notes.push((
                    Rule::PartyNameFromLegalName,
                    format!("/parties/{index}/name"),
                    before,
                    Some(Value::String(legal_name)),
                ));
            }
            if text(party.get("name_ky")).is_none()
                && let Some(kyrgyz) = kyrgyz
            {
                let before = party.insert("name_ky".into(), Value::String(kyrgyz.clone()));
                // A retagged name was noted above; the party's `name_ky` is part of that move.
                if !retagged {
                    notes.push((
                        Rule::KyrgyzNameTagged,
                        format!("/parties/{index}/name_ky"),
                        before,
                        Some(Value::String(kyrgyz)),
                    ));
                }
            }
        }
        for (rule, path, before, after) in notes {
            self.note(rule, path, before, after);
        }
    }

    /// Index of the party with this `id`.
    fn party_index(&self, id: &str) -> Option<usize> {
        self.release
            .get("parties")?
            .as_array()?
            .iter()
            .position(|party| text(party.get("id")) == Some(id))
    }

    fn party_name(&self, id: &str) -> Option<String> {
        let index = self.party_index(id)?;
        let party = &self.release["parties"][index];
        text(party.get("name"))
            .or_else(|| text(party.pointer("/identifier/legalName")))
            .map(str::to_string)
    }

    /// Adds `role` to the roles of the party with `id`; the change goes under `rule`.
    fn add_role(&mut self, id: &str, role: &str, rule: Rule) {
        let Some(index) = self.party_index(id) else {
            return;
        };
        let party = &mut self.release["parties"][index];
        let roles = party
            .as_object_mut()
            .expect("a party found by id is an object")
            .entry("roles")
            .or_insert_with(|| Value::Array(Vec::new()));
        let Some(list) = roles.as_array_mut() else {
            return;
        };
        if list.iter().any(|existing| existing.as_str() == Some(role)) {
            return;
        }
        let before = list.clone();
        list.push(Value::String(role.into()));
        let after = list.clone();
        self.note(
            rule,
            format!("/parties/{index}/roles"),
            Some(Value::Array(before)),
            Some(Value::Array(after)),
        );
    }

    fn procuring_entity(&mut self) {
        let Some(entity) = self.release.pointer("/tender/procuringEntity") else {
            return;
        };
        let Some(id) = text(entity.get("id")).map(str::to_string) else {
            return;
        };
        if self.party_index(&id).is_some() {
            return;
        }
        let name = text(entity.get("name")).map(str::to_string);
        // The id (or the reference's name) is a party's name or legal name. Prefer a party
        // that plays the procuring entity; otherwise any party of that name, if only one.
        let parties = self
            .release
            .get("parties")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let named = |party: &&Value| {
            [
                text(party.get("name")),
                text(party.pointer("/identifier/legalName")),
            ]
            .into_iter()
            .flatten()
            .any(|party_name| party_name == id || Some(party_name) == name.as_deref())
        };
        let procures = |party: &&&Value| {
            party
                .get("roles")
                .and_then(Value::as_array)
                .is_some_and(|roles| roles.iter().any(|role| role == "procuringEntity"))
        };
        let candidates: Vec<&Value> = parties.iter().filter(named).collect();
        let chosen = match candidates
            .iter()
            .filter(procures)
            .collect::<Vec<_>>()
            .as_slice()
        {
            [one] => Some(**one),
            [] if candidates.len() == 1 => Some(candidates[0]),
            _ => None,
        };
        match chosen.and_then(|party| text(party.get("id")).map(str::to_string)) {
            Some(resolved) => {
                self.release["tender"]["procuringEntity"]["id"] = Value::String(resolved.clone());
                self.note(
                    Rule::ProcuringEntityIdResolved,
                    "/tender/procuringEntity/id".into(),
                    Some(Value::String(id)),
                    Some(Value::String(resolved)),
                );
            }
            None => self.note(
                Rule::ProcuringEntityIdUnresolved,
                "/tender/procuringEntity/id".into(),
                Some(Value::String(id)),
                None,
            ),
        }
    }

    fn buyer(&mut self) {
        if self
            .release
            .get("buyer")
            .is_some_and(|buyer| !buyer.is_null())
        {
            return;
        }
        // The procuring entity's reference, or else the one party that plays it.
        let reference = match self.release.pointer("/tender/procuringEntity/id") {
            Some(Value::String(id)) if !id.is_empty() => Some(id.clone()),
            _ => {
                let procuring: Vec<&str> = self
                    .release
                    .get("parties")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|party| {
                        party
                            .get("roles")
                            .and_then(Value::as_array)
                            .is_some_and(|roles| roles.iter().any(|r| r == "procuringEntity"))
                    })
                    .filter_map(|party| text(party.get("id")))
                    .collect();
                match procuring.as_slice() {
                    [one] => Some(one.to_string()),
                    _ => None,
                }
            }
        };
        let Some(id) = reference else {
            return;
        };
        let name = self.party_name(&id).or_else(|| {
            text(self.release.pointer("/tender/procuringEntity/name")).map(str::to_string)
        });
        let mut buyer = Map::new();
        buyer.insert("id".into(), Value::String(id.clone()));
        if let Some(name) = name {
            buyer.insert("name".into(), Value::String(name));
        }
        let buyer = Value::Object(buyer);
        self.object().insert("buyer".into(), buyer.clone());
        self.note(
            Rule::BuyerFromProcuringEntity,
            "/buyer".into(),
            None,
            Some(buyer),
        );
        self.add_role(&id, "buyer", Rule::BuyerFromProcuringEntity);
    }

    fn category(&mut self) {
        let Some(tender) = self
            .release
            .get_mut("tender")
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        let mapped = match text(tender.get("mainProcurementCategory")) {
            Some("product" | "products") => "goods",
            Some("work") => "works",
            Some("service") => "services",
            _ => return,
        };
        let before = tender.insert(
            "mainProcurementCategory".into(),
            Value::String(mapped.into()),
        );
        self.note(
            Rule::CategoryMapped,
            "/tender/mainProcurementCategory".into(),
            before,
            Some(Value::String(mapped.into())),
        );
    }

    fn single_source(&mut self) {
        let by_ocid = text(self.release.get("ocid"))
            .is_some_and(|ocid| ocid.contains(SINGLE_SOURCE_OCID_MARK));
        let Some(tender) = self
            .release
            .get_mut("tender")
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        let by_details =
            text(tender.get("procurementMethodDetails")).is_some_and(names_single_source);
        if !(by_ocid || by_details) || text(tender.get("procurementMethod")) == Some("direct") {
            return;
        }
        let before = tender.insert("procurementMethod".into(), Value::String("direct".into()));
        self.note(
            Rule::SingleSourceMethod,
            "/tender/procurementMethod".into(),
            before,
            Some(Value::String("direct".into())),
        );
    }

    fn zero_values(&mut self) {
        let mut removed = Vec::new();
        if let Some(tender) = self
            .release
            .get_mut("tender")
            .and_then(Value::as_object_mut)
        {
            if is_zero_amount(tender.get("value")) {
                removed.push(("/tender/value".to_string(), tender.remove("value")));
            }
            for (index, lot) in tender
                .get_mut("lots")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if let Some(lot) = lot.as_object_mut()
                    && is_zero_amount(lot.get("value"))
                {
                    removed.push((format!("/tender/lots/{index}/value"), lot.remove("value")));
                }
            }
        }
        for (path, before) in removed {
            self.note(Rule::ZeroValueRemoved, path, before, None);
        }
    }

    fn statuses(&mut self) {
        let mut places: Vec<(&'static str, String)> = Vec::new();
        if self.release.pointer("/tender/status").is_some() {
            places.push(("tender", "/tender/status".into()));
        }
        let count = |pointer: &str| {
            self.release
                .pointer(pointer)
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        };
        for index in 0..count("/tender/lots") {
            places.push(("lots", format!("/tender/lots/{index}/status")));
        }
        for index in 0..count("/bids/details") {
            places.push(("bids", format!("/bids/details/{index}/status")));
        }
        for index in 0..count("/awards") {
            places.push(("awards", format!("/awards/{index}/status")));
        }
        for index in 0..count("/contracts") {
            places.push(("contracts", format!("/contracts/{index}/status")));
        }
        for (list, path) in places {
            let Some(Value::String(status)) = self.release.pointer(&path).cloned() else {
                continue;
            };
            if codelist(list).contains(&status.as_str()) {
                continue;
            }
            match self.settings.statuses.map(list, &status) {
                Some(mapped) => {
                    let mapped = Value::String(mapped.to_string());
                    *self.release.pointer_mut(&path).expect("found above") = mapped.clone();
                    self.note(
                        Rule::StatusMapped,
                        path,
                        Some(Value::String(status)),
                        Some(mapped),
                    );
                }
                None => self.note(
                    Rule::StatusOutsideCodelist,
                    path,
                    Some(Value::String(status)),
                    None,
                ),
            }
        }
    }

    /// Lifts per-lot bid values to the bids, splitting bids on several lots into one bid per
    /// lot (`{bid id}-{lot id}`), and points awards at the split bid of their lot.
    /// The feed gives no `numberOfTenderers`; OCDS defines it as the number of parties who
    /// placed a bid, which the bids name.
    fn tenderers_counted(&mut self) {
        if self.release.pointer("/tender/numberOfTenderers").is_some()
            || !self.release.get("tender").is_some_and(Value::is_object)
        {
            return;
        }
        let Some(details) = self
            .release
            .pointer("/bids/details")
            .and_then(Value::as_array)
        else {
            return;
        };
        let tenderers: BTreeSet<&str> = details
            .iter()
            .flat_map(|bid| {
                bid.get("tenderers")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
            })
            .filter_map(|tenderer| text(tenderer.get("id")))
            .collect();
        if tenderers.is_empty() {
            return;
        }
        let count = Value::from(tenderers.len());
        self.release["tender"]["numberOfTenderers"] = count.clone();
        self.note(
            Rule::TenderersCounted,
            "/tender/numberOfTenderers".to_string(),
            None,
            Some(count),
        );
    }

    fn bids(&mut self) {
        let Some(details) = self
            .release
            .pointer_mut("/bids/details")
            .and_then(Value::as_array_mut)
        else {
            return;
        };
        let original = std::mem::take(details);
        let mut result = Vec::with_capacity(original.len());
        let mut notes = Vec::new();
        // (bid id, lot id) → id of the split bid.
        let mut split_ids: BTreeMap<(String, String), String> = BTreeMap::new();
        for (index, bid) in original.into_iter().enumerate() {
            let lots: Option<Vec<(String, Value)>> = bid
                .get("relatedLots")
                .and_then(Value::as_array)
                .filter(|lots| !lots.is_empty())
                .and_then(|lots| {
                    lots.iter()
                        .map(|lot| {
                            let id = text(lot.get("id"))?.to_string();
                            Some((id, lot.get("value")?.clone()))
                        })
                        .collect()
                });
            let (Some(lots), Some(bid_object)) = (lots, bid.as_object()) else {
                result.push(bid);
                continue;
            };
            if bid_object
                .get("value")
                .is_some_and(|value| !value.is_null())
                && lots.len() == 1
            {
                result.push(bid);
                continue;
            }
            let path = format!("/bids/details/{index}");
            if let [(lot_id, value)] = lots.as_slice() {
                let mut lifted = bid_object.clone();
                lifted.insert("value".into(), value.clone());
                lifted.insert("relatedLots".into(), json!([lot_id]));
                notes.push((
                    Rule::BidValueFromLots,
                    format!("{path}/value"),
                    bid.get("relatedLots").cloned(),
                    Some(value.clone()),
                ));
                result.push(Value::Object(lifted));
                continue;
            }
            let bid_id = text(bid_object.get("id")).unwrap_or("").to_string();
            let mut made = Vec::new();
            for (lot_id, value) in &lots {
                let mut one = bid_object.clone();
                let id = format!("{bid_id}-{lot_id}");
                one.insert("id".into(), Value::String(id.clone()));
                one.insert("value".into(), value.clone());
                one.insert("relatedLots".into(), json!([lot_id]));
                split_ids.insert((bid_id.clone(), lot_id.clone()), id);
                made.push(Value::Object(one));
            }
            // The note keeps what moved: the per-lot values before, the new bids' ids after.
            notes.push((
                Rule::BidSplitPerLot,
                path,
                Some(json!({"id": bid_id, "relatedLots": bid.get("relatedLots")})),
                Some(Value::Array(
                    made.iter()
                        .filter_map(|one| one.get("id").cloned())
                        .collect(),
                )),
            ));
            result.extend(made);
        }
        *self
            .release
            .pointer_mut("/bids/details")
            .expect("taken above") = Value::Array(result);
        for (rule, path, before, after) in notes {
            self.note(rule, path, before, after);
        }
        if split_ids.is_empty() {
            return;
        }
        let mut repointed = Vec::new();
        for (index, award) in self
            .release
            .get_mut("awards")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let lots: Vec<&str> = award
                .get("relatedLots")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let (Some(bid), [lot]) = (text(award.get("relatedBid")), lots.as_slice()) else {
                continue;
            };
            if let Some(split) = split_ids.get(&(bid.to_string(), lot.to_string())) {
                let before = award["relatedBid"].clone();
                award["relatedBid"] = Value::String(split.clone());
                repointed.push((index, before, split.clone()));
            }
        }
        for (index, before, after) in repointed {
            self.note(
                Rule::BidSplitPerLot,
                format!("/awards/{index}/relatedBid"),
                Some(before),
                Some(Value::String(after)),
            );
        }
    }

    fn award_suppliers(&mut self) {
        let award_count = self
            .release
            .get("awards")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for index in 0..award_count {
            let award = &self.release["awards"][index];
            let has_suppliers = award
                .get("suppliers")
                .and_then(Value::as_array)
                .is_some_and(|suppliers| !suppliers.is_empty());
            let Some(bid_id) = text(award.get("relatedBid")).map(str::to_string) else {
                continue;
            };
            if has_suppliers {
                continue;
            }
            // An award not made (unsuccessful, cancelled) has no supplier: its bidder lost.
            let status = text(award.get("status"));
            if matches!(status, Some("unsuccessful" | "cancelled")) {
                continue;
            }
            let active = status == Some("active");
            let bid = self
                .release
                .pointer("/bids/details")
                .and_then(Value::as_array)
                .and_then(|bids| bids.iter().find(|bid| text(bid.get("id")) == Some(&bid_id)));
            let Some(bid) = bid else {
                self.note(
                    Rule::AwardBidNotFound,
                    format!("/awards/{index}/relatedBid"),
                    Some(Value::String(bid_id)),
                    None,
                );
                continue;
            };
            let tenderer_ids: Vec<String> = bid
                .get("tenderers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|tenderer| text(tenderer.get("id")).map(str::to_string))
                .collect();
            if tenderer_ids.is_empty() {
                continue;
            }
            let suppliers: Vec<Value> = tenderer_ids
                .iter()
                .map(|id| {
                    let mut reference = Map::new();
                    reference.insert("id".into(), Value::String(id.clone()));
                    if let Some(name) = self.party_name(id) {
                        reference.insert("name".into(), Value::String(name));
                    }
                    Value::Object(reference)
                })
                .collect();
            let suppliers = Value::Array(suppliers);
            self.release["awards"][index]["suppliers"] = suppliers.clone();
            self.note(
                Rule::AwardSuppliersFromBid,
                format!("/awards/{index}/suppliers"),
                None,
                Some(suppliers),
            );
            // Only an active award makes its bidder a supplier.
            if active {
                for id in &tenderer_ids {
                    self.add_role(id, "supplier", Rule::AwardSuppliersFromBid);
                }
            }
        }
    }

    fn contract_awards(&mut self) {
        let mut notes = Vec::new();
        for (index, contract) in self
            .release
            .get_mut("contracts")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let Some(contract) = contract.as_object_mut() else {
                continue;
            };
            if text(contract.get("awardID")).is_some() {
                continue;
            }
            let ids: Vec<Value> = contract
                .get("awardIDs")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|id| id.is_string() || id.is_number())
                .cloned()
                .collect();
            match ids.as_slice() {
                [] => {}
                [one] => {
                    let id = match one {
                        Value::Number(number) => Value::String(number.to_string()),
                        other => other.clone(),
                    };
                    contract.insert("awardID".into(), id.clone());
                    notes.push((
                        Rule::ContractAwardLinked,
                        format!("/contracts/{index}/awardID"),
                        None,
                        Some(id),
                    ));
                }
                several => notes.push((
                    Rule::ContractAwardsAmbiguous,
                    format!("/contracts/{index}/awardIDs"),
                    Some(Value::Array(several.to_vec())),
                    None,
                )),
            }
        }
        for (rule, path, before, after) in notes {
            self.note(rule, path, before, after);
        }
    }

    fn documents(&mut self) {
        let mut lists: Vec<String> = vec!["/planning/documents".into(), "/tender/documents".into()];
        for (list, inner) in [
            ("awards", ""),
            ("contracts", ""),
            ("contracts", "/implementation"),
        ] {
            let count = self
                .release
                .get(list)
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            for index in 0..count {
                lists.push(format!("/{list}/{index}{inner}/documents"));
            }
        }
        let mut notes = Vec::new();
        for pointer in lists {
            for (index, document) in self
                .release
                .pointer(&pointer)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if text(document.get("url")).is_none() {
                    notes.push(format!("{pointer}/{index}/url"));
                }
            }
        }
        for path in notes {
            self.note(Rule::DocumentWithoutUrl, path, None, None);
        }
    }

    fn party_regions(&self) -> BTreeMap<String, Region> {
        let mut regions = BTreeMap::new();
        for party in self
            .release
            .get("parties")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(id), Some(address)) = (text(party.get("id")), party.get("address"))
                && let Some(region) = address_region(address)
            {
                regions.insert(id.to_string(), region);
            }
        }
        regions
    }

    fn buyer_region(&mut self, party_regions: &BTreeMap<String, Region>) -> Option<Region> {
        let buyer = text(self.release.pointer("/buyer/id"))?.to_string();
        if let Some(region) = party_regions.get(&buyer) {
            return Some(*region);
        }
        let path = match self.party_index(&buyer) {
            Some(index) => format!("/parties/{index}/address"),
            None => "/buyer".to_string(),
        };
        self.note(Rule::RegionUnresolved, path, None, None);
        None
    }
}

/// The region of an OCDS address: by its `ateCode`, else by its region, locality or district
/// names, else by its locality's name alone (for `г. Ош`, a city).
pub fn address_region(address: &Value) -> Option<Region> {
    if let Some(region) = text(address.get("ateCode")).and_then(Region::from_ate_code) {
        return Some(region);
    }
    ["region", "locality", "district"]
        .into_iter()
        .filter_map(|field| text(address.get(field)))
        .find_map(Region::from_name)
}

/// Whether local method details name single-source procurement ("Прямое заключение
/// договора" under the 2015 law, "Закупка из одного источника" under the 2022 law).
pub fn names_single_source(details: &str) -> bool {
    let lower = details.to_lowercase();
    (lower.contains("прям") && lower.contains("заключ"))
        || lower.contains("одного источника")
        || lower.contains("один источник")
        || lower.contains("бир булак")
        || lower.contains("single source")
        || lower.contains("single-source")
        || lower.contains("direct contracting")
}

/// Counts of changes by rule, over any number of processes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QualityTotals {
    /// Rule → (processes with at least one change of it, changes).
    pub by_rule: BTreeMap<Rule, (u64, u64)>,
    pub processes: u64,
}

impl QualityTotals {
    pub fn add(&mut self, changes: &[Change]) {
        self.processes += 1;
        let mut seen = BTreeSet::new();
        for change in changes {
            let entry = self.by_rule.entry(change.rule).or_default();
            entry.1 += 1;
            if seen.insert(change.rule) {
                entry.0 += 1;
            }
        }
    }
}

/// The normaliser as the store runs it on every compiled release it recomputes.
#[derive(Debug, Clone, Default)]
pub struct StoreNormaliser {
    pub settings: NormaliseSettings,
}

impl achyk_store::Normaliser for StoreNormaliser {
    fn normalise(&self, compiled_json: &str) -> achyk_store::NormalisedProcess {
        let compiled: Value = match serde_json::from_str(compiled_json) {
            Ok(compiled) => compiled,
            // A compiled release is always Achyk's own JSON; should it not parse, keep it as it
            // is rather than lose the process.
            Err(_) => {
                return achyk_store::NormalisedProcess {
                    json: compiled_json.to_string(),
                    ..Default::default()
                };
            }
        };
        let normalised = normalise_owned(compiled, &self.settings);
        achyk_store::NormalisedProcess {
            json: normalised.release.to_string(),
            release: Some(normalised.release),
            notes: normalised
                .changes
                .into_iter()
                .map(|change| achyk_store::QualityNote {
                    rule: change.rule.code().to_string(),
                    path: change.path,
                    before: change.before.map(|value| value.to_string()),
                    after: change.after.map(|value| value.to_string()),
                })
                .collect(),
            region: normalised
                .region
                .map(|region| region.iso_code().to_string()),
            party_regions: normalised
                .party_regions
                .into_iter()
                .map(|(id, region)| (id, region.iso_code().to_string()))
                .collect(),
        }
    }
}
