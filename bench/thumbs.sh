#!/usr/bin/env bash
# Rendition benchmark: Byline (320 + 1600 px in one decode) against the floor, libjpeg-turbo's
# `djpeg` decoding each file once at the smallest DCT scale k/8 that still gives 1600 px (output
# thrown away), and against vipsthumbnail (once per size). Same files, same cores, same run;
# every timed command runs at nice 10, the priority Byline's decoding workers give themselves,
# so other work on the machine slows all of them alike. Not part of the test suite.
# Needs ../shared/corpus/fullsize (the 8 full-size camera JPEGs).
#   N=200 BIG=1000 THREADS=0 bench/thumbs.sh      (BIG=0 skips the peak-RSS batch)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200}; BIG=${BIG:-1000}; THREADS=${THREADS:-0}
SRC=${SRC:-$(cd .. && pwd)/shared/corpus/fullsize}
[ -d "$SRC" ] || { echo "bench: $SRC not found" >&2; exit 1; }

# The bench's own tools (not build dependencies, so not in scripts/deps.sh).
if ! command -v vipsthumbnail >/dev/null || ! command -v djpeg >/dev/null || [ ! -x /usr/bin/time ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    libvips-tools libjpeg-turbo-progs time bc >/dev/null
fi

cargo build --release -q -p byline-media --example thumbs
BIN=target/release/examples/thumbs

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in" "$work/big" "$work/byline" "$work/vips"
srcs=("$SRC"/*.jpg)
for i in $(seq 0 $((N - 1))); do
  cp "${srcs[$((i % ${#srcs[@]}))]}" "$work/in/$(printf 'p%04d' "$i").jpg"
done
files=("$work"/in/*.jpg)
cat "${files[@]}" >/dev/null   # warm the page cache equally for both tools

# The floor's work list: "k/8 file" per file, k the smallest giving a 1600 px long edge.
for f in "${files[@]}"; do
  long=$(vipsheader -f width "$f"); h=$(vipsheader -f height "$f"); [ "$h" -gt "$long" ] && long=$h
  k=1; while [ $(((long * k + 7) / 8)) -lt 1600 ] && [ "$k" -lt 8 ]; do k=$((k + 1)); done
  echo "$k/8 $f"
done >"$work/scales"

timed() { # label, command... → prints wall and CPU seconds, appends "label wall cpu" to $work/times
  local label=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$work/t" nice -n 10 "$@" >/dev/null
  read -r wall user sys <"$work/t"
  echo "$label $wall $(echo "$user + $sys" | bc -l)" >>"$work/times"
  printf '%-14s wall %6.2f s  cpu %6.2f s\n' "$label" "$wall" "$(echo "$user + $sys" | bc -l)"
}

echo "== $N files ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)), both sizes"
for round in $(seq 1 "${ROUNDS:-3}"); do
  rm -rf "$work/byline" "$work/nofsync"; mkdir -p "$work/byline" "$work/nofsync"
  timed "floor-$round" xargs -P"$(nproc)" -n2 sh -c 'djpeg -scale "$0" -outfile /dev/null "$1"' <"$work/scales"
  timed "byline-$round" "$BIN" batch "$work/byline" "$THREADS" "${files[@]}"
  # The importer fsyncs every rendition by default; also show the run without (a
  # cache-regenerating caller), which is the decoding work the floor measures.
  timed "byline-nofsync-$round" env BYLINE_NO_FSYNC=1 "$BIN" batch "$work/nofsync" "$THREADS" "${files[@]}"
done
timed vips320 vipsthumbnail -s 320 -o "$work/vips/%s_320.jpg[Q=85]" "${files[@]}"
timed vips1600 vipsthumbnail -s 1600 -o "$work/vips/%s_1600.jpg[Q=85]" "${files[@]}"
# Per round: ratio to that round's floor; the median round and the spread are reported.
awk '
  function sort(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t } }
  { split($1, p, "-"); r = p[length(p)]; name = $1; sub("-" r "$", "", name); wall[name, r] = $2; cpu[name, r] = $3; if (r ~ /^[0-9]+$/) rounds[r] = 1 }
  END {
    for (r in rounds) { n++; fw[n] = wall["floor", r]; fc[n] = cpu["floor", r]
      bw[n] = wall["byline", r] / wall["floor", r]; bn[n] = wall["byline-nofsync", r] / wall["floor", r]; bc[n] = cpu["byline-nofsync", r] / cpu["floor", r]
      printf "round %s: floor (djpeg -scale k/8, %d workers) wall %.2f s cpu %.2f s | byline %.2fx, no fsync %.2fx, CPU (no fsync) %.2fx\n", r, '"$(nproc)"', fw[n], fc[n], bw[n], bn[n], bc[n] }
    sort(bw, n); sort(bn, n); sort(bc, n); m = int((n + 1) / 2)
    printf "median of %d rounds vs the djpeg floor (goal <= 1.5x): byline %.2fx (%.2f-%.2f), no fsync %.2fx (%.2f-%.2f), CPU %.2fx (%.2f-%.2f)\n", n, bw[m], bw[1], bw[n], bn[m], bn[1], bn[n], bc[m], bc[1], bc[n]
  }' "$work/times"

# vipsthumbnail exits 0 even when a file fails: count its outputs.
for s in 320 1600; do
  b=$(ls "$work"/byline/*_"$s".jpg | wc -l); v=$(ls "$work"/vips/*_"$s".jpg | wc -l)
  echo "outputs at $s px: byline $b/$N, vips $v/$N"
done

awk -v n="$N" '
  { wall[$1] = $2; cpu[$1] = $3 }
  END {
    wall["byline"] = wall["byline-1"]; cpu["byline"] = cpu["byline-1"]; wall["byline-nofsync"] = wall["byline-nofsync-1"]
    bw = wall["byline"]; vw = wall["vips320"] + wall["vips1600"]
    bc = cpu["byline"]; vc = cpu["vips320"] + cpu["vips1600"]
    printf "byline: %.1f images/s (both sizes), vips: %.1f images/s (320: %.1f/s, 1600: %.1f/s)\n", n/bw, n/vw, n/wall["vips320"], n/wall["vips1600"]
    printf "throughput ratio byline/vips (wall, both sizes): %.2fx with fsync, %.2fx without\n", vw/bw, vw/wall["byline-nofsync"]
    printf "CPU ratio byline/vips (both sizes): %.2f (lower is better; %.2fx less CPU)\n", bc/vc, vc/bc
  }' "$work/times"

echo "== thumbnails only (320 px, no fsync): embedded-preview fast path on / off vs vipsthumbnail -s 320"
mkdir -p "$work/t320" "$work/t320np"
timed byline320 env BYLINE_NO_FSYNC=1 BYLINE_SIZES=320 "$BIN" batch "$work/t320" "$THREADS" "${files[@]}"
timed byline320-off env BYLINE_NO_FSYNC=1 BYLINE_SIZES=320 BYLINE_NO_PREVIEWS=1 "$BIN" batch "$work/t320np" "$THREADS" "${files[@]}"
awk -v n="$N" '
  { wall[$1] = $2; cpu[$1] = $3 }
  END {
    printf "320 only: byline %.1f images/s (fast path off: %.1f/s), vips %.1f/s; byline/vips wall %.2fx, CPU %.2fx less\n", n/wall["byline320"], n/wall["byline320-off"], n/wall["vips320"], wall["vips320"]/wall["byline320"], cpu["vips320"]/cpu["byline320"]
  }' "$work/times"

echo "== PSNR vs full-resolution Lanczos3 reference (dB, higher is better)"
for i in 0 1 2 3 4 5 6 7; do
  f=$(printf 'p%04d' "$i"); orig=$work/in/$f.jpg
  name=$(basename "${srcs[$((i % ${#srcs[@]}))]}")
  "$BIN" psnr "$orig" "$work/byline/${f}_320.jpg" "$work/vips/${f}_320.jpg" "$work/byline/${f}_1600.jpg" "$work/vips/${f}_1600.jpg" |
    awk -v n="$name" '{ split($1, p, "/"); t = p[length(p)-1]; r[NR] = $2 }
      END { printf "%-28s 320: byline %5.2f vips %5.2f   1600: byline %5.2f vips %5.2f\n", n, r[1], r[2], r[3], r[4] }' |
    tee -a "$work/psnr"
  # The 320-only run may have come from an embedded preview.
  "$BIN" psnr "$orig" "$work/t320/${f}_320.jpg" | awk -v n="$name" '{ printf "%-28s 320 only (fast path on): byline %5.2f\n", n, $2 }'
  # The ingest's thumbnail: 320 px alone from the main image (a 1/8-scale decode for most).
  "$BIN" psnr "$orig" "$work/t320np/${f}_320.jpg" | awk -v n="$name" '{ printf "%-28s 320 only (fast path off, as an ingest makes it): byline %5.2f\n", n, $2 }'
done
awk '{ b320 += $4; v320 += $6; b1600 += $9; v1600 += $11; n++; d = $9 - $11; if (n == 1 || d < worst) worst = d }
  END { printf "mean PSNR, %d files: 320 px byline %.2f vips %.2f | 1600 px byline %.2f vips %.2f (worst file byline - vips at 1600: %+.2f dB)\n", n, b320/n, v320/n, b1600/n, v1600/n, worst }' "$work/psnr"

[ "$BIG" -gt 0 ] || exit 0
echo "== peak RSS, $BIG-file batch"
mkdir -p "$work/rss"
for i in $(seq 0 $((BIG - 1))); do
  ln -f "${files[$((i % N))]}" "$work/big/$(printf 'b%05d' "$i").jpg"
done
/usr/bin/time -v "$BIN" batch "$work/rss" "$THREADS" "$work"/big/*.jpg 2>"$work/rss.txt"
grep -E "Maximum resident set size|Elapsed" "$work/rss.txt"
