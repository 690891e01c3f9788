#!/usr/bin/env bash
# Make sure the Debian packages in system-packages.txt are installed (reports need them: Chromium draws the charts,
# Pango lays out the PDF). Installs them with apt when run as root on Debian; otherwise says exactly what to install
# and carries on (the app runs; only building reports fails, with a message that names the fix).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t packages < <(grep -v '^\s*#' system-packages.txt | grep -v '^\s*$')
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not Debian: install Chromium and Pango yourself (see system-packages.txt) to build reports." >&2
  exit 0
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing what reports need: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Reports need these Debian packages, which are missing: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  echo "(The app runs without them; building a report then fails with a message that names the fix.)" >&2
fi
