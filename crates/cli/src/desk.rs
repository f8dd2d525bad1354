//! `byline check`, `byline fix` and `byline words`: the copy desk from the command line.

use byline_core::{Library, Result};
use byline_desk::{Finding, Severity};
use clap::Subcommand;
use serde::Serialize;

use crate::output::Out;

pub fn check(lib: &Library, id: &str, out: &Out) -> Result<()> {
    let findings = lib.check_article(id)?;
    out.print(&findings, |f| print_findings(lib, id, f));
    Ok(())
}

pub fn fix(lib: &Library, id: &str, out: &Out) -> Result<()> {
    let report = lib.fix_article(id)?;
    out.print(&report, |r| {
        if r.changed {
            println!(
                "fixed {} problems; saved as revision {}",
                r.applied.len(),
                r.revision
            );
        } else {
            println!("nothing to fix automatically");
        }
        if !r.remaining.is_empty() {
            println!("{} left for a human:", r.remaining.len());
            print_findings(lib, id, &r.remaining);
        }
    });
    Ok(())
}

fn print_findings(lib: &Library, id: &str, findings: &[Finding]) {
    let article = lib.article(id).ok();
    if findings.is_empty() {
        println!("no findings");
    }
    for f in findings {
        let mark = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warn ",
            Severity::Info => "info ",
        };
        let field = field_name(f);
        let place = match f.block {
            Some(b) => format!("{field} {b}"),
            None => field.clone(),
        };
        let context = article.as_ref().map(|a| excerpt(a, f)).unwrap_or_default();
        println!(
            "{mark} {:<28} {place:<10} {:>4}-{:<4} {}  {context}",
            f.rule.id(),
            f.start,
            f.end,
            f.message
        );
    }
}

/// A few characters around the finding, with invisible spaces made visible.
fn excerpt(a: &byline_protocol::Article, f: &Finding) -> String {
    let text = match (field_name(f).as_str(), f.block) {
        ("title", _) => a.title.as_str(),
        ("lead", _) => a.lead.as_str(),
        ("section", _) => a.section.as_str(),
        ("block", Some(i)) => a.blocks.get(i).map_or("", |b| b.text()),
        _ => return String::new(),
    };
    let s = f.start.saturating_sub(8);
    let e = f.end + 8;
    let snippet: String = byline_text::char_slice(text, s, e)
        .chars()
        .map(|c| match c {
            '\u{a0}' => '⍽',
            c if byline_text::is_zero_width(c) => '¤',
            c => c,
        })
        .collect();
    format!("«{snippet}»")
}

/// The field's JSON name (`title`, `block`…), the same word scripts see.
fn field_name(f: &Finding) -> String {
    serde_json::to_value(f.field)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[derive(Subcommand)]
pub enum WordsCmd {
    /// Accept a word, name or abbreviation from now on (appended to the newsroom word list the
    /// app's copy desk uses too). Quote names with spaces: `byline words add "Nghi Lộc"`.
    Add { word: String },
    /// Every word the newsroom accepts beyond the dictionary.
    List,
}

/// `--json` of `byline words add`.
#[derive(Serialize)]
struct Added {
    word: String,
    added: bool,
}

pub fn words(lib: &Library, cmd: WordsCmd, out: &Out) -> Result<()> {
    match cmd {
        WordsCmd::Add { word } => {
            let (word, added) = lib.add_word(&word)?;
            out.print(&Added { word, added }, |a| {
                if a.added {
                    println!("added “{}” to the newsroom word list", a.word);
                } else {
                    println!("“{}” is already in the newsroom word list", a.word);
                }
            });
        }
        WordsCmd::List => {
            let words = lib.words()?;
            out.print(&words, |w| w.iter().for_each(|w| println!("{w}")));
        }
    }
    Ok(())
}
