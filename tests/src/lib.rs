//! Shared harness for Byline's cross-crate tests: where the repository and its built binaries
//! are, a newsroom server in-process or as a real `byline-server` process, and a loopback fault
//! proxy. Only the test targets of this crate use it.

pub mod in_process;
pub mod process;
pub mod proxy;
pub mod wordpress;

use std::net::TcpListener;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the repository root exists")
}

/// The repository's copy of the model story (the tests must not need ../shared).
pub fn seed_article() -> PathBuf {
    repo().join("fixtures/seed-article/article.md")
}

/// A built binary of this workspace: `$env` if set, else next to the running test in
/// `target/<profile>/`. `cargo test --workspace` builds every binary first; run alone, the test
/// says what to build.
pub fn bin(env: &str, name: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(env) {
        return PathBuf::from(p);
    }
    // target/<profile>/deps/<test-binary> → target/<profile>/<name>
    let exe = std::env::current_exe().expect("the test binary knows its path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test binaries live in target/<profile>/deps");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is not built; run `cargo build -p byline-cli -p byline-server` (or set {env})",
        path.display()
    );
    path
}

/// A port that was free a moment ago (for processes that need one on their command line).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a loopback port")
        .port()
}

/// A library in a temp dir of its own.
pub fn library() -> (tempfile::TempDir, byline_core::Library) {
    let dir = tempfile::tempdir().expect("temp dir");
    let lib = byline_core::Library::open(dir.path().join("lib")).expect("library opens");
    (dir, lib)
}

/// A noisy 6 MP JPEG at `path` (no two runs of a codec can shrink it much): big enough that its
/// upload takes several chunks and can be cut half way. Returns its size.
pub fn big_photo(path: &Path) -> u64 {
    let mut x: u32 = 0x1234_5678;
    let img = image::RgbImage::from_fn(3000, 2000, |_, _| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        image::Rgb([x as u8, (x >> 8) as u8, (x >> 16) as u8])
    });
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("photo file"));
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut f, 92)
        .encode_image(&img)
        .expect("JPEG encodes");
    drop(f);
    std::fs::metadata(path).expect("photo written").len()
}

/// A camera-sized JPEG at `path`: a smooth scene (sky-to-ground gradient with soft diagonal
/// bands) with grain of amplitude `grain`, seeded by `seed` so no two photos share a SHA-256.
/// Grain sets the file size (a real photo's detail), while the scene keeps the 1600 px preview
/// small, as a real photo's is. Integer arithmetic only: this runs unoptimised in tests.
/// Returns its size.
pub fn camera_photo(path: &Path, width: u32, height: u32, grain: u8, seed: u32) -> u64 {
    let mut x: u32 = (0x9E37_79B9 ^ seed.wrapping_mul(0x85EB_CA6B)) | 1;
    let span = 2 * u32::from(grain) + 1;
    let mut img = image::RgbImage::new(width, height);
    for (py, row) in img.rows_mut().enumerate() {
        let py = py as u32;
        let sky = (py * 120 / height) as i32;
        for (px, p) in row.enumerate() {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let n = (x % span) as i32 - i32::from(grain);
            // Soft diagonal bands, 64 px wide, a triangle wave of ±24.
            let phase = ((px as u32 + py * 2 + seed * 97) % 128) as i32;
            let band = (phase - 64).abs() * 3 / 4 - 24;
            let v = |base: i32, k: i32| (base + k * sky / 10 + band + n).clamp(0, 255) as u8;
            *p = image::Rgb([v(90, 8), v(140, 3), v(210, -9)]);
        }
    }
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("photo file"));
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut f, 90)
        .encode_image(&img)
        .expect("JPEG encodes");
    drop(f);
    std::fs::metadata(path).expect("photo written").len()
}

/// The model story in `lib`, cleaned by the copy desk's safe fixes and with every photo
/// credited, ready to publish. Returns its id.
pub fn ready_story(lib: &byline_core::Library) -> String {
    let id = lib
        .import_article(&seed_article())
        .expect("the model story imports")
        .article
        .id;
    lib.fix_article(&id).expect("the safe fixes apply");
    let ids: Vec<String> = lib
        .photos()
        .expect("photos list")
        .into_iter()
        .map(|p| p.id)
        .collect();
    lib.caption_photos(
        &ids,
        &byline_core::photodesk::FieldEdit {
            credit: Some("Cảnh Toàn".into()),
            ..Default::default()
        },
    )
    .expect("the photos take a credit");
    id
}

/// Polls `check` every 100 ms until it gives a value or `timeout` passes; returns the value and
/// how long it took, or `None`.
pub fn wait_until<T>(
    timeout: std::time::Duration,
    mut check: impl FnMut() -> Option<T>,
) -> Option<(T, std::time::Duration)> {
    let start = std::time::Instant::now();
    loop {
        if let Some(v) = check() {
            return Some((v, start.elapsed()));
        }
        if start.elapsed() > timeout {
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Waits up to `timeout` for an event of the library's bus matching `want`; the events read
/// before it are returned too (in order), for the failure message.
pub fn wait_event(
    rx: &mut tokio::sync::broadcast::Receiver<byline_core::events::Event>,
    timeout: std::time::Duration,
    want: impl Fn(&byline_core::events::Event) -> bool,
) -> (
    Option<byline_core::events::Event>,
    Vec<byline_core::events::Event>,
) {
    use byline_core::events::TryRecvError;
    let deadline = std::time::Instant::now() + timeout;
    let mut seen = Vec::new();
    loop {
        match rx.try_recv() {
            Ok(ev) if want(&ev) => return (Some(ev), seen),
            Ok(ev) => seen.push(ev),
            Err(TryRecvError::Lagged(_)) => {}
            Err(TryRecvError::Empty) => {
                if std::time::Instant::now() > deadline {
                    return (None, seen);
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(TryRecvError::Closed) => return (None, seen),
        }
    }
}
