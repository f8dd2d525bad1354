//! Photo previews: the 1600 px JPEG the desktop sends before each original, so a desk sees a
//! story laid out while its originals (hundreds of megabytes over a slow link) are on their way.
//!
//! A preview is named by its ORIGINAL's SHA-256, which the server may not hold yet; it stands in
//! for that photo on the public page only until the original and its metadata (hence its public
//! copy) arrive. It is public as soon as it is stored, so its location is removed here, always,
//! by `byline_media`'s GPS code through [`published::public_preview`]; what that code cannot
//! clean is refused. The bytes live in the blob store under `previews/<p[0..2]>/<p>`, named by
//! their own SHA-256 `p` and written before the row pointing at them commits, so a reader never
//! finds a row without its file, and an identical upload is recognised and stored once.

use std::collections::HashSet;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use byline_protocol::ErrorCode;
use object_store::ObjectStoreExt;
use sha2::{Digest, Sha256};

use crate::auth::Auth;
use crate::blobs::{check_sha, photo_headers, sniff_image};
use crate::db::{Role, now_rfc3339};
use crate::error::{Result, ServerError};
use crate::sql::Conn;
use crate::{AppState, args, published, read_body};

/// Where a preview's bytes live in the blob store: a folder of their own beside the originals'
/// two-hex-digit folders, so no preview can ever be taken for an original.
fn preview_path(preview_sha: &str) -> object_store::path::Path {
    object_store::path::Path::from(format!("previews/{}/{preview_sha}", &preview_sha[..2]))
}

/// `PUT /api/photos/{sha}/preview`: body the preview JPEG of the original `sha`. 201 when
/// stored, 204 when the server already had exactly this preview (or has now replaced an older
/// one).
pub async fn put_preview(
    State(state): State<AppState>,
    auth: Auth,
    Path(sha): Path<String>,
    body: Body,
) -> Result<StatusCode> {
    check_sha(&sha)?;
    auth.require(
        &[
            Role::Reporter,
            Role::Photographer,
            Role::Subeditor,
            Role::Editor,
        ],
        "upload photo previews",
    )?;
    let bytes = read_body(body, state.config().preview_limit).await?;
    let (content_type, width, height) = sniff_image(&bytes, state.config().max_pixels)?;
    if content_type != "image/jpeg" {
        return Err(ServerError::new(
            ErrorCode::Unsupported,
            format!(
                "the preview of photo {sha} is {content_type}; send a JPEG (the desktop's 1600 px rendition)"
            ),
        ));
    }
    let key = sha.clone();
    let clean = tokio::task::spawn_blocking(move || published::public_preview(&bytes, &key))
        .await
        .map_err(|e| ServerError::new(ErrorCode::Internal, format!("cleaning a preview: {e}")))??;
    let preview_sha = hex::encode(Sha256::digest(&clean));
    if stored(&state, &sha).await?.as_deref() == Some(preview_sha.as_str()) {
        return Ok(StatusCode::NO_CONTENT);
    }
    let size = clean.len() as u64;
    // Content-addressed: writing it twice is harmless, and a crash before the row commits
    // leaves an unreferenced file, never a row without its file.
    state
        .inner
        .store
        .put(&preview_path(&preview_sha), clean.into())
        .await?;
    let (key, psha, user) = (sha.clone(), preview_sha.clone(), auth.0.name.clone());
    let (created, unused) = state
        .write(move |c| {
            let tx = c.write_tx()?;
            let out = store_row(&tx, &key, &psha, size, (width, height), &user)?;
            tx.commit()?;
            Ok(out)
        })
        .await?;
    if let Some(old) = unused {
        // Best effort: a leftover old preview is unreferenced garbage, not wrong data.
        let _ = state.inner.store.delete(&preview_path(&old)).await;
    }
    tracing::info!(%sha, %preview_sha, size, user = %auth.0.name, "preview stored");
    Ok(if created {
        StatusCode::CREATED
    } else {
        StatusCode::NO_CONTENT
    })
}

/// Points photo `sha` at the preview `preview_sha`. Returns whether the photo had no preview
/// before, and the replaced preview when no photo uses it any more.
fn store_row(
    tx: &Conn,
    sha: &str,
    preview_sha: &str,
    size: u64,
    (width, height): (u32, u32),
    user: &str,
) -> Result<(bool, Option<String>)> {
    let old: Option<String> = tx
        .query_opt(
            "SELECT preview_sha256 FROM photo_previews WHERE sha256 = ?1",
            args![sha],
        )?
        .map(|r| r.get(0))
        .transpose()?;
    tx.execute(
        "INSERT INTO photo_previews (sha256, preview_sha256, size, width, height, updated_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(sha256) DO UPDATE SET preview_sha256 = excluded.preview_sha256,
           size = excluded.size, width = excluded.width, height = excluded.height,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        args![sha, preview_sha, size, width, height, user, now_rfc3339()],
    )?;
    let unused = match &old {
        Some(o) if o != preview_sha => tx
            .query_opt(
                "SELECT 1 FROM photo_previews WHERE preview_sha256 = ?1",
                args![o],
            )?
            .is_none(),
        _ => false,
    };
    Ok((old.is_none(), old.filter(|_| unused)))
}

/// The SHA-256 of the preview stored for photo `sha`, if any.
async fn stored(state: &AppState, sha: &str) -> Result<Option<String>> {
    let sha = sha.to_string();
    state
        .read(move |c| {
            c.query_opt(
                "SELECT preview_sha256 FROM photo_previews WHERE sha256 = ?1",
                args![sha],
            )?
            .map(|r| r.get(0))
            .transpose()
        })
        .await
}

/// `GET /photos/{sha}/preview`: the stored preview of photo `sha` (public, like the pages).
pub async fn serve_preview(
    State(state): State<AppState>,
    Path(sha): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    check_sha(&sha)?;
    let Some(preview_sha) = stored(&state, &sha).await? else {
        return Err(ServerError::not_found(format!(
            "photo {sha} has no preview; the desktop uploads one (PUT /api/photos/{sha}/preview) before the original"
        )));
    };
    let etag = format!("\"{preview_sha}\"");
    // A newer preview may replace this one: caches revalidate by ETag rather than keep it.
    let cache = "public, no-cache";
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        photo_headers(&mut r, "image/jpeg", &etag, cache);
        return Ok(r);
    }
    let bytes = state
        .inner
        .store
        .get(&preview_path(&preview_sha))
        .await?
        .bytes()
        .await?;
    let mut r = (StatusCode::OK, bytes).into_response();
    photo_headers(&mut r, "image/jpeg", &etag, cache);
    Ok(r)
}

/// Of the photos `shas`, those the public page shows by their preview: a preview is stored and
/// the photo's own public copy is not there yet (its metadata, which needs the original, has
/// not been set).
pub(crate) async fn shown_as_preview(
    state: &AppState,
    shas: Vec<String>,
) -> Result<HashSet<String>> {
    if shas.is_empty() {
        return Ok(HashSet::new());
    }
    state
        .read(move |c| {
            let mut out = HashSet::new();
            for sha in shas {
                let shown = c.query_opt(
                    "SELECT 1 FROM photo_previews p WHERE p.sha256 = ?1
                     AND NOT EXISTS (SELECT 1 FROM photo_meta m WHERE m.sha256 = ?1)",
                    args![sha],
                )?;
                if shown.is_some() {
                    out.insert(sha);
                }
            }
            Ok(out)
        })
        .await
}
