//! Command line and environment: every setting has a flag and an `IAMD_*` variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// How strictly requests are authenticated and authorized.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AuthMode {
    /// Verify every signature against stored secrets; hold principals to their policies.
    Strict,
    /// Verify and decide as `strict`, but log would-be denials and let the call through.
    Soft,
    /// Accept any credentials unverified: a 12-digit key id selects that account.
    Off,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Readable lines.
    Human,
    /// One JSON object a line.
    Json,
}

/// `iamd`: a local AWS IAM and STS.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// What to do; serving is the default.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Server settings (used when serving).
    #[command(flatten)]
    pub serve: Config,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve IAM and STS (the default).
    Serve,
    /// Print the table of implemented IAM and STS actions as Markdown.
    Coverage,
}

/// Everything the server needs to start.
#[derive(Clone, Debug, clap::Args)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (the bound address is printed).
    #[arg(long, env = "IAMD_LISTEN", default_value = "127.0.0.1:4566")]
    pub listen: SocketAddr,

    /// Directory holding the SQLite database file `iamd.sqlite3`.
    #[arg(long, env = "IAMD_DATA_DIR", default_value = "iamd-data")]
    pub data_dir: PathBuf,

    /// Keep state in memory only; it is gone when iamd stops.
    #[arg(long, env = "IAMD_IN_MEMORY", default_value_t = false)]
    pub in_memory: bool,

    /// Authentication and authorization mode.
    #[arg(long, env = "IAMD_AUTH_MODE", value_enum, default_value_t = AuthMode::Strict)]
    pub auth_mode: AuthMode,

    /// The default account's 12-digit id.
    #[arg(long, env = "IAMD_ACCOUNT_ID", default_value = "000000000000",
          value_parser = parse_account_id)]
    pub account_id: String,

    /// Access key id of the default account's root user.
    #[arg(long, env = "IAMD_ROOT_ACCESS_KEY_ID", default_value = "test")]
    pub root_access_key_id: String,

    /// Secret access key of the default account's root user.
    #[arg(
        long,
        env = "IAMD_ROOT_SECRET_ACCESS_KEY",
        default_value = "test",
        hide_env_values = true
    )]
    pub root_secret_access_key: String,

    /// More accounts to create at start-up, as `ID` or `ID:ACCESS_KEY_ID:SECRET`.
    /// Without keys, the root key id is the account id and the secret is `test`.
    #[arg(long = "account", env = "IAMD_ACCOUNTS", value_delimiter = ',',
          value_parser = parse_extra_account, hide_env_values = true)]
    pub accounts: Vec<ExtraAccount>,

    /// Log format.
    #[arg(long, env = "IAMD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Human)]
    pub log_format: LogFormat,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "IAMD_MAX_BODY_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_body_bytes: usize,
}

impl Config {
    /// The settings a fresh `iamd` would use with no flags and the given extra arguments.
    ///
    /// # Errors
    /// An argument clap rejects.
    pub fn from_args<'a>(args: impl IntoIterator<Item = &'a str>) -> Result<Self, clap::Error> {
        let cli = Cli::try_parse_from(std::iter::once("iamd").chain(args))?;
        Ok(cli.serve)
    }

    /// Where the database file lives.
    #[must_use]
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("iamd.sqlite3")
    }
}

/// An account created at start-up, with its root key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraAccount {
    /// The 12-digit account id.
    pub account_id: String,
    /// The root access key id.
    pub access_key_id: String,
    /// The root secret access key.
    pub secret_access_key: String,
}

fn parse_account_id(value: &str) -> Result<String, String> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value.to_owned())
    } else {
        Err(format!("`{value}` is not a 12-digit account id"))
    }
}

fn parse_extra_account(value: &str) -> Result<ExtraAccount, String> {
    let parts: Vec<&str> = value.split(':').collect();
    match parts.as_slice() {
        [id] => Ok(ExtraAccount {
            account_id: parse_account_id(id)?,
            access_key_id: (*id).to_owned(),
            secret_access_key: "test".to_owned(),
        }),
        [id, key, secret] if !key.is_empty() && !secret.is_empty() => Ok(ExtraAccount {
            account_id: parse_account_id(id)?,
            access_key_id: (*key).to_owned(),
            secret_access_key: (*secret).to_owned(),
        }),
        _ => Err(format!(
            "`{value}` is neither ID nor ID:ACCESS_KEY_ID:SECRET"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_local_emulator_conventions() {
        let config = Config::from_args([]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.listen.to_string(), "127.0.0.1:4566");
        assert_eq!(config.auth_mode, AuthMode::Strict);
        assert_eq!(config.account_id, "000000000000");
        assert_eq!(config.root_access_key_id, "test");
        assert!(!config.in_memory);
    }

    #[test]
    fn extra_accounts_take_an_id_or_an_id_with_keys() {
        let config = Config::from_args([
            "--account",
            "111111111111",
            "--account",
            "222222222222:AK:SK",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.accounts[0].access_key_id, "111111111111");
        assert_eq!(config.accounts[1].secret_access_key, "SK");
        assert!(Config::from_args(["--account", "12"]).is_err());
        assert!(Config::from_args(["--account-id", "abc"]).is_err());
    }
}
