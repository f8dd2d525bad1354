//! Culling marks in XMP, as Lightroom, Bridge and Photo Mechanic keep them: `xmp:Rating` (0–5
//! stars; -1 is Lightroom's "rejected"), `xmp:Label` (the colour's name: Red, Yellow, Green,
//! Blue, Purple) and Photo Mechanic's `photomechanic:Tagged` (a pick).

use byline_protocol::{Label, Marks};

use crate::xmp::{Kind, SetProp, XmpProps};

const RATING: &str = "xmp:Rating";
const LABEL: &str = "xmp:Label";
const PM_TAGGED: &str = "photomechanic:Tagged";

/// The marks a packet carries; what is absent or unreadable counts as unmarked.
pub(crate) fn from_xmp(p: &XmpProps) -> Marks {
    let first = |k: &str| {
        p.get(k)
            .and_then(|v| v.first())
            .map(|s| s.trim().to_owned())
    };
    // Ratings are integers, but a few tools write "4.0".
    let rating = first(RATING).and_then(|r| r.parse::<f64>().ok());
    Marks {
        rating: rating
            .filter(|r| *r >= 0.0)
            .map_or(0, |r| r.round().min(f64::from(Marks::MAX_RATING)) as u8),
        rejected: rating.is_some_and(|r| r < 0.0),
        label: first(LABEL).as_deref().and_then(Label::parse),
        tagged: first(PM_TAGGED).is_some_and(|t| t.eq_ignore_ascii_case("true") || t == "1"),
    }
}

/// The properties that make a packet carry exactly `m`: unmarked parts are removed, so another
/// tool's older marks never outlive the photographer's choice. A reject is written as Lightroom
/// writes it (rating -1), since XMP has no property of its own for it.
pub(crate) fn to_xmp(m: &Marks) -> Vec<SetProp> {
    let rating = if m.rejected {
        Some("-1".to_owned())
    } else {
        (m.rating > 0).then(|| m.rating.min(Marks::MAX_RATING).to_string())
    };
    let simple = |name: &'static str, v: Option<String>| SetProp {
        name,
        kind: Kind::Simple,
        values: v.into_iter().collect(),
    };
    vec![
        simple(RATING, rating),
        simple(LABEL, m.label.map(|l| l.xmp_name().to_owned())),
        simple(PM_TAGGED, m.tagged.then(|| "True".to_owned())),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, &str)]) -> XmpProps {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
            .collect()
    }

    #[test]
    fn lightroom_and_photo_mechanic_marks_are_read() {
        let m = from_xmp(&props(&[
            (RATING, "4"),
            (LABEL, "Red"),
            (PM_TAGGED, "True"),
        ]));
        assert_eq!(m.rating, 4);
        assert_eq!(m.label, Some(Label::Red));
        assert!(m.tagged && !m.rejected, "tagged, not rejected: {m:?}");
    }

    #[test]
    fn a_rating_of_minus_one_is_a_reject_and_odd_values_are_clamped() {
        let m = from_xmp(&props(&[(RATING, "-1"), (LABEL, "To Do")]));
        assert!(m.rejected, "Lightroom's reject");
        assert_eq!(m.rating, 0);
        assert_eq!(m.label, None, "a custom label name is not a colour");
        assert_eq!(from_xmp(&props(&[(RATING, "7")])).rating, 5);
        assert_eq!(from_xmp(&props(&[(RATING, "3.0")])).rating, 3);
    }

    #[test]
    fn writing_marks_round_trips_and_unmarking_removes_the_properties() {
        let m = Marks {
            rating: 3,
            label: Some(Label::Purple),
            tagged: true,
            rejected: false,
        };
        let set = to_xmp(&m);
        let written: XmpProps = set
            .iter()
            .map(|p| (p.name.to_string(), p.values.clone()))
            .collect();
        assert_eq!(from_xmp(&written), m, "read back as written");
        assert!(
            to_xmp(&Marks::default())
                .iter()
                .all(|p| p.values.is_empty()),
            "no marks: every mark property is removed"
        );
    }
}
