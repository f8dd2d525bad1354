//! Printing: JSON for scripts, plain text for people, and the one-line error on stderr.

use serde::Serialize;

use byline_core::CoreError;

pub struct Out {
    pub json: bool,
}

impl Out {
    /// Prints `value` as JSON when `--json` was given, else runs `human`.
    pub fn print<T: Serialize>(&self, value: &T, human: impl FnOnce(&T)) {
        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(value).expect("output serialises")
            );
        } else {
            human(value);
        }
    }
}

/// One line on stderr (and the `{code, message}` object with `--json`, on the same line).
pub fn error(e: &CoreError, json: bool) {
    let msg = e.to_string().replace('\n', " ");
    if json {
        let api = e.to_api();
        eprintln!("{}", serde_json::to_string(&api).expect("error serialises"));
    } else {
        eprintln!("byline: error: {msg}");
    }
}

/// Shortens text for one-line listings.
pub fn ellipsize(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
