//! The one durable write of the workspace: readers see the old file or the new one, never a torn
//! one, and once a call returns the new file survives a power cut.
//!
//! The recipe is temp file in the destination's folder → write → flush to disk → rename over the
//! destination → make the rename itself durable. The last step differs per OS:
//!
//! - Unix (Linux, macOS): fsync the folder, since the rename lives in the folder's entries.
//! - Windows: a folder cannot be opened as a file (`File::open` on it fails with "Access
//!   denied", os error 5), so there is no folder to fsync. The rename is done with
//!   `MoveFileExW(MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)`, which returns only once
//!   the move is flushed to disk. Windows also refuses to replace a file another process has open
//!   without delete sharing (an indexer or virus scanner, briefly), so that refusal is retried
//!   for a moment before it is reported.

use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` atomically and durably.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, bytes, true)
}

/// Like [`write`], for a file the user hands to others (an exported photo in a shared folder):
/// it gets the permissions of any file the user creates (0666 less the umask, typically 0644),
/// not the private 0600 of a temp file.
pub fn write_for_user(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // Only Unix has a mode to set; elsewhere the default permissions are the user's already.
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut b = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = b.tempfile_in(folder_of(path))?;
    tmp.write_all(bytes)?;
    persist(tmp, path)
}

/// Writes `bytes` to `path` atomically (temp file + rename) but without flushing to disk: for
/// files that can be made again from others (renditions), where a crash may lose the new file
/// but never leaves a torn one.
pub fn write_unsynced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, bytes, false)
}

fn write_with(path: &Path, bytes: &[u8], durable: bool) -> io::Result<()> {
    let mut tmp = tempfile::NamedTempFile::new_in(folder_of(path))?;
    tmp.write_all(bytes)?;
    if durable {
        persist(tmp, path)
    } else {
        tmp.flush()?;
        move_into_place(tmp.into_temp_path(), path, false)
    }
}

/// Moves a fully written temp file to `dest` durably: flushes its content to disk, renames it
/// over `dest` and makes the rename durable. On error the temp file is removed.
pub fn persist(tmp: tempfile::NamedTempFile, dest: &Path) -> io::Result<()> {
    tmp.as_file().sync_all()?;
    // Close our handle before the rename: Windows renames an open file only when every handle
    // allows delete sharing, and there is no reason to rely on that.
    move_into_place(tmp.into_temp_path(), dest, true)
}

/// Renames `from` over `to` (replacing it) and makes the rename durable.
pub fn rename(from: &Path, to: &Path) -> io::Result<()> {
    rename_with(from, to, true)
}

/// Flushes a folder's entries (creations, renames, removals) to disk where the OS allows it;
/// on Windows, where a folder cannot be opened as a file, it does nothing (renames there go
/// through [`rename`], which writes through).
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(windows)]
    {
        let _ = dir;
        Ok(())
    }
    #[cfg(not(windows))]
    {
        std::fs::File::open(dir)?.sync_all()
    }
}

/// Renames `from` over `to` for a batch whose folders are flushed together afterwards with
/// [`sync_dirs`] (one flush per folder for many files instead of one per file). On Windows,
/// where folders cannot be flushed, the rename itself writes through, as [`rename`] does.
pub fn rename_batched(from: &Path, to: &Path) -> io::Result<()> {
    rename_with(from, to, cfg!(windows))
}

/// Flushes the entries of each folder once (see [`sync_dir`]), skipping repeats.
pub fn sync_dirs<'a>(dirs: impl IntoIterator<Item = &'a Path>) -> io::Result<()> {
    let mut done: Vec<&Path> = Vec::new();
    for d in dirs {
        if !done.contains(&d) {
            sync_dir(d)?;
            done.push(d);
        }
    }
    Ok(())
}

/// Flushes files already in their place (written with [`write_unsynced`]) to disk, then the
/// folders holding them: a batch pays one flush per file and one per folder, where a
/// [`write`] each pays two per file, and none of them waits for the next one's data.
pub fn sync_files<'a>(files: impl IntoIterator<Item = &'a Path>) -> io::Result<()> {
    let mut dirs = Vec::new();
    for f in files {
        // Write access: Windows flushes only a handle that may write.
        std::fs::OpenOptions::new()
            .write(true)
            .open(f)?
            .sync_all()?;
        dirs.push(folder_of(f));
    }
    sync_dirs(dirs)
}

/// Opens a file that was flushed to disk for a read that must come from the drive, not from
/// memory (a backup copy verified by reading it back). On Linux the file's cached pages are
/// dropped first (`posix_fadvise(POSIX_FADV_DONTNEED)`; clean pages only, so the file must have
/// been flushed). Elsewhere the OS offers no per-file way and the read may be served from its
/// cache; it still proves the file system holds the bytes under that name.
pub fn open_uncached(path: &Path) -> io::Result<std::fs::File> {
    let f = std::fs::File::open(path)?;
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    rustix::fs::fadvise(&f, 0, None, rustix::fs::Advice::DontNeed)?;
    Ok(f)
}

/// The folder a file lives in (`.` for a bare file name), where its temp file must be made so
/// that the rename never crosses file systems.
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Renames a closed temp file to `dest`, removing it if that fails.
fn move_into_place(tmp: tempfile::TempPath, dest: &Path, durable: bool) -> io::Result<()> {
    // Disown it first: on Windows this also clears FILE_ATTRIBUTE_TEMPORARY (tempfile's hint to
    // keep the file in memory), which the final file must not keep.
    let from = tmp.keep().map_err(|e| e.error)?;
    rename_with(&from, dest, durable).inspect_err(|_| {
        let _ = std::fs::remove_file(&from);
    })
}

#[cfg(not(windows))]
fn rename_with(from: &Path, to: &Path, durable: bool) -> io::Result<()> {
    std::fs::rename(from, to)?;
    if durable {
        sync_dir(folder_of(to))?;
    }
    Ok(())
}

#[cfg(windows)]
fn rename_with(from: &Path, to: &Path, durable: bool) -> io::Result<()> {
    use std::time::{Duration, Instant};
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut pause = Duration::from_millis(5);
    loop {
        match windows::move_file(from, to, durable) {
            // ERROR_ACCESS_DENIED (5) and ERROR_SHARING_VIOLATION (32): someone holds `to` open
            // without delete sharing. It is usually a scanner that lets go within milliseconds.
            Err(e)
                if matches!(e.raw_os_error(), Some(5 | 32))
                    && Instant::now() + pause < deadline =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(200));
            }
            other => return other,
        }
    }
}

/// Bytes an unprivileged process may still write on the filesystem holding `path` (an existing
/// file or folder), or `None` when the OS does not say. One measure for the desktop library's
/// "disk is full" message and the server's minimum free space.
pub fn free_space(path: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        let st = rustix::fs::statvfs(path).ok()?;
        Some(st.f_bavail.saturating_mul(st.f_frsize))
    }
    #[cfg(windows)]
    {
        windows::free_space(path)
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = path;
        None
    }
}

#[cfg(windows)]
#[allow(unsafe_code)] // Two FFI calls std does not offer: a rename that writes through, free space.
mod windows {
    use std::io;
    use std::os::windows::ffi::OsStrExt;
    use std::path::Path;

    use windows_sys::Win32::Storage::FileSystem::{
        GetDiskFreeSpaceExW, MOVEFILE_REPLACE_EXISTING, MOVEFILE_WRITE_THROUGH, MoveFileExW,
    };

    pub(super) fn free_space(path: &Path) -> Option<u64> {
        let dir = wide(path);
        let mut available: u64 = 0;
        // SAFETY: a NUL-terminated UTF-16 path that outlives the call, one valid out pointer,
        // and null for the two totals the call allows to be omitted.
        let ok = unsafe {
            GetDiskFreeSpaceExW(
                dir.as_ptr(),
                &mut available,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        };
        (ok != 0).then_some(available)
    }

    fn wide(p: &Path) -> Vec<u16> {
        p.as_os_str().encode_wide().chain(Some(0)).collect()
    }

    pub(super) fn move_file(from: &Path, to: &Path, durable: bool) -> io::Result<()> {
        let (from, to) = (wide(from), wide(to));
        let mut flags = MOVEFILE_REPLACE_EXISTING;
        if durable {
            flags |= MOVEFILE_WRITE_THROUGH;
        }
        // SAFETY: both arguments are NUL-terminated UTF-16 buffers that outlive the call.
        if unsafe { MoveFileExW(from.as_ptr(), to.as_ptr(), flags) } == 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

    #[test]
    fn the_free_space_of_a_folder_is_measured_and_a_missing_path_has_none() {
        let dir = tempfile::tempdir().unwrap();
        let free = free_space(dir.path()).expect("the OS says how much space the folder has");
        assert!(free > 0, "a folder tests can write in has some free space");
        assert_eq!(
            free_space(&dir.path().join("missing")),
            None,
            "a path that does not exist is not measured (callers measure its nearest folder)"
        );
    }

    #[test]
    fn a_write_replaces_the_old_content_and_leaves_no_temp_file_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        write(&path, b"old").unwrap();
        write(&path, "mới".as_bytes()).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "mới");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["settings.json"]);
    }

    #[test]
    fn a_file_that_is_open_for_reading_can_still_be_replaced() {
        // Windows refuses to replace a file opened without delete sharing; std opens with it,
        // so the app serving a thumbnail never blocks the import rewriting it.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("thumb.jpg");
        write(&path, b"one").unwrap();
        let reader = File::open(&path).unwrap();
        write_unsynced(&path, b"two").unwrap();
        drop(reader);
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
    }

    #[test]
    fn a_temp_file_persisted_into_a_subfolder_lands_there_and_the_folder_is_synced() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("photos").join("bc");
        std::fs::create_dir_all(&sub).unwrap();
        let mut tmp = tempfile::NamedTempFile::new_in(dir.path()).unwrap();
        tmp.write_all(b"jpeg bytes").unwrap();
        let dest = sub.join("bc01.jpg");
        persist(tmp, &dest).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"jpeg bytes");
        sync_dir(&sub).unwrap();
    }

    #[test]
    fn a_batch_renamed_then_synced_lands_whole_and_reads_back_from_an_uncached_open() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("ab");
        std::fs::create_dir_all(&sub).unwrap();
        let mut landed = Vec::new();
        for i in 0..3 {
            let mut tmp = tempfile::NamedTempFile::new_in(dir.path()).unwrap();
            tmp.write_all(format!("photo {i}").as_bytes()).unwrap();
            tmp.as_file().sync_all().unwrap();
            let dest = sub.join(format!("{i}.jpg"));
            rename_batched(&tmp.into_temp_path().keep().unwrap(), &dest).unwrap();
            landed.push(dest);
        }
        sync_files(landed.iter().map(|p| p.as_path())).unwrap();
        sync_dirs([dir.path(), sub.as_path(), sub.as_path()]).unwrap();
        for (i, p) in landed.iter().enumerate() {
            let mut back = String::new();
            std::io::Read::read_to_string(&mut open_uncached(p).unwrap(), &mut back).unwrap();
            assert_eq!(back, format!("photo {i}"), "each file holds its own bytes");
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "only the folder is left beside the renamed files (no temp file)"
        );
    }

    #[test]
    fn a_write_into_a_missing_folder_fails_without_creating_anything() {
        let dir = tempfile::tempdir().unwrap();
        let err = write(&dir.path().join("nope").join("x"), b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
