#!/usr/bin/env bash
# scripts/cloud/digitalocean.sh [--dry-run]: taskfn on DigitalOcean (seed 000, US4), from nothing to
# a validated release. Idempotent: a re-run creates what is missing and upgrades the rest. With
# --dry-run it looks nothing up and prints every command it would run.
#
# Needs doctl (authenticated: `doctl auth init`), kubectl, helm, docker, openssl, and:
#   ACME_EMAIL       Let's Encrypt account e-mail
#   PUBLIC_HOST      the API's host name (point its DNS at the Gateway's address, printed at the end)
#   DATABASE_URL     postgres://... of a managed PostgreSQL (DigitalOcean Managed PostgreSQL or Neon)
#   KAFKA_BROKERS, KAFKA_USERNAME, KAFKA_PASSWORD   Redpanda Cloud (README, "DigitalOcean")
# and optionally CLUSTER, REGION, NODE_SIZE, NODES_MIN, NODES_MAX, REGISTRY, VALKEY.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=scripts/cloud/common.sh
source "$here/common.sh"

CLUSTER="${CLUSTER:-todo-app-phase5}"
REGION="${REGION:-nyc3}"
# README, "Node sizing": the seed's 2 x s-2vcpu-4gb cannot hold the warm pods and the add-ons.
NODE_SIZE="${NODE_SIZE:-s-4vcpu-8gb}"
NODES_MIN="${NODES_MIN:-3}"
NODES_MAX="${NODES_MAX:-5}"
REGISTRY="${REGISTRY:-taskfn}"
VALKEY="${VALKEY:-taskfn-cache}"
need ACME_EMAIL
need PUBLIC_HOST
need DATABASE_URL
need KAFKA_BROKERS
need KAFKA_USERNAME
need KAFKA_PASSWORD

echo "== registry (DigitalOcean Container Registry)"
has doctl registry get || run doctl registry create "$REGISTRY" --subscription-tier basic --region "$REGION"

echo "== cluster (DOKS)"
if ! has doctl kubernetes cluster get "$CLUSTER"; then
  # The newest version DOKS offers; the chart needs 1.33 or later.
  version="<newest 1.33+ slug of doctl kubernetes options versions>"
  if [[ -z "$dry_run" ]]; then
    version="$(doctl kubernetes options versions --format Slug --no-header | head -n 1)"
    [[ "$version" =~ ^1\.(3[3-9]|[4-9][0-9])\. ]] || { echo "DOKS offers $version; the chart needs 1.33 or later" >&2; exit 1; }
  fi
  run doctl kubernetes cluster create "$CLUSTER" --region "$REGION" --version "$version" \
    --node-pool "name=worker-pool;size=$NODE_SIZE;count=$NODES_MIN;auto-scale=true;min-nodes=$NODES_MIN;max-nodes=$NODES_MAX" \
    --wait
fi
run doctl kubernetes cluster kubeconfig save "$CLUSTER"
# Pull access for the cluster: DOKS writes registry-<name> Secrets; the chart names it
# (values-digitalocean.yaml imagePullSecrets), and the namespace gets its own copy below.
run doctl kubernetes cluster registry add "$CLUSTER"

echo "== managed Valkey (the Dapr state store), reachable from the cluster only"
if ! has doctl databases get "$VALKEY"; then
  run doctl databases create "$VALKEY" --engine valkey --region "$REGION" --size db-s-1vcpu-1gb --num-nodes 1 --wait
fi
valkey_id="<id of $VALKEY>"
cluster_id="<id of $CLUSTER>"
valkey_host="<private host of $VALKEY>:25061"
valkey_password="<password of $VALKEY>"
if [[ -z "$dry_run" ]]; then
  valkey_id="$(doctl databases get "$VALKEY" --format ID --no-header)"
  cluster_id="$(doctl kubernetes cluster get "$CLUSTER" --format ID --no-header)"
  valkey_host="$(doctl databases connection "$valkey_id" --private --format Host --no-header):25061"
  valkey_password="$(doctl databases connection "$valkey_id" --format Password --no-header)"
fi
firewalled() { doctl databases firewalls list "$valkey_id" --format Value --no-header | grep -q "$cluster_id"; }
has firewalled || run doctl databases firewalls append "$valkey_id" --rule "k8s:$cluster_id"

echo "== cluster add-ons: Dapr, Knative Serving + Eventing, Envoy Gateway, cert-manager, kube-prometheus-stack"
install_dapr
install_knative
run helm upgrade --install eg oci://docker.io/envoyproxy/gateway-helm --version "$ENVOY_GATEWAY_VERSION" \
  --namespace envoy-gateway-system --create-namespace --wait
apply <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: eg
spec:
  controllerName: gateway.envoyproxy.io/gatewayclass-controller
EOF
install_cert_manager
# Requests set here so the README's sizing table is what the cluster reserves; release name
# kube-prometheus-stack is the label the chart's PodMonitor and PrometheusRule carry.
run helm repo add prometheus-community https://prometheus-community.github.io/helm-charts --force-update
run helm upgrade --install kube-prometheus-stack prometheus-community/kube-prometheus-stack \
  --version "$KUBE_PROMETHEUS_STACK_VERSION" --namespace monitoring --create-namespace --wait --timeout 10m \
  --set prometheus.prometheusSpec.resources.requests.cpu=200m \
  --set prometheus.prometheusSpec.resources.requests.memory=1Gi \
  --set prometheus.prometheusSpec.retention=7d \
  --set alertmanager.alertmanagerSpec.resources.requests.cpu=20m \
  --set alertmanager.alertmanagerSpec.resources.requests.memory=64Mi \
  --set grafana.resources.requests.cpu=50m \
  --set grafana.resources.requests.memory=192Mi

echo "== the release's Secrets"
base_secrets
run_sh "doctl registry kubernetes-manifest --namespace taskfn --name registry-$REGISTRY | kubectl apply -f -"
secret taskfn-database "url=$DATABASE_URL"
secret taskfn-kafka "username=$KAFKA_USERNAME" "password=$KAFKA_PASSWORD" "sasl-type=SCRAM-SHA-256"
secret taskfn-redis "password=$valkey_password"

echo "== the image, pushed to DOCR, and the chart deployed by its digest"
image="registry.digitalocean.com/$REGISTRY/taskfn"
run doctl registry login --expiry-seconds 3600
run docker build -t "$image:$(git -C "$root" rev-parse --short HEAD)" "$root"
run docker push "$image:$(git -C "$root" rev-parse --short HEAD)"
digest="sha256:<pushed digest>"
if [[ -z "$dry_run" ]]; then
  digest="$(docker inspect --format '{{index .RepoDigests 0}}' "$image:$(git -C "$root" rev-parse --short HEAD)")"
  digest="${digest#*@}"
fi
deploy_cloud digitalocean --repository "$image" --digest "$digest" \
  --set-string "imagePullSecrets[0]=registry-$REGISTRY" \
  --set-string "kafka.brokers=$KAFKA_BROKERS" --set-string "redis.host=$valkey_host"
