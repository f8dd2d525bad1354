//! The photo library on disk: originals copied in by content (SHA-256), atomically, never
//! modified in place; the source (a memory card) is only ever opened for reading.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{CoreError, Result};

/// A photo as the library knows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhotoRecord {
    pub id: String,
    pub original_name: String,
    pub format: String,
    pub size: u64,
    pub imported_at: String,
    pub meta: StoredMeta,
}

/// What the library knows about a photo (the `photos.meta` column): the camera's facts read at
/// import and the fields the photographer edits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StoredMeta {
    /// As displayed (EXIF orientation applied).
    pub width: u64,
    pub height: u64,
    /// As stored in the file.
    pub stored_width: u64,
    pub stored_height: u64,
    pub orientation: u64,
    /// RFC 3339, with the camera's offset when it recorded one.
    pub taken_at: Option<String>,
    pub camera: Option<String>,
    pub lens: Option<String>,
    pub exposure_time: Option<String>,
    pub f_number: Option<f64>,
    pub iso: Option<u32>,
    pub focal_length_mm: Option<f64>,
    pub gps: Option<crate::photodesk::Gps>,
    /// How the renditions were decoded (a damaged file may only give its embedded preview).
    pub decoded_with: Option<String>,
    pub metadata_warnings: Vec<String>,
    #[serde(flatten)]
    pub fields: crate::photodesk::EditableFields,
    /// Rating, label, tag, reject: top-level keys of the JSON, which the `photo_marks`
    /// migration's computed columns read.
    #[serde(flatten)]
    pub marks: byline_protocol::Marks,
}

/// The outcome of copying one file into the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub id: String,
    pub format: &'static str,
    pub size: u64,
    /// True when the library already held these bytes (nothing was copied).
    pub duplicate: bool,
}

/// Recognises image formats by their magic bytes, never by extension: the media crate's one
/// sniffer, under the library's format names. A lone `FF D8` is not taken for a JPEG here: the
/// head read is 32 bytes, so a file that short is a truncated one.
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    use byline_media::Format;
    if head.len() < 3 {
        return None;
    }
    byline_media::sniff(head).map(|f| match f {
        Format::Jpeg => "jpeg",
        Format::Png => "png",
        Format::Webp => "webp",
        Format::Tiff => "tiff",
        Format::Heif => "heic",
    })
}

/// Whether a file's first bytes are those of a supported image.
pub fn is_image_file(path: &Path) -> bool {
    let mut head = [0u8; 32];
    File::open(path)
        .and_then(|mut f| read_up_to(&mut f, &mut head))
        .is_ok_and(|n| sniff(&head[..n]).is_some())
}

/// Where the original with this id lives, relative to the library root.
pub fn relative_path(id: &str, format: &str) -> PathBuf {
    let ext = match format {
        "jpeg" => "jpg",
        other => other,
    };
    PathBuf::from("photos")
        .join(&id[..2])
        .join(format!("{id}.{ext}"))
}

/// SHA-256 of a file, streamed (the one file hasher, `byline_sync::hash_file`, which the
/// server's upload offers also use), naming the file on error.
pub fn hash_file(path: &Path) -> Result<String> {
    byline_sync::hash_file(path)
        .map(|(sha, _)| sha)
        .map_err(|e| match e {
            byline_sync::SyncError::Io(io) => CoreError::io(path, io),
            other => CoreError::io(path, std::io::Error::other(other.to_string())),
        })
}

/// Copies `src` into the library's file store under `root` (write temp → [`byline_durable::persist`]:
/// fsync → rename → rename made durable) unless the library already records these bytes. Hashing happens while copying, so the
/// file is read once. Recording the photo is [`insert`]'s job, once it has decoded.
pub fn copy_file(conn: &Connection, root: &Path, src: &Path) -> Result<Copied> {
    let mut input = File::open(src).map_err(|e| CoreError::io(src, e))?;
    let mut head = [0u8; 32];
    let n = read_up_to(&mut input, &mut head).map_err(|e| CoreError::io(src, e))?;
    let format = format_of(src, &head[..n])?;
    let tmp_dir = root.join("photos").join("tmp");
    fs::create_dir_all(&tmp_dir).map_err(|e| CoreError::io(&tmp_dir, e))?;
    let mut tmp =
        tempfile::NamedTempFile::new_in(&tmp_dir).map_err(|e| CoreError::io(&tmp_dir, e))?;
    let mut h = Sha256::new();
    h.update(&head[..n]);
    tmp.write_all(&head[..n])
        .map_err(|e| CoreError::io(tmp.path(), e))?;
    let mut size = n as u64;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let k = input.read(&mut buf).map_err(|e| CoreError::io(src, e))?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        tmp.write_all(&buf[..k])
            .map_err(|e| CoreError::io(tmp.path(), e))?;
        size += k as u64;
    }
    let id = hex::encode(h.finalize());
    if is_known(conn, &id)? {
        return Ok(Copied {
            id,
            format,
            size,
            duplicate: true,
        });
    }
    let rel = relative_path(&id, format);
    let dest = root.join(&rel);
    let dir = dest.parent().expect("library path has a parent");
    fs::create_dir_all(dir).map_err(|e| CoreError::io(dir, e))?;
    // Not `File::open(dir)` + fsync: Windows cannot open a folder as a file (os error 5, every
    // photo import failed there); the helper makes the rename durable the way each OS allows.
    byline_durable::persist(tmp, &dest).map_err(|e| CoreError::io(&dest, e))?;
    Ok(Copied {
        id,
        format,
        size,
        duplicate: false,
    })
}

/// The library's format name for a file starting with `head`, or why it is not a photo.
pub(crate) fn format_of(src: &Path, head: &[u8]) -> Result<&'static str> {
    let n = head.len();
    sniff(head).ok_or_else(|| {
        CoreError::bad_file(
            src,
            if n == 0 {
                "file is empty (0 bytes); copy it off the card again".to_owned()
            } else if head.starts_with(&[0xFF, 0xD8]) {
                format!(
                    "JPEG is truncated: the file ends after {n} bytes; copy it off the card again"
                )
            } else {
                "not a JPEG, PNG, WebP, TIFF or HEIC image (checked by content, not by name)"
                    .to_owned()
            },
        )
    })
}

/// Whether the library already records the photo with these bytes.
pub(crate) fn is_known(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .query_row("SELECT 1 FROM photos WHERE id = ?1", [id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Records a copied photo with its metadata.
pub fn insert(conn: &Connection, c: &Copied, src: &Path, meta: &StoredMeta) -> Result<()> {
    let original_name = src
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    conn.execute(
        "INSERT OR IGNORE INTO photos(id, original_name, format, size, imported_at, meta)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            c.id,
            original_name,
            c.format,
            c.size,
            chrono::Local::now().fixed_offset().to_rfc3339(),
            serde_json::to_string(meta).expect("photo metadata serialises")
        ],
    )?;
    Ok(())
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// One photo by id.
pub fn get(conn: &Connection, id: &str) -> Result<PhotoRecord> {
    conn.query_row(
        "SELECT id, original_name, format, size, imported_at, meta FROM photos WHERE id = ?1",
        [id],
        record_from_row,
    )
    .optional()?
    .ok_or_else(|| CoreError::NotFound {
        what: "photo",
        id: id.to_owned(),
        hint: " (run `byline photo list` to see ids)",
    })
}

/// Every photo, newest import first.
pub fn list(conn: &Connection) -> Result<Vec<PhotoRecord>> {
    let mut stmt = conn.prepare(
        "SELECT id, original_name, format, size, imported_at, meta FROM photos
         ORDER BY imported_at DESC, id",
    )?;
    let rows = stmt
        .query_map([], record_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub(crate) fn record_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PhotoRecord> {
    let meta: String = r.get(5)?;
    Ok(PhotoRecord {
        id: r.get(0)?,
        original_name: r.get(1)?,
        format: r.get(2)?,
        size: r.get(3)?,
        imported_at: r.get(4)?,
        // A row damaged outside Byline still lists (with empty fields) rather than hiding
        // the photo: the original file is what matters, and it is intact.
        meta: serde_json::from_str(&meta).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn formats_are_recognised_by_magic_bytes() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE1]), Some("jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("png"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("webp"));
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0"), Some("heic"));
        assert_eq!(sniff(b"GIF89a"), None, "GIF is not accepted");
        assert_eq!(sniff(b""), None);
    }
}
