#!/usr/bin/env bash
# Sets up and runs every Byline test: formatting, lints, unit/integration tests of every crate,
# the cross-crate tests in tests/, and the UI tests. This is the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh

echo "== rustfmt" >&2
cargo fmt --all -- --check
echo "== clippy" >&2
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== workspace tests" >&2
cargo test --workspace --locked

echo "== desktop: TypeScript bindings up to date" >&2
bash scripts/gen-bindings.sh --check
echo "== desktop: ui lint, typecheck, unit tests" >&2
(cd ui && npm run --silent lint && npm run --silent typecheck && npm run --silent test)
echo "== desktop: build the UI and the app (debug, custom-protocol) for E2E" >&2
(cd ui && npx vite build --logLevel warn)
cargo build --locked -p byline-desktop -p byline-cli -p byline-server
echo "== desktop: end-to-end in a real window (Xvfb + tauri-driver + WebKitWebDriver)" >&2
(cd tests && xvfb-run -a -s "-screen 0 1280x800x24" cargo test --locked -- --nocapture)
