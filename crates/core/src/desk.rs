//! The copy desk inside the library: settings from `desk.toml` in the data directory (shared by
//! the app and the CLI), photo facts from the photo library, fixes saved as revisions.

use std::path::{Path, PathBuf};

use byline_desk::{Desk, Finding, PhotoFacts, PhotoMap, Settings};
use byline_protocol::{Article, BlockKind};
use rusqlite::Connection;
use serde::Serialize;

use crate::error::{CoreError, Result};
use crate::photos;

/// The settings file a newsroom edits; absent means the defaults.
pub const SETTINGS_FILE: &str = "desk.toml";

/// The newsroom word list of a library whose `desk.toml` names none: one entry per line, in the
/// library folder next to `desk.toml`, so the app and the CLI extend the same list.
pub const WORD_LIST_FILE: &str = "newsroom-words.txt";

/// The library's desk settings: `desk.toml` (or the defaults), with the word list defaulting to
/// [`WORD_LIST_FILE`] in the library folder.
pub fn settings(root: &Path) -> Result<Settings> {
    let path = root.join(SETTINGS_FILE);
    let mut settings = if path.exists() {
        Settings::load(&path)?
    } else {
        Settings::default()
    };
    if settings.spelling.word_list.is_none() {
        let default = root.join(WORD_LIST_FILE);
        // Only an existing file: the desk refuses a word list it cannot read.
        if default.exists() {
            settings.spelling.word_list = Some(default);
        }
    }
    Ok(settings)
}

/// Builds the desk for a library folder.
pub fn load(root: &Path) -> Result<Desk> {
    Ok(Desk::new(settings(root)?)?)
}

/// What the cached desk was built from: the modification times of `desk.toml` and of the word
/// list. A change by the other front end (the CLI adding a word while the app runs) shows up as a
/// different stamp, and the desk is rebuilt.
pub type Stamp = Vec<Option<std::time::SystemTime>>;

pub fn stamp(root: &Path) -> Stamp {
    let mtime = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let list = settings(root)
        .ok()
        .and_then(|s| s.spelling.word_list)
        .unwrap_or_else(|| root.join(WORD_LIST_FILE));
    vec![mtime(&root.join(SETTINGS_FILE)), mtime(&list)]
}

/// The file new words go to: the word list `desk.toml` names, else [`WORD_LIST_FILE`].
pub fn word_list_path(root: &Path) -> Result<PathBuf> {
    Ok(settings(root)?
        .spelling
        .word_list
        .unwrap_or_else(|| root.join(WORD_LIST_FILE)))
}

/// A word as the list stores it: NFC, trimmed; refuses what the one-entry-per-line file cannot
/// hold (line breaks, the `#` comment mark) and what is not a word at all.
pub fn normalise_word(word: &str) -> Result<String> {
    let w = byline_text::nfc(word.trim());
    let bad = |why: &str| Err(CoreError::Invalid(format!("word `{w}`: {why}")));
    if w.is_empty() {
        return bad("is empty; give the word or name to accept");
    }
    if w.chars().count() > 100 {
        return bad("is longer than 100 characters; add one word or name at a time");
    }
    if w.contains(['\n', '\r', '#']) {
        return bad("must be one line without `#` (the word list's comment mark)");
    }
    if !w.chars().any(char::is_alphabetic) {
        return bad("has no letters; numbers and punctuation are never flagged");
    }
    Ok(w)
}

/// Every word the newsroom accepts beyond the dictionary: `spelling.words` from `desk.toml` (or
/// the built-in abbreviations) and the word list file, without repeats, in that order.
pub fn words(root: &Path) -> Result<Vec<String>> {
    let s = settings(root)?;
    let mut out: Vec<String> = Vec::new();
    let mut push = |w: String| {
        if !out.contains(&w) {
            out.push(w);
        }
    };
    for w in s.spelling.words {
        push(byline_text::nfc(&w));
    }
    if let Some(path) = s.spelling.word_list {
        for w in list_entries(&path)? {
            push(w);
        }
    }
    Ok(out)
}

fn list_entries(path: &Path) -> Result<Vec<String>> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(byline_desk::parse_word_list(&t)
            .iter()
            .map(|w| byline_text::nfc(w))
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(CoreError::io(path, e)),
    }
}

/// Appends `word` (already normalised) to the library's word list file; false when the list
/// already has it. The file is rewritten atomically so a crash never leaves half a line.
pub fn append_word(root: &Path, word: &str) -> Result<bool> {
    let path = word_list_path(root)?;
    if list_entries(&path)?.iter().any(|w| w == word) {
        return Ok(false);
    }
    let mut text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::from(
            "# Newsroom word list: one word, name or abbreviation per line; `#` starts a comment.\n\
             # Byline adds to it from the copy desk (app) and `byline words add` (CLI).\n",
        ),
        Err(e) => return Err(CoreError::io(&path, e)),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(word);
    text.push('\n');
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| CoreError::io(dir, e))?;
    }
    crate::write_atomic(&path, text.as_bytes())?;
    Ok(true)
}

/// What the checklist needs to know about each photo in a story.
pub fn photo_facts(conn: &Connection, article: &Article) -> PhotoMap {
    let mut map = PhotoMap::new();
    for b in &article.blocks {
        let BlockKind::Figure {
            photo_id: Some(id), ..
        } = &b.kind
        else {
            continue;
        };
        let Ok(p) = photos::get(conn, id) else {
            continue;
        };
        let some = |v: &str| Some(v.to_owned()).filter(|s| !s.is_empty());
        let f = &p.meta.fields;
        let facts = PhotoFacts {
            taken_at: p
                .meta
                .taken_at
                .as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()),
            has_gps: p.meta.gps.is_some(),
            creator: some(&f.creator),
            credit: some(&f.credit),
            caption: some(&f.caption),
        };
        map.insert(id.clone(), facts);
    }
    map
}

/// The outcome of `byline fix`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct FixReport {
    pub id: String,
    /// The revision now current (unchanged when nothing needed fixing).
    pub revision: u64,
    pub changed: bool,
    /// The findings that were repaired.
    pub applied: Vec<Finding>,
    /// What is left for a human.
    pub remaining: Vec<Finding>,
}

/// Adds a word, name or abbreviation to the newsroom word list (the file `desk.toml` names,
/// else `newsroom-words.txt` in the library folder, shared by the app and the CLI), so the
/// copy desk stops flagging it from the next check on. Returns the word as stored (NFC) and
/// whether it was new.
pub fn add_word(lib: &crate::Library, word: &str) -> Result<(String, bool)> {
    let word = normalise_word(word)?;
    let added = append_word(lib.root(), &word)?;
    // Teach the loaded desk the word instead of reloading the whole dictionary; the next
    // check reloads only if the files changed again after this.
    lib.teach_desk(&word)?;
    Ok((word, added))
}

/// All findings for a story's current revision.
pub fn check(lib: &crate::Library, id: &str) -> Result<Vec<Finding>> {
    let a = lib.article(id)?;
    let facts = lib.db().read(|c| Ok(photo_facts(c, &a)))?;
    lib.with_desk(|d| d.check_all(&a, &facts))
}

/// Applies the safe fixes as a new revision; returns what was fixed and what is left.
pub fn fix(lib: &crate::Library, id: &str) -> Result<FixReport> {
    let a = lib.article(id)?;
    let fixed = lib.with_desk(|d| d.fix(&a))?;
    let mut article = fixed.article;
    let revision = if fixed.changed {
        lib.save_article(&mut article)?.revision
    } else {
        a.revision
    };
    let facts = lib.db().read(|c| Ok(photo_facts(c, &article)))?;
    let remaining = lib.with_desk(|d| d.check_all(&article, &facts))?;
    Ok(FixReport {
        id: article.id,
        revision,
        changed: fixed.changed,
        applied: fixed.applied,
        remaining,
    })
}
