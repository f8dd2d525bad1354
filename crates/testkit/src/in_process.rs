//! A real newsroom server in the test process: `byline-server`'s router on 127.0.0.1:0 with its
//! own SQLite data directory and one user per role, on a runtime thread of its own, so plain and
//! async tests alike can use it and also look at the server's state directly.

use std::path::Path;
use std::time::Duration;

use byline_server::db::{self, Role};
use byline_server::{AppState, Config};

pub struct Server {
    pub url: String,
    /// The listening address (what a proxy in front of the server forwards to).
    pub addr: std::net::SocketAddr,
    pub editor: String,
    pub reporter: String,
    pub photographer: String,
    pub state: AppState,
    /// The data directory when the server made its own.
    _tmp: Option<tempfile::TempDir>,
}

/// A server on `dir` with the default limits, rate limits off (tests send in bursts).
pub fn start(dir: &Path) -> Server {
    start_with(dir, &unlimited())
}

/// The default server configuration with rate limits out of the way: tests and benchmarks send
/// bursts no person would, and measure the server, not its limiter.
pub fn unlimited() -> Config {
    Config {
        rate_burst: 1e9,
        rate_per_sec: 1e9,
        ..Config::default()
    }
}

/// A server on a temp data directory of its own, removed when the server is dropped.
pub fn start_in_temp(config: &Config) -> Server {
    let tmp = tempfile::tempdir().expect("temp dir");
    let server = start_with(&tmp.path().join("data"), config);
    Server {
        _tmp: Some(tmp),
        ..server
    }
}

/// A server on `dir` with `config` as given (rate limits included).
pub fn start_with(dir: &Path, config: &Config) -> Server {
    let state = AppState::open(dir, config.clone()).expect("server data dir opens");
    let tok = |name: &str, role| state.with_db(|c| db::add_user(c, name, role)).unwrap();
    let (editor, reporter, photographer) = (
        tok("ed", Role::Editor),
        tok("rep", Role::Reporter),
        tok("pho", Role::Photographer),
    );
    let (tx, rx) = std::sync::mpsc::channel();
    let st = state.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(l.local_addr().unwrap()).unwrap();
            byline_server::serve(l, byline_server::app(st))
                .await
                .unwrap();
        });
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("server starts");
    Server {
        url: format!("http://{addr}"),
        addr,
        editor,
        reporter,
        photographer,
        state,
        _tmp: None,
    }
}

impl Server {
    /// This server as a client's remote, signed in with `token` (one of the three above).
    pub fn remote(&self, token: &str) -> byline_core::sync::Remote {
        byline_core::sync::Remote {
            url: self.url.clone(),
            token: token.to_owned(),
        }
    }
}
