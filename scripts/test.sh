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
step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p byline-tests --all-targets --features e2e --locked -- -D warnings
step "workspace tests (crates, tests/sync against real server processes)"
cargo test --workspace --locked
step "desktop: TypeScript bindings up to date"
bash scripts/gen-bindings.sh --check
step "desktop: end-to-end in a real window (Xvfb + tauri-driver + WebKitWebDriver)"
cargo build --locked -p byline-desktop -p byline-cli -p byline-server
xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test --locked -p byline-tests --features e2e --test desktop -- --nocapture
step "all tests passed"
