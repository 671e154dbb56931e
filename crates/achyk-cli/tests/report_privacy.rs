//! Nothing about a reporter's connection survives: a report and a receipt look-up sent to a
//! real `achyk serve` with marker addresses and a marker user agent leave no trace of them in
//! what the server printed, nor in a dump of the database (SQLite, and PostgreSQL when a server
//! is named), and the contact sent is only in sealed form.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use achyk_test_support::databases::Databases;

const MARKERS: [&str; 5] = [
    "203.0.113.77",
    "198.51.100.66",
    "192.0.2.55",
    "MarkerAgent",
    "marker-contact-555",
];
const BOUNDARY: &str = "privacy-boundary";

fn achyk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_achyk"))
}

/// Sends a raw HTTP/1.1 request with the marker headers and returns the response.
fn send(address: &str, method: &str, path: &str, content_type: &str, body: &[u8]) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
         User-Agent: MarkerAgent/9.9 (reporter's phone)\r\n\
         X-Forwarded-For: 203.0.113.77, 198.51.100.66\r\nX-Real-IP: 198.51.100.66\r\n\
         Forwarded: for=192.0.2.55\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

fn multipart(fields: &[(&str, &str)]) -> Vec<u8> {
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    body.into_bytes()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

fn run_against(url: &str, directory: &std::path::Path) -> Vec<u8> {
    let key = directory.join("cso.key");
    let keys = achyk()
        .args(["keys", "--private-out"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(keys.status.success());
    let public = String::from_utf8(keys.stdout).unwrap().trim().to_owned();
    let stderr_path = directory.join("serve.stderr");
    let mut server = achyk()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--db",
            url,
            "--secret-file",
        ])
        .arg(directory.join("secret"))
        .args(["--seal-public-key", &public])
        .env("RUST_BACKTRACE", "1")
        // A debug build then panics on a report saying "panic-probe", with what it holds.
        .env("ACHYK_PANIC_PROBE", "1")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(server.stdout.take().unwrap());
    let mut printed = String::new();
    let address = loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "serve printed no address"
        );
        printed.push_str(&line);
        if let Some(rest) = line.split("serving http://").nth(1) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    let form = format!("multipart/form-data; boundary={BOUNDARY}");
    let response = send(
        &address,
        "POST",
        "/api/v1/reports",
        &form,
        &multipart(&[
            ("text", "The well was never dug"),
            ("category", "work_not_done"),
            ("contact", "+996 marker-contact-555"),
        ]),
    );
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
    let receipt = response
        .split("\"receipt\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    // The holder's view, a refused report and a malformed body go the same ways.
    let status = send(
        &address,
        "POST",
        "/en/report/status",
        "application/x-www-form-urlencoded",
        format!("code={receipt}&addition=more").as_bytes(),
    );
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    let refused = send(
        &address,
        "POST",
        "/en/report",
        &form,
        &multipart(&[("text", "x")]),
    );
    assert!(refused.starts_with("HTTP/1.1 400"), "{refused}");
    let broken = send(
        &address,
        "POST",
        "/api/v1/reports",
        &form,
        b"--privacy-boundary\r\nbroken",
    );
    assert!(broken.starts_with("HTTP/1.1 400"), "{broken}");
    // A handler that panics with the reporter's text and contact in its message: the visitor
    // gets a bare 500, the server says where, and neither the text nor the markers get out.
    let panicked = send(
        &address,
        "POST",
        "/api/v1/reports",
        &form,
        &multipart(&[
            ("text", "panic-probe: the well"),
            ("category", "work_not_done"),
            ("contact", "+996 marker-contact-555"),
        ]),
    );
    assert!(panicked.starts_with("HTTP/1.1 500"), "{panicked}");
    assert!(!panicked.contains("panic-probe"), "{panicked}");
    let lookup = send(
        &address,
        "GET",
        &format!("/api/v1/reports/receipt/{receipt}"),
        "text/plain",
        b"",
    );
    assert!(lookup.contains("\"state\":\"received\""), "{lookup}");

    server.kill().unwrap();
    server.wait().unwrap();
    stdout.read_to_string(&mut printed).unwrap();
    let stderr = std::fs::read(&stderr_path).unwrap();
    assert!(
        contains(&stderr, "achyk: internal error at"),
        "the probe's panic was reported: {}",
        String::from_utf8_lossy(&stderr)
    );
    assert!(
        !contains(&stderr, "panic-probe"),
        "the panic's message got out"
    );
    for marker in MARKERS {
        assert!(!printed.contains(marker), "standard output has {marker}");
        assert!(!contains(&stderr, marker), "standard error has {marker}");
    }
    // The CSO opens the contact with its key, off the server.
    let opened = achyk()
        .args(["contacts", "--db", url, "--key"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(
        opened.status.success(),
        "{}",
        String::from_utf8_lossy(&opened.stderr)
    );
    assert!(String::from_utf8_lossy(&opened.stdout).contains("+996 marker-contact-555"));
    receipt.into_bytes()
}

#[test]
fn a_sqlite_dump_holds_no_trace_of_the_reporter() {
    let directory = tempfile::tempdir().unwrap();
    let database = directory.path().join("achyk.db");
    let url = format!("sqlite://{}", database.display());
    let receipt = String::from_utf8(run_against(&url, directory.path())).unwrap();
    let dump = Command::new("sqlite3").arg(&database).arg(".dump").output();
    let mut bytes = std::fs::read(&database).unwrap();
    if let Ok(wal) = std::fs::read(directory.path().join("achyk.db-wal")) {
        bytes.extend(wal);
    }
    if let Ok(dump) = dump {
        bytes.extend(dump.stdout);
    }
    assert!(
        contains(&bytes, "The well was never dug"),
        "the report itself is stored"
    );
    for marker in MARKERS {
        assert!(!contains(&bytes, marker), "the database holds {marker}");
    }
    assert!(!contains(&bytes, &receipt));
    assert!(!contains(&bytes, &receipt.replace('-', "")));
}

#[test]
fn a_postgres_dump_holds_no_trace_of_the_reporter() {
    let Some(databases) = Databases::postgres() else {
        return;
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let url = runtime.block_on(databases.fresh_url());
    let directory = tempfile::tempdir().unwrap();
    let receipt = String::from_utf8(run_against(&url, directory.path())).unwrap();
    let dump = Command::new("pg_dump").arg(&url).output().unwrap();
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let bytes = dump.stdout;
    assert!(
        contains(&bytes, "The well was never dug"),
        "the report itself is stored"
    );
    for marker in MARKERS {
        assert!(!contains(&bytes, marker), "the dump holds {marker}");
    }
    assert!(!contains(&bytes, &receipt));
    runtime.block_on(databases.remove());
}
