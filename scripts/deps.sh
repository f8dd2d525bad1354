#!/usr/bin/env bash
# Installs every system package and tool Byline's build and tests need on Debian/Ubuntu.
# Idempotent and quick when everything is present. Used by scripts/test.sh and scripts/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages. Each line says who needs it.
APT_PACKAGES=(
  pkg-config            # -sys crates
  libimage-exiftool-perl  # photo tests compare metadata against exiftool
  hunspell-vi           # copy desk spelling (vi_VN dictionary, loaded at run time)
  cmake                 # byline-media: turbojpeg-sys builds its bundled libjpeg-turbo 3.x
  nasm                  # byline-media: libjpeg-turbo SIMD (turbojpeg require-simd)
  libwebkit2gtk-4.1-dev # desktop shell (Tauri 2 / wry): WebKitGTK, GTK 3, libsoup 3
  xvfb                  # desktop E2E: a headless X display
  xauth                 # desktop E2E: xvfb-run needs it (only a Recommends of xvfb)
  webkit2gtk-driver     # desktop E2E: WebKitWebDriver, driven through tauri-driver
  xdotool               # desktop E2E (os_input): real keys and mouse through XTEST
  xclip                 # desktop E2E (os_input): reads the X CLIPBOARD the app copied to
  python3-gi            # desktop E2E (os_input): GTK 3 helpers (clipboard owner, XDND drag source)
  gir1.2-gtk-3.0        # desktop E2E (os_input): GTK 3 for those helpers, from /usr/bin/python3
  curl                  # scripts/run.sh waits for the local server's /health
  libdbus-1-dev         # byline-core credentials: keyring's Secret Service backend links libdbus
  dbus                  # credentials test: dbus-run-session gives the keychain test a private bus
  gnome-keyring         # credentials test: a real Secret Service (skipped when absent)
  mingw-w64             # Windows cross checks and builds: C compiler, windres and linker for x86_64-pc-windows-gnu
  wine64                # Windows tests: runs byline.exe and byline-server.exe (tests/wine)
  clang                 # macOS cross check: compiles ring's C for aarch64-apple-darwin (no Apple SDK needed for that)
  postgresql            # server tests on PostgreSQL: a throwaway cluster (initdb, pg_ctl) per test process
  openssl               # ...its TLS certificates (a test CA and a server certificate for TLS to PostgreSQL)
  wordpress             # WordPress destination tests and scripts/wordpress-dev.sh: a real WordPress on 127.0.0.1
  mariadb-server        # ...its database (a private mariadbd, never the system one)
  php-cli               # ...served by PHP's built-in server
  php-mysql             # ...PHP's MariaDB driver
  php-gd                # ...image sizes for uploaded photos
  php-xml               # ...WordPress needs DOM/XML
  php-mbstring          # ...multibyte strings (Vietnamese titles)
  php-curl              # ...WordPress HTTP API
  php-intl              # ...Unicode normalisation
  wordpress-theme-twentytwentythree  # ...the theme that renders the post page the tests read
)

need=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "deps: installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "deps: cargo not found; install Rust from rustup.rs first" >&2; exit 1; }
rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt
# Cross-target checks (Windows, macOS) and the Windows binaries run under Wine.
for t in x86_64-pc-windows-gnu aarch64-apple-darwin; do
  rustup target list --installed | grep -qx "$t" || rustup target add "$t"
done

# Desktop E2E: tauri-driver (WebDriver proxy for Tauri apps).
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked

# Server tests on S3: Garage, an S3-compatible store the test kit starts as a throwaway single
# node (crates/testkit/src/garage.rs). Built from crates.io once, at opt-level 1: the tests
# store a few small objects, and the build took 6.6 minutes on 2 cores this way against about
# 10 at the default opt-level 3, which a fresh machine's CI pays in full.
if ! command -v garage >/dev/null && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/garage" ]; then
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    cargo install garage --version 2.5.0 --locked --no-default-features --features bundled-libs,sqlite
fi

# Desktop UI: Vite/TypeScript toolchain pinned by ui/package-lock.json (Tauri CLI 2.11.5 from npm, matching the tauri crate).
command -v npm >/dev/null || { echo "deps: npm not found; install Node.js 20+ first" >&2; exit 1; }
# `npm ci`: exactly the lockfile, which lists every platform's optional native packages (rollup,
# esbuild, the Tauri CLI for Windows, macOS and Linux; scripts/check-lockfile.js keeps it so).
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  (cd ui && npm ci --no-audit --no-fund)
fi
