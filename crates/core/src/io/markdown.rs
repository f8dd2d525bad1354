//! Markdown with YAML front matter: the format reporters file in (see `fixtures/seed-article`).
//!
//! Parsing is block-level and deliberately literal: paragraph text is kept exactly as filed
//! (double spaces, NBSP, stray punctuation and all), because cleaning is the copy desk's job and
//! the desk must be able to show the reporter what was wrong. Inline Markdown is kept as text.

use byline_protocol::{Article, Block, BlockKind, Person, Related, Status};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};

/// A figure whose image still has to be resolved to a photo in the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingFigure {
    /// Index into `Article::blocks`.
    pub block: usize,
    /// The image path as written in the Markdown.
    pub src: String,
}

/// The result of parsing a filed Markdown story.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub article: Article,
    pub figures: Vec<PendingFigure>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    section: Option<String>,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    lead: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    published_at: Option<String>,
    #[serde(default)]
    byline: Option<BylineIn>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    related: Vec<RelatedIn>,
}

/// `byline:` is a list of `{name, role}` or the printed form "Writer - Photographer".
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum BylineIn {
    People(Vec<Person>),
    Printed(String),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RelatedIn {
    Title(String),
    Full(Related),
}

/// Splits `---\nYAML\n---\n` off the top. Returns (yaml, body, body's first line number).
fn split_front_matter(text: &str) -> Result<(Option<&str>, &str, usize)> {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = t
        .strip_prefix("---\n")
        .or_else(|| t.strip_prefix("---\r\n"))
    else {
        return Ok((None, t, 1));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let l = line.trim_end_matches(['\n', '\r']);
        if l == "---" || l == "..." {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Ok((Some(yaml), body, yaml.lines().count() + 3));
        }
        offset += line.len();
    }
    Err(CoreError::Invalid(
        "front matter starts with `---` on line 1 but is never closed: add a line `---` after it"
            .into(),
    ))
}

fn parse_time(field: &str, s: &str) -> Result<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s.trim()).map_err(|e| {
        CoreError::Invalid(format!(
            "front matter field `{field}`: `{s}` is not a time with zone ({e}); \
             write it like 2024-06-18T12:17:00+07:00"
        ))
    })
}

/// Parses a filed story. `origin` names the file in error messages.
pub fn parse(text: &str, origin: &str) -> Result<Parsed> {
    let (yaml, body, body_line) =
        split_front_matter(text).map_err(|e| CoreError::Invalid(format!("{origin}: {e}")))?;
    let mut fm = front_matter(yaml, origin)?;
    let mut article = Article::new("");
    apply_front_matter(&mut article, &mut fm, origin)?;
    let mut head = Head {
        title: fm.title.take(),
        lead: fm.lead.take(),
    };
    let figures = body_blocks(body, body_line, &mut article, &mut head);
    article.title = head.title.ok_or_else(|| {
        CoreError::Invalid(format!(
            "{origin}: no title: start the story with a line `# Title` or set `title:` in the front matter"
        ))
    })?;
    article.lead = head.lead.unwrap_or_default();
    article.slug = fm
        .slug
        .take()
        .unwrap_or_else(|| byline_text::slug(&article.title));
    Ok(Parsed { article, figures })
}

fn front_matter(yaml: Option<&str>, origin: &str) -> Result<FrontMatter> {
    match yaml {
        Some(y) if !y.trim().is_empty() => serde_yaml::from_str(y).map_err(|e| {
            let loc = e
                .location()
                .map(|l| format!(" (line {})", l.line() + 1))
                .unwrap_or_default();
            CoreError::Invalid(format!(
                "{origin}: front matter is not valid{loc}: {e}. Fields allowed: title, section, \
                 slug, lead, status, published_at, byline, tags, related"
            ))
        }),
        _ => Ok(FrontMatter::default()),
    }
}

/// Id, section, status, time, byline, tags and related items from the front matter.
fn apply_front_matter(article: &mut Article, fm: &mut FrontMatter, origin: &str) -> Result<()> {
    let ctx = |e: CoreError| CoreError::Invalid(format!("{origin}: {e}"));
    if let Some(id) = fm.id.take().filter(|s| !s.trim().is_empty()) {
        article.id = id;
    }
    article.section = fm.section.take().unwrap_or_default();
    if let Some(s) = fm.status.take() {
        article.status = Status::parse(&s).ok_or_else(|| {
            CoreError::Invalid(format!(
                "{origin}: front matter field `status`: `{s}` is not one of draft, ready, published"
            ))
        })?;
    }
    if let Some(p) = fm.published_at.take() {
        article.published_at = Some(parse_time("published_at", &p).map_err(ctx)?);
    }
    article.byline = match fm.byline.take() {
        None => Vec::new(),
        Some(BylineIn::People(p)) => p,
        Some(BylineIn::Printed(s)) => printed_byline(&s),
    };
    article.tags = std::mem::take(&mut fm.tags);
    article.related = std::mem::take(&mut fm.related)
        .into_iter()
        .map(|r| match r {
            RelatedIn::Title(title) => Related {
                title,
                url: None,
                article_id: None,
            },
            RelatedIn::Full(r) => r,
        })
        .collect();
    Ok(())
}

/// Title and lead: from the front matter, else the `# ` heading and the first paragraph.
struct Head {
    title: Option<String>,
    lead: Option<String>,
}

/// The body's blocks in order; returns the figures whose images are still to be resolved.
fn body_blocks(
    body: &str,
    body_line: usize,
    article: &mut Article,
    head: &mut Head,
) -> Vec<PendingFigure> {
    let mut figures = Vec::new();
    for chunk in blocks(body, body_line) {
        let first = chunk.lines[0];
        if let Some(h) = heading(first) {
            if h.0 == 1 && head.title.is_none() && chunk.lines.len() == 1 {
                head.title = Some(h.1.to_owned());
            } else {
                article.blocks.push(Block::new(BlockKind::Heading {
                    text: h.1.to_owned(),
                    level: h.0,
                }));
            }
        } else if chunk.lines.iter().all(|l| l.starts_with('>')) {
            article.blocks.push(quote(&chunk.lines));
        } else if let Some(images) = chunk
            .lines
            .iter()
            .map(|l| image(l))
            .collect::<Option<Vec<_>>>()
        {
            for (caption, src, credit) in images {
                figures.push(PendingFigure {
                    block: article.blocks.len(),
                    src: src.clone(),
                });
                article.blocks.push(Block::new(BlockKind::Figure {
                    photo_id: None,
                    caption,
                    credit,
                    src: Some(src),
                }));
            }
        } else {
            let text = unescape_start(&join_lines(&chunk.lines));
            if head.lead.is_none() && head.title.is_some() && article.blocks.is_empty() {
                head.lead = Some(text);
            } else {
                article.blocks.push(Block::paragraph(text));
            }
        }
    }
    figures
}

fn quote(lines: &[&str]) -> Block {
    let text: Vec<&str> = lines
        .iter()
        .map(|l| {
            l.strip_prefix("> ")
                .or_else(|| l.strip_prefix('>'))
                .unwrap_or(l)
        })
        .collect();
    Block::new(BlockKind::Quote {
        text: join_lines(&text),
        attribution: None,
    })
}

/// "Thanh Hà - Cảnh Toàn" → writer, photographer (the model story's printed byline).
pub fn printed_byline(s: &str) -> Vec<Person> {
    let roles = ["writer", "photographer"];
    s.split(" - ")
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .enumerate()
        .map(|(i, name)| Person {
            name: name.to_owned(),
            role: roles.get(i).unwrap_or(&"writer").to_string(),
        })
        .collect()
}

struct Chunk<'a> {
    lines: Vec<&'a str>,
}

/// Groups lines into blank-line separated chunks. Only ASCII whitespace makes a line blank: a
/// line of NO-BREAK SPACEs is content (and a defect the desk will flag).
fn blocks(body: &str, _first_line: usize) -> Vec<Chunk<'_>> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in body.lines() {
        if line.trim_matches([' ', '\t', '\r']).is_empty() {
            if !cur.is_empty() {
                out.push(Chunk {
                    lines: std::mem::take(&mut cur),
                });
            }
        } else {
            cur.push(line.strip_suffix('\r').unwrap_or(line));
        }
    }
    if !cur.is_empty() {
        out.push(Chunk { lines: cur });
    }
    out
}

fn heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = line[hashes..].strip_prefix(' ')?;
    let text = rest
        .trim_end_matches([' ', '\t'])
        .trim_end_matches('#')
        .trim_end_matches([' ', '\t']);
    Some((hashes as u8, text.trim_start_matches([' ', '\t'])))
}

/// `![alt](src)` or `![alt](src "credit")` filling the whole line. Returns (alt, src, credit).
fn image(line: &str) -> Option<(String, String, String)> {
    let l = line.trim_end_matches([' ', '\t']);
    let rest = l.strip_prefix("![")?;
    let mut alt = String::new();
    let mut chars = rest.char_indices();
    let close = loop {
        let (i, c) = chars.next()?;
        match c {
            '\\' => alt.push(chars.next()?.1),
            ']' => break i,
            c => alt.push(c),
        }
    };
    let target = rest[close + 1..].strip_prefix('(')?.strip_suffix(')')?;
    let (src, credit) = match target.find(" \"") {
        Some(q) => {
            let t = target[q + 2..].strip_suffix('"')?;
            (&target[..q], t.replace("\\\"", "\""))
        }
        None => (target, String::new()),
    };
    let src = src.trim().trim_start_matches('<').trim_end_matches('>');
    if src.is_empty() {
        return None;
    }
    Some((alt, src.to_owned(), credit))
}

/// Joins a paragraph's lines. A line ending in `\` is a hard break (kept as `\n`); otherwise
/// lines are soft-wrapped and join with one space. The last line is kept exactly as filed.
fn join_lines(lines: &[&str]) -> String {
    let mut s = String::new();
    for (i, line) in lines.iter().enumerate() {
        let last = i + 1 == lines.len();
        if last {
            s.push_str(line);
        } else if let Some(l) = line.strip_suffix('\\') {
            s.push_str(l);
            s.push('\n');
        } else {
            s.push_str(line.trim_end_matches([' ', '\t']));
            s.push(' ');
        }
    }
    s
}

/// The exporter escapes a paragraph that would otherwise read back as markup.
fn unescape_start(s: &str) -> String {
    match s.strip_prefix('\\') {
        Some(rest) if rest.starts_with(['#', '>', '!', '\\', '-']) => rest.to_owned(),
        _ => s.to_owned(),
    }
}

fn escape_start(s: &str) -> String {
    if s.starts_with(['#', '>', '\\', '-']) || s.starts_with("![") {
        format!("\\{s}")
    } else {
        s.to_owned()
    }
}

/// Paragraph text as Markdown lines: newlines become hard breaks.
fn paragraph_md(text: &str) -> String {
    escape_start(text).replace('\n', "\\\n")
}

#[derive(Serialize)]
struct FrontMatterOut<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    section: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    published_at: Option<String>,
    status: &'a str,
    slug: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    lead: Option<&'a str>,
    byline: &'a [Person],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
    related: &'a [Related],
}

/// Writes a story as filed Markdown. `src_for` gives the image path for a figure (the caller
/// decides where photo files go). `parse(export(a))` has the same content as `a`.
pub fn export(article: &Article, src_for: &dyn Fn(&Block) -> String) -> String {
    // A lead that would not read back as the first paragraph goes into the front matter.
    let lead_in_fm = article.lead.is_empty()
        || article.lead.contains("\n\n")
        || article.lead.trim_matches([' ', '\t']).is_empty();
    let fm = FrontMatterOut {
        section: &article.section,
        published_at: article.published_at.map(|t| t.to_rfc3339()),
        status: article.status.as_str(),
        slug: &article.slug,
        lead: lead_in_fm.then_some(article.lead.as_str()),
        byline: &article.byline,
        tags: &article.tags,
        related: &article.related,
    };
    let mut out = String::from("---\n");
    out.push_str(&serde_yaml::to_string(&fm).expect("front matter serialises"));
    out.push_str("---\n\n# ");
    out.push_str(&article.title.replace('\n', " "));
    out.push_str("\n\n");
    if !lead_in_fm {
        out.push_str(&paragraph_md(&article.lead));
        out.push_str("\n\n");
    }
    for b in &article.blocks {
        match &b.kind {
            BlockKind::Paragraph { text } => out.push_str(&paragraph_md(text)),
            BlockKind::Heading { text, level } => {
                out.push_str(&"#".repeat((*level).clamp(2, 6) as usize));
                out.push(' ');
                out.push_str(text);
            }
            BlockKind::Quote { text, .. } => {
                let lines: Vec<String> = text.split('\n').map(|l| format!("> {l}")).collect();
                out.push_str(&lines.join("\\\n"));
            }
            BlockKind::Figure {
                caption, credit, ..
            } => {
                let alt = caption
                    .replace('\\', "\\\\")
                    .replace(']', "\\]")
                    .replace('\n', " ");
                out.push_str(&format!("![{alt}]({}", src_for(b)));
                if !credit.is_empty() {
                    out.push_str(&format!(" \"{}\"", credit.replace('"', "\\\"")));
                }
                out.push(')');
            }
        }
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end_matches('\n').len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_with_credit_titles_and_escaped_brackets_parse() {
        assert_eq!(
            image(r#"![Cảnh \] đẹp](photos/a.jpg "Ảnh: Cảnh Toàn")"#),
            Some((
                "Cảnh ] đẹp".into(),
                "photos/a.jpg".into(),
                "Ảnh: Cảnh Toàn".into()
            ))
        );
        assert_eq!(
            image("![x]()"),
            None,
            "an image without a path is not a figure"
        );
        assert_eq!(
            image("text ![x](a.jpg)"),
            None,
            "an inline image is paragraph text"
        );
    }

    #[test]
    fn printed_byline_gives_writer_then_photographer() {
        let p = printed_byline("Thanh Hà - Cảnh Toàn");
        assert_eq!(
            p[0],
            Person {
                name: "Thanh Hà".into(),
                role: "writer".into()
            }
        );
        assert_eq!(
            p[1],
            Person {
                name: "Cảnh Toàn".into(),
                role: "photographer".into()
            }
        );
    }

    #[test]
    fn soft_wrapped_lines_join_with_a_space_and_backslash_is_a_hard_break() {
        assert_eq!(
            join_lines(&["a  ", "b\\", "c "]),
            "a b\nc ",
            "last line kept as filed"
        );
    }

    #[test]
    fn unclosed_front_matter_is_an_error_that_says_how_to_fix_it() {
        let err = parse("---\nsection: x\n# T\n", "a.md")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("a.md") && err.contains("never closed"),
            "got: {err}"
        );
    }
}
