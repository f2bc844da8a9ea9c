#!/usr/bin/env bash
# Installs schemathesis (PyPI) at a pinned version into .cache/, once; prints the path of its CLI.
set -euo pipefail
version=4.32.5
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/.cache/schemathesis-$version"
if [ ! -x "$venv/bin/schemathesis" ]; then
  echo "[tools] installing schemathesis $version into $venv (once)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
fi
echo "$venv/bin/schemathesis"
