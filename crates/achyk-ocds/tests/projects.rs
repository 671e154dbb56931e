//! OC4IDS project packages: read as a stream, checked against the 0.9.5 project schema, and
//! measured. Expected values are worked out by hand from the example package's numbers.

use achyk_ocds::project::{Money, ProjectFacts};
use achyk_ocds::validate::validate_project;
use achyk_ocds::{Event, ItemKind, read_publication};

const EXAMPLE: &str = include_str!("fixtures/oc4ids/example-project-package.json");

fn events(text: &str) -> Vec<Event> {
    let mut events = Vec::new();
    read_publication("example.json", text.as_bytes(), &mut |event| {
        events.push(event)
    })
    .unwrap();
    events
}

fn projects(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|event| match event {
            Event::Item(item) if item.kind == ItemKind::Project => Some(item.json.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_project_package_yields_its_projects_and_its_metadata() {
    let events = events(EXAMPLE);
    let found = projects(&events);
    assert_eq!(found.len(), 1);
    let project: serde_json::Value = serde_json::from_str(&found[0]).unwrap();
    assert_eq!(
        project["id"],
        "oc4ids-bu3kcz-m75-junctions-4-to-5-smart-motorway"
    );
    assert!(
        events
            .iter()
            .any(|event| matches!(event, Event::Package(meta)
        if meta.version.as_deref() == Some("0.9")))
    );
    assert!(
        !events.iter().any(|event| matches!(event, Event::Issue(_))),
        "{events:?}"
    );
}

#[test]
fn projects_stream_one_by_one_and_bad_elements_are_reported_where_they_are() {
    let text = "{\"version\": \"0.9\", \"projects\": [\n{\"id\": \"a\", \"title\": \"A\"},\n42,\nnull,\n{\"id\": \"b\"}\n]}";
    let events = events(text);
    let found = projects(&events);
    assert_eq!(found.len(), 2);
    let issues: Vec<_> = events
        .iter()
        .filter_map(|event| match event {
            Event::Issue(issue) => Some(issue),
            _ => None,
        })
        .collect();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].location.line, Some(3));
    assert_eq!(issues[0].path.as_deref(), Some("/projects/1"));
    assert!(issues[0].message.contains("expected a project"));
}

#[test]
fn the_example_project_meets_the_schema_and_a_broken_one_does_not() {
    let package: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
    let project = &package["projects"][0];
    assert_eq!(validate_project(project), Vec::new());
    let mut broken = project.clone();
    broken["budget"]["amount"]["amount"] = serde_json::json!("forty million");
    broken["status"] = serde_json::json!(7);
    let problems = validate_project(&broken);
    let paths: Vec<&str> = problems
        .iter()
        .map(|problem| problem.path.as_str())
        .collect();
    assert!(paths.contains(&"/budget/amount/amount"), "{problems:?}");
    assert!(paths.contains(&"/status"), "{problems:?}");
}

#[test]
fn the_example_projects_measures_match_a_hand_calculation() {
    let package: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
    let facts = ProjectFacts::read(&package["projects"][0]).unwrap();
    let gbp = |amount: f64| Money {
        amount,
        currency: "GBP".into(),
    };
    assert_eq!(facts.budget, Some(gbp(40_000_000.0)));
    assert_eq!(
        facts.budget_breakdown,
        vec![
            ("2016 budget allocation".to_owned(), gbp(10_000_000.0)),
            ("2017 budget allocation".to_owned(), gbp(20_000_000.0)),
            ("2018 budget allocation".to_owned(), gbp(10_000_000.0)),
        ]
    );
    assert_eq!(facts.final_value, Some(gbp(42_100_000.0)));
    assert_eq!(facts.planned_end.as_deref(), Some("2017-12-31"));
    assert_eq!(facts.completed_on.as_deref(), Some("2018-12-10"));
    assert_eq!(facts.processes.len(), 3);
    // Contracts as signed: 29 000 000 + 1 950 000 + 4 900 000; now: 35 250 000 + 1 950 000
    // + 4 900 000.
    assert_eq!(facts.original_contracts(), Some(gbp(35_850_000.0)));
    assert_eq!(facts.current_contracts(), Some(gbp(42_100_000.0)));
    let measures = facts.measures("2026-11-29");
    // (42 100 000 − 40 000 000) / 40 000 000 = 0.0525.
    assert!((measures.cost_over_budget.unwrap() - 0.0525).abs() < 1e-12);
    // (42 100 000 − 35 850 000) / 35 850 000 = 6 250 000 / 35 850 000 = 0.174337…
    assert!((measures.cost_over_contracts.unwrap() - 6_250_000.0 / 35_850_000.0).abs() < 1e-12);
    // 31 December 2017 to 10 December 2018: 344 days.
    assert_eq!(measures.time_overrun_days, Some(344));
    // Three modifications, all of the first process; all three processes are "limited", none
    // "direct".
    assert_eq!(measures.modifications, 3);
    assert_eq!(measures.non_competitive_share, Some(0.0));
    // One transaction of 1 950 000 paid; physical progress last observed at 100 %.
    assert!((measures.paid_share.unwrap() - 1_950_000.0 / 42_100_000.0).abs() < 1e-12);
    assert_eq!(measures.physical_progress, Some(1.0));
    assert!(measures.progress_lag().unwrap() < 0.0);
}

#[test]
fn an_open_project_is_late_only_past_its_planned_end_and_currencies_never_mix() {
    let project = serde_json::json!({
        "id": "p",
        "period": {"startDate": "2025-03-01T00:00:00+06:00", "endDate": "2026-06-30T00:00:00+06:00"},
        "budget": {"amount": {"amount": 1000, "currency": "KGS"}},
        "contractingProcesses": [
            {"id": "1", "summary": {"ocid": "ocds-x-1", "tender": {"procurementMethod": "direct"},
             "contractValue": {"amount": 300, "currency": "KGS"}}},
            {"id": "2", "summary": {"ocid": "ocds-x-2", "tender": {"procurementMethod": "open"},
             "contractValue": {"amount": 900, "currency": "KGS"},
             "modifications": [
                {"type": "value", "oldContractValue": {"amount": 700, "currency": "KGS"},
                 "newContractValue": {"amount": 800, "currency": "KGS"}},
                {"type": "value", "oldContractValue": {"amount": 800, "currency": "KGS"},
                 "newContractValue": {"amount": 900, "currency": "KGS"}}]}}
        ]
    });
    let facts = ProjectFacts::read(&project).unwrap();
    assert_eq!(facts.planned_end.as_deref(), Some("2026-06-30"));
    let before = facts.measures("2026-06-30");
    assert_eq!(before.time_overrun_days, None);
    // 30 June to 29 November 2026: 0 + 31 + 31 + 30 + 31 + 29 = 152 days.
    assert_eq!(facts.measures("2026-11-29").time_overrun_days, Some(152));
    let measures = facts.measures("2026-11-29");
    // Now 300 + 900 = 1200 against a budget of 1000: +20 %; against the contracts as
    // signed, 300 + 700 = 1000: +20 %; direct: 300 / 1200.
    assert!((measures.cost_over_budget.unwrap() - 0.2).abs() < 1e-12);
    assert!((measures.cost_over_contracts.unwrap() - 0.2).abs() < 1e-12);
    assert!((measures.non_competitive_share.unwrap() - 0.25).abs() < 1e-12);
    assert_eq!(measures.modifications, 2);

    let mut mixed = project.clone();
    mixed["contractingProcesses"][0]["summary"]["contractValue"]["currency"] = "USD".into();
    let measures = ProjectFacts::read(&mixed).unwrap().measures("2026-11-29");
    assert_eq!(measures.cost_over_budget, None);
    assert_eq!(measures.cost_over_contracts, None);
    assert_eq!(measures.non_competitive_share, None);
}

/// Without transactions, payments come from the latest `financialProgress` observation: an
/// amount spent (its `value`) or a percent (its `measure`). Transactions, when published, win.
#[test]
fn financial_progress_stands_in_for_missing_transactions() {
    let project = |metrics: serde_json::Value, transactions: serde_json::Value| {
        let project = serde_json::json!({
            "id": "p",
            "contractingProcesses": [
                {"id": "1", "summary": {"ocid": "ocds-x-1",
                 "contractValue": {"amount": 1000, "currency": "KGS"},
                 "transactions": transactions}}
            ],
            "metrics": metrics,
        });
        ProjectFacts::read(&project).unwrap().measures("2026-11-29")
    };
    let observation = |day: &str, body: serde_json::Value| {
        let mut observation = body;
        observation["period"] = serde_json::json!({"endDate": format!("{day}T00:00:00Z")});
        observation
    };
    let metrics = |observations: Vec<serde_json::Value>| {
        serde_json::json!([
            {"id": "physicalProgress", "observations": [
                observation("2026-10-01", serde_json::json!({"measure": "40"}))]},
            {"id": "financialProgress", "observations": observations}
        ])
    };
    // Spent 600 of 1,000 (the later observation; an earlier one said 200): 0.6, and with
    // 40 % built, payments run 0.2 ahead.
    let spent = project(
        metrics(vec![
            observation(
                "2026-09-01",
                serde_json::json!({"value": {"amount": 600, "currency": "KGS"}}),
            ),
            observation(
                "2026-03-01",
                serde_json::json!({"value": {"amount": 200, "currency": "KGS"}}),
            ),
        ]),
        serde_json::json!([]),
    );
    assert!((spent.paid_share.unwrap() - 0.6).abs() < 1e-12);
    assert!((spent.progress_lag().unwrap() - 0.2).abs() < 1e-12);
    // A percent: 30 % → 0.3.
    let percent = project(
        metrics(vec![observation(
            "2026-09-01",
            serde_json::json!({"measure": 30}),
        )]),
        serde_json::json!([]),
    );
    assert!((percent.paid_share.unwrap() - 0.3).abs() < 1e-12);
    // Published transactions (250 + 250) win over the metric: 0.5.
    let paid = project(
        metrics(vec![observation(
            "2026-09-01",
            serde_json::json!({"measure": 30}),
        )]),
        serde_json::json!([
            {"id": "t1", "value": {"amount": 250, "currency": "KGS"}},
            {"id": "t2", "value": {"amount": 250, "currency": "KGS"}}
        ]),
    );
    assert!((paid.paid_share.unwrap() - 0.5).abs() < 1e-12);
    // Spent in another currency than the contracts: no share.
    let other = project(
        metrics(vec![observation(
            "2026-09-01",
            serde_json::json!({"value": {"amount": 600, "currency": "USD"}}),
        )]),
        serde_json::json!([]),
    );
    assert_eq!(other.paid_share, None);
}
