//! The few fields of a release that decide where it goes: `ocid`, `id` and `date`.

use serde_json::Value;

/// A release's identity and its place in time, read without touching the rest of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseHead {
    pub ocid: String,
    /// The release `id` as text (an integer `id` is written in decimal), if present.
    pub id: Option<String>,
    /// The `date` exactly as published.
    pub date: String,
    /// The `date` as a point in time: nanoseconds since 1970-01-01T00:00:00Z.
    pub instant: i128,
}

/// Why a release cannot take part in a merge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReleaseProblem {
    #[error("not a JSON object but {0}")]
    NotAnObject(&'static str),
    #[error("no `ocid`")]
    MissingOcid,
    #[error("`ocid` is not a non-empty string")]
    BadOcid,
    #[error("no `date`")]
    MissingDate,
    #[error("`date` {0} is not an ISO 8601 date-time")]
    BadDate(String),
}

/// The JSON type of a value, in words, for messages.
pub fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl ReleaseHead {
    /// Reads the head of a parsed release.
    pub fn of(release: &Value) -> Result<ReleaseHead, ReleaseProblem> {
        let Value::Object(map) = release else {
            return Err(ReleaseProblem::NotAnObject(json_type_name(release)));
        };
        let ocid = match map.get("ocid") {
            None | Some(Value::Null) => return Err(ReleaseProblem::MissingOcid),
            Some(Value::String(ocid)) if !ocid.trim().is_empty() => ocid.clone(),
            Some(_) => return Err(ReleaseProblem::BadOcid),
        };
        let id = match map.get("id") {
            Some(Value::String(id)) => Some(id.clone()),
            Some(Value::Number(id)) => Some(id.to_string()),
            _ => None,
        };
        let date = match map.get("date") {
            None | Some(Value::Null) => return Err(ReleaseProblem::MissingDate),
            Some(Value::String(date)) => date.clone(),
            Some(other) => return Err(ReleaseProblem::BadDate(other.to_string())),
        };
        let instant =
            parse_instant(&date).ok_or_else(|| ReleaseProblem::BadDate(format!("{date:?}")))?;
        Ok(ReleaseHead {
            ocid,
            id,
            date,
            instant,
        })
    }
}

/// Parses an ISO 8601 / RFC 3339 date-time into nanoseconds since the Unix epoch.
///
/// Accepts `YYYY-MM-DDThh:mm[:ss[.fraction]]` followed by `Z`, `±hh:mm`, `±hhmm`, `±hh` or
/// nothing (read as UTC), and a bare date `YYYY-MM-DD` (read as midnight UTC). A space may stand
/// for the `T`.
pub fn parse_instant(text: &str) -> Option<i128> {
    let bytes = text.trim().as_bytes();
    let mut cursor = Cursor { bytes, position: 0 };
    let year = cursor.digits(4)? as i64;
    cursor.expect(b'-')?;
    let month = cursor.digits(2)?;
    cursor.expect(b'-')?;
    let day = cursor.digits(2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let mut seconds_of_day: i64 = 0;
    let mut nanos: i64 = 0;
    let mut offset_seconds: i64 = 0;
    if !cursor.done() {
        match cursor.next()? {
            b'T' | b't' | b' ' => {}
            _ => return None,
        }
        let hour = cursor.digits(2)? as i64;
        cursor.expect(b':')?;
        let minute = cursor.digits(2)? as i64;
        let mut second = 0;
        if cursor.peek() == Some(b':') {
            cursor.position += 1;
            second = cursor.digits(2)? as i64;
            if matches!(cursor.peek(), Some(b'.') | Some(b',')) {
                cursor.position += 1;
                let start = cursor.position;
                let mut scale = 100_000_000;
                while let Some(digit @ b'0'..=b'9') = cursor.peek() {
                    nanos += i64::from(digit - b'0') * scale;
                    scale /= 10;
                    cursor.position += 1;
                }
                if cursor.position == start {
                    return None;
                }
            }
        }
        // 24:00:00 is midnight at the end of the day; 60 seconds is a leap second.
        if hour > 24
            || minute > 59
            || second > 60
            || (hour == 24 && (minute, second, nanos) != (0, 0, 0))
        {
            return None;
        }
        seconds_of_day = hour * 3600 + minute * 60 + second;
        match cursor.peek() {
            None => {}
            Some(b'Z') | Some(b'z') => {
                cursor.position += 1;
            }
            Some(sign @ (b'+' | b'-')) => {
                cursor.position += 1;
                let hours = cursor.digits(2)? as i64;
                let mut minutes = 0;
                if cursor.peek() == Some(b':') {
                    cursor.position += 1;
                    minutes = cursor.digits(2)? as i64;
                } else if !cursor.done() {
                    minutes = cursor.digits(2)? as i64;
                }
                if hours > 23 || minutes > 59 {
                    return None;
                }
                offset_seconds = (hours * 3600 + minutes * 60) * if sign == b'+' { 1 } else { -1 };
            }
            Some(_) => return None,
        }
        if !cursor.done() {
            return None;
        }
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + seconds_of_day - offset_seconds;
    Some(i128::from(seconds) * 1_000_000_000 + i128::from(nanos))
}

struct Cursor<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.position >= self.bytes.len()
    }
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }
    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.position += 1;
        Some(byte)
    }
    fn expect(&mut self, wanted: u8) -> Option<()> {
        (self.next()? == wanted).then_some(())
    }
    fn digits(&mut self, count: usize) -> Option<u32> {
        let mut number = 0u32;
        for _ in 0..count {
            let byte = self.next()?;
            if !byte.is_ascii_digit() {
                return None;
            }
            number = number * 10 + u32::from(byte - b'0');
        }
        Some(number)
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil-from-days
/// algorithm, run backwards).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date (year, month, day) of a day number since 1970-01-01 (inverse of
/// [`days_from_civil`]; Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Seconds since the epoch as RFC 3339 at a whole-minute UTC offset, to the second:
/// `2024-01-15T10:00:00+06:00`, or with `Z` for offset 0.
pub fn format_instant(seconds: i64, offset_minutes: i32) -> String {
    let local = seconds + i64::from(offset_minutes) * 60;
    let (days, second_of_day) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let offset = if offset_minutes == 0 {
        "Z".to_string()
    } else {
        let sign = if offset_minutes < 0 { '-' } else { '+' };
        let minutes = offset_minutes.unsigned_abs();
        format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
    };
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{offset}",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn instants_format_back_to_what_parses() {
        // `date -u -d @951868800 +%FT%TZ` prints 2000-03-01T00:00:00Z.
        assert_eq!(format_instant(951_868_800, 0), "2000-03-01T00:00:00Z");
        // Bishkek is six hours ahead: 2000-03-01T06:00:00+06:00 is the same instant.
        assert_eq!(
            format_instant(951_868_800, 360),
            "2000-03-01T06:00:00+06:00"
        );
        assert_eq!(format_instant(-1, -90), "1969-12-31T22:29:59-01:30");
        for seconds in [-86_401, 0, 68_169_600, 951_868_799, 4_102_444_800] {
            for offset in [0, 360, -300] {
                let text = format_instant(seconds, offset);
                assert_eq!(
                    parse_instant(&text),
                    Some(i128::from(seconds) * SECOND),
                    "{text}"
                );
            }
        }
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
    }

    const SECOND: i128 = 1_000_000_000;

    #[test]
    fn epoch_and_known_instants() {
        assert_eq!(parse_instant("1970-01-01T00:00:00Z"), Some(0));
        // `date -u -d 2000-03-01T00:00:00Z +%s` prints 951868800.
        assert_eq!(
            parse_instant("2000-03-01T00:00:00Z"),
            Some(951_868_800 * SECOND)
        );
        // `date -u -d 2019-06-01T00:00:00+06:00 +%s` prints 1559325600.
        assert_eq!(
            parse_instant("2019-06-01T00:00:00+06:00"),
            Some(1_559_325_600 * SECOND)
        );
        assert_eq!(parse_instant("1969-12-31T23:59:59.5Z"), Some(-SECOND / 2));
    }

    #[test]
    fn offsets_name_the_same_instant() {
        assert_eq!(
            parse_instant("2020-01-01T06:00:00+06:00"),
            parse_instant("2020-01-01T00:00:00Z")
        );
        assert_eq!(
            parse_instant("2020-01-01T06:00:00+0600"),
            parse_instant("2020-01-01T00:00:00Z")
        );
        assert_eq!(
            parse_instant("2019-12-31T19:00:00-05:00"),
            parse_instant("2020-01-01T00:00:00Z")
        );
        assert_eq!(
            parse_instant("2020-01-01"),
            parse_instant("2020-01-01T00:00:00Z")
        );
        assert_eq!(
            parse_instant("2020-01-01T00:00"),
            parse_instant("2020-01-01T00:00:00Z")
        );
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for text in [
            "",
            "2020",
            "2020-13-01",
            "2019-02-29T00:00:00Z",
            "2020-01-01T25:00:00Z",
            "yesterday",
            "2020-01-01T00:00:00Zx",
        ] {
            assert_eq!(parse_instant(text), None, "{text}");
        }
        assert!(parse_instant("2020-02-29T00:00:00Z").is_some());
    }

    #[test]
    fn head_reports_each_problem() {
        assert_eq!(
            ReleaseHead::of(&json!([1])),
            Err(ReleaseProblem::NotAnObject("an array"))
        );
        assert_eq!(
            ReleaseHead::of(&json!({"date": "2020-01-01"})),
            Err(ReleaseProblem::MissingOcid)
        );
        assert_eq!(
            ReleaseHead::of(&json!({"ocid": 5, "date": "2020-01-01"})),
            Err(ReleaseProblem::BadOcid)
        );
        assert_eq!(
            ReleaseHead::of(&json!({"ocid": "a"})),
            Err(ReleaseProblem::MissingDate)
        );
        assert!(matches!(
            ReleaseHead::of(&json!({"ocid": "a", "date": "soon"})),
            Err(ReleaseProblem::BadDate(_))
        ));
        let head = ReleaseHead::of(&json!({"ocid": "a", "id": 7, "date": "2020-01-01T00:00:00Z"}))
            .unwrap();
        assert_eq!(head.id.as_deref(), Some("7"));
        assert_eq!(head.instant, parse_instant("2020-01-01T00:00:00Z").unwrap());
    }
}
