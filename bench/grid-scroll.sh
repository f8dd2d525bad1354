#!/usr/bin/env bash
# Photo grid scroll with N (5,000) photos in the release desktop app, under Xvfb, driven over
# WebDriver (tauri-driver + WebKitWebDriver) by bench/desktop.mjs. Goal: no dropped frames and
# bounded memory. Not part of the test suite or CI.
#   N=5000 SCROLL_S=10 PASSES=3 bash bench/grid-scroll.sh     (NO_BUILD=1 reuses target/release)
# Two speeds, each against its peer: a fling (the whole library top to bottom and back, ~44,000
# px/s: the grid shows plain tiles and sets thumbnails once the scroll settles) and browsing
# (BROWSE_PX, 6,000 px down and back in SCROLL_S: ~1,200 px/s, thumbnails load while scrolling;
# the share of cells with their thumbnail set is reported). SPEEDS=fling or SPEEDS=browse runs one.
# ORDER=byline,static,blank adds the floor: the same scroller, empty. EXTRA_CSS injects a style
# sheet into the app before its run (to try a paint cost without a rebuild).
#
# The library (kept in target/bench-grid-$N, seeded once, RESEED=1 redoes it): N distinct small
# noise JPEGs (crates/core/examples/noise_jpegs, 360x270) imported with `byline photo import`, so
# every photo has its 320 px thumbnail and 1600 px preview as the app would make them.
# In a fresh app process: open the photo grid, wait until the visible thumbnails are loaded and
# SETTLE_S seconds, read RSS/PSS of the app + its WebKit processes, then scroll the grid's scroll
# container (#photo-grid) top to bottom and back over SCROLL_S seconds with requestAnimationFrame
# (scrollTop set each frame on a triangle wave), recording every frame interval and the DOM size
# (max <img> / .cell / element count); RSS again SETTLE_S seconds after each pass.
# Peer, same run, same webview, a fresh app process: the same N thumbnails (same byline:// URLs,
# same cell markup/CSS, same loading="lazy" decoding="async") in one static grid, not virtualised,
# scrolled the same way.
# Dropped frame: an interval > 1.5 x 16.7 ms. Under Xvfb WebKitGTK paints in software.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
N=${N:-5000}
export SCROLL_S=${SCROLL_S:-10} PASSES=${PASSES:-3} SETTLE_S=${SETTLE_S:-3}
unset BYLINE_DATA_DIR

source bench/lib.sh
bench_desktop_tools
bench_build_desktop
[ -n "${NO_BUILD:-}" ] || cargo build --release --locked -q -p byline-core --example noise_jpegs
export APP=$ROOT/target/release/byline-desktop
CLI=$ROOT/target/release/byline
export DATA=$ROOT/target/bench-grid-$N

if [ -n "${RESEED:-}" ] || [ ! -f "$DATA/.seeded" ]; then
  rm -rf "$DATA"
  src=$(mktemp -d)
  trap 'rm -rf "$src"' EXIT
  echo "== seeding $DATA: $N noise JPEGs, then byline photo import" >&2
  t0=$(date +%s.%N)
  target/release/examples/noise_jpegs "$src" "$N" 360 270 >/dev/null
  t1=$(date +%s.%N)
  "$CLI" --data-dir "$DATA" photo import "$src" --json >"$src.json" 2>"$src.log" \
    || { tail -5 "$src.log" >&2; exit 1; }   # stderr: one progress line per file
  t2=$(date +%s.%N)
  got=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(r.imported.length, r.duplicates.length, r.failed.length)' "$src.json")
  rm -f "$src.json" "$src.log"
  read -r imported dups failed <<<"$got"
  echo "generated in $(echo "$t1 - $t0" | bc) s, imported $imported (duplicates $dups, failed $failed) in $(echo "$t2 - $t1" | bc) s" >&2
  [ "$imported" -eq "$N" ] || { echo "bench: expected $N imported photos" >&2; exit 1; }
  touch "$DATA/.seeded"
fi
echo "== $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(git rev-parse --short HEAD); library $DATA ($(du -sh "$DATA" | cut -f1)), $(find "$DATA/thumbs" -name "*.jpg" 2>/dev/null | wc -l) thumbnails"
for speed in ${SPEEDS:-fling browse}; do
  case $speed in
    fling) span=0 ;;
    browse) span=${BROWSE_PX:-6000} ;;
    *) echo "bench: SPEEDS takes fling and/or browse" >&2; exit 1 ;;
  esac
  echo "== $speed"
  SPAN_PX=$span xvfb-run -a -s "-screen 0 1280x800x24" node bench/desktop.mjs scroll
done
