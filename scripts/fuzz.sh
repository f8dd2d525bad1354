#!/usr/bin/env bash
# Fuzzes byline-media's hand-written parsers (IPTC/8BIM, XMP, JPEG segment walk + write_caption
# roundtrip) for a bounded time per target. cargo-fuzz needs a nightly toolchain; without one,
# the same targets still run on stable as a bounded mutation test:
#   cargo test -p byline-media --test it fuzz
# Usage: SECONDS_PER_TARGET=60 scripts/fuzz.sh [target...]
set -euo pipefail
cd "$(dirname "$0")/../crates/media"
SECS=${SECONDS_PER_TARGET:-60}
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(whole_file photoshop_block xmp_packet)

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz: no nightly toolchain; running the stable bounded mutation tests instead" >&2
  exec cargo test -p byline-media --test it fuzz
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

# Seeds: the small in-repo photos (header-only copies would do; whole files are fine).
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  [ "$t" = whole_file ] && cp -n tests/data/*.jpg "fuzz/corpus/$t/" 2>/dev/null || true
done

status=0
for t in "${targets[@]}"; do
  echo "== $t (${SECS}s)"
  # -rss_limit_mb: a decode of a hostile header must stay bounded too.
  cargo +nightly fuzz run --fuzz-dir fuzz "$t" -- -max_total_time="$SECS" -rss_limit_mb=2048 -max_len=262144 || status=1
done
[ $status -eq 0 ] || echo "fuzz: crashes are in crates/media/fuzz/artifacts/; add each as a regression test" >&2
exit $status
