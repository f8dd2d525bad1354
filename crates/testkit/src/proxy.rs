//! A loopback fault proxy: drops connections, cuts the response after the server committed,
//! resets mid-request and throttles, chosen per connection by a plan; or a slow link
//! ([`throttled`]) whose rate a test can change while connections are open; any of them can also
//! cut the link once, when the clients have sent a given number of bytes ([`Proxy::cut_after`]).

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
    /// Bytes per second each connection may carry in each direction; 0 = as fast as it goes.
    /// Only [`throttled`] proxies read it; a test may change it at any time.
    pub rate: Arc<AtomicU64>,
    /// Bytes forwarded from clients to the server, over all connections (requests with their
    /// headers and bodies): what a client really sent through this proxy.
    pub bytes_up: Arc<AtomicU64>,
    /// Cut the connection that carries the client's byte number `cut_after` (counted as
    /// `bytes_up`), once; 0 = never. A test sets it at any time, e.g. to half an upload.
    pub cut_after: Arc<AtomicU64>,
    /// Whether that cut happened.
    pub cut_done: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// A loopback proxy in front of `upstream` that applies `plan(n)` to the n-th connection.
pub fn proxy(upstream: &str, plan: impl Fn(u64) -> Fault + Send + Sync + 'static) -> Proxy {
    start(&[upstream], plan, Arc::new(AtomicU64::new(0)))
}

/// A loopback proxy in front of several servers that act as one (replicas): the n-th
/// connection goes to `upstreams[n % len]`, as a round-robin balancer sends it, with `plan(n)`.
pub fn balancer(upstreams: &[&str], plan: impl Fn(u64) -> Fault + Send + Sync + 'static) -> Proxy {
    start(upstreams, plan, Arc::new(AtomicU64::new(0)))
}

/// A loopback proxy in front of `upstream` that carries at most `bytes_per_sec` per connection
/// and direction (a slow newsroom link). Set `Proxy::rate` to change it, 0 to lift it: open
/// connections follow at their next read.
pub fn throttled(upstream: &str, bytes_per_sec: u64) -> Proxy {
    start(
        &[upstream],
        |_| Fault::Pass,
        Arc::new(AtomicU64::new(bytes_per_sec)),
    )
}

fn start(
    upstreams: &[&str],
    plan: impl Fn(u64) -> Fault + Send + Sync + 'static,
    rate: Arc<AtomicU64>,
) -> Proxy {
    let ups: Vec<String> = upstreams
        .iter()
        .map(|u| u.trim_start_matches("http://").to_owned())
        .collect();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let link = Arc::new(Link {
        limit: rate.clone(),
        bytes_up: Arc::new(AtomicU64::new(0)),
        cut_after: Arc::new(AtomicU64::new(0)),
        cut_done: Arc::new(AtomicBool::new(false)),
    });
    let (count, halt, shared) = (connections.clone(), stop.clone(), link.clone());
    let plan = Arc::new(plan);
    std::thread::spawn(move || {
        for client in listener.incoming() {
            if halt.load(Ordering::SeqCst) {
                break;
            }
            let Ok(client) = client else { continue };
            let n = count.fetch_add(1, Ordering::SeqCst);
            let fault = plan(n);
            let up = ups[(n as usize) % ups.len()].clone();
            let link = shared.clone();
            std::thread::spawn(move || relay(client, &up, fault, &link));
        }
    });
    Proxy {
        url,
        connections,
        rate,
        bytes_up: link.bytes_up.clone(),
        cut_after: link.cut_after.clone(),
        cut_done: link.cut_done.clone(),
        stop,
    }
}

/// Holds a direction of a connection to `rate` bytes per second: after each `n` bytes, waits
/// until the time those bytes take at that rate has passed since the limit began counting.
struct Pace {
    since: std::time::Instant,
    bytes: u64,
    rate: u64,
}

impl Pace {
    fn new() -> Pace {
        Pace {
            since: std::time::Instant::now(),
            bytes: 0,
            rate: 0,
        }
    }

    fn after(&mut self, n: usize, limit: &AtomicU64) {
        let rate = limit.load(Ordering::SeqCst);
        if rate != self.rate {
            // The rate changed (or was lifted): count afresh from now.
            *self = Pace {
                since: std::time::Instant::now(),
                bytes: 0,
                rate,
            };
        }
        if rate == 0 {
            return;
        }
        self.bytes += n as u64;
        let due = Duration::from_secs_f64(self.bytes as f64 / rate as f64);
        if let Some(wait) = due.checked_sub(self.since.elapsed()) {
            std::thread::sleep(wait);
        }
    }
}

/// What every connection of one proxy shares: its rate limit, its upload counter and its
/// one-shot cut.
struct Link {
    limit: Arc<AtomicU64>,
    bytes_up: Arc<AtomicU64>,
    cut_after: Arc<AtomicU64>,
    cut_done: Arc<AtomicBool>,
}

impl Link {
    /// How many of the next `n` client bytes to forward before the one-shot cut, if this read
    /// reaches it (and claims it: only one connection is ever cut).
    fn cut_within(&self, n: usize) -> Option<usize> {
        let at = self.cut_after.load(Ordering::SeqCst);
        let sent = self.bytes_up.load(Ordering::SeqCst);
        if at == 0 || sent + n as u64 <= at || self.cut_done.swap(true, Ordering::SeqCst) {
            return None;
        }
        Some(at.saturating_sub(sent) as usize)
    }
}

fn relay(client: TcpStream, upstream: &str, fault: Fault, link: &Arc<Link>) {
    if fault == Fault::Drop {
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    let Ok(server) = TcpStream::connect(upstream) else {
        return;
    };
    // A slow link keeps a connection quiet for as long as a whole upload takes to creep up.
    let quiet = if link.limit.load(Ordering::SeqCst) > 0 {
        180
    } else {
        20
    };
    let timeout = Some(Duration::from_secs(quiet));
    for s in [&client, &server] {
        let _ = s.set_read_timeout(timeout);
    }
    let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    let shared = link.clone();
    let up = std::thread::spawn(move || upstream_side(c2, s2, fault, &shared));
    downstream_side(server, client, fault, &link.limit);
    let _ = up.join();
}

/// Client → server: counts what the client sends, and applies the request-side faults and the
/// one-shot cut.
fn upstream_side(mut from: TcpStream, mut to: TcpStream, fault: Fault, link: &Link) {
    let mut pace = Pace::new();
    let mut buf = [0u8; 16 * 1024];
    let mut sent = 0usize;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let cut = if fault == Fault::ResetMidRequest && sent + n > 600 {
            Some(600 - sent.min(600))
        } else {
            link.cut_within(n)
        };
        if let Some(keep) = cut {
            let _ = to.write_all(&buf[..keep]);
            link.bytes_up.fetch_add(keep as u64, Ordering::SeqCst);
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
        link.bytes_up.fetch_add(n as u64, Ordering::SeqCst);
        pace.after(n, &link.limit);
        sent += n;
    }
    let _ = to.shutdown(Shutdown::Write);
}

/// Server → client: the answer, unless the fault is to lose it.
fn downstream_side(mut from: TcpStream, mut to: TcpStream, fault: Fault, limit: &AtomicU64) {
    let mut pace = Pace::new();
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
        pace.after(n, limit);
    }
    let _ = to.shutdown(Shutdown::Both);
}
