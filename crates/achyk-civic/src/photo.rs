//! Sanitising uploaded photos.
//!
//! The type is sniffed from the first bytes (JPEG, PNG, WebP accepted; GIF, SVG, HEIC and
//! everything else refused). The byte size and the pixel count are checked before any pixel is
//! decoded (decompression bombs), with `image::Limits` as a second guard. EXIF is read only for
//! the orientation and GPS; the GPS position is returned separately as a *suggested* place and
//! then discarded. The pixels are oriented, downscaled to a maximum side and re-encoded as a
//! baseline JPEG from the pixels alone, so no metadata of the input (EXIF, XMP, IPTC, ICC,
//! comments, PNG text chunks, WebP EXIF/XMP chunks) can reach the output.

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, Rgb, RgbImage};
use std::io::Cursor;

/// How much is accepted and produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoLimits {
    /// Largest upload, in bytes (default 15 MB).
    pub max_bytes: usize,
    /// Largest width × height before decoding (default 50 million pixels).
    pub max_pixels: u64,
    /// Largest side of the output (default 2048).
    pub max_side: u32,
    /// JPEG quality of the output (default 85).
    pub quality: u8,
}

impl Default for PhotoLimits {
    fn default() -> Self {
        PhotoLimits {
            max_bytes: 15 * 1024 * 1024,
            max_pixels: 50_000_000,
            max_side: 2048,
            quality: 85,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {size} bytes; the limit is {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("{0} images are not accepted; send a JPEG, PNG or WebP photo")]
    Refused(&'static str),
    #[error("this is not a JPEG, PNG or WebP image")]
    Unknown,
    #[error("the image is {width}×{height} pixels; the limit is {limit} pixels")]
    TooManyPixels { width: u32, height: u32, limit: u64 },
    #[error("the image would need more memory to decode than allowed for {limit} pixels")]
    TooMuchMemory { limit: u64 },
    #[error("the image could not be read: {0}")]
    Corrupt(String),
    #[error("a rectangle to black out lies outside the {width}×{height} image")]
    OutsideImage { width: u32, height: u32 },
}

/// A GPS position found in the upload's EXIF: only a suggestion for the report's place.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GpsSuggestion {
    pub latitude: f64,
    pub longitude: f64,
}

/// A clean photo.
#[derive(Debug, Clone)]
pub struct Sanitised {
    /// Baseline JPEG with no metadata.
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub suggested_place: Option<GpsSuggestion>,
}

/// The accepted format from the magic bytes, or why not.
pub fn sniff(bytes: &[u8]) -> Result<ImageFormat, PhotoError> {
    let starts = |p: &[u8]| bytes.starts_with(p);
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Ok(ImageFormat::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Ok(ImageFormat::Png);
    }
    if bytes.len() >= 12 && starts(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Ok(ImageFormat::WebP);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Err(PhotoError::Refused("GIF"));
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brand = &bytes[8..12];
        if [
            b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1",
        ]
        .iter()
        .any(|b| brand == *b)
        {
            return Err(PhotoError::Refused("HEIC"));
        }
        if brand == b"avif" {
            return Err(PhotoError::Refused("AVIF"));
        }
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("<svg")
        || (head.starts_with("<?xml") || head.starts_with("<!doctype")) && head.contains("<svg")
    {
        return Err(PhotoError::Refused("SVG"));
    }
    Err(PhotoError::Unknown)
}

fn corrupt(e: impl std::fmt::Display) -> PhotoError {
    PhotoError::Corrupt(e.to_string())
}

/// Decodes with the pixel count checked from the header first.
fn decode(
    bytes: &[u8],
    limits: &PhotoLimits,
) -> Result<(DynamicImage, Option<Vec<u8>>, image::metadata::Orientation), PhotoError> {
    if bytes.len() > limits.max_bytes {
        return Err(PhotoError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let format = sniff(bytes)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut l = Limits::default();
    // A side can be at most the pixel limit; memory at most 4 bytes per allowed pixel, ×2 slack.
    let side = u32::try_from(limits.max_pixels).unwrap_or(u32::MAX);
    l.max_image_width = Some(side);
    l.max_image_height = Some(side);
    l.max_alloc = Some(limits.max_pixels.saturating_mul(8));
    reader.limits(l);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| too_many_or_corrupt(e, limits))?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(PhotoError::TooManyPixels {
            width,
            height,
            limit: limits.max_pixels,
        });
    }
    let exif = decoder.exif_metadata().ok().flatten();
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let img = DynamicImage::from_decoder(decoder).map_err(|e| too_many_or_corrupt(e, limits))?;
    Ok((img, exif, orientation))
}

fn too_many_or_corrupt(e: image::ImageError, limits: &PhotoLimits) -> PhotoError {
    match e {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels {
            width: 0,
            height: 0,
            limit: limits.max_pixels,
        },
        e => corrupt(e),
    }
}

/// Sanitises an upload.
pub fn sanitise(bytes: &[u8], limits: &PhotoLimits) -> Result<Sanitised, PhotoError> {
    let (mut img, exif, orientation) = decode(bytes, limits)?;
    let suggested_place = exif.as_deref().and_then(gps_from_exif);
    img.apply_orientation(orientation);
    if img.width() > limits.max_side || img.height() > limits.max_side {
        img = img.resize(
            limits.max_side,
            limits.max_side,
            image::imageops::FilterType::Triangle,
        );
    }
    let rgb = flatten_on_white(&img);
    let jpeg = encode(&rgb, limits.quality)?;
    Ok(Sanitised {
        jpeg,
        width: rgb.width(),
        height: rgb.height(),
        suggested_place,
    })
}

/// Transparent pixels become white (a hidden colour under transparency is not kept).
fn flatten_on_white(img: &DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.to_rgb8();
    }
    let rgba = img.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u16::from(p[3]);
        let mix = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
        Rgb([mix(p[0]), mix(p[1]), mix(p[2])])
    })
}

fn encode(rgb: &RgbImage, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality.clamp(1, 100))
        .encode_image(rgb)
        .map_err(corrupt)?;
    Ok(out)
}

/// A region to black out, in pixels of the sanitised photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// Fills the rectangles with solid black (for moderators) and re-encodes. A rectangle running
/// past an edge is cut at it; one that starts outside the image, or is empty, is an error.
pub fn black_out(jpeg: &[u8], rects: &[Rect], limits: &PhotoLimits) -> Result<Vec<u8>, PhotoError> {
    let (img, _, _) = decode(jpeg, limits)?;
    let mut rgb = img.to_rgb8();
    let (w, h) = rgb.dimensions();
    for r in rects {
        if r.x >= w || r.y >= h || r.width == 0 || r.height == 0 {
            return Err(PhotoError::OutsideImage {
                width: w,
                height: h,
            });
        }
        for y in r.y..r.y.saturating_add(r.height).min(h) {
            for x in r.x..r.x.saturating_add(r.width).min(w) {
                rgb.put_pixel(x, y, Rgb([0, 0, 0]));
            }
        }
    }
    encode(&rgb, limits.quality)
}

/// The GPS position in raw EXIF (TIFF) data, in decimal degrees (south and west negative).
pub fn gps_from_exif(raw: &[u8]) -> Option<GpsSuggestion> {
    use exif::{In, Tag, Value};
    let raw = raw.strip_prefix(b"Exif\0\0").unwrap_or(raw);
    let exif = exif::Reader::new().read_raw(raw.to_vec()).ok()?;
    let degrees = |tag: Tag, ref_tag: Tag, negative: u8| -> Option<f64> {
        let field = exif.get_field(tag, In::PRIMARY)?;
        let Value::Rational(ref v) = field.value else {
            return None;
        };
        if v.len() != 3 || v.iter().any(|r| r.denom == 0) {
            return None;
        }
        let d = v[0].to_f64() + v[1].to_f64() / 60.0 + v[2].to_f64() / 3600.0;
        let sign = match &exif.get_field(ref_tag, In::PRIMARY)?.value {
            Value::Ascii(s) if s.first().and_then(|s| s.first()) == Some(&negative) => -1.0,
            Value::Ascii(_) => 1.0,
            _ => return None,
        };
        Some(sign * d)
    };
    let latitude = degrees(Tag::GPSLatitude, Tag::GPSLatitudeRef, b'S')?;
    let longitude = degrees(Tag::GPSLongitude, Tag::GPSLongitudeRef, b'W')?;
    if !(-90.0..=90.0).contains(&latitude) || !(-180.0..=180.0).contains(&longitude) {
        return None;
    }
    Some(GpsSuggestion {
        latitude,
        longitude,
    })
}
