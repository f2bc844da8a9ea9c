resource "azurerm_container_registry" "main" {
  #checkov:skip=CKV_AZURE_139: GitHub-hosted CD runners push over the public endpoint (Entra ID login only: admin user off)
  #checkov:skip=CKV_AZURE_165: geo-replication needs Premium; one region here
  #checkov:skip=CKV_AZURE_166: image quarantine needs Premium and a scanner to release images
  #checkov:skip=CKV_AZURE_233: zone redundancy needs Premium
  #checkov:skip=CKV_AZURE_237: dedicated data endpoints need Premium
  #checkov:skip=CKV_AZURE_164: content trust (Notary v1) is deprecated by Azure; CD deploys by digest instead
  #checkov:skip=CKV_AZURE_167: retention of untagged manifests needs Premium; CD tags every push with its commit
  name                = "${var.name}acr"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  sku                 = "Standard"
  admin_enabled       = false
  tags                = var.tags
}
