//! Pulls the Kyrgyz OCDS API's `/api/tendering` into the store, incrementally and resumably,
//! and checks a day's completeness against `/api/validation`.
//!
//! # Paging
//! `GET {base}/api/tendering?since=S&offset=O&size=N` returns the releases dated at or after
//! `S` (seconds and `+06:00`), oldest first. A process that is updated is re-published with a
//! new date, so paging by page number could skip it; paging is by a cursor instead: the
//! newest release date seen, in the API's form. The next page asks `since` = that cursor,
//! which overlaps the boundary (releases of that very second come again); the store
//! de-duplicates, since a release is stored once per (ocid, id, content). When a full page
//! holds only releases of the cursor's second, the cursor cannot advance: `offset` then steps
//! past the releases of that second already stored ([`SyncCursor::position`]).
//!
//! A sync stops when a page is empty, when `links.next` is `null`, or when a page is not
//! full and does not move the cursor to a later second (nothing new is left).
//!
//! # Crashes and failures
//! Each page is stored (releases, then the processes it changed recomputed) before the
//! cursor is written, so the cursor never runs ahead of what is stored: after a crash,
//! `kill -9` or a network failure, the next run starts from the stored cursor and at worst
//! asks for the last page again. 5xx, 408 and 429 responses, timeouts, dropped connections,
//! truncated bodies and JSON that does not parse are retried after exponential backoff; a
//! minimum interval separates any two requests (the rate limit). After the last attempt the
//! sync stops with [`SyncError::GaveUp`]; what was stored stays.
//!
//! # Known limit
//! The feed keeps only the latest release of a process. If, while a sync steps by `offset`
//! through more releases of one second than fit in a page, one of those already read is
//! re-published, the rest of that second shift down by one and one of them can be stepped
//! over. Only seconds holding more releases than a page meet this.

use std::time::{Duration, Instant};

use achyk_ocds::release::parse_instant;
use achyk_store::{Ocid, Rejection, Store, StoreError, SyncCursor};
use serde::Deserialize;
use serde_json::Value;

/// Where the Kyrgyz OCDS API lives.
pub const DEFAULT_BASE_URL: &str = "http://ocds.zakupki.gov.kg";
/// Where a first sync starts when no cursor is stored and no `--since` is given: before the
/// first procurement under the 2015 law was published.
pub const DEFAULT_SINCE: &str = "2015-01-01T00:00:00+06:00";
/// The name of `/api/tendering`'s cursor in the store.
pub const TENDERING_FEED: &str = "tendering";
/// The ocid prefix of the Kyrgyz publisher.
pub const OCID_PREFIX: &str = "ocds-h7i0z4-";
/// The API's time zone (Bishkek, no daylight saving), in seconds east of UTC.
const BISHKEK_OFFSET_SECONDS: i64 = 6 * 3600;

/// How a sync talks to the API.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// `http://host[:port]`, without `/api`.
    pub base_url: String,
    /// Releases asked for per page (`size`).
    pub page_size: usize,
    /// The longest one request may take, body included.
    pub timeout: Duration,
    /// Attempts per request before giving up (at least 1).
    pub attempts: u32,
    /// The wait before the first retry; each further retry waits twice as long.
    pub backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
    /// The shortest interval between the starts of two requests.
    pub rate_limit: Duration,
    /// Start here (`YYYY-MM-DDTHH:MM:SS` with an offset, or a date) instead of the stored
    /// cursor.
    pub since: Option<String>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            base_url: DEFAULT_BASE_URL.to_string(),
            page_size: 100,
            timeout: Duration::from_secs(60),
            attempts: 6,
            backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(120),
            rate_limit: Duration::from_millis(500),
            since: None,
        }
    }
}

/// Why a sync or a check stopped.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0:?} is not a date-time (expected for example 2024-01-15T10:12:00+06:00)")]
    BadSince(String),
    #[error("{0:?} is not a date (expected YYYY-MM-DD)")]
    BadDate(String),
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
    /// Every attempt at one request failed. For a sync, what was stored before stays, and so
    /// does the cursor, which points at the page that failed.
    #[error("gave up on {url} after {attempts} attempts (last: {last}); {what_now}")]
    GaveUp {
        url: String,
        attempts: u32,
        last: String,
        /// What was kept and how to go on.
        what_now: String,
    },
    /// The API answered something that retrying will not change.
    #[error("{url} answered {message}")]
    Refused { url: String, message: String },
    /// Stepping by `offset` through releases of one second brought the same page again: the
    /// API ignores `offset`, and the releases of that second beyond one page are out of reach.
    #[error(
        "{url} returned the same releases as the offset before it: the API seems to ignore \
         `offset`, so more releases dated {since} than one page holds cannot be paged through; \
         run again with a larger --page-size"
    )]
    Stuck { url: String, since: String },
    #[error("the validation document of {date} has no list of ids (tenders.ids or contracts.ids)")]
    UnexpectedValidation { date: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a sync did so far (handed to the progress callback after each page) or in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// The cursor the sync started from.
    pub started_from: String,
    pub pages: u64,
    /// Releases received, overlaps included.
    pub releases_received: u64,
    /// Releases stored (new versions included).
    pub inserted: u64,
    /// Releases received again (the overlap, or an earlier run's).
    pub unchanged: u64,
    pub rejected: u64,
    /// Compiled releases rewritten.
    pub processes_recomputed: u64,
    /// Attempts that failed and were retried.
    pub retries: u64,
    /// The cursor stored last.
    pub cursor: Option<SyncCursor>,
    pub elapsed: Duration,
}

impl SyncReport {
    /// Releases received per second.
    pub fn rate(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.releases_received as f64 / seconds
        } else {
            0.0
        }
    }
}

/// What a sync tells its caller while it runs.
#[derive(Debug)]
pub enum SyncEvent<'a> {
    /// A page was stored and the cursor moved.
    Page(&'a SyncReport),
    /// An attempt failed; the next one starts after `delay`.
    Retry {
        url: &'a str,
        attempt: u32,
        attempts: u32,
        error: &'a str,
        delay: Duration,
    },
    /// A release was not stored (bad data is reported, never fatal).
    Rejected(&'a Rejection),
}

/// The fields of a page the cursor needs; the store reads the releases themselves.
#[derive(Deserialize)]
struct PageHead {
    releases: Vec<ReleaseDate>,
    #[serde(default)]
    links: Option<Links>,
}

#[derive(Deserialize, PartialEq)]
struct ReleaseDate {
    #[serde(default)]
    ocid: Option<Value>,
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    date: Option<Value>,
}

#[derive(Deserialize)]
struct Links {
    #[serde(default)]
    next: Option<Value>,
}

/// Pulls `/api/tendering` from the stored cursor (or `options.since`) to the end of the
/// feed. See the module documentation for the paging and what a failure leaves.
pub async fn sync(
    store: &Store,
    options: &SyncOptions,
    progress: &mut dyn FnMut(SyncEvent<'_>),
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let (mut since, mut position) = match &options.since {
        Some(text) => (parse_since(text)?, 0),
        None => match store.sync_cursor(TENDERING_FEED).await? {
            Some(cursor) => (parse_since(&cursor.since)?, cursor.position.max(0)),
            None => (parse_since(DEFAULT_SINCE)?, 0),
        },
    };
    let size = options.page_size.max(1);
    let mut client = Client::new(options)?;
    let mut report = SyncReport {
        started_from: format_since(since),
        ..SyncReport::default()
    };
    // The first release of the last page that stepped by offset, to notice an API that
    // ignores `offset` (it would hand out that page for ever).
    let mut stepped_from: Option<ReleaseDate> = None;
    loop {
        let query = format!(
            "since={}&offset={position}&size={size}",
            encode_query_value(&format_since(since))
        );
        let url = format!(
            "{}/api/tendering?{query}",
            options.base_url.trim_end_matches('/')
        );
        let fetched = client
            .get(
                &url,
                |body| {
                    serde_json::from_slice::<PageHead>(body).map_err(|error| {
                        format!("the body is not a release package ({error}), truncated perhaps")
                    })
                },
                progress,
            )
            .await;
        report.retries = client.retries;
        let (body, head) = match fetched {
            Ok(fetched) => fetched,
            Err(Failure::GaveUp { attempts, last }) => {
                let what_now = if report.pages == 0 && options.since.is_none() {
                    format!(
                        "nothing was stored by this run; running the same sync again resumes \
                         at {}",
                        format_since(since)
                    )
                } else {
                    format!(
                        "the releases stored so far are kept, and so is the cursor (since {}, \
                         offset {position}): running the same sync again without --since \
                         resumes there",
                        format_since(since)
                    )
                };
                return Err(SyncError::GaveUp {
                    url,
                    attempts,
                    last,
                    what_now,
                });
            }
            Err(Failure::Refused(message)) => return Err(SyncError::Refused { url, message }),
        };

        if stepped_from.is_some() && stepped_from.as_ref() == head.releases.first() {
            return Err(SyncError::Stuck {
                url,
                since: format_since(since),
            });
        }

        let source = format!("/api/tendering?{query}");
        let imported = store.import_publications(&[(&source, &body)]).await?;
        for rejection in &imported.rejected {
            progress(SyncEvent::Rejected(rejection));
        }

        let received = head.releases.len();
        let newest = head
            .releases
            .iter()
            .filter_map(|release| release.date.as_ref()?.as_str())
            .filter_map(parse_instant)
            .map(|instant| instant.div_euclid(1_000_000_000) as i64)
            .max();
        let (next_since, next_position) = match newest {
            // Ask again from the newest second: its releases come again (the overlap), and
            // whatever else shares it too.
            Some(newest) if newest > since => (newest, 0),
            // Only releases of the cursor's second (or none with a date): step past them.
            _ => (since, position + received as i64),
        };
        let cursor = SyncCursor {
            since: format_since(next_since),
            position: next_position,
        };
        // Strictly after the page's releases are stored: never ahead of them.
        if received > 0 {
            store.set_sync_cursor(TENDERING_FEED, &cursor).await?;
        }

        report.pages += 1;
        report.releases_received += received as u64;
        report.inserted += imported.inserted as u64;
        report.unchanged += imported.unchanged as u64;
        report.rejected += imported.rejected.len() as u64;
        report.processes_recomputed += imported.recomputed.processes as u64;
        report.cursor = Some(cursor);
        report.elapsed = started.elapsed();
        progress(SyncEvent::Page(&report));

        let no_next = head
            .links
            .as_ref()
            .is_some_and(|links| links.next.as_ref().is_none_or(Value::is_null));
        let moved_on = newest.is_some_and(|newest| newest > since);
        stepped_from = if moved_on {
            None
        } else {
            head.releases.into_iter().next()
        };
        if received == 0 || no_next || (received < size && !moved_on) {
            break;
        }
        since = next_since;
        position = next_position;
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// What `/api/validation` lists for a day, against what is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    pub date: String,
    /// The day's processes as the API lists them (ocids, each once).
    pub listed: Vec<Ocid>,
    /// Those with no stored release.
    pub missing: Vec<Ocid>,
}

/// Compares the ocids `/api/validation?date=DATE` lists with the stored releases.
///
/// The document's shape is not published. Assumed (and served so by the tests' replay):
/// `{"date": "2024-01-15", "tenders": {"count": 2, "ids": [..]}, "contracts": {"count": 1,
/// "ids": [..]}}`, where an id is an ocid (`ocds-h7i0z4-...`) or a bare tender number
/// (`240115013`, or `contract-based-77120`), to which the prefix `ocds-h7i0z4-` is added.
/// Every member of the top-level object with an `ids` array is read, and so is a top-level
/// `ids` array, so that a flatter shape works too; numbers are taken as ids.
pub async fn check(
    store: &Store,
    options: &SyncOptions,
    date: &str,
    progress: &mut dyn FnMut(SyncEvent<'_>),
) -> Result<CheckReport, SyncError> {
    if !is_plain_date(date) {
        return Err(SyncError::BadDate(date.to_string()));
    }
    let url = format!(
        "{}/api/validation?date={date}",
        options.base_url.trim_end_matches('/')
    );
    let mut client = Client::new(options)?;
    let fetched = client
        .get(
            &url,
            |body| {
                serde_json::from_slice::<Value>(body)
                    .map_err(|error| format!("the body is not JSON ({error}), truncated perhaps"))
            },
            progress,
        )
        .await;
    let (_, document) = match fetched {
        Ok(fetched) => fetched,
        Err(Failure::GaveUp { attempts, last }) => {
            return Err(SyncError::GaveUp {
                url,
                attempts,
                last,
                what_now: "nothing was changed; run the check again later".to_string(),
            });
        }
        Err(Failure::Refused(message)) => return Err(SyncError::Refused { url, message }),
    };
    let listed = validation_ocids(&document).ok_or_else(|| SyncError::UnexpectedValidation {
        date: date.to_string(),
    })?;
    let missing = store.missing_ocids(&listed).await?;
    Ok(CheckReport {
        date: date.to_string(),
        listed,
        missing,
    })
}

/// The ocids a validation document lists, each once, in order; `None` when it has no list
/// of ids at all. See [`check`] for the shape assumed.
pub fn validation_ocids(document: &Value) -> Option<Vec<Ocid>> {
    let mut lists: Vec<&Vec<Value>> = Vec::new();
    let object = document.as_object()?;
    if let Some(Value::Array(ids)) = object.get("ids") {
        lists.push(ids);
    }
    for member in object.values() {
        if let Some(Value::Array(ids)) = member.get("ids") {
            lists.push(ids);
        }
    }
    if lists.is_empty() {
        return None;
    }
    let mut seen = std::collections::HashSet::new();
    let mut ocids = Vec::new();
    for id in lists.into_iter().flatten() {
        let text = match id {
            Value::String(text) => text.trim().to_string(),
            Value::Number(number) => number.to_string(),
            _ => continue,
        };
        if text.is_empty() {
            continue;
        }
        let ocid = if text.starts_with("ocds-") {
            text
        } else {
            format!("{OCID_PREFIX}{text}")
        };
        if seen.insert(ocid.clone()) {
            ocids.push(Ocid(ocid));
        }
    }
    Some(ocids)
}

/// Reads a `--since` value: any ISO 8601 date-time or date (a bare date or one without an
/// offset is read in Bishkek time), to whole seconds since the epoch.
pub fn parse_since(text: &str) -> Result<i64, SyncError> {
    let trimmed = text.trim();
    let has_offset = trimmed.len() > 10 && {
        let time = &trimmed[10..];
        time.ends_with('Z') || time.ends_with('z') || time.contains('+') || time.contains('-')
    };
    let instant = parse_instant(trimmed).ok_or_else(|| SyncError::BadSince(text.to_string()))?;
    let seconds = instant.div_euclid(1_000_000_000) as i64;
    Ok(if has_offset {
        seconds
    } else {
        seconds - BISHKEK_OFFSET_SECONDS
    })
}

/// Seconds since the epoch as the API's cursor: `YYYY-MM-DDTHH:MM:SS+06:00`.
pub fn format_since(seconds: i64) -> String {
    achyk_ocds::release::format_instant(seconds, (BISHKEK_OFFSET_SECONDS / 60) as i32)
}

fn is_plain_date(text: &str) -> bool {
    text.len() == 10
        && text.bytes().enumerate().all(|(index, byte)| match index {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        })
        && parse_instant(text).is_some()
}

/// Percent-encodes what a query value cannot carry as is (`+` would read as a space).
fn encode_query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Why a request produced nothing.
enum Failure {
    GaveUp {
        attempts: u32,
        last: String,
    },
    /// An answer that retrying will not change (a 4xx other than 408 and 429).
    Refused(String),
}

/// The HTTP client with its rate limit and retries.
struct Client {
    http: reqwest::Client,
    attempts: u32,
    backoff: Duration,
    max_backoff: Duration,
    rate_limit: Duration,
    last_request: Option<Instant>,
    retries: u64,
}

impl Client {
    fn new(options: &SyncOptions) -> Result<Client, SyncError> {
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            .user_agent(concat!("achyk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| SyncError::Client(error_chain(&error)))?;
        Ok(Client {
            http,
            attempts: options.attempts.max(1),
            backoff: options.backoff,
            max_backoff: options.max_backoff,
            rate_limit: options.rate_limit,
            last_request: None,
            retries: 0,
        })
    }

    /// GETs `url`, telling `progress` of each retry, until its body is complete and `parse` accepts it, or the attempts run out.
    async fn get<T>(
        &mut self,
        url: &str,
        parse: impl Fn(&[u8]) -> Result<T, String>,
        progress: &mut dyn FnMut(SyncEvent<'_>),
    ) -> Result<(Vec<u8>, T), Failure> {
        let mut last = String::new();
        for attempt in 1..=self.attempts {
            if attempt > 1 {
                let delay = self
                    .backoff
                    .saturating_mul(1_u32 << (attempt - 2).min(20))
                    .min(self.max_backoff);
                self.retries += 1;
                progress(SyncEvent::Retry {
                    url,
                    attempt: attempt - 1,
                    attempts: self.attempts,
                    error: &last,
                    delay,
                });
                tokio::time::sleep(delay).await;
            }
            self.wait_turn().await;
            match self.try_get(url).await {
                Ok(body) => match parse(&body) {
                    Ok(parsed) => return Ok((body, parsed)),
                    Err(message) => last = message,
                },
                Err(Attempt::Retry(message)) => last = message,
                Err(Attempt::Refused(message)) => return Err(Failure::Refused(message)),
            }
        }
        Err(Failure::GaveUp {
            attempts: self.attempts,
            last,
        })
    }

    async fn wait_turn(&mut self) {
        if let Some(last) = self.last_request {
            let next = last + self.rate_limit;
            let now = Instant::now();
            if next > now {
                tokio::time::sleep(next - now).await;
            }
        }
        self.last_request = Some(Instant::now());
    }

    async fn try_get(&self, url: &str) -> Result<Vec<u8>, Attempt> {
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|error| Attempt::Retry(describe(error)))?;
        let status = response.status();
        let expected_length = response.content_length();
        if !status.is_success() {
            let message = format!("HTTP {status}");
            return Err(
                if status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429 {
                    Attempt::Retry(message)
                } else {
                    Attempt::Refused(message)
                },
            );
        }
        let body = response
            .bytes()
            .await
            .map_err(|error| Attempt::Retry(describe(error)))?;
        if let Some(expected) = expected_length
            && (body.len() as u64) < expected
        {
            return Err(Attempt::Retry(format!(
                "truncated body: {} of {expected} bytes",
                body.len()
            )));
        }
        Ok(body.to_vec())
    }
}

enum Attempt {
    Retry(String),
    Refused(String),
}

fn describe(error: reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else if error.is_body() || error.is_decode() {
        "body cut short"
    } else {
        "request failed"
    };
    // The URL is said once already, by whoever reports the failure.
    let error = error.without_url();
    format!("{kind}: {}", error_chain(&error))
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_in_bishkek_time_with_seconds() {
        assert_eq!(format_since(0), "1970-01-01T06:00:00+06:00");
        let seconds = parse_since("2024-01-15T10:12:00.75+06:00").unwrap();
        assert_eq!(format_since(seconds), "2024-01-15T10:12:00+06:00");
        assert_eq!(
            format_since(parse_since("2024-02-29T23:30:00Z").unwrap()),
            "2024-03-01T05:30:00+06:00"
        );
        // Without an offset, Bishkek time.
        assert_eq!(
            format_since(parse_since("2024-01-15").unwrap()),
            "2024-01-15T00:00:00+06:00"
        );
        assert_eq!(
            format_since(parse_since(DEFAULT_SINCE).unwrap()),
            DEFAULT_SINCE
        );
        assert!(parse_since("yesterday").is_err());
    }

    #[test]
    fn cursors_round_trip_over_many_days() {
        for day in -800_i64..800 {
            let seconds = day * 86_400 * 17 + 12_345;
            assert_eq!(parse_since(&format_since(seconds)).unwrap(), seconds);
        }
    }

    #[test]
    fn the_plus_of_the_offset_is_encoded() {
        assert_eq!(
            encode_query_value("2024-01-15T10:12:00+06:00"),
            "2024-01-15T10%3A12%3A00%2B06%3A00"
        );
    }

    #[test]
    fn validation_ids_may_be_ocids_or_bare_numbers() {
        let document = serde_json::json!({
            "date": "2024-01-15",
            "tenders": {"count": 3, "ids": ["ocds-h7i0z4-1", "2", 3, "2"]},
            "contracts": {"count": 1, "ids": ["contract-based-77120"]},
        });
        let ocids: Vec<String> = validation_ocids(&document)
            .unwrap()
            .into_iter()
            .map(|ocid| ocid.0)
            .collect();
        assert_eq!(
            ocids,
            [
                "ocds-h7i0z4-1",
                "ocds-h7i0z4-2",
                "ocds-h7i0z4-3",
                "ocds-h7i0z4-contract-based-77120"
            ]
        );
        assert_eq!(validation_ocids(&serde_json::json!({"count": 3})), None);
    }
}
