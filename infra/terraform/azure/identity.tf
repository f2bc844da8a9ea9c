# Microsoft Entra workload identities, each federated with exactly one Kubernetes service account
# (or, for CD, one GitHub environment): tokens without secrets.

# The release's service account taskfn (namespace taskfn): Dapr's Key Vault secret store and the
# External Secrets SecretStore read Key Vault as it.
resource "azurerm_user_assigned_identity" "taskfn" {
  name                = "${var.name}-workload"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = var.tags
}

resource "azurerm_federated_identity_credential" "taskfn" {
  name                = "taskfn-service-account"
  resource_group_name = azurerm_resource_group.main.name
  parent_id           = azurerm_user_assigned_identity.taskfn.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = azurerm_kubernetes_cluster.main.oidc_issuer_url
  subject             = "system:serviceaccount:taskfn:taskfn"
}

resource "azurerm_role_assignment" "taskfn_secrets" {
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.taskfn.principal_id
}

# Application Gateway for Containers' controller (installed by scripts/cloud/azure.sh).
resource "azurerm_user_assigned_identity" "alb" {
  name                = "${var.name}-alb-controller"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = var.tags
}

resource "azurerm_federated_identity_credential" "alb" {
  name                = "alb-controller"
  resource_group_name = azurerm_resource_group.main.name
  parent_id           = azurerm_user_assigned_identity.alb.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = azurerm_kubernetes_cluster.main.oidc_issuer_url
  subject             = "system:serviceaccount:azure-alb-system:alb-controller-sa"
}

resource "azurerm_role_assignment" "alb_config" {
  scope                = azurerm_resource_group.main.id
  role_definition_name = "AppGw for Containers Configuration Manager"
  principal_id         = azurerm_user_assigned_identity.alb.principal_id
}

resource "azurerm_role_assignment" "alb_subnet" {
  scope                = azurerm_subnet.alb.id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.alb.principal_id
}

# CD (.github/workflows/cd.yml, environment azure): push images, deploy the release.
resource "azurerm_user_assigned_identity" "cd" {
  name                = "${var.name}-cd"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = var.tags
}

resource "azurerm_federated_identity_credential" "cd" {
  name                = "github-environment-azure"
  resource_group_name = azurerm_resource_group.main.name
  parent_id           = azurerm_user_assigned_identity.cd.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = "https://token.actions.githubusercontent.com"
  subject             = "repo:${var.github_repository}:environment:azure"
}

resource "azurerm_role_assignment" "cd_push" {
  scope                = azurerm_container_registry.main.id
  role_definition_name = "AcrPush"
  principal_id         = azurerm_user_assigned_identity.cd.principal_id
}

resource "azurerm_role_assignment" "cd_cluster_user" {
  scope                = azurerm_kubernetes_cluster.main.id
  role_definition_name = "Azure Kubernetes Service Cluster User Role"
  principal_id         = azurerm_user_assigned_identity.cd.principal_id
}

# helm installs cluster-scoped objects (the ReferenceGrant's namespace, CRD instances) and reads
# the release's Secrets for the smoke call.
resource "azurerm_role_assignment" "cd_cluster_admin" {
  scope                = azurerm_kubernetes_cluster.main.id
  role_definition_name = "Azure Kubernetes Service RBAC Cluster Admin"
  principal_id         = azurerm_user_assigned_identity.cd.principal_id
}
