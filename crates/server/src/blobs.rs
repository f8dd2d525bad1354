//! Photos: content-addressed blobs (SHA-256), the "which do you lack?" batch, resumable uploads
//! over tus 1.0 (core + creation + checksum + termination), metadata and serving.
//!
//! An unfinished upload's bytes live where `parts` keeps them (a part file, or an S3 multipart
//! upload and leftover whose state is in the database); only a completed, hash-verified,
//! header-checked image becomes a blob under `<sha[0..2]>/<sha>`. No client-supplied string
//! ever becomes a path component. The database goes through [`AppState::read`]/`write`, so a
//! slow disk holds up the upload it serves, not the async workers.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use byline_protocol::ErrorCode;
use byline_protocol::sync::{BlobBatchResponse, BlobRef, PhotoInfo, PhotoMeta, is_sha256_hex};
use object_store::{ObjectStore, ObjectStoreExt};
use sha2::{Digest, Sha256};

use crate::auth::Auth;
use crate::db::{Role, now_rfc3339};
use crate::error::{Result, ServerError};
use crate::parts::{Parts, Upload};
use crate::sql::Conn;
use crate::storage::{Area, blob_path, put_blob};
use crate::{AppState, args, parse_json, published, read_body};

const TUS: &str = "1.0.0";

pub(crate) fn check_sha(sha: &str) -> Result<()> {
    if is_sha256_hex(sha) {
        Ok(())
    } else {
        Err(ServerError::bad("expected a lowercase hex SHA-256"))
    }
}

fn blob_known(c: &Conn, sha: &str) -> Result<bool> {
    Ok(
        c.query_opt("SELECT 1 FROM blobs WHERE sha256 = ?1", args![sha])?
            .is_some(),
    )
}

async fn blob_exists(state: &AppState, sha: &str) -> Result<bool> {
    let sha = sha.to_string();
    state.read(move |c| blob_known(c, &sha)).await
}

/// `POST /api/blobs/batch` with `[{sha256, size}]` → `{missing: [...]}`.
pub async fn batch(
    State(state): State<AppState>,
    _auth: Auth,
    body: Body,
) -> Result<axum::Json<BlobBatchResponse>> {
    let bytes = read_body(body, state.config().json_limit).await?;
    let wanted: Vec<BlobRef> = parse_json(&bytes)?;
    if wanted.len() > 1000 {
        return Err(ServerError::new(
            ErrorCode::TooLarge,
            "at most 1000 blobs per batch",
        ));
    }
    for b in &wanted {
        check_sha(&b.sha256)?;
    }
    let missing = state
        .read(move |c| {
            let mut missing = Vec::new();
            for b in wanted {
                if !blob_known(c, &b.sha256)? && !missing.contains(&b) {
                    missing.push(b);
                }
            }
            Ok(missing)
        })
        .await?;
    Ok(axum::Json(BlobBatchResponse { missing }))
}

fn tus_headers(resp: &mut Response) {
    resp.headers_mut()
        .insert("tus-resumable", HeaderValue::from_static(TUS));
}

/// tus expiration: when an upload that takes no more bytes from now on will be removed (the
/// stale-upload sweep, `ops::expire_uploads`), as an HTTP date.
fn upload_expires(state: &AppState, resp: &mut Response) {
    let at = chrono::Utc::now()
        + chrono::Duration::from_std(state.config().upload_expiry)
            .unwrap_or(chrono::TimeDelta::MAX);
    let date = at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    if let Ok(v) = HeaderValue::from_str(&date) {
        resp.headers_mut().insert("upload-expires", v);
    }
}

fn require_tus(headers: &HeaderMap) -> Result<()> {
    match headers.get("tus-resumable").and_then(|v| v.to_str().ok()) {
        Some(TUS) => Ok(()),
        _ => Err(ServerError::new(
            ErrorCode::PreconditionFailed,
            "Tus-Resumable: 1.0.0 required",
        )),
    }
}

fn header_u64(headers: &HeaderMap, name: &str) -> Result<u64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| ServerError::bad(format!("{name} header must be a non-negative integer")))
}

/// `OPTIONS /api/uploads`: what this tus server supports.
pub async fn tus_options(State(state): State<AppState>) -> Response {
    let mut r = StatusCode::NO_CONTENT.into_response();
    let h = r.headers_mut();
    h.insert("tus-version", HeaderValue::from_static(TUS));
    h.insert(
        "tus-extension",
        HeaderValue::from_static("creation,checksum,termination,expiration"),
    );
    h.insert("tus-checksum-algorithm", HeaderValue::from_static("sha256"));
    h.insert("tus-max-size", HeaderValue::from(state.config().max_blob));
    tus_headers(&mut r);
    r
}

/// Parses tus `Upload-Metadata` (`key base64,key base64`) and returns the `sha256` entry.
fn metadata_sha(headers: &HeaderMap) -> Result<String> {
    let raw = headers
        .get("upload-metadata")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    for pair in raw.split(',') {
        let mut it = pair.trim().splitn(2, ' ');
        if it.next() == Some("sha256") {
            let v = it.next().unwrap_or("");
            let decoded = B64
                .decode(v.trim())
                .map_err(|_| ServerError::bad("sha256 metadata is not base64"))?;
            let sha = String::from_utf8(decoded)
                .map_err(|_| ServerError::bad("sha256 metadata is not text"))?;
            check_sha(&sha)?;
            return Ok(sha);
        }
    }
    Err(ServerError::bad(
        "Upload-Metadata must carry sha256 <base64 of the hex digest>",
    ))
}

async fn load_upload(state: &AppState, id: &str) -> Result<Upload> {
    let uid = uuid::Uuid::parse_str(id).map_err(|_| ServerError::not_found("no such upload"))?;
    let row: Option<(String, u64)> = state
        .read(move |c| {
            c.query_opt(
                "SELECT sha256, length FROM uploads WHERE id = ?1",
                args![uid.to_string()],
            )?
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .transpose()
        })
        .await?;
    let (sha256, length) = row.ok_or_else(|| ServerError::not_found("no such upload"))?;
    Ok(Upload {
        id: uid,
        sha256,
        length,
    })
}

/// `POST /api/uploads` (tus creation): `Upload-Length`, `Upload-Metadata: sha256 <b64>`.
pub async fn tus_create(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
) -> Result<Response> {
    require_tus(&headers)?;
    let length = header_u64(&headers, "upload-length")?;
    if length > state.config().max_blob {
        return Err(ServerError::new(
            ErrorCode::TooLarge,
            format!(
                "Upload-Length exceeds Tus-Max-Size {}",
                state.config().max_blob
            ),
        ));
    }
    if length == 0 {
        return Err(ServerError::bad("an empty file is not a photo"));
    }
    let sha = metadata_sha(&headers)?;
    crate::ops::check_free_space(&state).await?;
    let id = uuid::Uuid::now_v7();
    let (row_sha, user) = (sha.clone(), auth.0.name.clone());
    let cap = state.config().max_in_flight_per_user;
    // The bytes' home before its row: a crash between leaves an orphan the sweep removes.
    let parts = Parts::of(&state);
    let multipart = parts.begin(&id).await?;
    let row = state
        .write(move |c| {
            // The writers' lock: two concurrent creations cannot both slip under the cap.
            let tx = c.write_tx()?;
            crate::ops::check_in_flight(&tx, &user, length, cap)?;
            let (key, mp) = multipart.unzip();
            tx.execute(
                "INSERT INTO uploads (id, sha256, length, created_by, created_at, multipart_key, multipart_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                args![id.to_string(), row_sha, length, user, now_rfc3339(), key, mp],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await;
    if let Err(e) = row {
        let _ = parts.discard(&state, &id).await;
        return Err(e);
    }
    tracing::info!(upload = %id, %sha, length, user = %auth.0.name, "upload created");
    let mut r = StatusCode::CREATED.into_response();
    let loc = format!("/api/uploads/{id}");
    r.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(&loc).map_err(|_| ServerError::bad("id"))?,
    );
    r.headers_mut()
        .insert("upload-offset", HeaderValue::from(0u64));
    upload_expires(&state, &mut r);
    tus_headers(&mut r);
    Ok(r)
}

/// `HEAD /api/uploads/{id}`: the offset to resume from.
pub async fn tus_head(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response> {
    let up = load_upload(&state, &id).await?;
    // A client resuming after a crash or a cut connection asks HEAD first; its old PATCH may
    // still be draining on this side. Waiting for that writer (briefly) reports the offset it
    // ends at, so the resumed PATCH is not refused with 409 and sent again and again.
    let lock = lock_for(&state, &up.id);
    let settled = tokio::time::timeout(std::time::Duration::from_secs(10), lock.lock()).await;
    let offset = Parts::of(&state).offset(&state, &up).await?;
    if offset == up.length && settled.is_ok() {
        // Every byte arrived but the upload was not finished (a server killed between its last
        // commit and the blob's row, here or on another replica). A client that reads a full
        // offset sends nothing more, so finishing falls to this request; it is idempotent.
        finalize(&state, &up, &auth.0.name).await?;
    }
    let mut r = StatusCode::OK.into_response();
    let h = r.headers_mut();
    h.insert("upload-offset", HeaderValue::from(offset));
    h.insert("upload-length", HeaderValue::from(up.length));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    tus_headers(&mut r);
    Ok(r)
}

fn lock_for(state: &AppState, id: &uuid::Uuid) -> Arc<tokio::sync::Mutex<()>> {
    let mut locks = state
        .inner
        .upload_locks
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    locks.retain(|_, l| Arc::strong_count(l) > 1); // forget idle locks
    locks.entry(id.to_string()).or_default().clone()
}

fn parse_checksum(headers: &HeaderMap) -> Result<Option<Vec<u8>>> {
    let Some(v) = headers.get("upload-checksum") else {
        return Ok(None);
    };
    let v = v
        .to_str()
        .map_err(|_| ServerError::bad("Upload-Checksum is not text"))?;
    let (algo, b64) = v
        .trim()
        .split_once(' ')
        .ok_or_else(|| ServerError::bad("Upload-Checksum: <algorithm> <base64>"))?;
    if !algo.eq_ignore_ascii_case("sha256") {
        return Err(ServerError::bad(
            "unsupported checksum algorithm; use sha256",
        ));
    }
    let digest = B64
        .decode(b64.trim())
        .map_err(|_| ServerError::bad("Upload-Checksum digest is not base64"))?;
    Ok(Some(digest))
}

/// `PATCH /api/uploads/{id}`: appends a chunk at `Upload-Offset`.
///
/// Bytes are appended as they arrive. If the connection breaks mid-chunk, the received prefix is
/// kept (the whole-file SHA-256 check at completion still guards it), so a client resumes from
/// where the bytes stopped instead of resending the chunk. A chunk that arrives completely but
/// fails its `Upload-Checksum` is cut off again (460).
pub async fn tus_patch(
    State(state): State<AppState>,
    _auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    require_tus(&headers)?;
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct != "application/offset+octet-stream" {
        return Err(ServerError::new(
            ErrorCode::Unsupported,
            "Content-Type must be application/offset+octet-stream",
        ));
    }
    let claimed = header_u64(&headers, "upload-offset")?;
    let checksum = parse_checksum(&headers)?;
    let up = load_upload(&state, &id).await?;
    crate::ops::check_free_space(&state).await?;
    let lock = lock_for(&state, &up.id);
    let Ok(_guard) = lock.try_lock() else {
        return Err(ServerError::new(
            ErrorCode::Conflict,
            "another request is writing this upload",
        ));
    };
    let parts = Parts::of(&state);
    let start = parts.offset(&state, &up).await?;
    let offset = if claimed == start && start == up.length {
        // Complete already: an earlier finalize stopped half-way (a crash, a lost store); it
        // is safe to run again.
        start
    } else {
        parts.append(&state, &up, claimed, body, checksum).await?
    };
    if offset == up.length {
        finalize(&state, &up, &_auth.0.name).await?;
    }
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut()
        .insert("upload-offset", HeaderValue::from(offset));
    if offset < up.length {
        upload_expires(&state, &mut r);
    }
    tus_headers(&mut r);
    Ok(r)
}

async fn discard(state: &AppState, up: &Upload) -> Result<()> {
    remove_upload(state, &up.id).await
}

/// Removes an upload: its bytes (`parts`, which reads the row to find them), then its row.
pub(crate) async fn remove_upload(state: &AppState, id: &uuid::Uuid) -> Result<()> {
    Parts::of(state).discard(state, id).await?;
    let id = id.to_string();
    state.write(move |c| delete_upload_rows(c, &id)).await
}

/// Deletes an upload's row and its S3 parts' rows, in one transaction.
fn delete_upload_rows(c: &mut Conn, id: &str) -> Result<()> {
    let tx = c.write_tx()?;
    tx.execute("DELETE FROM upload_parts WHERE upload_id = ?1", args![id])?;
    tx.execute("DELETE FROM uploads WHERE id = ?1", args![id])?;
    tx.commit()?;
    Ok(())
}

/// A recognised photo type and its pixel size, read from the header without decoding. The type
/// is the media crate's one sniffer (the desktop's too); the size is `imagesize`'s header read.
pub fn sniff_image(bytes: &[u8], max_pixels: u64) -> Result<(&'static str, u32, u32)> {
    use byline_media::Format;
    let ct = match byline_media::sniff(bytes) {
        Some(Format::Jpeg) => "image/jpeg",
        Some(Format::Png) => "image/png",
        Some(Format::Webp) => "image/webp",
        Some(Format::Tiff) => "image/tiff",
        Some(Format::Heif) => "image/heic",
        None => {
            return Err(ServerError::new(
                ErrorCode::Unsupported,
                "not a JPEG, PNG, WebP, TIFF or HEIC image",
            ));
        }
    };
    let size = imagesize::blob_size(bytes)
        .map_err(|_| ServerError::new(ErrorCode::Unsupported, "image header unreadable"))?;
    let (w, h) = (size.width as u64, size.height as u64);
    if w == 0 || h == 0 {
        return Err(ServerError::new(
            ErrorCode::Unsupported,
            "image has no pixels",
        ));
    }
    if w.saturating_mul(h) > max_pixels {
        return Err(ServerError::new(
            ErrorCode::TooLarge,
            format!("{w}×{h} exceeds the limit of {max_pixels} pixels"),
        ));
    }
    Ok((
        ct,
        u32::try_from(w).unwrap_or(u32::MAX),
        u32::try_from(h).unwrap_or(u32::MAX),
    ))
}

/// Verifies a complete upload (whole-file SHA-256, then the image header) and only then makes
/// it a blob: bytes at the content-addressed key first, the row naming them after. Any failure
/// of the check discards the upload, and nothing of it becomes visible.
async fn finalize(state: &AppState, up: &Upload, user: &str) -> Result<()> {
    let parts = Parts::of(state);
    let assembled = parts.assemble(state, up).await?;
    if assembled.sha256 != up.sha256 {
        discard(state, up).await?;
        return Err(ServerError::ChecksumMismatch(format!(
            "the upload's SHA-256 is {}, not the declared {}; upload discarded",
            assembled.sha256, up.sha256
        )));
    }
    let (ct, w, h) = match sniff_image(&assembled.head, state.config().max_pixels) {
        Ok(v) => v,
        Err(e) => {
            discard(state, up).await?;
            return Err(e);
        }
    };
    if !blob_exists(state, &up.sha256).await? {
        let size = assembled.size;
        parts.publish(state, assembled, &up.sha256).await?;
        let (sha, user) = (up.sha256.clone(), user.to_string());
        state
            .write(move |c| {
                c.execute(
                    "INSERT INTO blobs (sha256, size, content_type, width, height, created_by, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (sha256) DO NOTHING",
                    args![sha, size, ct, w, h, user, now_rfc3339()],
                )?;
                Ok(())
            })
            .await?;
        tracing::info!(sha = %up.sha256, size, w, h, "photo stored");
    }
    discard(state, up).await
}

/// `DELETE /api/uploads/{id}` (tus termination).
pub async fn tus_delete(
    State(state): State<AppState>,
    _auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    require_tus(&headers)?;
    let up = load_upload(&state, &id).await?;
    let lock = lock_for(&state, &up.id);
    let Ok(_guard) = lock.try_lock() else {
        return Err(ServerError::new(
            ErrorCode::Conflict,
            "another request is writing this upload",
        ));
    };
    discard(&state, &up).await?;
    let mut r = StatusCode::NO_CONTENT.into_response();
    tus_headers(&mut r);
    Ok(r)
}

async fn photo_info(state: &AppState, sha: &str) -> Result<PhotoInfo> {
    let sha = sha.to_string();
    state.read(move |c| photo_row(c, &sha)).await
}

/// What `GET /api/photos/{sha}/meta` and the change feed say about the photo `sha`.
pub(crate) fn photo_row(c: &Conn, sha: &str) -> Result<PhotoInfo> {
    let r = c
        .query_opt(
            "SELECT b.size, b.content_type, b.width, b.height, m.meta FROM blobs b
             LEFT JOIN photo_meta m ON m.sha256 = b.sha256 WHERE b.sha256 = ?1",
            args![sha],
        )?
        .ok_or_else(|| ServerError::not_found("no such photo"))?;
    let (size, content_type, width, height) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
    let meta = r
        .get::<Option<String>>(4)?
        .map(|m| serde_json::from_str(&m))
        .transpose()?
        .unwrap_or_default();
    Ok(PhotoInfo {
        sha256: sha.to_string(),
        size,
        content_type,
        width,
        height,
        meta,
    })
}

/// `PUT /api/photos/{sha}/meta`: photographers and editors. Also makes the photo's public copy
/// (caption embedded, GPS removed by policy) before the metadata commits, so the public never
/// sees a caption the file does not carry.
pub async fn put_meta(
    State(state): State<AppState>,
    auth: Auth,
    Path(sha): Path<String>,
    body: Body,
) -> Result<axum::Json<PhotoInfo>> {
    check_sha(&sha)?;
    auth.require(
        &[Role::Photographer, Role::Subeditor, Role::Editor],
        "edit photo metadata",
    )?;
    let bytes = read_body(body, state.config().json_limit).await?;
    let mut meta: PhotoMeta = parse_json(&bytes)?;
    for s in [&mut meta.caption, &mut meta.credit, &mut meta.creator] {
        *s = s.trim().to_string();
    }
    if !blob_exists(&state, &sha).await? {
        return Err(ServerError::not_found("no such photo; upload it first"));
    }
    let original = state
        .inner
        .store
        .get(&blob_path(&sha))
        .await?
        .bytes()
        .await?;
    let (m, key) = (meta.clone(), sha.clone());
    let copy = tokio::task::spawn_blocking(move || published::public_copy(&original, &m, &key))
        .await
        .map_err(|e| {
            ServerError::new(ErrorCode::Internal, format!("making the public copy: {e}"))
        })??;
    let public_sha = match copy {
        Some(copy) => {
            let public_sha = hex::encode(Sha256::digest(&copy));
            // Content-addressed, so writing it again is harmless; a crash before the row
            // commits leaves an unreferenced file, never a row without its file.
            put_blob(&state, Area::Public, &public_sha, copy).await?;
            Some(public_sha)
        }
        None => None,
    };
    let json = serde_json::to_string(&meta)?;
    let (key, user) = (sha.clone(), auth.0.name.clone());
    let announcer = state.clone();
    let replaced: Option<String> = state
        .write(move |c| {
            let tx = c.write_tx()?;
            let replaced = store_meta(&tx, &key, &json, &user, public_sha.as_deref())?;
            tx.commit()?;
            crate::feed::announce(&announcer, c);
            Ok(replaced)
        })
        .await?;
    if let Some(old) = replaced {
        // Best effort: a leftover old copy is unreferenced garbage, not wrong data.
        let _ = state.inner.public.delete(&blob_path(&old)).await;
    }
    Ok(axum::Json(photo_info(&state, &sha).await?))
}

/// Writes the metadata row of photo `sha` at a fresh change-feed cursor, unless it already
/// holds exactly this (a resend is not a change), and returns the public copy it replaced when
/// no row uses that copy any more.
fn store_meta(
    tx: &Conn,
    sha: &str,
    json: &str,
    user: &str,
    public_sha: Option<&str>,
) -> Result<Option<String>> {
    let before: Option<(String, Option<String>)> = tx
        .query_opt(
            "SELECT meta, public_sha256 FROM photo_meta WHERE sha256 = ?1",
            args![sha],
        )?
        .map(|r| Ok::<_, ServerError>((r.get(0)?, r.get(1)?)))
        .transpose()?;
    if before
        .as_ref()
        .is_some_and(|(m, p)| m == json && p.as_deref() == public_sha)
    {
        return Ok(None);
    }
    let old = before.and_then(|(_, p)| p);
    let cursor = crate::feed::take_cursor(tx)?;
    tx.execute(
        "INSERT INTO photo_meta (sha256, meta, updated_by, updated_at, public_sha256, cursor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(sha256) DO UPDATE SET meta = excluded.meta, updated_by = excluded.updated_by,
         updated_at = excluded.updated_at, public_sha256 = excluded.public_sha256,
         cursor = excluded.cursor",
        args![sha, json, user, now_rfc3339(), public_sha, cursor],
    )?;
    // Another photo may have produced the same public copy (same original, same caption).
    let still_used: bool = match &old {
        Some(o) => tx
            .query_opt(
                "SELECT 1 FROM photo_meta WHERE public_sha256 = ?1",
                args![o],
            )?
            .is_some(),
        None => true,
    };
    Ok(old.filter(|o| !still_used && Some(o.as_str()) != public_sha))
}

/// `GET /api/photos/{sha}/meta`.
pub async fn get_meta(
    State(state): State<AppState>,
    _auth: Auth,
    Path(sha): Path<String>,
) -> Result<axum::Json<PhotoInfo>> {
    check_sha(&sha)?;
    Ok(axum::Json(photo_info(&state, &sha).await?))
}

/// `GET /photos/{sha}`: the public copy (caption embedded, GPS removed by policy), or the
/// original when that already was the public copy; 404 for a photo whose metadata was never
/// set; typed by the sniffed content type; public like the pages.
pub async fn serve_photo(
    State(state): State<AppState>,
    Path(sha): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    check_sha(&sha)?;
    let info = photo_info(&state, &sha).await?;
    let key = sha.clone();
    // Only a photo whose metadata went through `put_meta` has been vetted for the public (its
    // copy made, GPS removed by policy); a row without a copy means the original already was
    // the public copy. Without a row the original may still carry a location: not public. (The
    // desktop's publish always sends a photo's metadata with its bytes.)
    let public: Option<Option<String>> = state
        .read(move |c| {
            c.query_opt(
                "SELECT public_sha256 FROM photo_meta WHERE sha256 = ?1",
                args![key],
            )?
            .map(|r| r.get(0))
            .transpose()
        })
        .await?;
    let Some(public) = public else {
        return Err(ServerError::not_found(
            "this photo has no public copy yet: setting its metadata (PUT /api/photos/{sha}/meta) makes one",
        ));
    };
    let etag = format!("\"{}\"", public.as_deref().unwrap_or(&sha));
    // The caption can change after publishing, so the copy behind this URL can too: caches
    // revalidate (cheaply, by ETag) instead of keeping the old caption for a year.
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        photo_headers(&mut r, &info.content_type, &etag, "public, no-cache");
        return Ok(r);
    }
    let bytes = match &public {
        Some(p) => state.inner.public.get(&blob_path(p)).await?.bytes().await?,
        None => {
            state
                .inner
                .store
                .get(&blob_path(&sha))
                .await?
                .bytes()
                .await?
        }
    };
    let mut r = (StatusCode::OK, bytes).into_response();
    photo_headers(&mut r, &info.content_type, &etag, "public, no-cache");
    Ok(r)
}

/// `GET /api/blobs/{sha}`: the original bytes as uploaded (any signed-in user), for clients
/// that pull a story's photos into their own content-addressed library.
pub async fn serve_original(
    State(state): State<AppState>,
    _auth: Auth,
    Path(sha): Path<String>,
) -> Result<Response> {
    check_sha(&sha)?;
    let info = photo_info(&state, &sha).await?;
    let bytes = read_blob(&state.inner.store, &sha).await?;
    let mut r = (StatusCode::OK, bytes).into_response();
    photo_headers(
        &mut r,
        &info.content_type,
        &format!("\"{sha}\""),
        "private, max-age=31536000, immutable",
    );
    Ok(r)
}

async fn read_blob(store: &Arc<dyn ObjectStore>, sha: &str) -> Result<axum::body::Bytes> {
    Ok(store.get(&blob_path(sha)).await?.bytes().await?)
}

pub(crate) fn photo_headers(r: &mut Response, content_type: &str, etag: &str, cache: &'static str) {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::ETAG,
        HeaderValue::from_str(etag).unwrap_or(HeaderValue::from_static("\"\"")),
    );
}
