//! Integration tests of the newsroom server: in-process through the router and over real TCP.

mod api;
mod blocking;
mod cli;
mod e2e;
mod editorial;
mod feed;
mod hostile;
mod migrations;
mod openapi;
mod ops;
mod pg_tls;
mod preview;
mod replicas;
mod s3;
mod site;
mod tus;

use std::path::{Path, PathBuf};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use byline_server::db::{self, DatabaseUrl, Role};
use byline_server::{AppState, Config, app};
use byline_testkit::garage::S3Target;
use tower::ServiceExt;

/// A server state in a temp dir with one user per role. The data dir is `<tmp>/data` so tests
/// can check nothing appears in `<tmp>` outside it. The blobs live in the data dir, or with
/// `BYLINE_TEST_BLOBS=garage` under a fresh prefix of this test process's Garage bucket (the
/// whole suite then runs on S3).
pub struct Fixture {
    pub tmp: tempfile::TempDir,
    pub state: AppState,
    /// Where the blobs are when they are in a bucket.
    pub s3: Option<S3Target>,
    pub editor: String,
    pub reporter: String,
    pub photographer: String,
}

impl Default for Fixture {
    fn default() -> Self {
        Fixture::with_config(Config::default())
    }
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture::default()
    }

    /// A fixture on the backends under test (see [`backend`] and `BYLINE_TEST_BLOBS`) unless
    /// `config` names a database.
    pub fn with_config(config: Config) -> Fixture {
        let s3 = match std::env::var("BYLINE_TEST_BLOBS").as_deref() {
            Ok("garage") => Some(byline_testkit::garage::require().prefix()),
            Ok("files") | Err(_) => None,
            Ok(other) => panic!("BYLINE_TEST_BLOBS={other}: use files (the default) or garage"),
        };
        Fixture::on(config, s3)
    }

    /// A fixture on Garage whatever `BYLINE_TEST_BLOBS` says, for tests of the S3 backend
    /// itself; `None` (skipped with a notice) where Garage is not installed, outside CI.
    pub fn on_garage(config: Config, test: &str) -> Option<Fixture> {
        let garage = byline_testkit::garage::or_skip(test)?;
        Some(Fixture::on(config, Some(garage.prefix())))
    }

    /// A fixture on local files whatever `BYLINE_TEST_BLOBS` says, for tests that arrange a
    /// state through the files themselves.
    pub fn on_files(config: Config) -> Fixture {
        Fixture::on(config, None)
    }

    fn on(mut config: Config, s3: Option<S3Target>) -> Fixture {
        if let Some(t) = &s3 {
            config.blobs = t.url().parse().expect("the fixture's bucket URL parses");
            config.s3_settings = t.settings.clone();
        }
        let tmp = tempfile::tempdir().expect("temp dir");
        if config.database == DatabaseUrl::Sqlite {
            config.database = backend();
        }
        let state = AppState::open(&tmp.path().join("data"), config).expect("open state");
        let (editor, reporter, photographer) = state
            .with_db(|c| {
                Ok((
                    db::add_user(c, "Biên tập", Role::Editor)?,
                    db::add_user(c, "Thanh Hà", Role::Reporter)?,
                    db::add_user(c, "Cảnh Toàn", Role::Photographer)?,
                ))
            })
            .expect("users");
        Fixture {
            tmp,
            state,
            s3,
            editor,
            reporter,
            photographer,
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.tmp.path().join("data")
    }

    /// Another server on this fixture's database and blob store (a replica, or the same server
    /// restarted), with `config`'s limits.
    pub fn reopen(&self, mut config: Config) -> AppState {
        config.database = self.state.config().database.clone();
        config.blobs = self.state.config().blobs.clone();
        config.s3_settings = self.state.config().s3_settings.clone();
        AppState::open(&self.data_dir(), config).expect("reopen state")
    }

    /// Every object of the blob store under `under` (`uploads`, `blobs/previews`…), relative to
    /// it and sorted: files in the data dir, or objects under the fixture's bucket prefix.
    pub async fn stored(&self, under: &str) -> Vec<String> {
        use futures_util::TryStreamExt;
        let Some(t) = &self.s3 else {
            let root = self.data_dir().join(under);
            if !root.exists() {
                return Vec::new();
            }
            return tree_outside(&root, &root.join("\0"))
                .into_iter()
                .filter(|p| root.join(p).is_file())
                .collect();
        };
        let s3 = bucket_client(t);
        let prefix = object_store::path::Path::from(format!("{}/{under}", t.prefix));
        let mut out: Vec<String> = object_store::ObjectStore::list(&s3, Some(&prefix))
            .map_ok(|m| m.location.as_ref()[prefix.as_ref().len() + 1..].to_owned())
            .try_collect()
            .await
            .expect("the bucket lists");
        out.sort();
        out
    }

    /// Sends one request through the router in-process.
    pub async fn call(&self, req: Request<Body>) -> (StatusCode, HeaderMap, Bytes) {
        let resp = app(self.state.clone())
            .oneshot(req)
            .await
            .expect("infallible router");
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, headers, body)
    }

    /// Starts the router on 127.0.0.1:0; returns the base URL. The server lives as long as the
    /// test's runtime.
    pub async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let router = app(self.state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        format!("http://{addr}")
    }
}

/// The database the suite runs on: `BYLINE_TEST_DATABASE=postgres` gives each fixture a fresh
/// database on a throwaway PostgreSQL cluster (scripts/test.sh runs the suite both ways);
/// otherwise the embedded SQLite in the fixture's data dir.
pub fn backend() -> DatabaseUrl {
    match std::env::var("BYLINE_TEST_DATABASE").as_deref() {
        Ok("postgres") => DatabaseUrl::Postgres(byline_testkit::pg::database()),
        Ok("sqlite") | Err(_) => DatabaseUrl::Sqlite,
        Ok(other) => panic!("BYLINE_TEST_DATABASE={other}: expected sqlite or postgres"),
    }
}

/// True when the suite runs on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("BYLINE_TEST_DATABASE").as_deref() == Ok("postgres")
}

/// `--blobs` and the environment for a `byline-server` process of this suite: none (files), or
/// a fresh prefix of the Garage bucket with `BYLINE_TEST_BLOBS=garage`.
pub fn process_blobs() -> (Vec<String>, Vec<(String, String)>) {
    match std::env::var("BYLINE_TEST_BLOBS").as_deref() {
        Ok("garage") => {
            let t = byline_testkit::garage::require().prefix();
            (vec!["--blobs".into(), t.url()], t.settings)
        }
        _ => (Vec::new(), Vec::new()),
    }
}

/// An S3 client for `t`'s whole bucket (paths include the fixture's prefix).
pub fn bucket_client(t: &S3Target) -> object_store::aws::AmazonS3 {
    let mut b = object_store::aws::AmazonS3Builder::new().with_bucket_name(&t.bucket);
    for (k, v) in &t.settings {
        b = b.with_config(k.to_ascii_lowercase().parse().expect("an S3 setting"), v);
    }
    b.build().expect("an S3 client for the fixture")
}

pub fn req(method: &str, uri: &str, token: Option<&str>) -> axum::http::request::Builder {
    let b = Request::builder().method(method).uri(uri);
    match token {
        Some(t) => b.header("authorization", format!("Bearer {t}")),
        None => b,
    }
}

pub fn json_body(v: &impl serde::Serialize) -> Body {
    Body::from(serde_json::to_vec(v).expect("serialize"))
}

pub fn error_code(body: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    v["code"].as_str().unwrap_or("<no code>").to_string()
}

/// Every file under `root` except the `skip` subtree, relative, sorted.
pub fn tree_outside(root: &Path, skip: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.starts_with(skip) {
                continue;
            }
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.push(p.strip_prefix(root).unwrap_or(&p).display().to_string());
        }
    }
    out.sort();
    out
}

pub fn fixture_photo(name: &str) -> PathBuf {
    byline_testkit::seed_photo(name)
}

pub fn sha_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// A minimal PNG whose header claims `w`×`h` pixels (no image data needed to read the size).
pub fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend_from_slice(&13u32.to_be_bytes());
    v.extend_from_slice(b"IHDR");
    v.extend_from_slice(&w.to_be_bytes());
    v.extend_from_slice(&h.to_be_bytes());
    v.extend_from_slice(&[8, 2, 0, 0, 0]);
    v.extend_from_slice(&[0, 0, 0, 0]); // CRC (not checked by a header reader)
    v.extend_from_slice(&[0u8; 32]);
    v
}

/// The model story as an `Article` (section, title, lead, paragraphs, three captioned figures).
pub fn model_article(photo_ids: [Option<String>; 3]) -> byline_protocol::Article {
    use byline_protocol::{Article, Block, BlockKind, Person};
    let mut a = Article::new(
        "Hội nghị khảo sát, đánh giá kết quả 15 năm triển khai thực hiện Nghị quyết số 20 của Ban chấp hành TƯ Đảng",
    );
    a.section = "Trong tỉnh".into();
    a.published_at =
        Some(chrono::DateTime::parse_from_rfc3339("2024-06-18T12:17:00+07:00").expect("time"));
    a.lead = "Sáng 18/6, đoàn công tác của Tổng Liên đoàn Việt Nam đã có buổi làm việc với LĐLĐ Nghệ An.".into();
    let [p1, p2, p3] = photo_ids;
    let fig = |id: Option<String>, caption: &str| {
        Block::new(BlockKind::Figure {
            photo_id: id,
            caption: caption.into(),
            credit: String::new(),
            src: None,
        })
    };
    a.blocks = vec![
        fig(p1, "Toàn cảnh hội nghị."),
        Block::paragraph(
            "Tại hội nghị, LĐLĐ tỉnh Nghệ An báo cáo với đoàn kết quả 15 năm triển khai Nghị quyết số 20.",
        ),
        fig(p2, "Lãnh đạo LĐLĐ tỉnh phát biểu tại hội nghị."),
        Block::paragraph(
            "Các cấp chính quyền có những đề án, chính sách cụ thể triển khai thực hiện nghị quyết….",
        ),
        fig(
            p3,
            "Đại diện đoàn công tác của Tổng Liên đoàn Việt Nam phát biểu tại hội nghị.",
        ),
        Block::paragraph(
            "Tại hội nghị, các thành viên Đoàn khảo sát và LĐLĐ tỉnh Nghệ An đã trao đổi, thảo luận <b>&</b>.",
        ),
    ];
    a.byline = vec![
        Person {
            name: "Thanh Hà".into(),
            role: "writer".into(),
        },
        Person {
            name: "Cảnh Toàn".into(),
            role: "photographer".into(),
        },
    ];
    a
}
