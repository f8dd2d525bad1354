//! A loopback fault proxy: drops connections, cuts the response after the server committed,
//! resets mid-request and throttles, chosen per connection by a plan.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

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
    /// Forward slowly (about 2 ms per read of up to 16 KiB).
    Throttle,
    /// Forward very slowly (20 ms per read of up to 16 KiB: under 1 MB/s), for a publish that
    /// must still be running while something else is measured.
    Crawl,
}

pub struct Proxy {
    pub url: String,
    pub connections: Arc<AtomicU64>,
    /// Bytes forwarded from clients to the server, over all connections (requests with their
    /// headers and bodies): what a client really sent through this proxy.
    pub bytes_up: Arc<AtomicU64>,
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
    let bytes_up = Arc::new(AtomicU64::new(0));
    let (count, halt, up_count) = (connections.clone(), stop.clone(), bytes_up.clone());
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
            let up_count = up_count.clone();
            std::thread::spawn(move || relay(client, &up, fault, &up_count));
        }
    });
    Proxy {
        url,
        connections,
        bytes_up,
        stop,
    }
}

fn relay(client: TcpStream, upstream: &str, fault: Fault, bytes_up: &Arc<AtomicU64>) {
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
    let counted = bytes_up.clone();
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
            match fault {
                Fault::Throttle => std::thread::sleep(Duration::from_millis(2)),
                Fault::Crawl => std::thread::sleep(Duration::from_millis(20)),
                _ => {}
            }
            if to.write_all(&buf[..n]).is_err() {
                break;
            }
            counted.fetch_add(n as u64, Ordering::Relaxed);
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
