//! Busy-library benchmark (`bench/busy-library.sh`): does the editor still autosave and list
//! stories quickly while the same library imports 1,000 photos and the engine publishes through
//! a slow network?
//!
//! Measured from the editor's thread: `save_article` (an autosave of a ~1,000-word story, one
//! paragraph changed each time) and `articles()` (the story list), alternately.
//! - **idle** (the peer, same run, same library): nothing else running; N rounds before the busy
//!   phase, then more after it until the idle rounds have taken as long as the busy phase. This
//!   disk's flushes have slow spells seconds long: a peer of the first second or two alone either
//!   caught one or not, and its p99 swung 1.2-7 ms between runs of the same build.
//! - **busy**: a 1,000-photo import on one thread, and the sync engine publishing a story with
//!   the model story's photos plus four ~1.5 MB noise JPEGs through a loopback proxy that
//!   forwards under 1 MB/s; saves and lists are taken until the import ends.
//!
//! The photos are copies of a 55 KB fixture JPEG, or with `--from DIR` of every JPEG in DIR in
//! turn (`--from corpus`: the real camera photos of `../shared/corpus/fullsize`, 2-4 MB each);
//! each copy has different trailing bytes, so none is a duplicate. The copies are flushed to
//! disk before anything is timed, so the idle phase does not pay for writing them back.
//!
//! Rounds follow each other at once, or `--every MS` apart: the editor's autosave waits for a
//! 600 ms pause in typing, so real saves are at least that far apart, and back-to-back rounds
//! (the default, the harshest case) leave the library's checkpoint thread no quiet moment.
//!
//! With `--floor`, each round also writes the story's JSON over the start of a file beside the
//! library and flushes it (`fdatasync`): the disk's own cost of a durable write of that size.
//! Under the import it pays for the same flushes a save does, so busy save p99 ÷ busy floor
//! p99 is what Byline adds to the disk's cost. It doubles the flushes per round, so runs that
//! measure busy ÷ idle leave it off.
//!
//! Goal: busy p99 ≤ 2× idle p99 and < 50 ms.
//!   cargo run --release -p byline-tests --example busy_library -- \
//!     [PHOTOS] [IDLE_SAMPLES] [--from DIR|corpus] [--every MS] [--floor]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use byline_core::engine::Target;
use byline_core::photodesk::FieldEdit;
use byline_core::{Library, Scope};
use byline_protocol::{Article, Block, BlockKind};
use byline_testkit::proxy::{self, Fault};
use byline_testkit::{in_process, ready_story, repo};

fn pct(v: &[Duration], p: f64) -> Duration {
    let mut s = v.to_vec();
    s.sort();
    s[((s.len() as f64 * p).ceil() as usize).clamp(1, s.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A ~1,000-word story made of the model story's paragraphs, repeated.
fn long_story(lib: &Library, seed: &str) -> Article {
    let model = lib.article(seed).expect("model story");
    let paras: Vec<String> = model
        .blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Paragraph { .. }))
        .map(|b| b.text().to_owned())
        .collect();
    let mut a = model.clone();
    a.id = byline_protocol::new_id();
    a.revision = 0;
    a.blocks.clear();
    let mut words = 0;
    for p in paras.iter().cycle() {
        if words >= 1000 {
            break;
        }
        words += p.split_whitespace().count();
        a.blocks.push(Block::paragraph(p.clone()));
    }
    lib.create_article(a).expect("the long story is stored")
}

/// The photos to copy: every JPEG in `from`, or the small fixture.
fn originals(from: Option<&std::path::Path>) -> Vec<Vec<u8>> {
    let Some(dir) = from else {
        let fixture = repo().join("crates/media/tests/data/photoshop_iptc_caption.jpg");
        return vec![std::fs::read(fixture).expect("fixture photo")];
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("--from {}: {e}", dir.display()))
        .map(|e| e.expect("folder entry").path())
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("jpg")))
        .collect();
    paths.sort();
    assert!(
        !paths.is_empty(),
        "--from {}: no .jpg files there",
        dir.display()
    );
    paths
        .iter()
        .map(|p| std::fs::read(p).expect("photo"))
        .collect()
}

/// `n` copies of `originals` in turn, each with distinct bytes after its end marker, flushed to
/// disk.
fn copies(dir: &std::path::Path, originals: &[Vec<u8>], n: usize) -> Vec<std::path::PathBuf> {
    std::fs::create_dir_all(dir).expect("photo dir");
    let paths: Vec<_> = (0..n)
        .map(|i| {
            let mut bytes = originals[i % originals.len()].clone();
            bytes.extend_from_slice(format!("byline-bench-copy-{i:06}").as_bytes());
            let p = dir.join(format!("copy-{i:04}.jpg"));
            std::fs::write(&p, bytes).expect("photo copy");
            p
        })
        .collect();
    // Flushed now: 3 GB of camera copies left to the kernel were written back during the idle
    // phase, whose slowest saves then took hundreds of milliseconds.
    byline_durable::sync_files(paths.iter().map(std::path::PathBuf::as_path))
        .expect("photo copies flushed");
    paths
}

/// A noise JPEG of about 1.5 MB (noise does not compress).
fn noise_photo(path: &std::path::Path, seed: u32) {
    let mut x: u32 = 0x9E37_79B9 ^ seed.wrapping_mul(0x85EB_CA6B);
    let img = image::RgbImage::from_fn(1000, 700, |_, _| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        image::Rgb([x as u8, (x >> 8) as u8, (x >> 16) as u8])
    });
    img.save(path).expect("noise JPEG");
}

#[derive(Default)]
struct Samples {
    save: Vec<Duration>,
    list: Vec<Duration>,
    floor: Vec<Duration>,
}

/// The disk's peer (`--floor`): a file overwritten in place and flushed, as a save's WAL is.
struct Floor(std::fs::File);

impl Floor {
    fn write(&self, bytes: &[u8]) {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = &self.0;
        f.seek(SeekFrom::Start(0)).expect("floor seek");
        f.write_all(bytes).expect("floor write");
        self.0.sync_data().expect("floor flush");
    }
}

fn sample(
    (lib, floor): (&Library, Option<&Floor>),
    story: &mut Article,
    round: usize,
    every: Duration,
    out: &mut Samples,
) {
    std::thread::sleep(every);
    let i = 1 + round % (story.blocks.len() - 1);
    *story.blocks[i].text_mut() = format!("Bản sửa {round}: đoàn công tác làm việc tại Nghệ An.");
    let t = Instant::now();
    lib.save_article(story).expect("autosave");
    out.save.push(t.elapsed());
    let t = Instant::now();
    let n = lib.articles(Scope::Live).expect("list").len();
    out.list.push(t.elapsed());
    assert!(n >= 2, "the list has the stories");
    if let Some(floor) = floor {
        let json = serde_json::to_vec(&*story).expect("story JSON");
        let t = Instant::now();
        floor.write(&json);
        out.floor.push(t.elapsed());
    }
}

fn line(name: &str, v: &[Duration]) -> String {
    format!(
        "{name} p50 {:.2} p95 {:.2} p99 {:.2} max {:.2} ms",
        ms(pct(v, 0.5)),
        ms(pct(v, 0.95)),
        ms(pct(v, 0.99)),
        ms(pct(v, 1.0)),
    )
}

/// Prints one phase; its p99s of save, list and the floor (zero without `--floor`).
fn report(what: &str, s: &Samples) -> [Duration; 3] {
    let floor = if s.floor.is_empty() {
        String::new()
    } else {
        format!(" | {}", line("floor write+fdatasync", &s.floor))
    };
    println!(
        "{what:>4}: {} rounds | {} | {}{floor}",
        s.save.len(),
        line("save_article", &s.save),
        line("articles()", &s.list),
    );
    [&s.save, &s.list, &s.floor].map(|v| p99(v).unwrap_or_default())
}

/// The p99 of `v`, if it has any sample ([`pct`] needs one).
fn p99(v: &[Duration]) -> Option<Duration> {
    (!v.is_empty()).then(|| pct(v, 0.99))
}

fn main() {
    let args = Args::parse();
    let (n_photos, idle_rounds, every) = (args.photos, args.idle, args.every);
    let dir = tempfile::tempdir().expect("temp dir");
    let sdir = dir.path().join("server");
    let srv = in_process::start(&sdir);
    let slow = proxy::proxy(&srv.url, |_| Fault::Crawl);

    let lib = Library::open(dir.path().join("lib")).expect("library");
    let floor = args.floor.then(|| {
        let f = std::fs::File::create(dir.path().join("floor")).expect("floor file");
        f.set_len(1 << 20).expect("floor file's size");
        f.sync_all().expect("floor file flushed");
        Floor(f)
    });
    let pair = (&lib, floor.as_ref());
    eprintln!("preparing: stories, {n_photos} photo copies, 4 noise photos");
    let seed = ready_story(&lib);
    let mut story = long_story(&lib, &seed);
    let photos = copies(
        &dir.path().join("incoming"),
        &originals(args.from.as_deref()),
        n_photos,
    );
    let mut big = Vec::new();
    for i in 0..4 {
        let p = dir.path().join(format!("noise-{i}.jpg"));
        noise_photo(&p, i);
        big.push(p);
    }
    let never = AtomicBool::new(false);
    let r = lib
        .import_photos(&big, &never, &|_| {})
        .expect("noise photos");
    let ids: Vec<String> = r.imported.iter().map(|p| p.id.clone()).collect();
    lib.caption_photos(
        &ids,
        &FieldEdit {
            caption: Some("Ảnh nhiễu.".into()),
            credit: Some("Bench".into()),
            ..Default::default()
        },
    )
    .expect("captions");
    for id in &ids {
        lib.attach_photo(&seed, id, None).expect("attach");
    }
    lib.check_article(&seed)
        .expect("the desk loads before timing");

    let mut idle = Samples::default();
    let idle_start = Instant::now();
    for round in 0..idle_rounds {
        sample(pair, &mut story, round, every, &mut idle);
    }
    let idle_before = idle_start.elapsed();

    let engine = lib
        .start_engine(Target::Fixed(
            srv.remote(&srv.editor).clone_with_url(&slow.url),
        ))
        .expect("engine");
    let importing = Arc::new(AtomicBool::new(true));
    let import_took = Arc::new(Mutex::new(Duration::ZERO));
    let importer = {
        let (lib, importing, took) = (lib.clone(), importing.clone(), import_took.clone());
        std::thread::spawn(move || {
            let t = Instant::now();
            let never = AtomicBool::new(false);
            let r = lib.import_photos(&photos, &never, &|_| {});
            *took.lock().unwrap() = t.elapsed();
            importing.store(false, Ordering::SeqCst);
            r.expect("the import runs")
        })
    };
    let busy_start = Instant::now();
    lib.enqueue_publish(&seed).expect("publish queued");
    let mut busy = Samples::default();
    let mut round = idle_rounds;
    let mut publish_done_at = None;
    while importing.load(Ordering::SeqCst) {
        sample(pair, &mut story, round, every, &mut busy);
        round += 1;
        if publish_done_at.is_none() && lib.outbox(false).expect("outbox").is_empty() {
            publish_done_at = Some(busy_start.elapsed());
        }
    }
    let imported = importer.join().expect("importer");
    let publish_state = publish_done_at.map_or_else(
        || {
            format!(
                "still sending ({} items left)",
                lib.outbox(false).unwrap().len()
            )
        },
        |d| format!("sent after {:.1} s", d.as_secs_f64()),
    );
    let busy_took = busy_start.elapsed();
    engine.stop();
    let before = idle.save.len();
    // The rest of the idle peer, so that it spans as much time as the busy phase (why: see
    // the module's doc).
    let idle_start = Instant::now();
    while idle_start.elapsed() + idle_before < busy_took {
        sample(pair, &mut story, round, every, &mut idle);
        round += 1;
    }
    println!(
        "photos: {}; rounds {}",
        args.from
            .as_ref()
            .map_or("copies of a 55 KB fixture".into(), |d| format!(
                "copies of {}",
                d.display()
            )),
        if every.is_zero() {
            "back to back".into()
        } else {
            format!("{} ms apart", every.as_millis())
        },
    );
    println!(
        "busy phase {:.1} s: import of {} photos ({} new) took {:.1} s; throttled publish {publish_state}",
        busy_took.as_secs_f64(),
        n_photos,
        imported.imported.len(),
        import_took.lock().unwrap().as_secs_f64(),
    );
    let after = &idle.save[before..];
    println!(
        "idle: {before} rounds before the busy phase ({:.1} s), {} after it, until the idle rounds had taken as long as the busy phase; save_article p99 before {:.2} ms, after {}",
        idle_before.as_secs_f64(),
        after.len(),
        ms(pct(&idle.save[..before], 0.99)),
        p99(after).map_or("-".into(), |d| format!("{:.2} ms", ms(d))),
    );
    let [is, il, fi] = report("idle", &idle);
    let [bs, bl, fb] = report("busy", &busy);
    println!(
        "ratio busy/idle p99: save_article {:.2}x, articles() {:.2}x (goal <= 2x and < 50 ms)",
        ms(bs) / ms(is),
        ms(bl) / ms(il)
    );
    if args.floor {
        println!(
            "floor: busy/idle p99 {:.2}x; save_article/floor p99 idle {:.2}x, busy {:.2}x",
            ms(fb) / ms(fi),
            ms(is) / ms(fi),
            ms(bs) / ms(fb)
        );
    }
}

struct Args {
    photos: usize,
    idle: usize,
    from: Option<std::path::PathBuf>,
    every: Duration,
    floor: bool,
}

impl Args {
    fn parse() -> Args {
        let mut a = Args {
            photos: 1000,
            idle: 3000,
            from: None,
            every: Duration::ZERO,
            floor: false,
        };
        let mut plain = 0;
        let mut it = std::env::args().skip(1);
        while let Some(arg) = it.next() {
            let mut value = || it.next().unwrap_or_else(|| panic!("{arg} needs a value"));
            match arg.as_str() {
                "--from" => {
                    let v = value();
                    a.from = Some(if v == "corpus" {
                        repo().join("../shared/corpus/fullsize")
                    } else {
                        v.into()
                    });
                }
                "--every" => {
                    a.every = Duration::from_millis(value().parse().expect("--every MS"));
                }
                "--floor" => a.floor = true,
                n if plain == 0 => (a.photos, plain) = (n.parse().expect("PHOTOS"), 1),
                n if plain == 1 => (a.idle, plain) = (n.parse().expect("IDLE_SAMPLES"), 2),
                other => {
                    panic!(
                        "unknown argument {other}: [PHOTOS] [IDLE] [--from DIR] [--every MS] [--floor]"
                    )
                }
            }
        }
        a
    }
}

trait WithUrl {
    fn clone_with_url(&self, url: &str) -> Self;
}

impl WithUrl for byline_core::sync::Remote {
    fn clone_with_url(&self, url: &str) -> Self {
        byline_core::sync::Remote {
            url: url.to_owned(),
            token: self.token.clone(),
        }
    }
}
