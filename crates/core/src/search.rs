//! Diacritic-insensitive full-text search over titles, leads and bodies.
//!
//! The FTS5 index holds *folded* text (see `byline_text::fold`): lowercase, no tone or vowel
//! marks, `đ` → `d`. Queries are folded the same way, so `lien doan`, `LIÊN ĐOÀN` and
//! `Liên đoàn` are one query. Folding keeps char counts, so match positions found in folded
//! text are positions in the original, which is how snippets highlight the real words.

use byline_protocol::Article;
use rusqlite::{Connection, params};
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

pub(crate) fn index(conn: &Connection, article: &Article) -> Result<()> {
    let rowid = rowid(conn, &article.id)?;
    conn.prepare_cached("DELETE FROM article_search WHERE rowid = ?1")?
        .execute([rowid])?;
    conn.prepare_cached(
        "INSERT INTO article_search(rowid, title, lead, body) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        rowid,
        byline_text::fold(&article.title),
        byline_text::fold(&article.lead),
        byline_text::fold(&article.body_text())
    ])?;
    Ok(())
}

pub(crate) fn unindex(conn: &Connection, id: &str) -> Result<()> {
    let rowid = rowid(conn, id)?;
    conn.prepare_cached("DELETE FROM article_search WHERE rowid = ?1")?
        .execute([rowid])?;
    Ok(())
}

fn rowid(conn: &Connection, id: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT rowid FROM articles WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?)
}

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
pub fn search(conn: &Connection, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let tokens = byline_text::tokens(query);
    if tokens.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.title, a.status, a.section, a.current_revision, a.created_at,
                a.updated_at, a.deleted_at, bm25(article_search, 10.0, 4.0, 1.0) AS rank
         FROM article_search JOIN articles a ON a.rowid = article_search.rowid
         WHERE article_search MATCH ?1 AND a.deleted_at IS NULL
         ORDER BY rank LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![match_expr(&tokens), limit as i64], |r| {
            Ok((drafts::summary_from_row(r)?, r.get::<_, f64>(8)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut hits = Vec::with_capacity(rows.len());
    for (summary, rank) in rows {
        let article = drafts::get(conn, &summary.id)?;
        let snippet = snippet(&article, &tokens);
        hits.push(SearchHit {
            article: summary,
            rank,
            snippet,
        });
    }
    Ok(hits)
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
