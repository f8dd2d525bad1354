//! Real processes: a `byline-server` binary with its own data directory on 127.0.0.1, and the
//! `byline` CLI as a client with its own library. Both are killed when dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use crate::bin;

/// A running `byline-server` process.
pub struct ServerProcess {
    pub url: String,
    pub data_dir: PathBuf,
    child: Child,
}

impl ServerProcess {
    /// Starts the server on a free loopback port, generous rate limits (the tests are bursts).
    pub fn start(data_dir: &Path) -> ServerProcess {
        let mut child = Command::new(bin("BYLINE_SERVER_BIN", "byline-server"))
            .args(["--data-dir"])
            .arg(data_dir)
            .args([
                "--listen",
                "127.0.0.1:0",
                "--rate-burst",
                "100000",
                "--rate-per-sec",
                "100000",
            ])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("byline-server starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("byline-server prints its address");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from byline-server: {line:?}"))
            .to_owned();
        ServerProcess {
            url,
            data_dir: data_dir.to_owned(),
            child,
        }
    }

    /// `byline-server user add NAME --role ROLE`: a new token.
    pub fn add_user(&self, name: &str, role: &str) -> String {
        let out = Command::new(bin("BYLINE_SERVER_BIN", "byline-server"))
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(["user", "add", name, "--role", role])
            .output()
            .expect("byline-server user add runs");
        assert!(
            out.status.success(),
            "user add failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("a token is ASCII")
            .trim()
            .to_owned()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `byline` CLI over one library directory.
pub struct Cli {
    pub data_dir: PathBuf,
}

impl Cli {
    pub fn new(data_dir: &Path) -> Cli {
        Cli {
            data_dir: data_dir.to_owned(),
        }
    }

    /// A `byline` command on this library, not yet run (for tests that need to kill it).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(bin("BYLINE_CLI_BIN", "byline"));
        cmd.arg("--data-dir")
            .arg(&self.data_dir)
            .args(args)
            .env_remove("BYLINE_TOKEN")
            .env_remove("BYLINE_SERVER");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("byline runs")
    }

    /// Runs `byline --json ARGS`, asserts success and parses stdout.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert!(
            out.status.success(),
            "`byline {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "`byline {}` printed no JSON ({e}): {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }
}

/// A plain HTTP/1.1 request over loopback (`Connection: close`): status and body as text.
/// Enough for pages and small JSON; keeps the process tests free of an async client.
pub fn http(method: &str, url: &str, token: Option<&str>, body: Option<&str>) -> (u16, String) {
    let (status, bytes) = request(method, url, token, body);
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// `GET url`: status and the body's bytes.
pub fn http_bytes(url: &str, token: Option<&str>) -> (u16, Vec<u8>) {
    request("GET", url, token, None)
}

fn request(method: &str, url: &str, token: Option<&str>, body: Option<&str>) -> (u16, Vec<u8>) {
    use std::io::{Read, Write};
    let rest = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("only http:// URLs on loopback: {url}"));
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut s = std::net::TcpStream::connect(host).expect("connect to the server");
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .expect("timeout");
    let body = body.unwrap_or("");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send request");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "malformed HTTP response: {:?}",
                String::from_utf8_lossy(&raw)
            )
        });
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let body = &raw[split + 4..];
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {head:?}"));
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(body)
    } else {
        body.to_vec()
    };
    (status, body)
}

fn dechunk(mut s: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = s.windows(2).position(|w| w == b"\r\n") {
        let size = String::from_utf8_lossy(&s[..eol]);
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        let rest = &s[eol + 2..];
        if n == 0 || rest.len() < n {
            break;
        }
        out.extend_from_slice(&rest[..n]);
        s = rest[n..].strip_prefix(b"\r\n").unwrap_or(&rest[n..]);
    }
    out
}
