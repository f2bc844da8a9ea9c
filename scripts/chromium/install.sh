#!/usr/bin/env bash
# Fetches Debian's chromium (pinned below) and the libraries it needs that this system lacks,
# unpacks them into .cache/chromium-<version>/ without root, and prints the path of a chromium
# launcher (which finds those libraries) as the last stdout line. Progress goes to stderr.
# The browser tests drive it with playwright-core; `npx playwright install` is never used: it
# downloads a browser build from outside the package archives.
set -euo pipefail

# Debian bookworm's security release. When the archive has moved past it, the newest 156 build of
# bookworm is taken instead (same major version, the one playwright-core's protocol was checked
# against), and the choice is printed.
pinned="156.0.8078.114-1~deb12u1"
major="156"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dest="$root/.cache/chromium-$major"
launcher="$dest/chromium"

complete() { [[ -x "$launcher" && -f "$dest/.complete" ]]; }
if complete; then echo "$launcher"; exit 0; fi

mkdir -p "$root/.cache"
# Parallel test runs on a fresh machine must not download into the same place twice.
exec 9>"$dest.lock"
flock 9
if complete; then echo "$launcher"; exit 0; fi

command -v apt-get >/dev/null || { echo "[chromium] apt-get is required (Debian or Ubuntu) to fetch chromium" >&2; exit 1; }

# A fresh machine may not have read the archive's package lists yet.
if ! apt-cache madison chromium 2>/dev/null | grep -q . && [[ $EUID -eq 0 ]]; then
  echo "[chromium] reading the apt package lists (apt-get update, once)..." >&2
  apt-get update -q >&2
fi

version="$pinned"
if ! apt-cache show "chromium=$pinned" >/dev/null 2>&1; then
  version="$(apt-cache madison chromium | awk -F'|' '{gsub(/ /, "", $2); print $2}' | grep -E "^$major\." | head -1 || true)"
  [[ -n "$version" ]] || { echo "[chromium] no chromium $major in the apt sources (run apt-get update?)" >&2; exit 1; }
  echo "[chromium] chromium $pinned is no longer in the archive; using $version" >&2
fi

# What apt would install on this system (a simulation, no root needed): chromium and only the
# libraries missing here, each at the version the archive resolves.
mapfile -t packages < <(apt-get install -s --no-install-recommends "chromium=$version" 2>/dev/null | awk '/^Inst /{ print $2 "=" substr($3, 2) }')
[[ ${#packages[@]} -gt 0 ]] || { echo "[chromium] apt could not resolve chromium=$version" >&2; exit 1; }

tmp="$(mktemp -d "$root/.cache/chromium-$major.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "[chromium] downloading ${#packages[@]} packages: chromium $version and the libraries this system lacks (once)..." >&2
started=$SECONDS
# apt-get download verifies each package against the signed archive index.
(cd "$tmp" && apt-get download -q "${packages[@]}" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
for deb in "$tmp"/*.deb; do
  dpkg-deb -x "$deb" "$tmp/root"
done
[[ -x "$tmp/root/usr/lib/chromium/chromium" ]] || { echo "[chromium] the download did not produce usr/lib/chromium/chromium" >&2; exit 1; }
cat > "$tmp/root/chromium" <<'LAUNCHER'
#!/bin/sh
# chromium with the libraries unpacked beside it; exec keeps the pid, so signals reach the browser.
here="$(cd "$(dirname "$0")" && pwd)"
lib="$(echo "$here"/usr/lib/*-linux-gnu)"
# libpulse finds its private library through a RUNPATH into /usr/lib, where it is not installed.
LD_LIBRARY_PATH="$lib:$lib/pulseaudio:$here/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$here/usr/lib/chromium/chromium" "$@"
LAUNCHER
chmod +x "$tmp/root/chromium"
echo "$version" > "$tmp/root/.version"
touch "$tmp/root/.complete"

rm -rf "$dest"
# A directory rename is atomic, so readers see either no cache or a complete one.
mv -T "$tmp/root" "$dest"
echo "[chromium] installed chromium $version in $((SECONDS - started))s" >&2
echo "$launcher"
