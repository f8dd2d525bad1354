//! Byline's copy desk: checks a story (typography, Vietnamese tone style and spelling,
//! abbreviations, the pre-publish checklist) and applies the safe fixes.
//!
//! Build one [`Desk`] per settings and keep it: it holds the loaded dictionary, so checking on
//! every pause in typing costs no reload. [`fix`] needs no dictionary and is a free function.

mod checklist;
mod error;
mod finding;
mod settings;
mod spell;
mod tone;
mod typo;

pub use checklist::{PhotoFacts, PhotoMap};
pub use error::DeskError;
pub use finding::{Field, Finding, Rule, Severity, blocking};
pub use settings::{
    GlossaryEntry, GpsPolicy, Language, Limits, Photos, RuleLevel, Settings, Spelling, ToneStyle,
};
pub use spell::Speller;
pub use tone::{convert_syllable, to_style};

use byline_protocol::{Article, BlockKind};
use byline_text::{CleanPolicy, QuotePolicy};
use finding::{Loc, Raw};
use std::collections::HashMap;

/// Settings plus the loaded spelling dictionary. Cheap to query, expensive to build: build once.
#[derive(Debug)]
pub struct Desk {
    settings: Settings,
    /// The dictionary, or why it could not be loaded (spelling then degrades to one finding);
    /// `None` when spelling is switched off.
    speller: Option<Result<Speller, DeskError>>,
}

/// The result of [`fix`]: the repaired article and the findings that were repaired.
#[derive(Debug, Clone, PartialEq)]
pub struct Fixed {
    pub article: Article,
    /// The fixable findings of the article before the fix, in story order.
    pub applied: Vec<Finding>,
    /// Whether any text changed: when false the caller saves no new revision.
    pub changed: bool,
}

/// What the publisher must do to the photos that go out with a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishPolicy {
    /// Remove GPS coordinates from published photo files (creator and copyright are kept).
    pub strip_gps: bool,
}

impl Desk {
    /// Builds a desk: loads the dictionary (a missing one is not an error, see
    /// [`Desk::dictionary_error`]) and the newsroom word list (an unreadable one is).
    pub fn new(settings: Settings) -> Result<Desk, DeskError> {
        let speller = settings
            .spelling
            .enabled
            .then(|| Speller::load(&settings.spelling.dictionary));
        let mut desk = Desk { settings, speller };
        let mut words: Vec<String> = desk.settings.spelling.words.clone();
        words.extend(desk.settings.glossary.keys().cloned());
        if let Some(path) = desk.settings.spelling.word_list.clone() {
            let text = std::fs::read_to_string(&path)
                .map_err(|source| DeskError::WordList { path, source })?;
            words.extend(parse_word_list(&text));
        }
        for w in &words {
            desk.add_word(w)?;
        }
        Ok(desk)
    }

    /// The settings this desk checks with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Why spelling is unavailable, if it is.
    pub fn dictionary_error(&self) -> Option<&DeskError> {
        self.speller.as_ref().and_then(|s| s.as_ref().err())
    }

    /// Accepts a word, name ("Nghệ An") or abbreviation ("LĐLĐ") from now on. Without a
    /// dictionary there is nothing to add to and this does nothing.
    pub fn add_word(&mut self, word: &str) -> Result<(), DeskError> {
        match &mut self.speller {
            Some(Ok(s)) => s.add(word),
            _ => Ok(()),
        }
    }

    /// Adds every entry of a word-list file (one entry per line, `#` starts a comment).
    pub fn add_word_list(&mut self, text: &str) -> Result<(), DeskError> {
        for w in parse_word_list(text) {
            self.add_word(&w)?;
        }
        Ok(())
    }

    /// What the publisher must do with photos under these settings.
    pub fn publish_policy(&self) -> PublishPolicy {
        PublishPolicy {
            strip_gps: self.settings.strip_gps(),
        }
    }

    /// The text rules: typography, tone style, spelling, abbreviations. Findings come in story
    /// order (title, section, lead, blocks), then by offset.
    pub fn check(&self, article: &Article) -> Vec<Finding> {
        let mut raws = Vec::new();
        text_rules(article, &self.settings, self.speller.as_ref(), &mut raws);
        finish(raws, &self.settings)
    }

    /// The pre-publish checklist only (no text rules).
    pub fn checklist(&self, article: &Article, photos: &PhotoMap) -> Vec<Finding> {
        checklist(article, photos, &self.settings)
    }

    /// Everything: [`Desk::check`] then [`Desk::checklist`]. Use [`blocking`] on the result to
    /// decide whether the story may be published.
    pub fn check_all(&self, article: &Article, photos: &PhotoMap) -> Vec<Finding> {
        let mut raws = Vec::new();
        text_rules(article, &self.settings, self.speller.as_ref(), &mut raws);
        checklist::checklist(article, photos, &self.settings, &mut raws);
        finish(raws, &self.settings)
    }

    /// [`fix`] with this desk's settings.
    pub fn fix(&self, article: &Article) -> Fixed {
        fix(article, &self.settings)
    }
}

/// The pre-publish checklist as a free function (it needs no dictionary).
pub fn checklist(article: &Article, photos: &PhotoMap, settings: &Settings) -> Vec<Finding> {
    let mut raws = Vec::new();
    checklist::checklist(article, photos, settings, &mut raws);
    finish(raws, settings)
}

/// Text rules without spelling, as a free function (no dictionary needed).
pub fn check_typography(article: &Article, settings: &Settings) -> Vec<Finding> {
    let mut raws = Vec::new();
    text_rules(article, settings, None, &mut raws);
    finish(raws, settings)
}

/// The entries of a word-list file: one per line, `#` starts a comment, blank lines skipped.
pub fn parse_word_list(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The article's checked text fields in story order.
fn fields(article: &Article) -> Vec<(Loc, &str)> {
    let mut v = vec![
        (Loc::title(), article.title.as_str()),
        (Loc::section(), article.section.as_str()),
        (Loc::lead(), article.lead.as_str()),
    ];
    v.extend(
        article
            .blocks
            .iter()
            .enumerate()
            .map(|(i, b)| (Loc::block(i), b.text())),
    );
    v
}

fn text_rules(
    article: &Article,
    settings: &Settings,
    speller: Option<&Result<Speller, DeskError>>,
    out: &mut Vec<Raw>,
) {
    let mut dashes = Vec::new();
    let mut nfc_fields: Vec<(Loc, Vec<char>)> = Vec::new();
    let mut seen = spell::SpellCache::new();
    for (loc, raw_text) in fields(article) {
        typo::check_nfc(raw_text, loc, out);
        let chars: Vec<char> = byline_text::nfc(raw_text).chars().collect();
        typo::check_chars(&chars, loc, out);
        typo::dash_uses(&chars, loc, &mut dashes);
        tone_rule(&chars, loc, settings, out);
        if let Some(Ok(sp)) = speller {
            sp.check_chars(&chars, loc, &mut seen, out);
        }
        nfc_fields.push((loc, chars));
    }
    dash_rule(&dashes, &nfc_fields, out);
    glossary_rule(&nfc_fields, settings, out);
    if let Some(Err(e)) = speller {
        out.push(Raw {
            rule: Rule::SpellingUnavailable,
            loc: Loc {
                field: Field::Article,
                block: None,
            },
            start: 0,
            end: 0,
            text: String::new(),
            vi: format!("Không kiểm tra chính tả được: {e}"),
            en: format!("Spelling not checked: {e}"),
            fixable: false,
            replacement: None,
        });
    }
}

fn tone_rule(chars: &[char], loc: Loc, settings: &Settings, out: &mut Vec<Raw>) {
    if settings.tone_style == ToneStyle::Off {
        return;
    }
    let (want_vi, want_en) = match settings.tone_style {
        ToneStyle::Old => ("cũ (hoà, thuý)", "old (hoà, thuý)"),
        _ => ("mới (hòa, thúy)", "new (hòa, thúy)"),
    };
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphabetic() {
            i += 1;
            continue;
        }
        let s = i;
        while i < chars.len() && chars[i].is_alphabetic() {
            i += 1;
        }
        if i - s > 7 {
            continue;
        }
        let word: String = chars[s..i].iter().collect();
        if let Some(conv) = convert_syllable(&word, settings.tone_style) {
            out.push(Raw {
                rule: Rule::ToneStyle,
                loc,
                start: s,
                end: i,
                text: word.clone(),
                vi: format!("“{word}” bỏ dấu khác kiểu của tòa soạn (kiểu {want_vi}); viết “{conv}”."),
                en: format!("“{word}” places its tone mark against the newsroom style ({want_en}); write “{conv}”."),
                fixable: settings.fix_tone_style,
                replacement: Some(conv),
            });
        }
    }
}

/// One compound, one spelling: every use written differently from the story's first use.
fn dash_rule(uses: &[typo::DashUse], fields: &[(Loc, Vec<char>)], out: &mut Vec<Raw>) {
    let mut first: HashMap<&(String, String), &typo::DashUse> = HashMap::new();
    for u in uses {
        let f = *first.entry(&u.key).or_insert(u);
        if f.form == u.form {
            continue;
        }
        let Some((_, chars)) = fields.iter().find(|(l, _)| *l == u.loc) else {
            continue;
        };
        let Some((_, fchars)) = fields.iter().find(|(l, _)| *l == f.loc) else {
            continue;
        };
        let was: String = fchars[f.start..f.end].iter().collect();
        let suggested = format!("{}{}{}", u.key.0, f.form, u.key.1);
        let mut r = typo::raw(
            Rule::InconsistentDash,
            u.loc,
            chars,
            u.start,
            u.end,
            String::new(),
            String::new(),
        );
        r.vi = format!(
            "“{}” viết khác với “{was}” ở chỗ khác trong bài; thống nhất một cách viết.",
            r.text
        );
        r.en = format!(
            "“{}” is written differently from “{was}” elsewhere in the story; use one form.",
            r.text
        );
        r.replacement = Some(suggested);
        out.push(r);
    }
}

/// "Expand on first use": the first use of a glossary abbreviation after the title must come
/// with its expansion (earlier in the story or in the same paragraph). Headlines are exempt.
fn glossary_rule(fields: &[(Loc, Vec<char>)], settings: &Settings, out: &mut Vec<Raw>) {
    let entries: Vec<(&String, &settings::GlossaryEntry)> = settings
        .glossary
        .iter()
        .filter(|(_, e)| e.expand_on_first_use)
        .collect();
    if entries.is_empty() {
        return;
    }
    let body: Vec<(Loc, &Vec<char>, String)> = fields
        .iter()
        .filter(|(l, _)| l.field != Field::Title && l.field != Field::Section)
        .map(|(l, c)| (*l, c, c.iter().collect::<String>().to_lowercase()))
        .collect();
    for (abbr, entry) in entries {
        let a: Vec<char> = byline_text::nfc(abbr).chars().collect();
        let expansion = byline_text::nfc(&entry.expansion).to_lowercase();
        let mut before = String::new();
        for (loc, chars, lower) in &body {
            let Some(at) = find_word(chars, &a) else {
                before.push_str(lower);
                before.push('\n');
                continue;
            };
            if !before.contains(&expansion) && !lower.contains(&expansion) {
                out.push(typo::raw(
                    Rule::AbbreviationNotExpanded,
                    *loc,
                    chars,
                    at,
                    at + a.len(),
                    format!(
                        "Lần đầu dùng “{abbr}” cần ghi rõ: {} ({abbr}).",
                        entry.expansion
                    ),
                    format!(
                        "First use of “{abbr}” should spell it out: {} ({abbr}).",
                        entry.expansion
                    ),
                ));
                let last = out.len() - 1;
                out[last].replacement = Some(format!("{} ({abbr})", entry.expansion));
            }
            break;
        }
    }
}

/// First occurrence of `needle` in `hay` as a whole word.
fn find_word(hay: &[char], needle: &[char]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).find(|&i| {
        hay[i..i + needle.len()] == *needle
            && (i == 0 || !hay[i - 1].is_alphanumeric())
            && hay
                .get(i + needle.len())
                .is_none_or(|c| !c.is_alphanumeric())
    })
}

/// Applies settings (rule off, severity, language) and sorts into story order.
fn finish(raws: Vec<Raw>, settings: &Settings) -> Vec<Finding> {
    let order = |l: &Loc| -> (u8, usize) {
        match l.field {
            Field::Article => (0, 0),
            Field::Title => (0, 1),
            Field::Section => (1, 0),
            Field::Lead => (2, 0),
            Field::Block => (3, l.block.unwrap_or(0)),
            Field::Byline => (4, l.block.unwrap_or(0)),
        }
    };
    let mut v: Vec<Finding> = raws
        .into_iter()
        .filter_map(|r| {
            let mut severity = settings.severity(r.rule)?;
            if r.rule == Rule::PhotoGps && !settings.rules.contains_key(r.rule.id()) {
                severity = match settings.photos.gps {
                    GpsPolicy::Block => Severity::Error,
                    _ => Severity::Info,
                };
            }
            let message = match settings.language {
                Language::Vi => r.vi.clone(),
                Language::En => r.en.clone(),
            };
            Some(Finding {
                rule: r.rule,
                severity,
                message,
                message_vi: r.vi,
                message_en: r.en,
                field: r.loc.field,
                block: r.loc.block,
                start: r.start,
                end: r.end,
                text: r.text,
                fixable: r.fixable,
                replacement: r.replacement,
            })
        })
        .collect();
    v.sort_by(|a, b| {
        let la = Loc {
            field: a.field,
            block: a.block,
        };
        let lb = Loc {
            field: b.field,
            block: b.block,
        };
        order(&la)
            .cmp(&order(&lb))
            .then(a.start.cmp(&b.start))
            .then(a.end.cmp(&b.end))
            .then(a.rule.cmp(&b.rule))
    });
    v
}

/// Applies the safe fixes only: whitespace runs, leading/trailing spaces, spaces before
/// punctuation and inside brackets, invisible chars and NFC — all through
/// `byline_text::clean`, the same function the editor's paste uses — and the tone style when
/// `fix_tone_style` is set. Quotes, repeated punctuation and dashes are left for a human.
pub fn fix(article: &Article, settings: &Settings) -> Fixed {
    let before = check_typography(article, settings);
    let applied: Vec<Finding> = before
        .into_iter()
        .filter(|f| f.fixable && f.field != Field::Byline)
        .collect();
    let on = |r: Rule| settings.severity(r).is_some();
    let policy = CleanPolicy {
        collapse_spaces: on(Rule::DoubleSpace),
        trim: on(Rule::TrailingSpace) || on(Rule::LeadingSpace),
        strip_invisible: on(Rule::InvisibleChar),
        tighten_punctuation: on(Rule::SpaceBeforePunctuation) || on(Rule::SpaceInsideBrackets),
        quotes: QuotePolicy::Keep,
    };
    let tone = settings.fix_tone_style && on(Rule::ToneStyle);
    let repair = |s: &mut String| {
        let mut t = byline_text::clean(s, &policy);
        if tone {
            t = convert_text(&t, settings.tone_style);
        }
        if *s != t {
            *s = t;
        }
    };
    let mut a = article.clone();
    repair(&mut a.title);
    repair(&mut a.section);
    repair(&mut a.lead);
    for b in &mut a.blocks {
        repair(b.text_mut());
        if let BlockKind::Figure { credit, .. } = &mut b.kind {
            repair(credit);
        }
    }
    let changed = a.content() != article.content();
    Fixed {
        article: a,
        applied,
        changed,
    }
}

/// Rewrites every affected syllable of `text` into `style`.
fn convert_text(text: &str, style: ToneStyle) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match convert_syllable(word, style) {
            Some(c) => out.push_str(&c),
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_desk_can_be_shared_between_threads() {
        // The app keeps one Desk in shared state and checks from a worker thread.
        fn shared<T: Send + Sync>() {}
        shared::<Desk>();
    }

    #[test]
    fn convert_text_rewrites_only_the_affected_syllables() {
        assert_eq!(
            convert_text("Hoà bình, hoàng hôn; thuý.", ToneStyle::New),
            "Hòa bình, hoàng hôn; thúy."
        );
    }
}
