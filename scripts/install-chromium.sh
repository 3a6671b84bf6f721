#!/usr/bin/env bash
# Installs Debian's chromium (for the editor test in test/e2e/editor.test.ts) unless it is already
# there, and prints its path. CI runs as root with apt; elsewhere sudo is used when it is available.
# Usage: scripts/install-chromium.sh     WPUM_CHROMIUM=/path/to/chrome skips the install.
set -euo pipefail
browser="${WPUM_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$browser" ]; then
	echo "$browser"
	exit 0
fi
if ! command -v apt-get >/dev/null; then
	echo "No $browser and no apt-get: install Chromium and set WPUM_CHROMIUM to its path." >&2
	exit 1
fi
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo -n)
echo "Installing Debian's chromium with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq >&2
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-liberation >&2
echo "$browser"
