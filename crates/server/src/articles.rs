//! Versioned articles: conditional writes with three-way block merge, publish, change feed, and
//! idempotency keys whose records commit in the same transaction as the change they answer.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use byline_protocol::sync::{
    ArticleEnvelope, ChangesResponse, PublishRequest, PutArticleRequest, PutArticleResponse,
    is_valid_article_id,
};
use byline_protocol::{Article, Conflict, ErrorCode, Status, merge};
use chrono::FixedOffset;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::auth::Auth;
use crate::db::{Role, User, now_rfc3339};
use crate::error::{Result, ServerError};
use crate::sql::Conn;
use crate::{AppState, args, parse_json, read_body};

pub(crate) fn check_id(id: &str) -> Result<()> {
    if is_valid_article_id(id) {
        Ok(())
    } else {
        Err(ServerError::bad(
            "article id must be 1-100 of [A-Za-z0-9_-]",
        ))
    }
}

/// `"7"` → 7. Accepts a weak `W/` prefix since we only compare revisions.
fn parse_etag(v: &HeaderValue) -> Result<u64> {
    v.to_str()
        .ok()
        .map(|s| s.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| ServerError::bad("If-Match must be a quoted server revision, e.g. \"3\""))
}

fn etag(rev: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{rev}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

// ---------------------------------------------------------------------------------------------
// Idempotency (draft-ietf-httpapi-idempotency-key-header)

/// A claimed idempotency key: while it lives, a concurrent request with the same key gets 409.
pub struct IdemClaim {
    state: AppState,
    slot: (String, String),
    pub request_hash: String,
}

impl Drop for IdemClaim {
    fn drop(&mut self) {
        self.state
            .inner
            .in_flight
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.slot);
    }
}

pub enum Idem {
    /// No key sent: the request is simply executed.
    None,
    /// First time this key is seen: execute, then record the answer via [`record`].
    Fresh(IdemClaim),
    /// Seen before with the same payload: here is the stored answer.
    Replay(Response),
}

/// Looks up the `Idempotency-Key` of a request. Same key + same payload → stored answer; same
/// key + other payload → 422; same key while the first request still runs → 409.
pub async fn idem_begin(
    state: &AppState,
    user: &User,
    headers: &HeaderMap,
    method: &Method,
    uri: &Uri,
    body: &[u8],
) -> Result<Idem> {
    let Some(key) = headers.get("idempotency-key") else {
        return Ok(Idem::None);
    };
    let key = key
        .to_str()
        .ok()
        .map(|k| k.trim().trim_matches('"'))
        .filter(|k| !k.is_empty() && k.len() <= 255)
        .ok_or_else(|| ServerError::bad("Idempotency-Key must be 1-255 visible characters"))?
        .to_string();
    let mut h = Sha256::new();
    h.update(method.as_str());
    h.update(b"\n");
    h.update(uri.path());
    h.update(b"\n");
    h.update(body);
    let request_hash = hex::encode(h.finalize());
    let slot = (user.name.clone(), key.clone());
    {
        let mut flight = state
            .inner
            .in_flight
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if !flight.insert(slot.clone()) {
            return Err(ServerError::new(
                ErrorCode::Conflict,
                "a request with this Idempotency-Key is still being processed",
            ));
        }
    }
    let claim = IdemClaim {
        state: state.clone(),
        slot,
        request_hash,
    };
    let user_name = user.name.clone();
    let stored = state
        .read(move |c| stored_answer(c, &user_name, &key))
        .await?;
    match stored {
        None => Ok(Idem::Fresh(claim)),
        Some(stored) => replay(stored, &claim.request_hash).map(Idem::Replay),
    }
}

/// What was answered to `user` under `key`: request hash, status, body.
fn stored_answer(c: &Conn, user: &str, key: &str) -> Result<Option<(String, u16, Vec<u8>)>> {
    let row = c.query_opt(
        "SELECT request_hash, status, response FROM idempotency WHERE user_name = ?1 AND key = ?2",
        args![user, key],
    )?;
    row.map(|r| Ok((r.get(0)?, r.get::<u16>(1)?, r.get(2)?)))
        .transpose()
}

/// The stored answer again, or 422 when the key came with another request.
fn replay((hash, status, body): (String, u16, Vec<u8>), request_hash: &str) -> Result<Response> {
    if hash != request_hash {
        return Err(ServerError::new(
            ErrorCode::IdempotencyMismatch,
            "this Idempotency-Key was already used with a different request",
        ));
    }
    let mut resp = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response();
    resp.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(resp)
}

/// The answer another server (or an earlier attempt) committed under this request's key while
/// it waited for the writers' lock: checked inside the write transaction, so across replicas
/// a key is executed once, serialised by the database.
fn committed_meanwhile(tx: &Conn, idem: &Idem, user: &User) -> Result<Option<Response>> {
    let Idem::Fresh(claim) = idem else {
        return Ok(None);
    };
    stored_answer(tx, &user.name, &claim.slot.1)?
        .map(|stored| replay(stored, &claim.request_hash))
        .transpose()
}

/// Stores the answer to a fresh idempotent request inside the caller's transaction.
pub fn record(tx: &Conn, idem: &Idem, user: &User, status: StatusCode, body: &[u8]) -> Result<()> {
    if let Idem::Fresh(claim) = idem {
        tx.execute(
            "INSERT INTO idempotency (user_name, key, request_hash, status, response, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            args![
                user.name,
                claim.slot.1,
                claim.request_hash,
                status.as_u16(),
                body,
                now_rfc3339()
            ],
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Storage

struct Current {
    revision: u64,
    article: Article,
    conflicts: Vec<Conflict>,
}

fn load(tx: &Conn, id: &str) -> Result<Option<Current>> {
    let row = tx.query_opt(
        "SELECT revision, body, conflicts FROM articles WHERE id = ?1",
        args![id],
    )?;
    row.map(|r| {
        Ok(Current {
            revision: r.get(0)?,
            article: serde_json::from_str(&r.get::<String>(1)?)?,
            conflicts: serde_json::from_str(&r.get::<String>(2)?)?,
        })
    })
    .transpose()
}

/// The envelope's columns: the working copy and its public side, read by ONE statement (one
/// snapshot without a transaction, and on PostgreSQL one round trip instead of five).
macro_rules! envelope_sql {
    ($tail:literal) => {
        concat!(
            "SELECT a.revision, a.body, a.conflicts, a.cursor, ",
            crate::versions::live_columns!("a.id"),
            " FROM articles a ",
            $tail
        )
    };
}

fn envelope_from(r: &crate::sql::Row) -> Result<ArticleEnvelope> {
    Ok(ArticleEnvelope {
        server_revision: r.get(0)?,
        article: serde_json::from_str(&r.get::<String>(1)?)?,
        conflicts: serde_json::from_str(&r.get::<String>(2)?)?,
        cursor: r.get(3)?,
        live: crate::versions::live_from(r, 4)?,
    })
}

/// The article `id` as `GET /api/articles/{id}` and the feeds return it; `None`: no such id.
pub(crate) fn find_envelope(c: &Conn, id: &str) -> Result<Option<ArticleEnvelope>> {
    c.query_opt(envelope_sql!("WHERE a.id = ?1"), args![id])?
        .map(|r| envelope_from(&r))
        .transpose()
}

/// [`find_envelope`], where a missing id is a 404.
pub(crate) fn envelope(c: &Conn, id: &str) -> Result<ArticleEnvelope> {
    find_envelope(c, id)?.ok_or_else(|| ServerError::not_found(format!("no article {id}")))
}

/// Up to `limit` envelopes of the articles changed after `since`, oldest change first.
fn envelopes_since(c: &Conn, since: u64, limit: u32) -> Result<Vec<ArticleEnvelope>> {
    c.query(
        envelope_sql!("WHERE a.cursor > ?1 ORDER BY a.cursor LIMIT ?2"),
        args![since, limit],
    )?
    .iter()
    .map(envelope_from)
    .collect()
}

/// Moves the working copy of `id` to `status` as a new server revision (the takedown's
/// `withdrawn`), bypassing the workflow check: the caller already checked the role.
pub(crate) fn set_status(tx: &Conn, user: &User, id: &str, status: Status) -> Result<()> {
    let cur = load(tx, id)?.ok_or_else(|| ServerError::not_found(format!("no article {id}")))?;
    if cur.article.status == status {
        return Ok(());
    }
    let mut next = cur.article;
    next.status = status;
    next.revision = cur.revision + 1;
    save(tx, user, &next, &cur.conflicts)?;
    Ok(())
}

fn load_revision(tx: &Conn, id: &str, rev: u64) -> Result<Option<Article>> {
    let row = tx.query_opt(
        "SELECT body FROM article_revisions WHERE id = ?1 AND revision = ?2",
        args![id, rev],
    )?;
    row.map(|r| Ok(serde_json::from_str(&r.get::<String>(0)?)?))
        .transpose()
}

fn save(tx: &Conn, user: &User, article: &Article, conflicts: &[Conflict]) -> Result<u64> {
    let body = serde_json::to_string(article)?;
    let conflicts = serde_json::to_string(conflicts)?;
    // From the one sequence the change feed follows, shared with photo metadata.
    let cursor = crate::feed::take_cursor(tx)?;
    let now = now_rfc3339();
    tx.execute(
        "INSERT INTO articles (id, revision, cursor, status, body, conflicts, updated_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(id) DO UPDATE SET revision = excluded.revision, cursor = excluded.cursor,
           status = excluded.status, body = excluded.body, conflicts = excluded.conflicts,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        args![article.id, article.revision, cursor, article.status.as_str(), body, conflicts, user.name, now],
    )?;
    tx.execute(
        "INSERT INTO article_revisions (id, revision, body, author, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        args![article.id, article.revision, body, user.name, now],
    )?;
    Ok(cursor)
}

/// The newsroom's zone, used when an article is published without a filed time.
fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or(FixedOffset::east_opt(0).expect("UTC exists"))
}

/// Applies a write of `incoming` based on `base` (server revision the client started from) over
/// `cur`, the working copy the caller loaded in this transaction (`None`: a new story).
fn apply_write(
    tx: &Conn,
    user: &User,
    cur: Option<Current>,
    mut incoming: Article,
    base: Option<u64>,
) -> Result<(StatusCode, PutArticleResponse)> {
    incoming.normalize();
    incoming
        .check_links()
        .map_err(|e| ServerError::new(ErrorCode::InvalidInput, e.to_string()))?;
    let Some(cur) = cur else {
        return create(tx, user, incoming);
    };
    let rebased = rebase(tx, &cur, incoming, base)?;
    let mut next = rebased.article;
    next.id = cur.article.id.clone();
    next.created_at = cur.article.created_at;
    crate::workflow::check_write(user, Some(&cur.article), &next)?;
    let mut all_conflicts = if rebased.merged {
        cur.conflicts.clone()
    } else {
        vec![]
    };
    // A resent stale write finds the same conflicts again: keep each one once.
    for c in &rebased.conflicts {
        if !all_conflicts.contains(c) {
            all_conflicts.push(c.clone());
        }
    }
    // Nothing new (e.g. a resend under a fresh key): no new revision.
    next.revision = cur.revision;
    if next != cur.article || all_conflicts != cur.conflicts {
        next.revision = cur.revision + 1;
        save(tx, user, &next, &all_conflicts)?;
    }
    Ok((
        StatusCode::OK,
        PutArticleResponse {
            server_revision: next.revision,
            merged: rebased.merged,
            article: next,
            conflicts: rebased.conflicts,
            live: None,
        },
    ))
}

/// The first write of a story: revision 1, by a reporter or an editor.
fn create(
    tx: &Conn,
    user: &User,
    mut incoming: Article,
) -> Result<(StatusCode, PutArticleResponse)> {
    if user.role == Role::Photographer {
        return Err(ServerError::new(
            ErrorCode::Forbidden,
            "a photographer may add photos to an existing story but not create one; \
             ask a reporter or editor to file it first",
        ));
    }
    crate::workflow::check_write(user, None, &incoming)?;
    incoming.revision = 1;
    save(tx, user, &incoming, &[])?;
    Ok((
        StatusCode::CREATED,
        PutArticleResponse {
            server_revision: 1,
            merged: false,
            article: incoming,
            conflicts: vec![],
            live: None,
        },
    ))
}

/// A write brought onto the current revision: as sent when its base is current, else merged
/// block by block with what changed since its base (without an ancestor when it names none:
/// never a blind overwrite).
struct Rebased {
    article: Article,
    /// Conflicts this write found.
    conflicts: Vec<Conflict>,
    /// Merged: the story's earlier open conflicts stay open too.
    merged: bool,
}

fn rebase(tx: &Conn, cur: &Current, incoming: Article, base: Option<u64>) -> Result<Rebased> {
    let base_article = match base {
        // Up to date: the client saw the current version and any conflicts on it.
        Some(b) if b == cur.revision => {
            return Ok(Rebased {
                article: incoming,
                conflicts: vec![],
                merged: false,
            });
        }
        Some(b) if b > cur.revision => {
            return Err(ServerError::new(
                ErrorCode::PreconditionFailed,
                format!(
                    "base revision {b} is newer than the server's {}",
                    cur.revision
                ),
            ));
        }
        Some(b) => Some(load_revision(tx, &cur.article.id, b)?.ok_or_else(|| {
            ServerError::new(
                ErrorCode::PreconditionFailed,
                format!("unknown base revision {b}"),
            )
        })?),
        None => None,
    };
    let m = merge(base_article.as_ref(), &cur.article, &incoming);
    Ok(Rebased {
        article: m.article,
        conflicts: m.conflicts,
        merged: true,
    })
}

fn respond(status: StatusCode, body: Vec<u8>, rev: u64) -> Response {
    let mut resp = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    resp.headers_mut().insert(header::ETAG, etag(rev));
    resp
}

/// Runs an article write in one transaction with its idempotency record, on the blocking pool.
/// The claim on the key moves along and ends with the transaction: if the client goes away
/// meanwhile, a retry under the same key still gets 409 until this write has committed, rather
/// than racing it.
async fn transact(
    state: &AppState,
    user: User,
    idem: Idem,
    f: impl FnOnce(&Conn, &User) -> Result<(StatusCode, PutArticleResponse)> + Send + 'static,
) -> Result<Response> {
    let announcer = state.clone();
    state
        .write(move |c| {
            let tx = c.write_tx()?;
            if let Some(answer) = committed_meanwhile(&tx, &idem, &user)? {
                return Ok(answer);
            }
            let (status, out) = f(&tx, &user)?;
            let body = serde_json::to_vec(&out)?;
            record(&tx, &idem, &user, status, &body)?;
            tx.commit()?;
            crate::feed::announce(&announcer, c);
            Ok(respond(status, body, out.server_revision))
        })
        .await
}

/// `PUT /api/articles/{id}`: body [`PutArticleRequest`]; `If-Match: "<rev>"` or `base_revision`.
pub async fn put_article(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    check_id(&id)?;
    // Photographers edit stories to add their captioned photos; creating stories is not theirs.
    auth.require(
        &[
            Role::Reporter,
            Role::Photographer,
            Role::Subeditor,
            Role::Editor,
        ],
        "write articles",
    )?;
    let bytes = read_body(body, state.config().json_limit).await?;
    let idem = idem_begin(&state, &auth.0, &headers, &method, &uri, &bytes).await?;
    if let Idem::Replay(resp) = idem {
        return Ok(resp);
    }
    let req: PutArticleRequest = parse_json(&bytes)?;
    if req.article.id != id {
        return Err(ServerError::bad(
            "article.id differs from the id in the path",
        ));
    }
    let base = match headers.get(header::IF_MATCH) {
        Some(v) => Some(parse_etag(v)?),
        None => req.base_revision,
    };
    let resp = transact(&state, auth.0.clone(), idem, move |tx, user| {
        let cur = load(tx, &req.article.id)?;
        let before = cur.as_ref().map(|c| c.article.status);
        let (status, mut out) = apply_write(tx, user, cur, req.article, base)?;
        // An editor who sets the status to published by a write publishes, as before the
        // publish endpoint existed; anything else only changes the working copy.
        out.live = if out.article.status == Status::Published && before != Some(Status::Published) {
            let live = crate::versions::publish(tx, user, &out.article, out.server_revision, None)?;
            Some(live)
        } else {
            crate::versions::live(tx, &out.article.id)?
        };
        Ok((status, out))
    })
    .await?;
    tracing::info!(article = %id, user = %auth.0.name, status = %resp.status(), "article written");
    Ok(resp)
}

/// `POST /api/articles/{id}/publish`: editors only; body [`PublishRequest`] (optional). Makes
/// the working copy the next published version, which the page serves from now on, with the
/// correction notice if one is given. Keeps a filed `published_at` (with its zone), else stamps
/// now at +07:00.
pub async fn publish(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    check_id(&id)?;
    if auth.0.role != Role::Editor {
        return Err(crate::workflow::editor_required(
            &auth.0,
            "publish this story",
        ));
    }
    let bytes = read_body(body, state.config().json_limit).await?;
    let idem = idem_begin(&state, &auth.0, &headers, &method, &uri, &bytes).await?;
    if let Idem::Replay(resp) = idem {
        return Ok(resp);
    }
    let req: PublishRequest = if bytes.iter().all(u8::is_ascii_whitespace) {
        PublishRequest::default()
    } else {
        parse_json(&bytes)?
    };
    let correction = correction_text(req.correction)?;
    let if_match = headers.get(header::IF_MATCH).map(parse_etag).transpose()?;
    transact(&state, auth.0.clone(), idem, move |tx, user| {
        let cur =
            load(tx, &id)?.ok_or_else(|| ServerError::not_found(format!("no article {id}")))?;
        if if_match.is_some_and(|m| m != cur.revision) {
            return Err(ServerError::new(
                ErrorCode::PreconditionFailed,
                "the article changed since",
            ));
        }
        let mut a = cur.article.clone();
        a.status = Status::Published;
        if a.published_at.is_none() {
            a.published_at = Some(chrono::Utc::now().with_timezone(&vietnam()));
        }
        let base = Some(cur.revision);
        let (status, mut out) = apply_write(tx, user, Some(cur), a, base)?;
        let live = crate::versions::publish(
            tx,
            user,
            &out.article,
            out.server_revision,
            correction.as_deref(),
        )?;
        out.live = Some(live);
        Ok((status, out))
    })
    .await
}

/// A correction notice: NFC, trimmed, non-empty, at most 2000 characters.
fn correction_text(c: Option<String>) -> Result<Option<String>> {
    let Some(c) = c else { return Ok(None) };
    let c = byline_text::nfc(c.trim());
    if c.is_empty() {
        return Err(ServerError::bad(
            "correction is empty: give the notice's text, or leave `correction` out",
        ));
    }
    if c.chars().count() > 2000 {
        return Err(ServerError::bad(
            "correction is longer than 2000 characters: shorten the notice",
        ));
    }
    Ok(Some(c))
}

/// `GET /api/articles/{id}`: the envelope, with `ETag: "<server_revision>"`.
pub async fn get_article(
    State(state): State<AppState>,
    _auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    check_id(&id)?;
    let key = id.clone();
    let env = state
        .read_statement(move |c| find_envelope(c, &key))
        .await?
        .ok_or_else(|| ServerError::not_found(format!("no article {id}")))?;
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| parse_etag(v).ok() == Some(env.server_revision))
    {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        r.headers_mut()
            .insert(header::ETAG, etag(env.server_revision));
        return Ok(r);
    }
    Ok(respond(
        StatusCode::OK,
        serde_json::to_vec(&env)?,
        env.server_revision,
    ))
}

#[derive(Deserialize)]
pub struct ChangesQuery {
    #[serde(default)]
    since: u64,
    limit: Option<u32>,
}

/// `GET /api/articles?since=<cursor>&limit=<n>`: articles changed after the cursor, oldest first.
pub async fn list_changes(
    State(state): State<AppState>,
    _auth: Auth,
    Query(q): Query<ChangesQuery>,
) -> Result<axum::Json<ChangesResponse>> {
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let since = q.since;
    let rows = state
        .read_statement(move |c| envelopes_since(c, since, limit + 1))
        .await?;
    let more = rows.len() > limit as usize;
    let articles: Vec<_> = rows.into_iter().take(limit as usize).collect();
    let next_cursor = articles.last().map_or(q.since, |a| a.cursor);
    Ok(axum::Json(ChangesResponse {
        articles,
        next_cursor,
        more,
    }))
}
