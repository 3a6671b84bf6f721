#!/usr/bin/env bash
# The main job: WordPress + companion plugin, n8n with this package, a sandbox CRM and a live workflow,
# all on 127.0.0.1 (see scripts/start.ts). Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
exec node -r ./scripts/ts-register.js scripts/start.ts
