//! Resolving the conflicts a server merge left on a story, one at a time, by the user's choice.
//!
//! The server keeps its own version current and hands back the other one in a
//! [`Conflict`] (`ours` = the server's, `theirs` = the incoming write, i.e. mine when I pushed
//! it). They are stored per story in `remote_articles.conflicts` (see `sync.rs`). Resolving one
//! writes a new local revision with the chosen text and drops that conflict from the list. The
//! push is queued once the *last* conflict is resolved: the server clears every stored conflict
//! of a story on an up-to-date write ("the writer saw them"), so pushing earlier would make the
//! remaining ones vanish from both sides before the user has chosen.

use byline_protocol::sync::Conflict;
use byline_protocol::{Article, Block};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{CoreError, Result};
use crate::outbox::{self, Kind};
use crate::{drafts, sync};

/// What the user keeps of a conflict.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// The server's version (already current in the story in the usual case).
    KeepServer,
    /// My version replaces the server's.
    UseMine,
    /// Blocks only: the server's block stays and mine follows it as a new block.
    KeepBoth,
}

/// One conflict as the publish panel shows it: two readable texts side by side.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictView {
    /// Position in the story's list: what [`resolve`] takes.
    pub index: usize,
    pub block_id: Option<String>,
    /// `block`, or the article field (`title`, `lead`, …).
    pub field: String,
    /// The server's text; empty when the server deleted the block.
    pub server: String,
    /// My text; empty when I deleted the block.
    pub mine: String,
    pub server_deleted: bool,
    pub mine_deleted: bool,
    /// Whether "keep both" makes sense (two blocks can stand one after the other; two titles
    /// cannot).
    pub can_keep_both: bool,
}

/// The conflicts stored for a story (empty when it was never synced or has none).
pub fn list(conn: &Connection, id: &str) -> Result<Vec<ConflictView>> {
    let conflicts = stored(conn, id)?;
    Ok(conflicts
        .iter()
        .enumerate()
        .map(|(index, c)| ConflictView {
            index,
            block_id: c.block_id.clone(),
            field: c.field.clone(),
            server: display(&c.ours),
            mine: display(&c.theirs),
            server_deleted: c.ours.is_null(),
            mine_deleted: c.theirs.is_null(),
            can_keep_both: c.block_id.is_some() && !c.ours.is_null() && !c.theirs.is_null(),
        })
        .collect())
}

fn stored(conn: &Connection, id: &str) -> Result<Vec<Conflict>> {
    Ok(sync::remote_state(conn, id)?
        .map(|(_, c, _)| c)
        .unwrap_or_default())
}

/// Readable text of one side: a block's text (a figure's caption), a field's string, the names
/// of a byline, else compact JSON.
fn display(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| match i.get("name").and_then(Value::as_str) {
                Some(n) => n.to_owned(),
                None => display(i),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => match serde_json::from_value::<Block>(v.clone()) {
            Ok(b) if !b.text().is_empty() => b.text().to_owned(),
            Ok(b) => format!("({})", b.type_name()),
            Err(_) => v.to_string(),
        },
        other => other.to_string(),
    }
}

/// Applies `choice` to conflict `index` of story `id`: a new local revision with the chosen
/// text, the conflict dropped, and — when it was the last one — the story queued for the next
/// sync. Returns the story as it now is.
pub fn resolve(
    conn: &mut Connection,
    author: &str,
    id: &str,
    index: usize,
    choice: Choice,
) -> Result<Article> {
    let mut conflicts = stored(conn, id)?;
    if index >= conflicts.len() {
        return Err(CoreError::Invalid(format!(
            "story {id} has {} conflict(s); there is no conflict number {index} (it may be resolved already)",
            conflicts.len()
        )));
    }
    let c = conflicts.remove(index);
    let mut article = drafts::get(conn, id)?;
    match &c.block_id {
        Some(block_id) => apply_block(&mut article, block_id, &c, choice)?,
        None => apply_field(&mut article, &c, choice)?,
    }
    // Saved before the conflict is dropped: a crash in between leaves the conflict listed (the
    // user sees it again) rather than the choice lost. Not queued here; see the module docs.
    drafts::save_with(conn, &mut article, author, false)?;
    let json = serde_json::to_string(&conflicts).expect("conflicts serialise");
    conn.execute(
        "UPDATE remote_articles SET conflicts = ?2 WHERE article_id = ?1",
        params![id, json],
    )?;
    if conflicts.is_empty() {
        // Also for "keep server's" with nothing changed here: the server still lists the
        // conflict until an up-to-date write tells it the user has seen it.
        outbox::enqueue(conn, Kind::Article, id)?;
    }
    Ok(article)
}

fn block_from(v: &Value) -> Result<Option<Block>> {
    if v.is_null() {
        return Ok(None);
    }
    serde_json::from_value(v.clone())
        .map(Some)
        .map_err(|e| CoreError::Corrupt(format!("a stored conflict holds no block: {e}")))
}

/// Puts `block` where the block with `id` is (or appends it); `None` removes that block.
fn set_block(article: &mut Article, id: &str, block: Option<Block>) {
    let pos = article.blocks.iter().position(|b| b.id == id);
    match (pos, block) {
        (Some(p), Some(b)) => article.blocks[p] = b,
        (None, Some(b)) => article.blocks.push(b),
        (Some(p), None) => {
            article.blocks.remove(p);
        }
        (None, None) => {}
    }
}

fn apply_block(article: &mut Article, id: &str, c: &Conflict, choice: Choice) -> Result<()> {
    let (server, mine) = (block_from(&c.ours)?, block_from(&c.theirs)?);
    match choice {
        Choice::KeepServer => set_block(article, id, server),
        Choice::UseMine => set_block(article, id, mine),
        Choice::KeepBoth => match (server, mine) {
            (Some(s), Some(m)) => {
                set_block(article, id, Some(s));
                let pos = article
                    .blocks
                    .iter()
                    .position(|b| b.id == id)
                    .map_or(article.blocks.len(), |p| p + 1);
                // A fresh id: two blocks must never share one (merges match blocks by id).
                article.blocks.insert(pos, Block::new(m.kind));
            }
            // One side deleted the block: "both" is whichever text exists.
            (s, m) => set_block(article, id, s.or(m)),
        },
    }
    Ok(())
}

fn apply_field(article: &mut Article, c: &Conflict, choice: Choice) -> Result<()> {
    let value = match choice {
        Choice::KeepServer => c.ours.clone(),
        Choice::UseMine => c.theirs.clone(),
        Choice::KeepBoth => {
            return Err(CoreError::Invalid(format!(
                "a story has one {}: keep the server's or use yours",
                c.field
            )));
        }
    };
    // Through JSON, so every field the merge can flag (title, byline, tags…) works the same way.
    let mut json = serde_json::to_value(&*article).expect("article serialises");
    let Some(obj) = json.as_object_mut() else {
        return Err(CoreError::Corrupt("an article is not a JSON object".into()));
    };
    if !obj.contains_key(&c.field) {
        return Err(CoreError::Corrupt(format!(
            "a stored conflict names an unknown field `{}`",
            c.field
        )));
    }
    obj.insert(c.field.clone(), value);
    *article = serde_json::from_value(json).map_err(|e| {
        CoreError::Corrupt(format!(
            "the stored value of `{}` does not fit the story: {e}",
            c.field
        ))
    })?;
    Ok(())
}

/// Adds conflicts found by a local merge (an editor's copy against a pulled version) to a synced
/// story's list, so the Publish panel shows them side by side like the server's. A story never
/// synced has no such list: the caller shows its conflicts itself.
pub fn append(conn: &Connection, id: &str, found: &[Conflict]) -> Result<()> {
    if found.is_empty() {
        return Ok(());
    }
    let mut all = stored(conn, id)?;
    all.extend(found.iter().cloned());
    let json = serde_json::to_string(&all).expect("conflicts serialise");
    conn.execute(
        "UPDATE remote_articles SET conflicts = ?2 WHERE article_id = ?1",
        params![id, json],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byline_reads_as_names_and_a_deleted_side_as_empty() {
        let v = serde_json::json!([{"name": "Thanh Hà", "role": "writer"}, {"name": "Cảnh Toàn", "role": "photographer"}]);
        assert_eq!(
            display(&v),
            "Thanh Hà, Cảnh Toàn",
            "a byline shows the people, not JSON"
        );
        assert_eq!(
            display(&Value::Null),
            "",
            "a deleted side has no text to show"
        );
    }
}
