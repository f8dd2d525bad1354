#!/usr/bin/env bash
# Ingest benchmark: `byline photo ingest` of N camera JPEGs into a fresh library plus a backup
# folder (library copy, 320 px thumbnails, backup copy verified by reading it back; the 1600 px
# previews, which the ingest leaves for later, are timed after it as `photo previews`)
# against the plain floor: `cp` of the same files to two folders, then `sha256sum` of both
# copies. Same files, same disk, same run, page cache warmed equally. Not part of the tests.
# Needs ../shared/corpus/fullsize (the full-size camera JPEGs) and exiftool (scripts/deps.sh).
#   N=200 bench/ingest.sh            (BEFORE=path/to/byline times another build in the same rounds;
#                                      PROFILE=dev reuses the debug build, whose photo paths
#                                      are optimised too: see [profile.dev.package.*])
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200}; PROFILE=${PROFILE:-release}; ROUNDS=${ROUNDS:-3}
SRC=${SRC:-$(cd .. && pwd)/shared/corpus/fullsize}
[ -d "$SRC" ] || { echo "bench: $SRC not found" >&2; exit 1; }
if [ -n "${BIN:-}" ]; then
  :   # a given binary (e.g. while another build holds the target folder)
elif [ "$PROFILE" = dev ]; then
  cargo build -q -p byline-cli; BIN=$PWD/target/debug/byline
else
  cargo build --release -q -p byline-cli; BIN=$PWD/target/release/byline
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/card"
srcs=("$SRC"/*.jpg)
# N distinct files (a library keeps one copy of identical bytes): each copy gets its own
# EXIF ImageUniqueID, as a camera's frames do.
for i in $(seq 0 $((N - 1))); do
  f="$work/card/$(printf 'IMG_%04d' "$i").JPG"
  cp "${srcs[$((i % ${#srcs[@]}))]}" "$f"
done
exiftool -q -q -overwrite_original '-EXIF:ImageUniqueID<$FileName' "$work/card" >/dev/null
cat "$work"/card/* >/dev/null   # warm the page cache equally for both

# Both run at nice 10, the priority Byline's decoders give themselves (they yield to the
# foreground): on a shared machine a floor at nice 0 would take the cores Byline leaves to others.
run() { # label, command… → wall seconds appended to $work/times
  local label=$1; shift
  sync
  local t0 t1
  t0=$(date +%s.%N); nice -n 10 "$@" >/dev/null 2>&1; t1=$(date +%s.%N)
  echo "$label $(echo "$t1 - $t0" | bc -l)" >>"$work/times"
  printf '%-8s %6.2f s\n' "$label" "$(echo "$t1 - $t0" | bc -l)"
}
floor() {
  mkdir -p "$work/a" "$work/b"
  cp "$work"/card/* "$work/a/" && cp "$work"/card/* "$work/b/"
  sync   # byline fsyncs every copy; the floor's copies must reach the disk too
  sha256sum "$work"/a/* "$work"/b/* >/dev/null
}

echo "== $N camera JPEGs ($(du -sh "$work/card" | cut -f1)), $(nproc) cores, load$(uptime | sed 's/.*load average//')"
for _ in $(seq 1 "$ROUNDS"); do
  rm -rf "$work/a" "$work/b" "$work/lib" "$work/backup"
  run "floor" bash -c "$(declare -f floor); work='$work' floor"
  run "byline" "$BIN" --data-dir "$work/lib" photo ingest "$work/card" --backup "$work/backup" \
    --rename '{date}_{time}_{seq}_{original}' --json
  # The 1600 px previews the ingest left for later (the app makes them in the background right
  # after; timed here on their own, straight after the ingest, so the whole job is known too).
  run "previews" "$BIN" --data-dir "$work/lib" photo previews --json
  if [ -n "${BEFORE:-}" ]; then   # another build (e.g. main's) in the same rounds, for a before/after
    rm -rf "$work/lib" "$work/backup"
    run "before" "$BEFORE" --data-dir "$work/lib" photo ingest "$work/card" --backup "$work/backup" \
      --rename '{date}_{time}_{seq}_{original}' --json
  fi
done
[ "$(ls "$work/backup" | wc -l)" -eq "$N" ] || { echo "bench: backup has $(ls "$work/backup" | wc -l) of $N" >&2; exit 1; }
# Best of the rounds, and each round's own ratio (its Byline run against the floor run just
# before it): on a shared host both sides of one round see the same neighbours, so the median of
# the per-round ratios is the steadier figure when the best times come from different rounds.
awk '{ s[$1] = (s[$1] == "" || $2 < s[$1]) ? $2 : s[$1]
       if ($1 == "floor") f = $2; else { n[$1]++; r[$1, n[$1]] = $2 / f }
       if ($1 == "byline") b = $2
       if ($1 == "previews") { n["whole"]++; r["whole", n["whole"]] = ($2 + b) / f } }
     function median(k,   i, j, t, a, m) { m = n[k]; for (i = 1; i <= m; i++) a[i] = r[k, i]
       for (i = 2; i <= m; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
       return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
     END { printf "best of '"$ROUNDS"': byline %.2f s, cp×2 + sync + sha256sum %.2f s → %.2f× the floor (goal ≤ 1.5×)\n", s["byline"], s["floor"], s["byline"] / s["floor"]
           printf "median of the per-round ratios: byline %.2f×\n", median("byline")
           printf "previews made later (photo previews): best %.2f s; ingest + previews, median per-round ratio %.2f× the floor\n", s["previews"], median("whole")
           if ("before" in s) printf "before: %.2f s → %.2f× the floor; median per-round ratio %.2f×\n", s["before"], s["before"] / s["floor"], median("before") }' "$work/times"
