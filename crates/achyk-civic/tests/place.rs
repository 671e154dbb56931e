use achyk_civic::deadline::Date;
use achyk_civic::place::*;

#[test]
fn coordinates_round_to_the_village_grid() {
    // Osh bazaar, 40.52874 N 72.79519 E -> 40.53, 72.80.
    assert_eq!(blur_coordinates(40.52874, 72.79519), Ok((40.53, 72.80)));
    // 42.87461 N 74.60379 E (Bishkek) -> 42.87, 74.60.
    assert_eq!(blur_coordinates(42.87461, 74.60379), Ok((42.87, 74.60)));
    assert_eq!(blur_coordinates(-33.8568, -151.2153), Ok((-33.86, -151.22)));
    // Two points 300 m apart in one cell blur to the same point.
    assert_eq!(
        blur_coordinates(42.8712, 74.6012),
        blur_coordinates(42.8738, 74.6041)
    );
    assert_eq!(blur_coordinates(91.0, 0.0), Err(PlaceError::OutOfRange));
    assert_eq!(blur_coordinates(0.0, -180.5), Err(PlaceError::OutOfRange));
    assert_eq!(blur_coordinates(f64::NAN, 0.0), Err(PlaceError::OutOfRange));
}

#[test]
fn datetimes_are_cut_to_the_day_in_bishkek() {
    let d = |s: &str| Date::parse(s).unwrap();
    // 18:30 UTC is 00:30 the next day in Bishkek (+06:00).
    assert_eq!(blur_datetime("2026-05-01T18:30:00Z"), Ok(d("2026-05-02")));
    // 17:59:59 UTC is 23:59:59 the same day.
    assert_eq!(blur_datetime("2026-05-01T17:59:59Z"), Ok(d("2026-05-01")));
    assert_eq!(
        blur_datetime("2026-05-01T23:30:00+06:00"),
        Ok(d("2026-05-01"))
    );
    // 23:30 in Moscow (+03:00) is 02:30 next day in Bishkek.
    assert_eq!(
        blur_datetime("2026-12-31T23:30:00.123+03:00"),
        Ok(d("2027-01-01"))
    );
    // 01:00 at -05:00 is 06:00 UTC, 12:00 in Bishkek.
    assert_eq!(
        blur_datetime("2026-03-01T01:00:00-05:00"),
        Ok(d("2026-03-01"))
    );
    // 1970-01-01T00:00Z is 06:00 in Bishkek on the same day; 1969-12-31T17:59:59Z the day before.
    assert_eq!(day_in_bishkek(0), d("1970-01-01"));
    assert_eq!(day_in_bishkek(-21_601), d("1969-12-31"));
    for bad in [
        "2026-05-01",
        "2026-05-01T25:00:00Z",
        "2026-05-01T10:00:00",
        "2026-05-01T10:00:00+6",
        "yesterday",
        "2026-05-01T10:00:00.Z",
    ] {
        assert!(
            matches!(blur_datetime(bad), Err(PlaceError::BadDateTime(_))),
            "{bad}"
        );
    }
}
