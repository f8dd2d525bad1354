#!/usr/bin/env bash
# byline-server at scale: article reads (GET /api/articles/{id} with a token) and publishes
# (POST /api/articles/{id}/publish with a correction, each one a new published version) per
# second with p99, on three set-ups measured in the same run:
#   sqlite  one server on its embedded SQLite (synchronous=FULL)       ← the peer: ratios are to it
#   pg1     one server on PostgreSQL (a cluster started here, fsync ON, as deployed)
#   pg2     two servers on that same PostgreSQL database, wrk driving both at once (half the
#           connections each; req/s summed, p99 the worse of the two)
# Server, PostgreSQL and wrk share this machine's cores: the figures compare set-ups on one
# machine, they do not predict a cluster. Not part of the test suite.
#   DURATION=10s THREADS=2 CONNS=8 POOL=8 bash bench/server-scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${DURATION:-10s}; THREADS=${THREADS:-2}; CONNS=${CONNS:-8}; POOL=${POOL:-8}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
unset BYLINE_DATA_DIR BYLINE_SERVER BYLINE_TOKEN BYLINE_LISTEN BYLINE_DATABASE_URL

source bench/lib.sh
bench_apt wrk curl jq postgresql

cargo build --release -q --bin byline --bin byline-server
BYLINE=$CARGO_TARGET_DIR/release/byline
SERVER=$CARGO_TARGET_DIR/release/byline-server
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -d "$work/pg" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# PostgreSQL as a newsroom would run it (durable: fsync and synchronous_commit on), on a socket.
mkdir -p "$work/pg/sock" && chown -R postgres:postgres "$work/pg"
runuser -u postgres -- "$PGBIN/initdb" -D "$work/pg/data" -U byline -A trust -E UTF8 --locale=C >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$work/pg/data" -w -l "$work/pg/log" \
  -o "-c listen_addresses='' -c unix_socket_directories=$work/pg/sock -c max_connections=200" start >/dev/null
"$PGBIN/createdb" -h "$work/pg/sock" -U byline pg1
"$PGBIN/createdb" -h "$work/pg/sock" -U byline pg2
pgurl() { echo "postgres://byline@localhost/$1?host=$work/pg/sock"; }

# The model story without its figures (no blob store is shared between the pg2 servers here).
lib=$work/lib
story=$("$BYLINE" --data-dir "$lib" article import fixtures/seed-article/article.md)
"$BYLINE" --data-dir "$lib" article show "$story" --json \
  | jq -c '.blocks |= map(select(.type != "figure"))' >"$work/article.json"

port=18500
start_server() { # name database → its base URL appended to $urls; its pid joins $pids
  local name=$1 db=$2
  port=$((port + 1))
  while curl -s -o /dev/null "http://127.0.0.1:$port/health"; do port=$((port + 1)); done
  "$SERVER" --data-dir "$work/$name" --database "$db" --listen "127.0.0.1:$port" \
    --rate-burst 10000000 --rate-per-sec 10000000 2>"$work/$name.log" >/dev/null &
  pids+=($!)
  for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null
  urls+=("http://127.0.0.1:$port")
}

seed() { # url token → writes $work/ids-<n> with THREADS*POOL published story ids
  local url=$1 token=$2 out=$3
  : >"$out"
  for _ in $(seq $((THREADS * POOL))); do
    local id; id=$(cat /proc/sys/kernel/random/uuid)
    jq -c --arg id "$id" '{article: (. | .id = $id)}' "$work/article.json" >"$work/one.json"
    curl -fsS -o /dev/null -X PUT "$url/api/articles/$id" -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -H "Idempotency-Key: seed-$id" --data-binary @"$work/one.json"
    curl -fsS -o /dev/null -X POST "$url/api/articles/$id/publish" -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' --data '{}'
    echo "$id" >>"$out"
  done
}

cat >"$work/publish.lua" <<'EOF'
-- POST /api/articles/{id}/publish with a fresh correction: each request a new published version.
-- Each thread round-robins over its own POOL stories.
local ids, token, pool = {}, os.getenv("BENCH_TOKEN"), tonumber(os.getenv("BENCH_POOL"))
local counter = 1
function setup(thread) thread:set("tid", counter); counter = counter + 1 end
function init(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do table.insert(ids, line) end
  n, bad = 0, 0
end
function request()
  n = n + 1
  local id = ids[(tid - 1) * pool + (n - 1) % pool + 1]
  return wrk.format("POST", "/api/articles/" .. id .. "/publish", {
    ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json",
  }, '{"correction":"Đính chính lần ' .. tid .. "-" .. n .. '"}')
end
function response(status, headers, body)
  if status ~= 200 and bad == 0 then io.stderr:write(status .. " " .. body:sub(1, 300) .. "\n") end
  if status ~= 200 then bad = bad + 1 end
end
EOF

cat >"$work/read.lua" <<'EOF'
-- GET /api/articles/{id} over the seeded stories, round-robin.
local ids, token = {}, os.getenv("BENCH_TOKEN")
function init(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do table.insert(ids, line) end
  n = 0
end
function request()
  n = n + 1
  return wrk.format("GET", "/api/articles/" .. ids[(n - 1) % #ids + 1], {["Authorization"] = "Bearer " .. token})
end
EOF

: >"$work/results"
p99_ms() { awk '/^ +99%/ { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } print v }' "$1"; }
rps() { awk '/Requests\/sec/ { print $2 }' "$1"; }
non2xx() { awk '/Non-2xx/ { n = $NF } END { print n + 0 }' "$1"; }

measure() { # label kind script url... → one wrk per url at once, CONNS split between them
  local label=$1 kind=$2 script=$3; shift 3
  local n=$# i=0 files=() wpids=()
  for url in "$@"; do
    i=$((i + 1))
    BENCH_TOKEN=${TOKENS[$((i - 1))]} BENCH_POOL=$POOL BENCH_IDS=$work/ids-$label \
      wrk -t"$THREADS" -c$((CONNS / n)) -d"$DURATION" --latency -s "$script" "$url" >"$work/$label-$kind-$i.out" 2>&1 &
    wpids+=($!)
    files+=("$work/$label-$kind-$i.out")
  done
  wait "${wpids[@]}"
  local total=0 worst=0 bad=0
  for f in "${files[@]}"; do
    total=$(awk -v a="$total" -v b="$(rps "$f")" 'BEGIN { print a + b }')
    worst=$(awk -v a="$worst" -v b="$(p99_ms "$f")" 'BEGIN { print (b > a) ? b : a }')
    bad=$((bad + $(non2xx "$f")))
  done
  echo "$label $kind $total $worst $bad" | tee -a "$work/results"
}

for setup in sqlite pg1 pg2; do
  echo "== $setup"
  case $setup in
    sqlite) db=sqlite; n=1 ;;
    pg1) db=$(pgurl pg1); n=1 ;;
    pg2) db=$(pgurl pg2); n=2 ;;
  esac
  TOKENS=("$("$SERVER" --data-dir "$work/$setup-1" --database "$db" user add bench --role editor 2>/dev/null)")
  urls=()
  for i in $(seq $n); do
    start_server "$setup-$i" "$db"
    TOKENS[$((i - 1))]=${TOKENS[0]}
  done
  seed "${urls[0]}" "${TOKENS[0]}" "$work/ids-$setup"
  measure "$setup" read "$work/read.lua" "${urls[@]}"
  measure "$setup" publish "$work/publish.lua" "${urls[@]}"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
done

echo "== summary ($(nproc) cores; wrk -t$THREADS -c$CONNS -d$DURATION per set-up; servers, PostgreSQL and wrk on one machine)"
awk '
  { k = $1 " " $2; rps[k] = $3; p99[k] = $4; bad[k] = $5; order[NR] = k }
  END {
    for (i = 1; i <= NR; i++) { k = order[i]; split(k, p, " ")
      base = "sqlite " p[2]
      printf "%-7s %-8s %9.0f /s  %5.2fx of sqlite   p99 %8.2f ms  %5.2fx of sqlite   non-2xx %d\n",
        p[1], p[2], rps[k], rps[k] / rps[base], p99[k], p99[k] / p99[base], bad[k] }
  }' "$work/results"
