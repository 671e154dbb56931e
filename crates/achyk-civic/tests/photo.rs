//! Inputs are built here, with marker metadata in every place a format can carry it.

use achyk_civic::photo::*;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{ExtendedColorType, ImageEncoder, Rgb, RgbImage};

const MARKERS: &[&[u8]] = &[
    b"MARKER",
    b"Exif",
    b"http://ns.adobe.com",
    b"ICC_PROFILE",
    b"Photoshop",
    b"tEXt",
    b"iTXt",
    b"eXIf",
    b"XMP",
];

/// A little-endian TIFF (EXIF) block: ImageDescription "MARKER-EXIF", Orientation, and a GPS
/// IFD with the given degrees/minutes/seconds as rationals.
fn tiff(
    orientation: u16,
    lat: [(u32, u32); 3],
    lat_ref: u8,
    lon: [(u32, u32); 3],
    lon_ref: u8,
) -> Vec<u8> {
    let desc = b"MARKER-EXIF\0";
    let ifd0 = 8u32;
    let desc_at = ifd0 + 2 + 3 * 12 + 4; // 50
    let gps_at = desc_at + desc.len() as u32; // 62
    let lat_at = gps_at + 2 + 4 * 12 + 4; // 116
    let lon_at = lat_at + 24; // 140
    let mut t = Vec::new();
    t.extend_from_slice(b"II");
    t.extend_from_slice(&42u16.to_le_bytes());
    t.extend_from_slice(&ifd0.to_le_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, ty: u16, count: u32, value: [u8; 4]| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&ty.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value);
    };
    t.extend_from_slice(&3u16.to_le_bytes());
    entry(&mut t, 0x010E, 2, desc.len() as u32, desc_at.to_le_bytes());
    let o = orientation.to_le_bytes();
    entry(&mut t, 0x0112, 3, 1, [o[0], o[1], 0, 0]);
    entry(&mut t, 0x8825, 4, 1, gps_at.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(t.len() as u32, desc_at);
    t.extend_from_slice(desc);
    assert_eq!(t.len() as u32, gps_at);
    t.extend_from_slice(&4u16.to_le_bytes());
    entry(&mut t, 1, 2, 2, [lat_ref, 0, 0, 0]);
    entry(&mut t, 2, 5, 3, lat_at.to_le_bytes());
    entry(&mut t, 3, 2, 2, [lon_ref, 0, 0, 0]);
    entry(&mut t, 4, 5, 3, lon_at.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(t.len() as u32, lat_at);
    for (n, d) in lat.into_iter().chain(lon) {
        t.extend_from_slice(&n.to_le_bytes());
        t.extend_from_slice(&d.to_le_bytes());
    }
    t
}

/// 42°52'30" N, 74°36'45.5" E.
fn bishkek_tiff(orientation: u16) -> Vec<u8> {
    tiff(
        orientation,
        [(42, 1), (52, 1), (30, 1)],
        b'N',
        [(74, 1), (36, 1), (455, 10)],
        b'E',
    )
}

const XMP: &[u8] = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="42,52.5N" exif:GPSLongitude="74,36.7583E" exif:UserComment="MARKER-XMP"/></rdf:RDF></x:xmpmeta>"#;

fn two_tone(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, _| {
        if x < w / 2 {
            Rgb([255, 0, 0])
        } else {
            Rgb([0, 0, 255])
        }
    })
}

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(payload);
    s
}

fn jpeg_with_metadata(img: &RgbImage, orientation: u16) -> Vec<u8> {
    let mut plain = Vec::new();
    JpegEncoder::new_with_quality(&mut plain, 95)
        .encode_image(img)
        .unwrap();
    let mut out = plain[..2].to_vec(); // SOI
    out.extend(segment(
        0xE1,
        &[b"Exif\0\0".as_slice(), &bishkek_tiff(orientation)].concat(),
    ));
    out.extend(segment(
        0xE1,
        &[b"http://ns.adobe.com/xap/1.0/\0".as_slice(), XMP].concat(),
    ));
    out.extend(segment(
        0xE2,
        &[
            b"ICC_PROFILE\0\x01\x01".as_slice(),
            b"MARKER-ICC-PROFILE-BYTES",
        ]
        .concat(),
    ));
    out.extend(segment(
        0xED,
        &[
            b"Photoshop 3.0\0".as_slice(),
            b"8BIM\x04\x04\0\0\0\0\0\x0bMARKER-IPTC",
        ]
        .concat(),
    ));
    out.extend(segment(0xFE, b"MARKER-COM comment"));
    out.extend_from_slice(&plain[2..]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    c.extend_from_slice(&crc32(&[kind.as_slice(), data].concat()).to_be_bytes());
    c
}

fn plain_png(img: &RgbImage) -> Vec<u8> {
    let mut png = Vec::new();
    PngEncoder::new(&mut png)
        .write_image(img, img.width(), img.height(), ExtendedColorType::Rgb8)
        .unwrap();
    png
}

fn png_with_metadata(img: &RgbImage) -> Vec<u8> {
    let png = plain_png(img);
    let mut out = png[..33].to_vec(); // signature + IHDR
    out.extend(chunk(b"tEXt", b"Comment\0MARKER-PNG-TEXT"));
    out.extend(chunk(
        b"iTXt",
        &[b"XML:com.adobe.xmp\0\0\0\0\0".as_slice(), XMP].concat(),
    ));
    out.extend(chunk(b"eXIf", &bishkek_tiff(1)));
    out.extend_from_slice(&png[33..]);
    out
}

fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = kind.to_vec();
    c.extend_from_slice(&(data.len() as u32).to_le_bytes());
    c.extend_from_slice(data);
    if data.len() % 2 == 1 {
        c.push(0);
    }
    c
}

fn webp_with_metadata(img: &RgbImage) -> Vec<u8> {
    let mut plain = Vec::new();
    WebPEncoder::new_lossless(&mut plain)
        .encode(img, img.width(), img.height(), ExtendedColorType::Rgb8)
        .unwrap();
    let (w, h) = (img.width() - 1, img.height() - 1);
    let mut vp8x = vec![0x08 | 0x04, 0, 0, 0];
    vp8x.extend_from_slice(&w.to_le_bytes()[..3]);
    vp8x.extend_from_slice(&h.to_le_bytes()[..3]);
    let mut body = b"WEBP".to_vec();
    body.extend(riff_chunk(b"VP8X", &vp8x));
    body.extend_from_slice(&plain[12..]);
    body.extend(riff_chunk(b"EXIF", &bishkek_tiff(1)));
    body.extend(riff_chunk(b"XMP ", XMP));
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}

/// The JPEG's markers, in order, parsed by hand; the scan's entropy-coded data skipped.
fn jpeg_markers(jpeg: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "starts with SOI");
    let mut markers = vec![0xD8];
    let mut i = 2;
    loop {
        assert_eq!(jpeg[i], 0xFF, "marker expected at {i}");
        let m = jpeg[i + 1];
        markers.push(m);
        if m == 0xD9 {
            assert_eq!(i + 2, jpeg.len(), "nothing after EOI");
            return markers;
        }
        let len = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        if m == 0xE0 {
            assert_eq!(&jpeg[i + 4..i + 9], b"JFIF\0", "APP0 is JFIF");
        }
        i += 2 + len;
        if m == 0xDA {
            // Entropy-coded data: runs to the next marker that is not a stuffed 0xFF00 or RSTn.
            while !(jpeg[i] == 0xFF && jpeg[i + 1] != 0 && !(0xD0..=0xD7).contains(&jpeg[i + 1])) {
                i += 1;
            }
        }
    }
}

fn assert_clean(jpeg: &[u8]) {
    for m in MARKERS {
        assert!(
            !jpeg.windows(m.len()).any(|w| w == *m),
            "output still holds {:?}",
            String::from_utf8_lossy(m)
        );
    }
    let markers = jpeg_markers(jpeg);
    let allowed = [0xD8, 0xE0, 0xDB, 0xC0, 0xC4, 0xDA, 0xD9];
    assert!(
        markers.iter().all(|m| allowed.contains(m)),
        "segments {markers:02X?}"
    );
    assert!(markers.iter().filter(|&&m| m == 0xE0).count() <= 1);
    assert!(markers.contains(&0xC0), "baseline SOF0");
    assert_eq!(markers.last(), Some(&0xD9));
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn jpeg_metadata_is_gone_and_gps_is_only_suggested() {
    let input = jpeg_with_metadata(&two_tone(64, 32), 1);
    // The input does carry every marker the output must not.
    for m in [
        b"MARKER-EXIF".as_slice(),
        b"MARKER-XMP",
        b"MARKER-ICC",
        b"MARKER-IPTC",
        b"MARKER-COM",
    ] {
        assert!(input.windows(m.len()).any(|w| w == m));
    }
    // The segment parser sees them too (so `assert_clean` can fail).
    let before = jpeg_markers(&input);
    for m in [0xE1, 0xE2, 0xED, 0xFE] {
        assert!(before.contains(&m), "input segment {m:02X}");
    }
    let out = sanitise(&input, &PhotoLimits::default()).unwrap();
    assert_clean(&out.jpeg);
    assert_eq!((out.width, out.height), (64, 32));
    // 42 + 52/60 + 30/3600 = 42.875; 74 + 36/60 + 45.5/3600 = 74.612638888…
    let gps = out.suggested_place.unwrap();
    assert!(close(gps.latitude, 42.875), "{gps:?}");
    assert!(close(gps.longitude, 74.0 + 0.6 + 45.5 / 3600.0), "{gps:?}");
    assert!(close(gps.longitude, 74.612_638_888_888_8), "{gps:?}");
}

#[test]
fn png_metadata_is_gone() {
    let input = png_with_metadata(&two_tone(40, 20));
    let out = sanitise(&input, &PhotoLimits::default()).unwrap();
    assert_clean(&out.jpeg);
    assert_eq!((out.width, out.height), (40, 20));
    assert!(
        close(out.suggested_place.unwrap().latitude, 42.875),
        "GPS from the eXIf chunk"
    );
}

#[test]
fn webp_metadata_is_gone() {
    let input = webp_with_metadata(&two_tone(40, 20));
    let out = sanitise(&input, &PhotoLimits::default()).unwrap();
    assert_clean(&out.jpeg);
    assert_eq!((out.width, out.height), (40, 20));
    assert!(
        close(out.suggested_place.unwrap().longitude, 74.612_638_888_888_8),
        "GPS from the EXIF chunk"
    );
}

#[test]
fn orientation_is_applied() {
    let out = sanitise(
        &jpeg_with_metadata(&two_tone(2, 1), 6),
        &PhotoLimits::default(),
    )
    .unwrap();
    assert_eq!((out.width, out.height), (1, 2));
    // Orientation 6: rotate 90° clockwise, so the left (red) half comes on top.
    let out = sanitise(
        &jpeg_with_metadata(&two_tone(32, 16), 6),
        &PhotoLimits::default(),
    )
    .unwrap();
    let img = image::load_from_memory(&out.jpeg).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (16, 32));
    let top = img.get_pixel(8, 4).0;
    let bottom = img.get_pixel(8, 28).0;
    assert!(top[0] > 200 && top[2] < 60, "top {top:?}");
    assert!(bottom[2] > 200 && bottom[0] < 60, "bottom {bottom:?}");
}

#[test]
fn gps_south_and_west_are_negative() {
    // 33°51'24.48" S = -(33 + 0.85 + 0.0068) = -33.8568; 151°12'55.08" W = -(151 + 0.2 + 0.0153).
    let t = tiff(
        1,
        [(33, 1), (51, 1), (2448, 100)],
        b'S',
        [(151, 1), (12, 1), (5508, 100)],
        b'W',
    );
    let gps = gps_from_exif(&t).unwrap();
    assert!(
        close(gps.latitude, -33.8568) && close(gps.longitude, -151.2153),
        "{gps:?}"
    );
    assert_eq!(gps_from_exif(b"II*\0garbage"), None);
}

#[test]
fn large_images_are_downscaled() {
    let limits = PhotoLimits {
        max_side: 100,
        ..PhotoLimits::default()
    };
    let out = sanitise(&plain_png(&two_tone(400, 100)), &limits).unwrap();
    assert_eq!((out.width, out.height), (100, 25));
    assert_eq!(out.suggested_place, None);
}

#[test]
fn other_types_are_refused_with_a_clear_error() {
    let l = PhotoLimits::default();
    assert_eq!(
        sanitise(b"GIF89a\x01\0\x01\0", &l).unwrap_err(),
        PhotoError::Refused("GIF")
    );
    assert_eq!(
        sanitise(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", &l).unwrap_err(),
        PhotoError::Refused("SVG")
    );
    assert_eq!(
        sanitise(b"<?xml version=\"1.0\"?>\n<svg/>", &l).unwrap_err(),
        PhotoError::Refused("SVG")
    );
    assert_eq!(
        sanitise(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", &l).unwrap_err(),
        PhotoError::Refused("HEIC")
    );
    assert_eq!(sanitise(b"%PDF-1.7", &l).unwrap_err(), PhotoError::Unknown);
    assert_eq!(sanitise(b"", &l).unwrap_err(), PhotoError::Empty);
    assert_eq!(
        sanitise(b"GIF89a", &l).unwrap_err().to_string(),
        "GIF images are not accepted; send a JPEG, PNG or WebP photo"
    );
    // A JPEG header with nothing after it: an error, not a panic.
    assert!(matches!(
        sanitise(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 4], &l),
        Err(PhotoError::Corrupt(_))
    ));
}

#[test]
fn oversize_and_bombs_are_rejected_before_decoding() {
    let png = plain_png(&two_tone(20, 20));
    let l = PhotoLimits {
        max_bytes: png.len() - 1,
        ..PhotoLimits::default()
    };
    assert_eq!(
        sanitise(&png, &l).unwrap_err(),
        PhotoError::TooLarge {
            size: png.len(),
            limit: png.len() - 1
        }
    );
    let l = PhotoLimits {
        max_pixels: 399,
        ..PhotoLimits::default()
    };
    assert_eq!(
        sanitise(&png, &l).unwrap_err(),
        PhotoError::TooManyPixels {
            width: 20,
            height: 20,
            limit: 399
        }
    );
    // A tiny PNG whose header claims 100000 × 100000 pixels (10^10), CRC fixed up.
    let mut bomb = plain_png(&two_tone(1, 1));
    bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    assert!(bomb.len() < 200);
    assert!(matches!(
        sanitise(&bomb, &PhotoLimits::default()),
        Err(PhotoError::TooManyPixels { .. })
    ));
}

#[test]
fn black_out_fills_regions_with_black() {
    let white = RgbImage::from_pixel(64, 64, Rgb([255, 255, 255]));
    let clean = sanitise(&plain_png(&white), &PhotoLimits::default()).unwrap();
    let rect = Rect {
        x: 0,
        y: 0,
        width: 32,
        height: 32,
    };
    let out = black_out(&clean.jpeg, &[rect], &PhotoLimits::default()).unwrap();
    assert_clean(&out);
    let img = image::load_from_memory(&out).unwrap().to_rgb8();
    assert!(img.get_pixel(8, 8).0.iter().all(|&c| c < 20));
    assert!(img.get_pixel(20, 28).0.iter().all(|&c| c < 20));
    assert!(img.get_pixel(48, 48).0.iter().all(|&c| c > 235));
    // Running past the edge is cut; starting outside is an error.
    assert!(
        black_out(
            &clean.jpeg,
            &[Rect {
                x: 60,
                y: 60,
                width: 100,
                height: 100
            }],
            &PhotoLimits::default()
        )
        .is_ok()
    );
    assert_eq!(
        black_out(
            &clean.jpeg,
            &[Rect {
                x: 64,
                y: 0,
                width: 1,
                height: 1
            }],
            &PhotoLimits::default()
        )
        .unwrap_err(),
        PhotoError::OutsideImage {
            width: 64,
            height: 64
        }
    );
}

#[test]
fn truncated_uploads_are_errors_not_panics() {
    let inputs = [
        jpeg_with_metadata(&two_tone(16, 8), 6),
        png_with_metadata(&two_tone(16, 8)),
        webp_with_metadata(&two_tone(16, 8)),
    ];
    for input in &inputs {
        for cut in (0..input.len()).step_by(3) {
            if cut < 40 {
                assert!(
                    sanitise(&input[..cut], &PhotoLimits::default()).is_err(),
                    "{cut} bytes"
                );
            }
            // A decoder may pad a cut-off scan; what matters is an answer, never a panic.
            let _ = sanitise(&input[..cut], &PhotoLimits::default());
        }
    }
}
