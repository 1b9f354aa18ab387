//! `shipmux`: real-time shipping quotes from every carrier at once, from the command line.
//!
//! Every command is a thin layer over the `shipmux-host` library: parse flags, call the
//! library, print. See `docs/cli.md` for the reference with real output.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
