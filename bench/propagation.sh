#!/usr/bin/env bash
# Propagation between two watching editors: time from editor A's publish returning to the story
# showing in editor B's library, where B runs the sync engine (its feed loop), against the
# manual way measured in the same run: an explicit `byline sync` on a third library C right after
# the publish. TRIES (20) tries each, p50/p95 and the ratio engine/peer. A real byline-server
# process on 127.0.0.1; no photo bytes travel after the warm-up. Not part of the test suite.
#   TRIES=20 bench/propagation.sh          (PROFILE=dev: debug build, to reuse a test build)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TRIES=${TRIES:-20}; PROFILE=${PROFILE:-release}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
unset BYLINE_DATA_DIR BYLINE_SERVER BYLINE_TOKEN BYLINE_LISTEN
export BYLINE_KEYCHAIN=off

dir=$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")
cargo build --profile "$PROFILE" -q -p byline-cli -p byline-server
cargo build --profile "$PROFILE" -q -p byline-tests --example propagation
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$CARGO_TARGET_DIR/$dir/examples/propagation" "$TRIES"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
