//! Bulk files: the whole database, a file per year and format, for researchers who want
//! everything rather than a search. `achyk bulk --out DIR` writes them; `achyk serve --bulk DIR`
//! serves them under `/bulk/` and lists them on the developers' page.
//!
//! Per year (the year a tender was published; `undated` for processes without one):
//! `achyk-YEAR.jsonl.gz` (normalised compiled releases, OCDS), `achyk-YEAR.csv.gz` (the search
//! columns) and `achyk-YEAR.xlsx` (the same, as a workbook). `index.json` lists them with their
//! sizes and SHA-256 digests.
//!
//! Each file is written beside its final name, flushed to disk and renamed over it, and the
//! index is written last the same way: a crash or kill leaves the previous set whole and
//! served, never a truncated file under a listed name.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use achyk_store::{Ocid, ProcessSummaryRow, Store, StoreError};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::tabular;

/// The manifest's file name.
pub const INDEX: &str = "index.json";

/// Processes read per query.
const PAGE: usize = 1_000;

/// What `index.json` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Index {
    /// When the files were written (RFC 3339, UTC).
    pub generated: String,
    pub years: Vec<Year>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Year {
    /// `None` for processes without a publication year.
    pub year: Option<i64>,
    pub processes: i64,
    pub files: Vec<BulkFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkFile {
    pub name: String,
    /// `jsonl.gz`, `csv.gz` or `xlsx`.
    pub format: String,
    pub bytes: u64,
    pub sha256: String,
}

impl Index {
    /// Reads `DIR/index.json`.
    pub fn read(directory: &Path) -> io::Result<Index> {
        let text = fs::read_to_string(directory.join(INDEX))?;
        serde_json::from_str(&text)
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))
    }

    /// The listed file called `name`, if any (the only names the server serves).
    pub fn file(&self, name: &str) -> Option<&BulkFile> {
        self.years
            .iter()
            .flat_map(|year| &year.files)
            .find(|file| file.name == name)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: XLSX: {message}")]
    Xlsx { path: PathBuf, message: String },
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> BulkError + '_ {
    move |source| BulkError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A file being written under a temporary name, counted and digested as it goes.
struct Pending {
    path: PathBuf,
    temporary: PathBuf,
    file: BufWriter<File>,
    bytes: u64,
    digest: Sha256,
}

impl Pending {
    fn create(directory: &Path, name: &str) -> Result<Pending, BulkError> {
        let path = directory.join(name);
        let temporary = directory.join(format!(".{name}.partial"));
        let file = File::create(&temporary).map_err(io_at(&temporary))?;
        Ok(Pending {
            path,
            temporary,
            file: BufWriter::with_capacity(1 << 20, file),
            bytes: 0,
            digest: Sha256::new(),
        })
    }

    /// Flushes to disk and renames over the final name.
    fn finish(self, format: &str) -> Result<BulkFile, BulkError> {
        let file = self
            .file
            .into_inner()
            .map_err(|error| error.into_error())
            .map_err(io_at(&self.temporary))?;
        file.sync_all().map_err(io_at(&self.temporary))?;
        drop(file);
        fs::rename(&self.temporary, &self.path).map_err(io_at(&self.path))?;
        Ok(BulkFile {
            name: self
                .path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default(),
            format: format.to_string(),
            bytes: self.bytes,
            sha256: hex(&self.digest.finalize()),
        })
    }
}

impl Write for Pending {
    fn write(&mut self, buffer: &[u8]) -> io::Result<usize> {
        let written = self.file.write(buffer)?;
        self.bytes += written as u64;
        self.digest.update(&buffer[..written]);
        Ok(written)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The file-name stem of a year.
fn stem(year: Option<i64>) -> String {
    match year {
        Some(year) => format!("achyk-{year}"),
        None => "achyk-undated".to_string(),
    }
}

/// Writes every year's files and then the index into `directory` (created if missing), and
/// removes the bulk files of an earlier run that the new index no longer lists. `progress` is
/// told each year as it is done.
pub async fn write(
    store: &Store,
    directory: &Path,
    mut progress: impl FnMut(&Year),
) -> Result<Index, BulkError> {
    fs::create_dir_all(directory).map_err(io_at(directory))?;
    let mut years = Vec::new();
    for (year, _) in store.years().await? {
        let stem = stem(year);
        let gzip = |name: &str| -> Result<GzEncoder<Pending>, BulkError> {
            Ok(GzEncoder::new(
                Pending::create(directory, name)?,
                Compression::default(),
            ))
        };
        let jsonl_name = format!("{stem}.jsonl.gz");
        let csv_name = format!("{stem}.csv.gz");
        let mut jsonl = gzip(&jsonl_name)?;
        let mut csv = gzip(&csv_name)?;
        csv.write_all(tabular::csv_header().as_bytes())
            .map_err(io_at(&directory.join(&csv_name)))?;
        let mut rows: Vec<ProcessSummaryRow> = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = store
                .summaries_of_year(year, after.as_deref(), PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            after = Some(last.ocid.clone());
            let ocids: Vec<Ocid> = page
                .iter()
                .map(|row| Ocid::from(row.ocid.as_str()))
                .collect();
            for release in store.normalised_releases_of(&ocids).await? {
                jsonl
                    .write_all(release.json.as_bytes())
                    .and_then(|()| jsonl.write_all(b"\n"))
                    .map_err(io_at(&directory.join(&jsonl_name)))?;
            }
            for row in &page {
                csv.write_all(tabular::csv_line(row).as_bytes())
                    .map_err(io_at(&directory.join(&csv_name)))?;
            }
            rows.extend(page);
        }
        let mut files = Vec::new();
        for (encoder, name, format) in
            [(jsonl, &jsonl_name, "jsonl.gz"), (csv, &csv_name, "csv.gz")]
        {
            let pending = encoder.finish().map_err(io_at(&directory.join(name)))?;
            files.push(pending.finish(format)?);
        }
        let xlsx_name = format!("{stem}.xlsx");
        let workbook = tabular::xlsx(&rows).map_err(|error| BulkError::Xlsx {
            path: directory.join(&xlsx_name),
            message: error.to_string(),
        })?;
        let mut xlsx = Pending::create(directory, &xlsx_name)?;
        xlsx.write_all(&workbook)
            .map_err(io_at(&directory.join(&xlsx_name)))?;
        files.push(xlsx.finish("xlsx")?);
        let done = Year {
            year,
            processes: rows.len() as i64,
            files,
        };
        progress(&done);
        years.push(done);
    }
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64);
    let index = Index {
        generated: achyk_ocds::release::format_instant(seconds, 0),
        years,
    };
    let mut pending = Pending::create(directory, INDEX)?;
    let text = serde_json::to_vec_pretty(&index).expect("the index serialises");
    pending
        .write_all(&text)
        .map_err(io_at(&directory.join(INDEX)))?;
    pending.finish("json")?;
    remove_unlisted(directory, &index)?;
    Ok(index)
}

/// Removes `achyk-*` files (and leftovers of interrupted runs) that `index` does not list.
fn remove_unlisted(directory: &Path, index: &Index) -> Result<(), BulkError> {
    for entry in fs::read_dir(directory).map_err(io_at(directory))? {
        let entry = entry.map_err(io_at(directory))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours =
            name.starts_with("achyk-") || (name.starts_with('.') && name.ends_with(".partial"));
        if ours && index.file(&name).is_none() {
            fs::remove_file(entry.path()).map_err(io_at(&entry.path()))?;
        }
    }
    Ok(())
}

/// `GET /bulk/{name}`: a file the index lists (`index.json` itself included), streamed, with
/// its digest as the entity tag. Anything else is 404, so no other path can be reached.
pub(crate) async fn serve_file(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::http::{HeaderValue, StatusCode, header};
    use axum::response::IntoResponse;
    let not_found = || (StatusCode::NOT_FOUND, "no such bulk file\n").into_response();
    let Some(directory) = state.bulk.as_deref() else {
        return not_found();
    };
    let Ok(index) = Index::read(directory) else {
        return not_found();
    };
    let (content_type, etag) = if name == INDEX {
        ("application/json", None)
    } else {
        match index.file(&name) {
            Some(file) if file.format == "xlsx" => (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                Some(file.sha256.clone()),
            ),
            Some(file) => ("application/gzip", Some(file.sha256.clone())),
            None => return not_found(),
        }
    };
    let Ok(file) = tokio::fs::File::open(directory.join(&name)).await else {
        return not_found();
    };
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(etag) = etag
        && let Ok(value) = HeaderValue::from_str(&format!("\"{etag}\""))
    {
        headers.insert(header::ETAG, value);
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    response
}
