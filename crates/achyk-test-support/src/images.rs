//! Images for the tests, built by hand with marker metadata in every place a format can
//! carry it (EXIF with GPS, XMP, ICC, IPTC/Photoshop, comments, PNG text chunks, WebP EXIF and
//! XMP chunks), and a check that a JPEG holds none of it: shared by the photo tests of
//! `achyk-civic` and the intake tests of `achyk-web`.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{ExtendedColorType, ImageEncoder, Rgb, RgbImage};

pub const MARKERS: &[&[u8]] = &[
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
pub fn tiff(
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
pub fn bishkek_tiff(orientation: u16) -> Vec<u8> {
    tiff(
        orientation,
        [(42, 1), (52, 1), (30, 1)],
        b'N',
        [(74, 1), (36, 1), (455, 10)],
        b'E',
    )
}

pub const XMP: &[u8] = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="42,52.5N" exif:GPSLongitude="74,36.7583E" exif:UserComment="MARKER-XMP"/></rdf:RDF></x:xmpmeta>"#;

pub fn two_tone(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, _| {
        if x < w / 2 {
            Rgb([255, 0, 0])
        } else {
            Rgb([0, 0, 255])
        }
    })
}

pub fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(payload);
    s
}

pub fn jpeg_with_metadata(img: &RgbImage, orientation: u16) -> Vec<u8> {
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

pub fn crc32(data: &[u8]) -> u32 {
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

pub fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    c.extend_from_slice(&crc32(&[kind.as_slice(), data].concat()).to_be_bytes());
    c
}

pub fn plain_png(img: &RgbImage) -> Vec<u8> {
    let mut png = Vec::new();
    PngEncoder::new(&mut png)
        .write_image(img, img.width(), img.height(), ExtendedColorType::Rgb8)
        .unwrap();
    png
}

pub fn png_with_metadata(img: &RgbImage) -> Vec<u8> {
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

pub fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = kind.to_vec();
    c.extend_from_slice(&(data.len() as u32).to_le_bytes());
    c.extend_from_slice(data);
    if data.len() % 2 == 1 {
        c.push(0);
    }
    c
}

pub fn webp_with_metadata(img: &RgbImage) -> Vec<u8> {
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
pub fn jpeg_markers(jpeg: &[u8]) -> Vec<u8> {
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

pub fn assert_clean(jpeg: &[u8]) {
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
