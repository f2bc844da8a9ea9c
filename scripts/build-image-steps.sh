#!/usr/bin/env bash
# The image's build steps, in one place: the Dockerfile's build stage runs this script, and CI and
# test/build.test.ts run it too (no Docker engine runs there), so what they start is what the image
# holds. Run from a source tree whose dependencies (dev included: esbuild) are installed.
# Usage: scripts/build-image-steps.sh DEST   -> DEST/dist, everything the runtime stage copies.
set -euo pipefail

dest="${1:?usage: scripts/build-image-steps.sh DEST}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
echo "[image] bundling the functions and the migrations into $dest/dist" >&2
# Every npm package a function uses is inside its bundle (bench/cold-start measured bundled against
# external packages), so the runtime stage needs no node_modules at all: production dependencies
# reach the image only as the code a function actually imports, and nothing from devDependencies.
node --import tsx scripts/build.ts --outdir="$dest/dist" >&2
[[ ! -e "$dest/node_modules" ]] || { echo "[image] $dest/node_modules must not exist: the bundles carry their packages" >&2; exit 1; }
# The V8 code cache of every bundle, written by the Node.js that builds the image, which is the one
# that runs it (the Dockerfile's two stages share NODE_IMAGE); the image points NODE_COMPILE_CACHE
# at it. A Node.js without the compile cache writes none, and the bundles run the same without it.
node --import tsx scripts/bundle/compile-cache.ts "$dest/dist" "$dest/compile-cache" >&2
echo "[image] $(du -sm "$dest" | cut -f1) MiB in $dest" >&2
