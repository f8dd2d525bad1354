//! The server token's stores: the 0600 file for real, and the OS keychain (Secret Service) when
//! a D-Bus session with gnome-keyring can be started for the test.

use byline_core::credentials::{self, Store};
#[cfg(unix)]
use byline_core::settings::LibrarySettings;

use crate::library;

#[test]
#[cfg(unix)]
fn without_a_keychain_the_token_goes_to_an_owner_only_file_and_comes_back() {
    use std::os::unix::fs::PermissionsExt;
    // The keychain is switched off by environment; set_var is unsafe in edition 2024 (and
    // unsafe code is denied), so the test runs itself again as a child with it set.
    if std::env::var("BYLINE_KEYCHAIN").as_deref() != Ok("off") {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "credentials::without_a_keychain_the_token_goes_to_an_owner_only_file_and_comes_back",
                "--nocapture",
            ])
            .env("BYLINE_KEYCHAIN", "off")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "the child run failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let (_d, lib) = library();
    let url = "https://toa-soan.example.vn";
    assert!(lib.token(url).unwrap().is_none(), "nothing stored yet");
    assert_eq!(
        lib.save_token(url, " byl_secret \n").unwrap(),
        Store::File,
        "no keychain: the file"
    );
    let path = lib.root().join(credentials::TOKEN_FILE);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "only the owner may read the token");
    assert_eq!(
        lib.token(url).unwrap(),
        Some(("byl_secret".to_owned(), Store::File)),
        "round trip, trimmed"
    );
    // A token file left world-readable (by hand, or an old version) is tightened on save.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    lib.save_token(url, "byl_new").unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "re-saving restores owner-only");
    lib.save_settings(LibrarySettings {
        server_url: url.into(),
        ..Default::default()
    })
    .unwrap();
    let remote = lib.remote().unwrap();
    assert_eq!(
        (remote.url.as_str(), remote.token.as_str()),
        (url, "byl_new"),
        "publishing from the app finds server and token"
    );
    credentials::delete(lib.root(), url).unwrap();
    assert!(lib.token(url).unwrap().is_none(), "deleted");
    assert!(lib.remote().is_err(), "no token, no remote");
}

/// Runs inside `dbus-run-session` with an unlocked gnome-keyring (started by the test below).
#[test]
#[ignore = "child of the keychain test; runs only inside the D-Bus session it starts"]
fn keychain_child_stores_the_token_in_the_secret_service() {
    if std::env::var_os("BYLINE_KEYCHAIN_CHILD").is_none() {
        return;
    }
    let (_d, lib) = library();
    let url = format!("http://127.0.0.1:{}", std::process::id());
    assert_eq!(
        lib.save_token(&url, "byl_keychain").unwrap(),
        Store::Keychain,
        "with a Secret Service on the session bus the keychain is used"
    );
    assert!(
        !lib.root().join(credentials::TOKEN_FILE).exists(),
        "no copy of the token is left in a file"
    );
    assert_eq!(
        lib.token(&url).unwrap(),
        Some(("byl_keychain".to_owned(), Store::Keychain)),
        "round trip through the keychain"
    );
    let entry = keyring::Entry::new(credentials::SERVICE, &url).unwrap();
    assert_eq!(
        entry.get_password().unwrap(),
        "byl_keychain",
        "stored under service `byline`, account = the server URL"
    );
    credentials::delete(lib.root(), &url).unwrap();
    assert!(
        lib.token(&url).unwrap().is_none(),
        "deleted from the keychain"
    );
}

#[test]
fn with_a_secret_service_the_token_goes_to_the_keychain() {
    let have = |c: &str| {
        std::process::Command::new("sh")
            .args(["-c", &format!("command -v {c}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !have("dbus-run-session") || !have("gnome-keyring-daemon") {
        eprintln!(
            "skipped: needs dbus-run-session and gnome-keyring-daemon (Debian: dbus, gnome-keyring)"
        );
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    // A private session bus and a fresh keyring unlocked with a throwaway password; XDG dirs in
    // a temp home so the developer's own keyring is never touched.
    let script = format!(
        "echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
         exec '{}' --ignored --exact credentials::keychain_child_stores_the_token_in_the_secret_service --nocapture",
        exe.display()
    );
    let out = std::process::Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_RUNTIME_DIR", home.path())
        .env("BYLINE_KEYCHAIN_CHILD", "1")
        .env_remove("BYLINE_KEYCHAIN")
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "keychain child failed: {log}");
    assert!(log.contains("1 passed"), "the child test really ran: {log}");
}
