//! The newsroom's front page (`GET /`: published stories by section) and its Atom feed
//! (`GET /feed.atom`), both rendered by `byline-render` from the last published version of each
//! story that is not taken down. Both list the newest [`LISTED`] stories.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use byline_render::{Entry, Feed, Teaser};
use chrono::{DateTime, FixedOffset};

use crate::AppState;
use crate::error::Result;
use crate::html::{PAGE_HEADERS, site_url};
use crate::versions::{self, Listed};

/// How many stories the front page and the feed list (newest first).
pub const LISTED: usize = 100;

/// `GET /`: every listed story under its section, newest first.
pub async fn front_page(State(state): State<AppState>) -> Result<Response> {
    let listed = state.read(|c| versions::published_list(c, LISTED)).await?;
    let teasers: Vec<Teaser> = listed
        .into_iter()
        .map(|l| Teaser {
            id: l.article.id,
            section: l.article.section,
            title: l.article.title,
            lead: l.article.lead,
            published_at: l.article.published_at,
        })
        .collect();
    let html = byline_render::front_page(&state.config().newsroom, &teasers);
    Ok((PAGE_HEADERS, html).into_response())
}

/// `GET /feed.atom`: the listed stories as Atom entries; a story's entry id stays the same
/// across its versions and its `updated` is its last version's publication.
pub async fn atom(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    let listed = state.read(|c| versions::published_list(c, LISTED)).await?;
    let site = site_url(&state, &headers);
    let newsroom = state.config().newsroom.clone();
    let mut entries: Vec<Entry> = listed.into_iter().map(|l| entry(&site, l)).collect();
    // Newest update first, as readers expect (the list is in order of first publication).
    entries.sort_by_key(|e| std::cmp::Reverse(e.updated));
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(epoch);
    let feed = Feed {
        id: format!("{site}/"),
        title: newsroom.clone(),
        home: format!("{site}/"),
        this: format!("{site}/feed.atom"),
        author: newsroom,
        updated,
        entries,
    };
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        byline_render::atom_feed(&feed),
    )
        .into_response())
}

fn entry(site: &str, l: Listed) -> Entry {
    let a = l.article;
    let people = |role: &str| a.people(role).map(|p| p.name.clone()).collect::<Vec<_>>();
    let mut authors = people("writer");
    if authors.is_empty() {
        authors = a.byline.iter().map(|p| p.name.clone()).collect();
    }
    let updated = parse(&l.last_published_at).unwrap_or_else(epoch);
    Entry {
        id: entry_id(site, &a.id),
        link: format!("{site}/articles/{}", a.id),
        title: a.title,
        updated,
        published: a.published_at,
        authors,
        summary: if a.lead.is_empty() {
            a.blocks
                .first()
                .map(|b| b.text().to_owned())
                .unwrap_or_default()
        } else {
            a.lead
        },
    }
}

/// A story's permanent entry id: `urn:uuid:` of its id (the ids Byline makes are UUIDs), so it
/// does not change with the address the feed was read at; else its page's address.
fn entry_id(site: &str, id: &str) -> String {
    match uuid::Uuid::parse_str(id) {
        Ok(u) => u.urn().to_string(),
        Err(_) => format!("{site}/articles/{id}"),
    }
}

fn parse(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).ok()
}

fn epoch() -> DateTime<FixedOffset> {
    DateTime::UNIX_EPOCH.fixed_offset()
}
