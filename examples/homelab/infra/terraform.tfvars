pve_host     = "pve.lan"
hcloud_token = "Jx8q2ZkP0vR4mT7wY1bN5cH3dF6gL9sA2eU8iO0pQ4rW7tY1uI3oP5aS7dF9gH2j"
vm_password  = "correct-horse-battery"
