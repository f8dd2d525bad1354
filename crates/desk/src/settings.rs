//! The desk's settings (`desk.toml`), shared by the app and the CLI: which rules run and how
//! loud they are, language, tone style, limits, photo policy, word list and glossary.

use crate::error::DeskError;
use crate::finding::{Rule, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Language of `Finding::message`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Vi,
    En,
}

/// Where the tone mark goes in open syllables with `oa`, `oe`, `uy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ToneStyle {
    /// Traditional: `hoà`, `thuý`, `hoá`, `khoẻ`.
    Old,
    /// Modern (most newspapers): `hòa`, `thúy`, `hóa`, `khỏe`.
    #[default]
    New,
    /// Do not check tone placement.
    Off,
}

/// What to do with GPS coordinates embedded in photos that go out with a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum GpsPolicy {
    /// Publish coordinates as they are.
    Keep,
    /// The publisher removes coordinates (creator and copyright stay); the desk reports it.
    #[default]
    Strip,
    /// A photo with coordinates blocks the publish until someone removes them.
    Block,
}

/// A rule's setting: `"off"` or a severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Off,
    Info,
    Warning,
    Error,
}

/// Length limits in characters (Unicode scalar values of the NFC text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    pub title_min: usize,
    pub title_max: usize,
    pub lead_min: usize,
    pub lead_max: usize,
}

impl Default for Limits {
    fn default() -> Self {
        // A print headline rarely passes 120 chars; a web lead of 2–3 sentences fits in 500.
        Limits {
            title_min: 15,
            title_max: 150,
            lead_min: 60,
            lead_max: 500,
        }
    }
}

/// Spelling settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Spelling {
    pub enabled: bool,
    /// Dictionary path without extension: `<path>.aff` and `<path>.dic` are loaded.
    pub dictionary: PathBuf,
    /// Newsroom word list file: one entry per line (`#` comments), names may have spaces.
    pub word_list: Option<PathBuf>,
    /// Extra accepted words/names written inline.
    pub words: Vec<String>,
}

impl Default for Spelling {
    fn default() -> Self {
        Spelling {
            enabled: true,
            dictionary: PathBuf::from("/usr/share/hunspell/vi_VN"),
            word_list: None,
            // Abbreviations every Vietnamese newsroom uses; a story about a trade union uses these.
            // Units follow numbers ("18 km") and are not Vietnamese syllables.
            words: [
                "TƯ", "HĐH", "CNH", "DN", "LĐLĐ", "CNVCLĐ", "UBND", "HĐND", "TP", "HCM", "TP.HCM",
                "km", "kg", "cm", "mm", "ha", "kW", "kWh", "MW", "USD", "VNĐ", "VND", "GDP",
                "THPT", "THCS", "GD", "ĐT", "ĐH", "BHXH", "BHYT", "CSGT", "PCCC", "KT", "XH",
                "COVID",
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
        }
    }
}

/// One glossary entry: what an abbreviation stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryEntry {
    pub expansion: String,
    /// Report the story's first use of the abbreviation when the expansion is not there too.
    #[serde(default)]
    pub expand_on_first_use: bool,
}

/// Photo policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Photos {
    pub gps: GpsPolicy,
}

/// All desk settings. `Settings::default()` is what a newsroom gets without a `desk.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub language: Language,
    pub tone_style: ToneStyle,
    /// Whether `fix` converts syllables to `tone_style` (off by default: a style change touches
    /// many words and an editor may prefer to see them first).
    pub fix_tone_style: bool,
    pub limits: Limits,
    pub spelling: Spelling,
    pub photos: Photos,
    /// Rule id → `off` / `info` / `warning` / `error`. Rules not listed keep their default.
    pub rules: BTreeMap<String, RuleLevel>,
    /// Abbreviation → expansion.
    pub glossary: BTreeMap<String, GlossaryEntry>,
}

impl Default for Settings {
    fn default() -> Self {
        let glossary = [
            ("LĐLĐ", "Liên đoàn Lao động"),
            ("CNVCLĐ", "công nhân, viên chức, lao động"),
            ("CNH", "công nghiệp hóa"),
            ("HĐH", "hiện đại hóa"),
            ("TƯ", "Trung ương"),
            ("DN", "doanh nghiệp"),
            ("UBND", "Ủy ban nhân dân"),
            ("HĐND", "Hội đồng nhân dân"),
        ]
        .into_iter()
        .map(|(a, e)| {
            (
                a.to_owned(),
                GlossaryEntry {
                    expansion: e.to_owned(),
                    expand_on_first_use: false,
                },
            )
        })
        .collect();
        Settings {
            language: Language::Vi,
            tone_style: ToneStyle::New,
            fix_tone_style: false,
            limits: Limits::default(),
            spelling: Spelling::default(),
            photos: Photos::default(),
            rules: BTreeMap::new(),
            glossary,
        }
    }
}

impl Settings {
    /// Reads and validates a `desk.toml`. Relative `spelling.word_list` and
    /// `spelling.dictionary` paths are resolved against the settings file's folder.
    pub fn load(path: &Path) -> Result<Settings, DeskError> {
        let text = std::fs::read_to_string(path).map_err(|source| DeskError::SettingsRead {
            path: path.to_owned(),
            source,
        })?;
        let mut s = Settings::parse(&text, path)?;
        // Paths in the file are relative to the file, not to wherever the app was started.
        if let Some(dir) = path.parent() {
            if let Some(wl) = &s.spelling.word_list
                && wl.is_relative()
            {
                s.spelling.word_list = Some(dir.join(wl));
            }
            if s.spelling.dictionary.is_relative() {
                s.spelling.dictionary = dir.join(&s.spelling.dictionary);
            }
        }
        Ok(s)
    }

    /// Parses settings from TOML text; `origin` names the file in error messages.
    pub fn parse(text: &str, origin: &Path) -> Result<Settings, DeskError> {
        let s: Settings = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |sp| {
                text[..sp.start.min(text.len())].matches('\n').count() + 1
            });
            DeskError::SettingsParse {
                path: origin.to_owned(),
                line,
                message: e.message().trim().to_owned(),
            }
        })?;
        s.validate(origin)?;
        Ok(s)
    }

    fn validate(&self, origin: &Path) -> Result<(), DeskError> {
        let invalid = |field: String, message: String| DeskError::SettingsInvalid {
            path: origin.to_owned(),
            field,
            message,
        };
        for id in self.rules.keys() {
            if Rule::from_id(id).is_none() {
                let known: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
                return Err(invalid(
                    format!("rules.{id}"),
                    format!("unknown rule; known rules: {}", known.join(", ")),
                ));
            }
        }
        let l = &self.limits;
        if l.title_min > l.title_max {
            return Err(invalid(
                "limits.title_min".into(),
                format!("{} is above title_max {}", l.title_min, l.title_max),
            ));
        }
        if l.lead_min > l.lead_max {
            return Err(invalid(
                "limits.lead_min".into(),
                format!("{} is above lead_max {}", l.lead_min, l.lead_max),
            ));
        }
        for (abbr, e) in &self.glossary {
            if abbr.trim().is_empty() || e.expansion.trim().is_empty() {
                return Err(invalid(
                    format!("glossary.{abbr}"),
                    "abbreviation and expansion must not be empty".into(),
                ));
            }
        }
        Ok(())
    }

    /// The severity `rule` has under these settings, or `None` when it is switched off.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        match self.rules.get(rule.id()) {
            None => Some(rule.default_severity()),
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::Info) => Some(Severity::Info),
            Some(RuleLevel::Warning) => Some(Severity::Warning),
            Some(RuleLevel::Error) => Some(Severity::Error),
        }
    }

    /// True when the publisher must remove GPS coordinates from published photos (keeping the
    /// creator and copyright fields).
    pub fn strip_gps(&self) -> bool {
        self.photos.gps == GpsPolicy::Strip
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_gives_the_defaults() {
        let s = Settings::parse("", Path::new("desk.toml")).unwrap();
        assert_eq!(s, Settings::default(), "every section is optional");
    }

    #[test]
    fn a_syntax_error_names_the_file_and_line() {
        let err = Settings::parse(
            "language = \"vi\"\n\ntone_style = \"sideways\"\n",
            Path::new("desk.toml"),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("desk.toml:3:"),
            "message should point at line 3, got {msg}"
        );
        assert_eq!(err.code(), byline_protocol::ErrorCode::InvalidInput);
    }

    #[test]
    fn an_unknown_rule_id_is_refused_with_the_known_ones_listed() {
        let err = Settings::parse(
            "[rules]\n\"double-spaces\" = \"off\"\n",
            Path::new("d.toml"),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("rules.double-spaces") && msg.contains("double-space,"),
            "got {msg}"
        );
    }

    #[test]
    fn rule_levels_override_default_severities() {
        let s = Settings::parse(
            "[rules]\ndouble-space = \"off\"\nmissing-credit = \"warning\"\n",
            Path::new("d"),
        )
        .unwrap();
        assert_eq!(
            s.severity(Rule::DoubleSpace),
            None,
            "off switches the rule off"
        );
        assert_eq!(s.severity(Rule::MissingCredit), Some(Severity::Warning));
        assert_eq!(
            s.severity(Rule::MissingCaption),
            Some(Severity::Error),
            "unlisted keeps default"
        );
    }
}
