//! The crate's single error type and its mapping onto the protocol's stable error codes.

use byline_protocol::ErrorCode;

/// Everything that can go wrong in the photo desk. Messages name the file or field and say
/// what the user can do, because the importer shows them verbatim next to the file name.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error(
        "{what}: the file is not a photo Byline recognises (JPEG, PNG, WebP, TIFF or HEIC); check it is not damaged or renamed"
    )]
    UnknownFormat { what: String },

    #[error("{what}: {format} is not supported yet: {hint}")]
    Unsupported {
        what: String,
        format: &'static str,
        hint: &'static str,
    },

    /// The photo may carry a position and the policy removes it, but this file's position
    /// cannot be removed safely; publishing it as it is would leak where it was taken.
    #[error(
        "{what}: the GPS position cannot be removed from this {format} file ({detail}); remove it with `exiftool -gps:all= -xmp-exif:gps*= FILE` or export the photo as JPEG, then try again"
    )]
    GpsNotRemovable {
        what: String,
        format: &'static str,
        detail: String,
    },

    #[error("{what}: damaged {format} file ({detail}); re-export or re-copy it from the card")]
    Corrupt {
        what: String,
        format: &'static str,
        detail: String,
    },

    #[error(
        "{what}: {width}x{height} pixels is over the {limit_mp} MP limit; downscale it before importing"
    )]
    TooLarge {
        what: String,
        width: u64,
        height: u64,
        limit_mp: u64,
    },

    #[error("{field}: {detail}")]
    InvalidField { field: String, detail: String },

    #[error("{path}: {source}; check the disk and permissions")]
    Io {
        path: String,
        source: std::io::Error,
    },

    #[error("cancelled before {what} was processed")]
    Cancelled { what: String },

    #[error("{what}: internal error in {stage}: {detail} (please report this)")]
    Internal {
        what: String,
        stage: &'static str,
        detail: String,
    },
}

impl MediaError {
    /// The stable code a boundary (CLI `--json`, Tauri command) reports.
    pub fn code(&self) -> ErrorCode {
        match self {
            MediaError::UnknownFormat { .. }
            | MediaError::Corrupt { .. }
            | MediaError::InvalidField { .. } => ErrorCode::InvalidInput,
            MediaError::Unsupported { .. } | MediaError::GpsNotRemovable { .. } => {
                ErrorCode::Unsupported
            }
            MediaError::TooLarge { .. } => ErrorCode::TooLarge,
            MediaError::Io { .. } => ErrorCode::Io,
            // A cancelled import is neither the user's fault nor a fault: the file stays queued.
            MediaError::Cancelled { .. } => ErrorCode::Unavailable,
            MediaError::Internal { .. } => ErrorCode::Internal,
        }
    }

    pub(crate) fn corrupt(
        what: &str,
        format: &'static str,
        detail: impl Into<String>,
    ) -> MediaError {
        MediaError::Corrupt {
            what: what.to_owned(),
            format,
            detail: detail.into(),
        }
    }

    pub(crate) fn field(field: &str, detail: impl Into<String>) -> MediaError {
        MediaError::InvalidField {
            field: field.to_owned(),
            detail: detail.into(),
        }
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> MediaError {
        MediaError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_variant_maps_to_the_code_the_ui_expects() {
        let heic = MediaError::Unsupported {
            what: "a.heic".into(),
            format: "HEIC",
            hint: "convert",
        };
        assert_eq!(
            heic.code(),
            ErrorCode::Unsupported,
            "HEIC without decoder is 'unsupported', not 'invalid'"
        );
        let big = MediaError::TooLarge {
            what: "b.jpg".into(),
            width: 60000,
            height: 60000,
            limit_mp: 200,
        };
        assert_eq!(
            big.code(),
            ErrorCode::TooLarge,
            "decompression bombs are a size limit"
        );
        assert!(
            big.to_string().contains("b.jpg"),
            "message must name the file: {big}"
        );
        assert_eq!(
            MediaError::corrupt("c.jpg", "JPEG", "x").code(),
            ErrorCode::InvalidInput
        );
    }
}
