//! A replay of the Kyrgyz OCDS API on `127.0.0.1:0`, for the tests of `achyk sync`: it serves
//! a set of releases by `since`, `offset` and `size` as the real API does, a `/api/validation`
//! document per day, and injects the failures the real API shows (5xx, stalls, truncated
//! bodies, dropped connections, broken JSON) on the requests a test chooses.
//!
//! The HTTP/1.1 is written by hand, one response per connection with `Connection: close`, so
//! that a fault controls every byte that goes out. Each connection has a thread of its own,
//! so a stalled response does not hold up the client's retry.
//!
//! ```text
//! GET /api/tendering?since=2024-01-15T10:12:00%2B06:00&offset=0&size=100
//! GET /api/validation?date=2024-01-15
//! ```
//!
//! `/api/tendering` returns a release package of the releases dated at or after `since`
//! (default: all), sorted by date (releases of the same instant in the order they were
//! added), from `offset` (default 0), at most `size` (default 100), with `links.next` set when
//! more remain and `null` otherwise.

use std::collections::{BTreeMap, VecDeque};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{Value, json};

/// A failure the server injects in place of (or before) a normal response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// An HTTP error status (500, 502, 504, ...) with a short body.
    Status(u16),
    /// The normal response, sent only after this delay (longer than the client's timeout).
    Delay(Duration),
    /// The headers with the full `Content-Length`, then half the body, then the connection
    /// is closed.
    Truncate,
    /// The connection is closed after the request is read, with no response at all.
    Close,
    /// A complete `200 OK` response whose body is the first half of the JSON document.
    InvalidJson,
}

/// One request the server received, and the fault it injected in answer, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The request target: path and query, as sent.
    pub target: String,
    pub fault: Option<Fault>,
}

#[derive(Default)]
struct State {
    /// `(instant in nanoseconds, order added, release)`, kept sorted.
    releases: Vec<(i128, u64, Value)>,
    added: u64,
    /// Every release ever added, in the order added.
    ever: Vec<Value>,
    /// Like the real feed, keep only the latest release of each process.
    latest_only: bool,
    /// Serve every page as if `offset` were 0 (an API without `offset`).
    ignore_offset: bool,
    validation: BTreeMap<String, Value>,
    script: VecDeque<Option<Fault>>,
    outage: Option<Fault>,
    random: Option<RandomFaults>,
    requests: Vec<Request>,
}

struct RandomFaults {
    state: u64,
    percent: u64,
    kinds: Vec<Fault>,
}

impl RandomFaults {
    fn next(&mut self) -> u64 {
        // xorshift64: deterministic for a seed, which is all a test needs.
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x
    }
}

/// The replay server. It stops when dropped.
pub struct ReplayServer {
    address: SocketAddr,
    state: Arc<Mutex<State>>,
    stopping: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ReplayServer {
    /// Starts a server holding `releases` (each needs a `date`).
    pub fn start(releases: Vec<Value>) -> ReplayServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let address = listener.local_addr().expect("a local address");
        let state = Arc::new(Mutex::new(State::default()));
        let stopping = Arc::new(AtomicBool::new(false));
        let state_for_server = Arc::clone(&state);
        let stopping_for_server = Arc::clone(&stopping);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let state = Arc::clone(&state);
                std::thread::spawn(move || {
                    let _ = serve(stream, address, &state);
                });
            }
        });
        let server = ReplayServer {
            address,
            state: Arc::clone(&state_for_server),
            stopping: stopping_for_server,
            thread: Some(thread),
        };
        server.add_releases(releases);
        server
    }

    /// `http://127.0.0.1:PORT`, the base URL to give the client.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds releases to those served (a process re-published later is a new release with a
    /// later date).
    pub fn add_releases(&self, releases: Vec<Value>) {
        let mut state = self.state();
        for release in releases {
            state.ever.push(release.clone());
            if state.latest_only {
                let ocid = release["ocid"].clone();
                state.releases.retain(|(_, _, kept)| kept["ocid"] != ocid);
            }
            let date = release["date"].as_str().unwrap_or_default();
            let instant = parse_instant(date)
                .unwrap_or_else(|| panic!("a release served must have a valid date, not {date:?}"));
            let order = state.added;
            state.added += 1;
            state.releases.push((instant, order, release));
        }
        state.releases.sort_by_key(|release| (release.0, release.1));
    }

    /// From now on, a release added replaces the one of its process the feed held, as on the
    /// real feed, which keeps only the latest release of each process.
    pub fn keep_latest_only(&self) {
        self.state().latest_only = true;
    }

    /// From now on, serve every page as if `offset` were 0, like an API that ignores it.
    pub fn ignore_offset(&self) {
        self.state().ignore_offset = true;
    }

    /// Every release ever added, in the order added (those replaced included).
    pub fn releases_ever(&self) -> Vec<Value> {
        self.state().ever.clone()
    }

    /// Every release the feed holds now, in the feed's order.
    pub fn releases(&self) -> Vec<Value> {
        self.state()
            .releases
            .iter()
            .map(|(_, _, release)| release.clone())
            .collect()
    }

    /// Serves `document` at `/api/validation?date=DATE` (other dates are 404).
    pub fn set_validation(&self, date: &str, document: Value) {
        self.state().validation.insert(date.to_string(), document);
    }

    /// Appends to the script of faults: the next requests take them in order, `None` being
    /// a normal response. The script comes before the outage and the random faults.
    pub fn push_faults(&self, faults: impl IntoIterator<Item = Option<Fault>>) {
        self.state().script.extend(faults);
    }

    /// Once the script is used up, every request gets `fault` (an outage), or, with `None`,
    /// the outage ends.
    pub fn set_outage(&self, fault: Option<Fault>) {
        self.state().outage = fault;
    }

    /// Once the script is used up and with no outage, each request gets one of `kinds` with
    /// probability `percent`%, drawn from a generator seeded with `seed`.
    pub fn set_random_faults(&self, seed: u64, percent: u64, kinds: Vec<Fault>) {
        self.state().random = Some(RandomFaults {
            state: seed.max(1),
            percent,
            kinds,
        });
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.state().requests.clone()
    }
}

impl Drop for ReplayServer {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the accepting thread so that it sees the flag.
        let _ = TcpStream::connect(self.address);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(mut stream: TcpStream, address: SocketAddr, state: &Mutex<State>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let Some(target) = read_request_target(&mut stream)? else {
        return Ok(());
    };
    let (fault, response) = {
        let mut state = state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let fault = next_fault(&mut state);
        state.requests.push(Request {
            target: target.clone(),
            fault: fault.clone(),
        });
        (fault, respond(&state, address, &target))
    };
    let (status, body) = response;
    match fault {
        None => write_response(&mut stream, status, body.as_bytes()),
        Some(Fault::Status(code)) => write_response(
            &mut stream,
            code,
            format!("{{\"error\": \"injected {code}\"}}").as_bytes(),
        ),
        Some(Fault::Delay(delay)) => {
            std::thread::sleep(delay);
            write_response(&mut stream, status, body.as_bytes())
        }
        Some(Fault::Truncate) => {
            write!(
                stream,
                "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                reason(status),
                body.len()
            )?;
            stream.write_all(&body.as_bytes()[..body.len() / 2])?;
            stream.flush()?;
            stream.shutdown(Shutdown::Both)
        }
        Some(Fault::Close) => stream.shutdown(Shutdown::Both),
        Some(Fault::InvalidJson) => {
            write_response(&mut stream, 200, &body.as_bytes()[..body.len() / 2])
        }
    }
}

fn next_fault(state: &mut State) -> Option<Fault> {
    if let Some(fault) = state.script.pop_front() {
        return fault;
    }
    if let Some(fault) = &state.outage {
        return Some(fault.clone());
    }
    let random = state.random.as_mut()?;
    if random.kinds.is_empty() || random.next() % 100 >= random.percent {
        return None;
    }
    let index = (random.next() % random.kinds.len() as u64) as usize;
    Some(random.kinds[index].clone())
}

/// Reads the request head and returns its target, or `None` if the client went away.
fn read_request_target(stream: &mut TcpStream) -> std::io::Result<Option<String>> {
    let mut head = Vec::new();
    let mut buffer = [0_u8; 4096];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            return Ok(None);
        }
        head.extend_from_slice(&buffer[..read]);
        if head.len() > 64 * 1024 {
            return Ok(None);
        }
    }
    let head = String::from_utf8_lossy(&head);
    let request_line = head.lines().next().unwrap_or_default();
    Ok(request_line.split(' ').nth(1).map(str::to_string))
}

fn write_response(stream: &mut TcpStream, status: u16, body: &[u8]) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reason(status),
        body.len()
    )?;
    stream.write_all(body)?;
    stream.flush()?;
    stream.shutdown(Shutdown::Both)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// The normal response to `target`: status and body.
fn respond(state: &State, address: SocketAddr, target: &str) -> (u16, String) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let parameters: BTreeMap<String, String> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect();
    let error = |status: u16, message: String| (status, json!({ "error": message }).to_string());
    match path {
        "/api/tendering" => {
            let since = match parameters.get("since") {
                None => i128::MIN,
                Some(text) => match parse_instant(text) {
                    Some(instant) => instant,
                    None => return error(400, format!("bad since {text:?}")),
                },
            };
            let number = |name: &str, default: usize| match parameters.get(name) {
                None => Ok(default),
                Some(text) => text.parse::<usize>().map_err(|_| format!("bad {name}")),
            };
            let (offset, size) = match (number("offset", 0), number("size", 100)) {
                (Ok(offset), Ok(size)) => (offset, size),
                (Err(message), _) | (_, Err(message)) => return error(400, message),
            };
            let after: Vec<&Value> = state
                .releases
                .iter()
                .filter(|(instant, _, _)| *instant >= since)
                .map(|(_, _, release)| release)
                .collect();
            let offset = if state.ignore_offset { 0 } else { offset };
            let page: Vec<&Value> = after.iter().skip(offset).take(size).copied().collect();
            let next = if offset + page.len() < after.len() {
                let last = page.last().and_then(|release| release["date"].as_str());
                Value::String(format!(
                    "http://{address}/api/tendering?since={}&size={size}",
                    last.unwrap_or_default().replace('+', "%2B")
                ))
            } else {
                Value::Null
            };
            let package = json!({
                "uri": format!("http://{address}{target}"),
                "version": "1.1",
                "extensions": [
                    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.4/extension.json",
                    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/master/extension.json",
                    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/master/extension.json"
                ],
                "publisher": {"name": "Ministry of Finance, Public Procurement Department"},
                "publishedDate": "2024-03-02T09:15:00+06:00",
                "releases": page,
                "links": {"next": next, "prev": null},
            });
            (
                200,
                serde_json::to_string_pretty(&package).expect("JSON serialises"),
            )
        }
        "/api/validation" => {
            let date = parameters.get("date").cloned().unwrap_or_default();
            match state.validation.get(&date) {
                Some(document) => (200, document.to_string()),
                None => error(404, format!("no validation for {date:?}")),
            }
        }
        _ => error(404, format!("no route {path}")),
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'%' if index + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        out.push(byte);
                        index += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        index += 1;
                    }
                }
            }
            // In a query, `+` is a space: a `+` in an offset must come as `%2B`.
            b'+' => {
                out.push(b' ');
                index += 1;
            }
            byte => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Nanoseconds since the epoch of `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`.
pub fn parse_instant(text: &str) -> Option<i128> {
    let text = text.trim();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        if part.bytes().all(|byte| byte.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if text.get(4..5)? != "-" || text.get(7..8)? != "-" || text.get(13..14)? != ":" {
        return None;
    }
    let mut rest = &text[19..];
    let mut nanos: i128 = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        let mut scale = 100_000_000_i128;
        for byte in fraction[..digits].bytes().take(9) {
            nanos += i128::from(byte - b'0') * scale;
            scale /= 10;
        }
        rest = &fraction[digits..];
    }
    let offset_seconds: i64 = match rest {
        "Z" | "z" | "" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let hours: i64 = rest.get(1..3)?.parse().ok()?;
            let minutes: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        - offset_seconds;
    Some(i128::from(seconds) * 1_000_000_000 + nanos)
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = if year >= 0 { year } else { year - 399 } / 400;
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// A small release of a made-up process `ocds-h7i0z4-{number}` published at `date`, with a
/// `tender.title` that tells the versions apart.
pub fn synthetic_release(number: u64, date: &str, title: &str) -> Value {
    json!({
        "ocid": format!("ocds-h7i0z4-{number}"),
        "id": format!("{number}-{date}"),
        "date": date,
        "tag": ["tender"],
        "initiationType": "tender",
        "tender": {"id": number.to_string(), "title": title, "status": "active"},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_in_any_offset() {
        assert_eq!(parse_instant("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_instant("1970-01-01T06:00:00+06:00"), Some(0));
        assert_eq!(parse_instant("1970-01-01T00:00:01.5Z"), Some(1_500_000_000));
        assert_eq!(
            parse_instant("2024-01-15T10:12:00+06:00"),
            Some(1_705_291_920 * 1_000_000_000)
        );
    }

    #[test]
    fn queries_decode() {
        assert_eq!(
            percent_decode("2024-01-15T10%3A12%3A00%2B06%3A00"),
            "2024-01-15T10:12:00+06:00"
        );
    }
}
