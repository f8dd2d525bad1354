//! A throwaway PostgreSQL cluster for the tests of one process: Debian's `postgresql` binaries
//! (`/usr/lib/postgresql/*/bin`), `initdb` + `pg_ctl` in a temp dir, listening only on a Unix
//! socket there, run as the `postgres` user when the tests run as root (initdb refuses root).
//! fsync, synchronous_commit and full_page_writes are off: PostgreSQL's documented non-durable
//! settings, for tests only. Each caller of [`database`] gets a database of its own.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

struct Cluster {
    bin: PathBuf,
    socket: PathBuf,
    as_postgres: bool,
}

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
    let (data, socket) = (dir.join("data"), dir.join("sock"));
    std::fs::create_dir_all(&socket).map_err(|e| e.to_string())?;
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
    let opts = format!(
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c listen_addresses='' \
         -c unix_socket_directories={sock_s} -c max_connections=200"
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
    Ok(Cluster {
        bin,
        socket,
        as_postgres,
    })
}

/// A fresh, empty database on this process's cluster (started on first use), as the URL the
/// server takes: `postgres://byline@localhost/NAME?host=SOCKET`. Panics with the reason when the
/// cluster cannot start or the database cannot be made.
pub fn database() -> String {
    let cluster = CLUSTER
        .get_or_init(start)
        .as_ref()
        .unwrap_or_else(|e| panic!("the test PostgreSQL cluster did not start: {e}"));
    let name = format!("t{}", NEXT_DB.fetch_add(1, Ordering::Relaxed));
    let sock = cluster.socket.display().to_string();
    run(
        &cluster.bin,
        cluster.as_postgres,
        "createdb",
        &["-h", &sock, "-U", "byline", &name],
    )
    .unwrap_or_else(|e| panic!("could not create test database {name}: {e}"));
    format!("postgres://byline@localhost/{name}?host={sock}")
}
