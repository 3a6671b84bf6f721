#!/usr/bin/env bash
# `php -l` on every PHP file of the companion plugin and the WordPress test fixtures.
# Installs Debian's php-cli when php is missing (CI runs as root with apt).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v php >/dev/null 2>&1; then
	if [ "$(id -u)" != 0 ]; then
		echo "php is not installed: run 'apt-get install php-cli' as root" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y --no-install-recommends php-cli >/dev/null 2>&1 || {
		apt-get update >/dev/null
		apt-get install -y --no-install-recommends php-cli >/dev/null
	}
fi

count=0
while IFS= read -r -d '' file; do
	php -l "$file" >/dev/null || { php -l "$file"; exit 1; }
	count=$((count + 1))
done < <(find wordpress test/wordpress -name '*.php' -print0 2>/dev/null)
echo "php -l: $count files, no syntax errors ($(php -r 'echo PHP_VERSION;'))"
