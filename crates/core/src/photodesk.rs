//! The photo desk inside the library: importing cards and folders (copy, decode once, 320 px
//! thumbnail and 1600 px preview on all cores), the metadata a photographer edits, caption
//! history, and export with the caption written into the file.
//!
//! A photo's caption is one caption: editing it updates every story figure that shows the photo,
//! and editing a figure's caption in a story updates the photo (see `Library::save_article`).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use byline_media::{BatchJob, BatchOptions, BatchProgress, CaptionFields, DecodePath, Metadata};
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
    /// `copying` or `rendering`.
    pub stage: &'static str,
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

/// Extensions of photo files: a file with one of these always imports or fails, even when its
/// content is damaged beyond recognition.
const PHOTO_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "jpe", "png", "webp", "tif", "tiff", "heic", "heif", "avif",
];

fn looks_like_photo_name(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| PHOTO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Files under `paths` as (path, named explicitly), folders walked recursively, hidden entries
/// (`.DS_Store`, `.Trashes`) skipped, sorted so imports are reproducible.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| CoreError::io(p, e))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found)?;
            out.extend(found.into_iter().map(|f| (f, false)));
        } else {
            out.push((p.clone(), true));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| CoreError::io(dir, e))?
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&path, out)?,
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
    Ok(())
}

/// Imports files and folders: a bad file fails alone, known files are duplicates, the rest are
/// copied, decoded once into a thumbnail and a preview, and recorded with their metadata.
pub fn import(
    conn: &Connection,
    root: &Path,
    author: &str,
    paths: &[PathBuf],
    cancel: &AtomicBool,
    progress: &(dyn Fn(&Progress) + Sync),
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    let mut files = Vec::new();
    for (path, explicit) in expand(paths)? {
        if !explicit && !looks_like_photo_name(&path) && !photos::is_image_file(&path) {
            report.skipped.push(path);
        } else {
            files.push(path);
        }
    }
    let total = files.len();
    // Stage 1, sequential (one card, one reader): copy in by content.
    let mut fresh: Vec<(PathBuf, photos::Copied)> = Vec::new();
    for (i, src) in files.iter().enumerate() {
        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
            report.failed.push(Failed {
                path: src.clone(),
                error: "import cancelled".into(),
            });
            continue;
        }
        match photos::copy_file(conn, root, src) {
            Ok(c) if c.duplicate => report.duplicates.push(IdPath {
                id: c.id,
                path: src.clone(),
            }),
            Ok(c) if fresh.iter().any(|(_, f)| f.id == c.id) => report.duplicates.push(IdPath {
                id: c.id,
                path: src.clone(),
            }),
            Ok(c) => fresh.push((src.clone(), c)),
            Err(e) => report.failed.push(Failed {
                path: src.clone(),
                error: e.to_string(),
            }),
        }
        progress(&Progress {
            done: i + 1,
            total,
            current: src.clone(),
            stage: "copying",
        });
    }
    // Stage 2, on all cores: decode once, write both renditions.
    let jobs: Vec<BatchJob> = fresh
        .iter()
        .map(|(_, c)| BatchJob {
            source: root.join(photos::relative_path(&c.id, c.format)),
            outputs: [THUMBNAIL_EDGE, PREVIEW_EDGE]
                .iter()
                .map(|&e| (e, root.join(rendition_path(&c.id, e))))
                .collect(),
        })
        .collect();
    for j in &jobs {
        for (_, p) in &j.outputs {
            let dir = p.parent().expect("rendition has a folder");
            std::fs::create_dir_all(dir).map_err(|e| CoreError::io(dir, e))?;
        }
    }
    let fresh_total = jobs.len();
    let on_progress = |p: &BatchProgress<'_>| {
        let original = fresh
            .iter()
            .find(|(_, c)| p.source.ends_with(photos::relative_path(&c.id, c.format)))
            .map_or_else(|| p.source.to_path_buf(), |(s, _)| s.clone());
        progress(&Progress {
            done: p.done,
            total: fresh_total,
            current: original,
            stage: "rendering",
        });
    };
    let results =
        byline_media::process_batch(&jobs, &BatchOptions::default(), cancel, &on_progress);
    // Stage 3: record what decoded; drop what did not (the card still has it).
    for ((src, copied), result) in fresh.into_iter().zip(results) {
        let lib_path = root.join(photos::relative_path(&copied.id, copied.format));
        // Errors from the decoder name the library copy; the photographer knows the card file.
        let named =
            |e: String| e.replace(&lib_path.display().to_string(), &src.display().to_string());
        let outcome = result.map_err(|e| named(e.to_string())).and_then(|out| {
            if matches!(out.decoded_with, DecodePath::ExifThumbnail) {
                return Err(format!(
                    "{}: the image data is damaged; only the small embedded thumbnail is readable. \
                     Copy the file off the card again, or ask for a new export",
                    src.display()
                ));
            }
            let bytes = std::fs::read(&lib_path).map_err(|e| e.to_string())?;
            let what = src.display().to_string();
            let probe = byline_media::probe(&bytes, &what).map_err(|e| named(e.to_string()))?;
            let metadata =
                byline_media::read_metadata(&bytes, &what).map_err(|e| named(e.to_string()))?;
            Ok((probe, metadata, out.decoded_with))
        });
        match outcome {
            Ok((probe, md, decoded_with)) => {
                let meta = initial_meta(&probe, &md, decoded_with);
                photos::insert(conn, &copied, &src, &meta)?;
                record_revision(conn, &copied.id, author, &editable_from_meta(&meta))?;
                report.imported.push(IdPath {
                    id: copied.id,
                    path: src,
                });
            }
            Err(error) => {
                for (_, p) in &jobs
                    .iter()
                    .find(|j| j.source == lib_path)
                    .expect("job")
                    .outputs
                {
                    let _ = std::fs::remove_file(p);
                }
                let _ = std::fs::remove_file(&lib_path);
                report.failed.push(Failed { path: src, error });
            }
        }
    }
    Ok(report)
}

fn initial_meta(
    p: &byline_media::Probe,
    md: &Metadata,
    decoded_with: DecodePath,
) -> serde_json::Value {
    let camera = match (&md.camera_make, &md.camera_model) {
        (Some(make), Some(model)) if model.starts_with(make.as_str()) => Some(model.clone()),
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (a, b) => a.clone().or_else(|| b.clone()),
    };
    serde_json::json!({
        "width": p.display_width,
        "height": p.display_height,
        "stored_width": p.width,
        "stored_height": p.height,
        "orientation": p.orientation,
        "taken_at": md.captured_at,
        "camera": camera,
        "lens": md.lens,
        "exposure_time": md.exposure_time,
        "f_number": md.f_number,
        "iso": md.iso,
        "focal_length_mm": md.focal_length_mm,
        "gps": md.gps.map(|g| Gps { lat: g.latitude, lon: g.longitude }),
        "caption": md.caption.clone().unwrap_or_default(),
        "headline": md.headline.clone().unwrap_or_default(),
        "creator": md.creators.join(", "),
        "credit": md.credit.clone().unwrap_or_default(),
        "copyright": md.copyright.clone().unwrap_or_default(),
        "city": md.city.clone().unwrap_or_default(),
        "state": md.state.clone().unwrap_or_default(),
        "country": md.country.clone().unwrap_or_default(),
        "keywords": md.keywords,
        "decoded_with": format!("{decoded_with:?}"),
        "metadata_warnings": md.warnings,
    })
}

/// The editable fields as currently stored in a photo's meta.
pub fn editable_from_meta(meta: &serde_json::Value) -> EditableFields {
    serde_json::from_value(meta.clone()).unwrap_or_default()
}

fn record_revision(
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
        let vars = byline_media::TemplateVars {
            creator: Some(f.creator.clone()).filter(|s| !s.is_empty()),
            city: Some(f.city.clone()).filter(|s| !s.is_empty()),
            country: Some(f.country.clone()).filter(|s| !s.is_empty()),
            date: desk_date(record.meta.get("taken_at").and_then(|v| v.as_str())),
            filename: Some(record.original_name.clone()),
            caption: Some(f.caption.clone()).filter(|s| !s.is_empty()),
            credit: Some(f.credit.clone()).filter(|s| !s.is_empty()),
        };
        f.caption = byline_media::expand_template(t, &vars)
            .map_err(|e| CoreError::Invalid(e.to_string()))?;
    }
    if let Some(codes) = codes {
        f.caption = codes.replace(&f.caption);
        f.credit = codes.replace(&f.credit);
    }
    Ok((f != old).then_some(f))
}

/// Stores new fields for a photo (meta + history).
pub fn store_fields(conn: &Connection, id: &str, author: &str, f: &EditableFields) -> Result<u64> {
    let rec = photos::get(conn, id)?;
    let mut meta = rec.meta;
    let v = serde_json::to_value(f).expect("fields serialise");
    if let (Some(m), Some(new)) = (meta.as_object_mut(), v.as_object()) {
        for (k, val) in new {
            m.insert(k.clone(), val.clone());
        }
    }
    conn.execute(
        "UPDATE photos SET meta = ?2 WHERE id = ?1",
        params![id, meta.to_string()],
    )?;
    record_revision(conn, id, author, f)
}

/// The JSON view of a photo.
pub fn view(conn: &Connection, root: &Path, rec: &PhotoRecord) -> Result<PhotoView> {
    let m = &rec.meta;
    let s = |k: &str| {
        m.get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let opt = |k: &str| m.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let n = |k: &str| m.get(k).and_then(|v| v.as_u64()).unwrap_or(0);
    Ok(PhotoView {
        id: rec.id.clone(),
        width: n("width"),
        height: n("height"),
        orientation: n("orientation").max(1),
        format: rec.format.clone(),
        taken_at: opt("taken_at"),
        camera: opt("camera"),
        lens: opt("lens"),
        gps: m
            .get("gps")
            .and_then(|g| serde_json::from_value(g.clone()).ok()),
        caption: s("caption"),
        headline: s("headline"),
        creator: s("creator"),
        credit: s("credit"),
        copyright: s("copyright"),
        city: s("city"),
        state: s("state"),
        country: s("country"),
        keywords: m
            .get("keywords")
            .and_then(|k| serde_json::from_value(k.clone()).ok())
            .unwrap_or_default(),
        thumbnail: root.join(rendition_path(&rec.id, THUMBNAIL_EDGE)),
        preview: root.join(rendition_path(&rec.id, PREVIEW_EDGE)),
        original: root.join(photos::relative_path(&rec.id, &rec.format)),
        original_name: rec.original_name.clone(),
        size: rec.size,
        imported_at: rec.imported_at.clone(),
        revision: current_revision(conn, &rec.id)?,
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
        taken_at: rec
            .meta
            .get("taken_at")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
        keywords: f.keywords,
        headline: f.headline,
        copyright: f.copyright,
        city: f.city,
        state: f.state,
        country: f.country,
        strip_gps,
    }
}

/// The original with its current caption and credits embedded (JPEG: IPTC IIM + XMP, scan data
/// untouched).
pub fn export_bytes(root: &Path, rec: &PhotoRecord) -> Result<Vec<u8>> {
    let path = root.join(photos::relative_path(&rec.id, &rec.format));
    let original = std::fs::read(&path).map_err(|e| CoreError::io(&path, e))?;
    let fields = CaptionFields::from(&photo_meta(rec, false));
    byline_media::write_caption(&original, &fields).map_err(|e| match e.code() {
        byline_protocol::ErrorCode::Unsupported => CoreError::Unsupported(e.to_string()),
        _ => CoreError::Invalid(e.to_string()),
    })
}
