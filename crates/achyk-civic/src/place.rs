//! Blurring what the public sees of a report's place and time.
//!
//! Coordinates are rounded to a grid of [`GRID_DEGREES`] = 0.01°: about 1.1 km north–south
//! and, at Kyrgyzstan's latitudes (39–43° N), about 0.8–0.9 km east–west, the size of a
//! village. Times are cut to the calendar day in Asia/Bishkek (UTC+06:00 all year, no DST).

use crate::deadline::Date;

/// The grid step, in degrees.
pub const GRID_DEGREES: f64 = 0.01;
/// Asia/Bishkek's offset from UTC, in seconds.
pub const BISHKEK_OFFSET_SECONDS: i64 = 6 * 3600;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaceError {
    #[error("latitude must be between -90 and 90, longitude between -180 and 180")]
    OutOfRange,
    #[error("not a date and time (expected like 2026-05-01T14:30:00+06:00): {0:?}")]
    BadDateTime(String),
}

/// Coordinates rounded to the nearest point of the 0.01° grid.
pub fn blur_coordinates(lat: f64, lon: f64) -> Result<(f64, f64), PlaceError> {
    if !lat.is_finite() || !lon.is_finite() || lat.abs() > 90.0 || lon.abs() > 180.0 {
        return Err(PlaceError::OutOfRange);
    }
    // Round in hundredths to avoid 0.01 not being exact in binary.
    let round = |x: f64| (x * 100.0).round() / 100.0;
    Ok((round(lat), round(lon)))
}

/// The day in Bishkek of an instant given as seconds since the Unix epoch.
pub fn day_in_bishkek(unix_seconds: i64) -> Date {
    let days = unix_seconds
        .saturating_add(BISHKEK_OFFSET_SECONDS)
        .div_euclid(86_400);
    Date::from_days_since_epoch(days.clamp(i64::from(i32::MIN / 2), i64::from(i32::MAX / 2)) as i32)
}

/// The day in Bishkek of an RFC 3339 date-time (`2026-05-01T23:30:00Z`, `…+05:00`,
/// fractional seconds allowed).
pub fn blur_datetime(rfc3339: &str) -> Result<Date, PlaceError> {
    let bad = || PlaceError::BadDateTime(rfc3339.to_owned());
    let s = rfc3339.trim();
    if s.len() < 20 || !s.is_ascii() {
        return Err(bad());
    }
    let date = Date::parse(&s[..10]).map_err(|_| bad())?;
    let b = s.as_bytes();
    if !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Result<i64, PlaceError> {
        let part = &s[r];
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse().map_err(|_| bad())
    };
    let (h, m, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if h > 23 || m > 59 || sec > 60 {
        return Err(bad());
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad());
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && matches!(&rest[..1], "+" | "-") && &rest[3..4] == ":" => {
            let (oh, om) = (num(s.len() - 5..s.len() - 3)?, num(s.len() - 2..s.len())?);
            if oh > 23 || om > 59 {
                return Err(bad());
            }
            let o = oh * 3600 + om * 60;
            if rest.starts_with('-') { -o } else { o }
        }
        _ => return Err(bad()),
    };
    let unix = i64::from(date.days_since_epoch()) * 86_400 + h * 3600 + m * 60 + sec - offset;
    Ok(day_in_bishkek(unix))
}
