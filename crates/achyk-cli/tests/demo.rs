//! `achyk demo`, the README's first command: it generates, loads and serves, in a folder of its
//! own, and a second run in the same folder reuses what the first made.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn achyk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_achyk"))
}

#[test]
fn the_demo_loads_a_generated_feed_and_serves_it() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("demo");
    let loaded = achyk()
        .args(["demo", "--processes", "150", "--no-serve", "--dir"])
        .arg(&folder)
        .output()
        .unwrap();
    assert!(
        loaded.status.success(),
        "{}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    let stdout = String::from_utf8_lossy(&loaded.stdout);
    assert!(stdout.contains("150 contracting processes"), "{stdout}");
    assert!(folder.join("achyk.db").exists() && folder.join("feed/page-000001.json").exists());
    // The bulk files the site serves count every process once.
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("bulk/index.json")).unwrap())
            .unwrap();
    let bulk_processes: i64 = index["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|year| year["processes"].as_i64().unwrap())
        .sum();
    assert_eq!(bulk_processes, 150);
    // Three demo accounts, to try moderation and cases.
    let accounts = std::fs::read_to_string(folder.join("demo-accounts.txt")).unwrap();
    assert_eq!(accounts.lines().count(), 3, "{accounts}");
    assert!(accounts.contains("admin@demo.kg") && accounts.contains("monitor@demo.kg"));

    // Every generated ocid is a stored process (counted from the pages themselves).
    let mut ocids = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(folder.join("feed")).unwrap() {
        let path = entry.unwrap().path();
        if !path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("page-")
        {
            continue;
        }
        let page: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for release in page["releases"].as_array().unwrap() {
            ocids.insert(release["ocid"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(ocids.len(), 150);

    // A second run reuses the pages and the database, and serves them.
    let mut served = achyk()
        .args(["demo", "--listen", "127.0.0.1:0", "--dir"])
        .arg(&folder)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(served.stdout.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("the demo prints its URL").unwrap();
        if let Some(rest) = line.split("serving http://").nth(1) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    let mut stream = TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    served.kill().unwrap();
    let mut stderr = String::new();
    served
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    served.wait().unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(stderr.contains("reusing the"), "{stderr}");
    // The import of the same pages stores nothing new.
    assert!(stderr.contains("releases read: 0 stored,"), "{stderr}");
}
