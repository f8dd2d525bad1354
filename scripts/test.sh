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
