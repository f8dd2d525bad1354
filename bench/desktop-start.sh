#!/usr/bin/env bash
# Cold start to an interactive window and idle memory of the release desktop app, under Xvfb,
# driven over WebDriver (tauri-driver + WebKitWebDriver) by bench/desktop.mjs. Goals: < 1 s to an
# interactive window, < 150 MB idle RSS. Not part of the test suite or CI.
#   RUNS=10 IDLE_S=5 bash bench/desktop-start.sh        (NO_BUILD=1 reuses target/release as is)
#
# Each run is a fresh process: the WebDriver new-session request makes WebKitWebDriver exec the
# browser binary; the clock runs from that request until the element appears (polled over
# WebDriver every ~5 ms). Two marks: the app shell (its navigation, `nav [data-nav=photos]`, the
# same mark for the peer) and, for Byline, the story list (`#story-list`, with the model story:
# `#story-list .story-row`), which needs the IPC round trip into the library. Idle memory: IDLE_S
# seconds after that, RSS (and PSS, which counts shared pages once) of the browser process and
# all its descendants (WebKitWebProcess, WebKitNetworkProcess) from /proc.
# Configurations, interleaved run by run after one uncounted warm-up each:
#   byline-fresh  an empty library (a fresh BYLINE_DATA_DIR)
#   byline-story  a library with the model story (fixtures/seed-article/article.md, via the CLI)
#   minibrowser   peer: Debian's WebKitGTK MiniBrowser opening the same built ui/dist/index.html
#                 (served on 127.0.0.1 by the driver), the floor of any WebKitGTK app
#   minibrowser-software  the same peer without GL compositing, which is how Byline paints on a
#                 machine with no GPU render node (like this one; see host::paint_in_software)
# Memory: RSS counts each shared library once per process (libLLVM, libwebkit2gtk and
# JavaScriptCore are mapped by two or three of them); PSS shares them out; USS is what only these
# processes hold.
# Each configuration has fresh XDG config/cache/data folders (window state, WebKit caches).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export RUNS=${RUNS:-10} IDLE_S=${IDLE_S:-5}
export MINIBROWSER=${MINIBROWSER:-/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser}
unset BYLINE_DATA_DIR

[ -x "$MINIBROWSER" ] || { echo "bench: $MINIBROWSER missing (package libwebkit2gtk-4.1-0)" >&2; exit 1; }
source bench/lib.sh
bench_desktop_tools
bench_build_desktop
export APP=$ROOT/target/release/byline-desktop PEER_DIST=$ROOT/ui/dist
CLI=$ROOT/target/release/byline

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DATA_FRESH=$work/fresh DATA_STORY=$work/story
mkdir -p "$DATA_FRESH"
"$CLI" --data-dir "$DATA_STORY" article import fixtures/seed-article/article.md >/dev/null

echo "== $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(git rev-parse --short HEAD); WebKitGTK $(dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0)"
xvfb-run -a -s "-screen 0 1280x800x24" node bench/desktop.mjs start
