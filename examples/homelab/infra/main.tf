# The machines behind the stack: a Proxmox VE node at home (bpg/proxmox) running the Docker VM,
# and a small Hetzner Cloud server as the public edge. State goes to a MinIO bucket on the NAS.
terraform {
  required_version = ">= 1.6"

  required_providers {
    proxmox = {
      source  = "bpg/proxmox"
      version = "~> 0.66"
    }
    hcloud = {
      source = "hetznercloud/hcloud"
    }
  }

  backend "s3" {
    bucket                      = "tfstate"
    key                         = "homelab/terraform.tfstate"
    region                      = "us-east-1"
    endpoints                   = { s3 = "http://nas.lan:9000" }
    use_path_style              = true
    skip_credentials_validation = true
    skip_requesting_account_id  = true
  }
}

provider "proxmox" {
  endpoint  = "https://${var.pve_host}:8006/"
  api_token = var.pve_api_token
  insecure  = true
}

provider "hcloud" {
  token = var.hcloud_token
}

module "docker_vm" {
  source      = "./modules/vm"
  node_name   = "pve"
  vm_name     = "docker"
  cores       = 4
  ci_password = var.vm_password
}

module "monitoring" {
  source = "git::https://github.com/example-org/tf-monitoring.git?ref=main"
}

resource "hcloud_firewall" "edge" {
  name = "edge"

  rule {
    direction  = "in"
    protocol   = "tcp"
    port       = "443"
    source_ips = ["0.0.0.0/0", "::/0"]
  }

  rule {
    direction  = "in"
    protocol   = "tcp"
    port       = "22"
    source_ips = local.admin_sources
  }

  rule {
    direction  = "in"
    protocol   = "udp"
    port       = "41641"
    source_ips = ["0.0.0.0/0", "::/0"]
  }
}

resource "hcloud_firewall" "tailnet_only" {
  name = "tailnet-only"

  rule {
    direction  = "in"
    protocol   = "tcp"
    port       = "22"
    source_ips = [var.tailnet_cidr]
  }
}
