#!/usr/bin/env bash
# Builds a Debian package of the desktop app with the Tauri CLI from npm (pinned 2.11.5 in
# ui/package-lock.json): target/release/bundle/deb/Byline_*.deb. (AppImage needs downloads.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
(cd ui && npm run --silent build)
# The CLI only looks for its config inside the crate folder, with paths relative to it; the one
# config lives at the root (build.rs and generate_context! read it). Give the CLI a transient
# copy with src-tauri-relative paths; the UI is built above.
cfg=src-tauri/tauri.conf.json
trap 'rm -f "$cfg"' EXIT
node -e '
  const c = JSON.parse(require("fs").readFileSync("tauri.conf.json", "utf8"));
  c.build.frontendDist = "../ui/dist";
  delete c.build.beforeBuildCommand; delete c.build.beforeDevCommand;
  c.bundle.icon = c.bundle.icon.map((p) => p.replace(/^src-tauri\//, ""));
  require("fs").writeFileSync(process.argv[1], JSON.stringify(c, null, 2));
' "$cfg"
# The npm packages (ui/package.json) match the crates in Cargo.lock minor for minor (tauri 2.11,
# tauri-plugin-dialog 2.7); the CLI refuses to bundle when they drift.
TAURI_APP_PATH=src-tauri ui/node_modules/.bin/tauri build --ci --bundles deb
ls -l target/release/bundle/deb/*.deb
