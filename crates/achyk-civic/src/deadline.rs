//! Legal deadlines over a working-day calendar.
//!
//! A [`Calendar`] knows weekends (Saturday, Sunday), public holidays (fixed-date ones that
//! recur every year and dated ones such as the lunar Orozo Ait and Kurman Ait), and the days a
//! decree moves: extra days off and extra working days (a Saturday declared a working day).
//! It is read from iCalendar (`.ics`); `holidays/kg.ics` ships Kyrgyzstan's.
//!
//! [`due_date`] counts working days: registration within `registration_days` working days of
//! receipt, then an answer within `answer_days` working days of registration (Law of the
//! Kyrgyz Republic "On the procedure for considering citizens' appeals" No. 67 of 2007: 1 + 14).
//! Counting starts on the day after the start date: a working day counted is one strictly after
//! the start. An escalation starts a new clock from its sending date.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A civil (proleptic Gregorian) date, stored as days since 1970-01-01.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

/// The day of the week.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

impl Date {
    /// The date, or `None` when the month or day does not exist.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || !(1..=9999).contains(&y) {
            return None;
        }
        // Days from civil (era-based algorithm over March-based years).
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m as i32 + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// Year, month, day.
    pub fn ymd(self) -> (i32, u32, u32) {
        // Civil from days, in i64 so that no i32 day count can overflow.
        let z = i64::from(self.0) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i64::from(m <= 2);
        (y as i32, m, d)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// Days since 1970-01-01.
    pub fn days_since_epoch(self) -> i32 {
        self.0
    }

    pub fn from_days_since_epoch(days: i32) -> Date {
        Date(days)
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        match (self.0 + 3).rem_euclid(7) {
            0 => Weekday::Mon,
            1 => Weekday::Tue,
            2 => Weekday::Wed,
            3 => Weekday::Thu,
            4 => Weekday::Fri,
            5 => Weekday::Sat,
            _ => Weekday::Sun,
        }
    }

    /// The next day.
    pub fn succ(self) -> Date {
        Date(self.0 + 1)
    }

    /// `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Date, DateError> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DateError(s.to_owned()));
        }
        Self::parse_compact(&format!("{}{}{}", &s[..4], &s[5..7], &s[8..]))
            .ok_or_else(|| DateError(s.to_owned()))
    }

    /// `YYYYMMDD` (iCalendar's DATE).
    fn parse_compact(s: &str) -> Option<Date> {
        if s.len() != 8 || !s.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Date::from_ymd(
            s[..4].parse().ok()?,
            s[4..6].parse().ok()?,
            s[6..].parse().ok()?,
        )
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a date (expected YYYY-MM-DD): {0:?}")]
pub struct DateError(String);

/// A malformed calendar file: what is wrong and on which line (1-based, of the physical line
/// where the logical line starts).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("calendar line {line}: {message}")]
pub struct IcsError {
    pub line: usize,
    pub message: String,
}

/// Working days, holidays and decreed moves.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    days_off: BTreeMap<Date, String>,
    /// (month, day) → (first year it applies, name), for yearly fixed-date holidays.
    yearly: BTreeMap<(u32, u32), (i32, String)>,
    extra_working: BTreeSet<Date>,
    last_year: Option<i32>,
}

impl Calendar {
    /// A calendar with weekends only.
    pub fn new() -> Calendar {
        Calendar::default()
    }

    /// Kyrgyzstan's calendar shipped with the crate (`holidays/kg.ics`).
    pub fn kyrgyzstan() -> Calendar {
        Calendar::from_ics(include_str!("../holidays/kg.ics")).expect("holidays/kg.ics is valid")
    }

    /// A day off on one date (a holiday or a decree's extra day off).
    pub fn add_day_off(&mut self, date: Date, name: &str) {
        self.days_off.insert(date, name.to_owned());
    }

    /// A day off on the same month and day every year from `from_year` on.
    pub fn add_yearly_day_off(&mut self, month: u32, day: u32, from_year: i32, name: &str) {
        self.yearly
            .insert((month, day), (from_year, name.to_owned()));
    }

    /// A day that is worked though it would be off (a Saturday moved by decree).
    pub fn add_working_day(&mut self, date: Date) {
        self.extra_working.insert(date);
    }

    /// The last year whose lunar holidays and decrees the calendar knows.
    pub fn last_year(&self) -> Option<i32> {
        self.last_year
    }

    pub fn set_last_year(&mut self, year: i32) {
        self.last_year = Some(year);
    }

    /// Why `date` is not worked, if it is a holiday or a decreed day off.
    pub fn holiday(&self, date: Date) -> Option<&str> {
        if let Some(name) = self.days_off.get(&date) {
            return Some(name);
        }
        let (y, m, d) = date.ymd();
        match self.yearly.get(&(m, d)) {
            Some((from, name)) if y >= *from => Some(name),
            _ => None,
        }
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        if self.extra_working.contains(&date) {
            return true;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && self.holiday(date).is_none()
    }

    /// The `n`th working day strictly after `start`, and whether the count went past the last
    /// year the calendar knows.
    pub fn add_working_days(&self, start: Date, n: u32) -> (Date, bool) {
        let mut date = start;
        let mut left = n;
        let mut beyond = false;
        while left > 0 {
            date = date.succ();
            if self.last_year.is_some_and(|y| date.year() > y) {
                beyond = true;
            }
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        (date, beyond)
    }

    /// Working days in `(from, to]` (0 when `to <= from`).
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut n = 0;
        let mut date = from;
        while date < to {
            date = date.succ();
            if self.is_working_day(date) {
                n += 1;
            }
        }
        n
    }

    /// Reads an iCalendar file: each VEVENT with `DTSTART;VALUE=DATE` (and an optional
    /// exclusive `DTEND`) is a day off, or an extra working day when its `CATEGORIES`
    /// contains `WORKING-DAY`; `RRULE:FREQ=YEARLY` makes it recur every year from its start.
    /// `X-ACHYK-LAST-YEAR` in the calendar sets the last year known; without it, the latest
    /// year of a non-recurring event.
    pub fn from_ics(text: &str) -> Result<Calendar, IcsError> {
        let mut cal = Calendar::new();
        let mut last_explicit = None;
        let mut last_seen: Option<i32> = None;
        let mut event: Option<Event> = None;
        let mut in_calendar = false;
        let mut ended = false;
        for (line_no, line) in unfold(text) {
            let err = |message: String| IcsError {
                line: line_no,
                message,
            };
            if line.trim().is_empty() {
                continue;
            }
            let (head, value) = line
                .split_once(':')
                .ok_or_else(|| err(format!("expected NAME:VALUE, found {line:?}")))?;
            let mut parts = head.split(';');
            let name = parts.next().unwrap_or_default().to_ascii_uppercase();
            let params: Vec<String> = parts.map(|p| p.to_ascii_uppercase()).collect();
            if ended {
                return Err(err("content after END:VCALENDAR".into()));
            }
            match (name.as_str(), event.as_mut()) {
                ("BEGIN", _) if value.eq_ignore_ascii_case("VCALENDAR") => {
                    if in_calendar {
                        return Err(err("nested BEGIN:VCALENDAR".into()));
                    }
                    in_calendar = true;
                }
                (_, _) if !in_calendar => return Err(err("expected BEGIN:VCALENDAR".into())),
                ("BEGIN", None) if value.eq_ignore_ascii_case("VEVENT") => {
                    event = Some(Event {
                        line: line_no,
                        ..Event::default()
                    });
                }
                ("BEGIN", Some(_)) if value.eq_ignore_ascii_case("VEVENT") => {
                    return Err(err("BEGIN:VEVENT inside a VEVENT".into()));
                }
                ("END", Some(_)) if value.eq_ignore_ascii_case("VEVENT") => {
                    let ev = event.take().expect("inside an event");
                    ev.apply(&mut cal, &mut last_seen)?;
                }
                ("END", None) if value.eq_ignore_ascii_case("VCALENDAR") => ended = true,
                ("END", _) => return Err(err(format!("unexpected END:{value}"))),
                ("X-ACHYK-LAST-YEAR", None) => {
                    last_explicit = Some(
                        value
                            .trim()
                            .parse::<i32>()
                            .map_err(|_| err(format!("not a year: {value:?}")))?,
                    );
                }
                ("DTSTART" | "DTEND", Some(ev)) => {
                    let is_date_param = params.iter().any(|p| p == "VALUE=DATE");
                    let date = Date::parse_compact(value.trim())
                        .filter(|_| is_date_param || value.trim().len() == 8)
                        .ok_or_else(|| {
                            err(format!(
                                "{name} must be a date (VALUE=DATE, YYYYMMDD), found {value:?}"
                            ))
                        })?;
                    if name == "DTSTART" {
                        ev.start = Some(date);
                    } else {
                        ev.end = Some(date);
                    }
                }
                ("RRULE", Some(ev)) => {
                    let rule = value.trim().to_ascii_uppercase();
                    if rule != "FREQ=YEARLY" {
                        return Err(err(format!(
                            "only RRULE:FREQ=YEARLY is supported, found {value:?}"
                        )));
                    }
                    ev.yearly = true;
                }
                ("SUMMARY", Some(ev)) => ev.summary = unescape(value),
                ("CATEGORIES", Some(ev)) => {
                    ev.working = value
                        .split(',')
                        .any(|c| c.trim().eq_ignore_ascii_case("WORKING-DAY"));
                }
                _ => {} // other properties (UID, DTSTAMP, PRODID…) carry nothing we need
            }
        }
        if let Some(ev) = event {
            return Err(IcsError {
                line: ev.line,
                message: "VEVENT without END:VEVENT".into(),
            });
        }
        if !ended {
            return Err(IcsError {
                line: text.lines().count().max(1),
                message: "missing END:VCALENDAR".into(),
            });
        }
        cal.last_year = last_explicit.or(last_seen);
        Ok(cal)
    }
}

#[derive(Default)]
struct Event {
    line: usize,
    start: Option<Date>,
    end: Option<Date>,
    yearly: bool,
    working: bool,
    summary: String,
}

impl Event {
    fn apply(self, cal: &mut Calendar, last_seen: &mut Option<i32>) -> Result<(), IcsError> {
        let err = |message: &str| IcsError {
            line: self.line,
            message: message.into(),
        };
        let start = self.start.ok_or_else(|| err("VEVENT without DTSTART"))?;
        let end = self.end.unwrap_or(start.succ());
        if end <= start {
            return Err(err("DTEND must be after DTSTART (it is exclusive)"));
        }
        if end.days_since_epoch() - start.days_since_epoch() > 366 {
            return Err(err("an event longer than a year"));
        }
        if self.yearly && self.working {
            return Err(err("a working day cannot recur yearly"));
        }
        let mut date = start;
        while date < end {
            let (y, m, d) = date.ymd();
            if self.working {
                cal.add_working_day(date);
            } else if self.yearly {
                cal.add_yearly_day_off(m, d, y, &self.summary);
            } else {
                cal.add_day_off(date, &self.summary);
            }
            if !self.yearly {
                *last_seen = Some(last_seen.map_or(y, |l| l.max(y)));
            }
            date = date.succ();
        }
        Ok(())
    }
}

/// Logical lines with the 1-based number of their first physical line: CRLF or LF, a line
/// starting with a space or tab continues the previous one (RFC 5545 §3.1).
fn unfold(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), out.last_mut()) {
            (Some(rest), Some((_, last))) => last.push_str(rest),
            _ => out.push((i + 1, raw.to_owned())),
        }
    }
    out
}

fn unescape(v: &str) -> String {
    v.replace("\\n", "\n")
        .replace("\\N", "\n")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
}

/// How many working days the law gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Working days to register an appeal after receipt (1).
    pub registration_days: u32,
    /// Working days to answer after registration (14; the 2026 bill proposes 10).
    pub answer_days: u32,
    /// A case is `very_overdue` when more than this many working days past due (10).
    pub very_overdue_after: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            registration_days: 1,
            answer_days: 14,
            very_overdue_after: 10,
        }
    }
}

/// Something the reader of a due date must know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warning {
    /// The count ran past the last year the calendar knows: lunar holidays and decrees of
    /// later years are missing, so the real due date may be later.
    BeyondCalendar { last_year: i32 },
}

/// A computed deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub registered_by: Date,
    pub answer_by: Date,
    pub warning: Option<Warning>,
}

/// The deadline of an appeal received (or an escalation sent) on `start`.
pub fn due_date(start: Date, rules: &Rules, calendar: &Calendar) -> Due {
    let (registered_by, w1) = calendar.add_working_days(start, rules.registration_days);
    let (answer_by, w2) = calendar.add_working_days(registered_by, rules.answer_days);
    let warning = match (w1 || w2, calendar.last_year()) {
        (true, Some(last_year)) => Some(Warning::BeyondCalendar { last_year }),
        _ => None,
    };
    Due {
        registered_by,
        answer_by,
        warning,
    }
}

/// The deadline of an escalation to an oversight body: a new clock from its sending date.
pub fn escalation_due(sent: Date, rules: &Rules, calendar: &Calendar) -> Due {
    due_date(sent, rules, calendar)
}

/// A waiting case's status, derived when read, never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisplayStatus {
    AwaitingResponse,
    Overdue,
    VeryOverdue,
}

impl DisplayStatus {
    pub fn code(self) -> &'static str {
        match self {
            DisplayStatus::AwaitingResponse => "awaiting_response",
            DisplayStatus::Overdue => "overdue",
            DisplayStatus::VeryOverdue => "very_overdue",
        }
    }
}

/// The status on `today` of a case awaiting an answer due on `due`: on or before the due date
/// it is awaited; after it, overdue; more than `rules.very_overdue_after` working days after it,
/// very overdue.
pub fn display_status(due: Date, today: Date, rules: &Rules, calendar: &Calendar) -> DisplayStatus {
    if today <= due {
        DisplayStatus::AwaitingResponse
    } else if calendar.working_days_between(due, today) > rules.very_overdue_after {
        DisplayStatus::VeryOverdue
    } else {
        DisplayStatus::Overdue
    }
}
