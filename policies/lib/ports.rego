# Ports that should never face the internet, shared by the rules that look for them
# (`compose.database-port-published`, `compose.docker-api-exposed`, `host.service-exposed`,
# `terraform.admin-port-open-to-world`): `import data.vigie.lib.ports`.
package vigie.lib.ports

import rego.v1

# Ports database servers listen on, with what usually listens there.
database := {
	1433: "SQL Server",
	1521: "Oracle",
	3306: "MySQL/MariaDB",
	5432: "PostgreSQL",
	5984: "CouchDB",
	6379: "Redis/Valkey",
	7474: "Neo4j HTTP",
	7687: "Neo4j Bolt",
	8086: "InfluxDB",
	8529: "ArangoDB",
	9042: "Cassandra/ScyllaDB",
	9200: "Elasticsearch/OpenSearch",
	9300: "Elasticsearch transport",
	11211: "memcached",
	26257: "CockroachDB",
	27017: "MongoDB",
	27018: "MongoDB shard",
	27019: "MongoDB config server",
	28015: "RethinkDB",
	33060: "MySQL X protocol",
}

# The Docker Engine API: unauthenticated on 2375, TLS (with client certificates, if the daemon
# verifies them) on 2376. `compose.docker-api-exposed` reports these.
docker_api := {
	2375: "Docker API",
	2376: "Docker API over TLS",
}

# Ports of admin interfaces and control APIs: root on the machine, or close to it, for whoever
# reaches them.
admin := object.union(docker_api, {
	2379: "etcd",
	3389: "RDP",
	5900: "VNC",
	6443: "Kubernetes API",
	8006: "Proxmox VE",
	9000: "Portainer/MinIO",
	9090: "Cockpit/Prometheus",
	9443: "Portainer",
	10250: "kubelet",
})

# Database and admin ports, by number.
exposed_services := object.union(database, admin)
