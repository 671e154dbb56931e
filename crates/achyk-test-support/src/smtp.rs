//! A local SMTP sink for the tests: a real SMTP server on a loopback port that accepts every
//! message (RFC 5321's commands as far as a client needs them) and keeps it for the test to read.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One message as received: envelope and the DATA as sent (dot-unstuffed).
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

pub struct SmtpSink {
    address: String,
    messages: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let address = listener.local_addr().unwrap().to_string();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let kept = messages.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let kept = kept.clone();
                std::thread::spawn(move || {
                    let _ = session(stream, &kept);
                });
            }
        });
        SmtpSink { address, messages }
    }

    /// `smtp://127.0.0.1:PORT` (unencrypted).
    pub fn url(&self) -> String {
        format!("smtp://{}", self.address)
    }

    pub fn messages(&self) -> Vec<Received> {
        self.messages.lock().unwrap().clone()
    }
}

fn session(stream: TcpStream, kept: &Mutex<Vec<Received>>) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    writer.write_all(b"220 sink.test ESMTP\r\n")?;
    let mut from = String::new();
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            writer.write_all(b"250-sink.test\r\n250 8BITMIME\r\n")?;
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            writer.write_all(b"250 OK\r\n")?;
        } else if upper.starts_with("RSET") {
            from.clear();
            to.clear();
            writer.write_all(b"250 OK\r\n")?;
        } else if upper.starts_with("MAIL FROM:") {
            from = command[10..].trim().to_string();
            writer.write_all(b"250 OK\r\n")?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(command[8..].trim().to_string());
            writer.write_all(b"250 OK\r\n")?;
        } else if upper == "DATA" {
            writer.write_all(b"354 go on\r\n")?;
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            kept.lock().unwrap().push(Received {
                from: std::mem::take(&mut from),
                to: std::mem::take(&mut to),
                data,
            });
            writer.write_all(b"250 kept\r\n")?;
        } else if upper.starts_with("QUIT") {
            writer.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            writer.write_all(b"502 not here\r\n")?;
        }
    }
}
