//! A photographer's culling marks: star rating, colour label, tag (a pick) and reject. The same
//! shape travels in the local library, to the server with the photo's metadata and into the UI;
//! `byline-media` maps it to and from XMP (`xmp:Rating`, `xmp:Label`).

use serde::{Deserialize, Serialize};

/// A colour label, with Lightroom's names and keys (6 red … 9 blue; purple has no key there).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Red,
    Yellow,
    Green,
    Blue,
    Purple,
}

impl Label {
    pub const ALL: [Label; 5] = [
        Label::Red,
        Label::Yellow,
        Label::Green,
        Label::Blue,
        Label::Purple,
    ];

    /// The lowercase name used by the CLI, the JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Red => "red",
            Label::Yellow => "yellow",
            Label::Green => "green",
            Label::Blue => "blue",
            Label::Purple => "purple",
        }
    }

    /// The name Lightroom and Bridge write into `xmp:Label` (their default label set).
    pub fn xmp_name(self) -> &'static str {
        match self {
            Label::Red => "Red",
            Label::Yellow => "Yellow",
            Label::Green => "Green",
            Label::Blue => "Blue",
            Label::Purple => "Purple",
        }
    }

    /// A label by name, any case ("Red" from XMP, "red" from the CLI); `None` for other names
    /// (a custom label set's "To Do" is not one of the five colours).
    pub fn parse(name: &str) -> Option<Label> {
        let n = name.trim();
        Label::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(n))
    }
}

/// The marks of one photo. The default is "nothing marked".
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Marks {
    /// Stars, 0 (unrated) to 5.
    pub rating: u8,
    pub label: Option<Label>,
    /// A pick (Photo Mechanic's "tagged").
    pub tagged: bool,
    pub rejected: bool,
}

impl Marks {
    pub const MAX_RATING: u8 = 5;

    pub fn is_empty(&self) -> bool {
        *self == Marks::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_parse_in_any_case_and_only_the_five_colours() {
        assert_eq!(Label::parse("Red"), Some(Label::Red));
        assert_eq!(Label::parse(" PURPLE "), Some(Label::Purple));
        assert_eq!(
            Label::parse("To Do"),
            None,
            "a custom label is not a colour"
        );
    }

    #[test]
    fn marks_serialise_with_lowercase_labels_and_default_when_absent() {
        let m = Marks {
            rating: 4,
            label: Some(Label::Red),
            tagged: true,
            rejected: false,
        };
        let j = serde_json::to_value(m).unwrap();
        assert_eq!(j["label"], "red", "the JSON contract's lowercase name");
        let back: Marks = serde_json::from_str("{}").unwrap();
        assert!(back.is_empty(), "absent marks are no marks");
    }
}
