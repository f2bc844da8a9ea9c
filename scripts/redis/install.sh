#!/usr/bin/env bash
# Fetches Debian's redis-server (package redis-tools, pinned below) and the two libraries it needs
# that a base system lacks, unpacks them into .cache/redis-<version>/ without root, and prints the
# path of a redis-server launcher (which finds those libraries) as the last stdout line. Progress
# goes to stderr.
set -euo pipefail

# Debian bookworm's security release. When the archive has moved past it, the newest 7.0.15 build
# of bookworm is taken instead (same upstream version), and the choice is printed.
pinned="5:7.0.15-1~deb12u10"
upstream="7.0.15"
libs=(liblzf1=3.6-3 libjemalloc2=5.3.0-1)

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dest="$root/.cache/redis-$upstream"
server="$dest/redis-server"

complete() { [[ -x "$server" && -f "$dest/.complete" ]]; }
if complete; then echo "$server"; exit 0; fi

mkdir -p "$root/.cache"
# Parallel test runs on a fresh machine must not download into the same place twice.
exec 9>"$dest.lock"
flock 9
if complete; then echo "$server"; exit 0; fi

command -v apt-get >/dev/null || { echo "[redis] apt-get is required (Debian or Ubuntu) to fetch redis-server" >&2; exit 1; }

# A fresh machine may not have read the archive's package lists yet.
if ! apt-cache madison redis-tools 2>/dev/null | grep -q . && [[ $EUID -eq 0 ]]; then
  echo "[redis] reading the apt package lists (apt-get update, once)..." >&2
  apt-get update -q >&2
fi

version="$pinned"
if ! apt-cache show "redis-tools=$pinned" >/dev/null 2>&1; then
  version="$(apt-cache madison redis-tools | awk -F'|' '{gsub(/ /, "", $2); print $2}' | grep -F "5:$upstream-" | head -1 || true)"
  [[ -n "$version" ]] || { echo "[redis] no redis-tools $upstream in the apt sources (run apt-get update?)" >&2; exit 1; }
  echo "[redis] redis-tools $pinned is no longer in the archive; using $version" >&2
fi

tmp="$(mktemp -d "$root/.cache/redis-$upstream.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "[redis] downloading redis-tools $version, ${libs[*]} (once)..." >&2
started=$SECONDS
# apt-get download verifies each package against the signed archive index.
(cd "$tmp" && apt-get download -q "redis-tools=$version" "${libs[@]}" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
for deb in "$tmp"/*.deb; do
  echo "[redis] unpacking $(basename "$deb")" >&2
  dpkg -x "$deb" "$tmp/root"
done
[[ -x "$tmp/root/usr/bin/redis-check-rdb" ]] || { echo "[redis] the download did not produce redis-check-rdb" >&2; exit 1; }
# Debian's redis-server is this same binary under another name: it picks its role from argv[0].
ln -sf redis-check-rdb "$tmp/root/usr/bin/redis-server"
cat > "$tmp/root/redis-server" <<'LAUNCHER'
#!/bin/sh
# redis-server with the libraries unpacked beside it; exec keeps the pid, so signals reach Redis.
here="$(cd "$(dirname "$0")" && pwd)"
LD_LIBRARY_PATH="$(echo "$here"/usr/lib/*-linux-gnu)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$here/usr/bin/redis-server" "$@"
LAUNCHER
chmod +x "$tmp/root/redis-server"
touch "$tmp/root/.complete"

rm -rf "$dest"
# A directory rename is atomic, so readers see either no cache or a complete one.
mv -T "$tmp/root" "$dest"
echo "[redis] installed redis-server $upstream in $((SECONDS - started))s" >&2
echo "$server"
