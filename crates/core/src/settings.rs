//! The library's own settings (`settings.json` in the library folder): the newsroom server and
//! the photographer's defaults that prefill captions. Shared by the app and the CLI; the token
//! is not here (see `credentials.rs`).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};

pub const SETTINGS_FILE: &str = "settings.json";
/// Where the desktop kept the server URL before the settings moved into the core.
const OLD_DESKTOP_FILE: &str = "desktop-settings.json";

/// What a library remembers about its user's newsroom.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LibrarySettings {
    /// The newsroom server, e.g. `https://toa-soan.example.vn`; empty = none yet.
    pub server_url: String,
    /// Prefilled into imported photos that have no creator of their own.
    pub photo_creator: String,
    /// Prefilled credit line, e.g. `Ảnh: Cảnh Toàn`.
    pub photo_credit: String,
    /// Prefilled city (IPTC), e.g. `Vinh`.
    pub photo_city: String,
    /// The newsroom's zone as `±HH:MM`, for cameras that record no offset; empty = +07:00.
    pub time_zone: String,
    /// The photo grid's filters and order, remembered per library (kept by the grid itself:
    /// the Settings form neither shows nor sends it).
    #[cfg_attr(feature = "ts", ts(skip))]
    pub photo_filter: crate::photo_query::PhotoQuery,
}

impl LibrarySettings {
    /// The newsroom's zone (+07:00 unless set).
    pub fn zone(&self) -> Result<chrono::FixedOffset> {
        crate::capture_time::parse_zone(if self.time_zone.trim().is_empty() {
            crate::capture_time::DEFAULT_ZONE
        } else {
            &self.time_zone
        })
    }

    /// Trims and checks the values; refuses a server URL that is not http(s).
    pub fn validated(mut self) -> Result<LibrarySettings> {
        for f in [
            &mut self.server_url,
            &mut self.photo_creator,
            &mut self.photo_credit,
            &mut self.photo_city,
        ] {
            *f = byline_text::nfc(f.trim());
        }
        self.time_zone = self.time_zone.trim().to_owned();
        self.zone()?;
        self.server_url = self.server_url.trim_end_matches('/').to_owned();
        let url = &self.server_url;
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            return Err(CoreError::Invalid(format!(
                "server URL `{url}` must start with http:// or https://"
            )));
        }
        Ok(self)
    }
}

/// The settings of the library in `root` (defaults when none are saved).
pub fn load(root: &Path) -> Result<LibrarySettings> {
    for name in [SETTINGS_FILE, OLD_DESKTOP_FILE] {
        let path = root.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                return serde_json::from_str(&text).map_err(|e| {
                    CoreError::bad_file(
                        &path,
                        format!("not valid settings JSON ({e}); fix or delete it"),
                    )
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(CoreError::io(path, e)),
        }
    }
    Ok(LibrarySettings::default())
}

/// Validates and stores the settings atomically; returns them as stored.
pub fn save(root: &Path, settings: LibrarySettings) -> Result<LibrarySettings> {
    let s = settings.validated()?;
    let json = serde_json::to_vec_pretty(&s).expect("settings serialise");
    crate::write_atomic(&root.join(SETTINGS_FILE), &json)?;
    Ok(s)
}

/// The server from the settings with its stored token, for the app and the CLI without flags.
pub fn remote(lib: &crate::Library) -> Result<crate::sync::Remote> {
    let url = lib.settings()?.server_url;
    if url.is_empty() {
        return Err(CoreError::Invalid(
            "no newsroom server set: enter its address in Settings (or pass --server URL)".into(),
        ));
    }
    let Some((token, _)) = lib.token(&url)? else {
        return Err(CoreError::Invalid(format!(
            "no access token stored for {url}: enter it in Settings (or pass --token TOKEN)"
        )));
    };
    Ok(crate::sync::Remote { url, token })
}

/// Settings as a front end shows them. The token itself never leaves the core: only whether one
/// is stored, and where (OS keychain or the 0600 file).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "Settings"))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SettingsView {
    pub server_url: String,
    pub has_token: bool,
    /// Where the token is kept; `None` when there is none.
    pub token_store: Option<crate::credentials::Store>,
    pub photo_creator: String,
    pub photo_credit: String,
    pub photo_city: String,
    /// `±HH:MM`; empty = +07:00.
    pub time_zone: String,
}

/// The settings with where the server's token is kept.
pub fn view(lib: &crate::Library) -> Result<SettingsView> {
    let s = lib.settings()?;
    let token_store = if s.server_url.is_empty() {
        None
    } else {
        lib.token(&s.server_url)?.map(|(_, store)| store)
    };
    Ok(SettingsView {
        has_token: token_store.is_some(),
        token_store,
        server_url: s.server_url,
        photo_creator: s.photo_creator,
        photo_credit: s.photo_credit,
        photo_city: s.photo_city,
        time_zone: s.time_zone,
    })
}

/// Stores the settings and, when given, the token for their server (which wakes the engine).
pub fn save_with_token(
    lib: &crate::Library,
    mut edit: LibrarySettings,
    token: Option<&str>,
) -> Result<SettingsView> {
    edit.photo_filter = lib.settings()?.photo_filter;
    let saved = lib.save_settings(edit)?;
    if let Some(t) = token.filter(|t| !t.trim().is_empty()) {
        if saved.server_url.is_empty() {
            return Err(CoreError::Invalid(
                "enter the server URL first: the token is stored for that server".into(),
            ));
        }
        lib.save_token(&saved.server_url, t)?;
    }
    view(lib)
}
