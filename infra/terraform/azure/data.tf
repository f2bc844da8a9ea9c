# Event Hubs' Kafka endpoint (Standard tier and up), Azure Cache for Redis, PostgreSQL.

resource "azurerm_eventhub_namespace" "main" {
  name                = "${var.name}-events"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  sku                 = "Standard"
  capacity            = 1
  minimum_tls_version = "1.2"
  # Kafka clients authenticate with SASL PLAIN: user "$ConnectionString", the password a
  # connection string (Dapr's pubsub.kafka and the KafkaSources speak no Entra ID).
  local_authentication_enabled = true
  tags                         = var.tags
}

locals {
  # The topics scripts/provision-topics.ts would create (Event Hubs: an event hub each).
  topics = {
    "task-events"             = 3
    "task-events-dlq"         = 1
    "reminder-events"         = 1
    "reminder-events-dlq"     = 1
    "notification-events"     = 1
    "notification-events-dlq" = 1
  }
}

resource "azurerm_eventhub" "topics" {
  for_each          = local.topics
  name              = each.key
  namespace_id      = azurerm_eventhub_namespace.main.id
  partition_count   = each.value
  message_retention = 7
}

# Send and listen for the functions and sources; manage for the topic Job's admin calls.
resource "azurerm_eventhub_namespace_authorization_rule" "taskfn" {
  name                = "taskfn"
  namespace_name      = azurerm_eventhub_namespace.main.name
  resource_group_name = azurerm_resource_group.main.name
  listen              = true
  send                = true
  manage              = true
}

resource "azurerm_redis_cache" "main" {
  #checkov:skip=CKV_AZURE_89: Dapr's state store reaches it from the cluster over TLS with its access key; a private endpoint needs Premium
  name                          = "${var.name}-redis"
  location                      = azurerm_resource_group.main.location
  resource_group_name           = azurerm_resource_group.main.name
  sku_name                      = "Standard"
  family                        = "C"
  capacity                      = 1
  minimum_tls_version           = "1.2"
  non_ssl_port_enabled          = false
  public_network_access_enabled = true
  tags                          = var.tags
}

resource "random_password" "postgres" {
  length  = 32
  special = false
}

resource "azurerm_private_dns_zone" "postgres" {
  name                = "${var.name}.private.postgres.database.azure.com"
  resource_group_name = azurerm_resource_group.main.name
  tags                = var.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "postgres" {
  name                  = "postgres"
  private_dns_zone_name = azurerm_private_dns_zone.postgres.name
  virtual_network_id    = azurerm_virtual_network.main.id
  resource_group_name   = azurerm_resource_group.main.name
}

resource "azurerm_postgresql_flexible_server" "main" {
  #checkov:skip=CKV2_AZURE_57: VNet integration (delegated subnet, private DNS zone, no public access) is its private-access mode; a private endpoint is the other one
  #checkov:skip=CKV_AZURE_136: geo-redundant backups double the storage bill; point-in-time restore within the region covers seven days
  name                          = "${var.name}-pg"
  location                      = azurerm_resource_group.main.location
  resource_group_name           = azurerm_resource_group.main.name
  version                       = "17"
  sku_name                      = "B_Standard_B2s"
  storage_mb                    = 32768
  backup_retention_days         = 7
  delegated_subnet_id           = azurerm_subnet.postgres.id
  private_dns_zone_id           = azurerm_private_dns_zone.postgres.id
  public_network_access_enabled = false
  administrator_login           = "taskfn"
  administrator_password        = random_password.postgres.result
  zone                          = "1"
  tags                          = var.tags
  depends_on                    = [azurerm_private_dns_zone_virtual_network_link.postgres]
}

resource "azurerm_postgresql_flexible_server_database" "taskfn" {
  name      = "taskfn"
  server_id = azurerm_postgresql_flexible_server.main.id
  charset   = "UTF8"
  collation = "en_US.utf8"
}
