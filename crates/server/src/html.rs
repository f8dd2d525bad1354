//! The public page of a published article: `GET /articles/{id}`, server-rendered, escaped,
//! `lang="vi"`, laid out like the newspaper page the model story comes from. A figure shows its
//! photo's public copy; while only the photo's preview has arrived it shows the preview, and the
//! next request after the original and its metadata arrive shows the public copy again.

use std::collections::HashSet;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use byline_protocol::sync::is_sha256_hex;
use byline_protocol::{Article, BlockKind};

use crate::AppState;
use crate::articles::check_id;
use crate::error::{Result, ServerError};
use crate::previews::shown_as_preview;
use crate::versions::{self, Notice, Page};

/// Escapes text for HTML element content and double-quoted attributes.
pub use byline_text::escape_html as escape;

const CSS: &str = "body{margin:0;background:#f6f4ef;color:#1d1d1b;font:18px/1.6 'Noto Serif',Georgia,serif}\
main{max-width:44rem;margin:0 auto;padding:2rem 1.25rem;background:#fff}\
.section{font:600 .85rem/1 system-ui,sans-serif;text-transform:uppercase;letter-spacing:.06em;color:#a4161a}\
h1{font-size:2rem;line-height:1.25;margin:.5rem 0}\
time{display:block;color:#666;font:.9rem system-ui,sans-serif;margin-bottom:1rem}\
.lead{font-weight:700}\
figure{margin:1.5rem 0}figure img{width:100%;height:auto;display:block}\
figcaption{font:italic .9rem/1.4 system-ui,sans-serif;color:#555;text-align:center;padding:.4rem}\
.byline{text-align:right;font-weight:700;margin-top:2rem}\
.corrections{border-top:2px solid #a4161a;margin-top:2rem;padding-top:.5rem;font:.95rem/1.5 system-ui,sans-serif}\
.corrections h2{font-size:1rem;color:#a4161a;margin:.25rem 0}.corrections time{display:inline;margin:0}";

/// Renders the correction notices under the newsroom's heading, each with its date in the
/// newsroom's zone (+07:00), oldest first.
fn corrections(h: &mut String, heading: &str, notices: &[Notice]) {
    if notices.is_empty() {
        return;
    }
    h.push_str(&format!(
        "<section class=\"corrections\">\n<h2>{}</h2>\n",
        escape(heading)
    ));
    let zone = chrono::FixedOffset::east_opt(7 * 3600).expect("+07:00 is a valid offset");
    for n in notices {
        let when =
            chrono::DateTime::parse_from_rfc3339(&n.published_at).map(|t| t.with_timezone(&zone));
        h.push_str("<p class=\"correction\">");
        if let Ok(t) = when {
            h.push_str(&format!(
                "<time datetime=\"{}\">{}</time>: ",
                escape(&t.to_rfc3339()),
                t.format("%H:%M, %d/%m/%Y")
            ));
        }
        h.push_str(&format!("{}</p>\n", escape(&n.text)));
    }
    h.push_str("</section>\n");
}

/// Renders an article as a complete HTML document. Figures whose photo is in `previewed` show
/// `/photos/{sha}/preview`, the others `/photos/{sha}`.
pub fn render(a: &Article, previewed: &HashSet<String>) -> String {
    render_page(a, previewed, "", &[])
}

/// [`render`] with the story's correction notices under `heading`, after the byline.
pub fn render_page(
    a: &Article,
    previewed: &HashSet<String>,
    heading: &str,
    notices: &[Notice],
) -> String {
    let mut h = String::with_capacity(8192);
    h.push_str("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str(&format!(
        "<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n<article>\n",
        escape(&a.title)
    ));
    if !a.section.is_empty() {
        h.push_str(&format!(
            "<div class=\"section\">{}</div>\n",
            escape(&a.section)
        ));
    }
    h.push_str(&format!("<h1>{}</h1>\n", escape(&a.title)));
    if let Some(t) = a.published_at {
        // The time as filed, in its own zone (+07:00 for the newsroom), not converted.
        h.push_str(&format!(
            "<time datetime=\"{}\">{} (GMT{})</time>\n",
            escape(&t.to_rfc3339()),
            t.format("%H:%M, %d/%m/%Y"),
            t.format("%:z")
        ));
    }
    if !a.lead.is_empty() {
        h.push_str(&format!("<p class=\"lead\">{}</p>\n", escape(&a.lead)));
    }
    for b in &a.blocks {
        match &b.kind {
            BlockKind::Paragraph { text } => h.push_str(&format!("<p>{}</p>\n", escape(text))),
            BlockKind::Heading { text, level } => {
                let l = (*level).clamp(2, 6);
                h.push_str(&format!("<h{l}>{}</h{l}>\n", escape(text)));
            }
            BlockKind::Quote { text, attribution } => {
                h.push_str(&format!("<blockquote><p>{}</p>", escape(text)));
                if let Some(at) = attribution {
                    h.push_str(&format!("<footer>{}</footer>", escape(at)));
                }
                h.push_str("</blockquote>\n");
            }
            BlockKind::Figure {
                photo_id,
                caption,
                credit,
                ..
            } => {
                h.push_str("<figure>");
                // Only a well-formed hash becomes a URL; anything else shows the caption alone.
                if let Some(sha) = photo_id.as_deref().filter(|s| is_sha256_hex(s)) {
                    let rendition = if previewed.contains(sha) {
                        "/preview"
                    } else {
                        ""
                    };
                    h.push_str(&format!(
                        "<img src=\"/photos/{sha}{rendition}\" alt=\"{}\" loading=\"lazy\">",
                        escape(caption)
                    ));
                }
                h.push_str(&format!("<figcaption>{}", escape(caption)));
                if !credit.is_empty() {
                    h.push_str(&format!(" <small>({})</small>", escape(credit)));
                }
                h.push_str("</figcaption></figure>\n");
            }
        }
    }
    let names = |role: &str| {
        a.people(role)
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let byline: Vec<String> = [names("writer"), names("photographer")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if !byline.is_empty() {
        h.push_str(&format!(
            "<p class=\"byline\">{}</p>\n",
            escape(&byline.join(" - "))
        ));
    }
    corrections(&mut h, heading, notices);
    h.push_str("</article>\n</main>\n</body>\n</html>\n");
    h
}

/// `GET /articles/{id}`: the last published version (never the working copy), with its
/// correction notices; 410 Gone with no content after a takedown; 404 if never published.
pub async fn article_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response> {
    check_id(&id)?;
    let key = id.clone();
    let (a, notices) = match state.read(move |c| versions::page(c, &key)).await? {
        Page::Live {
            article,
            corrections,
        } => (article, corrections),
        Page::Gone => return Ok(StatusCode::GONE.into_response()),
        Page::Missing => {
            return Err(ServerError::not_found(format!("no published article {id}")));
        }
    };
    let photos = a
        .blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Figure { photo_id, .. } => photo_id.clone().filter(|s| is_sha256_hex(s)),
            _ => None,
        })
        .collect();
    let previewed = shown_as_preview(&state, photos).await?;
    let heading = &state.config().correction_heading;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; style-src 'unsafe-inline'",
            ),
        ],
        render_page(&a, &previewed, heading, &notices),
    )
        .into_response())
}
