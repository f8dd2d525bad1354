//! The photo desk inside the library: the metadata a photographer edits, caption history, the
//! photo's view, and export with the caption written into the file. Importing lives in
//! `photo_import.rs`.
//!
//! A photo's caption is one caption: editing it updates every story figure that shows the photo,
//! and editing a figure's caption in a story updates the photo (see `captions.rs`).

use std::path::{Path, PathBuf};

use byline_media::CaptionFields;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};
use crate::photos::{self, PhotoRecord};

/// Long edges of the renditions made at import.
pub const THUMBNAIL_EDGE: u32 = 320;
pub const PREVIEW_EDGE: u32 = 1600;

/// The `--json` shape of `byline photo import`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub imported: Vec<IdPath>,
    pub duplicates: Vec<IdPath>,
    pub failed: Vec<Failed>,
    /// Files met while walking a folder that are plainly not photos (by content and name:
    /// sidecars, notes, manifests). Files named explicitly are never skipped: they fail loudly.
    pub skipped: Vec<PathBuf>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct IdPath {
    pub id: String,
    pub path: PathBuf,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct Failed {
    pub path: PathBuf,
    pub error: String,
}

/// Progress of an import, reported once per file as it finishes.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub current: PathBuf,
    pub stage: Stage,
}

/// Which pass of an import a [`Progress`] belongs to.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Copying files in by content (one reader: a card is read in order).
    Copying,
    /// Decoding into thumbnail and preview and recording, on all cores.
    Rendering,
    /// An ingest's second copy in the backup folder, verified (beside the rendering).
    BackingUp,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stage::Copying => "copying",
            Stage::Rendering => "rendering",
            Stage::BackingUp => "backing up",
        })
    }
}

/// The fields a photographer edits. Stored in `photos.meta` and, per edit, in `photo_revisions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditableFields {
    #[serde(default)]
    pub caption: String,
    #[serde(default)]
    pub headline: String,
    #[serde(default)]
    pub creator: String,
    #[serde(default)]
    pub credit: String,
    #[serde(default)]
    pub copyright: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// A caption edit: `None` leaves a field unchanged.
#[derive(Debug, Clone, Default)]
pub struct FieldEdit {
    pub caption: Option<String>,
    pub creator: Option<String>,
    pub credit: Option<String>,
    pub copyright: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub keywords: Option<Vec<String>>,
    /// A template such as `{city}, {date}: {caption}`, expanded per photo into the caption.
    pub template: Option<String>,
}

/// The `--json` shape of `byline photo show`: the contract's fields plus more.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct PhotoView {
    pub id: String,
    pub width: u64,
    pub height: u64,
    pub orientation: u64,
    pub format: String,
    pub taken_at: Option<String>,
    pub camera: Option<String>,
    pub lens: Option<String>,
    pub gps: Option<Gps>,
    pub caption: String,
    pub headline: String,
    pub creator: String,
    pub credit: String,
    pub copyright: String,
    pub city: String,
    pub state: String,
    pub country: String,
    pub keywords: Vec<String>,
    pub thumbnail: PathBuf,
    pub preview: PathBuf,
    pub original: PathBuf,
    pub original_name: String,
    pub size: u64,
    pub imported_at: String,
    pub revision: u64,
    /// `rating`, `label` (lowercase or null), `tagged`, `rejected` at the top level.
    #[serde(flatten)]
    pub marks: byline_protocol::Marks,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Gps {
    pub lat: f64,
    pub lon: f64,
}

/// Where a photo's rendition lives, relative to the library root.
pub fn rendition_path(id: &str, edge: u32) -> PathBuf {
    let dir = if edge <= THUMBNAIL_EDGE {
        "thumbs"
    } else {
        "previews"
    };
    PathBuf::from(dir)
        .join(&id[..2])
        .join(format!("{id}_{edge}.jpg"))
}

/// The editable fields as currently stored in a photo's meta.
pub fn editable_from_meta(meta: &photos::StoredMeta) -> EditableFields {
    meta.fields.clone()
}

pub(crate) fn record_revision(
    conn: &Connection,
    id: &str,
    author: &str,
    fields: &EditableFields,
) -> Result<u64> {
    let last: Option<u64> = conn
        .query_row(
            "SELECT MAX(revision) FROM photo_revisions WHERE photo_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let next = last.unwrap_or(0) + 1;
    conn.execute(
        "INSERT INTO photo_revisions(photo_id, revision, author, saved_at, fields) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            id,
            next,
            author,
            chrono::Local::now().fixed_offset().to_rfc3339(),
            serde_json::to_string(fields).expect("fields serialise")
        ],
    )?;
    Ok(next)
}

/// Current caption revision number of a photo.
pub fn current_revision(conn: &Connection, id: &str) -> Result<u64> {
    Ok(conn
        .query_row(
            "SELECT MAX(revision) FROM photo_revisions WHERE photo_id = ?1",
            [id],
            |r| r.get::<_, Option<u64>>(0),
        )?
        .unwrap_or(0))
}

/// Caption history of a photo, oldest first: (revision, saved_at, author, fields).
pub fn history(conn: &Connection, id: &str) -> Result<Vec<(u64, String, String, EditableFields)>> {
    let mut stmt = conn.prepare(
        "SELECT revision, saved_at, author, fields FROM photo_revisions WHERE photo_id = ?1 ORDER BY revision",
    )?;
    let rows = stmt
        .query_map([id], |r| {
            let f: String = r.get(3)?;
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                serde_json::from_str(&f).unwrap_or_default(),
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Date of capture as a Vietnamese desk prints it (dd/mm/yyyy), for `{date}`.
fn desk_date(taken_at: Option<&str>) -> Option<String> {
    let t = taken_at?;
    let (y, m, d) = (t.get(0..4)?, t.get(5..7)?, t.get(8..10)?);
    Some(format!("{d}/{m}/{y}"))
}

/// A caption template's values for a photo with these fields.
pub(crate) fn template_vars(
    f: &EditableFields,
    taken_at: Option<&str>,
    filename: Option<String>,
) -> byline_media::TemplateVars {
    let some = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
    byline_media::TemplateVars {
        creator: some(&f.creator),
        city: some(&f.city),
        country: some(&f.country),
        date: desk_date(taken_at),
        filename,
        caption: some(&f.caption),
        credit: some(&f.credit),
    }
}

/// Applies an edit to one photo's fields (template and shortcodes included). Returns the new
/// fields, or `None` when nothing changed.
pub fn apply_edit(
    record: &PhotoRecord,
    edit: &FieldEdit,
    codes: Option<&byline_media::CodeTable>,
) -> Result<Option<EditableFields>> {
    let old = editable_from_meta(&record.meta);
    let mut f = old.clone();
    let set = |dst: &mut String, v: &Option<String>| {
        if let Some(v) = v {
            *dst = byline_text::nfc(v.trim());
        }
    };
    set(&mut f.caption, &edit.caption);
    set(&mut f.creator, &edit.creator);
    set(&mut f.credit, &edit.credit);
    set(&mut f.copyright, &edit.copyright);
    set(&mut f.city, &edit.city);
    set(&mut f.country, &edit.country);
    if let Some(k) = &edit.keywords {
        f.keywords = k
            .iter()
            .map(|k| byline_text::nfc(k.trim()))
            .filter(|k| !k.is_empty())
            .collect();
    }
    if let Some(t) = &edit.template {
        let vars = template_vars(
            &f,
            record.meta.taken_at.as_deref(),
            Some(record.original_name.clone()),
        );
        f.caption = byline_media::expand_template(t, &vars)?;
    }
    if let Some(codes) = codes {
        f.caption = codes.replace(&f.caption);
        f.credit = codes.replace(&f.credit);
    }
    Ok((f != old).then_some(f))
}

/// Stores new fields for a photo (meta + history).
pub fn store_fields(conn: &Connection, id: &str, author: &str, f: &EditableFields) -> Result<u64> {
    let mut meta = photos::get(conn, id)?.meta;
    meta.fields = f.clone();
    let json = serde_json::to_string(&meta).expect("photo metadata serialises");
    conn.execute(
        "UPDATE photos SET meta = ?2 WHERE id = ?1",
        params![id, json],
    )?;
    record_revision(conn, id, author, f)
}

/// The JSON view of a photo.
pub fn view(conn: &Connection, root: &Path, rec: &PhotoRecord) -> Result<PhotoView> {
    let m = &rec.meta;
    let f = m.fields.clone();
    Ok(PhotoView {
        id: rec.id.clone(),
        width: m.width,
        height: m.height,
        orientation: m.orientation.max(1),
        format: rec.format.clone(),
        taken_at: m.taken_at.clone(),
        camera: m.camera.clone(),
        lens: m.lens.clone(),
        gps: m.gps,
        caption: f.caption,
        headline: f.headline,
        creator: f.creator,
        credit: f.credit,
        copyright: f.copyright,
        city: f.city,
        state: f.state,
        country: f.country,
        keywords: f.keywords,
        thumbnail: root.join(rendition_path(&rec.id, THUMBNAIL_EDGE)),
        preview: root.join(rendition_path(&rec.id, PREVIEW_EDGE)),
        original: root.join(photos::relative_path(&rec.id, &rec.format)),
        original_name: rec.original_name.clone(),
        size: rec.size,
        imported_at: rec.imported_at.clone(),
        revision: current_revision(conn, &rec.id)?,
        marks: m.marks,
    })
}

/// What travels to the server about a photo: every field the desk writes back, and whether the
/// server's public copy must drop GPS coordinates (the newsroom's policy).
pub fn photo_meta(rec: &PhotoRecord, strip_gps: bool) -> byline_protocol::sync::PhotoMeta {
    let f = editable_from_meta(&rec.meta);
    byline_protocol::sync::PhotoMeta {
        caption: f.caption,
        credit: f.credit,
        creator: f.creator,
        taken_at: rec.meta.taken_at.clone(),
        keywords: f.keywords,
        headline: f.headline,
        copyright: f.copyright,
        city: f.city,
        state: f.state,
        country: f.country,
        strip_gps,
        marks: rec.meta.marks,
    }
}

/// The original with its current caption and credits embedded (JPEG: IPTC IIM + XMP, scan data
/// untouched).
pub fn export_bytes(root: &Path, rec: &PhotoRecord) -> Result<Vec<u8>> {
    let path = root.join(photos::relative_path(&rec.id, &rec.format));
    let original = std::fs::read(&path).map_err(|e| CoreError::io(&path, e))?;
    let fields = CaptionFields::from(&photo_meta(rec, false));
    Ok(byline_media::write_caption(&original, &fields)?)
}

/// The newsroom's shortcode file (`codes.tsv` in the library folder), if there is one.
pub fn code_table(root: &Path) -> Result<Option<byline_media::CodeTable>> {
    let path = root.join("codes.tsv");
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| CoreError::io(&path, e))?;
    byline_media::CodeTable::parse(&text)
        .map(Some)
        .map_err(|e| CoreError::Invalid(format!("{}: {e}", path.display())))
}

/// A file the `byline://` scheme serves to the window, with its content type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub path: PathBuf,
    pub content_type: &'static str,
}

/// Formats of originals a webview shows as they are, with their content type (HEIC, TIFF and
/// AVIF have no `original/` URL: the compare view keeps their preview).
const SHOWABLE_ORIGINALS: [(&str, &str); 3] = [
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("webp", "image/webp"),
];

/// What the `byline://` scheme serves: `thumb/<id>` and `preview/<id>` (the renditions made at
/// import) and `original/<id>` (the imported file itself, for compare at 100 %, where the
/// 1600 px preview would be upscaled). Only photo ids (64 lowercase hex digits) resolve, and
/// only into `thumbs/`, `previews/` and `photos/`; an original must exist on disk.
pub fn rendition_for_url(root: &Path, url_path: &str) -> Option<Served> {
    let (kind, id) = url_path.trim_start_matches('/').split_once('/')?;
    if id.len() != 64
        || !id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return None;
    }
    let edge = match kind {
        "thumb" => THUMBNAIL_EDGE,
        "preview" => PREVIEW_EDGE,
        // The id is the content's hash, so the format is whichever file exists.
        "original" => {
            return SHOWABLE_ORIGINALS
                .iter()
                .find_map(|(format, content_type)| {
                    let path = root.join(photos::relative_path(id, format));
                    path.is_file().then_some(Served { path, content_type })
                });
        }
        _ => return None,
    };
    Some(Served {
        path: root.join(rendition_path(id, edge)),
        content_type: "image/jpeg",
    })
}
