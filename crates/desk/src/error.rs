//! The desk's one error type and its mapping onto the boundary's stable error codes.

use byline_protocol::ErrorCode;
use std::path::PathBuf;

/// Everything that can go wrong setting up the copy desk. Checking a story never fails: problems
/// in the text are findings, not errors.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// The settings file could not be read from disk.
    #[error("cannot read desk settings {path}: {source}; check the path and its permissions")]
    SettingsRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The settings file is not valid TOML or has a wrong value.
    #[error("{path}:{line}: {message}; see crates/desk/README.md for the settings format")]
    SettingsParse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A value in the settings is syntactically fine but not allowed (unknown rule id, bad limit).
    #[error("{path}: setting `{field}` is invalid: {message}")]
    SettingsInvalid {
        path: PathBuf,
        field: String,
        message: String,
    },
    /// The newsroom word list named in the settings could not be read.
    #[error(
        "cannot read newsroom word list {path}: {source}; fix `spelling.word_list` in the settings"
    )]
    WordList {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The hunspell dictionary is not installed where the settings say.
    #[error(
        "spelling dictionary not found at {path}.aff/.dic; install hunspell-vi (scripts/deps.sh) or set `spelling.dictionary`"
    )]
    DictionaryMissing { path: PathBuf },
    /// The dictionary files exist but spellbook refused them.
    #[error("spelling dictionary {path}.aff/.dic could not be parsed: {message}")]
    DictionaryInvalid { path: PathBuf, message: String },
    /// A word could not be added to the dictionary (bad flag syntax in the entry).
    #[error("cannot add `{word}` to the newsroom word list: {message}")]
    BadWord { word: String, message: String },
}

impl DeskError {
    /// The stable code a boundary (CLI `--json`, Tauri command) reports for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            DeskError::SettingsRead { .. } | DeskError::WordList { .. } => ErrorCode::Io,
            DeskError::SettingsParse { .. }
            | DeskError::SettingsInvalid { .. }
            | DeskError::BadWord { .. } => ErrorCode::InvalidInput,
            DeskError::DictionaryMissing { .. } => ErrorCode::NotFound,
            DeskError::DictionaryInvalid { .. } => ErrorCode::Unsupported,
        }
    }
}
