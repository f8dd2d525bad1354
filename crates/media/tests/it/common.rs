//! Test helpers: fixture paths, the optional shared corpus, exiftool and pixel comparisons.

use std::path::{Path, PathBuf};

pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

pub fn read(name: &str) -> Vec<u8> {
    std::fs::read(data(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// `../shared/corpus` beside the repository, or `None` (with a note) on a plain clone.
pub fn corpus(sub: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(sub);
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!(
            "note: {} not found; skipping the whole-corpus part of this test",
            p.display()
        );
        None
    }
}

pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

pub fn exiftool_available() -> bool {
    let ok = std::process::Command::new("exiftool")
        .arg("-ver")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("note: exiftool not on PATH; skipping the exiftool comparison");
    }
    ok
}

/// `exiftool -j` on one file with the given extra arguments; the single JSON object.
pub fn exiftool_json(path: &Path, args: &[&str]) -> serde_json::Value {
    let out = std::process::Command::new("exiftool")
        .args(["-j", "-charset", "iptc=cp1252"])
        .args(args)
        .arg(path)
        .output()
        .expect("exiftool runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("exiftool prints JSON");
    v[0].clone()
}

/// A JSON value as a list of strings (exiftool prints a single item bare and numbers as numbers).
pub fn strings(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::Null => vec![],
        serde_json::Value::Array(a) => a.iter().flat_map(strings).collect(),
        serde_json::Value::String(s) => vec![s.clone()],
        other => vec![other.to_string()],
    }
}

/// Decodes a JPEG to RGB8 with the pure-Rust decoder (independent of the code under test).
pub fn decode(jpeg: &[u8]) -> image::RgbImage {
    image::load_from_memory(jpeg)
        .expect("rendition decodes")
        .to_rgb8()
}

/// Mean absolute difference per channel of two same-size images (0–255).
pub fn mean_abs_diff(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    assert_eq!(
        a.dimensions(),
        b.dimensions(),
        "images to compare must have the same size"
    );
    let sum: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / a.as_raw().len() as f64
}

/// Bytes from the first SOS marker to the end: the entropy-coded image data.
pub fn scan_data(jpeg: &[u8]) -> &[u8] {
    let mut pos = 2;
    while pos + 4 <= jpeg.len() {
        assert_eq!(jpeg[pos], 0xFF, "marker expected at {pos}");
        let marker = jpeg[pos + 1];
        if marker == 0xDA {
            return &jpeg[pos..];
        }
        let len = u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]) as usize;
        pos += 2 + len;
    }
    panic!("no SOS marker found")
}

/// The header segments before the first scan as (marker, payload without length).
pub fn segments(jpeg: &[u8]) -> Vec<(u8, &[u8])> {
    let mut out = Vec::new();
    let mut pos = 2;
    while pos + 4 <= jpeg.len() && jpeg[pos + 1] != 0xDA {
        let len = u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]) as usize;
        out.push((jpeg[pos + 1], &jpeg[pos + 4..pos + 2 + len]));
        pos += 2 + len;
    }
    out
}

/// Whether `needle` occurs anywhere in `hay`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Peak signal-to-noise ratio of two same-size images in dB (higher is closer; ∞ if equal).
pub fn psnr(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    assert_eq!(
        a.dimensions(),
        b.dimensions(),
        "images to compare must have the same size"
    );
    let se: f64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| (f64::from(*x) - f64::from(*y)).powi(2))
        .sum();
    let mse = se / a.as_raw().len() as f64;
    10.0 * (255.0f64 * 255.0 / mse).log10()
}

/// `main` with an MPF APP2 index after its leading APPn segments and `image` appended after its
/// EOI with MP type `mp_type` (0x010001: large thumbnail), the way cameras store them.
/// `offset_fudge` shifts the recorded offset to make a bogus index.
pub fn with_mpf_image(main: &[u8], image: &[u8], mp_type: u32, offset_fudge: i64) -> Vec<u8> {
    let mut insert_at = 2;
    for (marker, data) in segments(main) {
        if !(0xE0..=0xEF).contains(&marker) {
            break;
        }
        insert_at += 4 + data.len();
    }
    let mut mp = b"MM\0\x2a\0\0\0\x08\0\x03".to_vec();
    mp.extend_from_slice(&[0xB0, 0x00, 0, 7, 0, 0, 0, 4, b'0', b'1', b'0', b'0']);
    mp.extend_from_slice(&[0xB0, 0x01, 0, 4, 0, 0, 0, 1, 0, 0, 0, 2]);
    mp.extend_from_slice(&[0xB0, 0x02, 0, 7, 0, 0, 0, 32, 0, 0, 0, 50]);
    mp.extend_from_slice(&[0, 0, 0, 0]);
    assert_eq!(mp.len(), 50, "MP entries start at offset 50");
    let segment_len = 2 + 4 + mp.len() + 32;
    let primary_len = main.len() + 2 + segment_len;
    // MP offsets count from the MP header: after FF E2, the length and "MPF\0".
    let mp_header_at = insert_at + 2 + 2 + 4;
    let image_offset = (primary_len - mp_header_at) as i64 + offset_fudge;
    for (attr, size, offset) in [
        (0x2003_0000u32, primary_len as u32, 0u32),
        (mp_type, image.len() as u32, image_offset as u32),
    ] {
        mp.extend_from_slice(&attr.to_be_bytes());
        mp.extend_from_slice(&size.to_be_bytes());
        mp.extend_from_slice(&offset.to_be_bytes());
        mp.extend_from_slice(&[0, 0, 0, 0]);
    }
    let mut out = main[..insert_at].to_vec();
    out.extend_from_slice(&[0xFF, 0xE2]);
    out.extend_from_slice(&(segment_len as u16).to_be_bytes());
    out.extend_from_slice(b"MPF\0");
    out.extend_from_slice(&mp);
    out.extend_from_slice(&main[insert_at..]);
    assert_eq!(
        out.len(),
        primary_len,
        "the primary image size in the index is right"
    );
    out.extend_from_slice(image);
    out
}

/// A small image in the format of `ext` (png, webp, tif) made by the `image` crate, then given a
/// creator and, with `gps`, a position in EXIF and XMP by exiftool, the way cameras and editing
/// tools leave them. Written in `dir`.
pub fn photo_with_gps(dir: &Path, ext: &str, gps: bool) -> Vec<u8> {
    let format = image::ImageFormat::from_extension(ext).expect("an image format");
    let img = image::RgbImage::from_fn(24, 16, |x, y| image::Rgb([x as u8 * 10, y as u8 * 15, 90]));
    let path = dir.join(format!("made-{gps}.{ext}"));
    image::DynamicImage::ImageRgb8(img)
        .save_with_format(&path, format)
        .expect("the image crate writes the test image");
    let mut args = vec![
        "-q",
        "-overwrite_original",
        "-charset",
        "exif=UTF8",
        "-Artist=Cảnh Toàn",
        "-XMP-dc:Creator=Cảnh Toàn",
    ];
    if gps {
        args.extend([
            "-GPSLatitude=16.0544",
            "-GPSLatitudeRef=N",
            "-GPSLongitude=108.2022",
            "-GPSLongitudeRef=E",
            "-XMP-exif:GPSLatitude=16.0544N",
            "-XMP-exif:GPSLongitude=108.2022E",
        ]);
    }
    let out = std::process::Command::new("exiftool")
        .args(&args)
        .arg(&path)
        .output()
        .expect("exiftool runs (scripts/deps.sh installs libimage-exiftool-perl)");
    assert!(
        out.status.success(),
        "exiftool wrote the test metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&path).unwrap()
}

/// `png` with one more chunk right after IHDR.
pub fn with_png_chunk(png: &[u8], kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    byline_media::fuzzing::png_with_chunk(png, kind, data)
}
