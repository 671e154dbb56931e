use achyk_civic::lifecycle::*;
use std::collections::BTreeSet;

/// Written by hand from DESIGN.md §4 (report: pre-moderation, one decision out of review).
const REPORT_MOVES: &[(&str, &str)] = &[
    ("received", "in_review"),
    ("in_review", "published"),
    ("in_review", "published_redacted"),
    ("in_review", "kept_private"),
    ("in_review", "rejected"),
    ("in_review", "merged"),
];

/// Written by hand from DESIGN.md §4 (case), with the retry, bounce, re-route and reopen
/// moves the workflow needs.
const CASE_MOVES: &[(&str, &str)] = &[
    ("prepared", "sent"),
    ("prepared", "delivery_failed"),
    ("delivery_failed", "sent"),
    ("delivery_failed", "closed"),
    ("sent", "awaiting_response"),
    ("sent", "delivery_failed"),
    ("awaiting_response", "response_received"),
    ("awaiting_response", "escalated"),
    ("awaiting_response", "closed"),
    ("response_received", "resolved"),
    ("response_received", "partially_resolved"),
    ("response_received", "action_promised"),
    ("response_received", "refused"),
    ("response_received", "not_responsible"),
    ("resolved", "closed"),
    ("partially_resolved", "escalated"),
    ("partially_resolved", "closed"),
    ("action_promised", "escalated"),
    ("action_promised", "closed"),
    ("refused", "escalated"),
    ("refused", "closed"),
    ("not_responsible", "prepared"),
    ("not_responsible", "escalated"),
    ("not_responsible", "closed"),
    ("escalated", "response_received"),
    ("escalated", "closed"),
    ("closed", "reopened"),
    ("reopened", "prepared"),
    ("reopened", "awaiting_response"),
    ("reopened", "escalated"),
    ("reopened", "closed"),
];

#[test]
fn every_report_move_is_exactly_the_hand_written_table() {
    let table: BTreeSet<_> = REPORT_MOVES.iter().copied().collect();
    assert_eq!(ReportState::ALL.len(), 7);
    for &from in ReportState::ALL {
        for &to in ReportState::ALL {
            let allowed = table.contains(&(from.as_str(), to.as_str()));
            assert_eq!(from.transition(to).is_ok(), allowed, "{from} -> {to}");
        }
    }
}

#[test]
fn every_case_move_is_exactly_the_hand_written_table() {
    let table: BTreeSet<_> = CASE_MOVES.iter().copied().collect();
    assert_eq!(CaseState::ALL.len(), 13);
    let mut ok = 0;
    for &from in CaseState::ALL {
        for &to in CaseState::ALL {
            let allowed = table.contains(&(from.as_str(), to.as_str()));
            assert_eq!(from.transition(to).is_ok(), allowed, "{from} -> {to}");
            ok += usize::from(allowed);
        }
    }
    assert_eq!(ok, CASE_MOVES.len());
}

#[test]
fn forbidden_moves_say_why() {
    // Publishing without review would skip pre-moderation.
    let e = ReportState::Received
        .transition(ReportState::Published)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "a report cannot go from received to published; from received it can go to: in_review"
    );
    let e = ReportState::Rejected
        .transition(ReportState::InReview)
        .unwrap_err();
    assert!(e.to_string().ends_with("nothing (final)"), "{e}");
    assert!(
        CaseState::Prepared
            .transition(CaseState::AwaitingResponse)
            .is_err(),
        "not sent yet"
    );
    assert!(
        CaseState::Closed.transition(CaseState::Resolved).is_err(),
        "reopen first"
    );
    assert!(
        CaseState::Resolved
            .transition(CaseState::Escalated)
            .is_err()
    );
    assert!(
        CaseState::AwaitingResponse
            .transition(CaseState::Resolved)
            .is_err(),
        "needs a response"
    );
}

#[test]
fn codes_are_stable_and_round_trip() {
    let codes: Vec<_> = CaseState::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        codes,
        [
            "prepared",
            "sent",
            "delivery_failed",
            "awaiting_response",
            "response_received",
            "resolved",
            "partially_resolved",
            "action_promised",
            "refused",
            "not_responsible",
            "escalated",
            "closed",
            "reopened"
        ]
    );
    for &s in CaseState::ALL {
        assert_eq!(s.as_str().parse::<CaseState>(), Ok(s));
    }
    for &s in ReportState::ALL {
        assert_eq!(s.as_str().parse::<ReportState>(), Ok(s));
    }
    assert!("Published".parse::<ReportState>().is_err());
    assert_eq!(
        "overdue".parse::<CaseState>().unwrap_err().to_string(),
        "unknown case code \"overdue\""
    );
    assert!(CaseState::Sent.starts_clock() && CaseState::Escalated.starts_clock());
    assert!(!CaseState::AwaitingResponse.starts_clock());
    assert!(ReportState::PublishedRedacted.is_public() && !ReportState::KeptPrivate.is_public());
}

#[test]
fn disclosure_only_increases() {
    use Disclosure::*;
    assert_eq!(Anonymous.raise(Confidential), Ok(Confidential));
    assert_eq!(Confidential.raise(Disclosed), Ok(Disclosed));
    assert_eq!(Anonymous.raise(Disclosed), Ok(Disclosed));
    assert_eq!(Confidential.raise(Confidential), Ok(Confidential));
    assert!(Disclosed.raise(Confidential).is_err());
    assert!(Disclosed.raise(Anonymous).is_err());
    assert_eq!(
        Confidential.raise(Anonymous).unwrap_err().to_string(),
        "disclosure can only increase: confidential cannot become anonymous"
    );
    assert_eq!("disclosed".parse::<Disclosure>(), Ok(Disclosed));
    assert!("public".parse::<Disclosure>().is_err());
}
