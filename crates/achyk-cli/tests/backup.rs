//! A site backed up while it runs and restored elsewhere is whole: the same processes, the
//! same report, found by the same receipt; a damaged backup is refused and leaves nothing.
//! Retention from the command line anonymises only what is old enough.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

fn achyk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_achyk"))
}

fn feed() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../achyk-kg/tests/fixtures/feed");
    vec![dir.join("page-1.json"), dir.join("page-2.json")]
}

fn serve(url: &str, secret: &Path) -> (Child, String) {
    let mut child = achyk()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--db",
            url,
            "--secret-file",
        ])
        .arg(secret)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("serve prints its address").unwrap();
        if let Some(rest) = line.split("serving http://").nth(1) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    (child, address)
}

fn http(address: &str, request: &str, body: &[u8]) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

fn get(address: &str, path: &str) -> String {
    http(
        address,
        &format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"),
        b"",
    )
}

#[test]
fn a_site_backed_up_while_running_is_whole_when_restored() {
    let dir = tempfile::tempdir().unwrap();
    let live = format!("sqlite://{}", dir.path().join("live.db").display());
    let imported = achyk()
        .args(["import", "--db", &live])
        .args(feed())
        .output()
        .unwrap();
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let secret = dir.path().join("secret");
    let (mut server, address) = serve(&live, &secret);
    let form = "--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nBroken bridge\r\n\
                --b\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nother\r\n--b--\r\n";
    let sent = http(
        &address,
        &format!(
            "POST /api/v1/reports HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
             Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {}\r\n\r\n",
            form.len()
        ),
        form.as_bytes(),
    );
    assert!(sent.starts_with("HTTP/1.1 201"), "{sent}");
    let receipt = sent
        .split("\"receipt\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let before = get(&address, "/api/v1/tenders?per_page=1");

    // Online: the server is still running.
    let copy = dir.path().join("backup.db");
    let backup = achyk()
        .args(["backup", "--db", &live, "--out"])
        .arg(&copy)
        .output()
        .unwrap();
    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    server.kill().unwrap();
    server.wait().unwrap();

    let restored_path = dir.path().join("restored.db");
    let restored = format!("sqlite://{}", restored_path.display());
    let restore = achyk()
        .args(["restore", "--db", &restored, "--from"])
        .arg(&copy)
        .output()
        .unwrap();
    assert!(
        restore.status.success(),
        "{}",
        String::from_utf8_lossy(&restore.stderr)
    );
    let again = achyk()
        .args(["restore", "--db", &restored, "--from"])
        .arg(&copy)
        .output()
        .unwrap();
    assert!(
        !again.status.success(),
        "an existing database is not replaced"
    );

    let (mut server, address) = serve(&restored, &secret);
    let after = get(&address, "/api/v1/tenders?per_page=1");
    let total = |response: &str| {
        response
            .split("\"total\":")
            .nth(1)
            .unwrap()
            .split([',', '}'])
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(total(&after), total(&before));
    let page = get(&address, "/en/tenders/ocds-h7i0z4-240115013");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    let status = get(&address, &format!("/api/v1/reports/receipt/{receipt}"));
    assert!(status.contains("\"state\":\"received\""), "{status}");
    server.kill().unwrap();
    server.wait().unwrap();

    // A damaged file is refused, and nothing is left at the target.
    let damaged = dir.path().join("damaged.db");
    let mut bytes = std::fs::read(&copy).unwrap();
    bytes.truncate(bytes.len() / 3);
    bytes[..16].copy_from_slice(b"not a database!\0");
    std::fs::write(&damaged, bytes).unwrap();
    let target = dir.path().join("from-damaged.db");
    let refused = achyk()
        .args([
            "restore",
            "--db",
            &format!("sqlite://{}", target.display()),
            "--from",
        ])
        .arg(&damaged)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(!target.exists());
    assert!(!target.with_extension("restoring").exists());

    // Retention with a long period keeps today's report; with 0 days... it is today's, so
    // nothing is older than today either.
    for days in ["3650", "0"] {
        let run = achyk()
            .args(["retention", "--db", &restored, "--days", days])
            .output()
            .unwrap();
        assert!(run.status.success());
        assert!(
            String::from_utf8_lossy(&run.stderr).contains("0 reports"),
            "{days}"
        );
    }
}
