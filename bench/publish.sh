#!/usr/bin/env bash
# Publish throughput: `byline publish` of a story with N (30) ~8 MB photos over loopback vs a raw
# curl tus upload (one creation POST + one whole-file PATCH per photo, sequential) of the same
# bytes, in the same run. Goal: byline >= 0.9x curl's MB/s. Not part of the test suite or CI.
#   REPS=3 N=30 bench/publish.sh
# Both sides send Upload-Checksum (byline: per 4 MB chunk, computed while publishing; curl: one
# whole-file digest, computed before the timer starts, which only flatters the peer).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
N=${N:-30}; REPS=${REPS:-3}; PORT=${PORT:-18431}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
unset BYLINE_DATA_DIR BYLINE_SERVER BYLINE_TOKEN BYLINE_LISTEN

source bench/lib.sh
bench_apt curl jq bc

cargo build --release -q --bin byline --bin byline-server
cargo build --release -q -p byline-core --example noise_jpegs
BYLINE=$CARGO_TARGET_DIR/release/byline
SERVER=$CARGO_TARGET_DIR/release/byline-server
URL=http://127.0.0.1:$PORT

work=$(mktemp -d)
spid=""
cleanup() { [ -n "$spid" ] && kill "$spid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

start_server() { # data dir → starts a fresh server, sets $spid and $TOKEN
  local dir=$1
  TOKEN=$("$SERVER" --data-dir "$dir" user add bench --role editor 2>/dev/null)
  RUST_LOG=warn "$SERVER" --data-dir "$dir" --listen "127.0.0.1:$PORT" \
    --rate-burst 100000 --rate-per-sec 100000 2>"$dir.log" &
  spid=$!
  for _ in $(seq 100); do curl -fsS "$URL/health" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "bench: server did not start (see $dir.log)" >&2; cat "$dir.log" >&2; exit 1
}
stop_server() { kill "$spid"; wait "$spid" 2>/dev/null || true; spid=""; }

missing_of_ours() { # → number of the N photos the server lacks
  curl -fsS -X POST "$URL/api/blobs/batch" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data-binary @"$work/want.json" | jq '.missing | length'
}

now() { date +%s.%N; }

echo "== generating $N noise JPEGs"
"$CARGO_TARGET_DIR/release/examples/noise_jpegs" "$work/photos" "$N" >/dev/null
files=("$work"/photos/*.jpg)
bytes=$(cat "${files[@]}" | wc -c)
printf '%d files, %.1f MB total (%.2f MB each on average)\n' "$N" "$(echo "$bytes/1000000" | bc -l)" \
  "$(echo "$bytes/1000000/$N" | bc -l)"
# Per file: hex sha, tus metadata (base64 of the hex), checksum header (base64 of the digest), size.
: >"$work/meta"
for f in "${files[@]}"; do
  hex=$(sha256sum "$f" | cut -d' ' -f1)
  printf '%s %s %s %s %s\n' "$f" "$hex" "$(printf %s "$hex" | base64 -w0)" \
    "$(printf %s "$hex" | xxd -r -p | base64 -w0)" "$(stat -c %s "$f")" >>"$work/meta"
done
awk '{printf "%s{\"sha256\":\"%s\",\"size\":%s}", (NR>1?",":"["), $2, $5} END {print "]"}' \
  "$work/meta" >"$work/want.json"

echo "== preparing the byline library (import, fix, caption, attach $N figures)"
lib0=$work/lib0
story=$("$BYLINE" --data-dir "$lib0" article import fixtures/seed-article/article.md)
"$BYLINE" --data-dir "$lib0" fix "$story" >/dev/null
"$BYLINE" --data-dir "$lib0" photo import "$work/photos" --json 2>/dev/null \
  | jq -r '.imported[].id' >"$work/ids"
[ "$(wc -l <"$work/ids")" -eq "$N" ] || { echo "bench: photo import did not import $N files" >&2; exit 1; }
mapfile -t all_ids < <("$BYLINE" --data-dir "$lib0" photo list --json | jq -r '.[].id')
"$BYLINE" --data-dir "$lib0" photo caption "${all_ids[@]}" --credit "Bench" >/dev/null
i=0
while read -r pid; do
  i=$((i + 1))
  "$BYLINE" --data-dir "$lib0" article attach "$story" "$pid" --caption "Ảnh $i." >/dev/null
done <"$work/ids"
blocking=$("$BYLINE" --data-dir "$lib0" check "$story" --json | jq -r '[.[] | .rule] | unique | join(",")')
[ -n "$blocking" ] && echo "copy desk findings left (publish decides which block): $blocking"

: >"$work/results"
for rep in $(seq "$REPS"); do
  # --- byline ---
  rm -rf "$work/lib" && cp -a "$lib0" "$work/lib"
  cat "$work"/lib/photos/*/* "${files[@]}" >/dev/null 2>&1 || true   # warm the page cache
  sync   # flush the library copy's dirty pages now, not during the timed publish
  start_server "$work/srv-b$rep"
  t0=$(now)
  "$BYLINE" --data-dir "$work/lib" publish "$story" --server "$URL" --token "$TOKEN" --json \
    >"$work/pub.json"
  t1=$(now)
  sent=$(jq .uploaded_bytes "$work/pub.json")
  miss=$(missing_of_ours)
  stop_server
  bt=$(echo "$t1 - $t0" | bc -l)
  bmbs=$(echo "$sent / 1000000 / $bt" | bc -l)
  printf 'rep %d byline: %d bytes (%d photos + 3 fixture photos) in %.2f s = %.1f MB/s; missing on server: %s\n' \
    "$rep" "$sent" "$N" "$bt" "$bmbs" "$miss"
  [ "$miss" -eq 0 ] || { echo "bench: byline left $miss photos missing" >&2; exit 1; }

  # --- curl peer ---
  cat "${files[@]}" >/dev/null
  sync
  start_server "$work/srv-c$rep"
  t0=$(now)
  while read -r f hex meta sum size; do
    loc=$(curl -sS -o /dev/null -D - -X POST "$URL/api/uploads" -H "Authorization: Bearer $TOKEN" \
      -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $size" -H "Upload-Metadata: sha256 $meta" \
      | tr -d '\r' | awk 'tolower($1) == "location:" {print $2}')
    curl -fsS -o /dev/null -X PATCH "$URL$loc" -H "Authorization: Bearer $TOKEN" \
      -H 'Tus-Resumable: 1.0.0' -H 'Upload-Offset: 0' -H "Upload-Checksum: sha256 $sum" \
      -H 'Content-Type: application/offset+octet-stream' --data-binary @"$f"
  done <"$work/meta"
  t1=$(now)
  miss=$(missing_of_ours)
  stop_server
  ct=$(echo "$t1 - $t0" | bc -l)
  cmbs=$(echo "$bytes / 1000000 / $ct" | bc -l)
  printf 'rep %d curl:   %d bytes in %.2f s = %.1f MB/s; missing on server: %s\n' \
    "$rep" "$bytes" "$ct" "$cmbs" "$miss"
  [ "$miss" -eq 0 ] || { echo "bench: curl left $miss photos missing" >&2; exit 1; }
  printf 'rep %d ratio byline/curl: %.2fx\n' "$rep" "$(echo "$bmbs / $cmbs" | bc -l)"
  echo "$bmbs $cmbs" >>"$work/results"
  rm -rf "$work/srv-b$rep" "$work/srv-c$rep"
done

awk '{ print $1 / $2 }' "$work/results" | sort -n | awk '{ r[NR] = $1 } END { print r[int((NR + 1) / 2)] }' >"$work/median"
awk -v reps="$REPS" -v med="$(cat "$work/median")" '
  { s += $1 / $2; bs += $1; cs += $2 }
  END { printf "summary: byline %.1f MB/s, curl %.1f MB/s (means of %d reps); ratio byline/curl mean %.2fx, median %.2fx (goal >= 0.90x)\n", bs/NR, cs/NR, reps, s/NR, med }' "$work/results"
