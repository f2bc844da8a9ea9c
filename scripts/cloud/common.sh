# shellcheck shell=bash
# Shared by scripts/cloud/*.sh (sourced): running or printing commands, and the add-on versions
# both clouds install. Each step is idempotent: `helm upgrade --install`, `kubectl apply`, and
# create-if-missing for what neither covers.

# The versions the chart is checked against (helm/taskfn/Chart.yaml annotations) and what they need:
# Knative 1.21 runs on Kubernetes 1.33 and later, which is the chart's kubeVersion.
DAPR_VERSION="${DAPR_VERSION:-1.16.5}"
KNATIVE_VERSION="${KNATIVE_VERSION:-1.21.0}"
CERT_MANAGER_VERSION="${CERT_MANAGER_VERSION:-v1.21.2}"
KUBE_PROMETHEUS_STACK_VERSION="${KUBE_PROMETHEUS_STACK_VERSION:-77.5.0}"
ENVOY_GATEWAY_VERSION="${ENVOY_GATEWAY_VERSION:-v1.5.1}"
EXTERNAL_SECRETS_VERSION="${EXTERNAL_SECRETS_VERSION:-1.3.2}"

# The repository (the sourcing script's root).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dry_run=""
for arg in "$@"; do
  if [[ "$arg" == --dry-run ]]; then dry_run=1; fi
done

# Prints a command (quoted, so it can be pasted), then runs it unless --dry-run.
run() {
  printf '+'
  printf ' %q' "$@"
  printf '\n'
  if [[ -z "$dry_run" ]]; then "$@"; fi
}

# Prints a pipeline (as one shell string), then runs it unless --dry-run.
run_sh() {
  printf '+ %s\n' "$1"
  if [[ -z "$dry_run" ]]; then bash -c "$1"; fi
}

# Whether a command succeeds (an object exists). Under --dry-run nothing is looked up: every
# step is printed as if the object were missing.
has() {
  if [[ -n "$dry_run" ]]; then return 1; fi
  "$@" >/dev/null 2>&1
}

# Applies a manifest given on stdin (printed under --dry-run).
apply() {
  local manifest
  manifest="$(cat)"
  printf '+ kubectl apply -f - <<EOF\n%s\nEOF\n' "$manifest"
  if [[ -z "$dry_run" ]]; then kubectl apply -f - <<<"$manifest"; fi
}

# A required setting, from the environment; a placeholder under --dry-run.
need() {
  local name=$1
  if [[ -n "${!name:-}" ]]; then return; fi
  if [[ -n "$dry_run" ]]; then printf -v "$name" '%s' "<$name>"; return; fi
  echo "$name is required (see the README, \"Cluster\")" >&2
  exit 2
}

# A Secret from literal key=value pairs, created once: a re-run keeps the values (and tokens) it has.
secret() {
  local name=$1
  shift
  if has kubectl --namespace taskfn get secret "$name"; then return; fi
  local args=()
  for pair in "$@"; do args+=(--from-literal "$pair"); done
  printf '+ kubectl --namespace taskfn create secret generic %s %s\n' "$name" "$(printf -- '--from-literal %s=*** ' "${@%%=*}")"
  if [[ -z "$dry_run" ]]; then kubectl --namespace taskfn create secret generic "$name" "${args[@]}" >/dev/null; fi
}

token() { openssl rand -hex 32; }

# Knative Serving with Kourier as its cluster-local ingress (the chart's HTTPRoutes send to
# kourier-internal), and Eventing with the KafkaSource (eventWiring knative).
install_knative() {
  local base="https://github.com/knative"
  run kubectl apply -f "$base/serving/releases/download/knative-v$KNATIVE_VERSION/serving-crds.yaml"
  run kubectl apply -f "$base/serving/releases/download/knative-v$KNATIVE_VERSION/serving-core.yaml"
  run kubectl apply -f "$base/net-kourier/releases/download/knative-v$KNATIVE_VERSION/kourier.yaml"
  run kubectl patch configmap/config-network --namespace knative-serving --type merge \
    --patch '{"data":{"ingress-class":"kourier.ingress.networking.knative.dev"}}'
  run kubectl apply -f "$base/eventing/releases/download/knative-v$KNATIVE_VERSION/eventing-crds.yaml"
  run kubectl apply -f "$base/eventing/releases/download/knative-v$KNATIVE_VERSION/eventing-core.yaml"
  run kubectl apply -f "$base/eventing-kafka-broker/releases/download/knative-v$KNATIVE_VERSION/eventing-kafka-controller.yaml"
  run kubectl apply -f "$base/eventing-kafka-broker/releases/download/knative-v$KNATIVE_VERSION/eventing-kafka-source.yaml"
  # The sources' sender identity the functions verify (eventWiring knative).
  run kubectl patch configmap/config-features --namespace knative-eventing --type merge \
    --patch '{"data":{"authentication-oidc":"enabled"}}'
  run kubectl wait deployment --all --namespace knative-serving --for=condition=Available --timeout 5m
  run kubectl wait deployment --all --namespace knative-eventing --for=condition=Available --timeout 5m
}

install_dapr() {
  run helm repo add dapr https://dapr.github.io/helm-charts --force-update
  run helm upgrade --install dapr dapr/dapr --version "$DAPR_VERSION" \
    --namespace dapr-system --create-namespace --wait --timeout 10m
}

# cert-manager with its Gateway API support (HTTP-01 through the release's Gateway), and the
# ClusterIssuer the values files name (gateway.tls.issuerRef: letsencrypt).
install_cert_manager() {
  need ACME_EMAIL
  run helm repo add jetstack https://charts.jetstack.io --force-update
  run helm upgrade --install cert-manager jetstack/cert-manager --version "$CERT_MANAGER_VERSION" \
    --namespace cert-manager --create-namespace --wait \
    --set crds.enabled=true --set config.apiVersion=controller.config.cert-manager.io/v1alpha1 \
    --set config.kind=ControllerConfiguration --set config.enableGatewayAPI=true
  apply <<EOF
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: letsencrypt
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    email: $ACME_EMAIL
    privateKeySecretRef:
      name: letsencrypt-account
    solvers:
      - http01:
          gatewayHTTPRoute:
            parentRefs:
              - name: taskfn
                namespace: taskfn
                sectionName: http
EOF
}

# The namespace and the Secrets every cloud's release reads that no cloud service creates: the
# token secret and the two API tokens, generated once.
base_secrets() {
  run_sh "kubectl create namespace taskfn --dry-run=client -o yaml | kubectl apply -f -"
  secret taskfn-auth "jwt-secret=$(token)"
  secret taskfn-app-api-token "token=$(token)"
  secret taskfn-dapr-api-token "token=$(token)"
}

# npm run deploy with the cloud's values. The certificate (HTTP-01) and so the smoke call through
# https://$PUBLIC_HOST need its DNS to point at the Gateway: until it does, the release is deployed
# without the smoke call, and the address to point it at is printed; run the script again after.
deploy_cloud() {
  local cloud=$1 smoke=()
  shift
  if [[ -n "$dry_run" ]] || getent hosts "$PUBLIC_HOST" >/dev/null; then smoke=(--smoke-host "$PUBLIC_HOST"); fi
  run npm --prefix "$root" run deploy -- "$cloud" "$@" --set-string "gateway.hostnames[0]=$PUBLIC_HOST" "${smoke[@]}"
  if [[ ${#smoke[@]} -eq 0 ]]; then
    echo "$PUBLIC_HOST does not resolve yet: point it at this address, then run this script again to validate:"
    run kubectl --namespace taskfn get gateway taskfn -o 'jsonpath={.status.addresses[0].value}'
  fi
}
