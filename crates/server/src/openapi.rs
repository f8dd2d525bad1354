//! The OpenAPI 3.1 description of the HTTP API, built in code next to the routes it describes,
//! served at `/openapi.json` and committed as `crates/server/openapi.json` (a test fails when
//! that file is stale; `BYLINE_BLESS=1 cargo test -p byline-server` rewrites it).

use axum::Json;
use serde_json::{Value, json};

fn err(desc: &str) -> Value {
    json!({"description": desc, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}})
}

fn op(summary: &str, extra: &Value) -> Value {
    let mut v = json!({"summary": summary, "security": [{"bearer": []}],
        "responses": {"401": err("missing or bad token"), "429": err("rate limited; see Retry-After")}});
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, x) in e {
            if k == "responses" {
                if let (Some(r), Some(xr)) = (
                    o.get_mut("responses").and_then(Value::as_object_mut),
                    x.as_object(),
                ) {
                    r.extend(xr.clone());
                }
            } else {
                o.insert(k.clone(), x.clone());
            }
        }
    }
    v
}

fn hdr(name: &str, desc: &str, required: bool) -> Value {
    json!({"name": name, "in": "header", "required": required, "description": desc, "schema": {"type": "string"}})
}

fn path_param(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
}

/// The document.
pub fn document() -> Value {
    let obj = |r: &str| json!({"$ref": format!("#/components/schemas/{r}")});
    let json_body =
        |r: &str| json!({"required": true, "content": {"application/json": {"schema": obj(r)}}});
    let ok = |d: &str, r: &str| json!({"description": d, "content": {"application/json": {"schema": obj(r)}}});
    json!({
      "openapi": "3.1.0",
      "info": {"title": "Byline newsroom server", "version": env!("CARGO_PKG_VERSION"),
               "description": "Articles (versioned, merged block by block), photos (content-addressed, tus uploads), published pages. Errors are {code, message}."},
      "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
          "ApiError": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}},
          "Article": {"type": "object", "description": "byline_protocol::Article", "required": ["id", "title", "created_at", "updated_at"]},
          "Conflict": {"type": "object", "required": ["field", "theirs", "ours"], "properties": {"block_id": {"type": "string"}, "field": {"type": "string"}, "theirs": {}, "ours": {}}},
          "PutArticleRequest": {"type": "object", "required": ["article"], "properties": {"article": obj("Article"), "base_revision": {"type": "integer", "minimum": 0}}},
          "PutArticleResponse": {"type": "object", "required": ["server_revision", "merged", "article", "conflicts"], "properties": {"server_revision": {"type": "integer"}, "merged": {"type": "boolean"}, "article": obj("Article"), "conflicts": {"type": "array", "items": obj("Conflict")}, "live": obj("Live")}},
          "ArticleEnvelope": {"type": "object", "required": ["article", "server_revision", "conflicts", "cursor"], "properties": {"article": obj("Article"), "server_revision": {"type": "integer"}, "conflicts": {"type": "array", "items": obj("Conflict")}, "cursor": {"type": "integer"}, "live": obj("Live")}},
          "Live": {"type": "object", "description": "what the public page serves; absent when never published", "required": ["version", "revision", "withdrawn"], "properties": {"version": {"type": "integer", "description": "the published version the page serves"}, "revision": {"type": "integer", "description": "the server revision it was made from"}, "withdrawn": {"type": "boolean", "description": "taken down: the page answers 410"}}},
          "PublishRequest": {"type": "object", "properties": {"correction": {"type": "string", "maxLength": 2000, "description": "a correction notice shown, dated, under the corrections heading"}}},
          "UnpublishRequest": {"type": "object", "properties": {"reason": {"type": "string"}}},
          "VersionInfo": {"type": "object", "required": ["version", "published_at", "published_by", "correction"], "properties": {"version": {"type": "integer"}, "published_at": {"type": "string", "format": "date-time"}, "published_by": {"type": "string"}, "correction": {"type": ["string", "null"]}}},
          "VersionList": {"type": "object", "required": ["versions"], "properties": {"versions": {"type": "array", "items": obj("VersionInfo")}, "takedown": {"type": "object", "required": ["at", "by"], "properties": {"at": {"type": "string"}, "by": {"type": "string"}, "reason": {"type": ["string", "null"]}}}}},
          "Me": {"type": "object", "required": ["name", "role"], "properties": {"name": {"type": "string"}, "role": {"enum": ["reporter", "photographer", "subeditor", "editor"]}}},
          "ChangesResponse": {"type": "object", "required": ["articles", "next_cursor", "more"], "properties": {"articles": {"type": "array", "items": obj("ArticleEnvelope")}, "next_cursor": {"type": "integer"}, "more": {"type": "boolean"}}},
          "Change": {"description": "one change-feed entry, by kind", "oneOf": [
            {"type": "object", "required": ["cursor", "kind", "article"], "properties": {"cursor": {"type": "integer"}, "kind": {"const": "article"}, "article": obj("ArticleEnvelope")}},
            {"type": "object", "required": ["cursor", "kind", "photo"], "properties": {"cursor": {"type": "integer"}, "kind": {"const": "photo_meta"}, "photo": obj("PhotoInfo")}}]},
          "ChangeFeed": {"type": "object", "required": ["changes", "next_cursor", "more"], "properties": {"changes": {"type": "array", "items": obj("Change")}, "next_cursor": {"type": "integer"}, "more": {"type": "boolean"}}},
          "BlobRef": {"type": "object", "required": ["sha256", "size"], "properties": {"sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "size": {"type": "integer"}}},
          "BlobBatchResponse": {"type": "object", "required": ["missing"], "properties": {"missing": {"type": "array", "items": obj("BlobRef")}}},
          "PhotoMeta": {"type": "object", "properties": {"caption": {"type": "string"}, "credit": {"type": "string"}, "creator": {"type": "string"}, "taken_at": {"type": "string"}, "keywords": {"type": "array", "items": {"type": "string"}}, "headline": {"type": "string"}, "copyright": {"type": "string"}, "city": {"type": "string"}, "state": {"type": "string"}, "country": {"type": "string"}, "strip_gps": {"type": "boolean", "description": "newsroom policy: the public copy carries no GPS coordinates"}, "marks": obj("Marks")}},
          "Marks": {"type": "object", "description": "the photographer's culling marks; absent = none", "properties": {"rating": {"type": "integer", "minimum": 0, "maximum": 5}, "label": {"type": ["string", "null"], "enum": ["red", "yellow", "green", "blue", "purple", null]}, "tagged": {"type": "boolean"}, "rejected": {"type": "boolean"}}},
          "PhotoInfo": {"type": "object", "required": ["sha256", "size", "content_type", "width", "height", "meta"], "properties": {"sha256": {"type": "string"}, "size": {"type": "integer"}, "content_type": {"type": "string"}, "width": {"type": "integer"}, "height": {"type": "integer"}, "meta": obj("PhotoMeta")}}
        }
      },
      "paths": {
        "/health": {"get": {"summary": "liveness: 200 ok while the process answers (no I/O)", "responses": {"200": {"description": "ok"}}}},
        "/ready": {"get": {"summary": "readiness: the database answers and the blob store takes a write", "responses": {"200": {"description": "{\"ready\": true}"}, "503": {"description": "{\"ready\": false, \"reason\": \"…\"} naming what failed"}}}},
        "/": {"get": {"summary": "front page: published stories by section, newest first (public HTML)", "responses": {"200": {"description": "text/html; charset=utf-8"}}}},
        "/feed.atom": {"get": {"summary": "Atom feed of published stories (a takedown leaves it)", "responses": {"200": {"description": "application/atom+xml; charset=utf-8"}}}},
        "/openapi.json": {"get": {"summary": "this document", "responses": {"200": {"description": "OpenAPI 3.1"}}}},
        "/api/articles": {"get": op("changes since a cursor", &json!({
            "parameters": [{"name": "since", "in": "query", "schema": {"type": "integer"}}, {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 500}}],
            "responses": {"200": ok("changed articles, oldest first", "ChangesResponse")}}))},
        "/api/changes": {"get": op("article and photo-metadata changes after a cursor, in commit order; long-polls with wait", &json!({
            "parameters": [{"name": "cursor", "in": "query", "schema": {"type": "integer", "minimum": 0}, "description": "next_cursor of the previous page; 0 = from the start"},
              {"name": "wait", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 25}, "description": "seconds to wait for a change when there is none (capped at 25)"},
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}, "description": "changes per page (default 100)"}],
            "responses": {"200": ok("changes, oldest first (empty when the wait ran out)", "ChangeFeed"), "400": err("malformed query")}}))},
        "/api/articles/{id}": {
          "get": op("current version", &json!({"parameters": [path_param("id"), hdr("If-None-Match", "\"<revision>\"", false)],
            "responses": {"200": ok("article with ETag \"<server_revision>\"", "ArticleEnvelope"), "304": {"description": "unchanged"}, "404": err("no such article")}})),
          "put": op("create or update; stale writes are three-way merged", &json!({
            "parameters": [path_param("id"), hdr("If-Match", "\"<server_revision>\" the edit is based on (else body base_revision)", false), hdr("Idempotency-Key", "retry-safe key", false)],
            "requestBody": json_body("PutArticleRequest"),
            "responses": {"200": ok("updated (maybe merged, with conflicts)", "PutArticleResponse"), "201": ok("created", "PutArticleResponse"),
              "400": err("invalid"), "403": err("role may not write/publish"), "409": err("same Idempotency-Key in flight"), "412": err("unknown base revision"), "413": err("body too large"), "422": err("idempotency_mismatch")}}))
        },
        "/api/articles/{id}/publish": {"post": op("publish the working copy as the next published version (editors); the page serves it from now on", &json!({
            "parameters": [path_param("id"), hdr("If-Match", "\"<server_revision>\"", false), hdr("Idempotency-Key", "retry-safe key", false)],
            "requestBody": {"required": false, "content": {"application/json": {"schema": obj("PublishRequest")}}},
            "responses": {"200": ok("published (live.version is the version the page serves)", "PutArticleResponse"), "400": err("empty or over-long correction"), "403": err("editor_required: an editor must publish"), "404": err("no such article"), "412": err("changed since If-Match"), "422": err("idempotency_mismatch")}}))},
        "/api/articles/{id}/unpublish": {"post": op("take the story down (editors): the page answers 410 Gone, the versions stay, the working copy becomes withdrawn", &json!({
            "parameters": [path_param("id")],
            "requestBody": {"required": false, "content": {"application/json": {"schema": obj("UnpublishRequest")}}},
            "responses": {"200": ok("taken down", "ArticleEnvelope"), "403": err("editor_required"), "404": err("no such article, or never published")}}))},
        "/api/articles/{id}/versions": {"get": op("every published version, oldest first (editors, sub-editors)", &json!({
            "parameters": [path_param("id")],
            "responses": {"200": ok("versions and any takedown", "VersionList"), "403": err("role"), "404": err("no such article")}}))},
        "/api/articles/{id}/versions/{n}": {"get": op("the article exactly as published as version n (editors, sub-editors)", &json!({
            "parameters": [path_param("id"), {"name": "n", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}],
            "responses": {"200": ok("the article", "Article"), "403": err("role"), "404": err("no such version")}}))},
        "/api/me": {"get": op("the token's user and role", &json!({"responses": {"200": ok("who", "Me")}}))},
        "/api/blobs/batch": {"post": op("which blobs does the server lack?", &json!({
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "array", "items": obj("BlobRef")}}}},
            "responses": {"200": ok("missing blobs", "BlobBatchResponse"), "400": err("bad hash")}}))},
        "/api/uploads": {
          "options": {"summary": "tus capabilities", "responses": {"204": {"description": "Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm"}}},
          "post": op("tus creation", &json!({"parameters": [hdr("Tus-Resumable", "1.0.0", true), hdr("Upload-Length", "total bytes", true), hdr("Upload-Metadata", "sha256 <base64 of hex digest>", true)],
            "responses": {"201": {"description": "created; Location: /api/uploads/{id}; Upload-Expires: removed if idle until then"}, "400": err("bad metadata"), "412": err("tus version"), "413": err("over Tus-Max-Size or alone over the per-user in-flight cap"), "429": err("the user's unfinished uploads would exceed the in-flight cap"), "507": err("disk_full: the blob store (local files) is below its minimum free space")}}))
        },
        "/api/uploads/{id}": {
          "head": op("current offset", &json!({"parameters": [path_param("id")], "responses": {"200": {"description": "Upload-Offset, Upload-Length, Cache-Control: no-store"}, "404": err("no such upload")}})),
          "patch": op("append a chunk", &json!({"parameters": [path_param("id"), hdr("Tus-Resumable", "1.0.0", true), hdr("Upload-Offset", "must equal the server's offset", true), hdr("Upload-Checksum", "sha256 <base64>", false)],
            "requestBody": {"required": true, "content": {"application/offset+octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
            "responses": {"204": {"description": "appended; Upload-Offset; Upload-Expires while unfinished"}, "409": err("offset mismatch or upload busy"), "413": err("chunk too large or image over the pixel limit"), "415": err("wrong Content-Type or not an image"), "460": err("checksum mismatch; chunk or upload discarded"), "507": err("disk_full: the blob store (local files) is below its minimum free space")}})),
          "delete": op("tus termination", &json!({"parameters": [path_param("id")], "responses": {"204": {"description": "terminated"}}}))
        },
        "/api/photos/{sha}/meta": {
          "get": op("photo info and metadata", &json!({"parameters": [path_param("sha")], "responses": {"200": ok("info", "PhotoInfo"), "404": err("no such photo")}})),
          "put": op("set metadata (photographers, editors)", &json!({"parameters": [path_param("sha")], "requestBody": json_body("PhotoMeta"),
            "responses": {"200": ok("info", "PhotoInfo"), "400": err("damaged photo"), "403": err("role"), "404": err("no such photo"), "415": err("strip_gps is set and the photo may hold a GPS position that cannot be removed from it (HEIC, compressed or legacy metadata); the message names the photo and what to do")}}))
        },
        "/api/photos/{sha}/preview": {"put": op("store the preview JPEG of the original {sha} (GPS removed); shown on pages until the original's public copy exists", &json!({"parameters": [path_param("sha")],
            "requestBody": {"required": true, "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}},
            "responses": {"201": {"description": "stored"}, "204": {"description": "already stored (identical), or an older preview replaced"}, "400": err("not a hash, or a damaged JPEG"), "403": err("role"), "413": err("over 4 MiB or the pixel limit"), "415": err("not a JPEG, or a GPS position that cannot be removed")}}))},
        "/api/blobs/{sha}": {"get": op("the original bytes as uploaded", &json!({"parameters": [path_param("sha")], "responses": {"200": {"description": "image/*"}, "400": err("not a hash"), "404": err("no such photo")}}))},
        "/photos/{sha}": {"get": {"summary": "the public copy (caption embedded, GPS removed by policy), or the original when that already was the public copy; only photos whose metadata was set (public)", "parameters": [path_param("sha")], "responses": {"200": {"description": "image/*"}, "304": {"description": "not modified (If-None-Match)"}, "400": err("not a hash"), "404": err("no such photo, or its metadata was never set")}}},
        "/photos/{sha}/preview": {"get": {"summary": "the preview of photo {sha} (public, no GPS)", "parameters": [path_param("sha")], "responses": {"200": {"description": "image/jpeg"}, "304": {"description": "not modified (If-None-Match)"}, "400": err("not a hash"), "404": err("no preview")}}},
        "/articles/{id}": {"get": {"summary": "the last published version as HTML (public): related items, photo-library credits, dated correction notices; never the working copy", "parameters": [path_param("id")], "responses": {"200": {"description": "text/html; charset=utf-8"}, "404": err("not published"), "410": {"description": "taken down (no content)"}}}}
      }
    })
}

pub async fn serve() -> Json<Value> {
    Json(document())
}
