//! Spelling: the system's hunspell `vi_VN` dictionary (loaded once, at run time, never copied:
//! it is GPL-2) plus the newsroom word list, checked syllable by syllable.

use crate::error::DeskError;
use crate::finding::{Loc, Raw, Rule};
use crate::settings::ToneStyle;
use crate::tone::to_style;
use spellbook::Dictionary;
use std::path::{Path, PathBuf};

/// What the dictionary said about one syllable.
#[derive(Debug, Clone)]
pub(crate) enum Verdict {
    Ok,
    /// Not in the dictionary, with hunspell's first suggestion.
    Unknown(Option<String>),
}

/// Per-check memo of verdicts.
pub(crate) type SpellCache = std::collections::HashMap<String, Verdict>;

/// The loaded dictionary with the newsroom's words added.
pub struct Speller {
    dict: Dictionary,
    path: PathBuf,
}

impl std::fmt::Debug for Speller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Speller")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Speller {
    /// Loads `<path>.aff` and `<path>.dic`.
    pub fn load(path: &Path) -> Result<Speller, DeskError> {
        let with = |ext: &str| {
            let mut p = path.as_os_str().to_owned();
            p.push(ext);
            PathBuf::from(p)
        };
        let read = |p: PathBuf| {
            std::fs::read_to_string(p).map_err(|_| DeskError::DictionaryMissing {
                path: path.to_owned(),
            })
        };
        let aff = read(with(".aff"))?;
        let dic = read(with(".dic"))?;
        let dict = Dictionary::new(&aff, &dic).map_err(|e| DeskError::DictionaryInvalid {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        Ok(Speller {
            dict,
            path: path.to_owned(),
        })
    }

    /// Accepts a word-list entry. Multi-syllable names ("Nghệ An") and dotted abbreviations
    /// ("TP.HCM") are accepted syllable by syllable, as the checker sees them.
    pub fn add(&mut self, entry: &str) -> Result<(), DeskError> {
        let entry = byline_text::nfc(entry);
        for syl in entry
            .split(|c: char| !c.is_alphanumeric())
            .filter(|s| !s.is_empty())
        {
            if self.dict.check(syl) {
                continue;
            }
            self.dict.add(syl).map_err(|e| DeskError::BadWord {
                word: entry.clone(),
                message: e.to_string(),
            })?;
        }
        Ok(())
    }

    /// True when `word` (one syllable, NFC, either tone style) is spelt correctly.
    pub fn check(&self, word: &str) -> bool {
        // The dictionary knows the old tone style only; the style itself is the tone rule's job.
        self.dict.check(&to_style(word, ToneStyle::Old))
    }

    fn suggestion(&self, word: &str) -> Option<String> {
        let mut out = Vec::new();
        self.dict.suggest(word, &mut out);
        out.into_iter().find(|s| !s.contains(' '))
    }

    /// Reports every misspelt syllable in a field's NFC chars (`spelling`) and every unknown
    /// capitalised token (`unknown-name`: a name or abbreviation missing from the word list).
    /// Numbers, dates, times, single letters and anything inside a URL or e-mail address are
    /// skipped.
    /// `seen` memoises verdicts (and suggestions, which cost far more than checks) across the
    /// fields of one story: a 5,000-word story has only a few hundred distinct syllables.
    pub(crate) fn check_chars(
        &self,
        chars: &[char],
        loc: Loc,
        seen: &mut SpellCache,
        out: &mut Vec<Raw>,
    ) {
        let mut i = 0;
        let mut in_url = false;
        let mut chunk_start = true;
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() {
                chunk_start = true;
                i += 1;
                continue;
            }
            if chunk_start {
                chunk_start = false;
                let end = chars[i..]
                    .iter()
                    .position(|c| c.is_whitespace())
                    .map_or(chars.len(), |p| i + p);
                in_url = crate::typo::is_url_chunk(&chars[i..end]);
            }
            if !c.is_alphanumeric() {
                i += 1;
                continue;
            }
            let s = i;
            while i < chars.len() && chars[i].is_alphanumeric() {
                i += 1;
            }
            let tok = &chars[s..i];
            // Single letters are initials and units ("Nguyễn Văn A", "độ C", "Đ/c"), not syllables.
            if in_url || tok.len() == 1 || tok.iter().any(|c| c.is_numeric()) {
                continue;
            }
            let word: String = tok.iter().collect();
            // Any capital ("Smithers", "THPT", "iPhone") makes it a name or an abbreviation.
            let capital = tok.iter().any(|c| c.is_uppercase());
            let verdict = match seen.get(&word) {
                Some(v) => v.clone(),
                None => {
                    let v = if self.check(&word) {
                        Verdict::Ok
                    } else if capital {
                        // Names get no suggestion: hunspell would only offer lookalikes.
                        Verdict::Unknown(None)
                    } else {
                        Verdict::Unknown(self.suggestion(&word))
                    };
                    seen.insert(word.clone(), v.clone());
                    v
                }
            };
            let Verdict::Unknown(suggestion) = verdict else {
                continue;
            };
            let (vi, en) = if capital {
                (
                    format!(
                        "“{word}” không có trong từ điển; nếu là tên riêng hay chữ viết tắt, hãy thêm vào danh sách từ của tòa soạn."
                    ),
                    format!(
                        "“{word}” is not in the dictionary; if it is a name or an abbreviation, add it to the newsroom word list."
                    ),
                )
            } else {
                (
                    format!("Có thể sai chính tả: “{word}”."),
                    format!("Possible misspelling: “{word}”."),
                )
            };
            let rule = if capital {
                Rule::UnknownName
            } else {
                Rule::Spelling
            };
            let mut r = crate::typo::raw(rule, loc, chars, s, i, vi, en);
            r.replacement = suggestion;
            out.push(r);
        }
    }
}
