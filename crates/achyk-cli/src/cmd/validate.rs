//! `achyk validate`: check publications against the OCDS 1.1.5 schemas and the extensions
//! their packages declare.
//!
//! One line per problem or warning on standard output, in input order:
//! `file:line [ocid] /json/pointer: kind: message` (`file (item N)` when the line is not known),
//! then a summary line. With `--json`, standard output holds one JSON object per finding
//! (JSON Lines) and the summary goes to standard error. Errors of the command itself (a file
//! that cannot be opened or read) go to standard error.
//!
//! Exit code: 0 when everything was read and valid; 1 when problems were found (warnings alone
//! are not problems); 2 when a file could not be opened or read (the other files are still
//! checked).

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;

use achyk_ocds::ItemKind;
use achyk_ocds::read_publication;
use achyk_ocds::validate::{CheckOptions, Checker, Finding, Subject};
use serde_json::json;

#[derive(clap::Args)]
pub struct ValidateArgs {
    /// Input files (release packages, record packages, releases, records, JSON Lines,
    /// concatenated JSON, optionally gzipped); `-` or nothing reads standard input.
    pub files: Vec<PathBuf>,
    /// Write findings as JSON Lines on standard output (the summary goes to standard error).
    #[arg(long)]
    pub json: bool,
    /// How many MiB of a package's releases may wait for its `extensions` when they come after
    /// its `releases`; past it, the rest of that package is checked without extension fields
    /// (and a warning says so).
    #[arg(long, default_value_t = 64, env = "ACHYK_VALIDATE_HOLD_MB")]
    pub hold_mb: usize,
}

pub fn run(args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let files = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files
    };
    let mut checker = Checker::new(CheckOptions {
        hold_bytes: args.hold_mb.saturating_mul(1024 * 1024),
    });
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut write_error: Option<io::Error> = None;
    let mut failed = false;
    // Once writing fails (a closed pipe), reading stops too: the input reader then fails.
    let output_failed = Rc::new(Cell::new(false));

    for file in &files {
        let name = file.display().to_string();
        let reader: Box<dyn Read> = if name == "-" {
            Box::new(io::stdin().lock())
        } else {
            match File::open(file) {
                Ok(file) => Box::new(file),
                Err(error) => {
                    out.flush()?;
                    eprintln!("achyk: error: cannot open {name}: {error}");
                    failed = true;
                    continue;
                }
            }
        };
        let reader = StopOnOutputError {
            inner: BufReader::with_capacity(1 << 20, reader),
            output_failed: output_failed.clone(),
        };
        let mut emit = |finding: Finding| {
            if write_error.is_some() {
                return;
            }
            let written = if args.json {
                writeln!(out, "{}", finding_json(&finding))
            } else {
                writeln!(out, "{finding}")
            };
            if let Err(error) = written {
                write_error = Some(error);
                output_failed.set(true);
            }
        };
        let result = read_publication(&name, reader, &mut |event| checker.event(event, &mut emit));
        checker.end_source(&mut emit);
        if let Some(error) = write_error.take() {
            return Err(error.into());
        }
        if let Err(error) = result {
            out.flush()?;
            eprintln!("achyk: error: cannot read {name}: {error}");
            failed = true;
        }
    }

    let summary = checker.summary();
    if args.json {
        out.flush()?;
        eprintln!("{summary}");
    } else {
        writeln!(out, "{summary}")?;
        out.flush()?;
    }
    Ok(if failed {
        ExitCode::from(2)
    } else if summary.has_problems() {
        ExitCode::from(super::EXIT_REJECTED)
    } else {
        ExitCode::SUCCESS
    })
}

/// A finding as one JSON object; absent parts are `null`.
fn finding_json(finding: &Finding) -> serde_json::Value {
    let subject = match finding.subject {
        Subject::Item(ItemKind::Release) => "release",
        Subject::Item(ItemKind::CompiledRelease) => "compiledRelease",
        Subject::Item(ItemKind::VersionedRelease) => "versionedRelease",
        Subject::Item(ItemKind::Project) => "project",
        Subject::Package => "package",
        Subject::Input => "input",
    };
    json!({
        "file": &*finding.source,
        "line": finding.line,
        "index": finding.item,
        "package": finding.package,
        "ocid": finding.ocid,
        "subject": subject,
        "path": finding.path,
        "kind": finding.kind.name(),
        "severity": if finding.kind.is_warning() { "warning" } else { "problem" },
        "message": finding.message,
    })
}

/// An input reader that fails once the output has failed, so that `achyk validate big.jsonl |
/// head` stops reading soon after `head` exits.
struct StopOnOutputError<R> {
    inner: R,
    output_failed: Rc<Cell<bool>>,
}

impl<R: Read> Read for StopOnOutputError<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if self.output_failed.get() {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the output was closed",
            ));
        }
        self.inner.read(buffer)
    }
}
