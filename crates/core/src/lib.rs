//! Byline's desktop core: everything the app and the `byline` CLI do, without either of them.
//!
//! [`Library`] is a cloneable, `Send + Sync` handle on one data directory: one writing SQLite
//! connection, a pool of read-only WAL readers, an event bus, and (when started) the sync
//! engine. It is a facade: each method delegates to the module that owns that concern and its
//! transactions (`stories`, `transfer`, `captions`, `photo_import`, `photodesk`, `publish`,
//! `sync`, `engine`, `settings`, `credentials`). Front ends call one method per user action.

pub mod captions;
pub mod capture_time;
pub mod conflicts;
pub mod credentials;
pub mod credit;
pub mod desk;
pub mod destinations;
pub mod drafts;
pub mod editorial;
pub mod engine;
pub mod error;
pub mod events;
mod group_commit;
pub mod ingest;
pub mod io;
mod landing;
pub mod marks;
pub mod outbox;
pub mod photo_import;
pub mod photo_query;
pub mod photodesk;
pub mod photos;
pub mod previews;
pub mod publish;
pub mod publishing;
pub mod search;
pub mod settings;
pub mod store;
pub mod stories;
pub mod sync;
pub mod transfer;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, PoisonError};

use byline_protocol::Article;
use serde::Serialize;

pub use drafts::{ArticleSummary, RevisionInfo, SaveOutcome, Scope};
pub use error::{CoreError, Result};
pub use search::{SearchHit, Snippet};

/// File name of the library database inside the data directory.
pub const DB_FILE: &str = "byline.db";

/// An article field that `set` can change (the CLI's `article set ID FIELD VALUE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Section,
    Lead,
    Status,
    Slug,
    PublishedAt,
}

impl Field {
    pub fn parse(s: &str) -> Result<Field> {
        Ok(match s {
            "title" => Field::Title,
            "section" => Field::Section,
            "lead" => Field::Lead,
            "status" => Field::Status,
            "slug" => Field::Slug,
            "published_at" => Field::PublishedAt,
            other => {
                return Err(CoreError::Invalid(format!(
                    "unknown field `{other}`; use one of title, section, lead, status, slug, published_at"
                )));
            }
        })
    }
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Markdown,
    Json,
    Html,
    /// IPTC ninjs 2.1 (JSON), pictures as associations.
    Ninjs,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Result<ExportFormat> {
        match s {
            "md" | "markdown" => Ok(ExportFormat::Markdown),
            "json" => Ok(ExportFormat::Json),
            "html" => Ok(ExportFormat::Html),
            "ninjs" => Ok(ExportFormat::Ninjs),
            other => Err(CoreError::Invalid(format!(
                "unknown format `{other}`; use md, json, html or ninjs"
            ))),
        }
    }
}

/// What an article import did, including what the user should look at.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub article: Article,
    /// Non-fatal problems, e.g. an image path that does not exist (the figure is kept).
    pub warnings: Vec<String>,
}

/// A library: one data directory with its database and photo files. Clones share everything.
#[derive(Clone)]
pub struct Library {
    inner: Arc<Shared>,
}

struct Shared {
    root: PathBuf,
    db: store::Db,
    author: String,
    events: events::Bus,
    /// Built on first use: loading the dictionary is the expensive part of checking. Kept with
    /// the stamp of the files it was built from, so an edit by the other front end reloads it.
    desk: Mutex<Option<(desk::Stamp, byline_desk::Desk)>>,
}

impl Library {
    /// Opens the library in `root`, creating and migrating it on first use. Revisions are
    /// attributed to `BYLINE_AUTHOR` (else the OS user).
    pub fn open(root: impl AsRef<Path>) -> Result<Library> {
        let author = std::env::var("BYLINE_AUTHOR")
            .or_else(|_| std::env::var("USER"))
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "unknown".into());
        Library::open_as(root, author)
    }

    /// Opens the library with revisions attributed to `author`.
    pub fn open_as(root: impl AsRef<Path>, author: impl Into<String>) -> Result<Library> {
        let root = root.as_ref().to_path_buf();
        std::fs::create_dir_all(&root).map_err(|e| CoreError::io(&root, e))?;
        let db = store::Db::open(&root.join(DB_FILE))?;
        Ok(Library {
            inner: Arc::new(Shared {
                root,
                db,
                author: author.into(),
                events: events::Bus::default(),
                desk: Mutex::new(None),
            }),
        })
    }

    pub fn root(&self) -> &Path {
        &self.inner.root
    }

    /// Who revisions are attributed to.
    pub fn author(&self) -> &str {
        &self.inner.author
    }

    /// The connections (one writer, pooled readers), for modules, integrity checks and tests.
    pub fn db(&self) -> &store::Db {
        &self.inner.db
    }

    /// The event bus: subscribe to hear what changed without asking.
    pub fn events(&self) -> &events::Bus {
        &self.inner.events
    }

    /// Starts the sync engine for this library (see [`engine`]).
    pub fn start_engine(&self, target: engine::Target) -> Result<engine::Engine> {
        engine::Engine::start(self.clone(), target).map_err(|e| CoreError::io(self.root(), e))
    }

    pub(crate) fn story_changed(&self, id: &str, revision: u64) {
        self.events().emit(events::Event::StoryChanged {
            id: id.to_owned(),
            revision,
        });
    }

    pub(crate) fn notify_stories(&self, ids: &[String]) -> Result<()> {
        for id in ids {
            let rev = self.db().read(|c| Ok(drafts::get(c, id)?.revision))?;
            self.story_changed(id, rev);
        }
        Ok(())
    }

    pub(crate) fn notify_photos(&self, ids: Vec<String>) {
        self.events().emit(events::Event::PhotosChanged { ids });
    }

    // ---- stories --------------------------------------------------------------------------

    /// Accepts a full id or a unique prefix of at least 6 characters.
    pub fn resolve_article_id(&self, id: &str) -> Result<String> {
        stories::resolve_id(self, id)
    }

    /// Stores a new article (revision 1) and returns it as stored.
    pub fn create_article(&self, article: Article) -> Result<Article> {
        stories::create(self, article)
    }

    /// Saves an edited article as a new revision; see [`stories::save`].
    pub fn save_article(&self, article: &mut Article) -> Result<SaveOutcome> {
        stories::save(self, article)
    }

    /// Merges an editor's copy with what changed underneath it; see [`stories::merge_edit`].
    pub fn merge_edit(&self, mine: Article) -> Result<stories::MergedEdit> {
        stories::merge_edit(self, mine)
    }

    pub fn article(&self, id: &str) -> Result<Article> {
        let id = self.resolve_article_id(id)?;
        self.db().read(|c| drafts::get(c, &id))
    }

    pub fn article_revision(&self, id: &str, revision: u64) -> Result<Article> {
        let id = self.resolve_article_id(id)?;
        self.db().read(|c| drafts::get_revision(c, &id, revision))
    }

    /// Live stories, most recently updated first, optionally of one status (the story list).
    pub fn stories(&self, status: Option<byline_protocol::Status>) -> Result<Vec<ArticleSummary>> {
        let mut v = self.articles(Scope::Live)?;
        v.retain(|s| status.is_none_or(|st| s.status == st));
        Ok(v)
    }

    /// Revisions newest first (the history panel).
    pub fn history(&self, id: &str) -> Result<Vec<RevisionInfo>> {
        let mut v = self.revisions(id)?;
        v.reverse();
        Ok(v)
    }

    /// Restores an old revision as a new one and returns the story as it now is.
    pub fn restore_article(&self, id: &str, revision: u64) -> Result<Article> {
        self.restore(id, revision)?;
        self.article(id)
    }

    pub fn articles(&self, scope: Scope) -> Result<Vec<ArticleSummary>> {
        self.db().read(|c| drafts::list(c, scope))
    }

    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        self.db().read(|c| search::search(c, query, limit))
    }

    pub fn revisions(&self, id: &str) -> Result<Vec<RevisionInfo>> {
        let id = self.resolve_article_id(id)?;
        self.db().read(|c| drafts::revisions(c, &id))
    }

    pub fn restore(&self, id: &str, revision: u64) -> Result<SaveOutcome> {
        stories::restore(self, id, revision)
    }

    pub fn trash(&self, id: &str) -> Result<()> {
        stories::trash(self, id)
    }

    pub fn untrash(&self, id: &str) -> Result<()> {
        stories::untrash(self, id)
    }

    pub fn empty_trash(&self) -> Result<usize> {
        stories::empty_trash(self)
    }

    pub fn set_field(&self, id: &str, field: Field, value: &str) -> Result<Article> {
        stories::set_field(self, id, field, value)
    }

    pub fn attach_photo(
        &self,
        article_id: &str,
        photo_id: &str,
        caption: Option<&str>,
    ) -> Result<Article> {
        stories::attach_photo(self, article_id, photo_id, caption)
    }

    /// Imports a story file; see [`transfer::import_file`].
    pub fn import_article(&self, path: &Path) -> Result<ImportReport> {
        transfer::import_file(self, path)
    }

    /// [`Library::import_article`] for text already in memory; `base` resolves image paths.
    pub fn import_article_text(
        &self,
        text: &str,
        format: io::InputFormat,
        base: &Path,
        origin: &str,
    ) -> Result<ImportReport> {
        transfer::import_text(self, text, format, base, origin)
    }

    /// Renders an article; see [`transfer::export`].
    pub fn export_article(
        &self,
        id: &str,
        format: ExportFormat,
        out: Option<&Path>,
    ) -> Result<String> {
        transfer::export(self, id, format, out)
    }

    // ---- copy desk ------------------------------------------------------------------------

    /// Runs `f` with the copy desk for this library's `desk.toml` and word list (built once,
    /// then reused until either file changes on disk).
    pub fn with_desk<T>(&self, f: impl FnOnce(&mut byline_desk::Desk) -> T) -> Result<T> {
        let stamp = desk::stamp(self.root());
        let mut cached = self
            .inner
            .desk
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if cached.as_ref().is_none_or(|(s, _)| *s != stamp) {
            *cached = Some((stamp, desk::load(self.root())?));
        }
        Ok(f(&mut cached.as_mut().expect("just built").1))
    }

    /// Teaches a loaded desk a word just appended to the word list, and takes the files' new
    /// stamp, so the next check does not reload the whole dictionary for our own write.
    pub(crate) fn teach_desk(&self, word: &str) -> Result<()> {
        let mut cached = self
            .inner
            .desk
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((stamp, d)) = cached.as_mut() {
            d.add_word(word)?;
            *stamp = desk::stamp(self.root());
        }
        Ok(())
    }

    /// Adds a word to the newsroom word list; see [`desk::add_word`].
    pub fn add_word(&self, word: &str) -> Result<(String, bool)> {
        desk::add_word(self, word)
    }

    /// The newsroom's accepted words beyond the dictionary (settings words, then the word list).
    pub fn words(&self) -> Result<Vec<String>> {
        desk::words(self.root())
    }

    /// All findings for an article's current revision: typography, Vietnamese rules, checklist.
    pub fn check_article(&self, id: &str) -> Result<Vec<byline_desk::Finding>> {
        desk::check(self, id)
    }

    /// Applies the safe fixes as a new revision; returns what was fixed and what is left.
    pub fn fix_article(&self, id: &str) -> Result<desk::FixReport> {
        desk::fix(self, id)
    }

    /// The newsroom's publish policy (GPS handling…) from `desk.toml`, without loading the
    /// dictionary (the engine needs it for every photo it sends).
    pub fn publish_policy(&self) -> Result<byline_desk::PublishPolicy> {
        Ok(byline_desk::PublishPolicy {
            strip_gps: desk::settings(self.root())?.strip_gps(),
        })
    }

    // ---- publishing -----------------------------------------------------------------------

    /// Queues a story for publishing (after the copy desk's check) and returns at once; the
    /// engine sends it.
    pub fn enqueue_publish(&self, id: &str) -> Result<String> {
        publish::enqueue(self, id, None)
    }

    /// Queues a story for publishing with a correction notice for its public page.
    pub fn enqueue_correction(&self, id: &str, correction: &str) -> Result<String> {
        publish::enqueue(self, id, Some(correction))
    }

    /// The app's Publish button: the server and token from Settings must be there; the story is
    /// queued (see [`Library::enqueue_publish`]) and its state returned at once.
    pub fn publish_from_settings(
        &self,
        id: &str,
        correction: Option<&str>,
    ) -> Result<publishing::StoryState> {
        self.remote()?;
        let id = publish::enqueue(self, id, correction)?;
        self.publish_state(&id)
    }

    /// The app's Take down: the server and token from Settings (editors only).
    pub fn unpublish_from_settings(
        &self,
        id: &str,
        reason: Option<&str>,
    ) -> Result<editorial::UnpublishReport> {
        self.unpublish(id, &self.remote()?, reason)
    }

    /// The published versions of a story, asked of the server in Settings.
    pub fn versions_from_settings(&self, id: &str) -> Result<byline_protocol::sync::VersionList> {
        self.published_versions(id, &self.remote()?)
    }

    /// A diff for the app: versions named as `byline article diff` names them (`3`, `current`,
    /// `server`, `published`, `v2`); the server from Settings when one side lives there.
    pub fn diff_named(
        &self,
        id: &str,
        a: &str,
        b: &str,
    ) -> Result<byline_protocol::diff::ArticleDiff> {
        let current = self.article(id)?.revision;
        let (ra, rb) = (
            editorial::Rev::parse(a, current)?,
            editorial::Rev::parse(b, current)?,
        );
        let remote = match (ra, rb) {
            (editorial::Rev::Local(_), editorial::Rev::Local(_)) => None,
            _ => Some(self.remote()?),
        };
        editorial::diff(self, id, ra, rb, remote.as_ref())
    }

    /// "Sync now": everything waiting goes at once and the engine is woken; returns how many
    /// items were waiting.
    pub fn sync_soon(&self) -> Result<usize> {
        self.remote()?;
        self.retry_outbox(&[])
    }

    /// The Publish panel's picture: the outbox and, with a story, its state.
    pub fn publish_panel(&self, story: Option<&str>) -> Result<publishing::Panel> {
        Ok(publishing::Panel {
            outbox: self.outbox_entries(100)?,
            story: story.map(|id| self.publish_state(id)).transpose()?,
        })
    }

    // ---- destinations (WordPress sites) -----------------------------------------------------

    /// Adds a WordPress site (or replaces the one of that name); the application password goes
    /// to the OS keychain, else a 0600 file.
    pub fn add_destination(
        &self,
        name: &str,
        url: &str,
        user: &str,
        app_password: &str,
    ) -> Result<destinations::Destination> {
        destinations::add(self, name, url, user, app_password)
    }

    /// Every destination, by name.
    pub fn destinations(&self) -> Result<Vec<destinations::Destination>> {
        destinations::list(self)
    }

    /// Removes a destination, its password and what is still queued for it.
    pub fn remove_destination(&self, name: &str) -> Result<()> {
        destinations::remove(self, name)
    }

    /// Queues a story for a destination (after the copy desk's check) and returns at once; the
    /// engine sends it.
    pub fn enqueue_to_destination(&self, id: &str, destination: &str) -> Result<String> {
        destinations::enqueue(self, id, destination)
    }

    /// Queues a story for a destination and sends it within `patience`.
    pub fn publish_to(
        &self,
        id: &str,
        destination: &str,
        patience: &sync::Patience,
    ) -> Result<destinations::DestinationReport> {
        destinations::send::publish(self, id, destination, patience)
    }

    /// Publishes and waits within `patience`; see [`publish::publish`].
    pub fn publish(
        &self,
        id: &str,
        remote: &sync::Remote,
        patience: &sync::Patience,
    ) -> Result<sync::PublishReport> {
        publish::publish(self, id, remote, patience, None)
    }

    /// Publishes with an optional correction notice shown, dated, on the public page.
    pub fn publish_with(
        &self,
        id: &str,
        remote: &sync::Remote,
        patience: &sync::Patience,
        correction: Option<&str>,
    ) -> Result<sync::PublishReport> {
        publish::publish(self, id, remote, patience, correction)
    }

    /// Pushes everything queued, then pulls what changed on the server.
    pub fn sync(
        &self,
        remote: &sync::Remote,
        patience: &sync::Patience,
    ) -> Result<sync::SyncReport> {
        publish::sync_now(self, remote, patience)
    }

    // ---- editorial control ----------------------------------------------------------------

    /// A reporter hands the story in (status `submitted`, queued for the desk).
    pub fn submit_article(&self, id: &str) -> Result<Article> {
        editorial::submit(self, id)
    }

    /// An editor assigns the story to people (`{name, role}`); it reaches their apps by sync.
    pub fn assign_article(
        &self,
        id: &str,
        people: Vec<byline_protocol::Person>,
    ) -> Result<Article> {
        editorial::assign(self, id, people)
    }

    /// Takes a story down on the server (editors): the page answers 410 Gone.
    pub fn unpublish(
        &self,
        id: &str,
        remote: &sync::Remote,
        reason: Option<&str>,
    ) -> Result<editorial::UnpublishReport> {
        editorial::unpublish(self, id, remote, reason)
    }

    /// The published versions of a story on the server.
    pub fn published_versions(
        &self,
        id: &str,
        remote: &sync::Remote,
    ) -> Result<byline_protocol::sync::VersionList> {
        editorial::versions(self, id, remote)
    }

    /// Word-level differences between two versions of a story (local revisions, the server's
    /// working copy, published versions).
    pub fn diff_versions(
        &self,
        id: &str,
        a: editorial::Rev,
        b: editorial::Rev,
        remote: Option<&sync::Remote>,
    ) -> Result<byline_protocol::diff::ArticleDiff> {
        editorial::diff(self, id, a, b, remote)
    }

    /// Who the stored token is on the server (remembered for offline use); `None` without one.
    pub fn whoami(&self) -> Result<Option<byline_protocol::sync::Me>> {
        editorial::me_from_settings(self)
    }

    /// What the public page serves of a story, as last heard from the server.
    pub fn live_state(&self, id: &str) -> Result<Option<byline_protocol::sync::Live>> {
        let id = self.resolve_article_id(id)?;
        self.db().read(|c| sync::live_state(c, &id))
    }

    /// What is waiting to be sent (and, with `all`, what was sent recently).
    pub fn outbox(&self, all: bool) -> Result<Vec<outbox::Item>> {
        self.db().read(|c| {
            if all {
                outbox::all(c, 500)
            } else {
                outbox::pending(c)
            }
        })
    }

    /// Queues parked items again (all, or those with the given ids) and wakes the engine.
    pub fn retry_outbox(&self, ids: &[i64]) -> Result<usize> {
        let n = self.db().write(|c| outbox::retry(c, ids))?;
        self.events().outbox_changed();
        Ok(n)
    }

    /// Server revision, conflicts and published flag of a synced story.
    pub fn remote_state(
        &self,
        id: &str,
    ) -> Result<Option<(u64, Vec<byline_protocol::sync::Conflict>, bool)>> {
        let id = self.resolve_article_id(id)?;
        self.db().read(|c| sync::remote_state(c, &id))
    }

    /// The conflicts the server's merge left on a story, ready to show side by side.
    pub fn conflicts(&self, id: &str) -> Result<Vec<conflicts::ConflictView>> {
        let id = self.resolve_article_id(id)?;
        self.db().read(|c| conflicts::list(c, &id))
    }

    /// Resolves conflict `index` of a story by `choice` (see [`conflicts::resolve`]).
    pub fn resolve_conflict(
        &self,
        id: &str,
        index: usize,
        choice: conflicts::Choice,
    ) -> Result<Article> {
        let id = self.resolve_article_id(id)?;
        let a = self
            .db()
            .write(|c| conflicts::resolve(c, self.author(), &id, index, choice))?;
        self.events().outbox_changed();
        Ok(a)
    }

    /// A story's publishing state for the publish panel.
    pub fn publish_state(&self, id: &str) -> Result<publishing::StoryState> {
        let id = self.resolve_article_id(id)?;
        self.db().read(|c| publishing::story_state(c, &id))
    }

    /// The outbox as the publish panel lists it (waiting items first, then recent ones).
    pub fn outbox_entries(&self, limit: usize) -> Result<Vec<publishing::OutboxEntry>> {
        self.db().read(|c| publishing::entries(c, limit))
    }

    // ---- settings and credentials ---------------------------------------------------------

    /// The library's settings (server, photographer defaults).
    pub fn settings(&self) -> Result<settings::LibrarySettings> {
        settings::load(self.root())
    }

    /// Saves the settings and wakes the engine (a new server is tried at once).
    pub fn save_settings(&self, s: settings::LibrarySettings) -> Result<settings::LibrarySettings> {
        let saved = settings::save(self.root(), s)?;
        self.events().wake();
        Ok(saved)
    }

    /// Stores the server token (OS keychain, else a 0600 file) and wakes the engine, which
    /// sends whatever waited for a working token.
    pub fn save_token(&self, server_url: &str, token: &str) -> Result<credentials::Store> {
        let store = credentials::save(self.root(), server_url, token)?;
        self.events().wake();
        Ok(store)
    }

    /// The stored token for a server and where it is kept.
    pub fn token(&self, server_url: &str) -> Result<Option<(String, credentials::Store)>> {
        credentials::load(self.root(), server_url)
    }

    /// The server from the settings with its stored token.
    pub fn remote(&self) -> Result<sync::Remote> {
        settings::remote(self)
    }

    // ---- photos ---------------------------------------------------------------------------

    /// Imports photo files and folders; see [`photo_import::import`].
    pub fn import_photos(
        &self,
        paths: &[PathBuf],
        cancel: &AtomicBool,
        progress: &(dyn Fn(&photodesk::Progress) + Sync),
    ) -> Result<photodesk::ImportReport> {
        photo_import::import(self, paths, cancel, progress)
    }

    /// Ingests a card: import plus verified backup copies; see [`ingest::ingest`].
    pub fn ingest_photos(
        &self,
        paths: &[PathBuf],
        opts: &ingest::IngestOptions,
        cancel: &AtomicBool,
        progress: &(dyn Fn(&photodesk::Progress) + Sync),
    ) -> Result<ingest::IngestReport> {
        ingest::ingest(self, paths, opts, cancel, progress)
    }

    /// The photo's 1600 px preview, made now if an ingest left it for later; see [`previews`].
    pub fn ensure_preview(&self, id: &str) -> Result<PathBuf> {
        previews::ensure(self, id)
    }

    /// Makes every preview an ingest left for later; see [`previews::make_missing`].
    pub fn make_missing_previews(
        &self,
        cancel: &AtomicBool,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<previews::PreviewReport> {
        previews::make_missing(self, cancel, progress)
    }

    /// The full view of one photo (`byline photo show`).
    pub fn photo_view(&self, id: &str) -> Result<photodesk::PhotoView> {
        let rec = self.photo(id)?;
        self.db().read(|c| photodesk::view(c, self.root(), &rec))
    }

    /// Every photo's view, newest import first.
    pub fn photo_views(&self) -> Result<Vec<photodesk::PhotoView>> {
        self.find_photos(&photo_query::PhotoQuery::default())
    }

    /// The views of the photos a filter selects, in its order; see [`photo_query`].
    pub fn find_photos(&self, q: &photo_query::PhotoQuery) -> Result<Vec<photodesk::PhotoView>> {
        self.db().read(|c| {
            photo_query::find(c, q)?
                .iter()
                .map(|p| photodesk::view(c, self.root(), p))
                .collect()
        })
    }

    /// [`Library::find_photos`], remembering `q` as the library's grid filter.
    pub fn find_photos_remembered(
        &self,
        q: &photo_query::PhotoQuery,
    ) -> Result<Vec<photodesk::PhotoView>> {
        let mut s = self.settings()?;
        if s.photo_filter != *q {
            s.photo_filter = q.clone();
            settings::save(self.root(), s)?;
        }
        self.find_photos(q)
    }

    /// Sets culling marks on one or many photos; see [`marks::mark_photos`].
    pub fn mark_photos(
        &self,
        ids: &[String],
        edit: &marks::MarkEdit,
    ) -> Result<Vec<photodesk::PhotoView>> {
        marks::mark_photos(self, ids, edit)
    }

    /// Edits caption fields of one or many photos; see [`captions::caption_photos`].
    pub fn caption_photos(
        &self,
        ids: &[String],
        edit: &photodesk::FieldEdit,
    ) -> Result<Vec<photodesk::PhotoView>> {
        captions::caption_photos(self, ids, edit)
    }

    /// The newsroom's shortcode file (`codes.tsv` in the library folder), if there is one.
    pub fn code_table(&self) -> Result<Option<byline_media::CodeTable>> {
        photodesk::code_table(self.root())
    }

    /// Caption history of a photo, oldest first.
    pub fn photo_history(
        &self,
        id: &str,
    ) -> Result<Vec<(u64, String, String, photodesk::EditableFields)>> {
        let rec = self.photo(id)?;
        self.db().read(|c| photodesk::history(c, &rec.id))
    }

    /// Writes the original with its current caption, credits and marks embedded to `out`.
    pub fn export_photo(&self, id: &str, out: &Path) -> Result<()> {
        let bytes = photodesk::export_bytes(self.root(), &self.photo(id)?)?;
        // A file for the desk, often in a shared folder: normal permissions, not 0600.
        byline_durable::write_for_user(out, &bytes).map_err(|e| CoreError::io(out, e))
    }

    pub fn photo(&self, id: &str) -> Result<photos::PhotoRecord> {
        self.db().read(|c| photos::get(c, id.trim()))
    }

    pub fn photos(&self) -> Result<Vec<photos::PhotoRecord>> {
        self.db().read(photos::list)
    }

    /// Absolute path of a photo's original in the library.
    pub fn photo_path(&self, id: &str) -> Result<PathBuf> {
        Ok(stories::photo_file(self, &self.photo(id)?))
    }
}

pub(crate) fn is_safe_relative(s: &str) -> bool {
    let p = Path::new(s);
    p.is_relative()
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Writes a file so that readers see the old or the new content, never a torn one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    byline_durable::write(path, bytes).map_err(|e| CoreError::io(path, e))
}

pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if c.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(super::base64_encode(i.as_bytes()), o, "encoding {i:?}");
        }
    }
}
