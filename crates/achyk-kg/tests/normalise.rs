//! The normaliser on the feed sample (two pages in the API's shape, `fixtures/feed/`) and on
//! small hand-written cases. Expected values are read off the sample's input and its README,
//! and from the OCDS 1.1.5 codelists, never from the normaliser's own output.

use std::collections::BTreeMap;
use std::path::PathBuf;

use achyk_kg::normalise::{Change, NormaliseSettings, Rule, StatusTable, normalise};
use achyk_kg::regions::Region;
use achyk_ocds::MergeRules;
use proptest::prelude::*;
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feed")
        .join(name)
}

/// The sample's processes compiled, by ocid.
fn sample_processes() -> BTreeMap<String, Value> {
    let mut by_ocid: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for page in ["page-1.json", "page-2.json"] {
        let package: Value =
            serde_json::from_str(&std::fs::read_to_string(fixture(page)).unwrap()).unwrap();
        for release in package["releases"].as_array().unwrap() {
            let ocid = release["ocid"].as_str().unwrap().to_string();
            by_ocid.entry(ocid).or_default().push(release.clone());
        }
    }
    let (rules, _unknown) = MergeRules::for_extension_urls([
        "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.4/extension.json",
        "https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/master/extension.json",
        "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/master/extension.json",
    ]);
    by_ocid
        .into_iter()
        .map(|(ocid, releases)| (ocid, achyk_ocds::compile(releases, &rules).release))
        .collect()
}

fn rules_of(changes: &[Change]) -> Vec<Rule> {
    changes.iter().map(|change| change.rule).collect()
}

fn change<'a>(changes: &'a [Change], rule: Rule, path: &str) -> &'a Change {
    changes
        .iter()
        .find(|change| change.rule == rule && change.path == path)
        .unwrap_or_else(|| panic!("no {rule:?} at {path} in {changes:#?}"))
}

#[test]
fn the_works_tender_gets_its_buyer_suppliers_and_codelist_values() {
    let processes = sample_processes();
    let compiled = &processes["ocds-h7i0z4-240115013"];
    let result = normalise(compiled, &NormaliseSettings::default());
    let release = &result.release;
    let changes = &result.changes;

    // The feed gives no numberOfTenderers; its three bids name three companies.
    assert_eq!(release["tender"]["numberOfTenderers"], 3);
    let counted = change(changes, Rule::TenderersCounted, "/tender/numberOfTenderers");
    assert_eq!(
        (&counted.before, &counted.after),
        (&None, &Some(serde_json::json!(3)))
    );

    // procuringEntity.id held the name of the party KG-INN-02305199310123.
    assert_eq!(
        release["tender"]["procuringEntity"]["id"],
        "KG-INN-02305199310123"
    );
    let resolved = change(
        changes,
        Rule::ProcuringEntityIdResolved,
        "/tender/procuringEntity/id",
    );
    assert_eq!(
        resolved.before,
        Some(json!("Управление образования Московского района"))
    );

    // No buyer in the feed: the procuring entity is, and its party gets the role.
    assert_eq!(
        release["buyer"],
        json!({"id": "KG-INN-02305199310123", "name": "Управление образования Московского района"})
    );
    assert_eq!(
        release["parties"][0]["roles"],
        json!(["procuringEntity", "buyer"])
    );

    // Parties have no `name` in the feed: their legal name; the Kyrgyz name tagged `ky`.
    assert_eq!(release["parties"][1]["name"], "ОсОО «Ала-Тоо Курулуш»");
    assert_eq!(release["parties"][1]["name_ky"], "«Ала-Тоо Курулуш» ЖЧК");
    assert_eq!(
        release["parties"][1]["identifier"]["legalName_ky"],
        "«Ала-Тоо Курулуш» ЖЧК"
    );
    assert!(
        release["parties"][1]["identifier"]
            .get("legalName_kg")
            .is_none()
    );

    // `work` is `works` in the codelist.
    assert_eq!(release["tender"]["mainProcurementCategory"], "works");

    // Bid values per lot lifted: B1 bid 4,690,000 on L1.
    assert_eq!(
        release["bids"]["details"][0]["value"],
        json!({"initialAmount": 4700000, "amount": 4690000, "currency": "KGS"})
    );
    assert_eq!(release["bids"]["details"][0]["relatedLots"], json!(["L1"]));
    assert_eq!(release["bids"]["details"].as_array().unwrap().len(), 3);

    // A1 (active) goes to the tenderer of B1; A2 (disqualified, outside the codelist) to nobody.
    assert_eq!(
        release["awards"][0]["suppliers"],
        json!([{"id": "KG-INN-01712200910045", "name": "ОсОО «Ала-Тоо Курулуш»"}])
    );
    // A2 was not made: its bidder supplies nothing.
    assert!(release["awards"][1].get("suppliers").is_none());
    assert_eq!(release["awards"][1]["status"], "unsuccessful");
    let mapped = change(changes, Rule::StatusMapped, "/awards/1/status");
    assert_eq!(mapped.before, Some(json!("disqualified")));
    // The losing bidder did not become a supplier.
    assert_eq!(release["parties"][2]["roles"], json!(["tenderer"]));
    // Bid status `disqualified` is in the bid extension's codelist: untouched.
    assert_eq!(release["bids"]["details"][1]["status"], "disqualified");

    // The contract's one awardIDs entry linked.
    assert_eq!(release["contracts"][0]["awardID"], "A1");

    // Region of the buyer from its ateCode 41708…: Chüy.
    assert_eq!(result.region, Some(Region::Chuy));
    assert_eq!(
        result.party_regions.get("KG-INN-02202201510077"),
        Some(&Region::Bishkek)
    );

    // Dates untouched, offset kept.
    assert_eq!(release["date"], compiled["date"]);
    assert_eq!(release["awards"][0]["date"], "2024-02-08T11:00:00+06:00");
}

#[test]
fn the_single_source_purchase_is_direct_and_its_zero_lot_value_is_gone() {
    let processes = sample_processes();
    let result = normalise(
        &processes["ocds-h7i0z4-contract-based-77120"],
        &NormaliseSettings::default(),
    );
    let release = &result.release;
    assert_eq!(release["tender"]["procurementMethod"], "direct");
    let method = change(
        &result.changes,
        Rule::SingleSourceMethod,
        "/tender/procurementMethod",
    );
    assert_eq!(method.before, Some(json!("open")));
    assert!(release["tender"]["lots"][0].get("value").is_none());
    let zero = change(
        &result.changes,
        Rule::ZeroValueRemoved,
        "/tender/lots/0/value",
    );
    assert_eq!(zero.before, Some(json!({"amount": 0, "currency": "KGS"})));
    assert!(release["tender"].get("value").is_none());
    change(&result.changes, Rule::ZeroValueRemoved, "/tender/value");
    // Its supplier already has the role; the award gets it by the bid.
    assert_eq!(
        release["awards"][0]["suppliers"][0]["id"],
        "KG-INN-01712200910045"
    );
    assert_eq!(release["parties"][1]["roles"], json!(["supplier"]));
    assert_eq!(result.region, Some(Region::Chuy));
}

#[test]
fn the_quotation_request_in_talas_needs_only_names_and_a_buyer() {
    let processes = sample_processes();
    let result = normalise(
        &processes["ocds-h7i0z4-240201550"],
        &NormaliseSettings::default(),
    );
    assert_eq!(result.region, Some(Region::Talas));
    assert_eq!(result.release["buyer"]["id"], "KG-INN-01104199210055");
    assert_eq!(result.release["tender"]["mainProcurementCategory"], "goods");
    // Lots worth 212,000 and 400,000 keep their values.
    assert_eq!(
        result.release["tender"]["lots"][1]["value"]["amount"],
        400000
    );
    assert!(!rules_of(&result.changes).contains(&Rule::ZeroValueRemoved));
}

#[test]
fn a_bid_on_two_lots_becomes_two_bids_and_awards_follow_their_lot() {
    let compiled = json!({
        "ocid": "ocds-h7i0z4-1",
        "bids": {"details": [{
            "id": "B7", "status": "valid",
            "relatedLots": [
                {"id": "L1", "value": {"amount": 100, "currency": "KGS"}},
                {"id": "L2", "value": {"amount": 250, "currency": "KGS"}}
            ],
            "tenderers": [{"id": "KG-INN-1"}]
        }]},
        "awards": [
            {"id": "A1", "status": "active", "relatedLots": ["L2"], "relatedBid": "B7"},
            {"id": "A2", "status": "pending", "relatedLots": ["L1", "L2"], "relatedBid": "B7"}
        ]
    });
    let result = normalise(&compiled, &NormaliseSettings::default());
    let bids = result.release["bids"]["details"].as_array().unwrap();
    assert_eq!(bids.len(), 2);
    assert_eq!(bids[0]["id"], "B7-L1");
    assert_eq!(bids[0]["value"]["amount"], 100);
    assert_eq!(bids[0]["relatedLots"], json!(["L1"]));
    assert_eq!(bids[1]["id"], "B7-L2");
    assert_eq!(bids[1]["value"]["amount"], 250);
    // The award for L2 points at the L2 bid, and its supplier is B7's tenderer.
    assert_eq!(result.release["awards"][0]["relatedBid"], "B7-L2");
    assert_eq!(
        result.release["awards"][0]["suppliers"],
        json!([{"id": "KG-INN-1"}])
    );
    // An award on both lots cannot pick one: it still names B7, which is no longer a bid.
    assert_eq!(result.release["awards"][1]["relatedBid"], "B7");
    change(
        &result.changes,
        Rule::AwardBidNotFound,
        "/awards/1/relatedBid",
    );
}

#[test]
fn defects_that_cannot_be_repaired_are_reported_and_left() {
    let compiled = json!({
        "ocid": "ocds-h7i0z4-2",
        "parties": [{"id": "KG-INN-9", "roles": ["procuringEntity"], "address": {"locality": "с. Нигде"}}],
        "tender": {
            "status": "archived",
            "procuringEntity": {"id": "Нет такой организации"},
            "documents": [{"id": "D1", "title": "ТЗ"}, {"id": "D2", "url": "http://x/2"}]
        },
        "contracts": [{"id": "K1", "awardIDs": ["A1", "A2"]}]
    });
    let result = normalise(&compiled, &NormaliseSettings::default());
    let release = &result.release;
    assert_eq!(release["tender"]["status"], "archived");
    change(
        &result.changes,
        Rule::StatusOutsideCodelist,
        "/tender/status",
    );
    assert_eq!(
        release["tender"]["procuringEntity"]["id"],
        "Нет такой организации"
    );
    change(
        &result.changes,
        Rule::ProcuringEntityIdUnresolved,
        "/tender/procuringEntity/id",
    );
    change(
        &result.changes,
        Rule::DocumentWithoutUrl,
        "/tender/documents/0/url",
    );
    assert_eq!(
        result
            .changes
            .iter()
            .filter(|change| change.rule == Rule::DocumentWithoutUrl)
            .count(),
        1
    );
    assert!(release["contracts"][0].get("awardID").is_none());
    change(
        &result.changes,
        Rule::ContractAwardsAmbiguous,
        "/contracts/0/awardIDs",
    );
    // The buyer is the unresolved reference's id, which names no party with an address.
    assert_eq!(result.region, None);
    assert!(rules_of(&result.changes).contains(&Rule::RegionUnresolved));
}

#[test]
fn the_status_table_is_configurable_and_checked_against_the_codelists() {
    let table = StatusTable::from_json(r#"{"tender": {"archived": "complete"}}"#).unwrap();
    let settings = NormaliseSettings { statuses: table };
    let result = normalise(
        &json!({"ocid": "o", "tender": {"status": "archived"}, "awards": [{"id": "1", "status": "disqualified"}]}),
        &settings,
    );
    assert_eq!(result.release["tender"]["status"], "complete");
    // The custom table replaces the default one.
    assert_eq!(result.release["awards"][0]["status"], "disqualified");

    let wrong_target = StatusTable::from_json(r#"{"awards": {"x": "complete"}}"#).unwrap_err();
    assert!(
        wrong_target
            .to_string()
            .contains("not in the awards codelist"),
        "{wrong_target}"
    );
    let wrong_list = StatusTable::from_json(r#"{"items": {"x": "y"}}"#).unwrap_err();
    assert!(wrong_list.to_string().contains("\"items\""), "{wrong_list}");
    assert!(StatusTable::from_json("[").is_err());
}

#[test]
fn standard_data_passes_through_unchanged() {
    // The fictional OCDS sample's shapes: buyer present, suppliers present, codelist values.
    let compiled = json!({
        "ocid": "ocds-213czf-1", "date": "2010-05-10T10:30:00Z",
        "buyer": {"id": "GB-LAC-E09000003", "name": "London Borough of Barnet"},
        "parties": [{"id": "GB-LAC-E09000003", "name": "London Borough of Barnet", "roles": ["buyer"],
                     "address": {"region": "London"}}],
        "tender": {"status": "complete", "procurementMethod": "open", "mainProcurementCategory": "works",
                   "value": {"amount": 10, "currency": "GBP"}},
        "awards": [{"id": "1", "status": "active", "suppliers": [{"id": "GB-COH-1", "name": "AnyCorp"}]}],
        "contracts": [{"id": "1", "awardID": "1", "status": "active"}]
    });
    let result = normalise(&compiled, &NormaliseSettings::default());
    assert_eq!(result.release, compiled);
    // Only the region could not be found (London is not in Kyrgyzstan).
    assert_eq!(rules_of(&result.changes), vec![Rule::RegionUnresolved]);
}

#[test]
fn every_rule_has_a_distinct_stable_code() {
    let mut codes: Vec<&str> = Rule::ALL.iter().map(|rule| rule.code()).collect();
    for rule in Rule::ALL {
        assert_eq!(Rule::from_code(rule.code()), Some(rule));
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), Rule::ALL.len());
}

fn arbitrary_kyrgyz_release() -> impl Strategy<Value = Value> {
    let status = prop::sample::select(vec!["active", "disqualified", "rejected", "pending", "x"]);
    let category = prop::sample::select(vec!["work", "product", "services", "goods", "other"]);
    let method = prop::sample::select(vec!["Прямое заключение договора", "Запрос котировок"]);
    (
        prop::collection::vec((status.clone(), 0u32..3, prop::bool::ANY), 0..4),
        category,
        method,
        0u32..3,
        prop::bool::ANY,
    )
        .prop_map(|(awards, category, method, lot_count, name_in_id)| {
            let lots: Vec<Value> = (0..lot_count)
                .map(|lot| json!({"id": format!("L{lot}"), "value": {"amount": lot * 100, "currency": "KGS"}}))
                .collect();
            let bids: Vec<Value> = awards
                .iter()
                .enumerate()
                .map(|(index, (_, lots_on, _))| {
                    json!({"id": format!("B{index}"), "status": "valid",
                           "relatedLots": (0..*lots_on).map(|lot| json!({"id": format!("L{lot}"), "value": {"amount": 5 + lot, "currency": "KGS"}})).collect::<Vec<_>>(),
                           "tenderers": [{"id": format!("KG-INN-{index}")}]})
                })
                .collect();
            let award_list: Vec<Value> = awards
                .iter()
                .enumerate()
                .map(|(index, (status, _, one_lot))| {
                    let related: Vec<&str> = if *one_lot { vec!["L1"] } else { vec![] };
                    json!({"id": format!("A{index}"), "status": status, "relatedBid": format!("B{index}"), "relatedLots": related})
                })
                .collect();
            let mut parties = vec![json!({"id": "KG-INN-99", "identifier": {"scheme": "KG-INN", "id": "99", "legalName": "Мэрия", "legalName_kg": "Мэрия ky"}, "roles": ["procuringEntity"], "address": {"ateCode": "41704000000000"}})];
            for index in 0..awards.len() {
                parties.push(json!({"id": format!("KG-INN-{index}"), "identifier": {"legalName": format!("ОсОО {index}")}, "roles": ["tenderer"]}));
            }
            json!({
                "ocid": "ocds-h7i0z4-contract-based-5", "date": "2024-01-01T10:00:00+06:00",
                "parties": parties,
                "tender": {"procuringEntity": {"id": if name_in_id { "Мэрия" } else { "KG-INN-99" }},
                           "mainProcurementCategory": category, "procurementMethodDetails": method,
                           "procurementMethod": "open", "lots": lots},
                "bids": {"details": bids},
                "awards": award_list,
                "contracts": [{"id": "K", "awardIDs": ["A0"]}]
            })
        })
}

proptest! {
    #[test]
    fn normalising_twice_changes_nothing_more(release in arbitrary_kyrgyz_release()) {
        let settings = NormaliseSettings::default();
        let once = normalise(&release, &settings);
        let twice = normalise(&once.release, &settings);
        prop_assert_eq!(&twice.release, &once.release);
        // The second pass only reports what cannot be repaired.
        for change in &twice.changes {
            prop_assert!(!change.rule.changes_data(), "{:?}", change);
        }
        prop_assert_eq!(once.region, Some(Region::Naryn));
    }
}

#[tokio::test]
async fn the_store_keeps_the_normalised_sample_and_its_quality_report() {
    use achyk_store::{Ocid, OrgId, Store};
    let directory = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", directory.path().join("kg.db").display());
    let store = Store::connect(&url)
        .await
        .unwrap()
        .with_normaliser(std::sync::Arc::new(
            achyk_kg::normalise::StoreNormaliser::default(),
        ));
    store.migrate().await.unwrap();
    let pages: Vec<(String, Vec<u8>)> = ["page-1.json", "page-2.json"]
        .iter()
        .map(|page| (page.to_string(), std::fs::read(fixture(page)).unwrap()))
        .collect();
    let inputs: Vec<(&str, &[u8])> = pages
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
        .collect();
    store.import_publications(&inputs).await.unwrap();
    assert_eq!(store.count_normalised_releases().await.unwrap(), 3);

    let works = Ocid::from("ocds-h7i0z4-240115013");
    let normalised: Value =
        serde_json::from_str(&store.normalised_release(&works).await.unwrap().json).unwrap();
    assert_eq!(normalised["buyer"]["id"], "KG-INN-02305199310123");
    assert_eq!(
        store
            .normalised_release(&works)
            .await
            .unwrap()
            .region
            .as_deref(),
        Some("KG-C")
    );
    // The compiled release as received is untouched beside it.
    let compiled: Value =
        serde_json::from_str(&store.compiled_release(&works).await.unwrap().json).unwrap();
    assert!(compiled.get("buyer").is_none());
    assert_eq!(compiled["tender"]["mainProcurementCategory"], "work");

    let notes = store.quality_notes(&works).await.unwrap();
    let buyer_note = notes
        .iter()
        .find(|row| row.note.rule == "buyer_from_procuring_entity" && row.note.path == "/buyer")
        .expect("the buyer note");
    assert_eq!(buyer_note.note.before, None);

    // The buyer role and the supplier role come from the normalised release.
    let buyer_roles: Vec<String> = store
        .parties_of(&works)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.organisation_id.as_str() == "KG-INN-02305199310123")
        .map(|row| row.role)
        .collect();
    assert_eq!(buyer_roles, vec!["buyer", "procuringEntity"]);
    let supplier = store
        .organisation(&OrgId::from("KG-INN-01712200910045"))
        .await
        .unwrap();
    assert_eq!(supplier.name.as_deref(), Some("ОсОО «Ала-Тоо Курулуш»"));
    assert_eq!(supplier.name_ky.as_deref(), Some("«Ала-Тоо Курулуш» ЖЧК"));
    assert_eq!(supplier.region.as_deref(), Some("KG-C"));

    // Every process has the category or method note it should: 2 category fixes (work,
    // product; the single-source one is `work` too), 1 method fix.
    let totals = store.quality_totals().await.unwrap();
    let total = |rule: &str| {
        totals
            .iter()
            .find(|row| row.rule == rule)
            .map(|row| (row.processes, row.notes))
    };
    assert_eq!(total("category_mapped"), Some((3, 3)));
    assert_eq!(total("single_source_method"), Some((1, 1)));
    // The single-source purchase has a tender value and one lot value of 0.
    assert_eq!(total("zero_value_removed"), Some((1, 2)));
    assert_eq!(total("status_mapped"), Some((1, 1)));
}
