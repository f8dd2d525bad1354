//! Types that cross a boundary: the article model (stored locally, sent to the server, shown in
//! the UI) and the `{code, message}` error. Both the desktop core and the server depend on this
//! crate and on nothing of each other.

pub mod article;
pub mod error;
pub mod links;
pub mod marks;

pub use article::{
    Article, ArticleContent, Block, BlockKind, Person, Related, Status, library_credit, new_id,
};
pub use error::{ApiError, ErrorCode};
pub use links::{LinkError, check_link};
pub use marks::{Label, Marks};
pub mod diff;
pub mod merge;
pub mod sync;

pub use merge::{MergeOutcome, merge};
pub use sync::Conflict;
