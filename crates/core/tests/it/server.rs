//! A real newsroom server for the core's tests: `byline-server`'s router on 127.0.0.1:0 with its
//! own SQLite data directory, on a runtime thread of its own; plus a loopback fault proxy.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use byline_server::db::{self, Role};
use byline_server::{AppState, Config};

pub struct Server {
    pub url: String,
    pub editor: String,
    pub reporter: String,
    pub photographer: String,
    pub state: AppState,
}

pub fn start(dir: &Path) -> Server {
    let config = Config {
        rate_burst: 1e9,
        rate_per_sec: 1e9,
        ..Config::default()
    };
    let state = AppState::open(dir, config).expect("server data dir opens");
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
        editor,
        reporter,
        photographer,
        state,
    }
}

/// What the proxy does to a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Pass,
    /// Accept, then close before forwarding anything.
    Drop,
    /// Forward the request; close before the response reaches the client (the server committed).
    CutResponse,
    /// Forward part of the request, then reset.
    ResetMidRequest,
    /// Forward slowly.
    Throttle,
}

pub struct Proxy {
    pub url: String,
    pub connections: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// A loopback proxy in front of `upstream` that applies `plan(n)` to the n-th connection.
pub fn proxy(upstream: &str, plan: impl Fn(u64) -> Fault + Send + Sync + 'static) -> Proxy {
    let up = upstream.trim_start_matches("http://").to_owned();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let (count, halt) = (connections.clone(), stop.clone());
    let plan = Arc::new(plan);
    std::thread::spawn(move || {
        for client in listener.incoming() {
            if halt.load(Ordering::SeqCst) {
                break;
            }
            let Ok(client) = client else { continue };
            let n = count.fetch_add(1, Ordering::SeqCst);
            let fault = plan(n);
            let up = up.clone();
            std::thread::spawn(move || relay(client, &up, fault));
        }
    });
    Proxy {
        url,
        connections,
        stop,
    }
}

fn relay(client: TcpStream, upstream: &str, fault: Fault) {
    if fault == Fault::Drop {
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    let Ok(server) = TcpStream::connect(upstream) else {
        return;
    };
    let timeout = Some(Duration::from_secs(20));
    for s in [&client, &server] {
        let _ = s.set_read_timeout(timeout);
    }
    let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    // client → server
    let up = std::thread::spawn(move || {
        let (mut from, mut to) = (c2, s2);
        let mut buf = [0u8; 16 * 1024];
        let mut sent = 0usize;
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if fault == Fault::ResetMidRequest && sent + n > 600 {
                let _ = to.write_all(&buf[..(600 - sent.min(600))]);
                let _ = to.shutdown(Shutdown::Both);
                let _ = from.shutdown(Shutdown::Both);
                return;
            }
            if fault == Fault::Throttle {
                std::thread::sleep(Duration::from_millis(2));
            }
            if to.write_all(&buf[..n]).is_err() {
                break;
            }
            sent += n;
        }
        let _ = to.shutdown(Shutdown::Write);
    });
    // server → client
    let (mut from, mut to) = (server, client);
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if fault == Fault::CutResponse {
            // The server has answered, so it has committed; the client never hears of it.
            let _ = to.shutdown(Shutdown::Both);
            break;
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = up.join();
}
