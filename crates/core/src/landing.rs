//! Landing files from a card: each file read once into memory, hashed, and written from that
//! one buffer to a temp file in the library and, for an ingest, to one in the backup folder;
//! then a batch of landed files made durable together (every file flushed, renamed into
//! place, one flush per folder) with each backup copy verified by reading it back from the
//! drive. A file is final only once it passed all of that: until then it exists only under a
//! temp name, which a cancel (or a failure) removes.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use crate::error::{CoreError, Result};
use crate::photos::{self, Copied};

/// Where an ingest's second copy of one file goes.
#[derive(Debug, Clone)]
pub(crate) struct BackupTo {
    pub dir: PathBuf,
    /// The name by the template, extension kept.
    pub name: String,
}

/// A new file read off the card, in temp files only.
pub(crate) struct Landed {
    pub src: PathBuf,
    pub copied: Copied,
    /// The card's bytes, kept for the decoder (the card is read once).
    pub bytes: Vec<u8>,
    lib_tmp: NamedTempFile,
    backup: Option<(NamedTempFile, BackupTo)>,
}

/// A landed file made durable: the library copy in place and, for an ingest, its verified
/// backup copy under its final name.
pub(crate) struct Final {
    pub src: PathBuf,
    pub copied: Copied,
    pub bytes: Vec<u8>,
    pub backup: Option<PathBuf>,
}

/// Reads `src` once; a file the library (or this card, `seen`) already holds comes back as a
/// duplicate with nothing written, a new one as [`Landed`].
pub(crate) fn land(
    lib: &crate::Library,
    src: &Path,
    backup: Option<BackupTo>,
    seen: &mut std::collections::HashSet<String>,
) -> Result<std::result::Result<Landed, Copied>> {
    let mut bytes = Vec::new();
    fs::File::open(src)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| CoreError::io(src, e))?;
    let format = photos::format_of(src, &bytes[..bytes.len().min(32)])?;
    let id = hex::encode(Sha256::digest(&bytes));
    let copied = Copied {
        id,
        format,
        size: bytes.len() as u64,
        duplicate: true,
    };
    if !seen.insert(copied.id.clone()) || lib.db().read(|c| photos::is_known(c, &copied.id))? {
        return Ok(Err(copied));
    }
    let lib_tmp = temp_with(&lib.root().join("photos").join("tmp"), &bytes, "")?;
    let backup = match backup {
        Some(to) => Some((temp_with(&to.dir, &bytes, ".byline-ingest-")?, to)),
        None => None,
    };
    Ok(Ok(Landed {
        src: src.to_owned(),
        copied: Copied {
            duplicate: false,
            ..copied
        },
        bytes,
        lib_tmp,
        backup,
    }))
}

/// A temp file in `dir` holding `bytes`, not yet flushed.
fn temp_with(dir: &Path, bytes: &[u8], prefix: &str) -> Result<NamedTempFile> {
    fs::create_dir_all(dir).map_err(|e| CoreError::io(dir, e))?;
    let mut b = tempfile::Builder::new();
    if !prefix.is_empty() {
        b.prefix(prefix);
    }
    let mut tmp = b.tempfile_in(dir).map_err(|e| CoreError::io(dir, e))?;
    tmp.write_all(bytes)
        .map_err(|e| CoreError::io(tmp.path(), e))?;
    Ok(tmp)
}

/// Makes a batch durable: each temp flushed, library copies renamed into place, backup copies
/// read back from the drive and renamed to their names, then one flush per folder. Per file,
/// the final file or why it failed (its temps are gone then).
pub(crate) fn make_durable(
    root: &Path,
    batch: Vec<Landed>,
) -> Vec<(PathBuf, std::result::Result<Final, String>)> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut out = Vec::with_capacity(batch.len());
    for l in batch {
        let src = l.src.clone();
        let r = settle(root, l, &mut dirs).map_err(|e| e.to_string());
        out.push((src, r));
    }
    if let Err(e) = byline_durable::sync_dirs(dirs.iter().map(PathBuf::as_path)) {
        let why =
            format!("flushing the copies' folders failed ({e}); check the drive and ingest again");
        for (_, r) in &mut out {
            if let Ok(f) = r {
                discard_final(root, f);
                *r = Err(why.clone());
            }
        }
    }
    out
}

/// One landed file through flush, read-back and rename; folders to flush go to `dirs`.
fn settle(root: &Path, l: Landed, dirs: &mut Vec<PathBuf>) -> Result<Final> {
    let Landed {
        src,
        copied,
        bytes,
        lib_tmp,
        backup,
    } = l;
    lib_tmp
        .as_file()
        .sync_all()
        .map_err(|e| CoreError::io(lib_tmp.path(), e))?;
    let backup = match backup {
        Some((tmp, to)) => {
            tmp.as_file()
                .sync_all()
                .map_err(|e| CoreError::io(tmp.path(), e))?;
            Some(verified(tmp, &to, &bytes, &copied.id, dirs)?)
        }
        None => None,
    };
    let dest = root.join(photos::relative_path(&copied.id, copied.format));
    let dir = dest.parent().expect("library path has a parent");
    let placed = fs::create_dir_all(dir)
        .and_then(|()| keep(lib_tmp))
        .and_then(|from| byline_durable::rename_batched(&from, &dest));
    if let Err(e) = placed {
        if let Some(b) = &backup {
            let _ = fs::remove_file(b);
        }
        return Err(CoreError::io(&dest, e));
    }
    dirs.push(dir.to_owned());
    Ok(Final {
        src,
        copied,
        bytes,
        backup,
    })
}

/// Disowns a temp file: from here on its path is ours to rename (or remove on failure).
fn keep(tmp: NamedTempFile) -> std::io::Result<PathBuf> {
    tmp.into_temp_path().keep().map_err(|e| e.error)
}

/// Reads a flushed backup temp back from the drive (its cached pages dropped where the OS
/// allows, see [`byline_durable::open_uncached`]), compares it with the card's bytes and
/// renames it to its name. A file already there with these bytes (SHA-256 `id`) is kept (a
/// second ingest after a cancel); another file of that name makes the copy `name-2`, `name-3`….
fn verified(
    tmp: NamedTempFile,
    to: &BackupTo,
    card: &[u8],
    id: &str,
    dirs: &mut Vec<PathBuf>,
) -> Result<PathBuf> {
    let same = byline_durable::open_uncached(tmp.path())
        .and_then(|f| reads_as(f, card))
        .map_err(|e| CoreError::io(tmp.path(), e))?;
    if !same {
        return Err(CoreError::bad_file(
            to.dir.join(&to.name),
            "the backup copy reads back different from the original (a failing drive?); \
             check the backup drive and ingest again",
        ));
    }
    let (stem, ext) = match to.name.rfind('.') {
        Some(i) if i > 0 => to.name.split_at(i),
        _ => (to.name.as_str(), ""),
    };
    let mut dest = to.dir.join(&to.name);
    for n in 2.. {
        if !dest.exists() {
            break;
        }
        if photos::hash_file(&dest)? == id {
            return Ok(dest);
        }
        dest = to.dir.join(format!("{stem}-{n}{ext}"));
    }
    let from = keep(tmp).map_err(|e| CoreError::io(&to.dir, e))?;
    byline_durable::rename_batched(&from, &dest).map_err(|e| {
        let _ = fs::remove_file(&from);
        CoreError::io(&dest, e)
    })?;
    dirs.push(to.dir.clone());
    Ok(dest)
}

/// Whether a reader gives exactly `expected`, streamed. The card's bytes are still in memory,
/// so a comparison proves the copy as a second hash would, at a tenth of the CPU (measured:
/// hashing the read-back was 2-3 % of an ingest's CPU).
fn reads_as(mut f: fs::File, expected: &[u8]) -> std::io::Result<bool> {
    let mut buf = vec![0u8; 1 << 16];
    let mut at = 0;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(at == expected.len());
        }
        match expected.get(at..at + n) {
            Some(want) if want == &buf[..n] => at += n,
            _ => return Ok(false),
        }
    }
}

/// Removes a final file's copies again (a photo that failed after landing): the library copy
/// and its backup copy, so the next ingest treats the card file as new and copies it anew.
pub(crate) fn discard_final(root: &Path, f: &Final) {
    let _ = fs::remove_file(root.join(photos::relative_path(&f.copied.id, f.copied.format)));
    if let Some(b) = &f.backup {
        let _ = fs::remove_file(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(dir: &Path, name: &str, bytes: &[u8]) -> fs::File {
        let p = dir.join(name);
        fs::write(&p, bytes).unwrap();
        fs::File::open(p).unwrap()
    }

    #[test]
    fn a_read_back_matches_only_the_exact_bytes_of_the_card() {
        let dir = tempfile::tempdir().unwrap();
        // Over one read buffer, so the comparison crosses chunk boundaries.
        let card: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let same = file_with(dir.path(), "same", &card);
        assert!(reads_as(same, &card).unwrap(), "an identical copy verifies");
        let mut flipped = card.clone();
        flipped[150_000] ^= 1;
        let f = file_with(dir.path(), "flipped", &flipped);
        assert!(
            !reads_as(f, &card).unwrap(),
            "one flipped bit deep in the file is caught"
        );
        let f = file_with(dir.path(), "short", &card[..card.len() - 1]);
        assert!(
            !reads_as(f, &card).unwrap(),
            "a copy missing its last byte is caught"
        );
        let mut long = card.clone();
        long.push(0);
        let f = file_with(dir.path(), "long", &long);
        assert!(
            !reads_as(f, &card).unwrap(),
            "a copy with a byte too many is caught"
        );
    }
}
