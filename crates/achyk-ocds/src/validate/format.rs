//! The `format`s OCDS schemas use, checked as OCP's validator (lib-cove-ocds, on Python's
//! `jsonschema` with its format checker) checks them.

/// A `format` value Achyk checks. Other formats are not checked, as draft-04 allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    DateTime,
    Uri,
    Email,
}

impl Format {
    pub(crate) fn named(name: &str) -> Option<Format> {
        match name {
            "date-time" => Some(Format::DateTime),
            "uri" => Some(Format::Uri),
            "email" => Some(Format::Email),
            _ => None,
        }
    }

    pub(crate) fn accepts(self, text: &str) -> bool {
        match self {
            Format::DateTime => is_date_time(text),
            Format::Uri => is_uri(text),
            // What Python's jsonschema checks for `email`.
            Format::Email => text.contains('@'),
        }
    }

    /// What the value should have been, for messages ("… is not {describe}").
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Format::DateTime => {
                "a date-time with a time zone (RFC 3339, such as 2020-01-31T09:30:00Z or 2020-01-31T15:30:00+06:00)"
            }
            Format::Uri => "an absolute URI (RFC 3986)",
            Format::Email => "an email address",
        }
    }
}

/// RFC 3339 `date-time`, as the `rfc3339-validator` package behind Python's `jsonschema`
/// checks it: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`, `T` and `Z` in either case, a day
/// that exists in its month of a year from 0001, hours 00–23, minutes and seconds 00–59 (no leap second).
pub(crate) fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let slice = bytes.get(range)?;
        if slice.is_empty() || !slice.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(slice.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let at =
        |position: usize, wanted: &[u8]| bytes.get(position).is_some_and(|b| wanted.contains(b));
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        digits(0..4),
        digits(5..7),
        digits(8..10),
        digits(11..13),
        digits(14..16),
        digits(17..19),
    ) else {
        return false;
    };
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt") && at(13, b":") && at(16, b":")) {
        return false;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    // Year 0 is refused too, as `rfc3339-validator` does.
    if year == 0 || day == 0 || day > days || hour > 23 || minute > 59 || second > 59 {
        return false;
    }
    let mut position = 19;
    if at(position, b".") {
        let start = position + 1;
        position = start;
        while at(position, b"0123456789") {
            position += 1;
        }
        if position == start {
            return false;
        }
    }
    match bytes.get(position) {
        Some(b'Z' | b'z') => position + 1 == bytes.len(),
        Some(b'+' | b'-') => {
            position + 6 == bytes.len()
                && at(position + 3, b":")
                && digits(position + 1..position + 3).is_some_and(|hours| hours <= 23)
                && digits(position + 4..position + 6).is_some_and(|minutes| minutes <= 59)
        }
        _ => false,
    }
}

/// RFC 3986 `URI` (an absolute URI, with an optional fragment), checked character by
/// character against its grammar, as the `rfc3987` package behind Python's `jsonschema` checks
/// the `uri` format. Non-ASCII text (an IRI) is not a URI.
pub(crate) fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut scheme_bytes = scheme.bytes();
    if !scheme_bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        || !scheme_bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    {
        return false;
    }
    let (rest, fragment) = match rest.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (rest, None),
    };
    let (hierarchy, query) = match rest.split_once('?') {
        Some((hierarchy, query)) => (hierarchy, Some(query)),
        None => (rest, None),
    };
    let query_ok = |part: &str| all_chars(part, |b| is_pchar(b) || b == b'/' || b == b'?');
    if !query.is_none_or(query_ok) || !fragment.is_none_or(query_ok) {
        return false;
    }
    let path = match hierarchy.strip_prefix("//") {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            if !is_authority(&after[..end]) {
                return false;
            }
            &after[end..]
        }
        None => hierarchy,
    };
    all_chars(path, |b| is_pchar(b) || b == b'/')
}

fn is_authority(authority: &str) -> bool {
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((userinfo, host_port)) => (Some(userinfo), host_port),
        None => (None, authority),
    };
    if !userinfo.is_none_or(|userinfo| {
        all_chars(userinfo, |b| {
            is_unreserved(b) || is_sub_delim(b) || b == b':'
        })
    }) {
        return false;
    }
    let (host, port) = if host_port.starts_with('[') {
        let Some(close) = host_port.find(']') else {
            return false;
        };
        let literal = &host_port[1..close];
        if literal.is_empty()
            || !literal.bytes().all(|b| {
                b.is_ascii_hexdigit() || b":.".contains(&b) || is_unreserved(b) || is_sub_delim(b)
            })
        {
            return false;
        }
        match &host_port[close + 1..] {
            "" => ("", None),
            after => match after.strip_prefix(':') {
                Some(port) => ("", Some(port)),
                None => return false,
            },
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    all_chars(host, |b| is_unreserved(b) || is_sub_delim(b))
        && port.is_none_or(|port| port.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether every character of `part` passes `allowed` or starts a `%XX` escape.
fn all_chars(part: &str, allowed: impl Fn(u8) -> bool) -> bool {
    let bytes = part.as_bytes();
    let mut position = 0;
    while position < bytes.len() {
        let byte = bytes[position];
        if byte == b'%' {
            let escape_ok = bytes
                .get(position + 1..position + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit));
            if !escape_ok {
                return false;
            }
            position += 3;
        } else if allowed(byte) {
            position += 1;
        } else {
            return false;
        }
    }
    true
}

fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~".contains(&byte)
}

fn is_sub_delim(byte: u8) -> bool {
    b"!$&'()*+,;=".contains(&byte)
}

fn is_pchar(byte: u8) -> bool {
    is_unreserved(byte) || is_sub_delim(byte) || byte == b':' || byte == b'@'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times() {
        for good in [
            "2020-01-31T09:30:00Z",
            "2020-01-31t09:30:00z",
            "2020-02-29T00:00:00.123456+06:00",
            "2019-12-31T23:59:59-05:00",
        ] {
            assert!(is_date_time(good), "{good}");
        }
        for bad in [
            "",
            "2020-01-31",
            "2020-01-31T09:30:00",
            "2020-01-31T09:30Z",
            "2020-01-31 09:30:00Z",
            "2019-02-29T00:00:00Z",
            "2020-13-01T00:00:00Z",
            "2020-01-31T24:00:00Z",
            "2020-01-31T23:59:60Z",
            "2020-01-31T09:30:00.Z",
            "2020-01-31T09:30:00+0600",
            "2020-01-31T09:30:00+24:00",
            "2020-01-31T09:30:00Zjunk",
            "２020-01-31T09:30:00Z",
            "2020-01-3é",
            "0000-01-01T00:00:00Z",
            "2020-01-31T09:30:00Z\n",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }

    #[test]
    fn uris() {
        for good in [
            "https://example.com",
            "http://data.companieshouse.gov.uk/doc/company/09506232",
            "https://user:pw@example.com:8080/a/b%20c?x=1&y=/z?#frag/?",
            "mailto:someone@example.com",
            "urn:isbn:0451450523",
            "http://[2001:db8::1]:80/",
            "ftp://example.com/",
            "http://example.com:/",
        ] {
            assert!(is_uri(good), "{good}");
        }
        for bad in [
            "",
            "example.com",
            "/relative/path",
            "1http://example.com",
            "http://exa mple.com",
            "http://example.com/ä",
            "http://example.com/%zz",
            "http://example.com/a#b#c",
            "http://example.com:80a/",
            "http://[::1/",
            "http://example.com/{id}",
        ] {
            assert!(!is_uri(bad), "{bad}");
        }
    }
}
