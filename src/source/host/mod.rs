//! Live hosts: what `vigie audit` knows of a host before it connects, and (in the modules
//! beside this one) the facts gathered from it.

use std::path::PathBuf;

/// One host to audit, from the inventory (`[[hosts]]`) or `--host USER@ADDR[:PORT]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSpec {
    /// The name findings and reports use (the inventory's `name`, else the address).
    pub name: String,
    pub address: String,
    pub port: u16,
    pub user: String,
    /// A private key file; `None`: OpenSSH's default keys, then the agent.
    pub identity: Option<PathBuf>,
    pub tags: Vec<String>,
    /// Another inventory host (its name) or `user@addr[:port]` to connect through.
    pub jump: Option<String>,
    /// How this host's backups are found, when it has any.
    pub backup: Option<BackupSpec>,
}

/// Where a host's backups are, as read from the host itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupSpec {
    /// `restic snapshots --json` with this repository and password file (paths on the host).
    Restic {
        repository: String,
        password_file: String,
    },
    /// `borg list --json` of this repository, with an optional passphrase file on the host.
    Borg {
        repository: String,
        passphrase_file: Option<String>,
    },
    /// A file the backup job touches when it succeeds: its modification time is the newest
    /// backup.
    Marker { path: String },
}
