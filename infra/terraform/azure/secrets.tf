# Key Vault: every secret the release reads. Dapr's components read theirs directly (the
# azure.keyvault secret store); External Secrets syncs the rest into Kubernetes Secrets
# (values-azure.yaml, externalSecrets). Both authenticate as the taskfn service account.

resource "azurerm_key_vault" "main" {
  #checkov:skip=CKV_AZURE_189: GitHub-hosted runners and the cluster's egress reach it over its public endpoint; Entra ID RBAC decides who reads
  #checkov:skip=CKV_AZURE_109: same: no network ACL that would keep CD's runners out
  #checkov:skip=CKV2_AZURE_32: a private endpoint needs a private DNS zone per consumer network; RBAC guards the data plane
  name                       = "${var.name}-kv"
  location                   = azurerm_resource_group.main.location
  resource_group_name        = azurerm_resource_group.main.name
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "standard"
  rbac_authorization_enabled = true
  purge_protection_enabled   = true
  soft_delete_retention_days = 7
  tags                       = var.tags
}

# Whoever runs Terraform writes the secrets.
resource "azurerm_role_assignment" "deployer_secrets" {
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = data.azurerm_client_config.current.object_id
}

resource "random_password" "tokens" {
  for_each = toset(["jwt-secret", "app-api-token", "dapr-api-token"])
  length   = 48
  special  = false
}

locals {
  database_url = format(
    "postgres://%s:%s@%s:5432/%s?sslmode=require",
    azurerm_postgresql_flexible_server.main.administrator_login,
    random_password.postgres.result,
    azurerm_postgresql_flexible_server.main.fqdn,
    azurerm_postgresql_flexible_server_database.taskfn.name,
  )
  secrets = {
    "database-url"            = local.database_url
    "jwt-secret"              = random_password.tokens["jwt-secret"].result
    "app-api-token"           = random_password.tokens["app-api-token"].result
    "dapr-api-token"          = random_password.tokens["dapr-api-token"].result
    "kafka-username"          = "$ConnectionString"
    "kafka-connection-string" = azurerm_eventhub_namespace_authorization_rule.taskfn.primary_connection_string
    "kafka-sasl-type"         = "PLAIN"
    "redis-access-key"        = azurerm_redis_cache.main.primary_access_key
  }
}

resource "azurerm_key_vault_secret" "taskfn" {
  #checkov:skip=CKV_AZURE_41: generated credentials do not expire on a date; rotate them by tainting the random_password and re-applying
  # The names are fixed; only the values are secret.
  for_each     = toset(["database-url", "jwt-secret", "app-api-token", "dapr-api-token", "kafka-username", "kafka-connection-string", "kafka-sasl-type", "redis-access-key"])
  name         = each.key
  value        = local.secrets[each.key]
  key_vault_id = azurerm_key_vault.main.id
  content_type = "text/plain"
  depends_on   = [azurerm_role_assignment.deployer_secrets]
}

resource "azurerm_key_vault_secret" "sendgrid" {
  #checkov:skip=CKV_AZURE_41: a SendGrid key has no expiry of its own; rotate it in SendGrid and re-apply
  count        = nonsensitive(var.sendgrid_api_key != "") ? 1 : 0
  name         = "sendgrid-api-key"
  value        = var.sendgrid_api_key
  key_vault_id = azurerm_key_vault.main.id
  content_type = "text/plain"
  depends_on   = [azurerm_role_assignment.deployer_secrets]
}
