//! `byline sync`/`publish` without `--server`/`--token` use what the app stored for the library:
//! the server URL from its settings and the token from the keychain or the 0600 file.

use std::process::Command;

fn sync(dir: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_byline"))
        .arg("--data-dir")
        .arg(dir)
        .arg("sync")
        .env_remove("BYLINE_DATA_DIR")
        .env_remove("BYLINE_SERVER")
        .env_remove("BYLINE_TOKEN")
        .env("BYLINE_KEYCHAIN", "off")
        .output()
        .expect("byline runs")
}

#[test]
fn without_flags_the_stored_server_and_token_are_used() {
    let d = tempfile::tempdir().unwrap();
    let out = sync(d.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "nothing stored: refused");
    assert!(
        err.contains("--server"),
        "the message says what to pass: {err}"
    );

    // Nothing listens on this port: the run must get as far as trying the network.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    std::fs::write(
        d.path().join("settings.json"),
        format!(r#"{{"server_url": "{url}"}}"#),
    )
    .unwrap();
    let err = String::from_utf8_lossy(&sync(d.path()).stderr).into_owned();
    assert!(err.contains("--token"), "a server but no token: {err}");

    std::fs::write(d.path().join("server-token"), "byl_stored\n").unwrap();
    let out = sync(d.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the server is down");
    assert!(
        !err.contains("--token") && !err.contains("--server"),
        "server and token were found, the failure is the network's: {err}"
    );
}
