#!/usr/bin/env bash
# Sets up and runs Byline on this machine: installs what it needs, builds the UI and the desktop
# app (release), imports the model story into the library when the library is empty, and opens
# the window. The library is ./.byline-data unless BYLINE_DATA_DIR is set.
# (A later change also starts a local byline-server here.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh

(cd ui && npm run --silent build)
cargo build --release --locked -p byline-desktop -p byline-cli
export BYLINE_DATA_DIR="${BYLINE_DATA_DIR:-$PWD/.byline-data}"
BYLINE="$PWD/target/release/byline"

if [ -z "$("$BYLINE" article list 2>/dev/null)" ]; then
  id=$("$BYLINE" article import fixtures/seed-article/article.md)
  echo "== imported the model story as $id into $BYLINE_DATA_DIR" >&2
fi

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "== no display: starting the app under Xvfb (xvfb-run); set DISPLAY to see the window" >&2
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$PWD/target/release/byline-desktop"
fi
exec "$PWD/target/release/byline-desktop"
