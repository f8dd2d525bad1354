//! Where the newsroom server token (and each WordPress destination's application password)
//! lives: the OS keychain when one is reachable, else an
//! owner-only file in the library folder; and which of the two holds it.
//!
//! The keychain entry is service `byline`, account = the server URL (so two servers keep two
//! tokens). Backends, through the `keyring` crate (v3): macOS Keychain, Windows Credential
//! Manager, and on Linux the freedesktop Secret Service over D-Bus (GNOME Keyring, KWallet,
//! KeePassXC), via `dbus-secret-service` (links the system libdbus: Debian `libdbus-1-dev` to
//! build, `libdbus-1-3` to run). Chosen over the kernel keyutils backend because keyutils
//! secrets live in the kernel only until logout or reboot: a reporter would have to enter the
//! token again after every restart, which is exactly what the file fallback avoids.
//!
//! Headless machines (CI, a server, an SSH session, Xvfb without a session bus) have no Secret
//! Service. There — or when `BYLINE_KEYCHAIN=off` — the token goes to `server-token` in the
//! library folder, created with mode 0600, as before the keychain existed. Every answer says
//! which store was used, so the Settings view can tell the user.

use std::path::Path;

use serde::Serialize;

use crate::error::{CoreError, Result};

/// The keychain service name of Byline's entries.
pub const SERVICE: &str = "byline";
/// The fallback file, inside the library folder.
pub const TOKEN_FILE: &str = "server-token";

/// Which store holds the token.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Store {
    /// The OS keychain (Secret Service, macOS Keychain, Windows Credential Manager).
    Keychain,
    /// `server-token` (mode 0600) in the library folder: no keychain was reachable.
    File,
}

/// Whether to try the keychain at all. On Linux the Secret Service is reached over the D-Bus
/// session bus: without one, libdbus would try to autolaunch a bus (or wait for a timeout), so
/// it is not touched.
fn keychain_possible() -> bool {
    if std::env::var("BYLINE_KEYCHAIN").is_ok_and(|v| matches!(v.as_str(), "off" | "0" | "no")) {
        return false;
    }
    if !cfg!(target_os = "linux") {
        return true;
    }
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| Path::new(&d).join("bus").exists())
}

fn entry(account: &str) -> Option<keyring::Entry> {
    if !keychain_possible() {
        return None;
    }
    keyring::Entry::new(SERVICE, account.trim()).ok()
}

/// One secret: its keychain account and its fallback file in the library folder.
#[derive(Debug, Clone, Copy)]
pub struct Slot<'a> {
    pub account: &'a str,
    pub file: &'a str,
}

fn server_slot(server_url: &str) -> Slot<'_> {
    Slot {
        account: server_url,
        file: TOKEN_FILE,
    }
}

/// Stores `token` for `server_url`: in the keychain when it takes it, else in the file.
pub fn save(root: &Path, server_url: &str, token: &str) -> Result<Store> {
    if token.trim().is_empty() {
        return Err(CoreError::Invalid("the access token is empty".into()));
    }
    save_secret(root, server_slot(server_url), token)
}

/// Stores a secret in its slot: the keychain when it takes it, else the slot's 0600 file.
pub fn save_secret(root: &Path, slot: Slot<'_>, secret: &str) -> Result<Store> {
    let secret = secret.trim();
    if let Some(e) = entry(slot.account) {
        // Read back: a keychain that accepts but does not keep (a locked or read-only
        // collection) must not count as stored.
        if e.set_password(secret).is_ok() && e.get_password().is_ok_and(|t| t == secret) {
            // A stale copy in the file would otherwise outlive the keychain entry.
            remove_file(root, slot.file)?;
            return Ok(Store::Keychain);
        }
    }
    write_file(root, slot.file, secret)?;
    Ok(Store::File)
}

/// The token for `server_url` and where it was found; `None` when none is stored.
pub fn load(root: &Path, server_url: &str) -> Result<Option<(String, Store)>> {
    load_secret(root, server_slot(server_url))
}

/// The secret in a slot and where it was found; `None` when none is stored.
pub fn load_secret(root: &Path, slot: Slot<'_>) -> Result<Option<(String, Store)>> {
    if let Some(e) = entry(slot.account)
        && let Ok(t) = e.get_password()
    {
        return Ok(Some((t, Store::Keychain)));
    }
    let path = root.join(slot.file);
    match std::fs::read_to_string(&path) {
        Ok(t) if !t.trim().is_empty() => Ok(Some((t.trim().to_owned(), Store::File))),
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CoreError::io(path, e)),
    }
}

/// Where the token for `server_url` is, without returning it.
pub fn stored_in(root: &Path, server_url: &str) -> Result<Option<Store>> {
    Ok(load(root, server_url)?.map(|(_, s)| s))
}

/// Forgets the token for `server_url` in both stores.
pub fn delete(root: &Path, server_url: &str) -> Result<()> {
    delete_secret(root, server_slot(server_url))
}

/// Forgets a slot's secret in both stores.
pub fn delete_secret(root: &Path, slot: Slot<'_>) -> Result<()> {
    if let Some(e) = entry(slot.account) {
        // NoEntry and an unreachable keychain both mean there is nothing there to remove.
        let _ = e.delete_credential();
    }
    remove_file(root, slot.file)
}

fn remove_file(root: &Path, name: &str) -> Result<()> {
    let path = root.join(name);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(CoreError::io(path, e)),
        _ => Ok(()),
    }
}

/// Writes the token owner-only. The mode is set at creation (no window where the file is
/// world-readable) and again on an existing file made by an older version or by hand.
fn write_file(root: &Path, name: &str, token: &str) -> Result<()> {
    use std::io::Write;
    let path = root.join(name);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&path).map_err(|e| CoreError::io(&path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| CoreError::io(&path, e))?;
    }
    f.write_all(token.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| CoreError::io(&path, e))
}
