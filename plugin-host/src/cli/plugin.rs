//! `shipmux plugin check`: loads a plugin (a native library or a `.wasm` component) and
//! prints its manifest, or says why the host refuses it.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use shipmux_host::plugin::inspect;

use super::error::CliError;
use super::output::print_json;

/// `shipmux plugin …`.
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Load a plugin and print its manifest, or the reason it is refused (exit 1).
    Check(CheckArgs),
}

/// Flags of `shipmux plugin check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The plugin: a library (`.so`, `.dylib` or `.dll`) or a WebAssembly component (`.wasm`).
    pub path: PathBuf,
}

/// Runs a `plugin` subcommand.
pub fn run(command: PluginCommand) -> Result<ExitCode, CliError> {
    match command {
        PluginCommand::Check(args) => check(args),
    }
}

fn check(args: CheckArgs) -> Result<ExitCode, CliError> {
    match inspect(&args.path) {
        Ok(manifest) => {
            print_json(&manifest)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(CliError::failed(match &e.code {
            Some(code) => format!("{} [{code}]", e.message),
            None => e.message,
        })),
    }
}
