//! Real processes: a `byline-server` binary with its own data directory on 127.0.0.1, and the
//! `byline` CLI as a client with its own library. Both are killed when dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A built binary of this workspace: `$env` if set, else next to the running test in
/// `target/<profile>/`. `cargo test --workspace` builds every binary first; run alone, the test
/// says what to build.
pub fn bin(env: &str, name: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(env) {
        return PathBuf::from(p);
    }
    // target/<profile>/deps/<test-binary> → target/<profile>/<name>
    let exe = std::env::current_exe().expect("the test binary knows its path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test binaries live in target/<profile>/deps");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is not built; run `cargo build -p byline-cli -p byline-server` (or set {env})",
        path.display()
    );
    path
}

/// A port that was free a moment ago (for processes that need one on their command line).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a loopback port")
        .port()
}

/// A running `byline-server` process.
pub struct ServerProcess {
    pub url: String,
    pub data_dir: PathBuf,
    child: Option<Child>,
    /// Flags and environment beyond the data dir and address (`--database`, `--blobs`, AWS_*).
    setup: Setup,
}

/// What a server is started with besides its data dir and address.
#[derive(Clone, Default)]
pub struct Setup {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

impl ServerProcess {
    /// Starts the server on a free loopback port, generous rate limits (the tests are bursts).
    pub fn start(data_dir: &Path) -> ServerProcess {
        ServerProcess::start_with(data_dir, Setup::default())
    }

    /// Starts the server with extra flags and environment (a replica on a shared database and
    /// blob store).
    pub fn start_with(data_dir: &Path, setup: Setup) -> ServerProcess {
        let (child, url) = spawn_server(data_dir, "127.0.0.1:0", &setup)
            .unwrap_or_else(|line| panic!("unexpected first line from byline-server: {line:?}"));
        ServerProcess {
            url,
            data_dir: data_dir.to_owned(),
            child: Some(child),
            setup,
        }
    }

    /// Kills the server (SIGKILL: a crash or a pulled plug; nothing is shut down cleanly) and
    /// waits for it. Clients now find nothing listening on its port.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same address and data directory, as a restarted service
    /// would be. Retries the bind for a few seconds (the port was just released).
    pub fn restart(&mut self) {
        self.stop();
        let listen = self.url.trim_start_matches("http://").to_owned();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match spawn_server(&self.data_dir, &listen, &self.setup) {
                Ok((child, url)) => {
                    assert_eq!(url, self.url, "the restarted server listens where it did");
                    self.child = Some(child);
                    return;
                }
                Err(line) if Instant::now() < deadline => {
                    eprintln!("byline-server did not restart yet ({line:?}); trying again");
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(line) => panic!("byline-server cannot listen on {listen} again: {line:?}"),
            }
        }
    }

    /// Whether the process is running (not stopped).
    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// Photo files in the server's blob store (each stored photo is one file).
    pub fn blob_files(&self) -> usize {
        let mut n = 0;
        let Ok(shards) = std::fs::read_dir(self.data_dir.join("blobs")) else {
            return 0;
        };
        for shard in shards.flatten() {
            let name = shard.file_name().to_string_lossy().into_owned();
            // Originals are sharded by the first two hex digits of their SHA-256; previews and
            // public copies live in folders of their own.
            if name.len() == 2 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
                n += std::fs::read_dir(shard.path()).map_or(0, |d| d.count());
            }
        }
        n
    }

    /// The stories the server holds, as its change feed (`GET /api/articles?since=0`) lists
    /// them to a client signed in with `token`.
    pub fn articles(&self, token: &str) -> Vec<serde_json::Value> {
        let (status, body) = http(
            "GET",
            &format!("{}/api/articles?since=0&limit=500", self.url),
            Some(token),
            None,
        );
        assert_eq!(status, 200, "the server lists its stories: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("the change feed is JSON");
        v["articles"]
            .as_array()
            .expect("the change feed has an articles array")
            .clone()
    }

    /// `byline-server user add NAME --role ROLE`: a new token.
    pub fn add_user(&self, name: &str, role: &str) -> String {
        let out = Command::new(bin("BYLINE_SERVER_BIN", "byline-server"))
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(&self.setup.args)
            .envs(self.setup.env.iter().map(|(k, v)| (k, v)))
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
        self.stop();
    }
}

/// Starts `byline-server` on `listen`; the child and its URL, or the first line it printed
/// instead of its address (it exits when it cannot bind).
fn spawn_server(data_dir: &Path, listen: &str, setup: &Setup) -> Result<(Child, String), String> {
    let mut child = Command::new(bin("BYLINE_SERVER_BIN", "byline-server"))
        .args(["--data-dir"])
        .arg(data_dir)
        .args([
            "--listen",
            listen,
            "--rate-burst",
            "100000",
            "--rate-per-sec",
            "100000",
        ])
        .args(&setup.args)
        .envs(setup.env.iter().map(|(k, v)| (k, v)))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("byline-server starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    let _ = BufReader::new(stdout).read_line(&mut line);
    match line.trim().strip_prefix("listening on ") {
        Some(url) => Ok((child, url.to_owned())),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            Err(line)
        }
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

impl Cli {
    /// Runs `byline ARGS`, asserts success and returns stdout, trimmed.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "`byline {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("UTF-8 output")
            .trim()
            .to_owned()
    }

    /// Imports the model story, applies the copy desk's safe fixes and credits every photo, as
    /// an editor would before publishing. Returns the story id.
    pub fn ready_story(&self) -> String {
        let seed = crate::seed_article();
        let id = self.ok(&["article", "import", seed.to_str().expect("UTF-8 path")]);
        self.ok(&["fix", &id]);
        let photos = self.json(&["photo", "list"]);
        let ids: Vec<&str> = photos
            .as_array()
            .expect("photo list is an array")
            .iter()
            .map(|p| p["id"].as_str().expect("photo id"))
            .collect();
        let mut args = vec!["photo", "caption"];
        args.extend(&ids);
        args.extend(["--credit", "Cảnh Toàn"]);
        self.ok(&args);
        id
    }

    /// `byline outbox --json`: what is still waiting (parked items included).
    pub fn outbox(&self) -> Vec<serde_json::Value> {
        self.json(&["outbox"])
            .as_array()
            .expect("the outbox is an array")
            .clone()
    }

    /// Starts `byline --json sync --watch ARGS` (the engine in the foreground); its event lines
    /// are collected as they come.
    pub fn watch(&self, args: &[&str]) -> Watcher {
        let mut all = vec!["--json", "sync", "--watch"];
        all.extend_from_slice(args);
        let mut child = self
            .command(&all)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("byline sync --watch starts");
        let (tx, rx) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                match serde_json::from_str::<serde_json::Value>(&line) {
                    Ok(v) => {
                        if tx.send(v).is_err() {
                            break;
                        }
                    }
                    Err(e) => {
                        eprintln!("sync --watch printed a line that is not JSON ({e}): {line}")
                    }
                }
            }
        });
        let stderr = child.stderr.take().expect("piped stderr");
        let said = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = said.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let mut s = sink
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                s.push_str(&line);
                s.push('\n');
            }
        });
        Watcher {
            child: Some(child),
            rx,
            seen: Vec::new(),
            stderr: said,
        }
    }
}

/// A running `byline --json sync --watch`: its events, SIGTERM or SIGKILL. Killed when dropped.
pub struct Watcher {
    child: Option<Child>,
    rx: std::sync::mpsc::Receiver<serde_json::Value>,
    /// Every event read so far, in order.
    pub seen: Vec<serde_json::Value>,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Watcher {
    /// Waits up to `timeout` for an event matching `want` (events before it are kept in `seen`).
    pub fn wait_for(
        &mut self,
        timeout: Duration,
        want: impl Fn(&serde_json::Value) -> bool,
    ) -> Option<serde_json::Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(ev) => {
                    self.seen.push(ev.clone());
                    if want(&ev) {
                        return Some(ev);
                    }
                }
                Err(_) => return None,
            }
        }
    }

    /// Reads the events printed so far without waiting.
    pub fn drain(&mut self) {
        while let Ok(ev) = self.rx.try_recv() {
            self.seen.push(ev);
        }
    }

    /// What the watcher wrote on stderr so far (its messages in words).
    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// `kill -9`: no chance to finish anything.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().expect("SIGKILL");
            c.wait().expect("the killed watcher is reaped");
        }
    }

    /// SIGTERM, as a service manager stops it; waits (bounded) and returns its exit status.
    #[cfg(unix)]
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let mut c = self.child.take().expect("the watcher is running");
        let sent = Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "SIGTERM was delivered");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = c.try_wait().expect("wait on the watcher") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = c.kill();
                let _ = c.wait();
                panic!("byline sync --watch did not stop within 20 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
