//! What the desk reports: rule ids, severities, locations and the `Finding` record the CLI prints.

use serde::{Deserialize, Serialize};

/// How serious a finding is. `Error` blocks publishing (see [`crate::blocking`]).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// Where in the article a finding is. Serialized as the spec's `field` string.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Title,
    Lead,
    Section,
    /// Body block `block` (a figure's caption is its block's text).
    Block,
    /// The byline (who wrote / photographed the story).
    Byline,
    /// The story as a whole (e.g. spelling could not run).
    Article,
}

/// Every rule the desk knows. The serialized id (`double-space`, …) is stable: settings files,
/// the CLI and the UI match on it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    DoubleSpace,
    TrailingSpace,
    LeadingSpace,
    SpaceBeforePunctuation,
    SpaceInsideBrackets,
    MissingSpaceAfterPunctuation,
    RepeatedPunctuation,
    UnbalancedQuotes,
    UnbalancedBrackets,
    InconsistentDash,
    InvisibleChar,
    NotNfc,
    ToneStyle,
    Spelling,
    UnknownName,
    SpellingUnavailable,
    AbbreviationNotExpanded,
    MissingTitle,
    TitleLength,
    LeadLength,
    MissingCaption,
    MissingCredit,
    /// A figure without a credit of its own takes the story's photographer(s): shown, not blocking.
    InheritedCredit,
    MissingByline,
    BylineRole,
    PhotoDateAfterPublish,
    PhotoGps,
}

impl Rule {
    /// All rules, for settings validation and documentation.
    pub const ALL: [Rule; 27] = [
        Rule::DoubleSpace,
        Rule::TrailingSpace,
        Rule::LeadingSpace,
        Rule::SpaceBeforePunctuation,
        Rule::SpaceInsideBrackets,
        Rule::MissingSpaceAfterPunctuation,
        Rule::RepeatedPunctuation,
        Rule::UnbalancedQuotes,
        Rule::UnbalancedBrackets,
        Rule::InconsistentDash,
        Rule::InvisibleChar,
        Rule::NotNfc,
        Rule::ToneStyle,
        Rule::Spelling,
        Rule::UnknownName,
        Rule::SpellingUnavailable,
        Rule::AbbreviationNotExpanded,
        Rule::MissingTitle,
        Rule::TitleLength,
        Rule::LeadLength,
        Rule::MissingCaption,
        Rule::MissingCredit,
        Rule::InheritedCredit,
        Rule::MissingByline,
        Rule::BylineRole,
        Rule::PhotoDateAfterPublish,
        Rule::PhotoGps,
    ];

    /// The stable id, e.g. `double-space`.
    pub fn id(self) -> &'static str {
        match self {
            Rule::DoubleSpace => "double-space",
            Rule::TrailingSpace => "trailing-space",
            Rule::LeadingSpace => "leading-space",
            Rule::SpaceBeforePunctuation => "space-before-punctuation",
            Rule::SpaceInsideBrackets => "space-inside-brackets",
            Rule::MissingSpaceAfterPunctuation => "missing-space-after-punctuation",
            Rule::RepeatedPunctuation => "repeated-punctuation",
            Rule::UnbalancedQuotes => "unbalanced-quotes",
            Rule::UnbalancedBrackets => "unbalanced-brackets",
            Rule::InconsistentDash => "inconsistent-dash",
            Rule::InvisibleChar => "invisible-char",
            Rule::NotNfc => "not-nfc",
            Rule::ToneStyle => "tone-style",
            Rule::Spelling => "spelling",
            Rule::UnknownName => "unknown-name",
            Rule::SpellingUnavailable => "spelling-unavailable",
            Rule::AbbreviationNotExpanded => "abbreviation-not-expanded",
            Rule::MissingTitle => "missing-title",
            Rule::TitleLength => "title-length",
            Rule::LeadLength => "lead-length",
            Rule::MissingCaption => "missing-caption",
            Rule::MissingCredit => "missing-credit",
            Rule::InheritedCredit => "inherited-credit",
            Rule::MissingByline => "missing-byline",
            Rule::BylineRole => "byline-role",
            Rule::PhotoDateAfterPublish => "photo-date-after-publish",
            Rule::PhotoGps => "photo-gps",
        }
    }

    /// Parses a stable id back into a rule.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.id() == id)
    }

    /// The severity a rule has unless the settings say otherwise. Errors block publishing, so
    /// only what a reader must never see is an error by default.
    pub fn default_severity(self) -> Severity {
        match self {
            Rule::MissingTitle
            | Rule::MissingCaption
            | Rule::MissingCredit
            | Rule::MissingByline
            | Rule::PhotoDateAfterPublish => Severity::Error,
            Rule::NotNfc
            | Rule::UnknownName
            | Rule::SpellingUnavailable
            | Rule::InheritedCredit
            | Rule::AbbreviationNotExpanded => Severity::Info,
            _ => Severity::Warning,
        }
    }

    /// Whether this rule belongs to the typography/whitespace family (the text rules that never
    /// need a dictionary or the article's metadata).
    pub fn is_typography(self) -> bool {
        matches!(
            self,
            Rule::DoubleSpace
                | Rule::TrailingSpace
                | Rule::LeadingSpace
                | Rule::SpaceBeforePunctuation
                | Rule::SpaceInsideBrackets
                | Rule::MissingSpaceAfterPunctuation
                | Rule::RepeatedPunctuation
                | Rule::UnbalancedQuotes
                | Rule::UnbalancedBrackets
                | Rule::InconsistentDash
                | Rule::InvisibleChar
                | Rule::NotNfc
        )
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// One problem found by the desk. Serializes with the field names of the CLI spec
/// (`rule`, `message`, `field`, `block`, `start`, `end`) plus the desk's extras.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// `message_vi` or `message_en`, per the settings' language.
    pub message: String,
    pub message_vi: String,
    pub message_en: String,
    pub field: Field,
    /// Index into `blocks` when `field` is `block`; for `byline`, the index of the person.
    pub block: Option<usize>,
    /// Char offsets (Unicode scalar values) into the field's NFC text, `start..end`.
    pub start: usize,
    pub end: usize,
    /// The text currently at `start..end` (NFC), so a reader of the JSON sees what is meant.
    pub text: String,
    /// True when `byline fix` repairs this finding by itself.
    pub fixable: bool,
    /// What should replace `start..end`; a suggestion only when `fixable` is false.
    pub replacement: Option<String>,
}

/// Where a text finding is, before rule settings are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loc {
    pub field: Field,
    pub block: Option<usize>,
}

impl Loc {
    pub fn title() -> Loc {
        Loc {
            field: Field::Title,
            block: None,
        }
    }
    pub fn lead() -> Loc {
        Loc {
            field: Field::Lead,
            block: None,
        }
    }
    pub fn section() -> Loc {
        Loc {
            field: Field::Section,
            block: None,
        }
    }
    pub fn block(i: usize) -> Loc {
        Loc {
            field: Field::Block,
            block: Some(i),
        }
    }
}

/// A finding as a rule produces it; [`crate::Settings`] turns it into a [`Finding`]
/// (severity override, language, rule switched off).
#[derive(Debug, Clone)]
pub(crate) struct Raw {
    pub rule: Rule,
    pub loc: Loc,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub vi: String,
    pub en: String,
    pub fixable: bool,
    pub replacement: Option<String>,
}

/// The findings whose severity is `Error`: what stops a publish.
pub fn blocking(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect()
}
