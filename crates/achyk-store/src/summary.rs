//! The summary row of a process: what lists, search and facets need, read once from its
//! (normalised) compiled release when it is written.

use serde_json::Value;

use crate::parties::ProcessParty;

/// A process as lists show it and searches find it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessSummary {
    pub ocid: String,
    pub title: Option<String>,
    pub buyer_id: Option<String>,
    pub buyer_name: Option<String>,
    pub buyer_name_ky: Option<String>,
    pub region: Option<String>,
    pub method: Option<String>,
    pub method_details: Option<String>,
    pub status: Option<String>,
    pub category: Option<String>,
    /// Year the tender was published (else of the latest release).
    pub year: Option<i64>,
    /// The latest release's `date`, as published.
    pub date: String,
    pub date_seconds: i64,
    pub value_amount: Option<f64>,
    pub value_currency: Option<String>,
    pub bids: i64,
    pub search_text: String,
}

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_string()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn list(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value.and_then(Value::as_array).into_iter().flatten()
}

impl ProcessSummary {
    pub(crate) fn of(
        ocid: &str,
        release: &Value,
        parties: &[ProcessParty],
        region: Option<String>,
        latest: (String, i64),
    ) -> ProcessSummary {
        let tender = release.get("tender");
        let field = |name: &str| text(tender.and_then(|tender| tender.get(name)));
        let buyer = parties.iter().find(|party| party.roles.contains("buyer"));
        let published = field("datePublished").unwrap_or_else(|| latest.0.clone());
        let year = published.get(..4).and_then(|year| year.parse().ok());
        let value = tender.and_then(|tender| tender.get("value"));

        let mut words: Vec<String> = vec![ocid.to_string()];
        words.extend(field("title"));
        words.extend(field("description"));
        for lot in list(tender.and_then(|tender| tender.get("lots"))) {
            words.extend(text(lot.get("title")));
            words.extend(text(lot.get("description")));
        }
        for item in list(tender.and_then(|tender| tender.get("items"))) {
            words.extend(text(item.get("description")));
            words.extend(text(item.pointer("/classification/description")));
        }
        for party in parties {
            words.extend(party.name.clone());
            words.extend(party.name_ky.clone());
        }
        ProcessSummary {
            ocid: ocid.to_string(),
            title: field("title"),
            buyer_id: buyer.map(|party| party.id.0.clone()),
            buyer_name: buyer.and_then(|party| party.name.clone()),
            buyer_name_ky: buyer.and_then(|party| party.name_ky.clone()),
            region,
            method: field("procurementMethod"),
            method_details: field("procurementMethodDetails"),
            status: field("status"),
            category: field("mainProcurementCategory"),
            year,
            date: latest.0,
            date_seconds: latest.1,
            value_amount: value
                .and_then(|value| value.get("amount"))
                .and_then(Value::as_f64),
            value_currency: value.and_then(|value| text(value.get("currency"))),
            bids: list(release.pointer("/bids/details")).count() as i64,
            search_text: words.join(" ").to_lowercase(),
        }
    }
}
