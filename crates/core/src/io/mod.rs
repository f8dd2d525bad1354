//! Import and export of stories: Markdown with front matter (the filing format), plain text and
//! JSON in; Markdown, JSON and standalone HTML out. Reading input files is guarded here once:
//! size limit, UTF-8, emptiness — each with an error that names the file and what to do.

pub mod html;
pub mod markdown;
pub mod ninjs;
pub mod plain;

use std::path::Path;

use crate::error::{CoreError, Result};

/// Article files larger than this are refused before reading: no real story is this long, and
/// a mistaken drop of a video or archive must not stall the app.
pub const MAX_ARTICLE_FILE: u64 = 10 * 1024 * 1024;

/// What an input file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Markdown,
    Json,
    Plain,
}

/// Reads a story file as text, refusing oversized, empty and non-UTF-8 files.
pub fn read_text(path: &Path) -> Result<String> {
    let meta = std::fs::metadata(path).map_err(|e| CoreError::io(path, e))?;
    if meta.is_dir() {
        return Err(CoreError::bad_file(
            path,
            "is a folder; give the path of a .md, .txt or .json file",
        ));
    }
    if meta.len() > MAX_ARTICLE_FILE {
        return Err(CoreError::TooLarge(format!(
            "{}: file is {:.1} MB; stories are limited to {} MB — is this the right file?",
            path.display(),
            meta.len() as f64 / 1_048_576.0,
            MAX_ARTICLE_FILE / 1_048_576
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| CoreError::io(path, e))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(CoreError::bad_file(
            path,
            "file is empty; nothing to import",
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        CoreError::bad_file(
            path,
            format!(
                "not UTF-8 text (invalid byte at offset {at}, line {line}); \
                 save the file as UTF-8 and import it again"
            ),
        )
    })
}

/// Decides the format from the extension, then the content.
pub fn detect(path: &Path, text: &str) -> InputFormat {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("json") => InputFormat::Json,
        Some("md" | "markdown") => InputFormat::Markdown,
        Some("txt" | "text") => InputFormat::Plain,
        _ => {
            let t = text.trim_start_matches('\u{feff}').trim_start();
            if t.starts_with('{') {
                InputFormat::Json
            } else if t.starts_with("---") || t.starts_with("# ") {
                InputFormat::Markdown
            } else {
                InputFormat::Plain
            }
        }
    }
}
