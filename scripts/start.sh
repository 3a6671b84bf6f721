#!/usr/bin/env bash
# The main job. Today: build the n8n package and the installable WordPress plugin zip.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
npm run -s build
echo
echo "n8n package built in dist/ (install it in n8n: Settings → Community Nodes, or npm pack)."
[ -f dist/wordpress/wpum-n8n-connector.zip ] && echo "WordPress plugin: dist/wordpress/wpum-n8n-connector.zip (Plugins → Add New → Upload Plugin)."
exit 0
