//! Culling marks on photos (rating, colour label, tag, reject): set on one or many photos at
//! once, stored in `photos.meta` beside the caption (not in the caption history: a mark is a
//! sorting decision, not an edit of the published text) and queued to the server with the rest
//! of the photo's metadata once the server has the photo.

use byline_protocol::{Label, Marks};
use rusqlite::{Connection, params};

use crate::error::{CoreError, Result};
use crate::outbox::{self, Kind};
use crate::{Library, photodesk, photos};

/// A change of marks: `None` leaves that mark as it is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct MarkEdit {
    #[cfg_attr(feature = "ts", ts(optional))]
    pub rating: Option<u8>,
    /// `Some(None)` clears the label: in JSON, `"label": null` clears it and no `label` key
    /// leaves it.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(deserialize_with = "present")]
    pub label: Option<Option<Label>>,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub tagged: Option<bool>,
    #[cfg_attr(feature = "ts", ts(optional))]
    pub rejected: Option<bool>,
}

/// A key that is present, even as `null`, is `Some` (serde alone reads `null` as `None`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<Label>>, D::Error> {
    <Option<Label> as serde::Deserialize>::deserialize(d).map(Some)
}

impl MarkEdit {
    /// The marks after this edit.
    pub fn apply(&self, mut m: Marks) -> Marks {
        if let Some(r) = self.rating {
            m.rating = r;
        }
        if let Some(l) = self.label {
            m.label = l;
        }
        if let Some(t) = self.tagged {
            m.tagged = t;
        }
        if let Some(r) = self.rejected {
            m.rejected = r;
        }
        m
    }

    fn check(&self) -> Result<()> {
        if self.rating.is_some_and(|r| r > Marks::MAX_RATING) {
            return Err(CoreError::Invalid(format!(
                "rating {} is out of range: give 0 (no stars) to 5",
                self.rating.unwrap_or_default()
            )));
        }
        if *self == MarkEdit::default() {
            return Err(CoreError::Invalid(
                "no mark given: set --rating 0-5, --label, --tag/--untag or --reject/--unreject"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// Parses a label as the CLI and the UI name it: a colour, or `none` to clear.
pub fn parse_label(s: &str) -> Result<Option<Label>> {
    if s.trim().eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    Label::parse(s).map(Some).ok_or_else(|| {
        CoreError::Invalid(format!(
            "label `{s}` is not a colour: use red, yellow, green, blue, purple or none"
        ))
    })
}

/// Marks every photo in `ids` in one transaction (all or none), queues the metadata push of
/// those the server has, and tells the views.
pub fn mark_photos(
    lib: &Library,
    ids: &[String],
    edit: &MarkEdit,
) -> Result<Vec<photodesk::PhotoView>> {
    edit.check()?;
    let records: Vec<_> = ids.iter().map(|id| lib.photo(id)).collect::<Result<_>>()?;
    let changed = lib.db().transaction(|tx| {
        let mut changed = false;
        for rec in &records {
            // Read again inside the write transaction: two quick keys in the loupe (4, then 6)
            // arrive as two calls, and the second must build on the first.
            let now = photos::get(tx, &rec.id)?.meta.marks;
            changed |= store(tx, &rec.id, edit.apply(now), true)?;
        }
        Ok(changed)
    })?;
    lib.notify_photos(records.iter().map(|r| r.id.clone()).collect());
    if changed {
        lib.events().outbox_changed();
    }
    records.iter().map(|r| lib.photo_view(&r.id)).collect()
}

/// Stores `marks` on photo `id` in the caller's transaction when they differ, queueing the
/// metadata push when `push` and the server has the photo (marks pulled from the server are not
/// sent back). Returns whether anything changed.
pub(crate) fn store(tx: &Connection, id: &str, marks: Marks, push: bool) -> Result<bool> {
    let mut meta = photos::get(tx, id)?.meta;
    if meta.marks == marks {
        return Ok(false);
    }
    meta.marks = marks;
    let json = serde_json::to_string(&meta).expect("photo metadata serialises");
    tx.execute(
        "UPDATE photos SET meta = ?2 WHERE id = ?1",
        params![id, json],
    )?;
    if push && outbox::was_sent(tx, Kind::Photo, id)? {
        outbox::enqueue(tx, Kind::PhotoMeta, id)?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_changes_only_the_marks_it_names() {
        let before = Marks {
            rating: 2,
            label: Some(Label::Blue),
            tagged: true,
            rejected: false,
        };
        let after = MarkEdit {
            rating: Some(5),
            label: Some(None),
            ..MarkEdit::default()
        }
        .apply(before);
        assert_eq!(after.rating, 5);
        assert_eq!(after.label, None, "`none` clears the label");
        assert!(after.tagged, "the tag was not named, so it stays");
    }

    #[test]
    fn a_null_label_in_json_clears_it_and_a_missing_one_leaves_it() {
        let clear: MarkEdit = serde_json::from_str(r#"{"label": null}"#).unwrap();
        assert_eq!(clear.label, Some(None), "null clears");
        let keep: MarkEdit = serde_json::from_str(r#"{"rating": 3}"#).unwrap();
        assert_eq!(keep.label, None, "absent leaves the label");
        let red: MarkEdit = serde_json::from_str(r#"{"label": "red"}"#).unwrap();
        assert_eq!(red.label, Some(Some(Label::Red)));
    }

    #[test]
    fn a_rating_above_five_and_an_empty_edit_are_refused_with_what_to_do() {
        let e = MarkEdit {
            rating: Some(6),
            ..MarkEdit::default()
        }
        .check()
        .unwrap_err();
        assert!(e.to_string().contains("0 (no stars) to 5"), "{e}");
        assert!(MarkEdit::default().check().is_err(), "nothing to do");
        assert!(
            parse_label("orange")
                .unwrap_err()
                .to_string()
                .contains("purple")
        );
        assert_eq!(parse_label("None").unwrap(), None);
    }
}
