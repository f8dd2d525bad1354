//! The one-caption rule: a figure's caption and its photo's caption are the same text. Editing
//! either side changes the other, and every change of it (the story revision, the photo's
//! caption revision, the other stories showing the photo, the queued metadata push to the
//! server) commits in ONE transaction, so a crash can never leave the two disagreeing.

use byline_protocol::{Article, BlockKind};
use rusqlite::Connection;

use crate::error::Result;
use crate::outbox::{self, Kind};
use crate::photodesk::{self, FieldEdit};
use crate::{Library, drafts, photos};

/// Inside a story's save transaction: each figure caption that differs from its photo's
/// becomes the photo's caption, and the other stories showing that photo follow.
pub(crate) fn figures_to_photos(tx: &Connection, article: &Article, author: &str) -> Result<bool> {
    let mut photos_changed = false;
    for (id, caption) in figure_captions(article) {
        if caption.trim().is_empty() {
            continue;
        }
        let edit = FieldEdit {
            caption: Some(caption.to_owned()),
            ..Default::default()
        };
        if store_edit(tx, id, &edit, None, author)?.is_some() {
            photo_to_figures(tx, id, caption, Some(&article.id), author)?;
            photos_changed = true;
        }
    }
    Ok(photos_changed)
}

/// A filed figure caption becomes the photo's caption when the photo has none yet.
pub(crate) fn seed_from_figures(tx: &Connection, article: &Article, author: &str) -> Result<()> {
    for (id, caption) in figure_captions(article) {
        let Ok(rec) = photos::get(tx, id) else {
            continue;
        };
        if caption.trim().is_empty() || !photodesk::editable_from_meta(&rec.meta).caption.is_empty()
        {
            continue;
        }
        let edit = FieldEdit {
            caption: Some(caption.to_owned()),
            ..Default::default()
        };
        store_edit(tx, id, &edit, None, author)?;
    }
    Ok(())
}

/// Applies `edit` to one photo in the caller's transaction: stores the new fields, queues the
/// metadata push when the server has the photo. Returns the new caption when anything changed.
pub(crate) fn store_edit(
    tx: &Connection,
    id: &str,
    edit: &FieldEdit,
    codes: Option<&byline_media::CodeTable>,
    author: &str,
) -> Result<Option<String>> {
    let Ok(rec) = photos::get(tx, id) else {
        return Ok(None);
    };
    let Some(fields) = photodesk::apply_edit(&rec, edit, codes)? else {
        return Ok(None);
    };
    photodesk::store_fields(tx, id, author, &fields)?;
    if outbox::was_sent(tx, Kind::Photo, id)? {
        outbox::enqueue(tx, Kind::PhotoMeta, id)?;
    }
    Ok(Some(fields.caption))
}

/// Writes a photo's caption into every live story figure that shows it (except `skip`).
pub(crate) fn photo_to_figures(
    tx: &Connection,
    photo_id: &str,
    caption: &str,
    skip: Option<&str>,
    author: &str,
) -> Result<Vec<String>> {
    let ids: Vec<String> = tx
        .prepare_cached(
            "SELECT a.id FROM articles a JOIN revisions r
               ON r.article_id = a.id AND r.revision = a.current_revision
             WHERE a.deleted_at IS NULL AND instr(r.content, ?1) > 0",
        )?
        .query_map([photo_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut changed = Vec::new();
    for id in ids.into_iter().filter(|i| Some(i.as_str()) != skip) {
        let mut a = drafts::get(tx, &id)?;
        if set_figure_caption(&mut a, photo_id, caption) {
            drafts::save_in(tx, &mut a, author, true)?;
            changed.push(id);
        }
    }
    Ok(changed)
}

fn set_figure_caption(a: &mut Article, photo_id: &str, caption: &str) -> bool {
    let mut changed = false;
    for b in &mut a.blocks {
        if let BlockKind::Figure {
            photo_id: Some(p),
            caption: c,
            ..
        } = &mut b.kind
            && p == photo_id
            && c != caption
        {
            caption.clone_into(c);
            changed = true;
        }
    }
    changed
}

fn figure_captions(article: &Article) -> impl Iterator<Item = (&str, &str)> {
    article.blocks.iter().filter_map(|b| match &b.kind {
        BlockKind::Figure {
            photo_id: Some(id),
            caption,
            ..
        } => Some((id.as_str(), caption.as_str())),
        _ => None,
    })
}

/// Batch captioning: templates expand per photo, shortcodes from `codes.tsv` expand in caption
/// and credit, and stories showing a photo take its new caption, each photo in one transaction.
pub fn caption_photos(
    lib: &Library,
    ids: &[String],
    edit: &FieldEdit,
) -> Result<Vec<photodesk::PhotoView>> {
    let codes = lib.code_table()?;
    let records: Vec<_> = ids.iter().map(|id| lib.photo(id)).collect::<Result<_>>()?;
    let mut stories = Vec::new();
    for rec in &records {
        let changed = lib.db().transaction(|tx| {
            let Some(caption) = store_edit(tx, &rec.id, edit, codes.as_ref(), lib.author())? else {
                return Ok(Vec::new());
            };
            photo_to_figures(tx, &rec.id, &caption, None, lib.author())
        })?;
        stories.extend(changed);
    }
    lib.notify_photos(records.iter().map(|r| r.id.clone()).collect());
    lib.notify_stories(&stories)?;
    lib.events().outbox_changed();
    records.iter().map(|r| lib.photo_view(&r.id)).collect()
}
