#!/usr/bin/env bash
# Size of the release desktop app and its Debian installer (scripts/bundle-deb.sh), reused when
# already built (REBUILD=1 rebuilds). Not part of the test suite or CI.
#   bash bench/desktop-size.sh            REBUILD=1 bash bench/desktop-size.sh
# Peers, measured in the same run:
#  - binary: target/release/byline, the CLI. It links the same core (SQLite, photo pipeline, copy
#    desk, sync client) without the window, so desktop/CLI is what the Tauri shell (GTK/WebKitGTK
#    bindings, wry/tao, plugins, the embedded UI) adds on top of the app's own code.
#  - .deb: Debian's libwebkit2gtk-4.1-0 package (size from the local apt index, nothing downloaded),
#    the runtime the .deb depends on instead of bundling a browser engine.
set -euo pipefail
cd "$(dirname "$0")/.."
APP=target/release/byline-desktop
CLI=target/release/byline

newest_deb() { ls -t target/release/bundle/deb/*.deb 2>/dev/null | head -1 || true; }
deb=$(newest_deb)
if [ -n "${REBUILD:-}" ] || [ -z "$deb" ] || [ ! -x "$APP" ]; then
  bash scripts/bundle-deb.sh >&2
  deb=$(newest_deb)
fi
[ -x "$CLI" ] || cargo build --release --locked -q -p byline-cli
[ -n "$deb" ] || { echo "bench: no .deb under target/release/bundle/deb" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
size() { stat -c %s "$1"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
stripped() { strip --strip-all -o "$work/s" "$1" && size "$work/s"; }
symtab() { if readelf -S "$1" | grep -q '\.symtab'; then echo "not stripped"; else echo "already stripped"; fi; }

app=$(size "$APP"); app_s=$(stripped "$APP")
cli=$(size "$CLI"); cli_s=$(stripped "$CLI")
debb=$(size "$deb")
inst=$(dpkg-deb -f "$deb" Installed-Size)   # KiB
in_deb=$(dpkg-deb -c "$deb" | awk '$6 ~ /usr\/bin\/byline-desktop$/ { print $3 }')
wk_deb=$(apt-cache show libwebkit2gtk-4.1-0 2>/dev/null | awk '/^Size:/ { print $2; exit }')
wk_ver=$(apt-cache show libwebkit2gtk-4.1-0 2>/dev/null | awk '/^Version:/ { print $2; exit }')

echo "== release binary ($(git rev-parse --short HEAD), profile.release: lto=thin, codegen-units=4)"
echo "byline-desktop: $app bytes ($(mb "$app"), $(symtab "$APP")); strip --strip-all: $app_s bytes ($(mb "$app_s"))"
echo "peer byline CLI: $cli bytes ($(mb "$cli"), $(symtab "$CLI")); strip --strip-all: $cli_s bytes ($(mb "$cli_s"))"
echo "ratio desktop/CLI: $(ratio "$app" "$cli") as built, $(ratio "$app_s" "$cli_s") stripped"
echo "== .deb installer"
echo "$(basename "$deb"): $debb bytes ($(mb "$debb")); Installed-Size $inst KiB; byline-desktop inside: ${in_deb:-?} bytes"
echo "Depends: $(dpkg-deb -f "$deb" Depends); usr/bin: $(dpkg-deb -c "$deb" | awk '$6 ~ /^\.?\/?usr\/bin\/./ { sub(".*/", "", $6); printf "%s (%d bytes) ", $6, $3 }')"
if [ -n "$wk_deb" ]; then
  echo "peer libwebkit2gtk-4.1-0 $wk_ver .deb (apt index): $wk_deb bytes ($(mb "$wk_deb"))"
  echo "ratio Byline .deb / WebKitGTK runtime .deb: $(ratio "$debb" "$wk_deb")"
else
  echo "peer: libwebkit2gtk-4.1-0 not in the apt index (run apt-get update)"
fi
