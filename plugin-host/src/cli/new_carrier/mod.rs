//! `shipmux new carrier NAME`: a carrier folder in the common shape (descriptor, config,
//! protocol, error, codes, track, rate/{mod,request,response}, a simulator on the sandbox
//! kit, and the conformance, protocol, sandbox and shared tests) that
//! compiles and passes its tests as generated; the wire format is a placeholder to replace
//! with the carrier's contract. See docs/carriers.md, "Adding a carrier".

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::error::CliError;

/// What `shipmux new` creates.
#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// A carrier crate in the common shape.
    Carrier(NewCarrierArgs),
}

/// Flags of `shipmux new carrier`.
#[derive(Debug, Args)]
#[command(
    after_help = "Inside the shipmux repository (the default), the crate goes to \
carriers/<id> and depends on the workspace's crates; register it with the lines printed at the \
end. With --shipmux PATH it is a standalone crate depending on that checkout's crates by path."
)]
pub struct NewCarrierArgs {
    /// The carrier's id: lower-case letters and digits (`acme`).
    pub id: String,
    /// Its display name (default: the id).
    #[arg(long)]
    pub name: Option<String>,
    /// Where to create the crate (default: `carriers/<id>`).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// A shipmux checkout to depend on by path, for a crate outside the workspace.
    #[arg(long, value_name = "PATH")]
    pub shipmux: Option<PathBuf>,
}

/// The template, file by file: (path in the crate, text with `{{…}}` placeholders). The
/// names are those of every carrier folder (docs/carriers.md, "The files of a carrier
/// folder"); a carrier with a token call adds `src/auth.rs` and `src/sandbox/token.rs`.
const TEMPLATE: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("template/Cargo.toml.tmpl")),
    ("src/lib.rs", include_str!("template/lib.rs.tmpl")),
    (
        "src/descriptor.rs",
        include_str!("template/descriptor.rs.tmpl"),
    ),
    ("src/config.rs", include_str!("template/config.rs.tmpl")),
    ("src/protocol.rs", include_str!("template/protocol.rs.tmpl")),
    ("src/error.rs", include_str!("template/error.rs.tmpl")),
    ("src/codes.rs", include_str!("template/codes.rs.tmpl")),
    ("src/track.rs", include_str!("template/track.rs.tmpl")),
    ("src/rate/mod.rs", include_str!("template/rate/mod.rs.tmpl")),
    (
        "src/rate/request.rs",
        include_str!("template/rate/request.rs.tmpl"),
    ),
    (
        "src/rate/response.rs",
        include_str!("template/rate/response.rs.tmpl"),
    ),
    (
        "src/sandbox/mod.rs",
        include_str!("template/sandbox/mod.rs.tmpl"),
    ),
    (
        "src/sandbox/rates.rs",
        include_str!("template/sandbox/rates.rs.tmpl"),
    ),
    (
        "src/sandbox/tracking.rs",
        include_str!("template/sandbox/tracking.rs.tmpl"),
    ),
    (
        "tests/conformance.rs",
        include_str!("template/tests/conformance.rs.tmpl"),
    ),
    (
        "tests/protocol.rs",
        include_str!("template/tests/protocol.rs.tmpl"),
    ),
    (
        "tests/sandbox.rs",
        include_str!("template/tests/sandbox.rs.tmpl"),
    ),
    (
        "tests/shared.rs",
        include_str!("template/tests/shared.rs.tmpl"),
    ),
];

/// Runs `shipmux new …`.
pub fn run(command: NewCommand) -> Result<ExitCode, CliError> {
    match command {
        NewCommand::Carrier(args) => new_carrier(args),
    }
}

fn new_carrier(args: NewCarrierArgs) -> Result<ExitCode, CliError> {
    let id = args.id.trim();
    let valid = !id.is_empty()
        && id.len() <= 32
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !valid {
        return Err(CliError::usage(format!(
            "`{id}` is not a carrier id: lower-case letters and digits, starting with a letter"
        )));
    }
    if shipmux_host::builtin(id).is_some() {
        return Err(CliError::usage(format!(
            "`{id}` is already a built-in carrier"
        )));
    }
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| Path::new("carriers").join(id));
    if dir.exists() {
        return Err(CliError::usage(format!(
            "{} already exists; choose another --dir",
            dir.display()
        )));
    }
    let name = args.name.clone().unwrap_or_else(|| id.to_string());
    let files = render(id, &name, args.shipmux.as_deref())?;
    for (path, text) in &files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                CliError::failed(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        std::fs::write(&path, text)
            .map_err(|e| CliError::failed(format!("cannot write {}: {e}", path.display())))?;
    }
    // Best effort: the template's line lengths depend on the id, so let rustfmt lay it out.
    for (path, _) in files.iter().filter(|(p, _)| p.ends_with(".rs")) {
        let _ = std::process::Command::new("rustfmt")
            .args(["--edition", "2024"])
            .arg(dir.join(path))
            .status();
    }
    println!("created {} ({} files)", dir.display(), files.len());
    if args.shipmux.is_none() {
        println!(
            "register it: add \"{}\" to the workspace members and \
             `shipmux-{id} = {{ path = \"{}\", version = \"0.1.0\" }}` to [workspace.dependencies] \
             in Cargo.toml; in plugin-host/Cargo.toml the optional dependency, the feature \
             `{id} = [\"dep:shipmux-{id}\"]` (in `default`) and `\"shipmux-{id}?/sandbox\"` in \
             `sandboxes`; in plugin-host/src/builtin.rs the line \
             `#[cfg(feature = \"{id}\")] builtin!(shipmux_{id}),`",
            dir.display(),
            dir.display()
        );
    }
    println!(
        "test it: cargo test --manifest-path {} --features sandbox",
        dir.join("Cargo.toml").display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The template's files for carrier `id` named `name`, depending on the workspace's crates, or
/// on those of the checkout at `shipmux` by path.
pub fn render(
    id: &str,
    name: &str,
    shipmux: Option<&Path>,
) -> Result<Vec<(&'static str, String)>, CliError> {
    let type_name = {
        let mut chars = id.chars();
        chars
            .next()
            .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
            .unwrap_or_default()
    };
    let (core_dep, core_dev_dep, sandbox_dep, workspace) = match shipmux {
        None => (
            "{ workspace = true }".to_string(),
            "{ workspace = true, features = [\"testkit\"] }".to_string(),
            "{ workspace = true, optional = true }".to_string(),
            String::new(),
        ),
        Some(root) => {
            let root = root
                .canonicalize()
                .map_err(|e| CliError::usage(format!("--shipmux {}: {e}", root.display())))?;
            let path = |p: &str| root.join(p).display().to_string().replace('\\', "/");
            (
                format!("{{ path = \"{}\" }}", path("core")),
                format!(
                    "{{ path = \"{}\", features = [\"testkit\"] }}",
                    path("core")
                ),
                format!(
                    "{{ path = \"{}\", optional = true }}",
                    path("carriers/sandbox")
                ),
                "\n# Not part of the shipmux workspace.\n[workspace]\n".to_string(),
            )
        }
    };
    let fill = |text: &str| {
        text.replace("{{id}}", id)
            .replace("{{Name}}", name)
            .replace("{{Type}}", &type_name)
            .replace("{{ENV}}", &id.to_ascii_uppercase())
            .replace("{{core_dep}}", &core_dep)
            .replace("{{core_dev_dep}}", &core_dev_dep)
            .replace("{{sandbox_dep}}", &sandbox_dep)
            .replace("{{workspace}}", &workspace)
    };
    Ok(TEMPLATE
        .iter()
        .map(|(path, text)| (*path, fill(text)))
        .collect())
}
