//! One throwaway single-node Garage (an S3-compatible store) per test process: started on first
//! use on 127.0.0.1 free ports in a temp folder (sqlite metadata, replication factor 1), its
//! layout assigned and applied, one key and one bucket made; each fixture then gets a fresh
//! prefix of that bucket ([`Garage::prefix`]), which is cheaper than a bucket per test and just as
//! separate. A small `sh` reaper stops Garage and removes its folder once the test process is
//! gone (no `atexit` without unsafe code; statics are never dropped).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The running Garage of this test process.
pub struct Garage {
    bin: PathBuf,
    config: PathBuf,
    /// `http://127.0.0.1:PORT`, the S3 API.
    pub endpoint: String,
    pub key_id: String,
    pub secret: String,
    /// The one bucket the fixtures share, each under its own prefix.
    pub bucket: String,
}

/// A fresh place in the bucket for one fixture.
#[derive(Debug, Clone)]
pub struct S3Target {
    pub bucket: String,
    /// Unique per call, no slashes at either end.
    pub prefix: String,
    /// The standard `AWS_*` settings that reach it (names as the environment variables).
    pub settings: Vec<(String, String)>,
}

impl S3Target {
    /// `s3://BUCKET/PREFIX`, as `byline-server --blobs` takes it.
    pub fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }
}

static GARAGE: OnceLock<Result<Garage, String>> = OnceLock::new();

/// Where the `garage` binary is: on `PATH`, else where `cargo install` puts it.
fn find_bin() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("garage"))
            .find(|p| p.is_file())
    });
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    on_path.or_else(|| {
        cargo_home
            .map(|h| h.join("bin/garage"))
            .filter(|p| p.is_file())
    })
}

/// This process's Garage, started on first use. Panics when Garage is missing or does not
/// start: for tests that were asked to run on Garage (`BYLINE_TEST_BLOBS=garage`).
pub fn require() -> &'static Garage {
    match GARAGE.get_or_init(start) {
        Ok(g) => g,
        Err(e) => panic!("{e}"),
    }
}

/// This process's Garage; `None` (after a skip notice naming `test`) when it is not installed
/// on a developer's machine. In CI (env `CI`) a missing Garage fails the test instead.
pub fn or_skip(test: &str) -> Option<&'static Garage> {
    if find_bin().is_none() {
        crate::missing_tool("garage", test);
        return None;
    }
    Some(require())
}

fn start() -> Result<Garage, String> {
    let bin = find_bin().ok_or("garage is not installed: run `bash scripts/deps.sh`")?;
    let dir = tempfile::Builder::new()
        .prefix("byline-garage-")
        .tempdir()
        .map_err(|e| format!("a temp folder for Garage: {e}"))?
        .keep();
    let (rpc, s3) = (free_port()?, free_port()?);
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| e.to_string())?;
    let config = dir.join("garage.toml");
    std::fs::write(
        &config,
        format!(
            "metadata_dir = \"{d}/meta\"\ndata_dir = \"{d}/data\"\ndb_engine = \"sqlite\"\n\
             replication_factor = 1\nrpc_bind_addr = \"127.0.0.1:{rpc}\"\n\
             rpc_public_addr = \"127.0.0.1:{rpc}\"\nrpc_secret = \"{secret}\"\n\n\
             [s3_api]\ns3_region = \"garage\"\napi_bind_addr = \"127.0.0.1:{s3}\"\n\
             root_domain = \".s3.garage.localhost\"\n",
            d = dir.display(),
            secret = hex::encode(secret),
        ),
    )
    .map_err(|e| format!("writing {}: {e}", config.display()))?;
    let log = std::fs::File::create(dir.join("garage.log")).map_err(|e| e.to_string())?;
    let child = Command::new(&bin)
        .arg("-c")
        .arg(&config)
        .arg("server")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("starting {}: {e}", bin.display()))?;
    reap_after_us(child.id(), &dir)?;
    let g = Garage {
        bin,
        config,
        endpoint: format!("http://127.0.0.1:{s3}"),
        key_id: String::new(),
        secret: String::new(),
        bucket: "byline-test".into(),
    };
    g.setup()
        .map_err(|e| format!("{e} (Garage's log: {})", dir.join("garage.log").display()))
}

/// A port free right now on 127.0.0.1 (the tiny race with other processes is accepted).
fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

/// Once this process is gone, Garage is stopped (TERM, then KILL) and `dir` removed: the test
/// kit's one reaper.
fn reap_after_us(garage: u32, dir: &Path) -> Result<(), String> {
    crate::reap_after_exit(
        &format!("kill {garage} 2>/dev/null; sleep 1; kill -9 {garage} 2>/dev/null"),
        dir,
    )
    .map_err(|e| format!("starting Garage's reaper: {e}"))
}

impl Garage {
    /// Runs `garage -c CONFIG args…`; its stdout, or an error with both streams.
    fn cli(&self, args: &[&str]) -> Result<String, String> {
        let out = Command::new(&self.bin)
            .arg("-c")
            .arg(&self.config)
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .map_err(|e| format!("running garage {}: {e}", args.join(" ")))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(format!(
                "garage {} failed: {}{}",
                args.join(" "),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// Retries `args` until it succeeds (Garage answers once its RPC and layout are up).
    fn cli_patiently(&self, args: &[&str]) -> Result<String, String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match self.cli(args) {
                Ok(out) => return Ok(out),
                Err(e) if Instant::now() > deadline => return Err(e),
                Err(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    /// One node with 1 GB in zone dc1, a key, the bucket, the key allowed on it.
    fn setup(mut self) -> Result<Garage, String> {
        let id = self.cli_patiently(&["node", "id", "-q"])?;
        let node = id
            .split('@')
            .next()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| format!("garage node id printed no id: {id}"))?
            .to_owned();
        self.cli_patiently(&["layout", "assign", "-z", "dc1", "-c", "1G", &node])?;
        self.cli_patiently(&["layout", "apply", "--version", "1"])?;
        let key = self.cli_patiently(&["key", "create", "byline-test"])?;
        let field = |name: &str| {
            key.lines()
                .find_map(|l| l.trim().strip_prefix(name))
                .map(|v| v.trim_start_matches(':').trim().to_owned())
                .ok_or_else(|| format!("garage key create printed no {name}: {key}"))
        };
        self.key_id = field("Key ID")?;
        self.secret = field("Secret key")?;
        self.cli_patiently(&["bucket", "create", &self.bucket])?;
        self.cli_patiently(&[
            "bucket",
            "allow",
            "--read",
            "--write",
            "--owner",
            &self.bucket,
            "--key",
            "byline-test",
        ])?;
        Ok(self)
    }

    /// The `AWS_*` settings that reach this Garage with its key.
    pub fn settings(&self) -> Vec<(String, String)> {
        [
            ("AWS_ENDPOINT_URL", self.endpoint.as_str()),
            ("AWS_ACCESS_KEY_ID", self.key_id.as_str()),
            ("AWS_SECRET_ACCESS_KEY", self.secret.as_str()),
            ("AWS_REGION", "garage"),
            ("AWS_ALLOW_HTTP", "true"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    /// A prefix of the bucket no other fixture uses.
    pub fn prefix(&self) -> S3Target {
        S3Target {
            bucket: self.bucket.clone(),
            prefix: format!("t-{}", uuid::Uuid::now_v7().simple()),
            settings: self.settings(),
        }
    }
}
