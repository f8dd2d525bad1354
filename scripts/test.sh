#!/usr/bin/env bash
# Sets up and runs every Byline test: formatting, lints, unit/integration tests of every crate,
# the cross-crate tests in tests/ (a real byline-server process and real clients), the UI tests
# and the end-to-end run of the real window. This is the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
start=$SECONDS
step() { echo "== [$((SECONDS - start))s] $*" >&2; }

step "rustfmt"
cargo fmt --all -- --check
step "ui: the lockfile pins every platform's native packages (npm ci on Windows and macOS)"
node scripts/check-lockfile.js
step "ui: lint, typecheck, unit tests, build (the desktop crate embeds ui/dist)"
(cd ui && npm run --silent lint && npm run --silent typecheck && npm run --silent test)
(cd ui && npx vite build --logLevel warn)
# Every cargo call below selects the whole workspace with the same features, so they all share
# one feature resolution and reuse each other's artifacts (a `-p` selection resolves features
# anew and rebuilds much of the GTK/Tauri stack).
step "clippy"
cargo clippy --workspace --all-targets --features byline-tests/e2e,byline-tests/wine --locked -- -D warnings
# Platform-gated code (paths, keychains, paint policy, the Tauri shell's plugins) compiles and is
# linted for the other desktop platforms too. Check only: nothing here links for them.
step "clippy for Windows (x86_64-pc-windows-gnu; C through Debian's mingw-w64)"
cargo clippy --workspace --all-targets --target x86_64-pc-windows-gnu --locked -- -D warnings
step "clippy for macOS (aarch64-apple-darwin; no Apple SDK, see below)"
# There is no Apple SDK here. ring's C compiles with clang for the target in ring's own no-libc
# mode, against the compiler's freestanding headers (plus a stand-in TargetConditionals.h); the
# objc2 and alloca helpers include no libc headers either. SQLite and libjpeg-turbo are
# large C libraries that need the SDK's libc headers, so for this check their -sys crates skip the
# C build and use their pregenerated Rust bindings (the Rust code above them is fully checked).
CC_aarch64_apple_darwin=clang AR_aarch64_apple_darwin=llvm-ar \
CFLAGS_aarch64_apple_darwin="-ffreestanding -nostdlibinc -DRING_CORE_NOSTDLIBINC -isystem $PWD/scripts/macos-check" \
LIBSQLITE3_SYS_USE_PKG_CONFIG=1 \
AARCH64_APPLE_DARWIN_TURBOJPEG_SOURCE=explicit AARCH64_APPLE_DARWIN_TURBOJPEG_LIB_DIR="$PWD/scripts/macos-check" \
  cargo clippy --workspace --all-targets --target aarch64-apple-darwin --locked -- -D warnings
step "workspace tests (crates, tests/sync against real server processes)"
cargo test --workspace --locked
step "server suite again on PostgreSQL and Garage (S3): a throwaway cluster and node the test kit starts"
BYLINE_TEST_DATABASE=postgres BYLINE_TEST_BLOBS=garage cargo test --workspace --locked --test server
step "desktop: TypeScript bindings up to date"
cargo build --workspace --bins --examples --locked
bash scripts/gen-bindings.sh --check
step "desktop: end-to-end in a real window (Xvfb + tauri-driver + WebKitWebDriver)"
xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test --workspace --features byline-tests/e2e --test desktop --locked -- --nocapture
step "windows: byline.exe and byline-server.exe cross-built (mingw-w64) and run under Wine"
cargo build --workspace --bin byline --bin byline-server --target x86_64-pc-windows-gnu --locked
cargo test --workspace --features byline-tests/wine --test wine --locked
step "all tests passed"
