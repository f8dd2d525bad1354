//! Media items: found by the slug Byline gives them (the photo's content hash, so a retry after
//! a lost reply finds the item the lost attempt made), uploaded with their caption, alt text,
//! title and description set in the same request, and updated when only the caption changed.

use reqwest::Method;
use serde_json::{Value, json};

use crate::error::{Result, WpError};
use crate::site::Site;

/// What a media item says about its photo, set explicitly (WordPress reads captions from IPTC
/// only at upload, and many sites strip them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFields {
    pub title: String,
    /// Caption and credit, as the page prints them under the photo.
    pub caption: String,
    pub alt_text: String,
    /// The credit line ("Ảnh: …"), kept in the attachment's description.
    pub description: String,
}

/// A media item on the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub id: u64,
    pub source_url: String,
}

/// The slug of a photo's media item: its SHA-256, shortened (64 bits are plenty within one
/// site), so the same bytes always map to the same item.
pub fn media_slug(photo_sha256: &str) -> String {
    format!("byline-{}", &photo_sha256[..photo_sha256.len().min(16)])
}

fn media(v: &Value) -> Result<Media> {
    Ok(Media {
        id: v["id"]
            .as_u64()
            .ok_or_else(|| WpError::Protocol(format!("a media item without id: {v}")))?,
        source_url: v["source_url"].as_str().unwrap_or_default().to_owned(),
    })
}

impl Site {
    /// The media item an earlier upload made under `slug`, if any.
    pub async fn find_media(&self, slug: &str) -> Result<Option<Media>> {
        let found = self
            .get(
                "wp/v2/media",
                &[("slug", slug), ("_fields", "id,source_url,slug")],
            )
            .await?;
        let list = found.as_array().ok_or_else(|| {
            WpError::Protocol(format!("media search did not give a list: {found}"))
        })?;
        list.iter()
            .find(|m| m["slug"].as_str() == Some(slug))
            .map(media)
            .transpose()
    }

    /// Uploads a photo as a new media item named `slug`, its fields set in the same request.
    pub async fn upload_media(
        &self,
        slug: &str,
        content_type: &str,
        bytes: Vec<u8>,
        fields: &MediaFields,
    ) -> Result<Media> {
        let ext = match content_type {
            "image/png" => "png",
            "image/webp" => "webp",
            "image/tiff" => "tif",
            _ => "jpg",
        };
        let query = [
            ("slug", slug),
            ("title", fields.title.as_str()),
            ("caption", fields.caption.as_str()),
            ("alt_text", fields.alt_text.as_str()),
            ("description", fields.description.as_str()),
        ];
        let req = self
            .request(Method::POST, "wp/v2/media", &query)
            .header("Content-Type", content_type)
            .header(
                "Content-Disposition",
                format!("attachment; filename={slug}.{ext}"),
            )
            .body(bytes);
        media(&self.send(req).await?)
    }

    /// Sets a media item's fields (a caption edited after the photo went up).
    pub async fn update_media(&self, id: u64, fields: &MediaFields) -> Result<()> {
        let body = json!({
            "title": fields.title,
            "caption": fields.caption,
            "alt_text": fields.alt_text,
            "description": fields.description,
        });
        self.post(&format!("wp/v2/media/{id}"), &body).await?;
        Ok(())
    }
}
