//! The public copy of each photo: the uploaded original with the desk's caption, credits and
//! keywords embedded (IPTC IIM + XMP, image data untouched — the photo desk's write-back) and,
//! when the newsroom's policy says so, without GPS coordinates. Originals stay as uploaded
//! (content-addressed, for clients that sync); readers and downstream tools get this copy.

use byline_media::{CaptionFields, Format, MediaError};
use byline_protocol::ErrorCode;
use byline_protocol::sync::PhotoMeta;

use crate::error::{Result, ServerError};

/// The public copy of `original` under `meta`, or `None` when the original itself is what the
/// public gets (formats the write-back does not handle yet, and that carry nothing to strip).
pub fn public_copy(original: &[u8], meta: &PhotoMeta) -> Result<Option<Vec<u8>>> {
    if byline_media::sniff(original) != Some(Format::Jpeg) {
        if meta.strip_gps && has_gps(original) {
            return Err(ServerError::new(
                ErrorCode::Unsupported,
                "this photo carries GPS coordinates and the newsroom policy removes them, but \
                 they can be removed only from JPEG files yet: export it as JPEG and upload that",
            ));
        }
        return Ok(None);
    }
    let copy = byline_media::publish_copy(original, &CaptionFields::from(meta), meta.strip_gps)
        .map_err(|e| media(&e))?;
    Ok(Some(copy))
}

fn has_gps(bytes: &[u8]) -> bool {
    byline_media::read_metadata(bytes, "photo").is_ok_and(|m| m.gps.is_some())
}

fn media(e: &MediaError) -> ServerError {
    let code = match e.code() {
        ErrorCode::Unsupported => ErrorCode::Unsupported,
        _ => ErrorCode::InvalidInput,
    };
    ServerError::new(code, format!("embedding the caption in the photo: {e}"))
}
