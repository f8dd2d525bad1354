#!/usr/bin/env bash
# byline-server under wrk: article reads (GET /api/articles/{id} with a token, and the public
# page GET /articles/{id}) and writes (PUT /api/articles/{id}, each one a real new revision),
# against GET /health (the floor of the HTTP stack) in the same run. Not part of the test suite.
#   DURATION=10s THREADS=2 CONNS=4 bench/server-load.sh    (ONLY_WRITE=1: just the write run)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${DURATION:-10s}; THREADS=${THREADS:-2}; CONNS=${CONNS:-4}; PORT=${PORT:-18432}
POOL=${POOL:-8}   # articles written per wrk thread, round-robin (keeps every write a fast-forward)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
unset BYLINE_DATA_DIR BYLINE_SERVER BYLINE_TOKEN BYLINE_LISTEN

source bench/lib.sh
bench_apt wrk curl jq

cargo build --release -q --bin byline --bin byline-server
BYLINE=$CARGO_TARGET_DIR/release/byline
SERVER=$CARGO_TARGET_DIR/release/byline-server
URL=http://127.0.0.1:$PORT

work=$(mktemp -d)
spid=""
cleanup() { [ -n "$spid" ] && kill "$spid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# The server as deployed (default log level, per-request info lines go to a file), with the
# per-token rate limiter opened up so it does not cap the figures.
TOKEN=$("$SERVER" --data-dir "$work/srv" user add bench --role editor 2>/dev/null)
"$SERVER" --data-dir "$work/srv" --listen "127.0.0.1:$PORT" \
  --rate-burst 10000000 --rate-per-sec 10000000 2>"$work/server.log" &
spid=$!
for _ in $(seq 100); do curl -fsS "$URL/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$URL/health" >/dev/null

# One real published story: the model article, fixed, photos credited, published by the CLI.
lib=$work/lib
story=$("$BYLINE" --data-dir "$lib" article import fixtures/seed-article/article.md)
"$BYLINE" --data-dir "$lib" fix "$story" >/dev/null
mapfile -t ids < <("$BYLINE" --data-dir "$lib" photo list --json | jq -r '.[].id')
"$BYLINE" --data-dir "$lib" photo caption "${ids[@]}" --credit "Bench" >/dev/null
"$BYLINE" --data-dir "$lib" publish "$story" --server "$URL" --token "$TOKEN" --json >/dev/null
curl -fsS "$URL/api/articles/$story" -H "Authorization: Bearer $TOKEN" >"$work/env.json"
curl -fsS -o /dev/null "$URL/articles/$story"
printf 'article %s: %d bytes of API JSON, %d bytes of HTML\n' "$story" \
  "$(wc -c <"$work/env.json")" "$(curl -fsS "$URL/articles/$story" | wc -c)"

# Write targets: THREADS*POOL copies of the story under fresh ids (ids like the CLI makes).
# The PUT body template has @ID@ and @LEAD@ for the Lua script to fill in.
jq -c '{article: (.article | .lead = "@LEAD@" | .id = "@ID@")}' "$work/env.json" >"$work/template.json"
: >"$work/write-ids"
for _ in $(seq $((THREADS * POOL))); do
  wid=$(cat /proc/sys/kernel/random/uuid)
  jq -c --arg id "$wid" '{article: (.article | .id = $id)}' "$work/env.json" >"$work/one.json"
  curl -fsS -o /dev/null -X PUT "$URL/api/articles/$wid" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -H "Idempotency-Key: seed-$wid" --data-binary @"$work/one.json"
  echo "$wid" >>"$work/write-ids"
done

cat >"$work/put.lua" <<'EOF'
-- PUT /api/articles/{id}: each thread round-robins over its own POOL articles, changes the lead
-- every time and sends If-Match with the revision the server last answered for that article, so
-- every write is a fast-forward that makes a new revision (a stale one would be merged instead;
-- those are counted). Idempotency-Key is unique per request.
local ids, template, token, pool = {}, nil, os.getenv("BENCH_TOKEN"), tonumber(os.getenv("BENCH_POOL"))
local threads, counter = {}, 1
function setup(thread)
  thread:set("tid", counter); counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do table.insert(ids, line) end
  local f = io.open(os.getenv("BENCH_TEMPLATE")); template = f:read("*a"); f:close()
  rev, n, merged, bad = {}, 0, 0, 0
  mine = {}
  for i = 1, pool do mine[i] = ids[(tid - 1) * pool + i]; rev[i] = 1 end
end
function request()
  n = n + 1
  local k = (n - 1) % pool + 1
  local body = template:gsub("@ID@", mine[k]):gsub("@LEAD@", "Bench write " .. n .. " #" .. k .. "#")
  return wrk.format("PUT", "/api/articles/" .. mine[k], {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["If-Match"] = '"' .. rev[k] .. '"',
    ["Idempotency-Key"] = "w-" .. tid .. "-" .. n .. "-" .. os.time(),
  }, body)
end
function response(status, headers, body)
  if status ~= 200 and bad == 0 then io.stderr:write(status .. " " .. body:sub(1, 300) .. "\n") end
  if status ~= 200 then bad = bad + 1; return end
  local k = tonumber(body:match('Bench write %d+ #(%d+)#'))
  local r = tonumber(body:match('"server_revision":(%d+)'))
  if k and r then rev[k] = r end
  if body:find('"merged":true', 1, true) then merged = merged + 1 end
end
function done(summary, latency, requests)
  local m, b = 0, 0
  for _, t in ipairs(threads) do m = m + t:get("merged"); b = b + t:get("bad") end
  io.write(string.format("writes: %d merged (stale If-Match), %d not 200\n", m, b))
end
EOF

: >"$work/results"
run() { # label, wrk args... → prints wrk's output, appends "label req/s p99(ms) non2xx"
  local label=$1; shift
  echo "== $label"
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$@" | tee "$work/out"
  awk -v l="$label" '
    /Requests\/sec/ { rps = $2 }
    /^ +99%/ { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } p99 = v }
    /Non-2xx/ { bad = $NF }
    END { printf "%s %s %s %d\n", l, rps, p99, bad }' "$work/out" >>"$work/results"
}

if [ -z "${ONLY_WRITE:-}" ]; then run health "$URL/health"
run api-read -H "Authorization: Bearer $TOKEN" "$URL/api/articles/$story"
run html-read "$URL/articles/$story"
fi
BENCH_TOKEN=$TOKEN BENCH_POOL=$POOL BENCH_IDS=$work/write-ids BENCH_TEMPLATE=$work/template.json \
  run write -s "$work/put.lua" "$URL"
revs=$(curl -fsS "$URL/api/articles/$(head -1 "$work/write-ids")" -H "Authorization: Bearer $TOKEN" \
  | jq .server_revision)
echo "first write target is now at server revision $revs"

echo "== summary ($(nproc) cores, wrk -t$THREADS -c$CONNS -d$DURATION, server and wrk on the same machine)"
awk '
  { rps[$1] = $2; p99[$1] = $3; bad[$1] = $4; order[NR] = $1 }
  END {
    for (i = 1; i <= NR; i++) { l = order[i]
      printf "%-10s %9.0f req/s  p99 %7.2f ms  %5.2fx of /health req/s  non-2xx %d\n", l, rps[l], p99[l], (rps["health"] ? rps[l] / rps["health"] : 0), bad[l] }
  }' "$work/results"
