//! A story as block-editor (Gutenberg) HTML: the lead as the first paragraph, then paragraphs,
//! headings, quotes and images with their figcaptions and credits, then the byline. Each block
//! is wrapped in its `<!-- wp:… -->` comments so the post opens as blocks in the editor.

use byline_protocol::{Article, Block, BlockKind};
use serde_json::json;

/// Escapes text for HTML content and attribute values.
pub use byline_text::escape_html as escape;

/// Where a figure's photo is on the site.
#[derive(Debug, Clone)]
pub struct Placed {
    pub media_id: u64,
    pub url: String,
}

/// The text under a photo: its caption, then its credit.
pub fn caption_with_credit(caption: &str, credit: &str) -> String {
    match (caption.trim(), credit.trim()) {
        (c, "") => c.to_owned(),
        ("", k) => format!("Ảnh: {k}"),
        (c, k) => format!("{c} (Ảnh: {k})"),
    }
}

/// The post's content. `placed` gives each figure's media item (figures without one are left
/// out: a photo the site does not have cannot be shown); `byline` is the printed byline.
pub fn content(
    article: &Article,
    placed: &dyn Fn(&Block) -> Option<Placed>,
    byline: &str,
) -> String {
    let mut h = String::with_capacity(8192);
    if !article.lead.trim().is_empty() {
        paragraph(
            &mut h,
            &format!("<strong>{}</strong>", escape(&article.lead)),
            Some("sapo"),
        );
    }
    for b in &article.blocks {
        match &b.kind {
            BlockKind::Paragraph { text } => {
                paragraph(&mut h, &escape(text).replace('\n', "<br>"), None);
            }
            BlockKind::Heading { text, level } => heading(&mut h, text, *level),
            BlockKind::Quote { text, attribution } => quote(&mut h, text, attribution.as_deref()),
            BlockKind::Figure {
                caption, credit, ..
            } => {
                if let Some(p) = placed(b) {
                    image(&mut h, &p, caption, credit);
                }
            }
        }
    }
    if !byline.trim().is_empty() {
        h.push_str("<!-- wp:paragraph {\"align\":\"right\",\"className\":\"byline\"} -->\n");
        h.push_str(&format!(
            "<p class=\"has-text-align-right byline\"><strong>{}</strong></p>\n",
            escape(byline)
        ));
        h.push_str("<!-- /wp:paragraph -->\n\n");
    }
    h
}

fn paragraph(h: &mut String, inner: &str, class: Option<&str>) {
    match class {
        Some(c) => {
            h.push_str(&format!(
                "<!-- wp:paragraph {} -->\n",
                json!({"className": c})
            ));
            h.push_str(&format!("<p class=\"{c}\">{inner}</p>\n"));
        }
        None => {
            h.push_str("<!-- wp:paragraph -->\n");
            h.push_str(&format!("<p>{inner}</p>\n"));
        }
    }
    h.push_str("<!-- /wp:paragraph -->\n\n");
}

fn heading(h: &mut String, text: &str, level: u8) {
    let l = level.clamp(2, 6);
    if l == 2 {
        h.push_str("<!-- wp:heading -->\n");
    } else {
        h.push_str(&format!("<!-- wp:heading {} -->\n", json!({"level": l})));
    }
    h.push_str(&format!(
        "<h{l}>{}</h{l}>\n<!-- /wp:heading -->\n\n",
        escape(text)
    ));
}

fn quote(h: &mut String, text: &str, attribution: Option<&str>) {
    h.push_str("<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\">");
    h.push_str("<!-- wp:paragraph -->\n");
    h.push_str(&format!("<p>{}</p>\n", escape(text).replace('\n', "<br>")));
    h.push_str("<!-- /wp:paragraph -->");
    if let Some(a) = attribution.filter(|a| !a.trim().is_empty()) {
        h.push_str(&format!("<cite>{}</cite>", escape(a)));
    }
    h.push_str("</blockquote>\n<!-- /wp:quote -->\n\n");
}

fn image(h: &mut String, p: &Placed, caption: &str, credit: &str) {
    let attrs = json!({"id": p.media_id, "sizeSlug": "large", "linkDestination": "none"});
    h.push_str(&format!("<!-- wp:image {attrs} -->\n"));
    h.push_str(&format!(
        "<figure class=\"wp-block-image size-large\"><img src=\"{}\" alt=\"{}\" class=\"wp-image-{}\"/>",
        escape(&p.url),
        escape(caption),
        p.media_id
    ));
    let mut cap = escape(caption.trim());
    if !credit.trim().is_empty() {
        cap.push_str(&format!(
            " <span class=\"credit\">(Ảnh: {})</span>",
            escape(credit.trim())
        ));
    }
    h.push_str(&format!(
        "<figcaption class=\"wp-element-caption\">{cap}</figcaption></figure>\n<!-- /wp:image -->\n\n"
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_protocol::Block;

    #[test]
    fn every_kind_of_block_becomes_an_editor_block_with_its_text_escaped() {
        let mut a = Article::new("t");
        a.lead = "Sáng 18/6 <b>".into();
        a.blocks = vec![
            Block::paragraph("a < b & c"),
            Block::new(BlockKind::Heading {
                text: "Tiêu đề".into(),
                level: 3,
            }),
            Block::new(BlockKind::Quote {
                text: "“Câu nói”".into(),
                attribution: Some("Ông A".into()),
            }),
            Block::new(BlockKind::Figure {
                photo_id: Some("p".into()),
                caption: "Toàn cảnh hội nghị.".into(),
                credit: "Cảnh Toàn".into(),
                src: None,
            }),
        ];
        let html = content(
            &a,
            &|_| {
                Some(Placed {
                    media_id: 7,
                    url: "http://x/a.jpg".into(),
                })
            },
            "Thanh Hà - Cảnh Toàn",
        );
        assert!(html.starts_with("<!-- wp:paragraph {\"className\":\"sapo\"} -->\n<p class=\"sapo\"><strong>Sáng 18/6 &lt;b&gt;</strong></p>"), "{html}");
        assert!(html.contains("<p>a &lt; b &amp; c</p>"));
        assert!(html.contains("<!-- wp:heading {\"level\":3} -->\n<h3>Tiêu đề</h3>"));
        assert!(html.contains("<cite>Ông A</cite>"));
        assert!(
            html.contains(
                "<!-- wp:image {\"id\":7,\"linkDestination\":\"none\",\"sizeSlug\":\"large\"} -->"
            ),
            "{html}"
        );
        assert!(html.contains("class=\"wp-image-7\""));
        assert!(html.contains(
            "<figcaption class=\"wp-element-caption\">Toàn cảnh hội nghị. <span class=\"credit\">(Ảnh: Cảnh Toàn)</span></figcaption>"
        ));
        assert!(html.contains("<strong>Thanh Hà - Cảnh Toàn</strong>"));
    }

    #[test]
    fn a_figure_whose_photo_is_not_on_the_site_is_left_out() {
        let mut a = Article::new("t");
        a.blocks = vec![Block::new(BlockKind::Figure {
            photo_id: None,
            caption: "c".into(),
            credit: String::new(),
            src: None,
        })];
        assert!(!content(&a, &|_| None, "").contains("wp:image"));
    }
}
