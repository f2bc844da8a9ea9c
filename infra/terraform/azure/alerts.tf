# The alerts of helm/taskfn/files/alerts.yaml as Azure Monitor Prometheus rule groups: Azure's
# managed Prometheus reads no PrometheusRule. A file of its own because checkov's HCL parser rejects
# the attribute name `for` the resource requires (scripts/checks/checkov.ts leaves this file out).

locals {
  # One copy of the alerts: the chart's rule file, read here as Azure rule groups.
  alert_groups = yamldecode(file("${path.module}/../../../helm/taskfn/files/alerts.yaml")).groups
}

resource "azurerm_monitor_alert_prometheus_rule_group" "taskfn" {
  for_each            = { for g in local.alert_groups : g.name => g }
  name                = "${var.name}-${each.key}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  cluster_name        = azurerm_kubernetes_cluster.main.name
  scopes              = [azurerm_monitor_workspace.main.id, azurerm_kubernetes_cluster.main.id]
  rule_group_enabled  = true
  interval            = "PT1M"
  tags                = var.tags

  dynamic "rule" {
    for_each = each.value.rules
    content {
      alert       = rule.value.alert
      expression  = rule.value.expr
      for         = "PT${upper(try(rule.value["for"], "0m"))}"
      # Azure severities: 1 (error) pages, 3 (informational) makes a ticket.
      severity    = try(rule.value.labels.severity, "ticket") == "page" ? 1 : 3
      labels      = try(rule.value.labels, {})
      annotations = try(rule.value.annotations, {})
      enabled     = true
    }
  }
}
