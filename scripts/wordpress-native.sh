#!/usr/bin/env bash
# Installs, with apt, what the native WordPress stack needs (MariaDB, PHP-FPM 8.2 and its extensions,
# nginx) when it is missing, without starting any system service, then puts Debian's WordPress files in
# the cache (scripts/wordpress-files.sh) and prints that path. Idempotent: with everything present it
# only checks and prints (well under a second). test/wordpress-native/site.ts boots the private servers.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(mariadb-server php-fpm php-mysql php-xml php-mbstring php-curl php-intl nginx-light)
export PATH="$PATH:/usr/sbin:/sbin"
have() {
	command -v mariadbd >/dev/null && command -v php-fpm8.2 >/dev/null && command -v nginx >/dev/null || return 1
	local modules
	modules="$(php -m 2>/dev/null)" || return 1
	for module in mysqli mbstring curl intl xml; do grep -qx "$module" <<<"$modules" || return 1; done
}

if ! have; then
	if [ "$(id -u)" != 0 ]; then
		echo "missing packages: run 'apt-get install --no-install-recommends ${packages[*]}' as root" >&2
		exit 1
	fi
	# Packages must not start (or enable) system services: a temporary policy-rc.d answering 101,
	# unless the machine already has one (Docker images do), which is then left as it is.
	created_policy=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		created_policy=1
	fi
	trap '[ -n "$created_policy" ] && rm -f /usr/sbin/policy-rc.d' EXIT
	export DEBIAN_FRONTEND=noninteractive
	apt() { apt-get -o DPkg::Lock::Timeout=600 -y --no-install-recommends install "${packages[@]}" >/dev/null; }
	apt || { apt-get -o DPkg::Lock::Timeout=600 update >/dev/null && apt; }
	have || { echo "packages installed but mariadbd/php-fpm8.2/nginx or a PHP extension is still missing" >&2; exit 1; }
fi

bash scripts/wordpress-files.sh
