variable "pve_host" {
  type    = string
  default = "pve.lan"
}

variable "pve_api_token" {
  type        = string
  sensitive   = true
  description = "Set TF_VAR_pve_api_token in the environment."
}

variable "hcloud_token" {
  type      = string
  sensitive = true
}

variable "vm_password" {
  type      = string
  sensitive = true
}

variable "tailnet_cidr" {
  type    = string
  default = "100.64.0.0/10"
}

locals {
  # Left open while the tailnet was being set up.
  admin_sources = ["0.0.0.0/0"]
}
