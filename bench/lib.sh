# Shared by the bench scripts (sourced, from the repository root): their own tools and builds.

# Installs the Debian packages a bench needs (its own tools, not build dependencies, so not in
# scripts/deps.sh).
bench_apt() {
  local need=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
  if [ ${#need[@]} -gt 0 ]; then
    local SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
}

# The desktop benches drive the app under Xvfb over WebDriver; scripts/deps.sh installs these.
bench_desktop_tools() {
  local t
  for t in xvfb-run tauri-driver WebKitWebDriver node; do
    command -v "$t" >/dev/null || { echo "bench: $t missing (bash scripts/deps.sh)" >&2; exit 1; }
  done
}

# The release desktop app and CLI with the built UI (NO_BUILD=1 reuses target/release as is).
bench_build_desktop() {
  if [ -z "${NO_BUILD:-}" ]; then
    (cd ui && npm run --silent build) >/dev/null
    cargo build --release --locked -q -p byline-desktop -p byline-cli
  fi
}
