//! Byline's desktop core: everything the app and the `byline` CLI do, without either of them.
//!
//! [`Library`] is the facade: open a data directory, then draft, import, search, export and
//! (as their modules land) caption photos, check copy and publish. Front ends call one method
//! per user action and print or display what comes back.

pub mod conflicts;
pub mod credentials;
pub mod desk;
pub mod drafts;
pub mod error;
pub mod io;
pub mod outbox;
pub mod photodesk;
pub mod photos;
pub mod publishing;
pub mod search;
pub mod settings;
pub mod store;
pub mod sync;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use byline_protocol::{Article, Block, BlockKind, ErrorCode, Status};
use rusqlite::Connection;
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
}

impl ExportFormat {
    pub fn parse(s: &str) -> Result<ExportFormat> {
        match s {
            "md" | "markdown" => Ok(ExportFormat::Markdown),
            "json" => Ok(ExportFormat::Json),
            "html" => Ok(ExportFormat::Html),
            other => Err(CoreError::Invalid(format!(
                "unknown format `{other}`; use md, json or html"
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

/// A library: one data directory with its database and photo files.
pub struct Library {
    root: PathBuf,
    conn: Connection,
    author: String,
    /// Built on first use: loading the dictionary is the expensive part of checking. Kept with
    /// the stamp of the files it was built from, so an edit by the other front end reloads it.
    desk: Option<(desk::Stamp, byline_desk::Desk)>,
}

impl Library {
    /// Opens the library in `root`, creating and migrating it on first use.
    pub fn open(root: impl AsRef<Path>) -> Result<Library> {
        let root = root.as_ref().to_path_buf();
        std::fs::create_dir_all(&root).map_err(|e| CoreError::io(&root, e))?;
        let conn = store::open(&root.join(DB_FILE))?;
        let author = std::env::var("BYLINE_AUTHOR")
            .or_else(|_| std::env::var("USER"))
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "unknown".into());
        Ok(Library {
            root,
            conn,
            author,
            desk: None,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Who revisions are attributed to.
    pub fn author(&self) -> &str {
        &self.author
    }

    pub fn set_author(&mut self, author: impl Into<String>) {
        self.author = author.into();
    }

    /// The underlying connection, for integrity checks and tests.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    // ---- articles -------------------------------------------------------------------------

    /// Accepts a full id or a unique prefix of at least 6 characters.
    pub fn resolve_article_id(&self, id: &str) -> Result<String> {
        let id = id.trim();
        if id.len() < 6 || id.contains(['%', '_']) {
            return Ok(id.to_owned());
        }
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM articles WHERE id LIKE ?1 || '%' LIMIT 2")?;
        let ids = stmt
            .query_map([id], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        match ids.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(CoreError::article_not_found(id)),
            _ if ids.iter().any(|i| i == id) => Ok(id.to_owned()),
            _ => Err(CoreError::Invalid(format!(
                "id prefix `{id}` matches several articles; give more of it"
            ))),
        }
    }

    /// Stores a new article (revision 1) and returns it as stored.
    pub fn create_article(&mut self, mut article: Article) -> Result<Article> {
        drafts::create(&mut self.conn, &mut article, &self.author)?;
        self.seed_photo_captions(&article)?;
        Ok(article)
    }

    /// A filed figure caption becomes the photo's caption when the photo has none yet.
    fn seed_photo_captions(&mut self, article: &Article) -> Result<()> {
        for b in &article.blocks {
            let BlockKind::Figure {
                photo_id: Some(id),
                caption,
                ..
            } = &b.kind
            else {
                continue;
            };
            let Ok(rec) = photos::get(&self.conn, id) else {
                continue;
            };
            if caption.trim().is_empty()
                || !photodesk::editable_from_meta(&rec.meta).caption.is_empty()
            {
                continue;
            }
            let edit = photodesk::FieldEdit {
                caption: Some(caption.clone()),
                ..Default::default()
            };
            if let Some(fields) = photodesk::apply_edit(&rec, &edit, None)? {
                photodesk::store_fields(&self.conn, id, &self.author, &fields)?;
            }
        }
        Ok(())
    }

    /// Saves an edited article as a new revision (autosave calls this on every pause). A figure
    /// caption edited here becomes the photo's caption too: one caption, not two copies.
    pub fn save_article(&mut self, article: &mut Article) -> Result<SaveOutcome> {
        let out = drafts::save(&mut self.conn, article, &self.author)?;
        if out.changed {
            self.sync_figure_captions_to_photos(article)?;
        }
        Ok(out)
    }

    fn sync_figure_captions_to_photos(&mut self, article: &Article) -> Result<()> {
        for b in &article.blocks {
            let BlockKind::Figure {
                photo_id: Some(id),
                caption,
                ..
            } = &b.kind
            else {
                continue;
            };
            let Ok(rec) = photos::get(&self.conn, id) else {
                continue;
            };
            let edit = photodesk::FieldEdit {
                caption: Some(caption.clone()),
                ..Default::default()
            };
            if caption.trim().is_empty() {
                continue;
            }
            if let Some(fields) = photodesk::apply_edit(&rec, &edit, None)? {
                photodesk::store_fields(&self.conn, id, &self.author, &fields)?;
                self.sync_photo_caption_to_figures(id, &fields.caption, Some(&article.id))?;
            }
        }
        Ok(())
    }

    /// Writes a photo's caption into every live story figure that shows it (except `skip`).
    fn sync_photo_caption_to_figures(
        &mut self,
        photo_id: &str,
        caption: &str,
        skip: Option<&str>,
    ) -> Result<()> {
        let ids: Vec<String> = {
            let mut stmt = self.conn.prepare(
                "SELECT a.id FROM articles a JOIN revisions r
                   ON r.article_id = a.id AND r.revision = a.current_revision
                 WHERE a.deleted_at IS NULL AND instr(r.content, ?1) > 0",
            )?;
            stmt.query_map([photo_id], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?
        };
        for id in ids.iter().filter(|i| Some(i.as_str()) != skip) {
            let mut a = drafts::get(&self.conn, id)?;
            let mut changed = false;
            for b in &mut a.blocks {
                if let BlockKind::Figure {
                    photo_id: Some(p),
                    caption: c,
                    ..
                } = &mut b.kind
                    && p == photo_id
                    && c != caption
                {
                    *c = caption.to_owned();
                    changed = true;
                }
            }
            if changed {
                drafts::save(&mut self.conn, &mut a, &self.author)?;
            }
        }
        Ok(())
    }

    pub fn article(&self, id: &str) -> Result<Article> {
        drafts::get(&self.conn, &self.resolve_article_id(id)?)
    }

    pub fn article_revision(&self, id: &str, revision: u64) -> Result<Article> {
        drafts::get_revision(&self.conn, &self.resolve_article_id(id)?, revision)
    }

    pub fn articles(&self, scope: Scope) -> Result<Vec<ArticleSummary>> {
        drafts::list(&self.conn, scope)
    }

    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        search::search(&self.conn, query, limit)
    }

    pub fn revisions(&self, id: &str) -> Result<Vec<RevisionInfo>> {
        drafts::revisions(&self.conn, &self.resolve_article_id(id)?)
    }

    pub fn restore(&mut self, id: &str, revision: u64) -> Result<SaveOutcome> {
        let id = self.resolve_article_id(id)?;
        drafts::restore(&mut self.conn, &id, revision, &self.author)
    }

    pub fn trash(&mut self, id: &str) -> Result<()> {
        let id = self.resolve_article_id(id)?;
        drafts::trash(&mut self.conn, &id)
    }

    pub fn untrash(&mut self, id: &str) -> Result<()> {
        let id = self.resolve_article_id(id)?;
        drafts::untrash(&mut self.conn, &id)
    }

    pub fn empty_trash(&mut self) -> Result<usize> {
        drafts::empty_trash(&mut self.conn)
    }

    /// Sets one field and saves a new revision. A slug that followed the title follows it on.
    pub fn set_field(&mut self, id: &str, field: Field, value: &str) -> Result<Article> {
        let mut a = self.article(id)?;
        let value = byline_text::nfc(value);
        match field {
            Field::Title => {
                if value.trim().is_empty() {
                    return Err(CoreError::Invalid("title cannot be empty".into()));
                }
                if a.slug == byline_text::slug(&a.title) {
                    a.slug = byline_text::slug(&value);
                }
                a.title = value;
            }
            Field::Section => a.section = value,
            Field::Lead => a.lead = value,
            Field::Slug => a.slug = byline_text::slug(&value),
            Field::Status => {
                a.status = Status::parse(&value).ok_or_else(|| {
                    CoreError::Invalid(format!(
                        "status `{value}` is not one of draft, ready, published"
                    ))
                })?;
            }
            Field::PublishedAt => {
                a.published_at = if value.trim().is_empty() {
                    None
                } else {
                    Some(chrono::DateTime::parse_from_rfc3339(value.trim()).map_err(|e| {
                        CoreError::Invalid(format!(
                            "published_at `{value}` is not a time with zone ({e}); write it like 2024-06-18T12:17:00+07:00"
                        ))
                    })?)
                };
            }
        }
        self.save_article(&mut a)?;
        Ok(a)
    }

    /// Imports a story file (Markdown with front matter, plain text or JSON). Images referenced by
    /// relative paths are copied into the photo library and become figures. The text is kept as
    /// filed (NFC aside); nothing is stored when the file is refused.
    pub fn import_article(&mut self, path: &Path) -> Result<ImportReport> {
        let text = io::read_text(path)?;
        let origin = path.display().to_string();
        let base = path.parent().unwrap_or(Path::new("."));
        let format = io::detect(path, &text);
        self.import_article_text(&text, format, base, &origin)
    }

    /// [`Library::import_article`] for text already in memory; `base` resolves image paths.
    pub fn import_article_text(
        &mut self,
        text: &str,
        format: io::InputFormat,
        base: &Path,
        origin: &str,
    ) -> Result<ImportReport> {
        let mut warnings = Vec::new();
        let mut article = match format {
            io::InputFormat::Markdown => {
                let parsed = io::markdown::parse(text, origin)?;
                let mut article = parsed.article;
                for fig in parsed.figures {
                    match self.resolve_figure(base, &fig.src) {
                        Ok(id) => {
                            if let BlockKind::Figure { photo_id, .. } =
                                &mut article.blocks[fig.block].kind
                            {
                                *photo_id = Some(id);
                            }
                        }
                        Err(w) => warnings.push(w),
                    }
                }
                article
            }
            io::InputFormat::Plain => io::plain::parse(text, origin)?,
            io::InputFormat::Json => {
                let mut a: Article = serde_json::from_str(text).map_err(|e| {
                    CoreError::Invalid(format!(
                        "{origin}: not a Byline article JSON (line {}, column {}): {e}",
                        e.line(),
                        e.column()
                    ))
                })?;
                // A JSON export re-imported is a new article: its own id, fresh history.
                a.id = byline_protocol::new_id();
                a.revision = 0;
                a
            }
        };
        if matches!(format, io::InputFormat::Json) {
            let now = chrono::Local::now().fixed_offset();
            article.created_at = now;
        }
        let stored = self.create_article(article)?;
        Ok(ImportReport {
            article: stored,
            warnings,
        })
    }

    fn resolve_figure(&mut self, base: &Path, src: &str) -> std::result::Result<String, String> {
        if src.contains("://") {
            return Err(format!(
                "image `{src}` is a URL; download it and import the file"
            ));
        }
        let path = base.join(src);
        if !path.exists() {
            // An export written without its photos names them by id; find those in the library.
            let stem = Path::new(src)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("");
            if stem.len() == 64 && photos::get(&self.conn, stem).is_ok() {
                return Ok(stem.to_owned());
            }
            return Err(format!(
                "image `{src}` not found at {}; the figure is kept without a photo",
                path.display()
            ));
        }
        let never = AtomicBool::new(false);
        let report = photodesk::import(
            &self.conn,
            &self.root,
            &self.author,
            &[path],
            &never,
            &|_| {},
        )
        .map_err(|e| format!("image `{src}`: {e}; the figure is kept without a photo"))?;
        if let Some(p) = report.imported.into_iter().chain(report.duplicates).next() {
            return Ok(p.id);
        }
        let why = report
            .failed
            .into_iter()
            .next()
            .map(|f| f.error)
            .unwrap_or_default();
        Err(format!(
            "image `{src}`: {why}; the figure is kept without a photo"
        ))
    }

    /// Renders an article. With `out`, writes the file (and, for Markdown, the photos beside it so
    /// the export re-imports with its figures); returns the rendered text either way.
    pub fn export_article(
        &self,
        id: &str,
        format: ExportFormat,
        out: Option<&Path>,
    ) -> Result<String> {
        let a = self.article(id)?;
        let text = match format {
            ExportFormat::Json => {
                let mut s = serde_json::to_string_pretty(&a).expect("article serialises");
                s.push('\n');
                s
            }
            ExportFormat::Markdown => {
                let md = io::markdown::export(&a, &|b| self.figure_src(b));
                if let Some(out) = out {
                    self.write_figure_files(&a, out.parent().unwrap_or(Path::new(".")))?;
                }
                md
            }
            ExportFormat::Html => io::html::render(&a, &|b| self.figure_data_uri(b)),
        };
        if let Some(out) = out {
            write_atomic(out, text.as_bytes())?;
        }
        Ok(text)
    }

    /// The relative path a figure's image gets in a Markdown export: its original path when it
    /// was filed with one, else `photos/<id>.<ext>`.
    fn figure_src(&self, b: &Block) -> String {
        let BlockKind::Figure { photo_id, src, .. } = &b.kind else {
            return String::new();
        };
        if let Some(s) = src.as_deref().filter(|s| is_safe_relative(s)) {
            return s.to_owned();
        }
        match photo_id
            .as_deref()
            .and_then(|id| photos::get(&self.conn, id).ok())
        {
            Some(p) => {
                let ext = photos::relative_path(&p.id, &p.format);
                format!(
                    "photos/{}",
                    ext.file_name().unwrap_or_default().to_string_lossy()
                )
            }
            None => src.clone().unwrap_or_default(),
        }
    }

    fn write_figure_files(&self, a: &Article, dir: &Path) -> Result<()> {
        for b in &a.blocks {
            let BlockKind::Figure {
                photo_id: Some(id), ..
            } = &b.kind
            else {
                continue;
            };
            let Ok(p) = photos::get(&self.conn, id) else {
                continue;
            };
            let dest = dir.join(self.figure_src(b));
            if dest.exists() && photos::hash_file(&dest).ok().as_deref() == Some(id.as_str()) {
                continue;
            }
            if dest.exists() {
                return Err(CoreError::Invalid(format!(
                    "{} exists and is a different picture; export to another folder",
                    dest.display()
                )));
            }
            let src = self.root.join(photos::relative_path(&p.id, &p.format));
            let bytes = std::fs::read(&src).map_err(|e| CoreError::io(&src, e))?;
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent).map_err(|e| CoreError::io(parent, e))?;
            }
            write_atomic(&dest, &bytes)?;
        }
        Ok(())
    }

    fn figure_data_uri(&self, b: &Block) -> Option<String> {
        let BlockKind::Figure {
            photo_id: Some(id), ..
        } = &b.kind
        else {
            return None;
        };
        let p = photos::get(&self.conn, id).ok()?;
        let bytes = std::fs::read(self.root.join(photos::relative_path(&p.id, &p.format))).ok()?;
        Some(format!(
            "data:image/{};base64,{}",
            p.format,
            base64_encode(&bytes)
        ))
    }

    /// Appends a figure for a library photo to an article, as a new revision.
    pub fn attach_photo(
        &mut self,
        article_id: &str,
        photo_id: &str,
        caption: Option<&str>,
    ) -> Result<Article> {
        let photo = photos::get(&self.conn, photo_id.trim())?;
        let mut a = self.article(article_id)?;
        let caption = caption
            .map(byline_text::nfc)
            .or_else(|| {
                photo
                    .meta
                    .get("caption")
                    .and_then(|c| c.as_str())
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        let credit = photo
            .meta
            .get("credit")
            .and_then(|c| c.as_str())
            .unwrap_or_default()
            .to_owned();
        a.blocks.push(Block::new(BlockKind::Figure {
            photo_id: Some(photo.id),
            caption,
            credit,
            src: None,
        }));
        self.save_article(&mut a)?;
        Ok(a)
    }

    // ---- copy desk ------------------------------------------------------------------------

    /// The copy desk with this library's `desk.toml` and word list (built once, then reused
    /// until either file changes on disk).
    pub fn desk(&mut self) -> Result<&byline_desk::Desk> {
        let stamp = desk::stamp(&self.root);
        if self.desk.as_ref().is_none_or(|(s, _)| *s != stamp) {
            self.desk = Some((stamp, desk::load(&self.root)?));
        }
        Ok(&self.desk.as_ref().expect("just built").1)
    }

    /// Adds a word, name or abbreviation to the newsroom word list (the file `desk.toml` names,
    /// else `newsroom-words.txt` in the library folder, shared by the app and the CLI), so the
    /// copy desk stops flagging it from the next check on. Returns the word as stored (NFC) and
    /// whether it was new.
    pub fn add_word(&mut self, word: &str) -> Result<(String, bool)> {
        let word = desk::normalise_word(word)?;
        let added = desk::append_word(&self.root, &word)?;
        // Teach the loaded desk the word instead of reloading the whole dictionary, and take the
        // new stamp so the next check does not rebuild it for our own write.
        if let Some((stamp, d)) = self.desk.as_mut() {
            d.add_word(&word)
                .map_err(|e| CoreError::Invalid(e.to_string()))?;
            *stamp = desk::stamp(&self.root);
        }
        Ok((word, added))
    }

    /// The newsroom's accepted words beyond the dictionary (settings words, then the word list).
    pub fn words(&self) -> Result<Vec<String>> {
        desk::words(&self.root)
    }

    /// All findings for an article's current revision: typography, Vietnamese rules, checklist.
    pub fn check_article(&mut self, id: &str) -> Result<Vec<byline_desk::Finding>> {
        let a = self.article(id)?;
        let facts = desk::photo_facts(&self.conn, &a);
        Ok(self.desk()?.check_all(&a, &facts))
    }

    /// Applies the safe fixes as a new revision; returns what was fixed and what is left.
    pub fn fix_article(&mut self, id: &str) -> Result<desk::FixReport> {
        let a = self.article(id)?;
        let fixed = self.desk()?.fix(&a);
        let mut article = fixed.article;
        let revision = if fixed.changed {
            self.save_article(&mut article)?.revision
        } else {
            a.revision
        };
        let facts = desk::photo_facts(&self.conn, &article);
        let remaining = self.desk()?.check_all(&article, &facts);
        Ok(desk::FixReport {
            id: article.id,
            revision,
            changed: fixed.changed,
            applied: fixed.applied,
            remaining,
        })
    }

    // ---- publishing -----------------------------------------------------------------------

    /// Publishes a story: refuses while the copy desk reports a hard failure, then queues its
    /// photos, captions, content and the publish request (one transaction) and sends them.
    /// Whatever cannot be sent now stays queued (see [`Library::outbox`]).
    pub fn publish(
        &mut self,
        id: &str,
        remote: &sync::Remote,
        patience: &sync::Patience,
    ) -> Result<sync::PublishReport> {
        let id = self.resolve_article_id(id)?;
        let findings = self.check_article(&id)?;
        let blocking = byline_desk::blocking(&findings);
        if !blocking.is_empty() {
            let list: Vec<String> = blocking
                .iter()
                .map(|f| format!("{} ({})", f.message, f.rule.id()))
                .collect();
            return Err(CoreError::Blocked(format!(
                "publishing is blocked by {} problem(s): {}. Fix them (see `byline check {id}`) and publish again",
                blocking.len(),
                list.join("; ")
            )));
        }
        let article = self.article(&id)?;
        sync::enqueue_publish(&mut self.conn, &article)?;
        let drained = self.drain(remote, patience)?;
        let state = sync::remote_state(&self.conn, &id)?;
        let still: Vec<_> = outbox::pending(&self.conn)?
            .into_iter()
            .filter(|i| i.target == id || photo_in(&article, &i.target))
            .collect();
        if let Some(stuck) = still.first() {
            let why = stuck
                .last_error
                .clone()
                .unwrap_or_else(|| "not sent yet".into());
            let code = if stuck.state == "needs_attention" {
                ErrorCode::InvalidInput
            } else {
                ErrorCode::Unavailable
            };
            return Err(CoreError::Remote {
                code,
                message: format!(
                    "{} item(s) of this story are still queued ({} {}: {why}); nothing is lost — \
                     `byline sync --server URL` sends them, `byline outbox` shows them",
                    still.len(),
                    stuck.kind.as_str(),
                    stuck.state
                ),
            });
        }
        let (server_revision, conflicts, _) = state.unwrap_or_default();
        Ok(sync::PublishReport {
            article_id: id,
            server_revision,
            uploaded_bytes: drained.uploaded_bytes,
            skipped_photos: drained.skipped_photos,
            conflicts,
            pending: drained.pending,
        })
    }

    /// Pushes everything queued, then pulls what changed on the server.
    pub fn sync(
        &mut self,
        remote: &sync::Remote,
        patience: &sync::Patience,
    ) -> Result<sync::SyncReport> {
        let push = self.drain(remote, patience)?;
        let (pulled, deferred) =
            sync::pull(&mut self.conn, &self.root, &self.author, remote, patience)?;
        Ok(sync::SyncReport {
            push,
            pulled,
            deferred,
        })
    }

    /// Sends everything queued under the copy desk's current publish policy.
    fn drain(
        &mut self,
        remote: &sync::Remote,
        patience: &sync::Patience,
    ) -> Result<sync::DrainReport> {
        let policy = self.desk()?.publish_policy();
        sync::drain(
            &mut self.conn,
            &self.root,
            &self.author,
            remote,
            patience,
            policy,
        )
    }

    /// What is waiting to be sent (and, with `all`, what was sent recently).
    pub fn outbox(&self, all: bool) -> Result<Vec<outbox::Item>> {
        if all {
            outbox::all(&self.conn, 500)
        } else {
            outbox::pending(&self.conn)
        }
    }

    /// Queues parked items again after the user fixed their cause.
    pub fn retry_outbox(&mut self) -> Result<usize> {
        outbox::retry_all(&self.conn)
    }

    /// Server revision, conflicts and published flag of a synced story.
    pub fn remote_state(
        &self,
        id: &str,
    ) -> Result<Option<(u64, Vec<byline_protocol::sync::Conflict>, bool)>> {
        sync::remote_state(&self.conn, &self.resolve_article_id(id)?)
    }

    /// The conflicts the server's merge left on a story, ready to show side by side.
    pub fn conflicts(&self, id: &str) -> Result<Vec<conflicts::ConflictView>> {
        conflicts::list(&self.conn, &self.resolve_article_id(id)?)
    }

    /// Resolves conflict `index` of a story by `choice` (see [`conflicts::resolve`]).
    pub fn resolve_conflict(
        &mut self,
        id: &str,
        index: usize,
        choice: conflicts::Choice,
    ) -> Result<Article> {
        let id = self.resolve_article_id(id)?;
        conflicts::resolve(&mut self.conn, &self.author, &id, index, choice)
    }

    /// A story's publishing state for the publish panel.
    pub fn publish_state(&self, id: &str) -> Result<publishing::StoryState> {
        publishing::story_state(&self.conn, &self.resolve_article_id(id)?)
    }

    /// The outbox as the publish panel lists it (waiting items first, then recent ones).
    pub fn outbox_entries(&self, limit: usize) -> Result<Vec<publishing::OutboxEntry>> {
        publishing::entries(&self.conn, limit)
    }

    // ---- settings and credentials ---------------------------------------------------------

    /// The library's settings (server, photographer defaults).
    pub fn settings(&self) -> Result<settings::LibrarySettings> {
        settings::load(&self.root)
    }

    pub fn save_settings(&self, s: settings::LibrarySettings) -> Result<settings::LibrarySettings> {
        settings::save(&self.root, s)
    }

    /// Stores the server token in the OS keychain, or the 0600 file when there is none.
    pub fn save_token(&self, server_url: &str, token: &str) -> Result<credentials::Store> {
        credentials::save(&self.root, server_url, token)
    }

    /// The stored token for a server and where it is kept.
    pub fn token(&self, server_url: &str) -> Result<Option<(String, credentials::Store)>> {
        credentials::load(&self.root, server_url)
    }

    /// The server from the settings with its stored token, for publishing from the app.
    pub fn remote(&self) -> Result<sync::Remote> {
        let url = self.settings()?.server_url;
        if url.is_empty() {
            return Err(CoreError::Invalid(
                "no newsroom server set: enter its address in Settings (or pass --server URL)"
                    .into(),
            ));
        }
        let Some((token, _)) = self.token(&url)? else {
            return Err(CoreError::Invalid(format!(
                "no access token stored for {url}: enter it in Settings (or pass --token TOKEN)"
            )));
        };
        Ok(sync::Remote { url, token })
    }

    /// Fills the photographer's defaults (creator, credit, city from the settings) into photos
    /// that have none of their own; what the camera or an earlier caption set is kept.
    pub fn prefill_photo_defaults(&mut self, ids: &[String]) -> Result<()> {
        let s = self.settings()?;
        let pick = |default: &str, current: &str| {
            (!default.is_empty() && current.trim().is_empty()).then(|| default.to_owned())
        };
        for id in ids {
            let v = self.photo_view(id)?;
            let edit = photodesk::FieldEdit {
                creator: pick(&s.photo_creator, &v.creator),
                credit: pick(&s.photo_credit, &v.credit),
                city: pick(&s.photo_city, &v.city),
                ..Default::default()
            };
            if edit.creator.is_some() || edit.credit.is_some() || edit.city.is_some() {
                self.caption_photos(std::slice::from_ref(id), &edit)?;
            }
        }
        Ok(())
    }

    // ---- photos ---------------------------------------------------------------------------

    /// Imports photo files and folders (see [`photodesk::import`]).
    pub fn import_photos(
        &mut self,
        paths: &[PathBuf],
        cancel: &AtomicBool,
        progress: &(dyn Fn(&photodesk::Progress) + Sync),
    ) -> Result<photodesk::ImportReport> {
        photodesk::import(
            &self.conn,
            &self.root,
            &self.author,
            paths,
            cancel,
            progress,
        )
    }

    /// The full view of one photo (`byline photo show`).
    pub fn photo_view(&self, id: &str) -> Result<photodesk::PhotoView> {
        photodesk::view(&self.conn, &self.root, &self.photo(id)?)
    }

    /// Every photo's view, newest import first.
    pub fn photo_views(&self) -> Result<Vec<photodesk::PhotoView>> {
        self.photos()?
            .iter()
            .map(|p| photodesk::view(&self.conn, &self.root, p))
            .collect()
    }

    /// Edits caption fields of one or many photos (batch captioning). Templates expand per photo;
    /// shortcodes from `codes.tsv` in the library folder (if present) expand in caption and
    /// credit. Stories showing a photo get its new caption. Returns the photos' new views.
    pub fn caption_photos(
        &mut self,
        ids: &[String],
        edit: &photodesk::FieldEdit,
    ) -> Result<Vec<photodesk::PhotoView>> {
        let codes = self.code_table()?;
        let records: Vec<_> = ids.iter().map(|id| self.photo(id)).collect::<Result<_>>()?;
        for rec in &records {
            if let Some(fields) = photodesk::apply_edit(rec, edit, codes.as_ref())? {
                photodesk::store_fields(&self.conn, &rec.id, &self.author, &fields)?;
                if outbox::was_sent(&self.conn, outbox::Kind::Photo, &rec.id)? {
                    outbox::enqueue(&self.conn, outbox::Kind::PhotoMeta, &rec.id)?;
                }
                self.sync_photo_caption_to_figures(&rec.id, &fields.caption, None)?;
            }
        }
        records.iter().map(|r| self.photo_view(&r.id)).collect()
    }

    /// The newsroom's shortcode file (`codes.tsv` in the library folder), if there is one.
    pub fn code_table(&self) -> Result<Option<byline_media::CodeTable>> {
        let path = self.root.join("codes.tsv");
        if !path.exists() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path).map_err(|e| CoreError::io(&path, e))?;
        byline_media::CodeTable::parse(&text)
            .map(Some)
            .map_err(|e| CoreError::Invalid(format!("{}: {e}", path.display())))
    }

    /// Caption history of a photo, oldest first.
    pub fn photo_history(
        &self,
        id: &str,
    ) -> Result<Vec<(u64, String, String, photodesk::EditableFields)>> {
        let rec = self.photo(id)?;
        photodesk::history(&self.conn, &rec.id)
    }

    /// Writes the original with its current caption and credits embedded to `out`.
    pub fn export_photo(&self, id: &str, out: &Path) -> Result<()> {
        let bytes = photodesk::export_bytes(&self.root, &self.photo(id)?)?;
        write_atomic(out, &bytes)
    }

    pub fn photo(&self, id: &str) -> Result<photos::PhotoRecord> {
        photos::get(&self.conn, id.trim())
    }

    pub fn photos(&self) -> Result<Vec<photos::PhotoRecord>> {
        photos::list(&self.conn)
    }

    /// Absolute path of a photo's original in the library.
    pub fn photo_path(&self, id: &str) -> Result<PathBuf> {
        let p = self.photo(id)?;
        Ok(self.root.join(photos::relative_path(&p.id, &p.format)))
    }
}

fn photo_in(article: &Article, photo_id: &str) -> bool {
    article
        .blocks
        .iter()
        .any(|b| matches!(&b.kind, BlockKind::Figure { photo_id: Some(p), .. } if p == photo_id))
}

fn is_safe_relative(s: &str) -> bool {
    let p = Path::new(s);
    p.is_relative()
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Writes a file so that readers see the old or the new content, never a torn one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    byline_durable::write(path, bytes).map_err(|e| CoreError::io(path, e))
}

fn base64_encode(bytes: &[u8]) -> String {
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
