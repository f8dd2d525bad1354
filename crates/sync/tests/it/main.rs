//! Integration tests of the sync client against a real server on 127.0.0.1:0, some through a
//! fault-injecting TCP proxy.

mod client;
mod feed;
mod proxy;
mod resume;

use byline_server::db::{self, Role};
use byline_server::{AppState, Config, app};

/// A running server with an editor and a reporter.
pub struct Server {
    pub _tmp: tempfile::TempDir,
    pub state: AppState,
    pub url: String,
    pub addr: std::net::SocketAddr,
    pub editor: String,
    pub reporter: String,
}

pub async fn start(config: Config) -> Server {
    let tmp = tempfile::tempdir().expect("temp dir");
    let state = AppState::open(&tmp.path().join("data"), config).expect("state");
    let (editor, reporter) = state
        .with_db(|c| {
            Ok((
                db::add_user(c, "ed", Role::Editor)?,
                db::add_user(c, "rep", Role::Reporter)?,
            ))
        })
        .expect("users");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = app(state.clone());
    tokio::spawn(async move {
        let _ = byline_server::serve(listener, router).await;
    });
    Server {
        _tmp: tmp,
        state,
        url: format!("http://{addr}"),
        addr,
        editor,
        reporter,
    }
}

pub fn photo(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/seed-article/photos")
        .join(name)
}
