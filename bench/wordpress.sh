#!/usr/bin/env bash
# Publishing the model story to WordPress: `byline publish ID --to wp` (first publish: API
# discovery, a lookup and an upload per photo with caption/credit/alt/title, the section's
# category, the post lookup and creation) against the same REST calls made by `curl` from a
# script, in the same run, against the same local WordPress (scripts/wordpress-dev.sh). Goal:
# byline <= 1.2x curl's time. Not part of the test suite or CI.
#   REPS=5 bench/wordpress.sh
# Rounds alternate byline, curl, byline, curl…; between rounds (untimed) every post, media item
# and category is deleted, so each round creates everything afresh. Byline uploads the copy
# with the caption written into its IPTC (what it always sends); curl uploads the original
# files and posts a content body rendered beforehand (no rendering cost at all for the peer).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
REPS=${REPS:-5}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
unset BYLINE_DATA_DIR
export BYLINE_KEYCHAIN=off

source bench/lib.sh
bench_apt curl jq

PROFILE=${PROFILE:-release}
if [ "$PROFILE" = release ]; then
  cargo build --release -q --bin byline
else
  cargo build -q --bin byline
fi
BYLINE=$CARGO_TARGET_DIR/$PROFILE/byline

work=$(mktemp -d)
cleanup() { bash scripts/wordpress-dev.sh stop "$work/wp" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
bash scripts/wordpress-dev.sh start "$work/wp" >"$work/wp.env"
URL=$(sed -n 's/^url=//p' "$work/wp.env")
WPUSER=$(sed -n 's/^user=//p' "$work/wp.env")
APP=$(sed -n 's/^app_password=//p' "$work/wp.env")
AUTH="$WPUSER:$APP"
API="$URL/wp-json"
PHOTOS=(fixtures/seed-article/photos/toan-canh.jpg fixtures/seed-article/photos/lanh-dao.jpg fixtures/seed-article/photos/dai-dien.jpg)
CAPTIONS=("Toàn cảnh hội nghị." "Lãnh đạo LĐLĐ tỉnh phát biểu tại hội nghị." "Đại diện đoàn công tác của Tổng Liên đoàn Việt Nam phát biểu tại hội nghị.")

reset_site() { # deletes every post, media item and category but "Uncategorized" (untimed)
  local kind id
  for kind in posts media; do
    for id in $(curl -fsS -u "$AUTH" "$API/wp/v2/$kind?per_page=100&status=any&_fields=id" 2>/dev/null | jq -r '.[].id' 2>/dev/null \
      || curl -fsS -u "$AUTH" "$API/wp/v2/$kind?per_page=100&_fields=id" | jq -r '.[].id'); do
      curl -fsS -u "$AUTH" -X DELETE "$API/wp/v2/$kind/$id?force=true" >/dev/null
    done
  done
  for id in $(curl -fsS -u "$AUTH" "$API/wp/v2/categories?per_page=100&_fields=id" | jq -r '.[] | select(.id != 1) | .id'); do
    curl -fsS -u "$AUTH" -X DELETE "$API/wp/v2/categories/$id?force=true" >/dev/null
  done
}

now() { date +%s.%N; }

byline_round() { # → seconds of `byline publish --to` alone
  local lib="$work/lib-$1" id t0 t1
  rm -rf "$lib"
  id=$("$BYLINE" --data-dir "$lib" article import fixtures/seed-article/article.md)
  "$BYLINE" --data-dir "$lib" destination add wp --wordpress "$URL" --user "$WPUSER" --app-password "$APP" >/dev/null
  t0=$(now)
  "$BYLINE" --data-dir "$lib" --json publish "$id" --to wp >"$work/byline-$1.json"
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}

# The curl peer: the same calls in the same order, each a fresh curl process.
curl_publish() {
  local slug=$1 i mslug found cat post
  curl -fsS -I "$URL/" -o /dev/null -D "$work/head"          # discovery (Link header)
  grep -qi 'rel="https://api.w.org/"' "$work/head"
  local media_ids=()
  for i in 0 1 2; do
    mslug="curl-$slug-$i"
    found=$(curl -fsS -u "$AUTH" -G "$API/wp/v2/media" --data-urlencode "slug=$mslug" --data-urlencode "_fields=id,source_url,slug")
    [ "$found" = "[]" ] || { echo "bench: media $mslug exists" >&2; exit 1; }
    media_ids+=("$(curl -fsS -u "$AUTH" -X POST "$API/wp/v2/media" \
      --url-query "slug=$mslug" --url-query "title=${CAPTIONS[$i]}" \
      --url-query "caption=${CAPTIONS[$i]} (Ảnh: Cảnh Toàn)" --url-query "alt_text=${CAPTIONS[$i]}" \
      --url-query "description=Ảnh: Cảnh Toàn" \
      -H 'Expect:' -H 'Content-Type: image/jpeg' -H "Content-Disposition: attachment; filename=$mslug.jpg" \
      --data-binary @"${PHOTOS[$i]}" | jq -r .id)")
  done
  cat=$(curl -fsS -u "$AUTH" -G "$API/wp/v2/categories" --data-urlencode "search=Trong tỉnh" \
    --data-urlencode "per_page=100" --data-urlencode "_fields=id,name" | jq -r '.[0].id // empty')
  [ -n "$cat" ] || cat=$(curl -fsS -u "$AUTH" -X POST "$API/wp/v2/categories" \
    -H 'Content-Type: application/json' -d '{"name":"Trong tỉnh"}' | jq -r .id)
  post=$(curl -fsS -u "$AUTH" -G "$API/wp/v2/posts" --data-urlencode "slug=curl-$slug" \
    --data-urlencode "status=publish,future,draft,pending,private" --data-urlencode "context=edit" \
    --data-urlencode "_fields=id,link,slug")
  [ "$post" = "[]" ] || { echo "bench: post exists" >&2; exit 1; }
  jq --arg slug "curl-$slug" --argjson cat "$cat" --argjson feat "${media_ids[0]}" \
    '.slug = $slug | .categories = [$cat] | .featured_media = $feat' "$work/post.json" >"$work/post-$slug.json"
  curl -fsS -u "$AUTH" -X POST "$API/wp/v2/posts" -H 'Content-Type: application/json' \
    --data-binary @"$work/post-$slug.json" -o /dev/null
}

curl_round() {
  local t0 t1
  t0=$(now)
  curl_publish "$1"
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}

# A warm-up publish by byline gives the peer its post body (title, excerpt, block content,
# date, status) as byline rendered it, so both send the same post.
echo "== warm-up (untimed)"
byline_round warm >/dev/null
pid=$(jq -r .post_id "$work/byline-warm.json")
curl -fsS -u "$AUTH" "$API/wp/v2/posts/$pid?context=edit" \
  | jq '{title: .title.raw, content: .content.raw, excerpt: .excerpt.raw, status, date_gmt}' >"$work/post.json"
reset_site

made() { # checks (untimed) that a round made exactly one post and three media items
  local p m
  p=$(curl -fsS -u "$AUTH" "$API/wp/v2/posts?per_page=100&_fields=id" | jq length)
  m=$(curl -fsS -u "$AUTH" "$API/wp/v2/media?per_page=100&_fields=id" | jq length)
  [ "$p" = 1 ] && [ "$m" = 3 ] || { echo "bench: the $1 round made $p post(s), $m media item(s); expected 1 and 3" >&2; exit 1; }
}

b=(); c=()
for r in $(seq "$REPS"); do
  b+=("$(byline_round "$r")"); made byline; reset_site
  c+=("$(curl_round "$r")"); made curl; reset_site
  printf 'round %d: byline %.3f s, curl %.3f s\n' "$r" "${b[-1]}" "${c[-1]}"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mb=$(median "${b[@]}"); mc=$(median "${c[@]}")
echo "median: byline $mb s, curl $mc s, ratio $(echo "$mb / $mc" | bc -l | cut -c1-5)x (goal <= 1.2x)"
