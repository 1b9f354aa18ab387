//! The CLI's one error: a message for stderr and the exit code.

use shipmux_core::Error;

/// Exit code of a failed command.
pub const EXIT_FAILED: u8 = 1;
/// Exit code of a usage error (bad flags, unreadable input files).
pub const EXIT_USAGE: u8 = 2;
/// Exit code of `decode` when the body decoded to a carrier error.
pub const EXIT_CARRIER_ERROR: u8 = 3;

/// What went wrong, as one line, and the exit code that says so.
#[derive(Debug)]
pub struct CliError {
    /// One line for stderr.
    pub message: String,
    /// The process exit code.
    pub code: u8,
}

impl CliError {
    /// The command failed (exit 1).
    pub fn failed(message: impl Into<String>) -> Self {
        CliError {
            message: one_line(message.into()),
            code: EXIT_FAILED,
        }
    }

    /// The command was used wrongly (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            message: one_line(message.into()),
            code: EXIT_USAGE,
        }
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        match e.kind {
            shipmux_core::ErrorKind::InvalidRequest | shipmux_core::ErrorKind::Config => {
                CliError::usage(e.to_string())
            }
            _ => CliError::failed(e.to_string()),
        }
    }
}

fn one_line(s: String) -> String {
    if s.contains('\n') {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        s
    }
}
