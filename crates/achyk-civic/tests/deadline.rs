use achyk_civic::deadline::*;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

#[test]
fn dates_round_trip_and_weekdays_match_the_gregorian_calendar() {
    assert_eq!(Date::from_ymd(1970, 1, 1).unwrap().days_since_epoch(), 0);
    assert_eq!(d("1970-01-01").weekday(), Weekday::Thu);
    assert_eq!(d("2026-11-28").weekday(), Weekday::Sat);
    assert_eq!(d("2024-02-29").succ(), d("2024-03-01"));
    assert_eq!(d("2026-12-31").succ(), d("2027-01-01"));
    assert!(Date::from_ymd(2025, 2, 29).is_none());
    assert!(Date::from_ymd(2100, 2, 29).is_none());
    assert!(Date::from_ymd(2000, 2, 29).is_some());
    assert!(Date::parse("2026-13-01").is_err());
    assert!(Date::parse("26-1-1").is_err());
    for n in -1000..40_000 {
        let date = Date::from_days_since_epoch(n);
        let (y, m, dd) = date.ymd();
        assert_eq!(Date::from_ymd(y, m, dd), Some(date));
        assert_eq!(date.to_string().len(), 10);
    }
}

/// (start, expected registration, expected answer-by, warning?) over the shipped Kyrgyz
/// calendar, default rules 1 + 14 working days. Weekdays checked with `date -d`.
#[test]
fn hand_worked_due_dates_over_the_kyrgyz_calendar() {
    let cal = Calendar::kyrgyzstan();
    let rules = Rules::default();
    let table = [
        // Mon 2 Nov 2026; 7-8 Nov are working days under the 2025 Code (and a weekend anyway).
        // Reg: Tue 3. +14: Wed 4-Fri 6 (3), 9-13 (8), 16-20 (13), Mon 23 (14).
        ("2026-11-02", "2026-11-03", "2026-11-23", false),
        // Fri 5 Jun 2026. Reg: Mon 8. +14: 9-12 (4), 15-19 (9), 22-26 (14) -> Fri 26.
        ("2026-06-05", "2026-06-08", "2026-06-26", false),
        // Fri 6 Mar 2026: 8 March is a Sunday and is not moved, so Mon 9 is worked. Reg: Mon 9.
        // +14: 10-13 (4), 16-19 (8), Fri 20 Orozo Ait, Sat 21 Nooruz, 23-27 (13), Mon 30 (14).
        ("2026-03-06", "2026-03-09", "2026-03-30", false),
        // Thu 30 Apr 2026: 1-9 May off (multi-day), Sun 10. Reg: Mon 11. +14: 12-15 (4),
        // 18-22 (9), 25-26 (11), Wed 27 Kurman Ait, 28-29 (13), Mon 1 Jun (14).
        ("2026-04-30", "2026-05-11", "2026-06-01", false),
        // Wed 31 Dec 2025: 1-7 Jan off, 8-9 Jan off by the 2026 resolution, 10-11 weekend.
        // Reg: Mon 12. +14: 13-16 (4), 19-23 (9), 26-30 (14) -> Fri 30 Jan.
        ("2025-12-31", "2026-01-12", "2026-01-30", false),
        // Thu 24 Dec 2026, across the year boundary into 2027 which the calendar does not know.
        // Reg: Fri 25. +14: 28-31 (4), 1-7 Jan 2027 off (yearly), Fri 8 (5), 11-15 (10),
        // 18-21 (14) -> Thu 21 Jan 2027, with a warning.
        ("2026-12-24", "2026-12-25", "2027-01-21", true),
    ];
    for (start, reg, answer, warn) in table {
        let due = due_date(d(start), &rules, &cal);
        assert_eq!(
            (due.registered_by, due.answer_by),
            (d(reg), d(answer)),
            "start {start}"
        );
        let expected = warn.then_some(Warning::BeyondCalendar { last_year: 2026 });
        assert_eq!(due.warning, expected, "start {start}");
    }
}

#[test]
fn configurable_answer_days() {
    // Mon 2 Nov 2026, 1 + 10: reg Tue 3; +10: 4-6 (3), 9-13 (8), Mon 16, Tue 17 (10).
    let rules = Rules {
        answer_days: 10,
        ..Rules::default()
    };
    let due = due_date(d("2026-11-02"), &rules, &Calendar::kyrgyzstan());
    assert_eq!(due.answer_by, d("2026-11-17"));
}

#[test]
fn moved_working_day_and_extra_day_off() {
    // Weekends only, plus a decree: Sat 7 Feb 2026 worked, Mon 9 Feb off.
    let mut cal = Calendar::new();
    cal.add_working_day(d("2026-02-07"));
    cal.add_day_off(d("2026-02-09"), "moved day off");
    let rules = Rules {
        registration_days: 1,
        answer_days: 2,
        very_overdue_after: 5,
    };
    // Fri 6: reg Sat 7 (worked); +2: Sun 8 weekend, Mon 9 off, Tue 10 (1), Wed 11 (2).
    let due = due_date(d("2026-02-06"), &rules, &cal);
    assert_eq!(due.registered_by, d("2026-02-07"));
    assert_eq!(due.answer_by, d("2026-02-11"));
    assert_eq!(
        due.warning, None,
        "a calendar without a last year never warns"
    );
}

#[test]
fn escalation_starts_a_new_clock_from_its_sending_date() {
    // Sent Mon 23 Nov 2026: reg Tue 24; +14: 25-27 (3), 30 Nov-4 Dec (8), 7-11 (13), Mon 14 (14).
    let due = escalation_due(d("2026-11-23"), &Rules::default(), &Calendar::kyrgyzstan());
    assert_eq!(due.answer_by, d("2026-12-14"));
}

#[test]
fn display_status_is_derived_from_the_due_date_and_today() {
    let cal = Calendar::kyrgyzstan();
    let rules = Rules::default(); // very overdue after 10 working days
    let due = d("2026-11-23");
    let s = |today: &str| display_status(due, d(today), &rules, &cal);
    assert_eq!(s("2026-11-02"), DisplayStatus::AwaitingResponse);
    assert_eq!(s("2026-11-23"), DisplayStatus::AwaitingResponse);
    assert_eq!(s("2026-11-24"), DisplayStatus::Overdue);
    // (23 Nov, 7 Dec]: 24-27 (4), 30 Nov-4 Dec (9), Mon 7 (10): not more than 10.
    assert_eq!(s("2026-12-07"), DisplayStatus::Overdue);
    // Tue 8 Dec: 11 working days past due.
    assert_eq!(s("2026-12-08"), DisplayStatus::VeryOverdue);
    assert_eq!(DisplayStatus::VeryOverdue.code(), "very_overdue");
}

#[test]
fn shipped_calendar_knows_the_fixed_and_lunar_days_off() {
    let cal = Calendar::kyrgyzstan();
    assert_eq!(cal.last_year(), Some(2026));
    for off in [
        "2025-01-03",
        "2026-01-07",
        "2027-03-08",
        "2026-03-20",
        "2026-05-05",
        "2026-05-27",
        "2030-08-31",
    ] {
        assert!(!cal.is_working_day(d(off)), "{off} is a day off");
    }
    // 23 Feb and 7 Nov are holidays without a day off under the 2025 Code.
    for work in ["2026-02-23", "2025-11-07", "2026-01-13"] {
        assert!(cal.is_working_day(d(work)), "{work} is worked");
    }
    // The yearly events start in 2025: 2024's 2 January is not claimed.
    assert!(cal.is_working_day(d("2024-01-02")));
}

#[test]
fn ics_import_with_folding_crlf_multi_day_yearly_and_working_days() {
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20300105\r\nDTEND;VALUE=DATE:20300108\r\nSUMMARY:Three \r\n days\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20280704\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:Yearly\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20300112\r\nCATEGORIES:DECREE,WORKING-DAY\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
    let cal = Calendar::from_ics(ics).unwrap();
    // 5-7 Jan 2030 off (DTEND 8 is exclusive); 8 Jan worked.
    assert_eq!(cal.holiday(d("2030-01-05")), Some("Three days"));
    assert!(!cal.is_working_day(d("2030-01-07")));
    assert!(cal.is_working_day(d("2030-01-08")));
    // Yearly from 2028, not before.
    assert!(!cal.is_working_day(d("2031-07-04")));
    assert!(cal.is_working_day(d("2027-07-05")) && cal.holiday(d("2027-07-04")).is_none());
    // 12 Jan 2030 is a Saturday made a working day.
    assert_eq!(d("2030-01-12").weekday(), Weekday::Sat);
    assert!(cal.is_working_day(d("2030-01-12")));
    assert_eq!(cal.last_year(), Some(2030), "latest non-recurring event");
}

#[test]
fn malformed_ics_gives_the_line_number() {
    let bad = |body: &str| {
        Calendar::from_ics(&format!("BEGIN:VCALENDAR\n{body}END:VCALENDAR\n")).unwrap_err()
    };
    let e = bad("BEGIN:VEVENT\nDTSTART;VALUE=DATE:2026130\nEND:VEVENT\n");
    assert_eq!(e.line, 3);
    assert!(e.to_string().contains("DTSTART"), "{e}");
    assert_eq!(
        bad("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261301\nEND:VEVENT\n").line,
        3
    );
    assert_eq!(
        bad("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\nRRULE:FREQ=WEEKLY\nEND:VEVENT\n").line,
        4
    );
    assert_eq!(bad("this is not a property\n").line, 2);
    assert_eq!(bad("BEGIN:VEVENT\nSUMMARY:no start\nEND:VEVENT\n").line, 2);
    assert_eq!(
        bad("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260105\nDTEND;VALUE=DATE:20260105\nEND:VEVENT\n")
            .line,
        2
    );
    let e = Calendar::from_ics("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\n")
        .unwrap_err();
    assert_eq!(e.line, 2, "unterminated event: {e}");
    assert_eq!(Calendar::from_ics("VERSION:2.0\n").unwrap_err().line, 1);
}

#[test]
fn truncated_or_garbled_calendars_are_errors_not_panics() {
    let text = include_str!("../holidays/kg.ics");
    for cut in (0..text.len())
        .filter(|&i| text.is_char_boundary(i))
        .step_by(7)
    {
        let _ = Calendar::from_ics(&text[..cut]);
    }
    for line in text.lines() {
        let garbled = text.replacen(line, &line.replace(':', ";"), 1);
        if ["BEGIN", "END", "DTSTART", "DTEND", "RRULE"]
            .iter()
            .any(|p| line.starts_with(p))
        {
            assert!(Calendar::from_ics(&garbled).is_err(), "{line}");
        }
    }
    // Extreme day counts do not overflow.
    let far = Date::from_days_since_epoch(i32::MAX);
    let _ = far.ymd();
}
