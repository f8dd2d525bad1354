#!/usr/bin/env bash
# Installs every system package and tool Byline's build and tests need on Debian/Ubuntu.
# Idempotent and quick when everything is present. Used by scripts/test.sh and scripts/run.sh.
set -euo pipefail

# Debian packages. Each line says who needs it.
APT_PACKAGES=(
  pkg-config            # -sys crates
  libimage-exiftool-perl  # photo tests compare metadata against exiftool
  hunspell-vi           # copy desk spelling (vi_VN dictionary, loaded at run time)
  cmake                 # byline-media: turbojpeg-sys builds its bundled libjpeg-turbo 3.x
  nasm                  # byline-media: libjpeg-turbo SIMD (turbojpeg require-simd)
)

need=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "deps: installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "deps: cargo not found; install Rust from rustup.rs first" >&2; exit 1; }
rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt
