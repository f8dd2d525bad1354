//! Standalone HTML export: one file a reporter can mail or open anywhere, laid out like the
//! newspaper page of the model story (section, title, time, lead, body with captioned photos,
//! byline "writer - photographer", related items).

use byline_protocol::{Article, Block, BlockKind};

/// Escapes text for HTML element content and attribute values.
pub use byline_text::escape_html as escape;

/// The printed byline: writers, then " - ", then photographers (as the model story prints it).
pub fn printed_byline(article: &Article) -> String {
    let names = |role: &str| {
        article
            .people(role)
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (w, p) = (names("writer"), names("photographer"));
    match (w.is_empty(), p.is_empty()) {
        (false, false) => format!("{w} - {p}"),
        (false, true) => w,
        (true, false) => p,
        (true, true) => article
            .byline
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Vietnamese date line, e.g. "18/06/2024 12:17 (GMT+07:00)".
pub fn dateline(article: &Article) -> Option<String> {
    article
        .published_at
        .map(|t| format!("{} (GMT{})", t.format("%d/%m/%Y %H:%M"), t.format("%:z")))
}

const STYLE: &str = "body{font-family:'Noto Serif','DejaVu Serif',Georgia,serif;max-width:46rem;\
margin:2rem auto;padding:0 1rem;line-height:1.6;color:#1b1b1b}\
.section{font:600 .85rem 'Noto Sans','DejaVu Sans',sans-serif;text-transform:uppercase;color:#b3261e}\
h1{line-height:1.25;margin:.3rem 0}time{color:#666;font-family:'Noto Sans','DejaVu Sans',sans-serif;font-size:.9rem}\
.lead{font-weight:700}figure{margin:1.5rem 0}figure img{max-width:100%;height:auto;display:block}\
figcaption{font-style:italic;color:#444;font-size:.92rem;padding-top:.3rem}\
.byline{text-align:right;font-weight:700}.related{border-top:1px solid #ddd;margin-top:2rem}";

/// Renders the article. `image_src` maps a figure to the `src` to use (a data URI for a
/// standalone file, a URL on the server); `None` leaves the figure without an image.
pub fn render(article: &Article, image_src: &dyn Fn(&Block) -> Option<String>) -> String {
    let mut h = String::with_capacity(4096);
    h.push_str("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str(&format!(
        "<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<article>\n",
        escape(&article.title)
    ));
    head(&mut h, article);
    for b in &article.blocks {
        block(&mut h, b, image_src);
    }
    let by = printed_byline(article);
    if !by.is_empty() {
        h.push_str(&format!("<p class=\"byline\">{}</p>\n", escape(&by)));
    }
    related(&mut h, article);
    h.push_str("</article>\n</body>\n</html>\n");
    h
}

/// Section, title, time and lead.
fn head(h: &mut String, article: &Article) {
    if !article.section.is_empty() {
        h.push_str(&format!(
            "<div class=\"section\">{}</div>\n",
            escape(&article.section)
        ));
    }
    h.push_str(&format!("<h1>{}</h1>\n", escape(&article.title)));
    if let (Some(line), Some(t)) = (dateline(article), article.published_at) {
        h.push_str(&format!(
            "<time datetime=\"{}\">{}</time>\n",
            t.to_rfc3339(),
            escape(&line)
        ));
    }
    if !article.lead.is_empty() {
        h.push_str(&format!(
            "<p class=\"lead\">{}</p>\n",
            escape(&article.lead)
        ));
    }
}

/// The story's body alone (paragraphs, headings, quotes, captioned figures): what a feed such as
/// ninjs carries as its HTML body.
pub fn body(article: &Article, image_src: &dyn Fn(&Block) -> Option<String>) -> String {
    let mut h = String::with_capacity(4096);
    for b in &article.blocks {
        block(&mut h, b, image_src);
    }
    h
}

fn block(h: &mut String, b: &Block, image_src: &dyn Fn(&Block) -> Option<String>) {
    match &b.kind {
        BlockKind::Paragraph { text } => {
            h.push_str(&format!("<p>{}</p>\n", escape(text).replace('\n', "<br>")));
        }
        BlockKind::Heading { text, level } => {
            let l = (*level).clamp(2, 6);
            h.push_str(&format!("<h{l}>{}</h{l}>\n", escape(text)));
        }
        BlockKind::Quote { text, attribution } => {
            h.push_str(&format!(
                "<blockquote><p>{}</p>",
                escape(text).replace('\n', "<br>")
            ));
            if let Some(a) = attribution {
                h.push_str(&format!("<footer>{}</footer>", escape(a)));
            }
            h.push_str("</blockquote>\n");
        }
        BlockKind::Figure {
            caption, credit, ..
        } => {
            h.push_str("<figure>");
            if let Some(src) = image_src(b) {
                h.push_str(&format!(
                    "<img src=\"{}\" alt=\"{}\">",
                    escape(&src),
                    escape(caption)
                ));
            }
            let mut cap = escape(caption);
            if !credit.is_empty() {
                cap.push_str(&format!(
                    " <span class=\"credit\">({})</span>",
                    escape(credit)
                ));
            }
            h.push_str(&format!("<figcaption>{cap}</figcaption></figure>\n"));
        }
    }
}

/// The "Tin liên quan" box. Only http(s) links become links; anything else stays plain text,
/// so a `javascript:` URL can never reach an exported page.
fn related(h: &mut String, article: &Article) {
    if article.related.is_empty() {
        return;
    }
    h.push_str("<section class=\"related\"><h2>Tin liên quan</h2><ul>\n");
    for r in &article.related {
        // Stored stories passed the same check; this guards what an older library kept.
        let safe = r
            .url
            .as_deref()
            .filter(|u| byline_protocol::check_link(u).is_ok());
        match safe {
            Some(u) => h.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>\n",
                escape(u),
                escape(&r.title)
            )),
            None => h.push_str(&format!("<li>{}</li>\n", escape(&r.title))),
        }
    }
    h.push_str("</ul></section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_protocol::Person;

    #[test]
    fn markup_in_text_is_escaped() {
        let mut a = Article::new("<script>x</script> & “q”");
        a.blocks.push(Block::paragraph("a < b"));
        let html = render(&a, &|_| None);
        assert!(!html.contains("<script>x"), "title must not inject markup");
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt; &amp; “q”"));
        assert!(html.contains("<p>a &lt; b</p>"));
    }

    #[test]
    fn byline_prints_writer_dash_photographer() {
        let mut a = Article::new("t");
        a.byline = vec![
            Person {
                name: "Cảnh Toàn".into(),
                role: "photographer".into(),
            },
            Person {
                name: "Thanh Hà".into(),
                role: "writer".into(),
            },
        ];
        assert_eq!(
            printed_byline(&a),
            "Thanh Hà - Cảnh Toàn",
            "writer first whatever the order"
        );
    }
}
