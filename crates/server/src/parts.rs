//! Where the bytes of an unfinished tus upload live, until `blobs::finalize` verifies them.
//!
//! - **Files** (`--blobs files`): `DIR/uploads/<uuid>.part`, whose length *is* the offset; bytes
//!   are appended as they arrive. One server owns its data directory, so the in-process lock per
//!   upload (`blobs::lock_for`) is all the serialising it needs.
//! - **S3** (`--blobs s3://…`): an S3 multipart upload at `uploads/<uuid>/assembled`, made when
//!   the upload is created, plus a leftover object `uploads/<uuid>/leftover-<v7>` holding the tail
//!   that does not fill a part yet. Part `k` is always bytes `[k·5 MiB, (k+1)·5 MiB)` of the file
//!   (the last one shorter), so two writers that race on one offset write the same bytes to the
//!   same part; leftover objects get a fresh name per write, so a loser never overwrites the
//!   winner's. The multipart id, every committed part (number, e-tag, size), the leftover and
//!   the offset live in the database, and a PATCH commits only if the offset is still the one it
//!   started from (compare-and-swap in SQL), so a PATCH continues on any replica and two writers
//!   on two replicas cannot both commit. A writer that loses deletes its leftover; a part it
//!   wrote holds the same bytes the winner's does (or, from a client sending other bytes, fails
//!   the whole-file SHA-256 check: nothing wrong ever becomes visible).
//!
//! On completion the multipart upload is completed into its staging key, streamed once to
//! compute the SHA-256 and keep the image header, and only then copied to its content-addressed
//! key (`blobs::finalize` inserts the row after that). Discarding aborts the multipart upload and
//! deletes every object under `uploads/<uuid>/`. Orphans (a crash between an S3 call and the row)
//! are removed by the sweep at start; an orphaned *multipart upload* (made, then the row never
//! written) is invisible to object listing and is left to the bucket's lifecycle rule (see
//! `docs/deploy.md`).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use axum::body::{Body, Bytes};
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3;
use object_store::multipart::{MultipartStore, PartId};
use object_store::path::Path as ObjPath;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::error::{Result, ServerError};
use crate::sql::Conn;
use crate::{AppState, args};
use byline_protocol::ErrorCode;

/// Every S3 part but the last: S3's minimum part size.
pub const PART_SIZE: u64 = 5 << 20;

/// How much of the assembled file is kept to read the image header from (JPEG's frame header
/// follows EXIF/XMP/ICC segments, which are far smaller than this in camera files).
const HEADER_BYTES: usize = 16 << 20;

/// How old unowned bytes must be before the sweep takes them for an orphan's.
const ORPHAN_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// The bucket at the server's prefix.
pub type Bucket = Arc<PrefixStore<AmazonS3>>;

/// The two homes of unfinished uploads.
#[derive(Clone)]
pub enum Parts {
    Files(PathBuf),
    S3(Bucket),
}

/// An upload as its row declares it.
#[derive(Debug, Clone)]
pub struct Upload {
    pub id: uuid::Uuid,
    pub sha256: String,
    pub length: u64,
}

/// Where an S3 upload's bytes are, as the database records them.
struct S3State {
    received: u64,
    multipart_key: String,
    multipart_id: String,
    leftover: Option<(String, u64)>,
    /// Committed parts in order: (e-tag, size).
    parts: Vec<(String, u64)>,
}

/// The complete upload, hashed, with its first bytes for the header check.
pub struct Assembled {
    pub sha256: String,
    pub size: u64,
    pub head: Bytes,
    /// Files: the whole file (`head` is all of it); S3: the staging object.
    source: Source,
}

enum Source {
    Memory(Vec<u8>),
    Object(ObjPath),
}

/// What one PATCH body turned out to be.
pub struct Chunk {
    pub data: Vec<u8>,
    /// The client went away mid-body: `data` is what arrived.
    pub interrupted: bool,
}

fn busy(now: u64) -> ServerError {
    ServerError::new(
        ErrorCode::Conflict,
        format!(
            "another request wrote this upload first; its offset is now {now}: ask HEAD and resume"
        ),
    )
}

fn s3_dir(id: &uuid::Uuid) -> String {
    format!("uploads/{}", id.hyphenated())
}

impl Parts {
    /// The home `state`'s blob store implies.
    pub fn of(state: &AppState) -> Parts {
        match &state.inner.bucket {
            Some(b) => Parts::S3(b.clone()),
            None => Parts::Files(state.uploads_dir()),
        }
    }

    fn part_file(dir: &std::path::Path, id: &uuid::Uuid) -> PathBuf {
        // The file name is the server's own UUID, re-formatted, never the client's string.
        dir.join(format!("{}.part", id.hyphenated()))
    }

    /// Makes room for a new upload: an empty part file, or the S3 multipart upload whose
    /// (key, id) the row must record. Done before the row, so a crash leaves an orphan the
    /// sweep removes, never a row without its bytes.
    pub async fn begin(&self, id: &uuid::Uuid) -> Result<Option<(String, String)>> {
        match self {
            Parts::Files(dir) => {
                tokio::fs::File::create(Self::part_file(dir, id)).await?;
                Ok(None)
            }
            Parts::S3(b) => {
                let key = format!("{}/assembled", s3_dir(id));
                let mp = b.create_multipart(&ObjPath::from(key.as_str())).await?;
                Ok(Some((key, mp)))
            }
        }
    }

    /// The offset to resume from.
    pub async fn offset(&self, state: &AppState, up: &Upload) -> Result<u64> {
        match self {
            Parts::Files(dir) => Ok(tokio::fs::metadata(Self::part_file(dir, &up.id))
                .await
                .map(|m| m.len())
                .unwrap_or(0)),
            Parts::S3(_) => Ok(s3_state(state, up).await?.received),
        }
    }

    /// Appends the PATCH `body` at `claimed` (which must be the offset) and returns the new
    /// offset. A chunk failing `checksum` is not kept (460); a body cut short keeps what
    /// arrived (the whole-file check still guards it) and answers 400 after committing it.
    pub async fn append(
        &self,
        state: &AppState,
        up: &Upload,
        claimed: u64,
        body: Body,
        checksum: Option<Vec<u8>>,
    ) -> Result<u64> {
        match self {
            Parts::Files(dir) => {
                append_file(
                    state,
                    &Self::part_file(dir, &up.id),
                    up,
                    claimed,
                    body,
                    checksum,
                )
                .await
            }
            Parts::S3(b) => {
                let st = s3_state(state, up).await?;
                if claimed != st.received {
                    return Err(ServerError::new(
                        ErrorCode::Conflict,
                        format!("Upload-Offset is {}, not {claimed}", st.received),
                    ));
                }
                let room = up.length - st.received;
                let chunk = read_chunk(body, state.config().chunk_limit as u64, room).await?;
                if !chunk.interrupted
                    && let Some(want) = checksum
                    && Sha256::digest(&chunk.data).as_slice() != want.as_slice()
                {
                    return Err(ServerError::ChecksumMismatch("chunk discarded".into()));
                }
                let interrupted = chunk.interrupted;
                let offset = match append_s3(state, b, up, st, chunk.data).await {
                    Ok(o) => o,
                    // A store error after another writer moved the upload (e.g. completed its
                    // multipart upload) is that writer's win, not a failure of the store.
                    Err(e @ ServerError::Store(_)) => match s3_state(state, up).await {
                        Ok(now) if now.received != claimed => return Err(busy(now.received)),
                        Err(gone) => return Err(gone),
                        Ok(_) => return Err(e),
                    },
                    Err(e) => return Err(e),
                };
                if interrupted {
                    tracing::info!(upload = %up.id, kept = offset - claimed, "chunk interrupted");
                    return Err(ServerError::bad("request body interrupted"));
                }
                Ok(offset)
            }
        }
    }

    /// The complete upload, hashed. On S3 this completes the multipart upload first (unless an
    /// earlier attempt did), so it may be called again after a crash.
    pub async fn assemble(&self, state: &AppState, up: &Upload) -> Result<Assembled> {
        match self {
            Parts::Files(dir) => {
                let path = Self::part_file(dir, &up.id);
                crate::blocking(move || {
                    let bytes = std::fs::read(&path)?;
                    Ok(Assembled {
                        sha256: hex::encode(Sha256::digest(&bytes)),
                        size: bytes.len() as u64,
                        head: Bytes::copy_from_slice(&bytes[..bytes.len().min(HEADER_BYTES)]),
                        source: Source::Memory(bytes),
                    })
                })
                .await
            }
            Parts::S3(b) => assemble_s3(state, b, up).await,
        }
    }

    /// Makes the verified upload the blob `sha` (files: a durable write; S3: a server-side copy).
    pub async fn publish(&self, state: &AppState, a: Assembled, sha: &str) -> Result<()> {
        match (self, a.source) {
            (_, Source::Memory(bytes)) => {
                crate::storage::put_blob(state, crate::storage::Area::Originals, sha, bytes).await
            }
            (Parts::S3(b), Source::Object(from)) => {
                let to = ObjPath::from(format!("blobs/{}", crate::storage::blob_path(sha)));
                Ok(b.copy(&from, &to).await?)
            }
            (Parts::Files(_), Source::Object(_)) => Err(ServerError::new(
                ErrorCode::Internal,
                "an S3 upload cannot be published to files",
            )),
        }
    }

    /// Removes an upload's bytes (not its row): the part file, or the multipart upload and every
    /// object under `uploads/<id>/`. Missing pieces are not an error.
    pub async fn discard(&self, state: &AppState, id: &uuid::Uuid) -> Result<()> {
        match self {
            Parts::Files(dir) => match tokio::fs::remove_file(Self::part_file(dir, id)).await {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
                _ => Ok(()),
            },
            Parts::S3(b) => {
                let key = id.to_string();
                let mp = state
                    .read(move |c| {
                        c.query_opt(
                            "SELECT multipart_key, multipart_id FROM uploads WHERE id = ?1",
                            args![key],
                        )?
                        .map(|r| Ok((r.get::<Option<String>>(0)?, r.get::<Option<String>>(1)?)))
                        .transpose()
                    })
                    .await?;
                if let Some((Some(key), Some(mp))) = mp {
                    // Fails once completed; the staging object is then deleted below.
                    let _ = b.abort_multipart(&ObjPath::from(key), &mp).await;
                }
                delete_under(b, &s3_dir(id)).await
            }
        }
    }

    /// When the upload last took bytes: its part file's modification time, or its row's last
    /// commit; the creation time when neither is known.
    pub async fn last_activity(
        &self,
        id: &str,
        created: SystemTime,
        updated: Option<SystemTime>,
    ) -> SystemTime {
        match self {
            Parts::Files(dir) => tokio::fs::metadata(dir.join(format!("{id}.part")))
                .await
                .and_then(|m| m.modified())
                .map_or(created, |m| m.max(created)),
            Parts::S3(_) => updated.map_or(created, |u| u.max(created)),
        }
    }

    /// Removes bytes no upload row owns (left by a crash between discarding the row and the
    /// bytes, or by a writer whose upload was removed under it), so `uploads/` cannot grow
    /// without bound; bytes younger than `ORPHAN_AGE` (or the expiry) are left alone. Returns
    /// how many uploads' bytes went.
    pub async fn sweep_orphans(&self, state: &AppState) -> Result<usize> {
        // Only bytes older than a minute (or the expiry, when shorter): a new upload's part
        // file is made just before its row, and the sweep runs while requests are served.
        let settled = SystemTime::now() - ORPHAN_AGE.min(state.config().upload_expiry);
        let names: Vec<String> = match self {
            Parts::Files(dir) => {
                let mut names = Vec::new();
                let mut rd = tokio::fs::read_dir(dir).await?;
                while let Some(e) = rd.next_entry().await? {
                    let old = e.metadata().await?.modified()? < settled;
                    let name = e.file_name();
                    if let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".part"))
                        && old
                    {
                        names.push(id.to_owned());
                    }
                }
                names
            }
            Parts::S3(b) => {
                let settled = chrono::DateTime::<chrono::Utc>::from(settled);
                let mut ids: Vec<String> = b
                    .list(Some(&ObjPath::from("uploads")))
                    .try_filter_map(|m| async move {
                        Ok((m.last_modified < settled)
                            .then(|| m.location.parts().nth(1).map(|p| p.as_ref().to_owned()))
                            .flatten())
                    })
                    .try_collect()
                    .await?;
                ids.dedup();
                ids
            }
        };
        let known = state
            .read(move |c| {
                let mut orphans = Vec::new();
                for id in names {
                    if c.query_opt("SELECT 1 FROM uploads WHERE id = ?1", args![id])?
                        .is_none()
                    {
                        orphans.push(id);
                    }
                }
                Ok(orphans)
            })
            .await?;
        for id in &known {
            tracing::info!(upload = %id, "removing an orphaned upload's bytes");
            match (self, uuid::Uuid::parse_str(id)) {
                (Parts::Files(dir), _) => {
                    let _ = tokio::fs::remove_file(dir.join(format!("{id}.part"))).await;
                }
                (Parts::S3(b), Ok(uid)) => delete_under(b, &s3_dir(&uid)).await?,
                (Parts::S3(_), Err(_)) => {}
            }
        }
        Ok(known.len())
    }
}

/// Reads a PATCH body of at most `limit` bytes that must fit in `room`; beyond either, 413
/// with nothing kept.
async fn read_chunk(body: Body, limit: u64, room: u64) -> Result<Chunk> {
    let mut data = Vec::new();
    let mut stream = body.into_data_stream();
    while let Some(frame) = stream.next().await {
        let Ok(bytes) = frame else {
            return Ok(Chunk {
                data,
                interrupted: true,
            });
        };
        check_room(data.len() as u64 + bytes.len() as u64, limit, room)?;
        data.extend_from_slice(&bytes);
    }
    Ok(Chunk {
        data,
        interrupted: false,
    })
}

fn check_room(total: u64, limit: u64, room: u64) -> Result<()> {
    if total > limit {
        return Err(ServerError::new(
            ErrorCode::TooLarge,
            format!("a chunk may carry at most {limit} bytes"),
        ));
    }
    if total > room {
        return Err(ServerError::new(
            ErrorCode::TooLarge,
            "chunk goes past Upload-Length",
        ));
    }
    Ok(())
}

/// The files backend's PATCH: bytes appended to the part file as they arrive.
async fn append_file(
    state: &AppState,
    path: &std::path::Path,
    up: &Upload,
    claimed: u64,
    body: Body,
    checksum: Option<Vec<u8>>,
) -> Result<u64> {
    let start = tokio::fs::metadata(path)
        .await
        .map(|m| m.len())
        .unwrap_or(0);
    if claimed != start {
        return Err(ServerError::new(
            ErrorCode::Conflict,
            format!("Upload-Offset is {start}, not {claimed}"),
        ));
    }
    let mut file = tokio::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .await?;
    let mut hasher = Sha256::new();
    let mut written: u64 = 0;
    let limit = state.config().chunk_limit as u64;
    let mut stream = body.into_data_stream();
    while let Some(frame) = stream.next().await {
        let data = match frame {
            Ok(d) => d,
            Err(e) => {
                // The client went away: keep what arrived so the resume starts after it.
                file.flush().await?;
                file.sync_data().await?;
                tracing::info!(upload = %up.id, kept = written, error = %e, "chunk interrupted");
                return Err(ServerError::bad("request body interrupted"));
            }
        };
        let len = data.len() as u64;
        if let Err(e) = check_room(written + len, limit, up.length - start) {
            file.set_len(start).await?;
            return Err(e);
        }
        file.write_all(&data).await?;
        hasher.update(&data);
        written += len;
    }
    if let Some(want) = checksum
        && hasher.finalize().as_slice() != want.as_slice()
    {
        file.set_len(start).await?;
        return Err(ServerError::ChecksumMismatch("chunk discarded".into()));
    }
    // flush surfaces a failed background write, which sync_data would not report.
    file.flush().await?;
    file.sync_data().await?;
    Ok(start + written)
}

/// The S3 backend's PATCH: the leftover and `data` become whole 5 MiB parts (all of it, at the
/// end of the file) and a new leftover, committed by compare-and-swap on the offset.
async fn append_s3(
    state: &AppState,
    b: &Bucket,
    up: &Upload,
    st: S3State,
    data: Vec<u8>,
) -> Result<u64> {
    let end = st.received + data.len() as u64;
    if data.is_empty() {
        return Ok(st.received);
    }
    let mut pending = match &st.leftover {
        Some((key, _)) => b
            .get(&ObjPath::from(key.as_str()))
            .await?
            .bytes()
            .await?
            .to_vec(),
        None => Vec::new(),
    };
    pending.extend_from_slice(&data);
    let whole = if end == up.length {
        pending.len()
    } else {
        pending.len() - pending.len() % PART_SIZE as usize
    };
    let mp_key = ObjPath::from(st.multipart_key.as_str());
    let mut new_parts = Vec::new();
    for (i, piece) in pending[..whole].chunks(PART_SIZE as usize).enumerate() {
        let idx = st.parts.len() + i;
        let id = b
            .put_part(
                &mp_key,
                &st.multipart_id,
                idx,
                Bytes::copy_from_slice(piece).into(),
            )
            .await?;
        new_parts.push((idx + 1, id.content_id, piece.len() as u64));
    }
    let tail = &pending[whole..];
    let leftover = if tail.is_empty() {
        None
    } else {
        let key = format!(
            "{}/leftover-{}",
            s3_dir(&up.id),
            uuid::Uuid::now_v7().simple()
        );
        b.put(
            &ObjPath::from(key.as_str()),
            Bytes::copy_from_slice(tail).into(),
        )
        .await?;
        Some((key, tail.len() as u64))
    };
    let (id, from, lo) = (up.id.to_string(), st.received, leftover.clone());
    let committed = state
        .write(move |c| commit_s3(c, &id, from, end, lo.as_ref(), &new_parts))
        .await?;
    if !committed {
        if let Some((key, _)) = leftover {
            let _ = b.delete(&ObjPath::from(key)).await;
        }
        let now = s3_state(state, up).await.map_or(0, |s| s.received);
        return Err(busy(now));
    }
    if let Some((old, _)) = st.leftover {
        // Best effort: a leftover the row no longer names is swept with the upload.
        let _ = b.delete(&ObjPath::from(old)).await;
    }
    Ok(end)
}

/// Completes (unless done), streams and hashes an S3 upload.
async fn assemble_s3(state: &AppState, b: &Bucket, up: &Upload) -> Result<Assembled> {
    let st = s3_state(state, up).await?;
    let key = ObjPath::from(st.multipart_key.as_str());
    if matches!(
        b.head(&key).await,
        Err(object_store::Error::NotFound { .. })
    ) {
        let parts = st
            .parts
            .iter()
            .map(|(etag, _)| PartId {
                content_id: etag.clone(),
            })
            .collect();
        b.complete_multipart(&key, &st.multipart_id, parts).await?;
    }
    let mut stream = b.get(&key).await?.into_stream();
    let (mut hasher, mut head, mut size) = (Sha256::new(), Vec::new(), 0u64);
    while let Some(bytes) = stream.try_next().await? {
        hasher.update(&bytes);
        let keep = HEADER_BYTES.saturating_sub(head.len()).min(bytes.len());
        head.extend_from_slice(&bytes[..keep]);
        size += bytes.len() as u64;
    }
    Ok(Assembled {
        sha256: hex::encode(hasher.finalize()),
        size,
        head: head.into(),
        source: Source::Object(key),
    })
}

/// Deletes every object under `dir` of the bucket.
async fn delete_under(b: &Bucket, dir: &str) -> Result<()> {
    let objects: Vec<ObjPath> = b
        .list(Some(&ObjPath::from(dir)))
        .map_ok(|m| m.location)
        .try_collect()
        .await?;
    for o in objects {
        match b.delete(&o).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

async fn s3_state(state: &AppState, up: &Upload) -> Result<S3State> {
    let id = up.id.to_string();
    state
        .read(move |c| load_s3(c, &id))
        .await?
        .ok_or_else(|| ServerError::not_found("no such upload"))
}

/// An S3 upload's row and its committed parts in order.
fn load_s3(c: &Conn, id: &str) -> Result<Option<S3State>> {
    let row = c
        .query_opt(
            "SELECT received, multipart_key, multipart_id, leftover_key, leftover_size
             FROM uploads WHERE id = ?1",
            args![id],
        )?
        .map(|r| {
            Ok::<_, ServerError>((
                r.get::<u64>(0)?,
                r.get::<Option<String>>(1)?,
                r.get::<Option<String>>(2)?,
                r.get::<Option<String>>(3)?,
                r.get::<u64>(4)?,
            ))
        })
        .transpose()?;
    let Some((received, Some(multipart_key), Some(multipart_id), leftover_key, leftover_size)) =
        row
    else {
        return Ok(None);
    };
    let parts = c
        .query(
            "SELECT e_tag, size FROM upload_parts WHERE upload_id = ?1 ORDER BY part_number",
            args![id],
        )?
        .iter()
        .map(|r| Ok((r.get(0)?, r.get(1)?)))
        .collect::<Result<Vec<(String, u64)>>>()?;
    Ok(Some(S3State {
        received,
        multipart_key,
        multipart_id,
        leftover: leftover_key.map(|k| (k, leftover_size)),
        parts,
    }))
}

/// Commits a PATCH of an S3 upload if its offset is still `from` (compare-and-swap): the new
/// offset, leftover and parts in one transaction. `false` when another writer moved it first.
fn commit_s3(
    c: &mut Conn,
    id: &str,
    from: u64,
    to: u64,
    leftover: Option<&(String, u64)>,
    parts: &[(usize, String, u64)],
) -> Result<bool> {
    let tx = c.write_tx()?;
    let moved = tx.execute(
        "UPDATE uploads SET received = ?1, leftover_key = ?2, leftover_size = ?3, updated_at = ?4
         WHERE id = ?5 AND received = ?6",
        args![
            to,
            leftover.map(|l| l.0.as_str()),
            leftover.map_or(0, |l| l.1),
            crate::db::now_rfc3339(),
            id,
            from
        ],
    )?;
    if moved == 0 {
        return Ok(false);
    }
    for (number, etag, size) in parts {
        tx.execute(
            "INSERT INTO upload_parts (upload_id, part_number, e_tag, size) VALUES (?1, ?2, ?3, ?4)",
            args![id, *number as u64, etag, size],
        )?;
    }
    tx.commit()?;
    Ok(true)
}
