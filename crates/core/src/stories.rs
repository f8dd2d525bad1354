//! Stories: create, save (with the one-caption rule in the same transaction), field edits,
//! restore, trash, attaching photos. Each write is one short `IMMEDIATE` transaction on the
//! library's writer; reads go to the pooled readers.

use byline_protocol::{Article, Block, BlockKind, Status};

use crate::drafts::{self, SaveOutcome};
use crate::error::{CoreError, Result};
use crate::{Field, Library, captions, photos};

/// Accepts a full id or a unique prefix of at least 6 characters.
pub fn resolve_id(lib: &Library, id: &str) -> Result<String> {
    let id = id.trim();
    if id.len() < 6 || id.contains(['%', '_']) {
        return Ok(id.to_owned());
    }
    let ids: Vec<String> = lib.db().read(|c| {
        let mut stmt = c.prepare("SELECT id FROM articles WHERE id LIKE ?1 || '%' LIMIT 2")?;
        let ids = stmt
            .query_map([id], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ids)
    })?;
    match ids.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(CoreError::article_not_found(id)),
        _ if ids.iter().any(|i| i == id) => Ok(id.to_owned()),
        _ => Err(CoreError::Invalid(format!(
            "id prefix `{id}` matches several articles; give more of it"
        ))),
    }
}

/// Stores a new article (revision 1); filed figure captions seed their photos' captions.
pub fn create(lib: &Library, mut article: Article) -> Result<Article> {
    lib.db().transaction(|tx| {
        drafts::create_in(tx, &mut article, lib.author())?;
        captions::seed_from_figures(tx, &article, lib.author())
    })?;
    lib.story_changed(&article.id, article.revision);
    Ok(article)
}

/// Saves an edited article as a new revision (autosave calls this on every pause). A figure
/// caption edited here becomes the photo's caption too, in the same transaction.
pub fn save(lib: &Library, article: &mut Article) -> Result<SaveOutcome> {
    let before = (article.revision, article.updated_at);
    let saved = lib.db().transaction(|tx| {
        let out = drafts::save_in(tx, article, lib.author(), true)?;
        let photos_changed = out.changed && captions::figures_to_photos(tx, article, lib.author())?;
        Ok((out, photos_changed))
    });
    // A failed save (a full disk) gives the editor back its copy as it was, so "save again"
    // after freeing space is not refused as a conflict with the save that never happened.
    let (out, others) = saved.inspect_err(|_| {
        (article.revision, article.updated_at) = before;
    })?;
    lib.events().indexing_wanted();
    if out.changed {
        lib.events().outbox_changed();
        if others {
            lib.notify_photos(Vec::new());
        }
    }
    Ok(out)
}

pub fn restore(lib: &Library, id: &str, revision: u64) -> Result<SaveOutcome> {
    let id = resolve_id(lib, id)?;
    let out = lib
        .db()
        .write(|c| drafts::restore(c, &id, revision, lib.author()))?;
    lib.events().outbox_changed();
    Ok(out)
}

/// Sets one field and saves a new revision. A slug that followed the title follows it on.
pub fn set_field(lib: &Library, id: &str, field: Field, value: &str) -> Result<Article> {
    let mut a = lib.article(id)?;
    let value = byline_text::nfc(value);
    match field {
        Field::Title => {
            if value.trim().is_empty() {
                return Err(CoreError::Invalid("title cannot be empty".into()));
            }
            if a.slug == byline_text::slug(&a.title) {
                a.slug = byline_text::slug(&value);
            }
            a.title = value;
        }
        Field::Section => a.section = value,
        Field::Lead => a.lead = value,
        Field::Slug => a.slug = byline_text::slug(&value),
        Field::Status => a.status = parse_status(&value)?,
        Field::PublishedAt => a.published_at = parse_time(&value)?,
    }
    save(lib, &mut a)?;
    Ok(a)
}

fn parse_status(value: &str) -> Result<Status> {
    Status::parse(value).ok_or_else(|| {
        CoreError::Invalid(format!(
            "status `{value}` is not one of draft, ready, submitted, edited, approved, published, withdrawn"
        ))
    })
}

fn parse_time(value: &str) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    chrono::DateTime::parse_from_rfc3339(value.trim())
        .map(Some)
        .map_err(|e| {
            CoreError::Invalid(format!(
                "published_at `{value}` is not a time with zone ({e}); write it like 2024-06-18T12:17:00+07:00"
            ))
        })
}

/// Appends a figure for a library photo to an article, as a new revision.
pub fn attach_photo(
    lib: &Library,
    article_id: &str,
    photo_id: &str,
    caption: Option<&str>,
) -> Result<Article> {
    let photo = lib.photo(photo_id)?;
    let mut a = lib.article(article_id)?;
    let caption = caption
        .map(byline_text::nfc)
        .unwrap_or_else(|| photo.meta.fields.caption.clone());
    let credit = photo.meta.fields.credit.clone();
    a.blocks.push(Block::new(BlockKind::Figure {
        photo_id: Some(photo.id),
        caption,
        credit,
        src: None,
    }));
    save(lib, &mut a)?;
    Ok(a)
}

/// Moves a story to the trash, takes it back, or empties the trash.
pub fn trash(lib: &Library, id: &str) -> Result<()> {
    let id = resolve_id(lib, id)?;
    lib.db().write(|c| drafts::trash(c, &id))
}

pub fn untrash(lib: &Library, id: &str) -> Result<()> {
    let id = resolve_id(lib, id)?;
    lib.db().write(|c| drafts::untrash(c, &id))
}

pub fn empty_trash(lib: &Library) -> Result<usize> {
    lib.db().write(drafts::empty_trash)
}

/// Whether a story shows the photo.
pub(crate) fn shows_photo(article: &Article, photo_id: &str) -> bool {
    article
        .blocks
        .iter()
        .any(|b| matches!(&b.kind, BlockKind::Figure { photo_id: Some(p), .. } if p == photo_id))
}

/// The path of a library photo's original.
pub(crate) fn photo_file(lib: &Library, rec: &photos::PhotoRecord) -> std::path::PathBuf {
    lib.root().join(photos::relative_path(&rec.id, &rec.format))
}

/// An editor's copy merged with what changed underneath it (a pull, another front end).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, serde::Serialize)]
pub struct MergedEdit {
    /// The story as now stored: both sides' changes, at the current revision.
    pub article: Article,
    /// Blocks or fields both sides changed differently: the stored version stays current and
    /// the editor's text is kept here (and in the Publish panel for a synced story), never lost.
    pub conflicts: Vec<byline_protocol::sync::Conflict>,
}

/// Merges the editor's copy `mine` (based on `mine.revision`) with the story as stored now,
/// block by block against their common revision, and saves the result, all in one
/// transaction. What only one side changed is kept; a block both changed stays as stored and
/// the editor's text becomes a conflict to resolve.
pub fn merge_edit(lib: &Library, mut mine: Article) -> Result<MergedEdit> {
    let conflicts = lib.db().transaction(|tx| {
        let current = drafts::get(tx, &mine.id)?;
        if current.revision == mine.revision {
            drafts::save_in(tx, &mut mine, lib.author(), true)?;
            return Ok(Vec::new());
        }
        let base = drafts::get_revision(tx, &mine.id, mine.revision)?;
        let out = byline_protocol::merge::merge(Some(&base), &current, &mine);
        mine = out.article;
        mine.revision = current.revision;
        drafts::save_in(tx, &mut mine, lib.author(), true)?;
        crate::conflicts::append(tx, &mine.id, &out.conflicts)?;
        Ok(out.conflicts)
    })?;
    lib.events().outbox_changed();
    Ok(MergedEdit {
        article: mine,
        conflicts,
    })
}
