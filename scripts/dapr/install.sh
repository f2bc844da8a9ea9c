#!/usr/bin/env bash
# Builds daprd at the version the chart targets from the Go module proxy into
# .cache/tools/daprd-<version>/daprd once, and prints that path as the last stdout line.
# dapr's go.mod carries replace directives, so `go install pkg@version` refuses it: the module is
# downloaded and ./cmd/daprd built from inside a writable copy, the way dapr's Makefile does.
# DAPRD_BUILD_JOBS caps go build's parallel compiles (default: every core).
set -euo pipefail

version=v1.16.5
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools="$root/.cache/tools"
dest="$tools/daprd-$version"
bin="$dest/daprd"

if [[ -x "$bin" ]]; then echo "$bin"; exit 0; fi

mkdir -p "$tools"

# A run killed mid-build leaves its tmp dir, and possibly a go build it had started in a process
# group of its own. Called only while holding that version's lock, so no live run owns the dir.
clear_leftover() {
  local dir="$1" pgid
  pgid="$(cat "$dir/pgid" 2>/dev/null || true)"
  # The group id alone could have been reused since: the leader must still be working in this dir
  # (compared resolved: .cache is often a symlink).
  if [[ -n "$pgid" && "$(readlink "/proc/$pgid/cwd" 2>/dev/null || true)" == "$(readlink -f "$dir/src")" ]]; then
    echo "[daprd] stopping the orphaned build in $dir (process group $pgid)" >&2
    kill -TERM -- "-$pgid" 2>/dev/null || true
    while kill -0 -- "-$pgid" 2>/dev/null; do sleep 0.2; done
  fi
  echo "[daprd] removing $dir, left by a killed run" >&2
  rm -rf "$dir"
}

# Parallel test runs on a fresh machine must not build into the same place twice. flock's lock
# dies with the process holding it, so a killed run leaves a lock file nobody holds, never a
# held lock: the build below is started with the lock's descriptor closed so an orphaned compile
# cannot keep it. The holder writes its pid into the file only to say whom a waiter waits for.
exec 9>>"$dest.lock"
if ! flock -n 9; then
  echo "[daprd] waiting for the build of $version by pid $(cat "$dest.lock" 2>/dev/null || echo '?')..." >&2
  flock 9
fi
echo $$ >"$dest.lock"
if [[ -x "$bin" ]]; then echo "$bin"; exit 0; fi

for dir in "$tools"/daprd-v*.tmp.*; do
  [[ -d "$dir" ]] || continue
  other="${dir%.tmp.*}"
  if [[ "$other" == "$dest" ]]; then clear_leftover "$dir"; continue; fi
  # Another version's leftover: cleared only if no run of that version holds its lock.
  (
    exec 8>>"$other.lock"
    flock -n 8 && clear_leftover "$dir"
  ) || true
done

command -v go >/dev/null || { echo "[daprd] go is required (go.dev/dl)" >&2; exit 1; }

started=$SECONDS
echo "[daprd] downloading github.com/dapr/dapr@$version from the Go module proxy..." >&2
moddir="$(cd "$tools" && go mod download -json "github.com/dapr/dapr@$version" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[[ -d "$moddir" ]] || { echo "[daprd] go mod download gave no module directory" >&2; exit 1; }

tmp="$(mktemp -d "$dest.tmp.XXXXXX")"
build=""
cleanup() {
  if [[ -n "$build" ]]; then kill -TERM -- "-$build" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
# Bash runs the EXIT trap on a signal only if the signal is trapped.
trap 'exit 130' INT
trap 'exit 143' TERM HUP
# The module cache is read-only; go build wants to write go.sum updates beside go.mod.
cp -r "$moddir" "$tmp/src"
chmod -R u+w "$tmp/src"

# The Go release dapr's go.mod names, fetched from the module proxy as golang.org/toolchain: the
# release dapr itself is built and tested with (newer ones have rejected dependencies' assembly
# and linkname tricks before).
toolchain="go$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$tmp/src/go.mod")"
jobs="${DAPRD_BUILD_JOBS:-$(nproc)}"
echo "[daprd] building ./cmd/daprd with $toolchain (allcomponents, CGO off, $jobs jobs); about 17 min of CPU, once per version..." >&2
# allcomponents is the Makefile's default sidecar flavour, the one the daprio/daprd image ships
# (every pub/sub, state store and binding, the alpha email bindings included); the two version
# stamps, as the Makefile sets them, are what `daprd --version`, the metadata API and each log line
# report. setsid gives the build a
# process group this script (or the next run, after a kill) can stop as a whole; the group id is
# written down for that.
(
  cd "$tmp/src"
  exec 9>&-
  echo $BASHPID >"$tmp/pgid"
  GOTOOLCHAIN="$toolchain" CGO_ENABLED=0 exec setsid nice -n 19 go build -p "$jobs" -mod=mod -trimpath \
    -tags=allcomponents \
    -ldflags "-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=${version#v} -X github.com/dapr/kit/logger.DaprVersion=${version#v}" \
    -o "$tmp/daprd" ./cmd/daprd
) >&2 &
build=$!
# wait, unlike a foreground command, returns as soon as a trapped signal arrives.
wait "$build"
build=""
mkdir -p "$dest"
mv "$tmp/daprd" "$bin.partial"
# A rename is atomic, so readers see either no binary or a complete one.
mv "$bin.partial" "$bin"
echo "[daprd] built $bin ($(($(stat -c %s "$bin") / 1048576)) MiB) in $((SECONDS - started))s" >&2
echo "$bin"
