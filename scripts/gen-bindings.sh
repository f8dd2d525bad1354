#!/usr/bin/env bash
# Generates the UI's TypeScript types from the Rust types (ts-rs) into ui/src/bindings/.
#   scripts/gen-bindings.sh           regenerate (commit the result)
#   scripts/gen-bindings.sh --check   fail when the committed bindings are stale
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Built with the whole workspace's feature resolution, like every other build here, so it
# reuses the test build's artifacts instead of resolving features for one package anew.
cargo build --quiet --locked --workspace --examples
"${CARGO_TARGET_DIR:-target}/debug/examples/gen-bindings" "$tmp"
# ts-rs writes no header; add one so nobody edits these by hand.
# (ts-rs puts outside types in folders of their own, e.g. serde_json/JsonValue.ts.)
find "$tmp" -name '*.ts' | while read -r f; do
  { echo "// Generated from Rust by scripts/gen-bindings.sh (ts-rs). Do not edit."; cat "$f"; } >"$f.new"
  mv "$f.new" "$f"
done
if [ "${1:-}" = "--check" ]; then
  if ! diff -ru ui/src/bindings "$tmp" >&2; then
    echo "bindings: ui/src/bindings is stale; run scripts/gen-bindings.sh and commit" >&2
    exit 1
  fi
  echo "bindings: up to date" >&2
else
  rm -rf ui/src/bindings
  mkdir -p ui/src/bindings
  cp -R "$tmp"/. ui/src/bindings/
  echo "bindings: wrote $(find ui/src/bindings -name '*.ts' | wc -l) files to ui/src/bindings" >&2
fi
