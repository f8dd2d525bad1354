//! Standalone HTML export: one file a reporter can mail or open anywhere. It is the server's
//! public page, rendered by the same `byline-render` (section, title, date line, lead, body
//! with captioned and credited photos, byline, related items), with each photo as a data URI.

use byline_protocol::{Article, Block};
use byline_render::{Figures, StoryPage};

pub use byline_render::printed_byline;

/// Renders the article as a complete document. `image_src` maps a figure to the `src` to use
/// (`None` leaves the figure without an image); `library_credit` gives the photo library's
/// credit of a photo id, printed when a figure has none of its own.
pub fn render(
    article: &Article,
    image_src: &dyn Fn(&Block) -> Option<String>,
    library_credit: &dyn Fn(&str) -> Option<String>,
) -> String {
    byline_render::story_page(&StoryPage {
        article,
        figures: Figures {
            src: image_src,
            library_credit,
        },
        corrections_heading: "",
        corrections: &[],
    })
}

/// The story's body alone (figure credits already resolved by the caller): what a feed such as
/// ninjs carries as its HTML body.
pub fn body(article: &Article, image_src: &dyn Fn(&Block) -> Option<String>) -> String {
    byline_render::body(
        article,
        &Figures {
            src: image_src,
            library_credit: &|_| None,
        },
    )
}
