//! Byline's photo desk: sniff and probe photos, make renditions (single and batch), read EXIF /
//! IPTC / XMP metadata, write captions back into JPEGs without re-encoding, caption templates.

mod batch;
mod caption;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod iptc;
mod jpeg;
mod metadata;
mod probe;
mod render;
mod sniff;
mod template;
mod xmp;

pub use batch::{
    BatchJob, BatchOptions, BatchOutput, BatchProgress, process_batch, write_atomically,
};
pub use caption::{CaptionFields, write_caption};
pub use error::MediaError;
pub use metadata::{GpsPosition, Metadata, read_metadata};
pub use probe::{DEFAULT_MAX_PIXELS, Probe, probe, probe_with_limit};
pub use render::{DecodePath, Rendition, RenditionOptions, Renditions, make_renditions};
pub use sniff::{Format, sniff};
pub use template::{CodeTable, TemplateVars, expand_template};
