#!/usr/bin/env bash
# npm run deploy -- <local|digitalocean|azure> [--namespace NS] [--tag TAG] [helm flags...]
# Installs or upgrades the taskfn release with the chart's values for that target. --atomic: a
# release whose hooks (migrations, topics) or Services do not become ready within --timeout is
# rolled back to the previous revision, so a failed deploy leaves the last good one serving.
# HELM names the helm binary (default: helm on PATH).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
chart="$root/helm/taskfn"
usage="usage: npm run deploy -- <local|digitalocean|azure> [--namespace NS] [--tag TAG] [helm flags...]"

target="${1:-}"
[[ -f "$chart/values-$target.yaml" && "$target" != selfhosted ]] || { echo "$usage" >&2; exit 2; }
shift
namespace=taskfn
tag=""
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --namespace) namespace="${2:?--namespace needs a value}"; shift 2 ;;
    --tag) tag="${2:?--tag needs a value}"; shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done

args=(upgrade --install taskfn "$chart"
  --namespace "$namespace" --create-namespace
  --atomic --wait --timeout 10m
  -f "$chart/values-$target.yaml")
[[ -z "$tag" ]] || args+=(--set-string "image.tag=$tag")

echo "[deploy] helm ${args[*]} ${extra[*]}" >&2
exec "${HELM:-helm}" "${args[@]}" "${extra[@]}"
