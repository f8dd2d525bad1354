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
step "ui: lint, typecheck, unit tests, build (the desktop crate embeds ui/dist)"
(cd ui && npm run --silent lint && npm run --silent typecheck && npm run --silent test)
(cd ui && npx vite build --logLevel warn)
# Every cargo call below selects the whole workspace with the same features, so they all share
# one feature resolution and reuse each other's artifacts (a `-p` selection resolves features
# anew and rebuilds much of the GTK/Tauri stack).
step "clippy"
cargo clippy --workspace --all-targets --features byline-tests/e2e --locked -- -D warnings
step "workspace tests (crates, tests/sync against real server processes)"
cargo test --workspace --locked
step "desktop: TypeScript bindings up to date"
cargo build --workspace --bins --examples --locked
bash scripts/gen-bindings.sh --check
step "desktop: end-to-end in a real window (Xvfb + tauri-driver + WebKitWebDriver)"
xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test --workspace --features byline-tests/e2e --test desktop --locked -- --nocapture
step "all tests passed"
