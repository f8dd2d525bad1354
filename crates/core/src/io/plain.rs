//! Plain text in: the first non-empty line is the title, the next paragraph the lead, the rest
//! are paragraphs (blank-line separated, as wire copy and e-mails arrive).

use byline_protocol::{Article, Block};

use crate::error::{CoreError, Result};

pub fn parse(text: &str, origin: &str) -> Result<Article> {
    let text = text.trim_start_matches('\u{feff}');
    let mut paras: Vec<String> = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim_matches([' ', '\t']).is_empty() {
            if !cur.is_empty() {
                paras.push(cur.join(" "));
                cur.clear();
            }
        } else if paras.is_empty() && cur.is_empty() {
            // The title is one line even when the lead follows without a blank line.
            paras.push(line.to_owned());
        } else {
            cur.push(line);
        }
    }
    if !cur.is_empty() {
        paras.push(cur.join(" "));
    }
    let mut it = paras.into_iter();
    let title = it.next().ok_or_else(|| {
        CoreError::Invalid(format!(
            "{origin}: no text found; the first line should be the title"
        ))
    })?;
    let mut article = Article::new(title);
    article.lead = it.next().unwrap_or_default();
    article.blocks = it.map(Block::paragraph).collect();
    Ok(article)
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_line_is_title_then_lead_then_paragraphs() {
        let a = super::parse(
            "Tiêu đề\nSa pô dòng hai\n\nĐoạn một\nnối tiếp\n\nĐoạn hai\n",
            "x.txt",
        )
        .unwrap();
        assert_eq!(a.title, "Tiêu đề");
        assert_eq!(
            a.lead, "Sa pô dòng hai",
            "the lead may follow the title without a blank line"
        );
        assert_eq!(a.blocks.len(), 2);
        assert_eq!(
            a.blocks[0].text(),
            "Đoạn một nối tiếp",
            "wrapped lines join with a space"
        );
    }
}
