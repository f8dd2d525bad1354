//! Sends one story to one WordPress site, so that no retry ever makes a second post or media
//! item: each photo is looked for (remembered id, else its content-hash slug) before it is
//! uploaded, the post likewise (remembered id, else the slug fixed at enqueue, in any status),
//! and every id is recorded the moment the site gives it. Unchanged photos cost nothing;
//! changed captions update the media item without uploading the photo again.

use std::collections::HashMap;

use byline_protocol::{Article, BlockKind};
use byline_wordpress::blocks::{self, Placed};
use byline_wordpress::{
    Login, MediaFields, PostFields, PostStatus, Site, Taxonomy, WpError, media_slug,
};
use rusqlite::{OptionalExtension, params};

use crate::error::{CoreError, Result};
use crate::{Library, credit, io, photodesk, photos};

use super::{DestinationReport, Row};

/// Why a send stopped.
#[derive(Debug)]
pub(crate) enum Failure {
    Remote(WpError),
    Local(CoreError),
}

impl From<WpError> for Failure {
    fn from(e: WpError) -> Self {
        Failure::Remote(e)
    }
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        Failure::Local(e)
    }
}

type Sent<T> = std::result::Result<T, Failure>;

/// Connects to the destination's site, discovering (and remembering) its API root once.
async fn connect(lib: &Library, dest: &Row) -> Sent<Site> {
    let login = Login {
        user: dest.user.clone(),
        app_password: super::password(lib, &dest.name)?,
    };
    if let Some(root) = &dest.api_root {
        return Ok(Site::with_root(root, &login)?);
    }
    let site = Site::discover(&dest.url, &login).await?;
    lib.db().write(|c| {
        c.execute(
            "UPDATE destinations SET api_root = ?2 WHERE name = ?1",
            params![dest.name, site.root()],
        )?;
        Ok(())
    })?;
    Ok(site)
}

/// Sends story `id` to `dest`, adding what it uploads and skips to `report`.
pub(crate) async fn send(
    lib: &Library,
    dest: &Row,
    id: &str,
    report: &mut DestinationReport,
) -> Sent<()> {
    let site = connect(lib, dest).await?;
    let article = credit::resolved(lib, &lib.article(id)?);
    let mut placed: HashMap<String, Placed> = HashMap::new();
    for b in &article.blocks {
        if let BlockKind::Figure {
            photo_id: Some(photo),
            caption,
            credit,
            ..
        } = &b.kind
            && !placed.contains_key(photo)
        {
            let p = ensure_media(lib, &site, &dest.name, photo, caption, credit, report).await?;
            placed.insert(photo.clone(), p);
        }
    }
    let fields = post_fields(lib, &site, &dest.name, &article, &placed).await?;
    let post = ensure_post(lib, &site, &dest.name, id, &fields).await?;
    report.destination = dest.name.clone();
    report.post_id = post.id;
    report.url = post.link;
    Ok(())
}

/// What a media item says: the figure's caption with its credit (the page's figcaption), the
/// caption as alt text, the photo's headline (else the caption) as title, the credit line as
/// description.
fn media_fields(rec: &photos::PhotoRecord, caption: &str, credit: &str) -> MediaFields {
    let headline = rec.meta.fields.headline.trim();
    MediaFields {
        title: if headline.is_empty() {
            caption.trim().to_owned()
        } else {
            headline.to_owned()
        },
        caption: blocks::caption_with_credit(caption, credit),
        alt_text: caption.trim().to_owned(),
        description: if credit.trim().is_empty() {
            String::new()
        } else {
            format!("Ảnh: {}", credit.trim())
        },
    }
}

fn fields_key(f: &MediaFields) -> String {
    serde_json::json!([f.title, f.caption, f.alt_text, f.description]).to_string()
}

async fn ensure_media(
    lib: &Library,
    site: &Site,
    dest: &str,
    photo: &str,
    caption: &str,
    credit: &str,
    report: &mut DestinationReport,
) -> Sent<Placed> {
    let rec = lib.photo(photo)?;
    let fields = media_fields(&rec, caption, credit);
    let key = fields_key(&fields);
    let known: Option<(u64, String, String)> = lib.db().read(|c| {
        Ok(c.query_row(
            "SELECT media_id, source_url, fields FROM destination_media
             WHERE destination = ?1 AND photo_id = ?2",
            params![dest, photo],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?)
    })?;
    if let Some((media_id, url, stored)) = known {
        match (stored == key, site_update(site, media_id, &fields).await) {
            (true, _) | (false, Ok(true)) => {
                remember_media(lib, dest, photo, media_id, &url, &key)?;
                report.present(photo);
                return Ok(Placed { media_id, url });
            }
            // Deleted on the site: find or upload it again below.
            (false, Ok(false)) => {}
            (false, Err(e)) => return Err(e.into()),
        }
    }
    let slug = media_slug(photo);
    if let Some(m) = site.find_media(&slug).await? {
        // An earlier attempt uploaded it and its reply was lost: use it, with today's fields.
        site.update_media(m.id, &fields).await?;
        remember_media(lib, dest, photo, m.id, &m.source_url, &key)?;
        report.present(photo);
        return Ok(Placed {
            media_id: m.id,
            url: m.source_url,
        });
    }
    let (bytes, content_type) = public_copy(lib, &rec, caption, credit)?;
    report.trying(photo);
    let m = site
        .upload_media(&slug, &content_type, bytes, &fields)
        .await?;
    remember_media(lib, dest, photo, m.id, &m.source_url, &key)?;
    report.uploaded(photo);
    Ok(Placed {
        media_id: m.id,
        url: m.source_url,
    })
}

/// Updates a media item's fields; `Ok(false)` when the item no longer exists on the site.
async fn site_update(site: &Site, id: u64, fields: &MediaFields) -> Result<bool, WpError> {
    match site.update_media(id, fields).await {
        Ok(()) => Ok(true),
        Err(WpError::Http {
            status: 404 | 410, ..
        }) => Ok(false),
        Err(e) => Err(e),
    }
}

fn remember_media(
    lib: &Library,
    dest: &str,
    photo: &str,
    media_id: u64,
    url: &str,
    key: &str,
) -> Result<()> {
    lib.db().write(|c| {
        c.execute(
            "INSERT INTO destination_media(destination, photo_id, media_id, source_url, fields)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(destination, photo_id) DO UPDATE SET media_id = ?3, source_url = ?4,
                 fields = ?5",
            params![dest, photo, media_id, url, key],
        )?;
        Ok(())
    })
}

/// The copy that goes to the site: caption and credit written into its IPTC/XMP (what
/// WordPress itself reads at upload), the location removed as the newsroom's policy says.
fn public_copy(
    lib: &Library,
    rec: &photos::PhotoRecord,
    caption: &str,
    credit: &str,
) -> Result<(Vec<u8>, String)> {
    let policy = lib.publish_policy()?;
    let path = lib.root().join(photos::relative_path(&rec.id, &rec.format));
    let original = std::fs::read(&path).map_err(|e| CoreError::io(&path, e))?;
    let mut meta = photodesk::photo_meta(rec, policy.strip_gps);
    meta.caption = caption.to_owned();
    meta.credit = credit.to_owned();
    let fields = byline_media::CaptionFields::from(&meta);
    let copy =
        byline_media::publish_copy(&original, &fields, policy.strip_gps, &rec.original_name)?;
    Ok((copy.bytes, format!("image/{}", rec.format)))
}

async fn post_fields(
    lib: &Library,
    site: &Site,
    dest: &str,
    article: &Article,
    placed: &HashMap<String, Placed>,
) -> Sent<PostFields> {
    let mut categories = Vec::new();
    if !article.section.trim().is_empty() {
        categories.push(
            site.ensure_term(Taxonomy::Category, article.section.trim())
                .await?,
        );
    }
    let mut tags = Vec::new();
    for t in article.tags.iter().filter(|t| !t.trim().is_empty()) {
        tags.push(site.ensure_term(Taxonomy::Tag, t.trim()).await?);
    }
    let byline = io::html::printed_byline(article);
    let content = blocks::content(
        article,
        &|b| match &b.kind {
            BlockKind::Figure {
                photo_id: Some(p), ..
            } => placed.get(p).cloned(),
            _ => None,
        },
        &byline,
    );
    let featured = article.blocks.iter().find_map(|b| match &b.kind {
        BlockKind::Figure {
            photo_id: Some(p), ..
        } => placed.get(p).map(|p| p.media_id),
        _ => None,
    });
    let slug = lib.db().read(|c| {
        Ok(c.query_row(
            "SELECT slug FROM destination_posts WHERE destination = ?1 AND article_id = ?2",
            params![dest, article.id],
            |r| r.get::<_, String>(0),
        )?)
    })?;
    let now = chrono::Utc::now();
    let status = match article.published_at {
        Some(t) if t.with_timezone(&chrono::Utc) > now => PostStatus::Future,
        _ => PostStatus::Publish,
    };
    Ok(PostFields {
        slug,
        title: blocks::escape(&article.title),
        content,
        excerpt: blocks::escape(&article.lead),
        status,
        date_gmt: article.published_at.map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%dT%H:%M:%S")
                .to_string()
        }),
        featured_media: featured,
        categories,
        tags,
    })
}

async fn ensure_post(
    lib: &Library,
    site: &Site,
    dest: &str,
    id: &str,
    fields: &PostFields,
) -> Sent<byline_wordpress::Post> {
    let known: Option<u64> = lib.db().read(|c| {
        Ok(c.query_row(
            "SELECT post_id FROM destination_posts WHERE destination = ?1 AND article_id = ?2",
            params![dest, id],
            |r| r.get(0),
        )?)
    })?;
    if let Some(post_id) = known {
        match site.update_post(post_id, fields).await {
            Ok(post) => {
                remember_post(lib, dest, id, post.id, Some(&post.link))?;
                return Ok(post);
            }
            // Deleted on the site: look for it by slug, else make it again.
            Err(WpError::Http {
                status: 404 | 410, ..
            }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    // Not remembered: an earlier attempt may have made it and lost the reply.
    let post = match site.find_post(&fields.slug).await? {
        Some(found) => {
            remember_post(lib, dest, id, found.id, Some(&found.link))?;
            site.update_post(found.id, fields).await?
        }
        None => site.create_post(fields).await?,
    };
    remember_post(lib, dest, id, post.id, Some(&post.link))?;
    Ok(post)
}

fn remember_post(
    lib: &Library,
    dest: &str,
    id: &str,
    post_id: u64,
    link: Option<&str>,
) -> Result<()> {
    let now = chrono::Local::now().fixed_offset().to_rfc3339();
    lib.db().write(|c| {
        c.execute(
            "UPDATE destination_posts SET post_id = ?3, link = COALESCE(?4, link), published_at = ?5
             WHERE destination = ?1 AND article_id = ?2",
            params![dest, id, post_id, link, now],
        )?;
        Ok(())
    })
}
