//! Benchmark driver for `bench/thumbs.sh`: batch renditions, and PSNR against a full-resolution
//! Lanczos reference.
//!
//! ```text
//! thumbs batch <out_dir> <threads> <file>...    # writes <stem>_320.jpg and <stem>_1600.jpg
//! (BYLINE_NO_FSYNC=1 turns off the per-file fsync, as a cache-regenerating importer may;
//! BYLINE_SIZES=320 makes only the listed long edges; BYLINE_NO_PREVIEWS=1 turns off the
//! embedded-preview fast path, to measure what it saves; BYLINE_HEADROOM=1.3 sets the decode
//! headroom, see `RenditionOptions::decode_headroom`)
//! thumbs psnr <original> <rendition.jpg>...     # prints "<rendition> <psnr dB>"
//! ```

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use byline_media::{BatchJob, BatchOptions, process_batch};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        Some("batch") if args.len() >= 4 => batch(
            Path::new(&args[1]),
            args[2].parse().unwrap_or(0),
            &args[3..],
        ),
        Some("psnr") if args.len() >= 3 => psnr(Path::new(&args[1]), &args[2..]),
        _ => {
            eprintln!(
                "usage: thumbs batch <out_dir> <threads> <file>... | thumbs psnr <original> <rendition>..."
            );
            2
        }
    };
    std::process::exit(code);
}

fn batch(out: &Path, threads: usize, files: &[String]) -> i32 {
    let sizes: Vec<u32> = std::env::var("BYLINE_SIZES")
        .unwrap_or_else(|_| "320,1600".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let jobs: Vec<BatchJob> = files
        .iter()
        .map(|f| {
            let stem = Path::new(f)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            BatchJob {
                source: PathBuf::from(f),
                outputs: sizes
                    .iter()
                    .map(|s| (*s, out.join(format!("{stem}_{s}.jpg"))))
                    .collect(),
            }
        })
        .collect();
    let start = Instant::now();
    let cancel = AtomicBool::new(false);
    let durable = std::env::var_os("BYLINE_NO_FSYNC").is_none();
    let quality = std::env::var("BYLINE_QUALITY")
        .ok()
        .and_then(|q| q.parse().ok())
        .unwrap_or(85);
    let opts = BatchOptions {
        quality,
        embedded_previews: std::env::var_os("BYLINE_NO_PREVIEWS").is_none(),
        threads,
        durable,
        decode_headroom: std::env::var("BYLINE_HEADROOM")
            .ok()
            .and_then(|h| h.parse().ok())
            .unwrap_or(BatchOptions::default().decode_headroom),
    };
    let results = process_batch(&jobs, &opts, &cancel, &|p| {
        if let Err(e) = p.result {
            eprintln!("{}: {e}", p.source.display());
        }
    });
    let secs = start.elapsed().as_secs_f64();
    let ok = results.iter().filter(|r| r.is_ok()).count();
    println!(
        "byline: {ok}/{} files, {secs:.2} s, {:.1} images/s (sizes {sizes:?})",
        jobs.len(),
        jobs.len() as f64 / secs
    );
    i32::from(ok != jobs.len())
}

fn psnr(original: &Path, renditions: &[String]) -> i32 {
    let bytes = std::fs::read(original).expect("original readable");
    let mut decoder = image::ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .expect("format")
        .into_decoder()
        .expect("decoder");
    let orientation = image::ImageDecoder::orientation(&mut decoder)
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut full = image::DynamicImage::from_decoder(decoder).expect("original decodes");
    full.apply_orientation(orientation);
    let full = full.to_rgb8();
    for r in renditions {
        let Ok(img) = image::open(r) else {
            println!("{r} missing");
            continue;
        };
        let img = img.to_rgb8();
        let reference = image::imageops::resize(
            &full,
            img.width(),
            img.height(),
            image::imageops::FilterType::Lanczos3,
        );
        let mse: f64 = reference
            .as_raw()
            .iter()
            .zip(img.as_raw())
            .map(|(a, b)| (f64::from(*a) - f64::from(*b)).powi(2))
            .sum::<f64>()
            / img.as_raw().len() as f64;
        let db = if mse == 0.0 {
            99.0
        } else {
            10.0 * (255.0f64 * 255.0 / mse).log10()
        };
        println!("{r} {db:.2}");
    }
    0
}
