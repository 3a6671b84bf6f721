#!/usr/bin/env bash
# Every test the project has, in the order that fails fastest. `npm test` runs this; so does CI.
set -euo pipefail
cd "$(dirname "$0")/.."

stage() { printf '\n=== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

stage "typecheck"
npx tsc -p tsconfig.json --noEmit

stage "lint"
npx eslint .

stage "build"
npm run -s build
node scripts/check-dist.js

stage "unit and node tests (jest)"
npx jest --ci

stage "WordPress plugin: php -l on every PHP file"
bash scripts/php-lint.sh

stage "WordPress plugin on a real WordPress (Playground, PHP 8.2)"
npx jest -c jest.wordpress.config.js --ci --runInBand

# Private MariaDB, PHP-FPM and nginx on 127.0.0.1 (Debian packages via apt when missing, no system
# service started); ~10–25 s once the packages are present.
stage "WordPress plugin on PHP-FPM + MariaDB + nginx (fastcgi_finish_request delivery)"
bash scripts/wordpress-native.sh >/dev/null
npx jest -c jest.wordpress-native.config.js --ci --runInBand

# The oldest and the newest n8n the package supports; each is installed once into ~/.cache/wpum-n8n
# (a fresh machine: ~6 minutes per version, 2.41.1 on Node 24 from the npm registry), chromium with apt.
export WPUM_N8N_VERSIONS="${WPUM_N8N_VERSIONS:-2.8.4,2.41.1}"
stage "end-to-end prerequisites: n8n ${WPUM_N8N_VERSIONS} (cached) and chromium"
for version in ${WPUM_N8N_VERSIONS//,/ }; do bash scripts/install-n8n.sh "$version" >/dev/null; done
bash scripts/install-chromium.sh >/dev/null

stage "end-to-end: the package in a real n8n with a real WordPress (one n8n per file)"
npx jest -c jest.e2e.config.js --ci --runInBand

stage "done"
