//! Byline's WordPress client over the REST API (`/wp/v2/media`, `/wp/v2/posts`,
//! `/wp/v2/categories`, `/wp/v2/tags`): discovery of the API root, application-password auth,
//! lookups that find what an earlier attempt made (media by content-hash slug, posts by slug in
//! any status, terms by name), and the story rendered as block-editor HTML. No database: the
//! core remembers ids per destination and drives the order.

pub mod blocks;
pub mod error;
pub mod media;
pub mod posts;
pub mod site;
pub mod terms;

pub use error::{Result, WpError};
pub use media::{Media, MediaFields, media_slug};
pub use posts::{Post, PostFields, PostStatus};
pub use site::{Login, Site, check_url};
pub use terms::Taxonomy;
