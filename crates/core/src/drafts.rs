//! Drafts: saving articles as immutable revisions, reading them back, history, restore, trash.
//!
//! Every save writes a complete new revision row inside one transaction together with the
//! `articles` index row and a `fts_pending` mark for the search index (folded and indexed later
//! by `search::index_pending`; search reads pending articles directly), so a crash leaves either
//! the old or the new revision current, never a mix, and search never misses a save. Saves whose content equals the current revision are no-ops,
//! which keeps autosave-on-every-pause cheap and the history free of duplicates.

use byline_protocol::{Article, Status};
use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{CoreError, Result};
use crate::search;
use crate::store::disk;

/// What a save did.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SaveOutcome {
    /// The revision now current.
    pub revision: u64,
    /// False when the content equalled the current revision and nothing was written.
    pub changed: bool,
}

/// One entry of an article's history.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevisionInfo {
    pub revision: u64,
    pub parent: Option<u64>,
    pub author: String,
    pub saved_at: String,
    pub content_hash: String,
}

/// A row of the story list.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleSummary {
    pub id: String,
    pub title: String,
    pub status: Status,
    pub section: String,
    pub revision: u64,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<String>,
    /// Who the desk gave the story to (empty in search hits).
    #[serde(default)]
    pub assigned: Vec<byline_protocol::Person>,
}

/// Which articles [`list`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Live articles (not in the trash).
    #[default]
    Live,
    /// Only the trash.
    Trash,
}

/// SHA-256 over the canonical JSON of the article's content (not id, times or revision).
pub fn content_hash(article: &Article) -> String {
    hex::encode(Sha256::digest(content_json(article).as_bytes()))
}

fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}

/// Stores a new article as revision 1. Strings are normalised to NFC; an empty slug is derived
/// from the title.
pub fn create(conn: &mut Connection, article: &mut Article, author: &str) -> Result<u64> {
    let before = (article.revision, article.updated_at);
    let out = (|| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let rev = create_in(&tx, article, author)?;
        tx.commit()?;
        Ok(rev)
    })();
    settle(conn, article, before, out)
}

/// After a write: on failure, gives the caller back its copy as it was (so that "save again"
/// after freeing space is not refused as a conflict with the save that never happened), and
/// words a full disk as such.
pub(crate) fn settle<T>(
    conn: &Connection,
    article: &mut Article,
    (revision, updated_at): (u64, DateTime<FixedOffset>),
    out: Result<T>,
) -> Result<T> {
    out.map_err(|e| {
        article.revision = revision;
        article.updated_at = updated_at;
        disk::explain(conn, e)
    })
}

/// [`create`] inside the caller's transaction.
pub fn create_in(tx: &Connection, article: &mut Article, author: &str) -> Result<u64> {
    let prepared = prepare(article)?;
    let exists: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM articles WHERE id = ?1)",
        [&article.id],
        |r| r.get(0),
    )?;
    if exists {
        return Err(CoreError::Invalid(format!(
            "article {} already exists",
            article.id
        )));
    }
    article.revision = 1;
    article.updated_at = now();
    tx.execute(
        "INSERT INTO articles(id, current_revision, title, status, section, created_at, updated_at,
             assigned)
         VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            article.id,
            article.title,
            article.status.as_str(),
            article.section,
            article.created_at.to_rfc3339(),
            article.updated_at.to_rfc3339(),
            assigned_json(article)
        ],
    )?;
    insert_revision(tx, article, None, author, &prepared)?;
    search::mark_pending(tx, &article.id)?;
    Ok(1)
}

/// Saves `article` as a new revision on top of `article.revision`.
///
/// Refuses (code `conflict`) when `article.revision` is not the current revision: the caller
/// edited a stale copy, and silently replacing a newer save would lose it.
pub fn save(conn: &mut Connection, article: &mut Article, author: &str) -> Result<SaveOutcome> {
    save_with(conn, article, author, true)
}

/// [`save`], choosing whether a story the server tracks gets a push queued in the same
/// transaction. Content adopted *from* the server is saved without one.
pub fn save_with(
    conn: &mut Connection,
    article: &mut Article,
    author: &str,
    enqueue: bool,
) -> Result<SaveOutcome> {
    let before = (article.revision, article.updated_at);
    let out = (|| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = save_in(&tx, article, author, enqueue)?;
        tx.commit()?;
        Ok(out)
    })();
    settle(conn, article, before, out)
}

/// [`save_with`] inside the caller's transaction (e.g. with the photo captions it changes).
pub fn save_in(
    tx: &Connection,
    article: &mut Article,
    author: &str,
    enqueue: bool,
) -> Result<SaveOutcome> {
    let prepared = prepare(article)?;
    let (current, deleted): (u64, Option<String>) = tx
        .query_row(
            "SELECT current_revision, deleted_at FROM articles WHERE id = ?1",
            [&article.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| CoreError::article_not_found(&article.id))?;
    if deleted.is_some() {
        return Err(CoreError::Invalid(format!(
            "article {} is in the trash; restore it from the trash before editing",
            article.id
        )));
    }
    if article.revision != current {
        return Err(CoreError::Stale {
            id: article.id.clone(),
            base: article.revision,
            current,
        });
    }
    let current_hash: String = tx
        .prepare_cached(
            "SELECT content_hash FROM revisions WHERE article_id = ?1 AND revision = ?2",
        )?
        .query_row(params![article.id, current], |r| r.get(0))?;
    if prepared.hash == current_hash {
        return Ok(SaveOutcome {
            revision: current,
            changed: false,
        });
    }
    let next = current + 1;
    article.revision = next;
    article.updated_at = now();
    insert_revision(tx, article, Some(current), author, &prepared)?;
    tx.prepare_cached(
        "UPDATE articles SET current_revision = ?2, title = ?3, status = ?4, section = ?5,
         updated_at = ?6, assigned = ?7 WHERE id = ?1",
    )?
    .execute(params![
        article.id,
        next,
        article.title,
        article.status.as_str(),
        article.section,
        article.updated_at.to_rfc3339(),
        assigned_json(article)
    ])?;
    search::mark_pending(tx, &article.id)?;
    if enqueue {
        crate::outbox::enqueue_if_tracked(tx, article)?;
    }
    Ok(SaveOutcome {
        revision: next,
        changed: true,
    })
}

/// An article made ready to store: its content's canonical JSON (serialised once per save) and
/// the SHA-256 of that JSON.
struct Prepared {
    content: String,
    hash: String,
}

/// Normalises `article` (NFC, a slug from the title when empty) and serialises its content.
fn prepare(article: &mut Article) -> Result<Prepared> {
    if article.id.trim().is_empty() {
        return Err(CoreError::Invalid("article id is empty".into()));
    }
    // Every way a story is stored (import, the editor, a pull) passes here: one gate for links.
    article
        .check_links()
        .map_err(|e| CoreError::Invalid(e.to_string()))?;
    // The content's JSON carries every string `normalize` touches, raw (serde_json escapes
    // only ASCII). When each char is one that is NFC whatever surrounds it, the article is
    // already NFC and the JSON is exactly what the hash needs: Unicode's quick check over a
    // 5,000-word story was a third of an autosave.
    let mut content = content_json(article);
    let mut stale = false;
    if !certainly_nfc(&content) {
        article.normalize();
        stale = true;
    }
    if article.slug.trim().is_empty() {
        article.slug = byline_text::slug(&article.title);
        stale = true;
    }
    if stale {
        content = content_json(article);
    }
    let hash = hex::encode(Sha256::digest(content.as_bytes()));
    Ok(Prepared { content, hash })
}

fn content_json(article: &Article) -> String {
    serde_json::to_string(&article.content()).expect("article content serialises")
}

/// True when every char of `s` is NFC in any context: it has no decomposition that NFC keeps,
/// combines with nothing and is not a combining mark (canonical class 0, NFC_Quick_Check=Yes).
/// That holds below U+0300 (ASCII, Latin-1, Latin Extended-A/B: đ, ơ, ư), in Latin Extended
/// Additional (U+1E00–U+1EFF: the precomposed Vietnamese vowels with tone marks) and for the
/// dashes, quotes and ellipsis (U+2010–U+2027). Anything else takes the full check.
///
/// It judges each byte on its own instead of walking from char to char (a walk is a chain of
/// dependent loads, or a mispredicted branch each time ASCII and two-byte chars alternate, as
/// they do in Vietnamese; it was a fifth of an autosave), so the compiler vectorises it. In
/// valid UTF-8 only lead bytes can refuse: U+0080–U+02FF are led by 0xC2–0xCB, U+1E00–U+1EFF
/// by 0xE1 then 0xB8–0xBB, U+2010–U+2027 by 0xE2 0x80 then 0x90–0xA7; continuation bytes
/// (0x80–0xBF) pass.
fn certainly_nfc(s: &str) -> bool {
    let b = s.as_bytes();
    let n = b.len();
    let bulk = n.saturating_sub(2);
    let (x, y, z): (&[u8], &[u8], &[u8]) = match n {
        0..=2 => (&[], &[], &[]),
        _ => (&b[..bulk], &b[1..bulk + 1], &b[2..]),
    };
    let bad = x
        .iter()
        .zip(y)
        .zip(z)
        .fold(false, |acc, ((&x, &y), &z)| acc | refuses(x, y, z));
    // The last one or two positions, with nothing after them.
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    !(bad || (bulk..n).any(|k| refuses(b[k], at(k + 1), at(k + 2))))
}

/// Whether the byte `x`, followed by `y` and `z`, leads a char outside [`certainly_nfc`]'s set.
#[inline(always)]
fn refuses(x: u8, y: u8, z: u8) -> bool {
    let other_lead = (x >= 0xCC) & (x != 0xE1) & (x != 0xE2);
    let e1 = (x == 0xE1) & (y & 0xFC != 0xB8);
    let e2 = (x == 0xE2) & ((y != 0x80) | (z.wrapping_sub(0x90) >= 0x18));
    other_lead | e1 | e2
}

/// The fields a revision row holds besides the content (what `Article` has and
/// `ArticleContent` has not).
#[derive(Serialize)]
struct RevisionMeta<'a> {
    id: &'a str,
    created_at: DateTime<FixedOffset>,
    updated_at: DateTime<FixedOffset>,
    revision: u64,
}

/// The stored JSON of a revision: the meta fields spliced in front of the content's JSON
/// (both are JSON objects with disjoint keys), so the story is not serialised a second time.
/// It decodes to the same `Article` as serialising the whole article would.
fn revision_json(article: &Article, content: &str) -> String {
    let meta = serde_json::to_string(&RevisionMeta {
        id: &article.id,
        created_at: article.created_at,
        updated_at: article.updated_at,
        revision: article.revision,
    })
    .expect("revision meta serialises");
    let (Some(meta), Some(rest)) = (meta.strip_suffix('}'), content.strip_prefix('{')) else {
        unreachable!("both serialise as JSON objects");
    };
    let mut json = String::with_capacity(meta.len() + 1 + rest.len());
    json.push_str(meta);
    if rest != "}" {
        json.push(',');
    }
    json.push_str(rest);
    json
}

fn insert_revision(
    conn: &Connection,
    article: &Article,
    parent: Option<u64>,
    author: &str,
    prepared: &Prepared,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO revisions(article_id, revision, parent, author, saved_at, content_hash, content)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        article.id,
        article.revision,
        parent,
        author,
        article.updated_at.to_rfc3339(),
        prepared.hash,
        revision_json(article, &prepared.content)
    ])?;
    Ok(())
}

/// The current revision of an article (also when it is in the trash).
pub fn get(conn: &Connection, id: &str) -> Result<Article> {
    let row: Option<(u64, String)> = conn
        .prepare_cached(
            "SELECT r.revision, r.content FROM articles a
             JOIN revisions r ON r.article_id = a.id AND r.revision = a.current_revision
             WHERE a.id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (rev, json) = row.ok_or_else(|| CoreError::article_not_found(id))?;
    decode(id, rev, &json)
}

/// A specific revision of an article.
pub fn get_revision(conn: &Connection, id: &str, revision: u64) -> Result<Article> {
    let json: Option<String> = conn
        .query_row(
            "SELECT content FROM revisions WHERE article_id = ?1 AND revision = ?2",
            params![id, revision],
            |r| r.get(0),
        )
        .optional()?;
    match json {
        Some(json) => decode(id, revision, &json),
        None => {
            get(conn, id)?; // distinguishes "no such article" from "no such revision"
            Err(CoreError::NotFound {
                what: "revision",
                id: format!("{revision} of article {id}"),
                hint: " (run `byline article revisions ID` to list them)",
            })
        }
    }
}

pub(crate) fn decode(id: &str, revision: u64, json: &str) -> Result<Article> {
    let mut a: Article = serde_json::from_str(json).map_err(|e| {
        CoreError::Corrupt(format!(
            "revision {revision} of article {id} does not parse: {e}"
        ))
    })?;
    a.revision = revision;
    Ok(a)
}

/// The history of an article, oldest first.
pub fn revisions(conn: &Connection, id: &str) -> Result<Vec<RevisionInfo>> {
    get(conn, id)?;
    let mut stmt = conn.prepare(
        "SELECT revision, parent, author, saved_at, content_hash FROM revisions
         WHERE article_id = ?1 ORDER BY revision",
    )?;
    let rows = stmt
        .query_map([id], |r| {
            Ok(RevisionInfo {
                revision: r.get(0)?,
                parent: r.get(1)?,
                author: r.get(2)?,
                saved_at: r.get(3)?,
                content_hash: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Makes the content of `revision` current again, as a new revision (history is never rewritten).
pub fn restore(
    conn: &mut Connection,
    id: &str,
    revision: u64,
    author: &str,
) -> Result<SaveOutcome> {
    let old = get_revision(conn, id, revision)?;
    let mut current = get(conn, id)?;
    let base = current.revision;
    current.section = old.section;
    current.title = old.title;
    current.slug = old.slug;
    current.lead = old.lead;
    current.blocks = old.blocks;
    current.byline = old.byline;
    current.tags = old.tags;
    current.related = old.related;
    current.status = old.status;
    current.published_at = old.published_at;
    current.revision = base;
    save(conn, &mut current, author)
}

fn assigned_json(article: &Article) -> String {
    serde_json::to_string(&article.assigned).unwrap_or_else(|_| "[]".into())
}

/// Lists articles, most recently updated first.
pub fn list(conn: &Connection, scope: Scope) -> Result<Vec<ArticleSummary>> {
    let filter = match scope {
        Scope::Live => "deleted_at IS NULL",
        Scope::Trash => "deleted_at IS NOT NULL",
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT id, title, status, section, current_revision, created_at, updated_at, deleted_at,
                assigned
         FROM articles WHERE {filter} ORDER BY updated_at DESC, id DESC"
    ))?;
    let rows = stmt
        .query_map([], |r| {
            let mut s = summary_from_row(r)?;
            s.assigned = serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or_default();
            Ok(s)
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub(crate) fn summary_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ArticleSummary> {
    let status: String = r.get(2)?;
    Ok(ArticleSummary {
        id: r.get(0)?,
        title: r.get(1)?,
        status: Status::parse(&status).unwrap_or_default(),
        section: r.get(3)?,
        revision: r.get(4)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
        deleted_at: r.get(7)?,
        assigned: Vec::new(),
    })
}

/// Moves an article to the trash: hidden from lists and search, every revision kept.
pub fn trash(conn: &mut Connection, id: &str) -> Result<()> {
    trash_in(conn, id).map_err(|e| disk::explain(conn, e))
}

fn trash_in(conn: &mut Connection, id: &str) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let n = tx.execute(
        "UPDATE articles SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL",
        params![id, now().to_rfc3339()],
    )?;
    if n == 0 {
        return Err(CoreError::article_not_found(id));
    }
    search::mark_pending(&tx, id)?;
    tx.commit()?;
    Ok(())
}

/// Takes an article back out of the trash.
pub fn untrash(conn: &mut Connection, id: &str) -> Result<()> {
    untrash_in(conn, id).map_err(|e| disk::explain(conn, e))
}

fn untrash_in(conn: &mut Connection, id: &str) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let n = tx.execute(
        "UPDATE articles SET deleted_at = NULL WHERE id = ?1 AND deleted_at IS NOT NULL",
        [id],
    )?;
    if n == 0 {
        return Err(CoreError::NotFound {
            what: "article in the trash",
            id: id.to_owned(),
            hint: " (run `byline article list --trash`)",
        });
    }
    search::mark_pending(&tx, id)?;
    tx.commit()?;
    Ok(())
}

/// Permanently deletes everything in the trash, revisions included. Returns how many articles.
pub fn empty_trash(conn: &mut Connection) -> Result<usize> {
    empty_trash_in(conn).map_err(|e| disk::explain(conn, e))
}

fn empty_trash_in(conn: &mut Connection) -> Result<usize> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Trashing already marked them; marking again costs nothing and keeps the index from
    // holding text of deleted articles whatever path put them in the trash.
    tx.execute(
        "INSERT OR IGNORE INTO fts_pending(article_rowid)
         SELECT rowid FROM articles WHERE deleted_at IS NOT NULL",
        [],
    )?;
    let n = tx.execute("DELETE FROM articles WHERE deleted_at IS NOT NULL", [])?;
    tx.commit()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_text_in_nfc_takes_the_fast_path_and_decomposed_text_does_not() {
        assert!(
            certainly_nfc("Tổng Liên đoàn Lao động – “Nghị quyết” số 20… Ơn, Ưu"),
            "precomposed Vietnamese, dashes and quotes need no Unicode check"
        );
        assert!(
            !certainly_nfc("Lie\u{302}n"),
            "a combining circumflex must go through normalisation"
        );
        assert!(
            !certainly_nfc("\u{212B}"),
            "ANGSTROM SIGN decomposes to Å under NFC and must go through normalisation"
        );
        assert!(
            certainly_nfc("\u{2FF}\u{1E00}\u{1EFF}\u{2010}\u{2027}"),
            "the first and last char of each fast range pass"
        );
        for tail in ["", "a", "ab", "é", "xé", "xyé"] {
            assert!(certainly_nfc(tail), "{tail:?}: the scan's tail takes it");
        }
        for (c, why) in [
            ("\u{300}", "U+0300 is the first combining mark"),
            (
                "\u{1DFF}",
                "U+1DFF, just below Latin Extended Additional, is a combining mark",
            ),
            ("\u{1F71}", "U+1F71 (Greek Extended) decomposes under NFC"),
            ("\u{2000}", "U+2000 EN QUAD decomposes to U+2002 under NFC"),
            ("\u{2028}", "U+2028 is past the quotes and dashes range"),
            ("\u{E9}\u{301}", "a combining acute after a precomposed é"),
        ] {
            assert!(!certainly_nfc(c), "{why}: it must take the full check");
        }
    }

    #[test]
    fn a_revision_row_decodes_to_the_article_it_was_spliced_from() {
        let mut a = Article::new("Tổng Liên đoàn \"trích dẫn\" \\ xong");
        a.id = "id \"with\" quotes \\".into();
        a.revision = 7;
        a.lead = "Sa pô".into();
        a.blocks
            .push(byline_protocol::Block::paragraph("Đoạn một."));
        for assigned in [
            vec![],
            vec![byline_protocol::Person {
                name: "Lan".into(),
                role: "reporter".into(),
            }],
        ] {
            a.assigned = assigned;
            let prepared = prepare(&mut a).unwrap();
            let json = revision_json(&a, &prepared.content);
            let back: Article = serde_json::from_str(&json).unwrap_or_else(|e| {
                panic!("the spliced row must be one JSON object ({e}): {json}")
            });
            assert_eq!(
                back, a,
                "the row carries every field of the article, meta and content alike"
            );
        }
    }

    #[test]
    fn a_decomposed_save_is_stored_composed_with_the_hash_of_the_composed_text() {
        let mut a = Article::new("Lie\u{302}n đoàn");
        a.id = "nfd-test".into();
        let prepared = prepare(&mut a).unwrap();
        assert_eq!(a.title, "Liên đoàn", "the title was composed");
        assert_eq!(
            prepared.hash,
            content_hash(&a),
            "the hash is of the stored (composed) content"
        );
    }
}
