//! The story page: section, title, Vietnamese date line, lead, body with captioned and credited
//! photos, the printed byline, the related items box ("Tin liên quan") and the dated correction
//! notices — as the model story's newspaper page shows them.

use byline_protocol::{Article, Block, BlockKind, check_link};
use byline_text::escape_html as escape;
use chrono::{DateTime, FixedOffset};

/// Where a figure's photo comes from, as the caller knows it.
pub struct Figures<'a> {
    /// The `src` of a figure's image (a URL on the server, a data URI in a standalone file);
    /// `None` shows the caption alone.
    pub src: &'a dyn Fn(&Block) -> Option<String>,
    /// The photo library's credit for a photo id ([`byline_protocol::library_credit`] of its
    /// fields); used when the figure has no credit of its own.
    pub library_credit: &'a dyn Fn(&str) -> Option<String>,
}

/// A correction notice: when it was published and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub at: Option<DateTime<FixedOffset>>,
    pub text: String,
}

/// Everything a story page shows beyond the article itself.
pub struct StoryPage<'a> {
    pub article: &'a Article,
    pub figures: Figures<'a>,
    /// The heading above the correction notices (the newsroom's; empty with no notices).
    pub corrections_heading: &'a str,
    pub corrections: &'a [Correction],
}

/// The printed byline: writers, then " - ", then photographers (as the model story prints it);
/// with neither role, every name in byline order.
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

/// The Vietnamese date line of a time as filed, in its own zone (not converted), e.g.
/// "12:17, 18/06/2024 (GMT+07:00)": the model page's "12:17, 18/06/2024" plus its zone.
pub fn dateline(t: &DateTime<FixedOffset>) -> String {
    format!("{} (GMT{})", t.format("%H:%M, %d/%m/%Y"), t.format("%:z"))
}

/// The newsroom's zone (+07:00), in which correction notices are dated.
fn newsroom_zone() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("+07:00 is a valid offset")
}

/// The whole HTML document of a story.
pub fn story_page(p: &StoryPage<'_>) -> String {
    crate::document(&p.article.title, "", &article(p))
}

/// The `<article>` element alone: identical on the server's page and in the desktop's export
/// but for the images' `src`.
pub fn article(p: &StoryPage<'_>) -> String {
    let a = p.article;
    let mut h = String::with_capacity(8192);
    h.push_str("<article>\n");
    head(&mut h, a);
    h.push_str(&body(a, &p.figures));
    let by = printed_byline(a);
    if !by.is_empty() {
        h.push_str(&format!("<p class=\"byline\">{}</p>\n", escape(&by)));
    }
    related(&mut h, a);
    corrections(&mut h, p.corrections_heading, p.corrections);
    h.push_str("</article>\n");
    h
}

/// Section, title, date line and lead.
fn head(h: &mut String, a: &Article) {
    if !a.section.is_empty() {
        h.push_str(&format!(
            "<div class=\"section\">{}</div>\n",
            escape(&a.section)
        ));
    }
    h.push_str(&format!("<h1>{}</h1>\n", escape(&a.title)));
    if let Some(t) = a.published_at {
        h.push_str(&format!(
            "<time datetime=\"{}\">{}</time>\n",
            escape(&t.to_rfc3339()),
            escape(&dateline(&t))
        ));
    }
    if !a.lead.is_empty() {
        h.push_str(&format!("<p class=\"lead\">{}</p>\n", escape(&a.lead)));
    }
}

/// The story's body alone (paragraphs, headings, quotes, captioned figures with their printed
/// credits): what a feed such as ninjs carries as its HTML body.
pub fn body(a: &Article, figures: &Figures<'_>) -> String {
    let mut h = String::with_capacity(4096);
    for b in &a.blocks {
        block(&mut h, a, b, figures);
    }
    h
}

fn block(h: &mut String, a: &Article, b: &Block, figures: &Figures<'_>) {
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
            if let Some(src) = (figures.src)(b) {
                h.push_str(&format!(
                    "<img src=\"{}\" alt=\"{}\" loading=\"lazy\">",
                    escape(&src),
                    escape(caption)
                ));
            }
            let library = photo_id
                .as_deref()
                .and_then(|id| (figures.library_credit)(id));
            let printed = a.figure_credit(credit, library.as_deref());
            let mut cap = escape(caption);
            if !printed.is_empty() {
                cap.push_str(&format!(
                    " <span class=\"credit\">({})</span>",
                    escape(&printed)
                ));
            }
            h.push_str(&format!("<figcaption>{cap}</figcaption></figure>\n"));
        }
    }
}

/// The "Tin liên quan" box. Only a link that passes the one link check becomes an `href`;
/// anything else (a `javascript:` link an older library kept, a story without an address)
/// stays plain text.
fn related(h: &mut String, a: &Article) {
    if a.related.is_empty() {
        return;
    }
    h.push_str("<section class=\"related\">\n<h2>Tin liên quan</h2>\n<ul>\n");
    for r in &a.related {
        match r.url.as_deref().filter(|u| check_link(u).is_ok()) {
            Some(u) => h.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>\n",
                escape(u),
                escape(&r.title)
            )),
            None => h.push_str(&format!("<li>{}</li>\n", escape(&r.title))),
        }
    }
    h.push_str("</ul>\n</section>\n");
}

/// The correction notices under the newsroom's heading, each dated in the newsroom's zone
/// (+07:00), oldest first.
fn corrections(h: &mut String, heading: &str, notices: &[Correction]) {
    if notices.is_empty() {
        return;
    }
    h.push_str(&format!(
        "<section class=\"corrections\">\n<h2>{}</h2>\n",
        escape(heading)
    ));
    for n in notices {
        h.push_str("<p class=\"correction\">");
        if let Some(t) = n.at.map(|t| t.with_timezone(&newsroom_zone())) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use byline_protocol::{Person, Related};

    fn no_photos() -> Figures<'static> {
        Figures {
            src: &|_| None,
            library_credit: &|_| None,
        }
    }

    fn page(a: &Article) -> String {
        story_page(&StoryPage {
            article: a,
            figures: no_photos(),
            corrections_heading: "",
            corrections: &[],
        })
    }

    #[test]
    fn markup_in_text_is_escaped() {
        let mut a = Article::new("<script>x</script> & “q”");
        a.blocks.push(Block::paragraph("a < b"));
        let html = page(&a);
        assert!(
            !html.contains("<script>x"),
            "the title must not inject markup"
        );
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt; &amp; “q”"));
        assert!(html.contains("<p>a &lt; b</p>"), "body text is escaped");
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

    #[test]
    fn the_date_line_is_the_model_pages_time_then_date_in_the_filed_zone() {
        let t = DateTime::parse_from_rfc3339("2024-06-18T12:17:00+07:00").unwrap();
        assert_eq!(dateline(&t), "12:17, 18/06/2024 (GMT+07:00)");
    }

    #[test]
    fn a_script_related_link_never_reaches_an_href() {
        let mut a = Article::new("Tin");
        for (title, url) in [
            ("Bẫy", "javascript:alert(1)"),
            ("Bẫy hoa", "JaVaScRiPt:alert(2)"),
            ("Dữ liệu", "data:text/html,<script>alert(3)</script>"),
            ("Bài cũ", "https://baohatinh.vn/bai-cu.html"),
        ] {
            a.related.push(Related {
                title: title.into(),
                url: Some(url.into()),
                article_id: None,
            });
        }
        let html = page(&a);
        let hrefs: Vec<&str> = html
            .split("href=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap())
            .collect();
        assert_eq!(
            hrefs,
            ["https://baohatinh.vn/bai-cu.html"],
            "only the web address becomes a link"
        );
        assert!(
            html.contains("<li>Bẫy</li>") && html.contains("<li>Dữ liệu</li>"),
            "refused links keep their titles as plain text"
        );
        assert!(
            !html.to_ascii_lowercase().contains("javascript:"),
            "the script address is not on the page at all"
        );
    }

    #[test]
    fn a_figure_prints_its_own_credit_else_the_librarys_else_the_photographer() {
        let mut a = Article::new("t");
        a.byline.push(Person {
            name: "Cảnh Toàn".into(),
            role: "photographer".into(),
        });
        let fig = |id: &str, credit: &str| {
            Block::new(BlockKind::Figure {
                photo_id: Some(id.into()),
                caption: format!("Ảnh {id}."),
                credit: credit.into(),
                src: None,
            })
        };
        a.blocks = vec![fig("a", "Ảnh riêng"), fig("b", ""), fig("c", "")];
        let html = body(
            &a,
            &Figures {
                src: &|_| None,
                library_credit: &|id| (id != "c").then(|| "TTXVN".to_string()),
            },
        );
        assert!(html.contains("Ảnh a. <span class=\"credit\">(Ảnh riêng)</span>"));
        assert!(
            html.contains("Ảnh b. <span class=\"credit\">(TTXVN)</span>"),
            "no own credit: the library's"
        );
        assert!(
            html.contains("Ảnh c. <span class=\"credit\">(Cảnh Toàn)</span>"),
            "neither: the byline's photographer"
        );
    }
}
