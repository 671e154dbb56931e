//! Turning what a reader hands out ([`achyk_ocds::Event`]) into batches of [`NewRelease`]s.
//!
//! A package's `extensions` decide how its releases merge, and a reader can only send them
//! after the package's releases (they may follow `releases` in the file). So the releases of
//! the current package wait here until its [`Event::Package`] arrives, and leave with its
//! extensions. Releases outside any package (bare releases, JSON Lines of releases) leave with
//! no extensions when the source ends or when waiting releases pass a memory bound; in the
//! latter case a release inside a huge package leaves with the extensions of the source's
//! previous package, and an [`IngestWarning`] says so if the package then declares others.
//!
//! Everything here is synchronous and pure, so it can run on the reader's thread: parsing and
//! hashing happen there, off the thread that talks to the database. [`Ingest::push_all`] takes
//! a run of events at once and parses and hashes their releases on all cores, then hands out
//! exactly what pushing them one by one would.

use std::fmt;

use achyk_ocds::{Event, ItemKind, Location};
use rayon::prelude::*;

use crate::model::NewRelease;

/// Releases waiting for their package's extensions are flushed past this many bytes of JSON.
pub const DEFAULT_MAX_PENDING_BYTES: usize = 256 * 1024 * 1024;

/// An input item that is not stored, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub location: Location,
    pub ocid: Option<String>,
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.location)?;
        if let Some(ocid) = &self.ocid {
            write!(f, " [{ocid}]")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// Something worth telling about the input that rejects nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestWarning {
    pub source: String,
    pub message: String,
}

impl fmt::Display for IngestWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.message)
    }
}

/// What [`Ingest`] hands on.
#[derive(Debug, Clone)]
pub enum Ingested {
    /// Releases to store, in input order.
    Releases(Vec<NewRelease>),
    /// An OC4IDS project (its JSON text), to store as it comes.
    Project {
        json: String,
        location: Location,
    },
    Rejected(Rejection),
    Warning(IngestWarning),
}

/// An event with its release (if it is one) already parsed and hashed.
enum Prepared {
    Release {
        bytes: usize,
        parsed: Result<NewRelease, Rejection>,
    },
    Other(Event),
}

impl Prepared {
    fn of(event: Event) -> Prepared {
        match event {
            Event::Item(item) if item.kind == ItemKind::Release => Prepared::Release {
                bytes: item.json.len(),
                parsed: NewRelease::parse(item.json, item.location, Vec::new()),
            },
            event => Prepared::Other(event),
        }
    }
}

/// Collects a reader's events into batches of releases; see the module documentation.
pub struct Ingest {
    batch_size: usize,
    max_pending_bytes: usize,
    /// Releases of the current package, waiting for its extensions.
    pending: Vec<NewRelease>,
    pending_bytes: usize,
    /// Releases whose extensions are known, waiting to fill a batch.
    ready: Vec<NewRelease>,
    /// The extensions of the current source's last package, and whether releases of the
    /// current package already left with them.
    last_extensions: Vec<String>,
    flushed_early: bool,
    /// Extension URLs already reported as unknown in this source.
    unknown_reported: Vec<String>,
    source: String,
    /// Counts for summaries.
    pub releases_read: u64,
    pub rejected: u64,
}

impl Ingest {
    /// Hands out batches of at most `batch_size` releases.
    pub fn new(batch_size: usize) -> Ingest {
        Ingest::with_max_pending_bytes(batch_size, DEFAULT_MAX_PENDING_BYTES)
    }

    pub fn with_max_pending_bytes(batch_size: usize, max_pending_bytes: usize) -> Ingest {
        Ingest {
            batch_size: batch_size.max(1),
            max_pending_bytes,
            pending: Vec::new(),
            pending_bytes: 0,
            ready: Vec::new(),
            last_extensions: Vec::new(),
            flushed_early: false,
            unknown_reported: Vec::new(),
            source: String::new(),
            releases_read: 0,
            rejected: 0,
        }
    }

    /// Takes one event of the source named `source`.
    pub fn push(&mut self, event: Event, out: &mut dyn FnMut(Ingested)) {
        self.push_prepared(Prepared::of(event), out);
    }

    /// Takes several events in input order, as many calls of [`Ingest::push`] would, and
    /// hands out the same; their releases are parsed and hashed in parallel first.
    pub fn push_all(&mut self, events: Vec<Event>, out: &mut dyn FnMut(Ingested)) {
        let prepared: Vec<Prepared> = events.into_par_iter().map(Prepared::of).collect();
        for prepared in prepared {
            self.push_prepared(prepared, out);
        }
    }

    fn push_prepared(&mut self, prepared: Prepared, out: &mut dyn FnMut(Ingested)) {
        let event = match prepared {
            Prepared::Release { bytes, parsed } => {
                let location = match &parsed {
                    Ok(release) => &release.location,
                    Err(rejection) => &rejection.location,
                };
                if self.source.as_str() != &*location.source {
                    self.source = location.source.to_string();
                }
                self.releases_read += 1;
                match parsed {
                    Ok(release) => {
                        self.pending.push(release);
                        self.pending_bytes += bytes;
                        if self.pending_bytes > self.max_pending_bytes {
                            self.flushed_early = true;
                            let extensions = self.last_extensions.clone();
                            self.release_pending(&extensions, out);
                        }
                    }
                    Err(rejection) => self.reject(rejection, out),
                }
                return;
            }
            Prepared::Other(event) => event,
        };
        match event {
            Event::Item(item) => {
                if self.source.as_str() != &*item.location.source {
                    self.source = item.location.source.to_string();
                }
                match item.kind {
                    ItemKind::Release => unreachable!("releases are prepared above"),
                    ItemKind::Project => out(Ingested::Project {
                        json: item.json,
                        location: item.location,
                    }),
                    ItemKind::CompiledRelease | ItemKind::VersionedRelease => {
                        let what = if item.kind == ItemKind::CompiledRelease {
                            "compiledRelease"
                        } else {
                            "versionedRelease"
                        };
                        let ocid = serde_json::from_str::<serde_json::Value>(&item.json)
                            .ok()
                            .and_then(|value| {
                                value
                                    .get("ocid")
                                    .and_then(|ocid| ocid.as_str())
                                    .map(str::to_string)
                            });
                        let reason = format!(
                            "a record's {what} whose releases are only links is not stored: only full releases are, \
                             and Achyk compiles them itself"
                        );
                        self.reject(
                            Rejection {
                                location: item.location,
                                ocid,
                                reason,
                            },
                            out,
                        );
                    }
                }
            }
            Event::Package(meta) => {
                if let Some(source) = &meta.source {
                    self.source = source.to_string();
                }
                let (_, unknown) = achyk_ocds::schema::resolve_extensions(
                    meta.extensions.iter().map(String::as_str),
                );
                for url in unknown {
                    if !self.unknown_reported.contains(&url) {
                        out(Ingested::Warning(IngestWarning {
                            source: self.source.clone(),
                            message: format!(
                                "extension {url} is not one Achyk embeds: its fields merge by the default rules"
                            ),
                        }));
                        self.unknown_reported.push(url);
                    }
                }
                if self.flushed_early && meta.extensions != self.last_extensions {
                    out(Ingested::Warning(IngestWarning {
                        source: self.source.clone(),
                        message: format!(
                            "a package larger than {} MiB declared its extensions after its releases: \
                             releases read before them were stored with the extensions of the previous package",
                            self.max_pending_bytes / (1024 * 1024)
                        ),
                    }));
                }
                self.flushed_early = false;
                self.release_pending(&meta.extensions, out);
                self.last_extensions = meta.extensions;
            }
            Event::Issue(issue) => {
                self.rejected += 1;
                out(Ingested::Rejected(Rejection {
                    location: issue.location,
                    ocid: issue.ocid,
                    reason: match issue.path {
                        Some(path) => format!("{path}: {}", issue.message),
                        None => issue.message,
                    },
                }));
            }
        }
    }

    /// Ends the current source: releases outside any package leave with no extensions.
    pub fn end_source(&mut self, out: &mut dyn FnMut(Ingested)) {
        self.release_pending(&[], out);
        self.last_extensions.clear();
        self.flushed_early = false;
        self.unknown_reported.clear();
    }

    /// Hands out what is left. Call after the last source's [`Ingest::end_source`].
    pub fn finish(&mut self, out: &mut dyn FnMut(Ingested)) {
        self.end_source(out);
        if !self.ready.is_empty() {
            out(Ingested::Releases(std::mem::take(&mut self.ready)));
        }
    }

    fn reject(&mut self, rejection: Rejection, out: &mut dyn FnMut(Ingested)) {
        self.rejected += 1;
        out(Ingested::Rejected(rejection));
    }

    fn release_pending(&mut self, extensions: &[String], out: &mut dyn FnMut(Ingested)) {
        for mut release in self.pending.drain(..) {
            release.extensions = extensions.to_vec();
            self.ready.push(release);
            if self.ready.len() >= self.batch_size {
                out(Ingested::Releases(std::mem::replace(
                    &mut self.ready,
                    Vec::with_capacity(self.batch_size),
                )));
            }
        }
        self.pending_bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use achyk_ocds::{InputIssue, Item, PackageMeta};

    use super::*;

    fn location(index: u64) -> Location {
        Location {
            source: Arc::from("a.json"),
            line: Some(index + 1),
            index,
        }
    }

    fn release(index: u64, ocid: &str) -> Event {
        Event::Item(Item {
            kind: ItemKind::Release,
            json: format!(r#"{{"ocid":"{ocid}","id":"{index}","date":"2020-01-01T00:00:00Z"}}"#),
            location: location(index),
            offset: None,
            head: None,
        })
    }

    fn package(extensions: &[&str]) -> Event {
        Event::Package(PackageMeta {
            extensions: extensions.iter().map(|url| url.to_string()).collect(),
            ..PackageMeta::default()
        })
    }

    fn run(batch_size: usize, max_pending_bytes: usize, events: Vec<Event>) -> Vec<Ingested> {
        let mut ingest = Ingest::with_max_pending_bytes(batch_size, max_pending_bytes);
        let mut out = Vec::new();
        for event in events {
            ingest.push(event, &mut |ingested| out.push(ingested));
        }
        ingest.finish(&mut |ingested| out.push(ingested));
        out
    }

    fn batches(out: &[Ingested]) -> Vec<Vec<(String, Vec<String>)>> {
        out.iter()
            .filter_map(|ingested| match ingested {
                Ingested::Releases(releases) => Some(
                    releases
                        .iter()
                        .map(|release| (release.json.clone(), release.extensions.clone()))
                        .collect(),
                ),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn releases_wait_for_their_package_extensions() {
        let lots = "https://example.org/ocds_lots_extension/v1.1.5/extension.json";
        let out = run(
            10,
            usize::MAX,
            vec![
                release(0, "a"),
                release(1, "b"),
                package(&[lots]),
                release(2, "c"),
            ],
        );
        let batches = batches(&out);
        assert_eq!(batches.len(), 1);
        assert_eq!(batches[0].len(), 3);
        assert_eq!(batches[0][0].1, vec![lots.to_string()]);
        assert_eq!(batches[0][1].1, vec![lots.to_string()]);
        // The third release follows the package: it belongs to none.
        assert!(batches[0][2].1.is_empty());
    }

    #[test]
    fn batches_are_bounded_and_keep_input_order() {
        let events: Vec<Event> = (0..7).map(|index| release(index, "a")).collect();
        let out = run(3, usize::MAX, events);
        let sizes: Vec<usize> = batches(&out).iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![3, 3, 1]);
        let ids: Vec<String> = batches(&out)
            .concat()
            .into_iter()
            .map(|(json, _)| json)
            .collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn bad_releases_and_reader_issues_are_rejected_with_where_and_why() {
        let no_date = Event::Item(Item {
            kind: ItemKind::Release,
            json: r#"{"ocid":"x","id":"1"}"#.into(),
            location: location(0),
            offset: None,
            head: None,
        });
        let issue = Event::Issue(InputIssue {
            location: location(1),
            ocid: None,
            path: None,
            message: "broken JSON".into(),
        });
        let compiled = Event::Item(Item {
            kind: ItemKind::CompiledRelease,
            json: r#"{"ocid":"y","id":"y-1","date":"2020-01-01T00:00:00Z"}"#.into(),
            location: location(2),
            offset: None,
            head: None,
        });
        let out = run(
            10,
            usize::MAX,
            vec![no_date, issue, compiled, release(3, "z")],
        );
        let rejections: Vec<String> = out
            .iter()
            .filter_map(|ingested| match ingested {
                Ingested::Rejected(rejection) => Some(rejection.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(rejections.len(), 3, "{rejections:?}");
        assert_eq!(rejections[0], "a.json:1 [x]: no `date`");
        assert_eq!(rejections[1], "a.json:2: broken JSON");
        assert!(
            rejections[2].starts_with("a.json:3 [y]: a record's compiledRelease"),
            "{}",
            rejections[2]
        );
        assert_eq!(batches(&out).concat().len(), 1);
    }

    #[test]
    fn pushing_events_in_runs_hands_out_what_pushing_them_one_by_one_does() {
        let lots = "https://example.org/ocds_lots_extension/v1.1.5/extension.json";
        let unknown = "https://example.org/ocds_unheard_of_extension/extension.json";
        let events = || {
            let mut events = vec![
                release(0, "a"),
                Event::Item(Item {
                    kind: ItemKind::Release,
                    json: r#"{"ocid":"x","id":"1"}"#.into(),
                    location: location(1),
                    offset: None,
                    head: None,
                }),
                release(2, "b"),
                package(&[lots]),
                Event::Issue(InputIssue {
                    location: location(3),
                    ocid: None,
                    path: None,
                    message: "broken JSON".into(),
                }),
            ];
            events.extend((4..40).map(|index| release(index, "c")));
            events.push(package(&[lots, unknown]));
            events.extend((40..45).map(|index| release(index, "d")));
            events
        };
        let one_by_one = run(4, 300, events());
        for run_length in [1, 3, 7, 64] {
            let mut ingest = Ingest::with_max_pending_bytes(4, 300);
            let mut out = Vec::new();
            let mut events = events();
            while !events.is_empty() {
                let rest = events.split_off(run_length.min(events.len()));
                ingest.push_all(events, &mut |ingested| out.push(ingested));
                events = rest;
            }
            ingest.finish(&mut |ingested| out.push(ingested));
            assert_eq!(
                format!("{out:?}"),
                format!("{one_by_one:?}"),
                "runs of {run_length}"
            );
            assert_eq!(ingest.releases_read, 44);
            assert_eq!(ingest.rejected, 2);
        }
    }

    #[test]
    fn a_huge_package_is_flushed_early_and_warned_about() {
        let lots = "https://example.org/ocds_lots_extension/master/extension.json";
        let out = run(
            10,
            100,
            vec![
                release(0, "a"),
                release(1, "b"),
                release(2, "c"),
                package(&[lots]),
            ],
        );
        assert!(
            out.iter()
                .any(|ingested| matches!(ingested, Ingested::Warning(_)))
        );
        assert_eq!(batches(&out).concat().len(), 3);
    }

    #[test]
    fn unknown_extensions_are_warned_about_once_per_source() {
        let unknown = "https://example.org/ocds_unheard_of_extension/extension.json";
        let out = run(
            10,
            usize::MAX,
            vec![
                release(0, "a"),
                package(&[unknown]),
                release(1, "b"),
                package(&[unknown]),
            ],
        );
        let warnings = out
            .iter()
            .filter(|ingested| matches!(ingested, Ingested::Warning(_)))
            .count();
        assert_eq!(warnings, 1);
    }
}
