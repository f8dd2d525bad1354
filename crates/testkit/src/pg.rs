//! A throwaway PostgreSQL cluster for the tests of one process: Debian's `postgresql` binaries
//! (`/usr/lib/postgresql/*/bin`), `initdb` + `pg_ctl` in a temp dir, run as the `postgres` user
//! when the tests run as root (initdb refuses root). It listens on a Unix socket there and on
//! 127.0.0.1 with TLS only (a certificate for `localhost` and 127.0.0.1 from a test CA made by
//! `openssl`; plain TCP is rejected), for the tests of TLS to the database; there one user
//! signs in with a password by SCRAM-SHA-256 ([`scram_database`]), the rest are trusted. fsync,
//! synchronous_commit and full_page_writes are off: PostgreSQL's documented non-durable
//! settings, for tests only. Each caller of [`database`], [`tls_database`] or
//! [`scram_database`] gets a database of its own.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

struct Cluster {
    bin: PathBuf,
    socket: PathBuf,
    /// The TCP port (TLS only), also the number in the socket's name.
    port: u16,
    /// The test CA that signed the server's certificate (PEM).
    ca: PathBuf,
    as_postgres: bool,
}

/// A database reached over TCP with TLS, and the CA to check the server's certificate with.
pub struct TlsDatabase {
    /// `postgres://byline@127.0.0.1:PORT/NAME`, without TLS parameters.
    pub url: String,
    pub ca: PathBuf,
}

/// The one user that signs in with a password (SCRAM-SHA-256, over TLS on 127.0.0.1).
const SCRAM_USER: &str = "byline_scram";
const SCRAM_PASSWORD: &str = "scram-test-password";

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
static NEXT_DB: AtomicU32 = AtomicU32::new(1);

/// Where Debian installs the server binaries; the newest major version wins.
fn bin_dir() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").exists() && b.join("pg_ctl").exists())
        .collect();
    dirs.sort_by_key(|d| {
        d.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    dirs.pop()
}

/// Whether the PostgreSQL server binaries are installed; under CI their absence fails the test.
pub fn available() -> bool {
    crate::require(
        "PostgreSQL (initdb, pg_ctl)",
        bin_dir().is_some(),
        "install Debian's postgresql package: run `bash scripts/deps.sh`",
    )
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// Runs a PostgreSQL binary, as `postgres` when needed; fails with its output.
fn run(cluster_bin: &Path, as_postgres: bool, tool: &str, args: &[&str]) -> Result<(), String> {
    let exe = cluster_bin.join(tool);
    let mut cmd = if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    let out = cmd
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("{tool}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{tool} {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn start() -> Result<Cluster, String> {
    let bin = bin_dir().ok_or("no PostgreSQL under /usr/lib/postgresql")?;
    let dir = crate::process_dir("pg").map_err(|e| e.to_string())?;
    let (data, socket, tls) = (dir.join("data"), dir.join("sock"), dir.join("tls"));
    std::fs::create_dir_all(&socket).map_err(|e| e.to_string())?;
    certificates(&tls)?;
    let as_postgres = is_root();
    if as_postgres {
        let chown = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir)
            .status()
            .map_err(|e| e.to_string())?;
        if !chown.success() {
            return Err(format!("chown postgres {} failed", dir.display()));
        }
    }
    let (data_s, sock_s) = (data.display().to_string(), socket.display().to_string());
    let log = dir.join("log").display().to_string();
    run(
        &bin,
        as_postgres,
        "initdb",
        &[
            "-D",
            &data_s,
            "-U",
            "byline",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ],
    )?;
    // Local socket and TLS on 127.0.0.1 are trusted, but for the SCRAM user, who signs in with a
    // password over TLS; plain TCP is refused.
    std::fs::write(
        data.join("pg_hba.conf"),
        format!(
            "local all all trust\nhostssl all {SCRAM_USER} 127.0.0.1/32 scram-sha-256\n\
             hostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    let port = crate::free_port();
    let opts = format!(
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off \
         -c listen_addresses=127.0.0.1 -c port={port} -c ssl=on \
         -c ssl_cert_file={tls}/server.pem -c ssl_key_file={tls}/server.key \
         -c unix_socket_directories={sock_s} -c max_connections=200",
        tls = tls.display()
    );
    crate::reap_after_exit(
        &format!(
            "{} '{}' -D '{data_s}' -m immediate stop",
            if as_postgres {
                "runuser -u postgres --"
            } else {
                ""
            },
            bin.join("pg_ctl").display()
        ),
        &dir,
    )
    .map_err(|e| e.to_string())?;
    run(
        &bin,
        as_postgres,
        "pg_ctl",
        &["-D", &data_s, "-w", "-l", &log, "-o", &opts, "start"],
    )?;
    // PostgreSQL 14 and later store new passwords as SCRAM-SHA-256.
    let port_s = port.to_string();
    let create = format!("CREATE ROLE {SCRAM_USER} LOGIN SUPERUSER PASSWORD '{SCRAM_PASSWORD}'");
    run(
        &bin,
        as_postgres,
        "psql",
        &[
            "-h", &sock_s, "-p", &port_s, "-U", "byline", "-d", "postgres", "-c", &create,
        ],
    )?;
    Ok(Cluster {
        bin,
        socket,
        port,
        ca: tls.join("ca.pem"),
        as_postgres,
    })
}

/// A test CA and a server certificate it signed for `localhost` and 127.0.0.1, in `dir`.
fn certificates(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    std::fs::write(
        dir.join("x509.cnf"),
        "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = localhost\n\
         [ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n\
         subjectKeyIdentifier = hash\n\
         [server]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\n\
         extendedKeyUsage = serverAuth\nsubjectAltName = DNS:localhost,IP:127.0.0.1\n",
    )
    .map_err(|e| e.to_string())?;
    let key = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let steps: [&[&str]; 2] = [
        &[
            "-extensions",
            "ca",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-subj",
            "/CN=Byline test CA",
        ],
        &[
            "-extensions",
            "server",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-keyout",
            "server.key",
            "-out",
            "server.pem",
            "-subj",
            "/CN=localhost",
        ],
    ];
    for step in steps {
        let out = Command::new("openssl")
            .current_dir(dir)
            .args(["req", "-x509", "-config", "x509.cnf", "-days", "2"])
            .args(key)
            .args(step)
            .output()
            .map_err(|e| format!("openssl (run `bash scripts/deps.sh`): {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "openssl req {step:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    Ok(())
}

/// A fresh, empty database on this process's cluster (started on first use), as the URL the
/// server takes: `postgres://byline@localhost/NAME?host=SOCKET`. Panics with the reason when the
/// cluster cannot start or the database cannot be made.
pub fn database() -> String {
    let (cluster, name) = create();
    format!(
        "postgres://byline@localhost:{}/{name}?host={}",
        cluster.port,
        cluster.socket.display()
    )
}

/// A fresh, empty database on this process's cluster, reached over TCP on 127.0.0.1 where the
/// cluster takes TLS connections only.
pub fn tls_database() -> TlsDatabase {
    let (cluster, name) = create();
    TlsDatabase {
        url: format!("postgres://byline@127.0.0.1:{}/{name}", cluster.port),
        ca: cluster.ca.clone(),
    }
}

/// A fresh, empty database on this process's cluster, reached over TCP on 127.0.0.1 with TLS
/// as a user who signs in with a password by SCRAM-SHA-256 (the others are trusted).
pub fn scram_database() -> TlsDatabase {
    let (cluster, name) = create();
    TlsDatabase {
        url: format!(
            "postgres://{SCRAM_USER}:{SCRAM_PASSWORD}@127.0.0.1:{}/{name}",
            cluster.port
        ),
        ca: cluster.ca.clone(),
    }
}

fn create() -> (&'static Cluster, String) {
    let cluster = CLUSTER
        .get_or_init(start)
        .as_ref()
        .unwrap_or_else(|e| panic!("the test PostgreSQL cluster did not start: {e}"));
    let name = format!("t{}", NEXT_DB.fetch_add(1, Ordering::Relaxed));
    let (sock, port) = (
        cluster.socket.display().to_string(),
        cluster.port.to_string(),
    );
    run(
        &cluster.bin,
        cluster.as_postgres,
        "createdb",
        &["-h", &sock, "-p", &port, "-U", "byline", &name],
    )
    .unwrap_or_else(|e| panic!("could not create test database {name}: {e}"));
    (cluster, name)
}
