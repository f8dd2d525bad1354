//! Stories in and out of the library as files: Markdown with front matter, plain text and JSON
//! in (images referenced by relative paths come along into the photo library), Markdown, JSON
//! and HTML out.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use byline_protocol::{Article, Block, BlockKind};

use crate::error::{CoreError, Result};
use crate::{
    ExportFormat, ImportReport, Library, base64_encode, io, is_safe_relative, photos, stories,
    write_atomic,
};

/// Imports a story file (Markdown with front matter, plain text or JSON). Images referenced by
/// relative paths are copied into the photo library and become figures. The text is kept as
/// filed (NFC aside); nothing is stored when the file is refused.
pub fn import_file(lib: &Library, path: &Path) -> Result<ImportReport> {
    let text = io::read_text(path)?;
    let origin = path.display().to_string();
    let base = path.parent().unwrap_or(Path::new("."));
    let format = io::detect(path, &text);
    import_text(lib, &text, format, base, &origin)
}

/// [`Library::import_article`] for text already in memory; `base` resolves image paths.
pub fn import_text(
    lib: &Library,
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
                match resolve_figure(lib, base, &fig.src) {
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
    // Checked here too so the refusal names the file, not only the entry.
    article
        .check_links()
        .map_err(|e| CoreError::Invalid(format!("{origin}: {e}")))?;
    let stored = stories::create(lib, article)?;
    Ok(ImportReport {
        article: stored,
        warnings,
    })
}

fn resolve_figure(lib: &Library, base: &Path, src: &str) -> std::result::Result<String, String> {
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
        if stem.len() == 64 && lib.photo(stem).is_ok() {
            return Ok(stem.to_owned());
        }
        return Err(format!(
            "image `{src}` not found at {}; the figure is kept without a photo",
            path.display()
        ));
    }
    let never = AtomicBool::new(false);
    let report = crate::photo_import::import(lib, &[path], &never, &|_| {})
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
pub fn export(lib: &Library, id: &str, format: ExportFormat, out: Option<&Path>) -> Result<String> {
    let a = lib.article(id)?;
    let text = match format {
        ExportFormat::Json => {
            let mut s = serde_json::to_string_pretty(&a).expect("article serialises");
            s.push('\n');
            s
        }
        ExportFormat::Markdown => {
            let md = io::markdown::export(&a, &|b| figure_src(lib, b));
            if let Some(out) = out {
                write_figure_files(lib, &a, out.parent().unwrap_or(Path::new(".")))?;
            }
            md
        }
        ExportFormat::Html => io::html::render(&a, &|b| figure_data_uri(lib, b), &|id| {
            crate::credit::library_credit_of(lib, id)
        }),
        ExportFormat::Ninjs => {
            let resolved = crate::credit::resolved(lib, &a);
            let item = io::ninjs::render(&resolved, &|b| ninjs_picture(lib, b));
            let mut s = serde_json::to_string_pretty(&item).expect("ninjs serialises");
            s.push('\n');
            s
        }
    };
    if let Some(out) = out {
        write_atomic(out, text.as_bytes())?;
    }
    Ok(text)
}

/// The relative path a figure's image gets in a Markdown export: its original path when it
/// was filed with one, else `photos/<id>.<ext>`.
fn figure_src(lib: &Library, b: &Block) -> String {
    let BlockKind::Figure { photo_id, src, .. } = &b.kind else {
        return String::new();
    };
    if let Some(s) = src.as_deref().filter(|s| is_safe_relative(s)) {
        return s.to_owned();
    }
    match photo_id.as_deref().and_then(|id| lib.photo(id).ok()) {
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

fn write_figure_files(lib: &Library, a: &Article, dir: &Path) -> Result<()> {
    for b in &a.blocks {
        let BlockKind::Figure {
            photo_id: Some(id), ..
        } = &b.kind
        else {
            continue;
        };
        let Ok(p) = lib.photo(id) else {
            continue;
        };
        let dest = dir.join(figure_src(lib, b));
        if dest.exists() && photos::hash_file(&dest).ok().as_deref() == Some(id.as_str()) {
            continue;
        }
        if dest.exists() {
            return Err(CoreError::Invalid(format!(
                "{} exists and is a different picture; export to another folder",
                dest.display()
            )));
        }
        let src = stories::photo_file(lib, &p);
        let bytes = std::fs::read(&src).map_err(|e| CoreError::io(&src, e))?;
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| CoreError::io(parent, e))?;
        }
        write_atomic(&dest, &bytes)?;
    }
    Ok(())
}

fn figure_data_uri(lib: &Library, b: &Block) -> Option<String> {
    let BlockKind::Figure {
        photo_id: Some(id), ..
    } = &b.kind
    else {
        return None;
    };
    let p = lib.photo(id).ok()?;
    let bytes = std::fs::read(stories::photo_file(lib, &p)).ok()?;
    Some(format!(
        "data:image/{};base64,{}",
        p.format,
        base64_encode(&bytes)
    ))
}

/// A figure's photo for ninjs: the original and the 1600 px preview, as `file://` URIs of the
/// library's copies (a receiver fetches or is sent them alongside).
fn ninjs_picture(lib: &Library, b: &Block) -> Option<io::ninjs::Picture> {
    let BlockKind::Figure {
        photo_id: Some(id),
        credit,
        ..
    } = &b.kind
    else {
        return None;
    };
    let p = lib.photo(id).ok()?;
    let original = stories::photo_file(lib, &p);
    let mut renditions = vec![io::ninjs::Rendition {
        name: "original",
        href: file_uri(&original),
        contenttype: format!("image/{}", p.format),
        width: p.meta.width,
        height: p.meta.height,
        size: Some(p.size),
    }];
    // An ingest may have left the preview for later; without one the picture has the original.
    let preview = crate::previews::ensure(lib, id).ok();
    if let Some((preview, m)) = preview.and_then(|p| std::fs::metadata(&p).ok().map(|m| (p, m))) {
        let edge = u64::from(crate::photodesk::PREVIEW_EDGE);
        let (w, h) = (p.meta.width.max(1), p.meta.height.max(1));
        let scale = |a: u64, b: u64| {
            if a >= b {
                edge.min(a)
            } else {
                (edge.min(b) * a + b / 2) / b
            }
        };
        renditions.push(io::ninjs::Rendition {
            name: "preview",
            href: file_uri(&preview),
            contenttype: "image/jpeg".into(),
            width: scale(w, h),
            height: scale(h, w),
            size: Some(m.len()),
        });
    }
    Some(io::ninjs::Picture {
        photo_id: id.clone(),
        credit: credit.clone(),
        copyright: p.meta.fields.copyright.trim().to_owned(),
        renditions,
    })
}

/// A `file://` URI for an absolute path, percent-encoding everything but unreserved bytes.
pub(crate) fn file_uri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let s = abs.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
