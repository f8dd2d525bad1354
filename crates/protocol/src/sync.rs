//! Wire types of the newsroom sync API, shared by `byline-server` and the `byline-sync` client.
//!
//! Keeping them here (and nowhere else) means a field renamed on one side fails to compile on
//! the other instead of silently dropping data on the wire.

use serde::{Deserialize, Serialize};

use crate::Article;

/// A write that touched the same field or block on both sides differently. The server's version
/// stays current in the article; the other side's version is kept here, visible, never dropped.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The block concerned, or `None` for an article field (title, lead, byline…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
    /// `"block"` for a block conflict, else the article field's name (`"title"`, `"lead"`…).
    pub field: String,
    /// The incoming (client's) version that did *not* become current; `null` = deleted there.
    pub theirs: serde_json::Value,
    /// The server's version, which stays current; `null` = deleted on the server.
    pub ours: serde_json::Value,
}

/// Body of `PUT /api/articles/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PutArticleRequest {
    pub article: Article,
    /// The server revision the client's edit started from (`None` for a first upload). The
    /// `If-Match` header, when present, takes precedence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_revision: Option<u64>,
}

/// An article as the server holds it: content, server revision and unresolved conflicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleEnvelope {
    pub article: Article,
    pub server_revision: u64,
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
    /// Change cursor of this version, comparable with [`ChangesResponse::next_cursor`].
    #[serde(default)]
    pub cursor: u64,
    /// What the public sees of this story (`None`: never published).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<Live>,
}

/// The public side of a story: its last published version and whether it was taken down.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Live {
    /// The published version the page serves (1, 2, …).
    pub version: u64,
    /// The server revision that version was made from: a working copy at a higher revision has
    /// changes the page does not show yet.
    pub revision: u64,
    /// The page answers 410 Gone: the story was taken down (its versions are kept).
    #[serde(default)]
    pub withdrawn: bool,
}

/// Body of `POST /api/articles/{id}/publish` (optional: an empty body publishes without one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishRequest {
    /// A correction notice shown, dated, under the newsroom's corrections heading on the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<String>,
}

/// Body of `POST /api/articles/{id}/unpublish`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnpublishRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One published version of a story (`GET /api/articles/{id}/versions`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub version: u64,
    /// RFC 3339, when the editor published it.
    pub published_at: String,
    /// The editor's user name on the server.
    pub published_by: String,
    /// The correction notice published with it, if any.
    #[serde(default)]
    pub correction: Option<String>,
}

/// Answer to `GET /api/articles/{id}/versions`, oldest first.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionList {
    pub versions: Vec<VersionInfo>,
    /// Set when the story is taken down: `{at, by, reason}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub takedown: Option<Takedown>,
}

/// A takedown: the page answers 410 Gone from `at` on.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Takedown {
    pub at: String,
    pub by: String,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Answer to `GET /api/me`: who the token belongs to, so an app can show "assigned to me".
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    /// `reporter`, `photographer`, `subeditor` or `editor`.
    pub role: String,
}

/// Answer to `PUT /api/articles/{id}` and `POST /api/articles/{id}/publish`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PutArticleResponse {
    pub server_revision: u64,
    /// True when the write was stale and got three-way merged with newer server edits: the
    /// client should adopt `article` as its new local content.
    pub merged: bool,
    /// The server's current article after the write.
    pub article: Article,
    /// Conflicts produced by *this* write (also stored with the article).
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
    /// What the public page serves after the write (`None`: never published).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<Live>,
}

/// Answer to `GET /api/articles?since=<cursor>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangesResponse {
    pub articles: Vec<ArticleEnvelope>,
    /// Pass back as `since` to get what changed after this page.
    pub next_cursor: u64,
    /// True when the page was cut at the limit and more changes follow.
    #[serde(default)]
    pub more: bool,
}

/// One entry of the change feed (`GET /api/changes`): an article or a photo's metadata as it
/// stands now, at the cursor of its latest change. An item changed twice after a reader's
/// cursor appears once, at its newer cursor, so a reader never applies an older state last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    Article {
        cursor: u64,
        article: ArticleEnvelope,
    },
    PhotoMeta {
        cursor: u64,
        photo: PhotoInfo,
    },
}

impl Change {
    /// Position of this change in the server's one sequence of article and photo changes.
    pub fn cursor(&self) -> u64 {
        match self {
            Change::Article { cursor, .. } | Change::PhotoMeta { cursor, .. } => *cursor,
        }
    }
}

/// Answer to `GET /api/changes?cursor=<n>&wait=<seconds>&limit=<n>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeFeed {
    /// Oldest first, cursors strictly increasing.
    pub changes: Vec<Change>,
    /// Pass back as `cursor` for what changed after this page (the request's own cursor when
    /// the page is empty).
    pub next_cursor: u64,
    /// True when the page was cut at the limit and more changes follow: ask again at once.
    #[serde(default)]
    pub more: bool,
}

/// One entry of `POST /api/blobs/batch`: a blob by content hash and size.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BlobRef {
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    pub size: u64,
}

/// Answer to `POST /api/blobs/batch`: the blobs the server lacks and wants uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobBatchResponse {
    pub missing: Vec<BlobRef>,
}

/// Descriptive metadata of a photo, `PUT /api/photos/{sha}/meta`. The server embeds it in the
/// copy it serves publicly (IPTC IIM + XMP, image data untouched), so every tool downstream reads
/// the same caption; the uploaded original is kept as it was.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoMeta {
    #[serde(default)]
    pub caption: String,
    #[serde(default)]
    pub credit: String,
    #[serde(default)]
    pub creator: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_at: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub headline: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub copyright: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub city: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub state: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub country: String,
    /// The newsroom's policy for this photo: the public copy carries no GPS coordinates
    /// (creator and copyright stay).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strip_gps: bool,
    /// The photographer's culling marks (rating, label, tag, reject): they travel with the
    /// caption, so a desk sees the picks.
    #[serde(default, skip_serializing_if = "crate::Marks::is_empty")]
    pub marks: crate::Marks,
}

impl PhotoMeta {
    /// The credit a figure of this photo prints when it has none of its own
    /// ([`crate::library_credit`]: the credit, else the creator).
    pub fn library_credit(&self) -> Option<&str> {
        crate::library_credit(&self.credit, &self.creator)
    }
}

/// What the server knows about a stored photo (`GET /api/photos/{sha}/meta`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoInfo {
    pub sha256: String,
    pub size: u64,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    #[serde(default)]
    pub meta: PhotoMeta,
}

/// True for a lowercase 64-digit hex SHA-256: the only form a blob name may take anywhere, so a
/// client-supplied name can never become a path component.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// True for an article id the server accepts: 1–100 ASCII letters, digits, `-` or `_`.
pub fn is_valid_article_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lowercase_hex_of_the_right_length_is_a_blob_name() {
        assert!(is_sha256_hex(&"a".repeat(64)));
        assert!(
            !is_sha256_hex(&"A".repeat(64)),
            "uppercase would give two names to one blob"
        );
        assert!(
            !is_sha256_hex("../../etc/passwd"),
            "a path is never a blob name"
        );
        assert!(!is_sha256_hex(&"a".repeat(63)));
    }

    #[test]
    fn a_change_is_tagged_by_kind_next_to_its_cursor() {
        let c = Change::PhotoMeta {
            cursor: 7,
            photo: PhotoInfo {
                sha256: "a".repeat(64),
                size: 1,
                content_type: "image/jpeg".into(),
                width: 1,
                height: 1,
                meta: PhotoMeta::default(),
            },
        };
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["kind"], "photo_meta", "clients switch on `kind`");
        assert_eq!(
            v["cursor"], 7,
            "the cursor sits beside the kind, not inside the item"
        );
        assert_eq!(v["photo"]["sha256"], "a".repeat(64));
        let back: Change = serde_json::from_value(v).unwrap();
        assert_eq!(back, c, "the wire form reads back as the same change");
        assert_eq!(back.cursor(), 7);
    }

    #[test]
    fn article_ids_refuse_path_characters() {
        assert!(is_valid_article_id("0193a-b_c"));
        assert!(
            !is_valid_article_id("../x"),
            "dots and slashes must be refused"
        );
        assert!(!is_valid_article_id(""));
    }
}
