// Fails when ui/package-lock.json lacks another platform's native build packages. npm only
// installs the optional packages the lockfile lists; a lockfile made where the registry lacked
// them (or by an npm that pruned them) builds here and breaks `npm ci` on Windows and macOS.
// Usage: node scripts/check-lockfile.js [path/to/package-lock.json]
"use strict";
const fs = require("fs");
const path = require("path");

const lockPath = process.argv[2] || path.join(__dirname, "..", "ui", "package-lock.json");
const lock = JSON.parse(fs.readFileSync(lockPath, "utf8"));
const packages = lock.packages || {};

// The platforms Byline is built on, and the native package names each one needs.
const platforms = {
  "win32-x64": ["@rollup/rollup-win32-x64-msvc", "@esbuild/win32-x64", "@tauri-apps/cli-win32-x64-msvc"],
  "darwin-arm64": ["@rollup/rollup-darwin-arm64", "@esbuild/darwin-arm64", "@tauri-apps/cli-darwin-arm64"],
  "darwin-x64": ["@rollup/rollup-darwin-x64", "@esbuild/darwin-x64", "@tauri-apps/cli-darwin-x64"],
  "linux-x64": ["@rollup/rollup-linux-x64-gnu", "@esbuild/linux-x64", "@tauri-apps/cli-linux-x64-gnu"],
};

// Each native package must be locked at the version its parent (rollup, esbuild, the Tauri CLI)
// asks for, wherever that parent sits in the tree.
const missing = [];
for (const [key, meta] of Object.entries(packages)) {
  const optional = meta.optionalDependencies || {};
  const base = key === "" ? "" : key + "/";
  for (const [platform, names] of Object.entries(platforms)) {
    for (const name of names) {
      if (!(name in optional)) continue;
      // npm resolves a dependency from the nearest node_modules upwards.
      let dir = base;
      let found;
      for (;;) {
        const entry = packages[dir + "node_modules/" + name];
        if (entry) { found = entry; break; }
        const at = dir.lastIndexOf("node_modules/", dir.length - 2);
        if (dir === "") break;
        dir = at < 0 ? "" : dir.slice(0, at);
      }
      const want = optional[name];
      if (!found) {
        missing.push(`${platform}: ${name}@${want} (needed by ${key || "the root"})`);
      } else if (found.version !== want && !want.startsWith("^") && !want.startsWith("~")) {
        missing.push(`${platform}: ${name} is ${found.version}, ${key} wants ${want}`);
      }
    }
  }
}
const parents = ["rollup", "esbuild", "@tauri-apps/cli"].filter(
  (p) => !Object.keys(packages).some((k) => k === "node_modules/" + p || k.endsWith("/node_modules/" + p)),
);
if (parents.length) missing.push(`no ${parents.join(", ")} in the lockfile at all`);

if (missing.length) {
  console.error(`${lockPath} lacks other platforms' packages, so \`npm ci\` fails there:`);
  for (const m of missing) console.error("  " + m);
  console.error("Regenerate it with a plain `npm install` in ui/ (npm adds every platform's optional packages).");
  process.exit(1);
}
console.log(`lockfile: rollup, esbuild and the Tauri CLI locked for ${Object.keys(platforms).join(", ")}`);
