#!/usr/bin/env bash
# Sets up and runs Byline on this machine: installs what it needs, builds the UI and the desktop
# app (release), imports the model story into the library when the library is empty, and opens
# the window, with a local newsroom server (byline-server, embedded SQLite) on 127.0.0.1:8787.
# The library is ./.byline-data and the server's data ./.byline-server unless BYLINE_DATA_DIR /
# BYLINE_SERVER_DATA are set. The server's editor token is in ./.byline-server/editor.token.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh

(cd ui && npm run --silent build)
cargo build --release --locked -p byline-desktop -p byline-cli -p byline-server
export BYLINE_DATA_DIR="${BYLINE_DATA_DIR:-$PWD/.byline-data}"
BYLINE="$PWD/target/release/byline"

SERVER_DATA="${BYLINE_SERVER_DATA:-$PWD/.byline-server}"
mkdir -p "$SERVER_DATA"
if [ ! -s "$SERVER_DATA/editor.token" ]; then
  (umask 077 && target/release/byline-server user add "Biên tập" --role editor \
    --data-dir "$SERVER_DATA" > "$SERVER_DATA/editor.token")
fi
export BYLINE_SERVER="${BYLINE_SERVER:-http://127.0.0.1:8787}"
BYLINE_TOKEN="$(cat "$SERVER_DATA/editor.token")"
export BYLINE_TOKEN
# The app reads its server and token from the library (what Settings stores); seed them for this
# local server unless the user already set their own. The token file is the keychain's 0600
# fallback store (byline-core credentials.rs), which the app and the CLI both read.
mkdir -p "$BYLINE_DATA_DIR"
[ -s "$BYLINE_DATA_DIR/settings.json" ] ||
  printf '{"server_url": "%s"}\n' "$BYLINE_SERVER" > "$BYLINE_DATA_DIR/settings.json"
[ -s "$BYLINE_DATA_DIR/server-token" ] ||
  (umask 077 && printf '%s' "$BYLINE_TOKEN" > "$BYLINE_DATA_DIR/server-token")
target/release/byline-server --data-dir "$SERVER_DATA" --listen 127.0.0.1:8787 \
  > "$SERVER_DATA/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fsS "$BYLINE_SERVER/health" >/dev/null 2>&1 && break; sleep 0.1; done
echo "== newsroom server on $BYLINE_SERVER (log: $SERVER_DATA/server.log)" >&2
echo "   publish from a terminal: $BYLINE publish ID   (BYLINE_SERVER and BYLINE_TOKEN are set here)" >&2

if [ -z "$("$BYLINE" article list 2>/dev/null)" ]; then
  id=$("$BYLINE" article import fixtures/seed-article/article.md)
  echo "== imported the model story as $id into $BYLINE_DATA_DIR" >&2
fi

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "== no display: starting the app under Xvfb (xvfb-run); set DISPLAY to see the window" >&2
  xvfb-run -a -s "-screen 0 1280x800x24" "$PWD/target/release/byline-desktop"
  exit $?
fi
"$PWD/target/release/byline-desktop"
