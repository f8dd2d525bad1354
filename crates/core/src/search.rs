//! Diacritic-insensitive full-text search over titles, leads and bodies.
//!
//! The FTS5 index holds *folded* text (see `byline_text::fold`): lowercase, no tone or vowel
//! marks, `đ` → `d`. Queries are folded the same way, so `lien doan`, `LIÊN ĐOÀN` and
//! `Liên đoàn` are one query. Folding keeps char counts, so match positions found in folded
//! text are positions in the original, which is how snippets highlight the real words.

use std::time::{Duration, Instant};

use byline_protocol::Article;
use rusqlite::{Connection, TransactionBehavior, params};
use serde::Serialize;

use crate::drafts::{self, ArticleSummary};
use crate::error::Result;

/// A search result: the article, its rank (lower is better, bm25) and a highlighted snippet.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    #[serde(flatten)]
    pub article: ArticleSummary,
    pub rank: f64,
    pub snippet: Snippet,
}

/// An excerpt of original text with the matched words marked by char ranges within `text`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Snippet {
    /// `title`, `lead` or `body`.
    pub field: String,
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

/// Records that `id`'s searchable text changed (saved, trashed, restored): one row, written in
/// the caller's transaction, so a save never commits without it. [`index_pending`] does the
/// folding and tokenising later; until then [`search`] reads the article directly.
pub(crate) fn mark_pending(conn: &Connection, id: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO fts_pending(article_rowid) SELECT rowid FROM articles WHERE id = ?1",
    )?
    .execute([id])?;
    Ok(())
}

/// Moves up to `budget` pending articles into the full-text index, in one `IMMEDIATE`
/// transaction (a save waits for it, so keep `budget` small: indexing a 5,000-word story takes
/// about a millisecond). Returns how many it took; 0 means nothing is pending. Trashed and
/// deleted articles leave the index. Called by the app's background thread and, time-boxed, on
/// library open ([`catch_up`]).
pub fn index_pending(conn: &mut Connection, budget: usize) -> Result<usize> {
    index_pending_in(conn, budget).map_err(|e| crate::store::disk::explain(conn, e))
}

fn index_pending_in(conn: &mut Connection, budget: usize) -> Result<usize> {
    let any: bool = conn
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM fts_pending)")?
        .query_row([], |r| r.get(0))?;
    if !any || budget == 0 {
        return Ok(0); // no write lock taken: the background thread polls this
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let rows = tx
        .prepare_cached(
            "SELECT p.article_rowid, a.id, r.revision, r.content FROM fts_pending p
             LEFT JOIN articles a ON a.rowid = p.article_rowid AND a.deleted_at IS NULL
             LEFT JOIN revisions r ON r.article_id = a.id AND r.revision = a.current_revision
             ORDER BY p.article_rowid LIMIT ?1",
        )?
        .query_map([budget as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<u64>>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    for (rowid, id, revision, content) in &rows {
        tx.prepare_cached("DELETE FROM article_search WHERE rowid = ?1")?
            .execute([rowid])?;
        if let (Some(id), Some(revision), Some(json)) = (id, revision, content) {
            let article = drafts::decode(id, *revision, json)?;
            tx.prepare_cached(
                "INSERT INTO article_search(rowid, title, lead, body) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                rowid,
                byline_text::fold(&article.title),
                byline_text::fold(&article.lead),
                byline_text::fold(&article.body_text())
            ])?;
        }
        tx.prepare_cached("DELETE FROM fts_pending WHERE article_rowid = ?1")?
            .execute([rowid])?;
    }
    tx.commit()?;
    Ok(rows.len())
}

/// Runs [`index_pending`] in small batches until nothing is pending or `limit` has passed.
/// Returns how many articles it indexed.
pub fn catch_up(conn: &mut Connection, limit: Duration) -> Result<usize> {
    let start = Instant::now();
    let mut total = 0;
    while start.elapsed() < limit {
        let n = index_pending(conn, CATCH_UP_BATCH)?;
        if n == 0 {
            break;
        }
        total += n;
    }
    Ok(total)
}

/// Articles per transaction in [`catch_up`].
const CATCH_UP_BATCH: usize = 32;

/// Builds the FTS5 MATCH expression: every token must appear (AND); the last one may be a
/// prefix so search-as-you-type finds "nghị quy…" before the word is finished.
fn match_expr(tokens: &[String]) -> String {
    let mut parts = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        // Tokens are alphanumeric runs, so they never contain a double quote.
        let star = if i + 1 == tokens.len() { "*" } else { "" };
        parts.push(format!("\"{t}\"{star}"));
    }
    parts.join(" ")
}

/// Searches live articles; best match first. An empty query (no letters or digits) finds nothing.
///
/// Works on a read-only connection. Articles saved since the indexer last ran are matched by
/// reading their current revision (FTS5's rule, on folded words) and come first, ranked among
/// themselves; the index answers for the rest, and its rows for those articles are ignored.
pub fn search(conn: &Connection, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let tokens = byline_text::tokens(query);
    if tokens.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let mut hits = pending_hits(conn, &tokens)?;
    hits.truncate(limit);
    if hits.len() < limit {
        let indexed = indexed_hits(conn, &tokens, limit - hits.len())?;
        hits.extend(indexed);
    }
    Ok(hits)
}

/// How many of the newest matching stories bm25 ranks. FTS5's bm25() costs about a microsecond
/// per matching row (it walks every position of every query word and reads the row's length),
/// so a query whose words are in every one of 10,000 stories spent most of its time ranking
/// stories nobody scrolls to. Up to this many matches the order is exactly bm25's; past it,
/// the best of the newest this many, which for a query that broad is what an editor wants.
pub const RANK_WINDOW: usize = 1000;

/// The index's best `limit` hits, minus articles whose indexed text may be stale.
fn indexed_hits(conn: &Connection, tokens: &[String], limit: usize) -> Result<Vec<SearchHit>> {
    // Rank inside FTS5 first and join only the top rows: joining every match before sorting
    // cost a row lookup per matching story. The innermost query walks the matches newest first
    // (FTS5's native rowid order) and stops at RANK_WINDOW, so bm25() runs at most that often.
    // Fetch as many extra as are pending, since those are dropped here and must not shrink
    // the page.
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.title, a.status, a.section, a.current_revision, a.created_at,
                a.updated_at, a.deleted_at, s.rank, r.content
         FROM (SELECT rowid, rank FROM
                 (SELECT rowid, bm25(article_search, 10.0, 4.0, 1.0) AS rank
                  FROM article_search WHERE article_search MATCH ?1
                  ORDER BY rowid DESC LIMIT ?3)
               ORDER BY rank LIMIT ?2 + (SELECT count(*) FROM fts_pending)) s
         JOIN articles a ON a.rowid = s.rowid
         JOIN revisions r ON r.article_id = a.id AND r.revision = a.current_revision
         WHERE a.deleted_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM fts_pending p WHERE p.article_rowid = s.rowid)
         ORDER BY s.rank LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(
            params![match_expr(tokens), limit as i64, RANK_WINDOW as i64],
            |r| {
                Ok((
                    drafts::summary_from_row(r)?,
                    r.get::<_, f64>(8)?,
                    r.get::<_, String>(9)?,
                ))
            },
        )?
        .collect::<Result<Vec<_>, _>>()?;
    let mut hits = Vec::with_capacity(rows.len());
    for (summary, rank, json) in rows {
        let article = drafts::decode(&summary.id, summary.revision, &json)?;
        hits.push(SearchHit {
            snippet: snippet(&article, tokens),
            article: summary,
            rank,
        });
    }
    Ok(hits)
}

/// Live pending articles that match, best first. There are few of them (what was saved in the
/// last second, or by a process that exited before indexing), so each is read and folded here.
fn pending_hits(conn: &Connection, tokens: &[String]) -> Result<Vec<SearchHit>> {
    // CROSS JOIN keeps `fts_pending` the outer loop: without statistics SQLite chose to scan
    // every article and probe the (usually empty) pending table, 2-13 ms per search.
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.title, a.status, a.section, a.current_revision, a.created_at,
                a.updated_at, a.deleted_at, r.content
         FROM fts_pending p
         CROSS JOIN articles a ON a.rowid = p.article_rowid
         JOIN revisions r ON r.article_id = a.id AND r.revision = a.current_revision
         WHERE a.deleted_at IS NULL",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((drafts::summary_from_row(r)?, r.get::<_, String>(8)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut hits = Vec::new();
    for (summary, json) in rows {
        let article = drafts::decode(&summary.id, summary.revision, &json)?;
        if let Some(rank) = unindexed_rank(&article, tokens) {
            hits.push(SearchHit {
                snippet: snippet(&article, tokens),
                article: summary,
                rank,
            });
        }
    }
    hits.sort_by(|a, b| a.rank.total_cmp(&b.rank));
    Ok(hits)
}

/// Field weights, as in the bm25() call: a title hit counts most, then the lead.
const WEIGHTS: [f64; 3] = [10.0, 4.0, 1.0];

/// Whether `article` matches as FTS5 would match the folded index (every token but the last is
/// a whole word, the last starts a word; each anywhere in title, lead or body), and if so a
/// rank in bm25's direction (lower is better): weighted, saturating term frequency.
fn unindexed_rank(article: &Article, tokens: &[String]) -> Option<f64> {
    let last = tokens.len() - 1;
    // tf[field][token]
    let mut tf = [
        vec![0u32; tokens.len()],
        vec![0; tokens.len()],
        vec![0; tokens.len()],
    ];
    let mut count = |field: usize, text: &str| {
        for_each_folded_word(text, |word| {
            for (t, token) in tokens.iter().enumerate() {
                let hit = if t == last {
                    word.starts_with(token.as_str())
                } else {
                    word == token
                };
                if hit {
                    tf[field][t] += 1;
                }
            }
        });
    };
    count(0, &article.title);
    count(1, &article.lead);
    for b in &article.blocks {
        count(2, b.text());
    }
    let mut score = 0.0;
    for t in 0..tokens.len() {
        if tf.iter().all(|f| f[t] == 0) {
            return None;
        }
        for (f, w) in WEIGHTS.iter().enumerate() {
            let n = f64::from(tf[f][t]);
            score += w * n / (n + 1.2);
        }
    }
    Some(-score)
}

/// Calls `f` with each folded word of `text` (runs of alphanumerics, split as
/// `byline_text::tokens` splits), reusing one buffer: a 5,000-word story is 5,000 words.
fn for_each_folded_word(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::new();
    for c in text.chars().map(byline_text::fold_char) {
        if c.is_alphanumeric() {
            word.push(c);
        } else if !word.is_empty() {
            f(&word);
            word.clear();
        }
    }
    if !word.is_empty() {
        f(&word);
    }
}

/// Char ranges in `text` where a word starts with one of `tokens` (compared folded).
pub fn find_matches(text: &str, tokens: &[String]) -> Vec<(usize, usize)> {
    find_token_matches(text, tokens)
        .into_iter()
        .map(|(a, b, _)| (a, b))
        .collect()
}

/// Like [`find_matches`], with the index of the token each word matched. Folds `text` once.
fn find_token_matches(text: &str, tokens: &[String]) -> Vec<(usize, usize, usize)> {
    let toks: Vec<Vec<char>> = tokens.iter().map(|t| t.chars().collect()).collect();
    let folded: Vec<char> = text.chars().map(byline_text::fold_char).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < folded.len() {
        if !folded[i].is_alphanumeric() {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < folded.len() && folded[end].is_alphanumeric() {
            end += 1;
        }
        let word = &folded[i..end];
        if let Some(t) = toks.iter().position(|t| word.starts_with(t)) {
            out.push((i, end, t));
        }
        i = end;
    }
    out
}

const SNIPPET_CONTEXT: usize = 60;

/// A field considered for the snippet: (name, text, match ranges, distinct tokens matched).
type Candidate<'a> = (&'a str, &'a str, Vec<(usize, usize)>, usize);

/// The excerpt shown under a search result: the best field's text around its first match.
pub fn snippet(article: &Article, tokens: &[String]) -> Snippet {
    let body = article.body_text();
    let fields = [
        ("title", article.title.as_str()),
        ("lead", &article.lead),
        ("body", &body),
    ];
    // Prefer the field matching the most distinct tokens; ties go to the earlier field.
    let mut best: Option<Candidate<'_>> = None;
    for (name, text) in fields {
        let m = find_token_matches(text, tokens);
        let mut seen = vec![false; tokens.len()];
        m.iter().for_each(|x| seen[x.2] = true);
        let distinct = seen.iter().filter(|&&s| s).count();
        if distinct > 0 && best.as_ref().is_none_or(|b| distinct > b.3) {
            best = Some((
                name,
                text,
                m.into_iter().map(|(a, b, _)| (a, b)).collect(),
                distinct,
            ));
        }
    }
    let Some((field, text, matches, _)) = best else {
        return Snippet::default();
    };
    let total = byline_text::char_len(text);
    let first = matches.first().map_or(0, |m| m.0);
    let mut start = first.saturating_sub(SNIPPET_CONTEXT);
    let mut end = (first + SNIPPET_CONTEXT * 2).min(total);
    // Widen to word boundaries so the excerpt does not start or stop mid-word.
    let chars: Vec<char> = text.chars().collect();
    while start > 0 && !chars[start - 1].is_whitespace() {
        start -= 1;
    }
    while end < total && !chars[end].is_whitespace() {
        end += 1;
    }
    let mut out = String::new();
    let mut offset = 0;
    if start > 0 {
        out.push('…');
        offset = 1;
    }
    out.extend(&chars[start..end]);
    if end < total {
        out.push('…');
    }
    let highlights = matches
        .into_iter()
        .filter(|&(a, b)| a >= start && b <= end)
        .map(|(a, b)| (a - start + offset, b - start + offset))
        .collect();
    Snippet {
        field: field.to_owned(),
        text: out,
        highlights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_are_found_by_folded_word_prefix() {
        let toks = byline_text::tokens("lien doan");
        let m = find_matches("Tổng Liên đoàn Việt Nam", &toks);
        assert_eq!(
            m,
            vec![(5, 9), (10, 14)],
            "Liên and đoàn should match lien and doan"
        );
    }

    #[test]
    fn match_expression_quotes_tokens_and_prefixes_the_last() {
        let toks = vec!["nghi".to_owned(), "quy".to_owned()];
        assert_eq!(match_expr(&toks), "\"nghi\" \"quy\"*");
    }
}
