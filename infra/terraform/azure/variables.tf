variable "subscription_id" {
  description = "Azure subscription to create everything in."
  type        = string
}

variable "name" {
  description = "Prefix of every resource name (letters and digits; ACR and Key Vault names are global)."
  type        = string
  default     = "taskfn"
  validation {
    condition     = can(regex("^[a-z][a-z0-9]{2,15}$", var.name))
    error_message = "3 to 16 lower-case letters and digits, starting with a letter."
  }
}

variable "location" {
  description = "Azure region (seed 002: West Europe)."
  type        = string
  default     = "westeurope"
}

variable "kubernetes_version" {
  description = "AKS Kubernetes version (`az aks get-versions --location <region>`); the chart needs 1.33 or later."
  type        = string
  default     = "1.34"
}

variable "node_size" {
  description = "VM size of the node pool (README, \"Node sizing\")."
  type        = string
  default     = "Standard_D4s_v5"
}

variable "node_count_min" {
  description = "Nodes the autoscaler keeps at least."
  type        = number
  default     = 2
}

variable "node_count_max" {
  description = "Nodes the autoscaler adds at most."
  type        = number
  default     = 5
}

variable "api_authorized_ip_ranges" {
  description = "CIDRs allowed to reach the Kubernetes API; empty: any (GitHub-hosted runners have no fixed address)."
  type        = list(string)
  default     = []
}

variable "github_repository" {
  description = "owner/name of the repository whose CD (environment azure) may deploy, by OIDC federation."
  type        = string
}

variable "sendgrid_api_key" {
  description = "SendGrid API key for notify's email binding; empty: no key stored (email.provider none)."
  type        = string
  default     = ""
  sensitive   = true
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = { app = "taskfn" }
}
