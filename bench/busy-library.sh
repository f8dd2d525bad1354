#!/usr/bin/env bash
# The editor's calls while the library is busy: p50/p95/p99 of `save_article` (autosave of a
# ~1,000-word story) and `articles()` (the story list) while a PHOTOS (1,000)-photo import and a
# throttled publish (the engine, through a loopback proxy under 1 MB/s) run in the same library,
# against the same calls idle (IDLE samples, 3,000: with 500 the idle p99 is the fifth-worst
# sample and swung 6× between runs) in the same run and library. Goal: busy p99
# <= 2x idle p99 and < 50 ms. Not part of the test suite.
#   PHOTOS=1000 IDLE=3000 bench/busy-library.sh         (PROFILE=dev: debug build)
# FROM=corpus imports copies of the real camera photos in ../shared/corpus/fullsize (2-4 MB
# each) instead of a 55 KB fixture; EVERY=MS spaces the rounds as an autosave's pause would
# (default 0: back to back). The idle peer runs IDLE rounds before the busy phase and more after
# it, until the idle rounds have taken as long as the busy phase. FLOOR=1 also times a bare
# write + fdatasync of the story's JSON each round (the disk's own cost of a durable write).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PHOTOS=${PHOTOS:-1000}; IDLE=${IDLE:-3000}; PROFILE=${PROFILE:-release}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
unset BYLINE_DATA_DIR BYLINE_SERVER BYLINE_TOKEN BYLINE_LISTEN
export BYLINE_KEYCHAIN=off

dir=$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")
cargo build --profile "$PROFILE" -q -p byline-tests --example busy_library
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
extra=()
[ -n "${FROM:-}" ] && extra+=(--from "$FROM")
[ -n "${EVERY:-}" ] && extra+=(--every "$EVERY")
[ "${FLOOR:-0}" = 1 ] && extra+=(--floor)
"$CARGO_TARGET_DIR/$dir/examples/busy_library" "$PHOTOS" "$IDLE" "${extra[@]}"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
