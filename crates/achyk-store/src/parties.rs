//! The organisations of a compiled release and the roles they play in its process.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::ids::OrgId;

/// An organisation named in a process, with the roles it plays there.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessParty {
    pub id: OrgId,
    pub name: Option<String>,
    pub identifier_scheme: Option<String>,
    pub identifier_id: Option<String>,
    pub legal_name: Option<String>,
    /// The Kyrgyz name: the party's `name_ky`, else its `identifier.legalName_ky`.
    pub name_ky: Option<String>,
    /// ISO 3166-2 code of its region, when the normaliser found one.
    pub region: Option<String>,
    /// The party object (or, for a reference to no listed party, the reference).
    pub json: Value,
    pub roles: BTreeSet<String>,
}

/// The key of an organisation: `{scheme}-{id}` of its `identifier` when both are present
/// (for example `KG-INN-01234567890123`), else its `id`. `None` when it has neither.
pub fn organisation_key(party: &Value) -> Option<OrgId> {
    let identifier = party.get("identifier");
    let scheme = identifier.and_then(|identifier| text(identifier.get("scheme")));
    let id = identifier.and_then(|identifier| text(identifier.get("id")));
    if let (Some(scheme), Some(id)) = (scheme, id) {
        return Some(OrgId(format!("{scheme}-{id}")));
    }
    text(party.get("id")).map(OrgId)
}

/// The parties of a (compiled) release: every entry of `parties` with its `roles`, plus the
/// roles that the references `buyer`, `tender.procuringEntity`, `tender.tenderers[]` and
/// `awards[].suppliers[]` (of awards made: not unsuccessful or cancelled) give, each resolved to the listed party with the same `id`. A
/// reference to no listed party stands for an organisation of its own, keyed by its `id`.
/// Parties are merged by key, in the order first met.
pub fn process_parties(release: &Value) -> Vec<ProcessParty> {
    let tender = release.get("tender");
    let suppliers: Vec<&Value> = release
        .get("awards")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|award| !not_made(award.get("status")))
        .filter_map(|award| award.get("suppliers"))
        .collect();
    collect(
        release.get("parties"),
        release.get("buyer"),
        tender.and_then(|tender| tender.get("procuringEntity")),
        tender.and_then(|tender| tender.get("tenderers")),
        &suppliers,
    )
}

/// Whether an award was not made, so that the suppliers it names supplied nothing.
fn not_made(status: Option<&Value>) -> bool {
    matches!(
        status.and_then(Value::as_str),
        Some("unsuccessful" | "cancelled")
    )
}

fn collect(
    parties: Option<&Value>,
    buyer: Option<&Value>,
    procuring_entity: Option<&Value>,
    tenderers: Option<&Value>,
    suppliers: &[&Value],
) -> Vec<ProcessParty> {
    let mut found: Vec<ProcessParty> = Vec::new();
    let mut position_of_key: HashMap<OrgId, usize> = HashMap::new();
    let mut key_of_party_id: HashMap<String, OrgId> = HashMap::new();

    fn add(
        found: &mut Vec<ProcessParty>,
        position_of_key: &mut HashMap<OrgId, usize>,
        party: &Value,
        key: OrgId,
        roles: impl IntoIterator<Item = String>,
    ) {
        let position = *position_of_key.entry(key.clone()).or_insert_with(|| {
            let identifier = party.get("identifier");
            let legal_name = identifier.and_then(|identifier| text(identifier.get("legalName")));
            found.push(ProcessParty {
                id: key,
                name: text(party.get("name")).or_else(|| legal_name.clone()),
                identifier_scheme: identifier.and_then(|identifier| text(identifier.get("scheme"))),
                identifier_id: identifier.and_then(|identifier| text(identifier.get("id"))),
                legal_name,
                name_ky: text(party.get("name_ky")).or_else(|| {
                    identifier.and_then(|identifier| text(identifier.get("legalName_ky")))
                }),
                region: None,
                json: party.clone(),
                roles: BTreeSet::new(),
            });
            found.len() - 1
        });
        found[position].roles.extend(roles);
    }

    for party in parties.and_then(Value::as_array).into_iter().flatten() {
        let Some(key) = organisation_key(party) else {
            continue;
        };
        if let Some(party_id) = text(party.get("id")) {
            key_of_party_id
                .entry(party_id)
                .or_insert_with(|| key.clone());
        }
        let roles = party
            .get("roles")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|role| text(Some(role)));
        add(&mut found, &mut position_of_key, party, key, roles);
    }

    let mut references: Vec<(&Value, &str)> = Vec::new();
    if let Some(buyer) = buyer {
        references.push((buyer, "buyer"));
    }
    if let Some(entity) = procuring_entity {
        references.push((entity, "procuringEntity"));
    }
    for tenderer in tenderers.and_then(Value::as_array).into_iter().flatten() {
        references.push((tenderer, "tenderer"));
    }
    for supplier in suppliers
        .iter()
        .filter_map(|suppliers| suppliers.as_array())
        .flatten()
    {
        references.push((supplier, "supplier"));
    }
    for (reference, role) in references {
        let resolved = text(reference.get("id")).and_then(|id| key_of_party_id.get(&id).cloned());
        let key = match resolved {
            Some(key) => key,
            None => match organisation_key(reference) {
                Some(key) => key,
                None => continue,
            },
        };
        add(
            &mut found,
            &mut position_of_key,
            reference,
            key,
            [role.to_string()],
        );
    }
    found
}

/// A non-empty string, or a number written in decimal (OCDS allows integer ids).
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn keyed_by_identifier_else_by_id() {
        assert_eq!(
            organisation_key(
                &json!({"id": "x", "identifier": {"scheme": "KG-INN", "id": "01234567890123"}})
            ),
            Some(OrgId("KG-INN-01234567890123".into()))
        );
        assert_eq!(
            organisation_key(&json!({"id": "x", "identifier": {"id": "0123"}})),
            Some(OrgId("x".into()))
        );
        assert_eq!(organisation_key(&json!({"id": 5})), Some(OrgId("5".into())));
        assert_eq!(organisation_key(&json!({"name": "nobody"})), None);
    }

    #[test]
    fn roles_come_from_parties_and_references() {
        let release = json!({
            "parties": [
                {"id": "p1", "name": "Ministry", "identifier": {"scheme": "KG-INN", "id": "1", "legalName": "Ministry LLC"}, "roles": ["buyer"]},
                {"id": "p2", "identifier": {"scheme": "KG-INN", "id": "2", "legalName": "Builder"}, "roles": ["tenderer"]},
                {"id": "p3", "name": "Third", "roles": []}
            ],
            "buyer": {"id": "p1", "name": "Ministry"},
            "tender": {"procuringEntity": {"id": "p1"}, "tenderers": [{"id": "p2"}, {"id": "p3"}]},
            "awards": [{"suppliers": [{"id": "p2"}, {"id": "ghost", "name": "Unlisted"}]}]
        });
        let parties = process_parties(&release);
        let summary: Vec<(String, Vec<String>)> = parties
            .iter()
            .map(|party| (party.id.0.clone(), party.roles.iter().cloned().collect()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "KG-INN-1".to_string(),
                    vec!["buyer".to_string(), "procuringEntity".to_string()]
                ),
                (
                    "KG-INN-2".to_string(),
                    vec!["supplier".to_string(), "tenderer".to_string()]
                ),
                ("p3".to_string(), vec!["tenderer".to_string()]),
                ("ghost".to_string(), vec!["supplier".to_string()]),
            ]
        );
        assert_eq!(parties[0].name.as_deref(), Some("Ministry"));
        assert_eq!(
            parties[1].name.as_deref(),
            Some("Builder"),
            "the legal name stands in for a missing name"
        );
        assert_eq!(parties[1].legal_name.as_deref(), Some("Builder"));
        assert_eq!(parties[3].json, json!({"id": "ghost", "name": "Unlisted"}));
    }

    #[test]
    fn odd_shapes_are_read_whole_or_ignored() {
        for text in [
            r#"{"tender": "not an object", "buyer": {"id": "b", "name": "B"}}"#,
            r#"{"buyer": {"id": "a"}, "buyer": {"id": "b", "name": "B"}}"#,
            r#"{"parties": {"not": "a list"}, "awards": [{"suppliers": 5}], "buyer": {"id": "b"}}"#,
        ] {
            let parties = process_parties(&serde_json::from_str(text).unwrap());
            assert_eq!(parties.len(), 1, "{text}");
            assert_eq!(parties[0].id.as_str(), "b");
        }
    }
}
