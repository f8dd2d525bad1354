//! The shipped binaries as Windows runs them: `byline.exe` and `byline-server.exe`, cross-built
//! for `x86_64-pc-windows-gnu` with Debian's mingw-w64, run under Debian's Wine. Paths are
//! Windows paths (drive letter, backslashes), the default library is under `%APPDATA%`, files
//! are replaced while Windows' rules on open files apply.
//!
//! Feature `wine`: `scripts/test.sh` first builds the two binaries with
//! `cargo build --target x86_64-pc-windows-gnu --bin byline --bin byline-server`. A missing Wine,
//! mingw-w64 or binary fails these tests (it never skips them): `scripts/deps.sh` installs both.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

use byline_testkit::process::http;
use serde_json::Value;

const TARGET: &str = "x86_64-pc-windows-gnu";
const WINE: &str = "/usr/lib/wine/wine64";

/// One Wine prefix and one folder holding the `.exe`s for every test in this binary: making a
/// prefix takes seconds, and two processes making the same one at once race.
struct Windows {
    prefix: tempfile::TempDir,
    bin: tempfile::TempDir,
}

fn windows() -> &'static Windows {
    static ONCE: OnceLock<Windows> = OnceLock::new();
    ONCE.get_or_init(Windows::set_up)
}

impl Windows {
    fn set_up() -> Windows {
        assert!(
            Path::new(WINE).exists(),
            "{WINE} is missing: install Debian's wine64 (bash scripts/deps.sh)"
        );
        let built = windows_bin_dir();
        let bin = tempfile::tempdir().unwrap();
        for exe in ["byline.exe", "byline-server.exe"] {
            let from = built.join(exe);
            assert!(
                from.exists(),
                "{} is missing: run `cargo build --target {TARGET} --bin byline --bin byline-server`",
                from.display()
            );
            std::fs::copy(&from, bin.path().join(exe)).unwrap();
        }
        build_bcryptprimitives_stub(bin.path());
        let prefix = tempfile::tempdir().unwrap();
        // The harness lives in a static, so these temp dirs are never dropped: a prefix is
        // ~700 MB, and a leak per run filled /tmp. Removed once the test process has ended.
        byline_testkit::reap_after_exit(
            &format!(
                "WINEPREFIX='{}' wineserver -k 2>/dev/null",
                prefix.path().display()
            ),
            prefix.path(),
        )
        .expect("reaper for the Wine prefix");
        byline_testkit::reap_after_exit("true", bin.path()).expect("reaper for the binaries");
        let w = Windows { prefix, bin };
        // The first process creates the prefix (C:\users\…, the registry): do it once, alone.
        let out = w.run("byline.exe", &["--version"]);
        assert!(
            out.status.success(),
            "byline.exe --version failed under Wine (status {:?}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        w
    }

    /// `wine64 EXE`, with a private prefix and no inherited Byline settings.
    fn command(&self, exe: &str) -> Command {
        let mut c = Command::new(WINE);
        c.arg(self.bin.path().join(exe))
            .env("WINEPREFIX", self.prefix.path())
            .env("WINEDEBUG", "-all")
            .env_remove("BYLINE_DATA_DIR")
            .env_remove("BYLINE_SERVER")
            .env_remove("BYLINE_TOKEN")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        c
    }

    fn run(&self, exe: &str, args: &[&str]) -> Output {
        self.command(exe).args(args).output().expect("wine64 runs")
    }

    /// `%APPDATA%` of the prefix's user, as a Linux path.
    fn appdata(&self) -> PathBuf {
        let users = self.prefix.path().join("drive_c/users");
        std::fs::read_dir(&users)
            .unwrap()
            .map(|e| e.unwrap().path().join("AppData/Roaming"))
            .find(|p| p.is_dir())
            .expect("the Wine prefix has a user with AppData\\Roaming")
    }
}

/// Where cargo put the cross-built binaries: `$BYLINE_WINDOWS_BIN_DIR`, else
/// `<target dir>/x86_64-pc-windows-gnu/debug`.
fn windows_bin_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("BYLINE_WINDOWS_BIN_DIR") {
        return PathBuf::from(d);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    target.join(TARGET).join("debug")
}

/// Rust's std (1.78+) imports `ProcessPrng` from `bcryptprimitives.dll`, which Windows 10/11 have
/// and Wine 8 lacks (the program exits with status 53 before `main`). A stub beside the `.exe`s
/// forwards it to `RtlGenRandom`; it exists for this harness only and never ships.
fn build_bcryptprimitives_stub(dir: &Path) {
    std::fs::write(
        dir.join("stub.c"),
        "#include <windows.h>\n#include <ntsecapi.h>\n\
         BOOL WINAPI ProcessPrng(PBYTE d, SIZE_T n) { return RtlGenRandom(d, (ULONG)n); }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("stub.def"),
        "LIBRARY bcryptprimitives\nEXPORTS\n  ProcessPrng\n",
    )
    .unwrap();
    let out = Command::new("x86_64-w64-mingw32-gcc")
        .current_dir(dir)
        .args([
            "-shared",
            "-o",
            "bcryptprimitives.dll",
            "stub.c",
            "stub.def",
            "-ladvapi32",
        ])
        .output()
        .unwrap_or_else(|e| {
            panic!("x86_64-w64-mingw32-gcc: {e}; install mingw-w64 (bash scripts/deps.sh)")
        });
    assert!(
        out.status.success(),
        "building the bcryptprimitives stub failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A Linux path as Wine's programs see it: drive `Z:`, backslashes.
fn win(p: &Path) -> String {
    format!("Z:{}", p.display()).replace('/', "\\")
}

/// The model story copied under a folder with a space and Vietnamese in its name, as a reporter's
/// Documents folder would be. Returns the story file.
fn model_story_in(dir: &Path) -> PathBuf {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/seed-article");
    let to = dir.join("Bài của Hà");
    std::fs::create_dir_all(to.join("photos")).unwrap();
    std::fs::copy(seed.join("article.md"), to.join("article.md")).unwrap();
    for p in std::fs::read_dir(seed.join("photos")).unwrap() {
        let p = p.unwrap().path();
        std::fs::copy(&p, to.join("photos").join(p.file_name().unwrap())).unwrap();
    }
    to.join("article.md")
}

/// `byline.exe --data-dir LIB ARGS`, asserting success; stdout as text.
fn byline(lib: &Path, args: &[&str]) -> String {
    let w = windows();
    let lib = win(lib);
    let mut all = vec!["--data-dir", lib.as_str()];
    all.extend_from_slice(args);
    let out = w.run("byline.exe", &all);
    text(&out, &format!("byline {}", args.join(" ")))
}

fn byline_json(lib: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = byline(lib, &all);
    serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("`byline {}` printed no JSON ({e}): {out}", args.join(" ")))
}

fn text(out: &Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "`{what}` failed under Wine (status {:?}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout.clone())
        .unwrap_or_else(|_| panic!("`{what}` printed something that is not UTF-8"))
        .trim()
        .to_owned()
}

fn figures(story: &Value) -> Vec<&Value> {
    story["blocks"]
        .as_array()
        .expect("a story has blocks")
        .iter()
        .filter(|b| b["type"] == "figure")
        .collect()
}

#[test]
fn on_windows_the_model_story_imports_from_a_drive_letter_path_with_all_three_photos() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("library");
    let story = model_story_in(dir.path());
    let id = byline(&lib, &["article", "import", &win(&story)]);

    let shown = byline_json(&lib, &["article", "show", &id]);
    assert!(
        shown["title"]
            .as_str()
            .unwrap()
            .starts_with("Hội nghị khảo sát"),
        "the Vietnamese title survives the Windows command line and console: {}",
        shown["title"]
    );
    let figs = figures(&shown);
    assert_eq!(figs.len(), 3, "the model story has three figures");
    for f in &figs {
        assert!(
            f["photo_id"].as_str().is_some_and(|p| p.len() == 64),
            "every figure keeps its photo (the photo store's write works on Windows): {f}"
        );
    }
    let photos = byline_json(&lib, &["photo", "list"]);
    assert_eq!(photos.as_array().unwrap().len(), 3, "{photos}");
    let stored = std::fs::read_dir(lib.join("photos"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name() != "tmp")
        .count();
    assert_eq!(stored, 3, "three originals, one shard folder each");

    let hits = byline(&lib, &["article", "list", "--search", "lien doan"]);
    assert!(
        hits.contains(&id) && hits.contains("Hội nghị"),
        "searching without diacritics finds the story, printed as UTF-8: {hits}"
    );
    assert_eq!(
        shown["slug"],
        "hoi-nghi-khao-sat-danh-gia-ket-qua-15-nam-trien-khai-thuc-hien-nghi-quyet-so-20-cua-ban-chap-hanh-tu-dang",
        "the slug folds Vietnamese (đ → d, tones dropped) on Windows as on Linux"
    );
    // Text filed decomposed (NFD, as macOS file systems and some keyboards give it) is stored
    // composed (NFC), whatever platform reads it.
    let nfd = dir.path().join("nfd.md");
    std::fs::write(
        &nfd,
        "# Ho\u{323}\u{302}i nghi\u{323} Lie\u{302}n \u{111}oa\u{300}n\n\nChie\u{302}\u{300}u nay.\n",
    )
    .unwrap();
    let nid = byline(&lib, &["article", "import", &win(&nfd)]);
    let filed = byline_json(&lib, &["article", "show", &nid]);
    assert_eq!(
        filed["title"], "Hội nghị Liên đoàn",
        "an NFD title is stored in NFC (exact code points compared)"
    );
    assert_eq!(filed["lead"], "Chiều nay.");
    assert_eq!(filed["slug"], "hoi-nghi-lien-doan");
}

#[test]
fn on_windows_photos_import_caption_and_export_with_their_caption_embedded() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("library");
    let story = model_story_in(dir.path());
    let folder = story.parent().unwrap().join("photos");

    let report = byline_json(&lib, &["photo", "import", &win(&folder)]);
    assert_eq!(report["failed"], Value::Array(vec![]), "{report}");
    let ids: Vec<String> = report["imported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().or(p.as_str()).unwrap().to_owned())
        .collect();
    assert_eq!(
        ids.len(),
        3,
        "every photo of the folder is imported: {report}"
    );
    let again = byline_json(&lib, &["photo", "import", &win(&folder)]);
    assert_eq!(
        again["duplicates"].as_array().map(Vec::len),
        Some(3),
        "a second import recognises the same bytes: {again}"
    );

    byline(
        &lib,
        &[
            "photo",
            "caption",
            &ids[0],
            &ids[1],
            "--creator",
            "Cảnh Toàn",
            "--credit",
            "Báo Lao Động",
            "--city",
            "Vinh",
            "--template",
            "{city}: Hội nghị Liên đoàn",
        ],
    );
    let shown = byline_json(&lib, &["photo", "show", &ids[0]]);
    let all = shown.to_string();
    assert!(
        all.contains("Vinh: Hội nghị Liên đoàn") && all.contains("Cảnh Toàn"),
        "the caption and creator are stored as typed: {shown}"
    );
    // Captioning again rewrites the same files (renditions, settings) in place of the old ones.
    byline(&lib, &["photo", "caption", &ids[0], "--city", "Nghệ An"]);

    let out = dir.path().join("xuất").join("ảnh.jpg");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    byline(&lib, &["photo", "export", &ids[0], "--out", &win(&out)]);
    let bytes = std::fs::read(&out).expect("the exported photo exists");
    assert!(bytes.starts_with(&[0xFF, 0xD8]), "the export is a JPEG");
    let has = |s: &str| bytes.windows(s.len()).any(|w| w == s.as_bytes());
    assert!(
        has("Cảnh Toàn") && has("Báo Lao Động"),
        "creator and credit are embedded (XMP, UTF-8)"
    );
}

#[test]
fn on_windows_the_copy_desk_checks_fixes_and_exports_the_story() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("library");
    let story = model_story_in(dir.path());
    let id = byline(&lib, &["article", "import", &win(&story)]);

    let findings = byline_json(&lib, &["check", &id]);
    assert!(
        !findings.as_array().unwrap().is_empty(),
        "the model story's doubled spaces are found: {findings}"
    );
    let fixed = byline_json(&lib, &["fix", &id]);
    assert_eq!(fixed["changed"], true, "{fixed}");
    let revs = byline_json(&lib, &["article", "revisions", &id]);
    assert_eq!(
        revs.as_array().unwrap().len(),
        2,
        "the fix is a new revision"
    );

    let out = dir.path().join("xuất bản").join("story.md");
    byline(
        &lib,
        &[
            "article",
            "export",
            &id,
            "--format",
            "md",
            "--out",
            &win(&out),
        ],
    );
    let md = std::fs::read_to_string(&out).expect("the export is UTF-8");
    assert!(md.contains("Tổng Liên đoàn"), "{md}");
    assert!(
        !md.contains("LĐLĐ tỉnh Nghệ An báo cáo  với"),
        "the exported text is the fixed revision"
    );
    let beside = out.parent().unwrap().join("photos");
    assert_eq!(
        std::fs::read_dir(&beside).map(Iterator::count).unwrap_or(0),
        3,
        "the Markdown export writes its three photos beside it"
    );
    // Exporting again replaces the files written the first time.
    byline(
        &lib,
        &[
            "article",
            "export",
            &id,
            "--format",
            "md",
            "--out",
            &win(&out),
        ],
    );
}

#[test]
fn on_windows_the_default_library_folder_is_under_appdata() {
    let dir = tempfile::tempdir().unwrap();
    let story = model_story_in(dir.path());
    let w = windows();
    let out = w.run("byline.exe", &["article", "import", &win(&story)]);
    let id = text(&out, "byline article import (default library)");
    let library = w.appdata().join("byline");
    assert!(
        library.is_dir(),
        "the library is %APPDATA%\\byline ({})",
        library.display()
    );
    let list = text(
        &w.run("byline.exe", &["--json", "article", "list"]),
        "byline article list (default library)",
    );
    assert!(list.contains(&id), "{list}");
}

/// `byline-server.exe` on a free loopback port; killed when dropped.
struct Server {
    url: String,
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(data: &Path) -> Server {
    use std::io::{BufRead, BufReader};
    let mut child = windows()
        .command("byline-server.exe")
        .args(["--data-dir", &win(data), "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("wine64 starts byline-server.exe");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("byline-server.exe prints its address");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line from byline-server.exe: {line:?}"))
        .to_owned();
    Server { url, child }
}

#[test]
fn on_windows_the_cli_publishes_the_model_story_to_a_windows_server() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    std::fs::create_dir_all(&data).unwrap();
    let token = text(
        &windows().run(
            "byline-server.exe",
            &[
                "--data-dir",
                &win(&data),
                "user",
                "add",
                "Biên tập",
                "--role",
                "editor",
            ],
        ),
        "byline-server user add",
    );
    let srv = start_server(&data);

    let lib = dir.path().join("library");
    let story = model_story_in(dir.path());
    let id = byline(&lib, &["article", "import", &win(&story)]);
    byline(&lib, &["fix", &id]);
    let photos = byline_json(&lib, &["photo", "list"]);
    let mut args = vec!["photo", "caption"];
    args.extend(
        photos
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap()),
    );
    args.extend(["--credit", "Cảnh Toàn"]);
    byline(&lib, &args);

    let report = byline_json(
        &lib,
        &["publish", &id, "--server", &srv.url, "--token", &token],
    );
    assert_eq!(report["article_id"], id, "{report}");
    assert!(
        report["uploaded_bytes"].as_u64() > Some(0),
        "the three photos went up by tus: {report}"
    );
    let (status, page) = http("GET", &format!("{}/articles/{id}", srv.url), None, None);
    assert_eq!(status, 200, "the published story is served as a page");
    assert!(page.contains("Cảnh Toàn"), "the page shows the byline");
    // Originals are sharded by the first two hex digits of their SHA-256; the previews sent
    // ahead of them live in `previews/`.
    let blobs: usize = std::fs::read_dir(data.join("blobs"))
        .unwrap()
        .map(|s| s.unwrap())
        .filter(|s| {
            let name = s.file_name().to_string_lossy().into_owned();
            name.len() == 2 && name.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .map(|s| std::fs::read_dir(s.path()).unwrap().count())
        .sum();
    assert_eq!(blobs, 3, "the Windows server stored three photos");
    assert!(
        data.join("blobs").join("previews").is_dir(),
        "and the previews that went ahead of them"
    );
    assert_eq!(
        byline_json(&lib, &["outbox"]),
        Value::Array(vec![]),
        "nothing is left waiting"
    );
}
