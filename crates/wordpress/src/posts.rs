//! Posts: found by the slug Byline chose for the story (any status, so a scheduled or draft
//! post an earlier attempt made is found too), created, or updated in place.

use serde_json::{Value, json};

use crate::error::{Result, WpError};
use crate::site::Site;

/// Whether the post is live or waits for its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostStatus {
    Publish,
    /// A publish time in the future: WordPress publishes it then.
    Future,
}

impl PostStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PostStatus::Publish => "publish",
            PostStatus::Future => "future",
        }
    }
}

/// Everything a post is given.
#[derive(Debug, Clone, PartialEq)]
pub struct PostFields {
    pub slug: String,
    pub title: String,
    /// Block-editor HTML ([`crate::blocks::content`]).
    pub content: String,
    pub excerpt: String,
    pub status: PostStatus,
    /// The publish time in UTC, `YYYY-MM-DDTHH:MM:SS`; WordPress shows it in the site's zone.
    pub date_gmt: Option<String>,
    pub featured_media: Option<u64>,
    pub categories: Vec<u64>,
    pub tags: Vec<u64>,
}

/// A post on the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: u64,
    pub link: String,
}

fn post(v: &Value) -> Result<Post> {
    Ok(Post {
        id: v["id"]
            .as_u64()
            .ok_or_else(|| WpError::Protocol(format!("a post without id: {v}")))?,
        link: v["link"].as_str().unwrap_or_default().to_owned(),
    })
}

fn body(f: &PostFields) -> Value {
    let mut b = json!({
        "slug": f.slug,
        "title": f.title,
        "content": f.content,
        "excerpt": f.excerpt,
        "status": f.status.as_str(),
        "featured_media": f.featured_media.unwrap_or(0),
        "categories": f.categories,
        "tags": f.tags,
    });
    if let Some(d) = &f.date_gmt {
        b["date_gmt"] = json!(d);
    }
    b
}

impl Site {
    /// The post with this slug in any status (published, scheduled, draft, pending, private).
    pub async fn find_post(&self, slug: &str) -> Result<Option<Post>> {
        let found = self
            .get(
                "wp/v2/posts",
                &[
                    ("slug", slug),
                    ("status", "publish,future,draft,pending,private"),
                    ("context", "edit"),
                    ("_fields", "id,link,slug"),
                ],
            )
            .await?;
        let list = found.as_array().ok_or_else(|| {
            WpError::Protocol(format!("post search did not give a list: {found}"))
        })?;
        list.iter()
            .find(|p| p["slug"].as_str() == Some(slug))
            .map(post)
            .transpose()
    }

    /// Creates a post.
    pub async fn create_post(&self, fields: &PostFields) -> Result<Post> {
        post(&self.post("wp/v2/posts", &body(fields)).await?)
    }

    /// Replaces a post's fields.
    pub async fn update_post(&self, id: u64, fields: &PostFields) -> Result<Post> {
        post(
            &self
                .post(&format!("wp/v2/posts/{id}"), &body(fields))
                .await?,
        )
    }

    /// A post by id (`None` when it was deleted on the site).
    pub async fn get_post(&self, id: u64) -> Result<Option<Post>> {
        match self
            .get(
                &format!("wp/v2/posts/{id}"),
                &[("context", "edit"), ("_fields", "id,link,status")],
            )
            .await
        {
            Ok(v) if v["status"].as_str() == Some("trash") => Ok(None),
            Ok(v) => post(&v).map(Some),
            Err(WpError::Http {
                status: 404 | 410, ..
            }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
