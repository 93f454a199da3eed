# A Docker VM on Proxmox, cloud-init configured.
terraform {
  required_providers {
    proxmox = {
      source  = "bpg/proxmox"
      version = "~> 0.66"
    }
  }
}

variable "node_name" {
  type = string
}

variable "vm_name" {
  type = string
}

variable "cores" {
  type    = number
  default = 2
}

variable "ci_password" {
  type      = string
  sensitive = true
}

resource "proxmox_virtual_environment_vm" "this" {
  node_name = var.node_name
  name      = var.vm_name

  cpu {
    cores = var.cores
  }

  initialization {
    user_account {
      username = "debian"
      password = var.ci_password
    }
  }
}
