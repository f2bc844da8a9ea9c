#!/usr/bin/env bash
# npm run deploy -- <local|digitalocean|azure> [--namespace NS] [--tag TAG | --digest sha256:...]
#                   [--repository REPO] [--smoke-host HOST] [--timeout 10m] [helm flags...]
# Installs or upgrades the taskfn release with the chart's values for that target, then proves it:
#   1. helm upgrade --install --wait: the hook Jobs (migrations, topics) and the core objects.
#      Helm's readiness check passes Knative Services it does not know at once, so next:
#   2. kubectl wait ksvc --all --for=condition=Ready: every function's revision is Ready.
#   3. with --smoke-host, npm run validate-deployment: sidecars, components, and a call through
#      the public route with that Host over TLS.
# A failure at any step rolls back to the revision that was deployed before, or uninstalls the
# release when this was its first install (there is nothing to roll back to). No --atomic: it
# would roll back on its own and a second rollback would then go one revision too far.
# HELM, KUBECTL and VALIDATE name the commands (defaults: helm, kubectl, npm run validate-deployment --).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
chart="$root/helm/taskfn"
usage="usage: npm run deploy -- <local|digitalocean|azure> [--namespace NS] [--tag TAG | --digest sha256:...] [--repository REPO] [--smoke-host HOST] [--timeout 10m] [helm flags...]"
helm="${HELM:-helm}"
kubectl="${KUBECTL:-kubectl}"
read -r -a validate <<<"${VALIDATE:-npm run validate-deployment --}"

target="${1:-}"
[[ -f "$chart/values-$target.yaml" && "$target" != selfhosted ]] || { echo "$usage" >&2; exit 2; }
shift
namespace=taskfn
timeout=10m
smoke_host=""
sets=()
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --namespace) namespace="${2:?--namespace needs a value}"; shift 2 ;;
    --tag) sets+=(--set-string "image.tag=${2:?--tag needs a value}"); shift 2 ;;
    --digest)
      [[ "${2:-}" =~ ^sha256:[a-f0-9]{64}$ ]] || { echo "--digest needs sha256:<64 hex digits>" >&2; exit 2; }
      sets+=(--set-string "image.digest=$2"); shift 2 ;;
    --repository) sets+=(--set-string "image.repository=${2:?--repository needs a value}"); shift 2 ;;
    --smoke-host) smoke_host="${2:?--smoke-host needs a value}"; shift 2 ;;
    --timeout) timeout="${2:?--timeout needs a value}"; shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done

say() { echo "[deploy] $*" >&2; }

# The revision serving now, if any: the last one whose status is deployed.
previous="$("$helm" history taskfn --namespace "$namespace" --max 20 -o json 2>/dev/null |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const h=JSON.parse(s||"[]");const d=h.filter(r=>r.status==="deployed").at(-1);process.stdout.write(d?String(d.revision):"")})' || true)"

recover() {
  if [[ -n "$previous" ]]; then
    say "rolling back to revision $previous"
    "$helm" rollback taskfn "$previous" --namespace "$namespace" --wait --timeout "$timeout"
  else
    say "a failed first install: uninstalling (no revision to roll back to)"
    "$helm" uninstall taskfn --namespace "$namespace" --wait --timeout "$timeout"
  fi
  exit 1
}

args=(upgrade --install taskfn "$chart"
  --namespace "$namespace" --create-namespace
  --wait --timeout "$timeout"
  -f "$chart/values-$target.yaml"
  "${sets[@]}")

say "helm ${args[*]} ${extra[*]}"
"$helm" "${args[@]}" "${extra[@]}" || { say "helm upgrade failed"; recover; }

say "waiting for every Knative Service to be Ready"
"$kubectl" wait ksvc --all --namespace "$namespace" --for=condition=Ready --timeout "$timeout" || { say "Knative Services not Ready"; recover; }

if [[ -n "$smoke_host" ]]; then
  say "validating through https://$smoke_host"
  "${validate[@]}" --namespace "$namespace" --host "$smoke_host" || { say "validation failed"; recover; }
fi
say "deployed"
