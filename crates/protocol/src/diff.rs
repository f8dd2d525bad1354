//! Word-level comparison of two versions of a story: what `byline article diff` prints and the
//! app's history panel shows. Blocks are matched by their stable ids, so a block that moved is
//! reported as moved (not as removed here and added there), and within a block the texts are
//! compared token by token: a word is one token, every other character (space, NO-BREAK SPACE,
//! punctuation) is one token of its own, so a whitespace-only change (the copy desk's fixes)
//! is a change like any other, never an empty diff. Pure: no clock, no I/O.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::{Article, Block, BlockKind};

/// The differences between two versions, in reading order of the newer one.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ArticleDiff {
    pub changes: Vec<BlockChange>,
}

/// One changed field or block.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockChange {
    /// The block's stable id, or `title`, `lead`, `section`.
    pub block: String,
    pub kind: ChangeKind,
    /// `paragraph`, `heading`, `quote`, `figure`, or `field` for title/lead/section.
    #[serde(rename = "type")]
    pub block_type: String,
    /// The text of the block, old to new, as runs kept, inserted or deleted. A figure's text is
    /// its caption followed by ` (credit)` when it has one, as the public page shows it.
    pub ops: Vec<Op>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The same block, its text (or figure) changed in place.
    Changed,
    /// Only in the newer version.
    Added,
    /// Only in the older version.
    Removed,
    /// Moved relative to the other blocks (its text may have changed as well: see `ops`).
    Moved,
}

/// A run of text: kept, inserted or deleted. `text` carries the actual characters.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Op {
    pub op: OpKind,
    pub text: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    Equal,
    Insert,
    Delete,
}

/// Past this many cells the middle of two very different texts is shown as one deletion and one
/// insertion instead of being aligned word by word (a bound on time and memory; story blocks
/// are far below it once the common start and end are set aside).
const MAX_CELLS: usize = 4_000_000;

/// Compares `old` with `new`: title, lead, section, then the blocks in `new`'s order, each
/// removed block after its nearest predecessor that kept its place.
pub fn diff_articles(old: &Article, new: &Article) -> ArticleDiff {
    let mut changes = Vec::new();
    for (name, a, b) in [
        ("title", &old.title, &new.title),
        ("lead", &old.lead, &new.lead),
        ("section", &old.section, &new.section),
    ] {
        if a != b {
            changes.push(BlockChange {
                block: name.to_string(),
                kind: ChangeKind::Changed,
                block_type: "field".to_string(),
                ops: diff_text(a, b),
            });
        }
    }
    changes.extend(diff_blocks(&old.blocks, &new.blocks));
    ArticleDiff { changes }
}

fn diff_blocks(old: &[Block], new: &[Block]) -> Vec<BlockChange> {
    let old_by_id: HashMap<&str, &Block> = old.iter().map(|b| (b.id.as_str(), b)).collect();
    let new_ids: HashSet<&str> = new.iter().map(|b| b.id.as_str()).collect();
    let common_old: Vec<&str> = old
        .iter()
        .map(|b| b.id.as_str())
        .filter(|id| new_ids.contains(id))
        .collect();
    let common_new: Vec<&str> = new
        .iter()
        .map(|b| b.id.as_str())
        .filter(|id| old_by_id.contains_key(id))
        .collect();
    let in_place: HashSet<&str> = lcs_items(&common_old, &common_new).into_iter().collect();

    // Entries keyed by the new block they follow, so removed blocks can be slotted in.
    let mut out: Vec<(Option<&str>, BlockChange)> = Vec::new();
    for b in new {
        let change = match old_by_id.get(b.id.as_str()) {
            None => Some(whole(b, ChangeKind::Added, OpKind::Insert)),
            Some(a) if !in_place.contains(b.id.as_str()) => Some(BlockChange {
                block: b.id.clone(),
                kind: ChangeKind::Moved,
                block_type: b.type_name().to_string(),
                ops: diff_text(&shown(a), &shown(b)),
            }),
            Some(a) if *a != b => Some(BlockChange {
                block: b.id.clone(),
                kind: ChangeKind::Changed,
                block_type: b.type_name().to_string(),
                ops: diff_text(&shown(a), &shown(b)),
            }),
            Some(_) => None,
        };
        out.push((
            Some(b.id.as_str()),
            change.unwrap_or_else(|| placeholder(b)),
        ));
    }
    for (i, a) in old.iter().enumerate() {
        if new_ids.contains(a.id.as_str()) {
            continue;
        }
        // After its nearest predecessor that stayed in place (a moved one took its place along).
        let after = old[..i]
            .iter()
            .rev()
            .filter(|p| in_place.contains(p.id.as_str()))
            .find_map(|p| out.iter().rposition(|(k, _)| *k == Some(p.id.as_str())));
        let at = after.map_or(0, |p| p + 1);
        out.insert(
            at,
            (
                Some(a.id.as_str()),
                whole(a, ChangeKind::Removed, OpKind::Delete),
            ),
        );
    }
    out.into_iter()
        .map(|(_, c)| c)
        .filter(|c| !c.ops.is_empty() || c.kind != ChangeKind::Changed)
        .collect()
}

/// An unchanged block: dropped before returning (a `Changed` entry without ops).
fn placeholder(b: &Block) -> BlockChange {
    BlockChange {
        block: b.id.clone(),
        kind: ChangeKind::Changed,
        block_type: b.type_name().to_string(),
        ops: Vec::new(),
    }
}

fn whole(b: &Block, kind: ChangeKind, op: OpKind) -> BlockChange {
    let text = shown(b);
    BlockChange {
        block: b.id.clone(),
        kind,
        block_type: b.type_name().to_string(),
        ops: if text.is_empty() {
            Vec::new()
        } else {
            vec![Op { op, text }]
        },
    }
}

/// The text a block shows a reader: a figure's caption with its credit, as on the page.
fn shown(b: &Block) -> String {
    match &b.kind {
        BlockKind::Figure {
            caption, credit, ..
        } if !credit.is_empty() => format!("{caption} ({credit})"),
        _ => b.text().to_string(),
    }
}

/// Splits text into tokens: runs of letters and digits are one token (a Vietnamese syllable with
/// its marks is one word in NFC), every other character is a token of its own.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(st) = start.take() {
            out.push(&s[st..i]);
        }
        out.push(&s[i..i + c.len_utf8()]);
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    out
}

/// Word-level diff of two texts: runs of equal, deleted and inserted text, adjacent runs of one
/// kind joined. Concatenating the equal and delete runs gives `old`; equal and insert, `new`.
pub fn diff_text(old: &str, new: &str) -> Vec<Op> {
    let (a, b) = (tokens(old), tokens(new));
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (mid_a, mid_b) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut ops = Vec::new();
    push_all(&mut ops, OpKind::Equal, &a[..prefix]);
    if mid_a.len().saturating_mul(mid_b.len()) > MAX_CELLS {
        push_all(&mut ops, OpKind::Delete, mid_a);
        push_all(&mut ops, OpKind::Insert, mid_b);
    } else {
        align(&mut ops, mid_a, mid_b);
    }
    push_all(&mut ops, OpKind::Equal, &a[a.len() - suffix..]);
    ops
}

fn push_all(ops: &mut Vec<Op>, op: OpKind, toks: &[&str]) {
    for t in toks {
        push(ops, op, t);
    }
}

fn push(ops: &mut Vec<Op>, op: OpKind, text: &str) {
    match ops.last_mut() {
        Some(last) if last.op == op => last.text.push_str(text),
        _ => ops.push(Op {
            op,
            text: text.to_string(),
        }),
    }
}

/// Longest common subsequence table, filled from the end: `t[i][j]` is the LCS length of
/// `a[i..]` and `b[j..]`.
fn lcs_table<T: PartialEq>(a: &[T], b: &[T]) -> Vec<Vec<u32>> {
    let mut t = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            t[i][j] = if a[i] == b[j] {
                t[i + 1][j + 1] + 1
            } else {
                t[i + 1][j].max(t[i][j + 1])
            };
        }
    }
    t
}

/// Walks the LCS table forwards, deletions before insertions at each difference.
fn align(ops: &mut Vec<Op>, a: &[&str], b: &[&str]) {
    let t = lcs_table(a, b);
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            push(ops, OpKind::Equal, a[i]);
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || t[i + 1][j] >= t[i][j + 1]) {
            push(ops, OpKind::Delete, a[i]);
            i += 1;
        } else {
            push(ops, OpKind::Insert, b[j]);
            j += 1;
        }
    }
}

/// The items of a longest common subsequence of two id sequences (the blocks that kept their
/// relative order; the others moved).
fn lcs_items<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<&'a str> {
    let t = lcs_table(a, b);
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(a[i]);
            i += 1;
            j += 1;
        } else if t[i + 1][j] >= t[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(id: &str, text: &str) -> Block {
        Block {
            id: id.into(),
            kind: BlockKind::Paragraph { text: text.into() },
        }
    }

    fn story(blocks: Vec<Block>) -> Article {
        let mut a = Article::new("Tiêu đề");
        a.blocks = blocks;
        a
    }

    fn side(ops: &[Op], keep: OpKind) -> String {
        ops.iter()
            .filter(|o| o.op == OpKind::Equal || o.op == keep)
            .map(|o| o.text.as_str())
            .collect()
    }

    #[test]
    fn a_changed_word_is_one_deletion_and_one_insertion_between_equal_runs() {
        let ops = diff_text("Liên đoàn Lao động tỉnh", "Liên đoàn Lao động thành phố");
        assert_eq!(
            ops,
            vec![
                Op {
                    op: OpKind::Equal,
                    text: "Liên đoàn Lao động ".into()
                },
                Op {
                    op: OpKind::Delete,
                    text: "tỉnh".into()
                },
                Op {
                    op: OpKind::Insert,
                    text: "thành phố".into()
                },
            ],
            "whole Vietnamese words, not letters, are compared"
        );
    }

    #[test]
    fn a_removed_no_break_space_is_a_visible_deletion_of_that_character() {
        let ops = diff_text("hội\u{a0} nghị", "hội nghị");
        assert_eq!(
            ops.iter()
                .filter(|o| o.op != OpKind::Equal)
                .collect::<Vec<_>>(),
            vec![&Op {
                op: OpKind::Delete,
                text: "\u{a0}".into()
            }],
            "the diff of a whitespace-only fix carries the removed character itself: {ops:?}"
        );
    }

    #[test]
    fn both_sides_read_back_from_the_ops() {
        let (old, new) = ("Một hai  ba, bốn.", "Một ba , năm bốn!");
        let ops = diff_text(old, new);
        assert_eq!(
            side(&ops, OpKind::Delete),
            old,
            "equal + deleted runs are the old text"
        );
        assert_eq!(
            side(&ops, OpKind::Insert),
            new,
            "equal + inserted runs are the new text"
        );
    }

    #[test]
    fn blocks_are_reported_added_removed_moved_or_changed_by_their_ids() {
        let old = story(vec![
            para("a", "Một."),
            para("b", "Hai."),
            para("c", "Ba."),
            para("d", "Bốn."),
        ]);
        let new = story(vec![
            para("c", "Ba."),
            para("a", "Một."),
            para("b", "Hai đã sửa."),
            para("e", "Năm."),
        ]);
        let d = diff_articles(&old, &new);
        let kinds: Vec<(&str, ChangeKind)> = d
            .changes
            .iter()
            .map(|c| (c.block.as_str(), c.kind))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("c", ChangeKind::Moved),
                ("b", ChangeKind::Changed),
                ("d", ChangeKind::Removed),
                ("e", ChangeKind::Added),
            ],
            "unchanged blocks are left out; the removed block stays where it was"
        );
    }

    #[test]
    fn a_figure_caption_or_credit_change_is_a_change_of_that_figure() {
        let fig = |caption: &str, credit: &str| Block {
            id: "f".into(),
            kind: BlockKind::Figure {
                photo_id: None,
                caption: caption.into(),
                credit: credit.into(),
                src: None,
            },
        };
        let d = diff_articles(
            &story(vec![fig("Toàn cảnh.", "")]),
            &story(vec![fig("Toàn cảnh hội nghị.", "Cảnh Toàn")]),
        );
        assert_eq!(d.changes.len(), 1);
        assert_eq!(d.changes[0].block_type, "figure");
        assert_eq!(
            side(&d.changes[0].ops, OpKind::Insert),
            "Toàn cảnh hội nghị. (Cảnh Toàn)"
        );
    }

    #[test]
    fn identical_versions_have_no_changes_and_a_title_change_is_listed_by_name() {
        let a = story(vec![para("a", "Một.")]);
        assert!(
            diff_articles(&a, &a).changes.is_empty(),
            "nothing changed, nothing listed"
        );
        let mut b = a.clone();
        b.title = "Tiêu đề mới".into();
        let d = diff_articles(&a, &b);
        assert_eq!(d.changes.len(), 1);
        assert_eq!(d.changes[0].block, "title");
    }
}
