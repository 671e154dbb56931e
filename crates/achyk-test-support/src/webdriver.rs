//! A small WebDriver client for browser tests: it starts Debian's `chromedriver`, opens a
//! headless Chromium session and speaks the W3C WebDriver protocol over plain HTTP/1.1 on
//! loopback (one request per connection), so no browser-automation crate that downloads its
//! own browser is needed.
//!
//! [`Browser::start`] returns `None` (after saying SKIPPED) when `chromedriver` or `chromium`
//! is missing, and panics under CI (`CI` set), where `.ci/run` installs both.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A headless Chromium session; the browser and its driver end when this is dropped.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    _profile: tempfile::TempDir,
    /// Where the browser saves what it downloads.
    downloads: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

fn found(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a window of `width` × `height`.
    pub fn start(width: u32, height: u32) -> Option<Browser> {
        if !(found("chromedriver") && found("chromium")) {
            assert!(
                std::env::var_os("CI").is_none(),
                "chromium and chromium-driver must be installed under CI"
            );
            eprintln!("SKIPPED: chromium or chromedriver is not installed");
            return None;
        }
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("a profile folder");
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
            _profile: profile,
            downloads: tempfile::tempdir().expect("a downloads folder"),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while browser.request("GET", "/status", None).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = browser._profile.path().display().to_string();
        let downloads = browser.downloads.path().display().to_string();
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    format!("--user-data-dir={profile}"),
                    format!("--window-size={width},{height}"),
                ],
                // Desktop windows are at least 500 pixels wide; a phone's viewport is not.
                "mobileEmulation": {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}},
                "prefs": {
                    "download.default_directory": downloads,
                    "download.prompt_for_download": false
                }
            }
        }}});
        let answer = browser
            .request("POST", "/session", Some(&capabilities))
            .expect("a new session");
        browser.session = answer["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {answer}"))
            .to_string();
        Some(browser)
    }

    fn request(&self, method: &str, path: &str, body: Option<&Value>) -> std::io::Result<Value> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        let body = body.map(Value::to_string).unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )?;
        // chromedriver keeps the connection open despite `Connection: close`: read the head,
        // then exactly the body its Content-Length announces (or chunks to the end).
        let mut received = Vec::new();
        let mut buffer = [0u8; 16 * 1024];
        let head_end = loop {
            if let Some(end) = received.windows(4).position(|window| window == b"\r\n\r\n") {
                break end + 4;
            }
            let read = stream.read(&mut buffer)?;
            if read == 0 {
                return Err(std::io::Error::other("the driver closed the connection"));
            }
            received.extend_from_slice(&buffer[..read]);
        };
        let head = String::from_utf8_lossy(&received[..head_end]).to_ascii_lowercase();
        let length = head.lines().find_map(|line| {
            line.strip_prefix("content-length:")
                .and_then(|value| value.trim().parse::<usize>().ok())
        });
        match length {
            Some(length) => {
                while received.len() < head_end + length {
                    let read = stream.read(&mut buffer)?;
                    if read == 0 {
                        break;
                    }
                    received.extend_from_slice(&buffer[..read]);
                }
            }
            None => {
                stream.read_to_end(&mut received)?;
            }
        }
        let body = String::from_utf8_lossy(&received[head_end..]).to_string();
        let payload = if head.contains("transfer-encoding: chunked") {
            dechunk(&body)
        } else {
            body
        };
        serde_json::from_str(&payload)
            .map_err(|error| std::io::Error::other(format!("{error}: {payload}")))
    }

    fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        let answer = self
            .request(method, &path, body.as_ref())
            .unwrap_or_else(|error| panic!("{method} {path}: {error}"));
        if let Some(error) = answer["value"].get("error") {
            panic!("{method} {path}: {error}: {}", answer["value"]["message"]);
        }
        answer["value"].clone()
    }

    pub fn goto(&self, url: &str) {
        self.command("POST", "/url", Some(json!({"url": url})));
    }

    pub fn url(&self) -> String {
        self.command("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Runs `script` (a function body) in the page and returns what it returns.
    pub fn execute(&self, script: &str) -> Value {
        self.command(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Waits up to ten seconds for `condition` (a script expression) to be true, for example
    /// after a click that navigates; panics if it never is.
    pub fn wait_until(&self, condition: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let script = format!("return Boolean({condition});");
        while self.execute(&script) != Value::Bool(true) {
            assert!(Instant::now() < deadline, "never true: {condition}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn element(&self, css: &str) -> String {
        let found = self.command(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        found
            .as_object()
            .and_then(|object| object.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    pub fn click(&self, css: &str) {
        let element = self.element(css);
        self.command(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let element = self.element(css);
        self.command(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({"text": text})),
        );
    }

    /// Runs `script` (a function body that calls its last argument with the result) in the
    /// page and returns what it passes.
    pub fn execute_async(&self, script: &str) -> Value {
        self.command(
            "POST",
            "/execute/async",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// The current page's WCAG 2.1 A and AA violations found by axe-core (vendored in
    /// `assets/axe-core`, injected through WebDriver, never served by the site), each as
    /// `rule: help [selectors]`; empty when it finds none.
    pub fn accessibility_violations(&self) -> Vec<String> {
        const AXE: &str = include_str!("../assets/axe-core/axe.min.js");
        let script = format!(
            "{AXE}\n;const done = arguments[arguments.length - 1];\n\
             window.axe.run(document, {{runOnly: {{type: 'tag', \
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}}})\
             .then(result => done(result.violations.map(violation => violation.id + ': ' \
             + violation.help + ' [' + violation.nodes.map(node => node.target.join(' '))\
             .join(', ') + ']')), error => done(['axe did not run: ' + error]));"
        );
        match self.execute_async(&script) {
            Value::Array(violations) => violations
                .into_iter()
                .map(|violation| violation.as_str().unwrap_or_default().to_string())
                .collect(),
            other => vec![format!("axe answered {other}")],
        }
    }

    /// The file called `name` once the browser has finished downloading it (waiting up to ten
    /// seconds), or `None`.
    pub fn downloaded(&self, name: &str) -> Option<Vec<u8>> {
        let path = self.downloads.path().join(name);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            // Chromium writes `name.crdownload` and renames it when the download is whole.
            if path.exists() {
                return std::fs::read(&path).ok();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// A PNG screenshot of the window.
    pub fn screenshot(&self) -> Vec<u8> {
        let encoded = self.command("GET", "/screenshot", None);
        decode_base64(encoded.as_str().unwrap_or_default())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.request("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    out
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |byte: u8| -> Option<u32> {
        Some(match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in text.bytes().filter_map(value) {
        buffer = (buffer << 6) | byte;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}
