//! Inputs are built here, with marker metadata in every place a format can carry it.

use achyk_civic::photo::*;
use achyk_test_support::images::*;
use image::{Rgb, RgbImage};

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
