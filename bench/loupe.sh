#!/usr/bin/env bash
# Loupe key to paint over the corpus's camera JPEGs in the release desktop app, under Xvfb, driven
# over WebDriver (tauri-driver + WebKitWebDriver) by bench/desktop.mjs. Goal: p95 < 50 ms from
# the → key to the next photo painted. Not part of the test suite or CI.
#   PASSES=3 GAP_MS=300 bash bench/loupe.sh         (NO_BUILD=1 reuses target/release as is;
#                                                    PREVIEWS_LATER=1 starts each Byline pass with
#                                                    no previews, as right after an ingest)
#
# The library (target/bench-loupe, seeded once, RESEED=1 redoes it): every JPEG the corpus's
# MANIFEST.tsv lists outside malformed/ (fullsize camera files of 8-16 MP, the orientation set,
# the metadata and format samples), imported with `byline photo import`, so each has the real
# 1600 px preview the app makes. CORPUS=../shared/corpus by default.
#
# A pass, in a fresh app process (cold WebKit memory cache): open the photo grid, L on the first
# cell opens the loupe, wait until its photo is painted and SETTLE_MS more, then → (a real key
# event, WebDriver actions) once per photo to the end of the library, each press GAP_MS after the
# previous photo was painted (a photographer's pace; the loupe decodes the neighbours meanwhile).
# Key to paint, measured in the page: from the keydown event's timestamp to just after the
# rendering update that draws the new photo (its <img>.decode() resolved, then the next
# requestAnimationFrame callback, then a posted message).
# Peer, same run, same webview, a fresh app process per pass, interleaved: the same previews
# (same byline:// URLs, in the order the loupe just showed them) in one plain <img> with the
# loupe's classes over the window, its src swapped on the key: no preloading. One uncounted
# warm-up pass of each first. Under Xvfb WebKitGTK paints in software.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CORPUS=${CORPUS:-$ROOT/../shared/corpus}
export PASSES=${PASSES:-3} GAP_MS=${GAP_MS:-300} SETTLE_MS=${SETTLE_MS:-1000}
unset BYLINE_DATA_DIR

[ -f "$CORPUS/MANIFEST.tsv" ] || { echo "bench: $CORPUS/MANIFEST.tsv missing (set CORPUS to the shared corpus folder)" >&2; exit 1; }
source bench/lib.sh
bench_desktop_tools
bench_build_desktop
export APP=$ROOT/target/release/byline-desktop
CLI=$ROOT/target/release/byline
export DATA=$ROOT/target/bench-loupe

if [ -n "${RESEED:-}" ] || [ ! -f "$DATA/.seeded" ]; then
  rm -rf "$DATA"
  mapfile -t files < <(awk -F'\t' -v c="$CORPUS" 'NR > 1 && $1 ~ /\.jpe?g$/ && $1 !~ /^malformed\// { print c "/" $1 }' "$CORPUS/MANIFEST.tsv")
  echo "== seeding $DATA: byline photo import of ${#files[@]} corpus JPEGs" >&2
  log=$(mktemp)
  "$CLI" --data-dir "$DATA" photo import "${files[@]}" --json >"$log.json" 2>"$log" \
    || { tail -5 "$log" >&2; exit 1; }   # stderr: one progress line per file
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.error(`imported ${r.imported.length}, duplicates ${r.duplicates.length}, failed ${r.failed.length}`)' "$log.json"
  rm -f "$log" "$log.json"
  touch "$DATA/.seeded"
fi
n=$(find "$DATA/previews" -name '*.jpg' | wc -l)
echo "== $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(git rev-parse --short HEAD); library $DATA: $n previews, $(du -sh "$DATA/previews" | cut -f1), largest $(find "$DATA/previews" -name '*.jpg' -printf '%s\n' | sort -n | tail -1) bytes"
xvfb-run -a -s "-screen 0 1280x800x24" node bench/desktop.mjs loupe
