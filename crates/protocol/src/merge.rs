//! Three-way merge of two edits of an article against their common base, block by block.
//!
//! `ours` is the server's current version, `theirs` the incoming (stale) write. Whatever only one
//! side changed is taken; when both changed the same field or block differently the server's
//! version stays current and the incoming one is kept as a [`Conflict`], so no edit is ever lost.
//! A block deleted on one side but edited on the other is kept (an edit is worth more than a
//! deletion) and flagged. The function is pure: no clock, no I/O.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::sync::Conflict;
use crate::{Article, Block};

/// The merged article and the conflicts found on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeOutcome {
    pub article: Article,
    pub conflicts: Vec<Conflict>,
}

fn json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// Merges one field. Returns the winner; pushes a conflict when both sides changed it differently.
fn merge_field<T: Clone + PartialEq + Serialize>(
    name: &str,
    base: &T,
    ours: &T,
    theirs: &T,
    conflicts: &mut Vec<Conflict>,
) -> T {
    if ours == theirs || theirs == base {
        ours.clone()
    } else if ours == base {
        theirs.clone()
    } else {
        conflicts.push(Conflict {
            block_id: None,
            field: name.to_string(),
            theirs: json(theirs),
            ours: json(ours),
        });
        ours.clone()
    }
}

fn block_conflict(id: &str, ours: Option<&Block>, theirs: Option<&Block>) -> Conflict {
    Conflict {
        block_id: Some(id.to_string()),
        field: "block".to_string(),
        theirs: theirs.map_or(serde_json::Value::Null, json),
        ours: ours.map_or(serde_json::Value::Null, json),
    }
}

/// Ids of `side` that also exist in `base`, in `side`'s order.
fn common_order<'a>(side: &'a [Block], base_ids: &HashSet<&str>) -> Vec<&'a str> {
    side.iter()
        .map(|b| b.id.as_str())
        .filter(|id| base_ids.contains(id))
        .collect()
}

/// True when `side` moved blocks relative to each other compared with `base` (ignoring blocks
/// inserted or deleted by that side).
fn reordered(base: &[Block], side: &[Block]) -> bool {
    let side_ids: HashSet<&str> = side.iter().map(|b| b.id.as_str()).collect();
    let base_ids: HashSet<&str> = base.iter().map(|b| b.id.as_str()).collect();
    let base_order: Vec<&str> = base
        .iter()
        .map(|b| b.id.as_str())
        .filter(|id| side_ids.contains(id))
        .collect();
    base_order != common_order(side, &base_ids)
}

/// Three-way merge of `ours` (server) and `theirs` (incoming) against `base`. Pass `None` as base
/// when there is no common ancestor: then every difference is a conflict and ours wins.
pub fn merge(base: Option<&Article>, ours: &Article, theirs: &Article) -> MergeOutcome {
    // Without a base, treat "ours" as the base for blocks only in the sense that nothing is
    // considered deleted; for fields, an absent base means both sides changed everything.
    let mut conflicts = Vec::new();
    let mut out = ours.clone();

    macro_rules! field {
        ($f:ident) => {
            out.$f = match base {
                Some(b) => merge_field(stringify!($f), &b.$f, &ours.$f, &theirs.$f, &mut conflicts),
                None => {
                    if ours.$f != theirs.$f {
                        conflicts.push(Conflict {
                            block_id: None,
                            field: stringify!($f).to_string(),
                            theirs: json(&theirs.$f),
                            ours: json(&ours.$f),
                        });
                    }
                    ours.$f.clone()
                }
            };
        };
    }
    field!(section);
    field!(title);
    field!(slug);
    field!(lead);
    field!(byline);
    field!(tags);
    field!(related);
    field!(status);
    field!(published_at);
    field!(assigned);
    out.updated_at = ours.updated_at.max(theirs.updated_at);

    out.blocks = merge_blocks(
        base.map(|b| b.blocks.as_slice()),
        &ours.blocks,
        &theirs.blocks,
        &mut conflicts,
    );
    MergeOutcome {
        article: out,
        conflicts,
    }
}

fn merge_blocks(
    base: Option<&[Block]>,
    ours: &[Block],
    theirs: &[Block],
    conflicts: &mut Vec<Conflict>,
) -> Vec<Block> {
    let empty: &[Block] = &[];
    let by_id = |bs: &[Block]| -> HashMap<String, Block> {
        bs.iter().map(|b| (b.id.clone(), b.clone())).collect()
    };
    let (b_map, o_map, t_map) = (by_id(base.unwrap_or(empty)), by_id(ours), by_id(theirs));
    // Decide each block's content (or deletion) independently of order.
    let mut kept: HashMap<String, Block> = HashMap::new();
    let mut seen = HashSet::new();
    for id in ours.iter().chain(theirs).map(|b| b.id.as_str()) {
        if !seen.insert(id) {
            continue;
        }
        let (b, o, t) = (b_map.get(id), o_map.get(id), t_map.get(id));
        if let Some(w) = merge_block(id, b, o, t, conflicts) {
            kept.insert(id.to_string(), w);
        }
    }
    order_blocks(base, ours, theirs, &kept)
        .into_iter()
        .filter_map(|id| kept.remove(&id))
        .collect()
}

/// One block's fate from its base, server (`o`) and incoming (`t`) versions: a block edited on
/// one side only takes that edit; edited differently on both, or edited on one side and deleted
/// on the other, it is kept and the difference recorded as a conflict.
fn merge_block(
    id: &str,
    b: Option<&Block>,
    o: Option<&Block>,
    t: Option<&Block>,
    conflicts: &mut Vec<Conflict>,
) -> Option<Block> {
    let mut conflict = |o: Option<&Block>, t: Option<&Block>| {
        conflicts.push(block_conflict(id, o, t));
    };
    match (b, o, t) {
        (_, Some(o), Some(t)) if o == t => Some(o.clone()),
        (Some(b), Some(o), Some(t)) => {
            if t == b {
                Some(o.clone())
            } else if o == b {
                Some(t.clone())
            } else {
                conflict(Some(o), Some(t));
                Some(o.clone())
            }
        }
        // New on both sides under one id (or no base): server wins, incoming kept aside.
        (None, Some(o), Some(t)) => {
            conflict(Some(o), Some(t));
            Some(o.clone())
        }
        // Deleted by theirs: honour it unless ours edited the block meanwhile.
        (Some(b), Some(o), None) if o == b => None,
        (Some(_), Some(o), None) => {
            conflict(Some(o), None);
            Some(o.clone())
        }
        // Deleted on the server: honour it unless theirs edited the block.
        (Some(b), None, Some(t)) if t == b => None,
        (Some(_), None, Some(t)) => {
            conflict(None, Some(t));
            Some(t.clone())
        }
        // Inserted by one side only (or, without a base, present on one side only).
        (None, Some(o), None) => Some(o.clone()),
        (None, None, Some(t)) => Some(t.clone()),
        (_, None, None) => None,
    }
}

/// The order of the kept blocks: the server's, unless only the incoming side reordered; blocks
/// only the other side has go right after their nearest predecessor there.
fn order_blocks(
    base: Option<&[Block]>,
    ours: &[Block],
    theirs: &[Block],
    kept: &HashMap<String, Block>,
) -> Vec<String> {
    let (primary, secondary) = match base {
        Some(bb) if reordered(bb, theirs) && !reordered(bb, ours) => (theirs, ours),
        _ => (ours, theirs),
    };
    let mut order: Vec<String> = primary
        .iter()
        .filter(|b| kept.contains_key(&b.id))
        .map(|b| b.id.clone())
        .collect();
    for (i, b) in secondary.iter().enumerate() {
        if !kept.contains_key(&b.id) || order.contains(&b.id) {
            continue;
        }
        let pos = secondary[..i]
            .iter()
            .rev()
            .find_map(|p| order.iter().position(|id| *id == p.id))
            .map_or(0, |p| p + 1);
        order.insert(pos, b.id.clone());
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BlockKind, Status};

    fn para(id: &str, text: &str) -> Block {
        Block {
            id: id.into(),
            kind: BlockKind::Paragraph { text: text.into() },
        }
    }

    fn article(blocks: Vec<Block>) -> Article {
        let mut a = Article::new("Tiêu đề");
        a.id = "a1".into();
        a.lead = "Sapo".into();
        a.blocks = blocks;
        a
    }

    fn texts(a: &Article) -> Vec<&str> {
        a.blocks.iter().map(|b| b.text()).collect()
    }

    fn base() -> Article {
        article(vec![para("p1", "Một"), para("p2", "Hai"), para("p3", "Ba")])
    }

    #[test]
    fn edits_to_different_paragraphs_both_land_without_conflict() {
        let b = base();
        let mut ours = b.clone();
        ours.blocks[0] = para("p1", "Một (server)");
        let mut theirs = b.clone();
        theirs.blocks[2] = para("p3", "Ba (client)");
        let m = merge(Some(&b), &ours, &theirs);
        assert!(
            m.conflicts.is_empty(),
            "disjoint edits must not conflict: {:?}",
            m.conflicts
        );
        assert_eq!(texts(&m.article), ["Một (server)", "Hai", "Ba (client)"]);
    }

    #[test]
    fn the_same_paragraph_edited_twice_keeps_the_server_text_and_records_both() {
        let b = base();
        let mut ours = b.clone();
        ours.blocks[1] = para("p2", "Hai (server)");
        let mut theirs = b.clone();
        theirs.blocks[1] = para("p2", "Hai (client)");
        let m = merge(Some(&b), &ours, &theirs);
        assert_eq!(
            texts(&m.article)[1],
            "Hai (server)",
            "the server version stays current"
        );
        assert_eq!(m.conflicts.len(), 1, "exactly one conflict is expected");
        let c = &m.conflicts[0];
        assert_eq!(c.block_id.as_deref(), Some("p2"));
        assert_eq!(
            c.theirs["text"], "Hai (client)",
            "the client's text must be kept visibly"
        );
        assert_eq!(c.ours["text"], "Hai (server)");
    }

    #[test]
    fn the_same_change_on_both_sides_is_not_a_conflict() {
        let b = base();
        let mut ours = b.clone();
        ours.title = "Tiêu đề mới".into();
        ours.blocks[1] = para("p2", "Hai!");
        let theirs = ours.clone();
        let m = merge(Some(&b), &ours, &theirs);
        assert!(
            m.conflicts.is_empty(),
            "identical edits agree: {:?}",
            m.conflicts
        );
        assert_eq!(m.article.title, "Tiêu đề mới");
    }

    #[test]
    fn a_block_deleted_on_the_server_but_edited_by_the_client_is_kept_and_flagged() {
        let b = base();
        let mut ours = b.clone();
        ours.blocks.remove(1);
        let mut theirs = b.clone();
        theirs.blocks[1] = para("p2", "Hai (sửa)");
        let m = merge(Some(&b), &ours, &theirs);
        assert_eq!(
            texts(&m.article),
            ["Một", "Hai (sửa)", "Ba"],
            "the edit survives in place"
        );
        assert_eq!(m.conflicts.len(), 1);
        assert!(
            m.conflicts[0].ours.is_null(),
            "the conflict must say the server deleted it"
        );
    }

    #[test]
    fn a_block_edited_on_the_server_but_deleted_by_the_client_is_kept_and_flagged() {
        let b = base();
        let mut ours = b.clone();
        ours.blocks[0] = para("p1", "Một (server)");
        let mut theirs = b.clone();
        theirs.blocks.remove(0);
        let m = merge(Some(&b), &ours, &theirs);
        assert_eq!(texts(&m.article), ["Một (server)", "Hai", "Ba"]);
        assert_eq!(m.conflicts.len(), 1);
        assert!(
            m.conflicts[0].theirs.is_null(),
            "the conflict must say the client deleted it"
        );
    }

    #[test]
    fn an_unedited_block_deleted_by_one_side_is_deleted() {
        let b = base();
        let ours = b.clone();
        let mut theirs = b.clone();
        theirs.blocks.remove(2);
        let m = merge(Some(&b), &ours, &theirs);
        assert_eq!(texts(&m.article), ["Một", "Hai"]);
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn inserts_on_both_sides_land_after_their_predecessors() {
        let b = base();
        let mut ours = b.clone();
        ours.blocks.insert(1, para("s1", "server mới"));
        let mut theirs = b.clone();
        theirs.blocks.insert(3, para("c1", "client mới"));
        theirs.blocks.insert(0, para("c0", "client đầu"));
        let m = merge(Some(&b), &ours, &theirs);
        assert_eq!(
            texts(&m.article),
            ["client đầu", "Một", "server mới", "Hai", "Ba", "client mới"],
            "each insert keeps its place relative to its neighbours"
        );
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn a_reorder_by_the_client_alone_is_applied_along_with_server_edits() {
        let b = base();
        let mut ours = b.clone();
        ours.blocks[1] = para("p2", "Hai (server)");
        let mut theirs = b.clone();
        theirs.blocks.swap(0, 2);
        let m = merge(Some(&b), &ours, &theirs);
        assert_eq!(texts(&m.article), ["Ba", "Hai (server)", "Một"]);
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn article_fields_merge_independently_and_conflict_per_field() {
        let b = base();
        let mut ours = b.clone();
        ours.title = "Server title".into();
        ours.status = Status::Ready;
        let mut theirs = b.clone();
        theirs.title = "Client title".into();
        theirs.lead = "Client lead".into();
        let m = merge(Some(&b), &ours, &theirs);
        assert_eq!(m.article.title, "Server title");
        assert_eq!(
            m.article.lead, "Client lead",
            "a field only the client changed is taken"
        );
        assert_eq!(
            m.article.status,
            Status::Ready,
            "a field only the server changed is kept"
        );
        assert_eq!(m.conflicts.len(), 1);
        assert_eq!(m.conflicts[0].field, "title");
        assert_eq!(m.conflicts[0].theirs, "Client title");
    }

    #[test]
    fn without_a_base_every_difference_is_a_conflict_and_the_server_wins() {
        let ours = base();
        let mut theirs = base();
        theirs.title = "Khác".into();
        theirs.blocks[0] = para("p1", "Khác");
        let m = merge(None, &ours, &theirs);
        assert_eq!(m.article.title, ours.title);
        assert_eq!(
            m.conflicts.len(),
            2,
            "title and p1 both differ: {:?}",
            m.conflicts
        );
    }
}
