# What scripts/cloud/azure.sh, values-azure.yaml and the GitHub environment "azure" need.

output "resource_group" {
  value = azurerm_resource_group.main.name
}

output "aks_cluster" {
  value = azurerm_kubernetes_cluster.main.name
}

output "acr_name" {
  description = "GitHub environment variable ACR_NAME; image.repository is <acr_login_server>/taskfn."
  value       = azurerm_container_registry.main.name
}

output "acr_login_server" {
  value = azurerm_container_registry.main.login_server
}

output "key_vault_name" {
  description = "secretStore.azureKeyVault.vaultName."
  value       = azurerm_key_vault.main.name
}

output "key_vault_url" {
  description = "externalSecrets.azureKeyVault.vaultUrl."
  value       = azurerm_key_vault.main.vault_uri
}

output "tenant_id" {
  value = data.azurerm_client_config.current.tenant_id
}

output "workload_client_id" {
  description = "serviceAccount.annotations azure.workload.identity/client-id and secretStore.azureKeyVault.clientId."
  value       = azurerm_user_assigned_identity.taskfn.client_id
}

output "alb_controller_client_id" {
  value = azurerm_user_assigned_identity.alb.client_id
}

output "alb_subnet_id" {
  description = "The ApplicationLoadBalancer's association (scripts/cloud/azure.sh)."
  value       = azurerm_subnet.alb.id
}

output "cd_client_id" {
  description = "GitHub environment variable AZURE_CLIENT_ID."
  value       = azurerm_user_assigned_identity.cd.client_id
}

output "kafka_brokers" {
  description = "kafka.brokers."
  value       = "${azurerm_eventhub_namespace.main.name}.servicebus.windows.net:9093"
}

output "redis_host" {
  description = "redis.host."
  value       = "${azurerm_redis_cache.main.hostname}:${azurerm_redis_cache.main.ssl_port}"
}
