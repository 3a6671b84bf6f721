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

stage "end-to-end: the package in a real n8n with a real WordPress (one n8n per file)"
npx jest -c jest.e2e.config.js --ci --runInBand

stage "done"
