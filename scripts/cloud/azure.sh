#!/usr/bin/env bash
# scripts/cloud/azure.sh [--dry-run]: taskfn on Azure (seed 002, US7). Terraform (infra/terraform/azure)
# makes the cloud resources; this script applies it, then installs the cluster add-ons and the chart
# with Terraform's outputs. Idempotent; --dry-run looks nothing up and prints every command.
#
# Needs az (logged in: `az login`), terraform or tofu, kubectl, kubelogin, helm, docker, openssl, and:
#   ACME_EMAIL          Let's Encrypt account e-mail
#   PUBLIC_HOST         the API's host name (its DNS points at the Gateway's address, printed at the end)
#   ARM_SUBSCRIPTION_ID the subscription (Terraform's subscription_id)
#   GITHUB_REPOSITORY   owner/name, for CD's federated credential
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=scripts/cloud/common.sh
source "$here/common.sh"

ALB_CONTROLLER_VERSION="${ALB_CONTROLLER_VERSION:-1.7.9}"
tf_dir="$root/infra/terraform/azure"
tf="$(command -v terraform || command -v tofu || echo terraform)"
need ACME_EMAIL
need PUBLIC_HOST
need ARM_SUBSCRIPTION_ID
need GITHUB_REPOSITORY

echo "== cloud resources (Terraform: AKS, ACR, Event Hubs, Redis, PostgreSQL, Key Vault, identities, monitoring)"
run "$tf" -chdir="$tf_dir" init -input=false
run "$tf" -chdir="$tf_dir" apply -input=false \
  -var "subscription_id=$ARM_SUBSCRIPTION_ID" -var "github_repository=$GITHUB_REPOSITORY"

# Terraform's outputs, or placeholders under --dry-run.
out() {
  if [[ -n "$dry_run" ]]; then echo "<$1>"; else "$tf" -chdir="$tf_dir" output -raw "$1"; fi
}
rg="$(out resource_group)"
aks="$(out aks_cluster)"

echo "== cluster credentials (Entra ID: kubelogin with the az login)"
run az aks get-credentials --resource-group "$rg" --name "$aks" --overwrite-existing
run kubelogin convert-kubeconfig --login azurecli

echo "== Application Gateway for Containers: its controller, and the load balancer the Gateway names"
run helm upgrade --install alb-controller oci://mcr.microsoft.com/application-lb/charts/alb-controller \
  --version "$ALB_CONTROLLER_VERSION" --namespace azure-alb-system --create-namespace --wait \
  --set albController.namespace=azure-alb-system \
  --set "albController.podIdentity.clientID=$(out alb_controller_client_id)"
run_sh "kubectl create namespace alb-infra --dry-run=client -o yaml | kubectl apply -f -"
apply <<YAML
apiVersion: alb.networking.azure.io/v1
kind: ApplicationLoadBalancer
metadata:
  name: taskfn-alb
  namespace: alb-infra
spec:
  associations:
    - $(out alb_subnet_id)
YAML
run kubectl wait applicationloadbalancer/taskfn-alb --namespace alb-infra --for=condition=Deployment --timeout 15m

echo "== cluster add-ons: External Secrets, Dapr, Knative Serving + Eventing, cert-manager"
run helm repo add external-secrets https://charts.external-secrets.io --force-update
run helm upgrade --install external-secrets external-secrets/external-secrets --version "$EXTERNAL_SECRETS_VERSION" \
  --namespace external-secrets --create-namespace --wait
install_dapr
install_knative
install_cert_manager

echo "== the namespace (every Secret comes from Key Vault through External Secrets)"
run_sh "kubectl create namespace taskfn --dry-run=client -o yaml | kubectl apply -f -"

echo "== the image, pushed to ACR, and the chart deployed by its digest"
acr="$(out acr_name)"
image="$(out acr_login_server)/taskfn"
tag="$(git -C "$root" rev-parse --short HEAD)"
run az acr login --name "$acr"
run docker build -t "$image:$tag" "$root"
run docker push "$image:$tag"
digest="sha256:<pushed digest>"
if [[ -z "$dry_run" ]]; then
  digest="$(docker inspect --format '{{index .RepoDigests 0}}' "$image:$tag")"
  digest="${digest#*@}"
fi
tenant="$(out tenant_id)"
client="$(out workload_client_id)"
deploy_cloud azure --repository "$image" --digest "$digest" \
  --set-string "serviceAccount.annotations.azure\.workload\.identity/client-id=$client" \
  --set-string "secretStore.azureKeyVault.vaultName=$(out key_vault_name)" \
  --set-string "secretStore.azureKeyVault.tenantId=$tenant" \
  --set-string "secretStore.azureKeyVault.clientId=$client" \
  --set-string "externalSecrets.azureKeyVault.vaultUrl=$(out key_vault_url)" \
  --set-string "externalSecrets.azureKeyVault.tenantId=$tenant" \
  --set-string "kafka.brokers=$(out kafka_brokers)" \
  --set-string "redis.host=$(out redis_host)"

echo "== GitHub environment \"azure\" for CD: AZURE_CLIENT_ID=$(out cd_client_id) AZURE_TENANT_ID=$tenant" \
  "AZURE_SUBSCRIPTION_ID=$ARM_SUBSCRIPTION_ID ACR_NAME=$acr AKS_RESOURCE_GROUP=$rg AKS_CLUSTER=$aks PUBLIC_HOST=$PUBLIC_HOST"
