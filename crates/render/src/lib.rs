//! Byline's one HTML renderer. The newsroom server's public page and the desktop's standalone
//! HTML export are the same [`story_page`] with different photo sources, so they cannot drift
//! apart (the related items box, credits from the photo library, the Vietnamese date line,
//! correction notices). Also the server's front page ([`front_page`]) and its Atom feed
//! ([`atom_feed`]). No database, no I/O: callers pass what they looked up.
//!
//! Every text goes through `byline_text::escape_html`; every outside `href` passes
//! `byline_protocol::check_link` (http/https only) here, whatever the caller checked before.

mod atom;
mod front;
mod story;

pub use atom::{Entry, Feed, atom_feed};
pub use front::{Teaser, front_page};
pub use story::{
    Correction, Figures, StoryPage, article, body, dateline, printed_byline, story_page,
};

/// The stylesheet every page shares (inline: a page or an exported file is one document).
pub(crate) const CSS: &str = "body{margin:0;background:#f6f4ef;color:#1d1d1b;font:18px/1.6 'Noto Serif','DejaVu Serif',Georgia,serif}\
main{max-width:44rem;margin:0 auto;padding:2rem 1.25rem;background:#fff}\
.section{font:600 .85rem/1 system-ui,sans-serif;text-transform:uppercase;letter-spacing:.06em;color:#a4161a}\
h1{font-size:2rem;line-height:1.25;margin:.5rem 0}\
time{display:block;color:#666;font:.9rem system-ui,sans-serif;margin-bottom:1rem}\
.lead{font-weight:700}\
figure{margin:1.5rem 0}figure img{width:100%;height:auto;display:block}\
figcaption{font:italic .9rem/1.4 system-ui,sans-serif;color:#555;text-align:center;padding:.4rem}\
.byline{text-align:right;font-weight:700;margin-top:2rem}\
.related{border-top:1px solid #ddd;margin-top:2rem;font:.95rem/1.5 system-ui,sans-serif}\
.related h2,.front h2{font-size:1rem;color:#a4161a;margin:.5rem 0}\
.corrections{border-top:2px solid #a4161a;margin-top:2rem;padding-top:.5rem;font:.95rem/1.5 system-ui,sans-serif}\
.corrections h2{font-size:1rem;color:#a4161a;margin:.25rem 0}.corrections time,.front time{display:inline;margin:0}\
.front ul{list-style:none;padding:0}.front li{margin:.6rem 0}.front a{color:inherit;font-weight:700}";

/// The document around `content`: `lang="vi"`, UTF-8, the shared stylesheet, `<main>`.
pub(crate) fn document(title: &str, head_extra: &str, content: &str) -> String {
    let mut h = String::with_capacity(content.len() + CSS.len() + 512);
    h.push_str("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str(&format!(
        "<title>{}</title>\n{head_extra}<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        byline_text::escape_html(title)
    ));
    h.push_str(content);
    h.push_str("</main>\n</body>\n</html>\n");
    h
}
