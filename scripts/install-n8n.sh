#!/usr/bin/env bash
# Installs a pinned n8n server into a cache folder outside the clone (reused across runs) and prints
# the folder. Usage: scripts/install-n8n.sh [version]   (default 2.8.4, the newest n8n for Node 20)
set -euo pipefail
version="${1:-2.8.4}"
cache="${WPUM_N8N_CACHE:-$HOME/.cache/wpum-n8n}/n8n-$version"
if [ -x "$cache/node_modules/.bin/n8n" ] && [ -f "$cache/.complete" ]; then
	echo "$cache"
	exit 0
fi
mkdir -p "$cache"
cd "$cache"
# n8n-nodes-base points xlsx at a CDN tarball this network cannot reach; the registry's 0.18.5 works.
cat > package.json <<JSON
{
  "name": "wpum-n8n-server",
  "private": true,
  "dependencies": { "n8n": "$version" },
  "overrides": { "xlsx": "0.18.5" },
  "allowScripts": { "@confluentinc/kafka-javascript": false }
}
JSON
npm install --no-audit --no-fund --loglevel=error >&2
touch .complete
echo "$cache"
