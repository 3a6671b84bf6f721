#!/usr/bin/env bash
# Puts WordPress core files (Debian's `wordpress` package, no apache, no install) in a cache dir and
# prints that dir. Idempotent: a second run only prints the path.
#   WPUM_N8N_CACHE (default ~/.cache/wpum-n8n) / wordpress-<version>/
set -euo pipefail

cache="${WPUM_N8N_CACHE:-$HOME/.cache/wpum-n8n}"
mkdir -p "$cache"

existing="$(ls -d "$cache"/wordpress-*/wordpress 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -n "$existing" ] && [ -f "$existing/wp-includes/version.php" ]; then
	echo "$existing"
	exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
if ! apt-get download wordpress >/dev/null 2>&1; then
	apt-get update >/dev/null
	apt-get download wordpress >/dev/null
fi
deb="$(ls wordpress_*.deb | head -n 1)"
version="$(dpkg-deb -f "$deb" Version | sed 's/[+~].*//')"
dpkg -x "$deb" extracted

target="$cache/wordpress-$version"
rm -rf "$target.tmp"
mkdir -p "$target.tmp"
mv extracted/usr/share/wordpress "$target.tmp/wordpress"
# Debian's wp-config.php points at /etc/wordpress; Playground writes its own.
rm -f "$target.tmp/wordpress/wp-config.php"
# Debian symlinks bundled libraries to other packages' paths, which a Playground mount cannot follow:
# copy what resolves on this machine, drop the rest (getID3, cropper, underscore: unused by the tests).
find "$target.tmp/wordpress" -type l -print0 | while IFS= read -r -d '' link; do
	if [ -e "$link" ]; then cp --remove-destination "$(readlink -f "$link")" "$link"; else rm -f "$link"; fi
done
rm -rf "$target"
mv "$target.tmp" "$target"
echo "$target/wordpress"
