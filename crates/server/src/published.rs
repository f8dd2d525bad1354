//! The public copy of each photo: the uploaded original with the desk's caption, credits and
//! keywords embedded (IPTC IIM + XMP, image data untouched — the photo desk's write-back) and,
//! when the newsroom's policy says so, without GPS coordinates. Originals stay as uploaded
//! (content-addressed, for clients that sync); readers and downstream tools get this copy.
//! Whether a photo carries a location and whether it can be removed is `byline_media`'s call
//! alone; this module only stores what it makes or passes on what it refuses.

use byline_media::{CaptionFields, MediaError};
use byline_protocol::ErrorCode;
use byline_protocol::sync::PhotoMeta;

use crate::error::{Result, ServerError};

/// The public copy of `original` (the photo `sha`) under `meta`, or `None` when the copy would
/// be the original byte for byte (formats the caption write-back does not handle yet, with no
/// location to remove), so the original itself is served.
pub fn public_copy(original: &[u8], meta: &PhotoMeta, sha: &str) -> Result<Option<Vec<u8>>> {
    let copy = byline_media::publish_copy(
        original,
        &CaptionFields::from(meta),
        meta.strip_gps,
        &format!("photo {sha}"),
    )
    .map_err(|e| media("making the public copy", &e))?;
    tracing::info!(%sha, gps = ?copy.gps, captioned = copy.captioned, "public copy made");
    Ok((copy.bytes != original).then_some(copy.bytes))
}

/// A photo's preview as the public may see it: its location removed by the same code as the
/// public copy's, always (the desk's policy arrives with the metadata, after the preview); what
/// cannot be cleaned is refused, never published.
pub fn public_preview(preview: &[u8], sha: &str) -> Result<Vec<u8>> {
    byline_media::strip_gps(preview)
        .map_err(|e| media(&format!("cleaning the preview of photo {sha}"), &e))
}

fn media(context: &str, e: &MediaError) -> ServerError {
    let code = match e.code() {
        ErrorCode::Unsupported => ErrorCode::Unsupported,
        _ => ErrorCode::InvalidInput,
    };
    ServerError::new(code, format!("{context}: {e}"))
}
