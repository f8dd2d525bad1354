#!/usr/bin/env bash
# Sets up and runs Byline on this machine: installs what it needs, builds, and opens the model
# story in a local library (./.byline-data unless BYLINE_DATA_DIR is set).
#
# The desktop window arrives with the Tauri shell; until then this runs the same core through
# the `byline` CLI: import the model story, show it, and run the copy desk over it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh

cargo build --release --locked --bin byline
BYLINE="$PWD/target/release/byline"
export BYLINE_DATA_DIR="${BYLINE_DATA_DIR:-$PWD/.byline-data}"

id=$("$BYLINE" article import fixtures/seed-article/article.md)
echo "== imported the model story as $id into $BYLINE_DATA_DIR" >&2
"$BYLINE" article show "$id"
echo >&2
echo "== copy desk findings" >&2
"$BYLINE" check "$id"
echo >&2
echo "== search 'lien doan' (no diacritics)" >&2
"$BYLINE" article list --search "lien doan"
echo >&2
echo "Try: $BYLINE article list | $BYLINE fix $id | $BYLINE article revisions $id" >&2
