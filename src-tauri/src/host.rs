//! The desktop's command bodies: one function per user action, taking the `Library`. No Tauri
//! here, so every command is tested without a window (see `tests` below and `tests/host.rs`).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use byline_core::photodesk::{self, FieldEdit, PhotoView, Progress};
use byline_core::{ArticleSummary, Library, RevisionInfo, Scope, SearchHit, desk::FixReport};
use byline_desk::Finding;
use byline_protocol::{ApiError, Article, ErrorCode, Status};
use serde::{Deserialize, Serialize};

/// What every command returns: the value, or the `{code, message}` error.
pub type Res<T> = std::result::Result<T, ApiError>;

#[allow(clippy::needless_pass_by_value)] // the shape `map_err` wants
fn api(e: byline_core::CoreError) -> ApiError {
    e.to_api()
}

/// The library folder: `BYLINE_DATA_DIR` if set, else the OS data dir's `byline` (as the CLI).
pub fn data_dir() -> PathBuf {
    match std::env::var_os("BYLINE_DATA_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => dirs::data_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join("byline"),
    }
}

/// Live stories, most recently updated first, optionally of one status.
pub fn list_stories(lib: &mut Library, status: Option<Status>) -> Res<Vec<ArticleSummary>> {
    let mut v = lib.articles(Scope::Live).map_err(api)?;
    v.retain(|s| status.is_none_or(|st| s.status == st));
    v.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
    Ok(v)
}

/// Diacritic-insensitive search with highlighted snippets.
pub fn search_stories(lib: &mut Library, query: &str) -> Res<Vec<SearchHit>> {
    lib.search(query, 200).map_err(api)
}

pub fn create_story(lib: &mut Library, title: &str) -> Res<Article> {
    lib.create_article(Article::new(title)).map_err(api)
}

pub fn story(lib: &mut Library, id: &str) -> Res<Article> {
    lib.article(id).map_err(api)
}

/// Autosave: stores a new revision when anything changed; returns the article as stored.
pub fn save_story(lib: &mut Library, mut article: Article) -> Res<Article> {
    lib.save_article(&mut article).map_err(api)?;
    Ok(article)
}

pub fn trash_story(lib: &mut Library, id: &str) -> Res<()> {
    lib.trash(id).map_err(api)
}

pub fn revisions(lib: &mut Library, id: &str) -> Res<Vec<RevisionInfo>> {
    let mut v = lib.revisions(id).map_err(api)?;
    v.reverse();
    Ok(v)
}

pub fn story_revision(lib: &mut Library, id: &str, revision: u64) -> Res<Article> {
    lib.article_revision(id, revision).map_err(api)
}

/// Restores an old revision as a new one; returns the story as it now is.
pub fn restore_revision(lib: &mut Library, id: &str, revision: u64) -> Res<Article> {
    lib.restore(id, revision).map_err(api)?;
    lib.article(id).map_err(api)
}

pub fn check_story(lib: &mut Library, id: &str) -> Res<Vec<Finding>> {
    lib.check_article(id).map_err(api)
}

pub fn fix_story(lib: &mut Library, id: &str) -> Res<FixReport> {
    lib.fix_article(id).map_err(api)
}

/// Pasted text cleaned as the newsroom files it (NFC, spaces, invisible characters).
pub fn clean_paste(text: &str) -> String {
    byline_text::clean(text, &byline_text::CleanPolicy::default())
}

pub fn photos(lib: &mut Library) -> Res<Vec<PhotoView>> {
    lib.photo_views().map_err(api)
}

/// Caption fields the photo desk edits for one or many photos. `None` leaves a field alone.
#[cfg_attr(test, derive(Default))]
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct CaptionEdit {
    pub caption: Option<String>,
    pub creator: Option<String>,
    pub credit: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub keywords: Option<Vec<String>>,
    /// A caption template, e.g. `{city}, {date}: `, expanded per photo.
    pub template: Option<String>,
}

pub fn caption_photos(lib: &mut Library, ids: &[String], edit: CaptionEdit) -> Res<Vec<PhotoView>> {
    let edit = FieldEdit {
        caption: edit.caption,
        creator: edit.creator,
        credit: edit.credit,
        copyright: None,
        city: edit.city,
        country: edit.country,
        keywords: edit.keywords,
        template: edit.template,
    };
    lib.caption_photos(ids, &edit).map_err(api)
}

pub fn attach_photo(lib: &mut Library, article_id: &str, photo_id: &str) -> Res<Article> {
    lib.attach_photo(article_id, photo_id, None).map_err(api)
}

/// The copy desk's answer to "add to word list": the word as stored (NFC, trimmed) and whether
/// the list did not have it yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct AddedWord {
    pub word: String,
    pub added: bool,
}

/// Adds a word to the newsroom word list (shared with `byline words add`); the next check of any
/// story accepts it.
pub fn add_word(lib: &mut Library, word: &str) -> Res<AddedWord> {
    let (word, added) = lib.add_word(word).map_err(api)?;
    Ok(AddedWord { word, added })
}

pub fn words(lib: &mut Library) -> Res<Vec<String>> {
    lib.words().map_err(api)
}

/// Imports files and folders; `progress` sees each file as it finishes; `cancel` stops early.
pub fn import_photos(
    lib: &mut Library,
    paths: &[PathBuf],
    cancel: &AtomicBool,
    progress: &(dyn Fn(&Progress) + Sync),
) -> Res<photodesk::ImportReport> {
    if paths.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidInput, "no files to import"));
    }
    lib.import_photos(paths, cancel, progress).map_err(api)
}

/// A rendition served to the window by the `byline://` scheme: `thumb/<id>` or `preview/<id>`.
/// Only photo ids (64 hex digits) resolve, and only into `thumbs/` and `previews/`.
pub fn rendition_file(root: &Path, url_path: &str) -> Option<PathBuf> {
    let (kind, id) = url_path.trim_start_matches('/').split_once('/')?;
    if id.len() != 64
        || !id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return None;
    }
    let edge = match kind {
        "thumb" => photodesk::THUMBNAIL_EDGE,
        "preview" => photodesk::PREVIEW_EDGE,
        _ => return None,
    };
    Some(root.join(photodesk::rendition_path(id, edge)))
}

/// Publishing settings. The token itself never crosses to the UI: only whether one is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Settings {
    pub server_url: String,
    #[serde(default)]
    pub has_token: bool,
}

const SETTINGS_FILE: &str = "desktop-settings.json";
/// Headless fallback for the server token (no OS keychain wired yet): owner-only file.
const TOKEN_FILE: &str = "server-token";

pub fn settings(root: &Path) -> Res<Settings> {
    let mut s: Settings = match std::fs::read_to_string(root.join(SETTINGS_FILE)) {
        Ok(t) => serde_json::from_str(&t)
            .map_err(|e| ApiError::new(ErrorCode::InvalidInput, e.to_string()))?,
        Err(_) => Settings::default(),
    };
    s.has_token = root.join(TOKEN_FILE).exists();
    Ok(s)
}

/// Stores the server URL and, when given, the token (mode 0600 on Unix).
pub fn save_settings(root: &Path, server_url: &str, token: Option<&str>) -> Res<Settings> {
    let io = |e: std::io::Error| ApiError::new(ErrorCode::Io, e.to_string());
    let url = server_url.trim();
    if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            "server URL must start with http:// or https://",
        ));
    }
    let s = Settings {
        server_url: url.to_owned(),
        has_token: false,
    };
    let json = serde_json::to_vec_pretty(&s).expect("settings serialize");
    byline_core::write_atomic(&root.join(SETTINGS_FILE), &json).map_err(api)?;
    if let Some(t) = token.filter(|t| !t.trim().is_empty()) {
        let path = root.join(TOKEN_FILE);
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        use std::io::Write;
        opts.open(&path)
            .and_then(|mut f| f.write_all(t.trim().as_bytes()))
            .map_err(io)?;
    }
    settings(root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_protocol::{Block, BlockKind};
    use std::sync::atomic::Ordering;

    fn lib() -> (tempfile::TempDir, Library) {
        let d = tempfile::tempdir().unwrap();
        let l = Library::open(d.path()).unwrap();
        (d, l)
    }

    fn repo(p: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(p)
    }

    #[test]
    fn create_edit_save_list_and_search_a_story() {
        let (_d, mut l) = lib();
        let mut a = create_story(&mut l, "Liên đoàn Lao động").unwrap();
        a.blocks.push(Block::paragraph("Công nhân được hỗ trợ."));
        let saved = save_story(&mut l, a.clone()).unwrap();
        assert_eq!(saved.revision, 2, "a changed story saves a new revision");
        let again = save_story(&mut l, saved.clone()).unwrap();
        assert_eq!(again.revision, 2, "an unchanged autosave stores nothing");
        let list = list_stories(&mut l, None).unwrap();
        assert_eq!(list.len(), 1);
        assert!(
            list_stories(&mut l, Some(Status::Ready))
                .unwrap()
                .is_empty()
        );
        let hits = search_stories(&mut l, "lien doan").unwrap();
        assert_eq!(hits.len(), 1, "search ignores diacritics");
        assert_eq!(
            revisions(&mut l, &a.id).unwrap()[0].revision,
            2,
            "newest first"
        );
        let old = story_revision(&mut l, &a.id, 1).unwrap();
        assert!(old.blocks.is_empty());
        let restored = restore_revision(&mut l, &a.id, 1).unwrap();
        assert_eq!(restored.revision, 3);
        assert!(restored.blocks.is_empty());
    }

    #[test]
    fn copy_desk_finds_and_fixes_a_double_space() {
        let (_d, mut l) = lib();
        let mut a = create_story(&mut l, "Tin").unwrap();
        a.blocks.push(Block::paragraph("Hà Nội  mưa to."));
        save_story(&mut l, a.clone()).unwrap();
        let f = check_story(&mut l, &a.id).unwrap();
        assert!(f.iter().any(|f| f.rule.id() == "double-space"), "{f:?}");
        let r = fix_story(&mut l, &a.id).unwrap();
        assert!(r.changed);
        assert!(!r.remaining.iter().any(|f| f.rule.id() == "double-space"));
        assert_eq!(
            story(&mut l, &a.id).unwrap().blocks[0].text(),
            "Hà Nội mưa to."
        );
    }

    #[test]
    fn missing_story_is_a_not_found_error() {
        let (_d, mut l) = lib();
        let e = story(&mut l, "0190-nope").unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound, "{e:?}");
    }

    #[test]
    fn import_caption_in_batch_and_attach_photos() {
        let (_d, mut l) = lib();
        let files: Vec<PathBuf> = ["landscape_1.jpg", "portrait_8.jpg"]
            .iter()
            .map(|f| repo("crates/media/tests/data").join(f))
            .collect();
        let cancel = AtomicBool::new(false);
        let seen = std::sync::Mutex::new(0usize);
        let r = import_photos(&mut l, &files, &cancel, &|_p| *seen.lock().unwrap() += 1).unwrap();
        assert_eq!(r.imported.len(), 2);
        assert!(*seen.lock().unwrap() >= 2, "progress reported per file");
        let ids: Vec<String> = r.imported.iter().map(|p| p.id.clone()).collect();
        let edit = CaptionEdit {
            caption: Some("Mưa lớn ở Hà Nội".into()),
            credit: Some("Ảnh: TTXVN".into()),
            ..Default::default()
        };
        let views = caption_photos(&mut l, &ids, edit).unwrap();
        assert!(views.iter().all(|v| v.caption == "Mưa lớn ở Hà Nội"));
        let a = create_story(&mut l, "Mưa").unwrap();
        let a = attach_photo(&mut l, &a.id, &ids[0]).unwrap();
        match &a.blocks[0].kind {
            BlockKind::Figure { caption, .. } => assert_eq!(caption, "Mưa lớn ở Hà Nội"),
            k => panic!("expected a figure, got {k:?}"),
        }
        let thumb = rendition_file(l.root(), &format!("/thumb/{}", ids[0])).unwrap();
        assert!(thumb.exists(), "{thumb:?}");
        assert_eq!(photos(&mut l).unwrap().len(), 2);
    }

    #[test]
    fn a_figure_caption_edited_in_the_story_becomes_the_photo_caption() {
        let (_d, mut l) = lib();
        let file = repo("crates/media/tests/data/landscape_1.jpg");
        let r = import_photos(&mut l, &[file], &AtomicBool::new(false), &|_| {}).unwrap();
        let photo = r.imported[0].id.clone();
        let mut a = create_story(&mut l, "Mưa lớn ở Hà Nội").unwrap();
        a.blocks.push(Block::paragraph("Chiều nay Hà Nội mưa to."));
        // What the editor sends after a photo is dropped into the body and its caption typed.
        a.blocks.insert(
            0,
            Block::new(BlockKind::Figure {
                photo_id: Some(photo.clone()),
                caption: "Phố Huế ngập sâu".into(),
                credit: "Ảnh: Thanh Hà".into(),
                src: None,
            }),
        );
        save_story(&mut l, a).unwrap();
        let view = photos(&mut l).unwrap();
        assert_eq!(
            view[0].caption, "Phố Huế ngập sâu",
            "one caption: the figure's edit is the photo's caption"
        );
    }

    #[test]
    fn cancelled_import_stops() {
        let (_d, mut l) = lib();
        let cancel = AtomicBool::new(true);
        let dir = repo("crates/media/tests/data");
        let r = import_photos(&mut l, &[dir], &cancel, &|_| {});
        if let Ok(r) = r {
            assert!(r.imported.is_empty(), "nothing imported once cancelled");
        }
        cancel.store(false, Ordering::SeqCst);
    }

    #[test]
    fn renditions_resolve_only_for_photo_ids() {
        let root = Path::new("/lib");
        let id = "ab".repeat(32);
        assert_eq!(
            rendition_file(root, &format!("/thumb/{id}")).unwrap(),
            root.join(format!("thumbs/ab/{id}_320.jpg"))
        );
        for bad in [
            "/thumb/../../etc/passwd",
            "/original/abc",
            &format!("/thumb/{}", "AB".repeat(32)),
            &format!("/db/{id}"),
        ] {
            assert!(rendition_file(root, bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_spelling_finding_goes_away_once_its_word_is_added() {
        let (_d, mut l) = lib();
        let mut a = create_story(&mut l, "Hội nghị công đoàn tỉnh Nghệ An").unwrap();
        a.blocks
            .push(Block::paragraph("Ông Smithers dự hội nghị tại Vinh."));
        save_story(&mut l, a.clone()).unwrap();
        let named = |f: &[Finding]| f.iter().filter(|f| f.text == "Smithers").count();
        assert_eq!(
            named(&check_story(&mut l, &a.id).unwrap()),
            1,
            "the foreign name is flagged first"
        );
        let added = add_word(&mut l, "Smithers").unwrap();
        assert_eq!(
            added,
            AddedWord {
                word: "Smithers".into(),
                added: true
            },
            "the UI learns what was stored"
        );
        assert_eq!(
            named(&check_story(&mut l, &a.id).unwrap()),
            0,
            "the next check accepts it"
        );
        assert!(
            words(&mut l).unwrap().contains(&"Smithers".to_owned()),
            "and the list shows it"
        );
        let e = add_word(&mut l, " ").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "an empty word is refused");
    }

    #[test]
    fn paste_is_cleaned_in_rust() {
        assert_eq!(clean_paste("  Hà  Nội\u{200b} "), "Hà Nội");
    }

    #[test]
    fn settings_keep_url_and_a_private_token() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(settings(d.path()).unwrap(), Settings::default());
        assert!(save_settings(d.path(), "ftp://x", None).is_err());
        let s = save_settings(d.path(), "https://toa-soan.vn", Some("secret")).unwrap();
        assert!(s.has_token);
        assert_eq!(s.server_url, "https://toa-soan.vn");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let m = std::fs::metadata(d.path().join(TOKEN_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(m & 0o777, 0o600);
        }
    }
}
