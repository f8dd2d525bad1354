//! A loopback TCP proxy that forwards bytes both ways, counts what the client sends, and can cut
//! every connection once after a given number of client bytes (one-shot fault).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub struct FaultProxy {
    pub url: String,
    /// Bytes forwarded client → server so far.
    pub sent: Arc<AtomicU64>,
    /// Cut when `sent` reaches this (0 = never); the cut happens once.
    pub cut_at: Arc<AtomicU64>,
    pub cut_done: Arc<AtomicBool>,
}

impl FaultProxy {
    pub async fn start(target: SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("addr");
        let sent = Arc::new(AtomicU64::new(0));
        let cut_at = Arc::new(AtomicU64::new(0));
        let cut_done = Arc::new(AtomicBool::new(false));
        let (s, c, d) = (sent.clone(), cut_at.clone(), cut_done.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (s, c, d) = (s.clone(), c.clone(), d.clone());
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(target).await {
                        pipe(client, server, s, c, d).await;
                    }
                });
            }
        });
        FaultProxy {
            url: format!("http://{addr}"),
            sent,
            cut_at,
            cut_done,
        }
    }
}

async fn pipe(
    client: TcpStream,
    server: TcpStream,
    sent: Arc<AtomicU64>,
    cut_at: Arc<AtomicU64>,
    cut_done: Arc<AtomicBool>,
) {
    let (mut cr, mut cw) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let upstream = async {
        let mut buf = vec![0u8; 8192];
        loop {
            let n = match cr.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            let mut n = n as u64;
            let before = sent.load(Ordering::SeqCst);
            let limit = cut_at.load(Ordering::SeqCst);
            let cutting = limit > 0 && !cut_done.load(Ordering::SeqCst) && before + n >= limit;
            if cutting {
                n = limit.saturating_sub(before);
            }
            if sw.write_all(&buf[..n as usize]).await.is_err() {
                return;
            }
            sent.fetch_add(n, Ordering::SeqCst);
            if cutting {
                cut_done.store(true, Ordering::SeqCst);
                return; // dropping both halves closes the connection mid-request
            }
        }
    };
    let downstream = async {
        let _ = tokio::io::copy(&mut sr, &mut cw).await;
    };
    // Whichever direction ends first ends the connection.
    tokio::select! { () = upstream => {}, () = downstream => {} }
}
