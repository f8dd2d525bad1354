//! The public page of a published article: `GET /articles/{id}`, rendered by `byline-render`
//! (the same renderer as the desktop's HTML export). This module only looks up what the page
//! needs: the last published version and its corrections, which figures still show their
//! photo's preview, the photo library's credits (the server's photo metadata) and the address
//! of related stories on this server. A figure shows its photo's public copy; while only the
//! photo's preview has arrived it shows the preview.

use std::collections::{HashMap, HashSet};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use byline_protocol::sync::{PhotoMeta, is_sha256_hex, is_valid_article_id};
use byline_protocol::{Article, BlockKind};
use byline_render::{Correction, Figures, StoryPage};

use crate::AppState;
use crate::articles::check_id;
use crate::error::{Result, ServerError};
use crate::previews::shown_as_preview;
use crate::versions::{self, Notice, Page};

/// The headers every public HTML page carries.
pub(crate) const PAGE_HEADERS: [(header::HeaderName, &str); 3] = [
    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; style-src 'unsafe-inline'",
    ),
];

/// `GET /articles/{id}`: the last published version (never the working copy), with its
/// correction notices; 410 Gone with no content after a takedown; 404 if never published.
pub async fn article_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response> {
    check_id(&id)?;
    let key = id.clone();
    let (mut a, notices) = match state.read(move |c| versions::page(c, &key)).await? {
        Page::Live {
            article,
            corrections,
        } => (article, corrections),
        Page::Gone => return Ok(StatusCode::GONE.into_response()),
        Page::Missing => {
            return Err(ServerError::not_found(format!("no published article {id}")));
        }
    };
    let photos: Vec<String> = a
        .blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Figure { photo_id, .. } => photo_id.clone().filter(|s| is_sha256_hex(s)),
            _ => None,
        })
        .collect();
    let wanted = photos.clone();
    let credits = state.read(move |c| library_credits(c, &wanted)).await?;
    let previewed = shown_as_preview(&state, photos).await?;
    link_related_stories(&mut a, &site_url(&state, &headers));
    let corrections: Vec<Correction> = notices.iter().map(correction).collect();
    let src = |b: &byline_protocol::Block| figure_src(b, &previewed);
    let credit = |sha: &str| credits.get(sha).cloned();
    let html = byline_render::story_page(&StoryPage {
        article: &a,
        figures: Figures {
            src: &src,
            library_credit: &credit,
        },
        corrections_heading: &state.config().correction_heading,
        corrections: &corrections,
    });
    Ok((PAGE_HEADERS, html).into_response())
}

/// `/photos/{sha}`, or `/photos/{sha}/preview` while only the preview has arrived. Only a
/// well-formed hash becomes a URL; anything else shows the caption alone.
fn figure_src(b: &byline_protocol::Block, previewed: &HashSet<String>) -> Option<String> {
    let BlockKind::Figure { photo_id, .. } = &b.kind else {
        return None;
    };
    let sha = photo_id.as_deref().filter(|s| is_sha256_hex(s))?;
    let rendition = if previewed.contains(sha) {
        "/preview"
    } else {
        ""
    };
    Some(format!("/photos/{sha}{rendition}"))
}

fn correction(n: &Notice) -> Correction {
    Correction {
        at: chrono::DateTime::parse_from_rfc3339(&n.published_at).ok(),
        text: n.text.clone(),
    }
}

/// The photo library's credit (credit, else creator, as the desk set them) of each photo of
/// `shas` that has metadata on the server.
pub(crate) fn library_credits(
    c: &crate::sql::Conn,
    shas: &[String],
) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    for sha in shas {
        let row = c.query_opt(
            "SELECT meta FROM photo_meta WHERE sha256 = ?1",
            crate::args![sha],
        )?;
        let Some(row) = row else { continue };
        let meta: String = row.get(0)?;
        let meta: PhotoMeta = serde_json::from_str(&meta)?;
        if let Some(credit) = meta.library_credit() {
            out.insert(sha.clone(), credit.to_owned());
        }
    }
    Ok(out)
}

/// A related item that names another story but no address points at that story's page here,
/// so the renderer's one link check sees an ordinary web address.
fn link_related_stories(a: &mut Article, site: &str) {
    for r in &mut a.related {
        if r.url.is_none()
            && let Some(id) = r.article_id.as_deref().filter(|i| is_valid_article_id(i))
        {
            r.url = Some(format!("{site}/articles/{id}"));
        }
    }
}

/// This server's public address without a trailing slash: `--public-url` when the newsroom set
/// it (behind a proxy it must), else `http://` and the request's `Host` when that is a plain
/// host name or address with an optional port, else `http://localhost`.
pub(crate) fn site_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(u) = &state.config().public_url {
        return u.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}
