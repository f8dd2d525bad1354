//! Byline's photo desk: sniff and probe photos, make renditions (single and batch), read EXIF /
//! IPTC / XMP metadata, write captions back into JPEGs without re-encoding, caption templates.
//!
//! - [`sniff`] / [`probe`]: format by magic bytes; stored and displayed size, EXIF orientation,
//!   decompression-bomb guard ([`DEFAULT_MAX_PIXELS`]) before any pixel is decoded.
//! - [`make_renditions`]: one decode (libjpeg-turbo at a reduced DCT scale for JPEG, the `image`
//!   crate for PNG/WebP/TIFF and for JPEGs libjpeg-turbo refuses, the EXIF thumbnail last),
//!   SIMD Lanczos resize, orientation applied, JPEG out. HEIC is `Unsupported` (but probes).
//!   An embedded camera preview that covers every requested size (with headroom) is decoded instead
//!   ([`DecodePath::EmbeddedPreview`]).
//! - [`process_batch`]: the importer's batch on all cores with progress, cancel, atomic writes.
//! - [`read_metadata`]: EXIF + IPTC IIM + XMP merged (XMP wins), all strings NFC.
//! - [`write_caption`]: IPTC IIM (UTF-8) + XMP into a JPEG; scan data is copied byte for byte.
//!   Culling marks (rating, label, tag, reject) go into the same XMP packet.
//! - [`strip_gps`] / [`publish_copy`]: the location removed from EXIF and XMP (JPEG, PNG, WebP,
//!   TIFF) for the copy that is published, with a report of what was found; what cannot be
//!   cleaned is refused.
//! - [`expand_template`] / [`CodeTable`]: caption templates and shortcode expansion.

mod batch;
mod caption;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod gps;
mod iptc;
mod jpeg;
mod marks;
mod metadata;
mod preview;
mod probe;
mod render;
mod sniff;
mod template;
mod tiff;
mod xmp;

pub use batch::{
    BatchJob, BatchOptions, BatchOutput, BatchProgress, on_workers, process_batch, render_bytes,
    write_atomically,
};
pub use caption::{CaptionFields, write_caption};
pub use error::MediaError;
pub use gps::{GpsOutcome, PublicCopy, publish_copy, strip_gps};
pub use metadata::{GpsPosition, Metadata, read_metadata};
pub use preview::PreviewSource;
pub use probe::{DEFAULT_MAX_PIXELS, Probe, probe, probe_with_limit};
pub use render::{DecodePath, Rendition, RenditionOptions, Renditions, make_renditions};
pub use sniff::{Format, sniff};
pub use template::{CodeTable, TemplateVars, expand_template};
