//! Published versions: what the public page serves. Publishing copies the working copy into an
//! immutable version (who, when, correction notice); later writes change only the working copy
//! in `articles`. A takedown makes the page answer 410 Gone and keeps every version. Also the
//! editors' endpoints that list and read the versions.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use byline_protocol::sync::{
    ArticleEnvelope, Live, Takedown, UnpublishRequest, VersionInfo, VersionList,
};
use byline_protocol::{Article, ErrorCode, Status};

use crate::auth::Auth;
use crate::db::{Role, User, now_rfc3339};
use crate::error::{Result, ServerError};
use crate::sql::{Conn, Row};
use crate::{AppState, args, parse_json, read_body};

/// A correction notice as the page shows it: the date it was published and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub published_at: String,
    pub text: String,
}

/// What `GET /articles/{id}` has to show.
pub enum Page {
    Live {
        article: Box<Article>,
        corrections: Vec<Notice>,
    },
    Gone,
    Missing,
}

/// The three columns of a story's public side (latest version, the revision it was made from,
/// taken down or not) for the story whose id is the SQL expression `$id`: read with the story
/// itself by `articles`, or alone by [`live`]; decoded by [`live_from`].
macro_rules! live_columns {
    ($id:literal) => {
        concat!(
            "(SELECT p.version FROM published_versions p WHERE p.id = ",
            $id,
            " ORDER BY p.version DESC LIMIT 1),
             (SELECT p.revision FROM published_versions p WHERE p.id = ",
            $id,
            " ORDER BY p.version DESC LIMIT 1),
             EXISTS (SELECT 1 FROM takedowns t WHERE t.id = ",
            $id,
            ")"
        )
    };
}
pub(crate) use live_columns;

/// The public side from [`live_columns!`] starting at column `at` (`None`: never published).
pub(crate) fn live_from(r: &Row, at: usize) -> Result<Option<Live>> {
    let Some(version) = r.get::<Option<u64>>(at)? else {
        return Ok(None);
    };
    Ok(Some(Live {
        version,
        revision: r.get(at + 1)?,
        withdrawn: r.get(at + 2)?,
    }))
}

/// The public side of a story for its envelope (`None`: never published), in one statement.
pub fn live(c: &Conn, id: &str) -> Result<Option<Live>> {
    let row = c.query_one(concat!("SELECT ", live_columns!("?1")), args![id])?;
    live_from(&row, 0)
}

fn takedown(c: &Conn, id: &str) -> Result<Option<Takedown>> {
    // `by` quoted: it is a reserved word in PostgreSQL.
    let row = c.query_opt(
        r#"SELECT at, "by", reason FROM takedowns WHERE id = ?1"#,
        args![id],
    )?;
    row.map(|r| {
        Ok(Takedown {
            at: r.get(0)?,
            by: r.get(1)?,
            reason: r.get(2)?,
        })
    })
    .transpose()
}

/// Records `article` (already saved as the working copy at `revision`) as the next published
/// version, unless the last version is the same article and no correction comes with it (a
/// retried or repeated publish). Lifts a takedown. Returns what the page now serves (as
/// [`live`] would read it back).
pub fn publish(
    tx: &Conn,
    user: &User,
    article: &Article,
    revision: u64,
    correction: Option<&str>,
) -> Result<Live> {
    let body = serde_json::to_string(article)?;
    let last: Option<(u64, u64, String)> = tx
        .query_opt(
            "SELECT version, revision, body FROM published_versions WHERE id = ?1
             ORDER BY version DESC LIMIT 1",
            args![article.id],
        )?
        .map(|r| Ok::<_, ServerError>((r.get(0)?, r.get(1)?, r.get(2)?)))
        .transpose()?;
    let lifted = tx.execute("DELETE FROM takedowns WHERE id = ?1", args![article.id])? > 0;
    if let Some((version, made_from, last_body)) = &last
        && same_story(last_body, article)
        && correction.is_none()
        && !lifted
    {
        return Ok(Live {
            version: *version,
            revision: *made_from,
            withdrawn: false,
        });
    }
    let version = last.map_or(1, |(v, _, _)| v + 1);
    tx.execute(
        "INSERT INTO published_versions (id, version, revision, body, published_at, published_by, correction)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        args![article.id, version, revision, body, now_rfc3339(), user.name, correction],
    )?;
    // The page changed even when the text did not (a correction alone, a lifted takedown):
    // the desks following the feed learn the new live version.
    crate::feed::touch_article(tx, &article.id)?;
    tracing::info!(article = %article.id, version, by = %user.name, "published version");
    Ok(Live {
        version,
        revision,
        withdrawn: false,
    })
}

/// Whether the version published as `last_body` says what `article` says: the same JSON once
/// the revision number and the time of the save are set aside (a publish resumed after a crash
/// may save the same text again as a newer revision; the readers' page would not change).
fn same_story(last_body: &str, article: &Article) -> bool {
    match serde_json::from_str::<Article>(last_body) {
        Ok(mut last) => {
            last.revision = article.revision;
            last.updated_at = article.updated_at;
            serde_json::to_string(&last).ok() == serde_json::to_string(article).ok()
        }
        Err(_) => false,
    }
}

/// The page: the last published version with every correction published up to it, 410 after a
/// takedown, 404 for a story never published.
pub fn page(c: &Conn, id: &str) -> Result<Page> {
    if takedown(c, id)?.is_some() {
        return Ok(Page::Gone);
    }
    let rows = c
        .query(
            "SELECT body, published_at, correction FROM published_versions WHERE id = ?1
             ORDER BY version",
            args![id],
        )?
        .iter()
        .map(|r| {
            Ok((
                r.get::<String>(0)?,
                r.get::<String>(1)?,
                r.get::<Option<String>>(2)?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let Some((body, _, _)) = rows.last() else {
        return Ok(Page::Missing);
    };
    let corrections = rows
        .iter()
        .filter_map(|(_, at, text)| {
            text.as_ref().map(|t| Notice {
                published_at: at.clone(),
                text: t.clone(),
            })
        })
        .collect();
    Ok(Page::Live {
        article: Box::new(serde_json::from_str(body)?),
        corrections,
    })
}

/// A story the public may read, as the front page and the feed list it.
pub struct Listed {
    /// Its last published version.
    pub article: Article,
    /// When that version was published (RFC 3339, UTC).
    pub last_published_at: String,
}

/// The last published version of the `limit` stories first published most recently, leaving
/// out stories taken down; newest first.
pub fn published_list(c: &Conn, limit: usize) -> Result<Vec<Listed>> {
    let rows = c.query(
        "SELECT p.body, p.published_at,
                (SELECT MIN(f.published_at) FROM published_versions f WHERE f.id = p.id) AS first
         FROM published_versions p
         WHERE p.version = (SELECT MAX(v.version) FROM published_versions v WHERE v.id = p.id)
           AND NOT EXISTS (SELECT 1 FROM takedowns t WHERE t.id = p.id)
         ORDER BY first DESC, p.id LIMIT ?1",
        args![limit],
    )?;
    rows.iter()
        .map(|r| {
            Ok(Listed {
                article: serde_json::from_str(&r.get::<String>(0)?)?,
                last_published_at: r.get(1)?,
            })
        })
        .collect()
}

fn list(c: &Conn, id: &str) -> Result<VersionList> {
    crate::articles::envelope(c, id)?;
    let versions = c
        .query(
            "SELECT version, published_at, published_by, correction FROM published_versions
             WHERE id = ?1 ORDER BY version",
            args![id],
        )?
        .iter()
        .map(|r| {
            Ok(VersionInfo {
                version: r.get(0)?,
                published_at: r.get(1)?,
                published_by: r.get(2)?,
                correction: r.get(3)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(VersionList {
        versions,
        takedown: takedown(c, id)?,
    })
}

/// Reading the archive is the desk's: editors and sub-editors.
fn require_desk(auth: &Auth) -> Result<()> {
    auth.require(&[Role::Editor, Role::Subeditor], "read published versions")
}

/// `GET /api/articles/{id}/versions`: every published version, oldest first.
pub async fn list_versions(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<VersionList>> {
    crate::articles::check_id(&id)?;
    require_desk(&auth)?;
    Ok(Json(state.read(move |c| list(c, &id)).await?))
}

/// `GET /api/articles/{id}/versions/{n}`: the article exactly as it was published as version n.
pub async fn get_version(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, n)): Path<(String, u64)>,
) -> Result<Json<Article>> {
    crate::articles::check_id(&id)?;
    require_desk(&auth)?;
    let body: Option<String> = state
        .read(move |c| {
            c.query_opt(
                "SELECT body FROM published_versions WHERE id = ?1 AND version = ?2",
                args![id, n],
            )?
            .map(|r| r.get(0))
            .transpose()
        })
        .await?;
    let body = body.ok_or_else(|| {
        ServerError::not_found(format!(
            "no published version {n} of this story; GET /api/articles/{{id}}/versions lists them"
        ))
    })?;
    Ok(Json(serde_json::from_str(&body)?))
}

/// `POST /api/articles/{id}/unpublish`: editors only. The page answers 410 Gone from now on;
/// the working copy becomes `withdrawn` (so every desk sees it through the feed); the versions
/// stay. Publishing again puts the story back.
pub async fn unpublish(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    body: Body,
) -> Result<Json<ArticleEnvelope>> {
    crate::articles::check_id(&id)?;
    if auth.0.role != Role::Editor {
        return Err(crate::workflow::editor_required(
            &auth.0,
            "take a story down",
        ));
    }
    let bytes = read_body(body, state.config().json_limit).await?;
    let req: UnpublishRequest = if bytes.iter().all(u8::is_ascii_whitespace) {
        UnpublishRequest::default()
    } else {
        parse_json(&bytes)?
    };
    let user = auth.0.clone();
    let announcer = state.clone();
    let env = state
        .write(move |c| {
            let tx = c.write_tx()?;
            if live(&tx, &id)?.is_none() {
                return Err(ServerError::new(
                    ErrorCode::NotFound,
                    format!("story {id} was never published, so there is nothing to take down"),
                ));
            }
            tx.execute(
                r#"INSERT INTO takedowns (id, reason, "by", at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(id) DO UPDATE SET reason = excluded.reason, "by" = excluded."by",
                   at = excluded.at"#,
                args![id, req.reason, user.name, now_rfc3339()],
            )?;
            crate::articles::set_status(&tx, &user, &id, Status::Withdrawn)?;
            let env = crate::articles::envelope(&tx, &id)?;
            tx.commit()?;
            crate::feed::announce(&announcer, c);
            Ok(env)
        })
        .await?;
    tracing::info!(article = %env.article.id, by = %auth.0.name, "taken down");
    Ok(Json(env))
}

/// `GET /api/me`: the token's user and role.
pub async fn me(auth: Auth) -> Json<byline_protocol::sync::Me> {
    Json(byline_protocol::sync::Me {
        name: auth.0.name.clone(),
        role: auth.0.role.as_str().to_string(),
    })
}
