//! The desktop's command bodies: one function per user action, taking the `Library`. No Tauri
//! here, so every command is tested without a window (see `tests` below and `tests/host.rs`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use byline_core::conflicts::{Choice, ConflictView};
use byline_core::editorial::UnpublishReport;
use byline_core::ingest::{IngestOptions, IngestReport};
use byline_core::marks::MarkEdit;
use byline_core::photo_query::PhotoQuery;
use byline_core::photodesk::{self, FieldEdit, PhotoView, Progress};
use byline_core::previews;
use byline_core::publishing::{OutboxEntry, StoryState};
use byline_core::settings::LibrarySettings;
use byline_core::{ArticleSummary, Library, RevisionInfo, SearchHit, desk::FixReport};
use byline_desk::Finding;
use byline_protocol::diff::ArticleDiff;
use byline_protocol::sync::{Me, VersionList};
use byline_protocol::{ApiError, Article, Person, Status};
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
pub fn list_stories(lib: &Library, status: Option<Status>) -> Res<Vec<ArticleSummary>> {
    lib.stories(status).map_err(api)
}

/// Diacritic-insensitive search with highlighted snippets.
pub fn search_stories(lib: &Library, query: &str) -> Res<Vec<SearchHit>> {
    lib.search(query, 200).map_err(api)
}

pub fn create_story(lib: &Library, title: &str) -> Res<Article> {
    lib.create_article(Article::new(title)).map_err(api)
}

pub fn story(lib: &Library, id: &str) -> Res<Article> {
    lib.article(id).map_err(api)
}

/// Autosave: stores a new revision when anything changed; returns the article as stored.
pub fn save_story(lib: &Library, mut article: Article) -> Res<Article> {
    lib.save_article(&mut article).map_err(api)?;
    Ok(article)
}

/// The editor's copy merged with what changed underneath it (a pull, or a save refused as
/// `conflict`): the merged story is stored and returned; conflicts are listed, never dropped.
pub fn merge_story(lib: &Library, article: Article) -> Res<byline_core::stories::MergedEdit> {
    lib.merge_edit(article).map_err(api)
}

pub fn trash_story(lib: &Library, id: &str) -> Res<()> {
    lib.trash(id).map_err(api)
}

pub fn revisions(lib: &Library, id: &str) -> Res<Vec<RevisionInfo>> {
    lib.history(id).map_err(api)
}

pub fn story_revision(lib: &Library, id: &str, revision: u64) -> Res<Article> {
    lib.article_revision(id, revision).map_err(api)
}

/// Restores an old revision as a new one; returns the story as it now is.
pub fn restore_revision(lib: &Library, id: &str, revision: u64) -> Res<Article> {
    lib.restore_article(id, revision).map_err(api)
}

pub fn check_story(lib: &Library, id: &str) -> Res<Vec<Finding>> {
    lib.check_article(id).map_err(api)
}

pub fn fix_story(lib: &Library, id: &str) -> Res<FixReport> {
    lib.fix_article(id).map_err(api)
}

/// Pasted text cleaned as the newsroom files it (NFC, spaces, invisible characters).
pub fn clean_paste(text: &str) -> String {
    byline_text::clean(text, &byline_text::CleanPolicy::default())
}

pub fn photos(lib: &Library) -> Res<Vec<PhotoView>> {
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

impl From<CaptionEdit> for FieldEdit {
    fn from(edit: CaptionEdit) -> FieldEdit {
        FieldEdit {
            caption: edit.caption,
            creator: edit.creator,
            credit: edit.credit,
            copyright: None,
            city: edit.city,
            country: edit.country,
            keywords: edit.keywords,
            template: edit.template,
        }
    }
}

pub fn caption_photos(lib: &Library, ids: &[String], edit: CaptionEdit) -> Res<Vec<PhotoView>> {
    lib.caption_photos(ids, &edit.into()).map_err(api)
}

pub fn attach_photo(lib: &Library, article_id: &str, photo_id: &str) -> Res<Article> {
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
pub fn add_word(lib: &Library, word: &str) -> Res<AddedWord> {
    lib.add_word(word)
        .map(|(word, added)| AddedWord { word, added })
        .map_err(api)
}

pub fn words(lib: &Library) -> Res<Vec<String>> {
    lib.words().map_err(api)
}

/// Imports files and folders; `progress` sees each file as it finishes; `cancel` stops early.
/// Each photo is committed as it is made (the grid fills through `photos_changed` events), and
/// the photographer's defaults from Settings are applied by the core.
pub fn import_photos(
    lib: &Library,
    paths: &[PathBuf],
    cancel: &AtomicBool,
    progress: &(dyn Fn(&Progress) + Sync),
) -> Res<photodesk::ImportReport> {
    lib.import_photos(paths, cancel, progress).map_err(api)
}

/// The photos a filter selects, in its order (the grid); the filter is remembered for the
/// library, so the grid opens as the photographer left it.
pub fn find_photos(lib: &Library, query: &PhotoQuery) -> Res<Vec<PhotoView>> {
    lib.find_photos_remembered(query).map_err(api)
}

/// The grid's remembered filter.
pub fn photo_filter(lib: &Library) -> Res<PhotoQuery> {
    lib.settings().map(|s| s.photo_filter).map_err(api)
}

/// Sets culling marks on the given photos (the loupe's keys, the grid's selection).
pub fn mark_photos(lib: &Library, ids: &[String], edit: &MarkEdit) -> Res<Vec<PhotoView>> {
    lib.mark_photos(ids, edit).map_err(api)
}

/// The Ingest dialog's choices.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct IngestRequest {
    /// The backup folder; `None` = no second copy.
    pub backup: Option<PathBuf>,
    /// Backup names: `{date}` `{time}` `{seq}` `{camera}` `{original}`.
    pub rename: Option<String>,
    /// `CAMERA MODEL=±HH:MM:SS`, one per camera whose clock was off.
    pub time_offsets: Vec<String>,
    pub caption_template: Option<String>,
    /// Make the 1600 px previews during the ingest (slower) instead of right after it.
    #[serde(default)]
    pub previews_now: bool,
}

/// Ingests a card: import plus verified backup copies; progress and cancel as for the import.
/// The previews it leaves for later are then made in the background (`previews`).
pub fn ingest_photos(
    lib: &Library,
    paths: &[PathBuf],
    req: IngestRequest,
    cancel: &AtomicBool,
    previews: &Arc<previews::Background>,
    progress: &(dyn Fn(&Progress) + Sync),
) -> Res<IngestReport> {
    let opts = IngestOptions {
        backup: req.backup,
        rename: req.rename.filter(|r| !r.trim().is_empty()),
        time_offsets: req.time_offsets,
        caption_template: req.caption_template.filter(|t| !t.trim().is_empty()),
        previews: if req.previews_now {
            previews::Previews::WithImport
        } else {
            previews::Previews::Later
        },
    };
    let report = lib.ingest_photos(paths, &opts, cancel, progress);
    previews::start_background(lib, previews);
    report.map_err(api)
}

/// Makes the previews a CLI ingest left, in the background (the app calls it as it opens).
pub fn start_previews(lib: &Library, previews: &Arc<previews::Background>) {
    previews::start_background(lib, previews);
}

/// The file the `byline://` scheme serves when it is already on disk (everything but a preview
/// an ingest left for later): answered without a thread.
pub fn rendition_on_disk(lib: &Library, url_path: &str) -> Option<photodesk::Served> {
    photodesk::rendition_for_url(lib.root(), url_path).filter(|f| previews::present(&f.path))
}

/// What the `byline://` scheme serves: `thumb/<id>`, `preview/<id>` or `original/<id>`. A
/// preview an ingest left for later is made first: a decode, so never on the window's thread.
pub fn rendition_file(lib: &Library, url_path: &str) -> Option<photodesk::Served> {
    previews::serve(lib, url_path)
}

/// Settings as the UI sees them (the token itself never crosses to the UI).
pub type Settings = byline_core::settings::SettingsView;

pub fn settings(lib: &Library) -> Res<Settings> {
    byline_core::settings::view(lib).map_err(api)
}

/// Stores the settings and, when given, the token (OS keychain, else the owner-only file).
pub fn save_settings(lib: &Library, edit: LibrarySettings, token: Option<&str>) -> Res<Settings> {
    byline_core::settings::save_with_token(lib, edit, token).map_err(api)
}

// ---- publish panel ------------------------------------------------------------------------

/// What the publish panel shows: the outbox and, with a story selected, its state.
pub type PublishProgress = byline_core::publishing::Panel;

/// The outbox rows for the panel (waiting first, then the last 100 sent).
pub fn outbox(lib: &Library) -> Res<Vec<OutboxEntry>> {
    lib.outbox_entries(100).map_err(api)
}

pub fn publish_state(lib: &Library, id: &str) -> Res<StoryState> {
    lib.publish_state(id).map_err(api)
}

/// The panel's whole picture in one read (refreshed on each `sync-event`).
pub fn publish_panel(lib: &Library, story: Option<&str>) -> Res<PublishProgress> {
    lib.publish_panel(story).map_err(api)
}

/// Publish: the copy desk's hard rules first, then the story, previews, the publish request
/// and the originals are queued in one transaction. Returns at once with the story's state;
/// the sync engine sends everything in the background and reports progress as events.
/// With a correction notice, the page shows it, dated, once the editor's publish goes.
pub fn publish_story(lib: &Library, id: &str, correction: Option<&str>) -> Res<StoryState> {
    lib.publish_from_settings(id, correction).map_err(api)
}

/// Take down (editors): the page answers 410 Gone at once; the versions stay on the server.
pub fn unpublish_story(lib: &Library, id: &str, reason: Option<&str>) -> Res<UnpublishReport> {
    lib.unpublish_from_settings(id, reason).map_err(api)
}

/// A reporter hands the story in: status submitted, queued for the desk.
pub fn submit_story(lib: &Library, id: &str) -> Res<Article> {
    lib.submit_article(id).map_err(api)
}

/// An editor gives the story to people (`{name, role}`).
pub fn assign_story(lib: &Library, id: &str, people: Vec<Person>) -> Res<Article> {
    lib.assign_article(id, people).map_err(api)
}

/// The published versions of a story on the server (editors, sub-editors).
pub fn story_versions(lib: &Library, id: &str) -> Res<VersionList> {
    lib.versions_from_settings(id).map_err(api)
}

/// Word-level differences between two versions (`3`, `current`, `server`, `published`, `v2`).
pub fn diff_story(lib: &Library, id: &str, a: &str, b: &str) -> Res<ArticleDiff> {
    lib.diff_named(id, a, b).map_err(api)
}

/// Who the stored token is on the server (`None` without a server).
pub fn whoami(lib: &Library) -> Res<Option<Me>> {
    lib.whoami().map_err(api)
}

// ---- destinations (WordPress sites) -------------------------------------------------------

/// A WordPress site as Settings lists it (never with its password).
pub type Destination = byline_core::destinations::Destination;

/// Every destination of the library.
pub fn destinations(lib: &Library) -> Res<Vec<Destination>> {
    lib.destinations().map_err(api)
}

/// Adds (or replaces) a WordPress site; the application password goes to the OS keychain.
pub fn add_destination(
    lib: &Library,
    name: &str,
    url: &str,
    user: &str,
    app_password: &str,
) -> Res<Destination> {
    lib.add_destination(name, url, user, app_password)
        .map_err(api)
}

/// Forgets a destination (its password and what is queued for it).
pub fn remove_destination(lib: &Library, name: &str) -> Res<()> {
    lib.remove_destination(name).map_err(api)
}

/// The Publish panel's "send to": queues the story for each destination and returns its state
/// at once; the engine sends in the background.
pub fn publish_to_destinations(lib: &Library, id: &str, names: &[String]) -> Res<StoryState> {
    byline_core::destinations::enqueue_all(lib, id, names)
        .and_then(|id| lib.publish_state(&id))
        .map_err(api)
}

/// Sync now: everything waiting goes at once and the engine is woken; returns how many items
/// were waiting.
pub fn sync_now(lib: &Library) -> Res<usize> {
    lib.sync_soon().map_err(api)
}

/// Retry: parked (needs attention) items go back in the queue; returns how many.
pub fn retry_outbox(lib: &Library) -> Res<usize> {
    lib.retry_outbox(&[]).map_err(api)
}

pub fn conflicts(lib: &Library, id: &str) -> Res<Vec<ConflictView>> {
    lib.conflicts(id).map_err(api)
}

/// Resolves one conflict; returns the story's conflicts left.
pub fn resolve_conflict(
    lib: &Library,
    id: &str,
    index: usize,
    choice: Choice,
) -> Res<Vec<ConflictView>> {
    lib.resolve_conflict(id, index, choice).map_err(api)?;
    lib.conflicts(id).map_err(api)
}

/// Whether the webview should paint without GPU compositing. WebKitGTK composites through OpenGL;
/// with no GPU render node in `dri` (a VM, a remote desktop, Xvfb) that GL is Mesa's software
/// rasteriser, which on these machines cost 80–110 MiB more memory and most frames of a grid
/// scroll for nothing (bench/grid-scroll.sh, bench/desktop-start.sh). `gpu` is BYLINE_GPU:
/// "on" or "off" override the guess.
pub fn paint_in_software(gpu: Option<&str>, dri: &Path) -> bool {
    match gpu {
        Some("on") => false,
        Some("off") => true,
        _ => !std::fs::read_dir(dri).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::credentials::Store;
    use byline_protocol::ErrorCode;
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
        let (_d, l) = lib();
        let mut a = create_story(&l, "Liên đoàn Lao động").unwrap();
        a.blocks.push(Block::paragraph("Công nhân được hỗ trợ."));
        let saved = save_story(&l, a.clone()).unwrap();
        assert_eq!(saved.revision, 2, "a changed story saves a new revision");
        let again = save_story(&l, saved.clone()).unwrap();
        assert_eq!(again.revision, 2, "an unchanged autosave stores nothing");
        let list = list_stories(&l, None).unwrap();
        assert_eq!(list.len(), 1);
        assert!(list_stories(&l, Some(Status::Ready)).unwrap().is_empty());
        let hits = search_stories(&l, "lien doan").unwrap();
        assert_eq!(hits.len(), 1, "search ignores diacritics");
        assert_eq!(revisions(&l, &a.id).unwrap()[0].revision, 2, "newest first");
        let old = story_revision(&l, &a.id, 1).unwrap();
        assert!(old.blocks.is_empty());
        let restored = restore_revision(&l, &a.id, 1).unwrap();
        assert_eq!(restored.revision, 3);
        assert!(restored.blocks.is_empty());
    }

    #[test]
    fn copy_desk_finds_and_fixes_a_double_space() {
        let (_d, l) = lib();
        let mut a = create_story(&l, "Tin").unwrap();
        a.blocks.push(Block::paragraph("Hà Nội  mưa to."));
        save_story(&l, a.clone()).unwrap();
        let f = check_story(&l, &a.id).unwrap();
        assert!(f.iter().any(|f| f.rule.id() == "double-space"), "{f:?}");
        let r = fix_story(&l, &a.id).unwrap();
        assert!(r.changed);
        assert!(!r.remaining.iter().any(|f| f.rule.id() == "double-space"));
        assert_eq!(story(&l, &a.id).unwrap().blocks[0].text(), "Hà Nội mưa to.");
    }

    #[test]
    fn missing_story_is_a_not_found_error() {
        let (_d, l) = lib();
        let e = story(&l, "0190-nope").unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound, "{e:?}");
    }

    #[test]
    fn import_caption_in_batch_and_attach_photos() {
        let (_d, l) = lib();
        let files: Vec<PathBuf> = ["landscape_1.jpg", "portrait_8.jpg"]
            .iter()
            .map(|f| repo("crates/media/tests/data").join(f))
            .collect();
        let cancel = AtomicBool::new(false);
        let seen = std::sync::Mutex::new(0usize);
        let r = import_photos(&l, &files, &cancel, &|_p| *seen.lock().unwrap() += 1).unwrap();
        assert_eq!(r.imported.len(), 2);
        assert!(*seen.lock().unwrap() >= 2, "progress reported per file");
        let ids: Vec<String> = r.imported.iter().map(|p| p.id.clone()).collect();
        let edit = CaptionEdit {
            caption: Some("Mưa lớn ở Hà Nội".into()),
            credit: Some("Ảnh: TTXVN".into()),
            ..Default::default()
        };
        let views = caption_photos(&l, &ids, edit).unwrap();
        assert!(views.iter().all(|v| v.caption == "Mưa lớn ở Hà Nội"));
        let a = create_story(&l, "Mưa").unwrap();
        let a = attach_photo(&l, &a.id, &ids[0]).unwrap();
        match &a.blocks[0].kind {
            BlockKind::Figure { caption, .. } => assert_eq!(caption, "Mưa lớn ở Hà Nội"),
            k => panic!("expected a figure, got {k:?}"),
        }
        let thumb = rendition_file(&l, &format!("/thumb/{}", ids[0])).unwrap();
        assert!(thumb.path.exists(), "{thumb:?}");
        let original = rendition_file(&l, &format!("/original/{}", ids[0])).unwrap();
        assert_eq!(
            (original.path.as_path(), original.content_type),
            (
                views
                    .iter()
                    .find(|v| v.id == ids[0])
                    .unwrap()
                    .original
                    .as_path(),
                "image/jpeg"
            ),
            "compare at 100 % is served the imported file itself"
        );
        assert_eq!(photos(&l).unwrap().len(), 2);
    }

    #[test]
    fn a_figure_caption_edited_in_the_story_becomes_the_photo_caption() {
        let (_d, l) = lib();
        let file = repo("crates/media/tests/data/landscape_1.jpg");
        let r = import_photos(&l, &[file], &AtomicBool::new(false), &|_| {}).unwrap();
        let photo = r.imported[0].id.clone();
        let mut a = create_story(&l, "Mưa lớn ở Hà Nội").unwrap();
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
        save_story(&l, a).unwrap();
        let view = photos(&l).unwrap();
        assert_eq!(
            view[0].caption, "Phố Huế ngập sâu",
            "one caption: the figure's edit is the photo's caption"
        );
    }

    #[test]
    fn cancelled_import_stops() {
        let (_d, l) = lib();
        let cancel = AtomicBool::new(true);
        let dir = repo("crates/media/tests/data");
        let r = import_photos(&l, &[dir], &cancel, &|_| {});
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
            photodesk::rendition_for_url(root, &format!("/thumb/{id}"))
                .unwrap()
                .path,
            root.join(format!("thumbs/ab/{id}_320.jpg"))
        );
        for bad in [
            "/thumb/../../etc/passwd",
            "/original/abc",
            "/original/../../etc/passwd",
            // No such photo in the library: an original must exist to be served.
            &format!("/original/{id}"),
            &format!("/thumb/{}", "AB".repeat(32)),
            &format!("/db/{id}"),
        ] {
            assert!(photodesk::rendition_for_url(root, bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn an_ingested_photo_s_preview_is_made_when_the_window_first_asks_for_it() {
        let (_d, l) = lib();
        let file = repo("crates/media/tests/data/landscape_1.jpg");
        let opts = IngestOptions::default();
        let r = l
            .ingest_photos(&[file], &opts, &AtomicBool::new(false), &|_| {})
            .unwrap();
        let url = format!("/preview/{}", r.import.imported[0].id);
        assert!(
            rendition_on_disk(&l, &url).is_none(),
            "an ingest leaves the preview for later, so the scheme must hand this one to a thread"
        );
        let served = rendition_file(&l, &url).expect("the preview is made on demand");
        let bytes = std::fs::read(&served.path).unwrap();
        assert!(
            bytes.starts_with(&[0xFF, 0xD8]) && served.content_type == "image/jpeg",
            "a JPEG preview is served: {served:?}"
        );
        assert!(
            rendition_on_disk(&l, &url).is_some(),
            "once made, the next request is answered without a thread"
        );
    }

    #[test]
    fn a_spelling_finding_goes_away_once_its_word_is_added() {
        let (_d, l) = lib();
        let mut a = create_story(&l, "Hội nghị công đoàn tỉnh Nghệ An").unwrap();
        a.blocks
            .push(Block::paragraph("Ông Smithers dự hội nghị tại Vinh."));
        save_story(&l, a.clone()).unwrap();
        let named = |f: &[Finding]| f.iter().filter(|f| f.text == "Smithers").count();
        assert_eq!(
            named(&check_story(&l, &a.id).unwrap()),
            1,
            "the foreign name is flagged first"
        );
        let added = add_word(&l, "Smithers").unwrap();
        assert_eq!(
            added,
            AddedWord {
                word: "Smithers".into(),
                added: true
            },
            "the UI learns what was stored"
        );
        assert_eq!(
            named(&check_story(&l, &a.id).unwrap()),
            0,
            "the next check accepts it"
        );
        assert!(
            words(&l).unwrap().contains(&"Smithers".to_owned()),
            "and the list shows it"
        );
        let e = add_word(&l, " ").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "an empty word is refused");
    }

    #[test]
    fn paste_is_cleaned_in_rust() {
        assert_eq!(clean_paste("  Hà  Nội\u{200b} "), "Hà Nội");
    }

    #[test]
    fn settings_keep_url_photographer_defaults_and_a_private_token() {
        let (_d, l) = lib();
        assert_eq!(settings(&l).unwrap(), Settings::default());
        let bad = LibrarySettings {
            server_url: "ftp://x".into(),
            ..Default::default()
        };
        assert!(
            save_settings(&l, bad, None).is_err(),
            "only http(s) servers"
        );
        let url = format!("https://toa-soan-{}.vn", std::process::id());
        let edit = LibrarySettings {
            server_url: format!("{url}/"),
            photo_creator: "Cảnh Toàn".into(),
            photo_credit: "Ảnh: Cảnh Toàn".into(),
            photo_city: "Vinh".into(),
            ..Default::default()
        };
        let s = save_settings(&l, edit, Some("secret")).unwrap();
        assert!(s.has_token);
        assert_eq!(s.server_url, url, "a trailing slash is dropped");
        assert_eq!(s.photo_credit, "Ảnh: Cảnh Toàn");
        let store = s.token_store.expect("the token is stored somewhere");
        if store == Store::File {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let path = l.root().join(byline_core::credentials::TOKEN_FILE);
                let m = std::fs::metadata(path).unwrap().permissions().mode();
                assert_eq!(m & 0o777, 0o600, "the fallback file is owner-only");
            }
        }
        assert_eq!(
            l.remote().unwrap().token,
            "secret",
            "the app finds the token again"
        );

        // Imported photos without a creator/credit/city get the defaults.
        let files = vec![repo("crates/media/tests/data/landscape_1.jpg")];
        let r = import_photos(&l, &files, &AtomicBool::new(false), &|_| {}).unwrap();
        let v = l.photo_view(&r.imported[0].id).unwrap();
        assert_eq!(
            (v.creator.as_str(), v.credit.as_str(), v.city.as_str()),
            ("Cảnh Toàn", "Ảnh: Cảnh Toàn", "Vinh"),
            "the photographer's defaults prefill the caption fields"
        );
        byline_core::credentials::delete(l.root(), &url).unwrap();
    }

    #[test]
    fn publishing_without_a_server_says_where_to_set_one() {
        let (_d, l) = lib();
        let a = create_story(&l, "Tin").unwrap();
        let e = publish_story(&l, &a.id, None).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(
            e.message.contains("Settings"),
            "the message points to Settings: {e:?}"
        );
        assert_eq!(
            publish_state(&l, &a.id).unwrap().state,
            byline_core::publishing::PublishState::Local,
            "nothing was queued"
        );
        assert!(outbox(&l).unwrap().is_empty());
    }

    #[test]
    fn a_publish_returns_at_once_and_the_engine_reports_the_server_unreachable() {
        let (_d, l) = lib();
        let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", dead.local_addr().unwrap());
        drop(dead);
        let edit = LibrarySettings {
            server_url: url.clone(),
            ..Default::default()
        };
        save_settings(&l, edit, Some("byl_x")).unwrap();
        let mut a = create_story(&l, "Mưa lớn ở Hà Nội").unwrap();
        a.blocks
            .push(Block::paragraph("Chiều nay Hà Nội mưa rất to."));
        a.byline.push(byline_protocol::Person {
            name: "Thanh Hà".into(),
            role: "writer".into(),
        });
        save_story(&l, a.clone()).unwrap();
        let mut events = l.events().subscribe();
        let engine = l
            .start_engine(byline_core::engine::Target::Settings)
            .unwrap();
        let state = publish_story(&l, &a.id, None).unwrap();
        assert_eq!(
            state.state,
            byline_core::publishing::PublishState::Queued,
            "publishing only queues; the engine sends: {state:?}"
        );
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let mut offline = false;
        while !offline && std::time::Instant::now() < deadline {
            match events.try_recv() {
                Ok(byline_core::events::Event::Connection { connectivity, .. }) => {
                    offline = connectivity == byline_core::events::Connectivity::Offline;
                }
                Ok(_) => {}
                Err(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
            }
        }
        engine.stop();
        assert!(
            offline,
            "the engine told the window the server does not answer"
        );
        let rows = outbox(&l).unwrap();
        assert_eq!(
            rows.len(),
            2,
            "the story and its publish request wait: {rows:?}"
        );
        assert!(
            rows.iter().any(|r| r.error.is_some()),
            "with the last network error to show: {rows:?}"
        );
        byline_core::credentials::delete(l.root(), &url).unwrap();
    }

    #[test]
    fn a_machine_without_a_gpu_render_node_paints_in_software() {
        let d = tempfile::tempdir().unwrap();
        let dri = d.path().join("dri");
        assert!(
            paint_in_software(None, &dri),
            "no /dev/dri at all (Xvfb, a VM): software painting"
        );
        std::fs::create_dir(&dri).unwrap();
        std::fs::write(dri.join("card0"), b"").unwrap();
        assert!(
            paint_in_software(None, &dri),
            "a display card without a render node cannot run GL for the webview"
        );
        std::fs::write(dri.join("renderD128"), b"").unwrap();
        assert!(
            !paint_in_software(None, &dri),
            "a render node means a GPU: keep WebKit's compositing"
        );
        assert!(
            paint_in_software(Some("off"), &dri),
            "BYLINE_GPU=off wins over the guess"
        );
        assert!(
            !paint_in_software(Some("on"), d.path()),
            "BYLINE_GPU=on wins over the guess"
        );
    }
}
