//! The optional tiled map. An operator who has raster tiles puts them in a folder as
//! `{z}/{x}/{y}.png` (or `.jpg`, `.jpeg`, `.webp`) and starts `achyk serve --tiles DIR`; this
//! site then serves them itself under `/tiles/{z}/{x}/{y}.{ext}`, so that a visitor's browser
//! never asks another host for a tile (a tile server would learn who looks at which place).
//! Leaflet and the map's own script are embedded in the binary and served under `/static/`, to
//! the pages that draw the map only.
//!
//! Without tiles (the default) no page has a script and the server-rendered SVG maps
//! (`crate::map`) are all there is; with them, the SVG stays in the page as the fallback for
//! browsers without JavaScript, and the script replaces it with the tiled map.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::i18n::{Arg, Tr};

/// What the tiled map shows, (south, west) to (north, east): Kyrgyzstan. Marks outside it are
/// left off the tiled map (the SVG map shows the regions' shapes only, too).
pub const COUNTRY: ((f64, f64), (f64, f64)) = ((39.1, 69.2), (43.3, 80.3));

/// Whether a point (longitude, latitude) is in [`COUNTRY`]'s box.
pub fn in_country(longitude: f64, latitude: f64) -> bool {
    let ((south, west), (north, east)) = COUNTRY;
    (west..=east).contains(&longitude) && (south..=north).contains(&latitude)
}

/// A coordinate to four decimals (about 10 m), which is all a map of the country shows.
pub fn coordinate(degrees: f64) -> f64 {
    (degrees * 1e4).round() / 1e4
}

/// The vendored Leaflet's version (`assets/leaflet/`); it is part of the files' paths, so they
/// can be cached for good.
pub const LEAFLET_VERSION: &str = "1.9.4";
const LEAFLET_SCRIPT: &str = include_str!("../assets/leaflet/leaflet.js");
const LEAFLET_STYLE: &str = include_str!("../assets/leaflet/leaflet.css");
const MAP_SCRIPT: &str = include_str!("../assets/projects-map.js");

/// The deepest zoom level served (a tile covers about 10 m there).
pub const MAX_ZOOM: u32 = 22;

/// Files whose path never changes meaning: a browser keeps them a year without asking again.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Tiles are kept 30 days: re-rendered tiles reach visitors within a month.
const TILE_CACHE: &str = "public, max-age=2592000";

/// The tile formats recognised, by file extension: (extension, content type).
const FORMATS: [(&str, &str); 4] = [
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("webp", "image/webp"),
];

/// A folder of XYZ raster tiles, and the words that credit them.
#[derive(Debug, Clone)]
pub struct Tiles {
    directory: PathBuf,
    /// The tiles' extension (one format per folder), which is also the one in their URLs.
    extension: &'static str,
    content_type: &'static str,
    /// The lowest and highest zoom folders present.
    zooms: (u32, u32),
    attribution: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum TilesError {
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{0} holds no tiles: it needs zoom folders (0 to 22) of column folders of tiles named \
         {{y}}.png, .jpg, .jpeg or .webp"
    )]
    NoTiles(PathBuf),
}

impl Tiles {
    /// The tiles in `directory`, laid out as `{z}/{x}/{y}.{ext}`, credited with `attribution`
    /// under the map. The zoom levels are the folders named 0 to 22 (other entries, such as an
    /// export's `metadata.json`, are left alone); the format is the first tile's extension
    /// found in the lowest zoom folder that has one.
    pub fn open(
        directory: impl Into<PathBuf>,
        attribution: Option<String>,
    ) -> Result<Tiles, TilesError> {
        let directory = directory.into();
        let mut zooms: Vec<u32> = numbered_folders(&directory)?
            .into_iter()
            .filter(|zoom| *zoom <= MAX_ZOOM)
            .collect();
        zooms.sort_unstable();
        let format = zooms.iter().find_map(|zoom| {
            let zoom_folder = directory.join(zoom.to_string());
            numbered_folders(&zoom_folder)
                .ok()?
                .into_iter()
                .find_map(|column| tile_format(&zoom_folder.join(column.to_string())))
        });
        let (Some((extension, content_type)), Some(lowest), Some(highest)) =
            (format, zooms.first(), zooms.last())
        else {
            return Err(TilesError::NoTiles(directory));
        };
        Ok(Tiles {
            zooms: (*lowest, *highest),
            directory,
            extension,
            content_type,
            attribution: attribution
                .map(|text| text.trim().to_owned())
                .filter(|text| !text.is_empty()),
        })
    }

    /// The tiles' URL as Leaflet takes it: `/tiles/{z}/{x}/{y}.png`.
    pub fn url_template(&self) -> String {
        format!("/tiles/{{z}}/{{x}}/{{y}}.{}", self.extension)
    }

    /// The lowest and highest zoom levels the folder has.
    pub fn zooms(&self) -> (u32, u32) {
        self.zooms
    }

    pub fn extension(&self) -> &'static str {
        self.extension
    }

    /// What the map says the tiles are made from ("© OpenStreetMap contributors").
    pub fn attribution(&self) -> Option<&str> {
        self.attribution.as_deref()
    }

    /// The file of tile `z`/`x`/`file` (`file` is `{y}.{ext}`), or `None` unless all three are
    /// plain decimal numbers in range and the extension is this folder's. The path is built
    /// from the numbers, never from the request's text.
    fn file(&self, z: &str, x: &str, file: &str) -> Option<PathBuf> {
        let z = index(z, MAX_ZOOM + 1)?;
        let x = index(x, 1 << z)?;
        let (y, extension) = file.split_once('.')?;
        if extension != self.extension {
            return None;
        }
        let y = index(y, 1 << z)?;
        Some(
            self.directory
                .join(z.to_string())
                .join(x.to_string())
                .join(format!("{y}.{}", self.extension)),
        )
    }
}

/// A tile coordinate below `limit`: decimal digits only, without a sign or a leading zero, so
/// that every tile has exactly one URL.
fn index(text: &str, limit: u32) -> Option<u32> {
    let canonical = !text.is_empty()
        && text.len() <= 7
        && text.bytes().all(|byte| byte.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    let value: u32 = text.parse().ok().filter(|_| canonical)?;
    (value < limit).then_some(value)
}

/// The numbers naming the folders in `directory`.
fn numbered_folders(directory: &Path) -> Result<Vec<u32>, TilesError> {
    let entries = std::fs::read_dir(directory).map_err(|source| TilesError::Read {
        path: directory.to_owned(),
        source,
    })?;
    Ok(entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
        .filter_map(|entry| index(entry.file_name().to_str()?, u32::MAX))
        .collect())
}

/// The format of the first tile found in a column folder.
fn tile_format(column: &Path) -> Option<(&'static str, &'static str)> {
    std::fs::read_dir(column)
        .ok()?
        .filter_map(Result::ok)
        .find_map(|entry| {
            let name = entry.file_name();
            let (y, extension) = name.to_str()?.split_once('.')?;
            index(y, u32::MAX)?;
            FORMATS
                .iter()
                .find(|(known, _)| *known == extension)
                .copied()
        })
}

/// `GET /tiles/{z}/{x}/{y}.{ext}`: the tile's bytes, or 404 for anything that is not a tile
/// of the folder (tiles not configured, a coordinate that is not a number in range, another
/// extension, a missing file).
pub(crate) async fn tile(
    State(state): State<AppState>,
    axum::extract::Path((z, x, file)): axum::extract::Path<(String, String, String)>,
) -> Response {
    let not_found = || {
        (
            StatusCode::NOT_FOUND,
            [(header::CACHE_CONTROL, "public, max-age=3600")],
            "no such tile\n",
        )
            .into_response()
    };
    let Some(tiles) = state.tiles.as_deref() else {
        return not_found();
    };
    let Some(path) = tiles.file(&z, &x, &file) else {
        return not_found();
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, tiles.content_type),
                (header::CACHE_CONTROL, TILE_CACHE),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => not_found(),
    }
}

/// What a page needs to draw the tiled map, for its template.
pub struct TiledMap {
    /// Leaflet's stylesheet.
    pub style_href: String,
    /// Leaflet, then the map's script; both deferred, so they run in this order.
    pub script_hrefs: [String; 2],
    /// The map's settings and marks as JSON, for the map element's `data-map`.
    pub settings: String,
    /// The interactive map's name for screen readers.
    pub label: String,
    /// "Map tiles: © OpenStreetMap contributors", when the tiles are credited.
    pub credit: Option<String>,
}

impl TiledMap {
    /// The map over `tiles`, named `label`, with `marks` (what the page's script draws, as
    /// members of the settings) beside the tiles' URL, zoom levels, the country's box and the
    /// zoom buttons' words.
    pub fn new(
        tiles: &Tiles,
        tr: &Tr,
        label: String,
        marks: serde_json::Map<String, serde_json::Value>,
    ) -> TiledMap {
        let ((south, west), (north, east)) = COUNTRY;
        let mut settings = serde_json::json!({
            "tiles": tiles.url_template(),
            "zooms": [tiles.zooms.0, tiles.zooms.1],
            "bounds": [[south, west], [north, east]],
            "zoomIn": tr.t("map-zoom-in"),
            "zoomOut": tr.t("map-zoom-out"),
        });
        settings
            .as_object_mut()
            .expect("the settings are an object")
            .extend(marks);
        TiledMap {
            style_href: leaflet_style_href(),
            script_hrefs: [leaflet_script_href(), map_script_href()],
            settings: settings.to_string(),
            label,
            credit: tiles
                .attribution()
                .map(|text| tr.t_with("map-tiles-credit", &[("attribution", Arg::Text(text))])),
        }
    }
}

/// The map script's file name, with a digest of its content so that it can be cached for good
/// and a new version is fetched at once.
pub fn map_script_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let digest: String = Sha256::digest(MAP_SCRIPT.as_bytes())[..6]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        format!("projects-map-{digest}.js")
    })
}

/// Where the files a tiled-map page loads are served, in the order the page loads them.
pub fn leaflet_style_href() -> String {
    format!("/static/leaflet/{LEAFLET_VERSION}/leaflet.css")
}

pub fn leaflet_script_href() -> String {
    format!("/static/leaflet/{LEAFLET_VERSION}/leaflet.js")
}

pub fn map_script_href() -> String {
    format!("/static/map/{}", map_script_name())
}

fn immutable(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
        ],
        body,
    )
        .into_response()
}

pub(crate) async fn leaflet_script() -> Response {
    immutable("text/javascript; charset=utf-8", LEAFLET_SCRIPT)
}

pub(crate) async fn leaflet_style() -> Response {
    immutable("text/css; charset=utf-8", LEAFLET_STYLE)
}

/// `GET /static/map/{name}`: the map script under its current name only.
pub(crate) async fn map_script(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    if name == map_script_name() {
        immutable("text/javascript; charset=utf-8", MAP_SCRIPT)
    } else {
        (StatusCode::NOT_FOUND, "no such file\n").into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_coordinates_are_plain_numbers_in_range() {
        assert_eq!(index("0", 1), Some(0));
        assert_eq!(index("31", 32), Some(31));
        assert_eq!(index("32", 32), None);
        for bad in [
            "", "-1", "+1", "01", "1.0", "1e3", " 1", "..", "%2e", "99999999",
        ] {
            assert_eq!(index(bad, u32::MAX), None, "{bad:?}");
        }
    }
}
