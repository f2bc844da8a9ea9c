resource "azurerm_kubernetes_cluster" "main" {
  #checkov:skip=CKV_AZURE_115: a private cluster would shut out GitHub-hosted CD runners; the API takes Entra ID tokens only (local accounts off) and api_authorized_ip_ranges can narrow it
  #checkov:skip=CKV_AZURE_6: same: GitHub-hosted runners have no fixed address (set api_authorized_ip_ranges where yours do)
  #checkov:skip=CKV_AZURE_117: a disk encryption set means a customer-managed key to run; the platform-managed key encrypts the disks
  #checkov:skip=CKV_AZURE_226: ephemeral OS disks need a VM size whose cache holds the disk; node_size is a variable
  #checkov:skip=CKV_AZURE_227: host encryption must be enabled on the subscription first (Microsoft.Compute/EncryptionAtHost)
  #checkov:skip=CKV_AZURE_232: one pool holds system and user pods on a cluster this size (README, "Node sizing")
  #checkov:skip=CKV_AZURE_172: Key Vault reaches the pods through External Secrets, not the CSI driver, whose rotation setting this checks
  name                      = "${var.name}-aks"
  location                  = azurerm_resource_group.main.location
  resource_group_name       = azurerm_resource_group.main.name
  dns_prefix                = var.name
  kubernetes_version        = var.kubernetes_version
  sku_tier                  = "Standard"
  automatic_upgrade_channel = "patch"
  node_os_upgrade_channel   = "NodeImage"
  # Workload identity: pods of a federated service account get Entra ID tokens (Dapr's Key Vault
  # store, External Secrets, the ALB controller), no secret in the cluster.
  oidc_issuer_enabled       = true
  workload_identity_enabled = true
  # Entra ID and Azure RBAC only: CD reaches the API with its OIDC login (kubelogin).
  local_account_disabled            = true
  role_based_access_control_enabled = true
  azure_policy_enabled              = true
  tags                              = var.tags

  azure_active_directory_role_based_access_control {
    azure_rbac_enabled = true
    tenant_id          = data.azurerm_client_config.current.tenant_id
  }

  api_server_access_profile {
    authorized_ip_ranges = var.api_authorized_ip_ranges
  }

  default_node_pool {
    name                        = "system"
    vm_size                     = var.node_size
    auto_scaling_enabled        = true
    min_count                   = var.node_count_min
    max_count                   = var.node_count_max
    vnet_subnet_id              = azurerm_subnet.nodes.id
    temporary_name_for_rotation = "rotation"
    max_pods                    = 110
    upgrade_settings {
      max_surge = "33%"
    }
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_data_plane  = "cilium"
    network_policy      = "cilium"
  }

  # Container Insights: container logs (the functions' JSON lines) and inventory into Log Analytics.
  oms_agent {
    log_analytics_workspace_id      = azurerm_log_analytics_workspace.main.id
    msi_auth_for_monitoring_enabled = true
  }

  # Azure Monitor managed service for Prometheus (monitoring.tf): the add-on that reads the chart's
  # azmonitoring.coreos.com PodMonitor.
  monitor_metrics {}
}

# ACR attached: the kubelet's identity pulls, so no pull Secret (values-azure.yaml).
resource "azurerm_role_assignment" "kubelet_acr_pull" {
  scope                            = azurerm_container_registry.main.id
  role_definition_name             = "AcrPull"
  principal_id                     = azurerm_kubernetes_cluster.main.kubelet_identity[0].object_id
  skip_service_principal_aad_check = true
}

# Control-plane logs next to the container logs.
resource "azurerm_monitor_diagnostic_setting" "aks" {
  name                       = "control-plane"
  target_resource_id         = azurerm_kubernetes_cluster.main.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.main.id
  enabled_log {
    category = "kube-apiserver"
  }
  enabled_log {
    category = "kube-audit-admin"
  }
  enabled_log {
    category = "guard"
  }
}
