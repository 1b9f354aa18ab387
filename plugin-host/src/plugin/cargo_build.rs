//! Building plugin crates with cargo from tests and benchmarks, so a plugin's tests load the
//! real `.so` with no manual step.
//!
//! Cargo does not build a `cdylib` that a test merely loads, so the test runs cargo itself.
//! It builds into its own target folder: the `cargo test` that runs the test holds the lock
//! on the workspace's `target/`, and a nested build there would wait for it forever.

use std::path::{Path, PathBuf};
use std::process::Command;

use shipmux_core::{Error, Result};

/// A `cargo build` of one plugin package. The default is a debug build of the package's
/// library into `target/plugin-build` next to the workspace's `Cargo.toml`.
///
/// ```no_run
/// use shipmux_host::plugin::{CargoBuild, Plugin};
///
/// let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
/// let out = CargoBuild::new("shipmux-canadapost").workspace(&workspace).run()?;
/// let plugin = Plugin::load(out.library("shipmux_canadapost"))?;
/// # Ok::<(), shipmux_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct CargoBuild {
    package: String,
    workspace: PathBuf,
    target_dir: Option<PathBuf>,
    release: bool,
    panic_abort: bool,
    examples: Vec<String>,
    all_examples: bool,
    target: Option<String>,
}

/// Where a [`CargoBuild`] put its files.
#[derive(Clone, Debug)]
pub struct BuildOutput {
    profile_dir: PathBuf,
    wasm: bool,
}

impl BuildOutput {
    /// The library file of crate `crate_name` (underscores, as in `use`): e.g.
    /// `…/debug/libshipmux_canadapost.so` on Linux, or `…/wasm32-wasip2/debug/
    /// shipmux_canadapost.wasm` for a Wasm target.
    pub fn library(&self, crate_name: &str) -> PathBuf {
        self.profile_dir.join(self.file_name(crate_name))
    }

    /// The library file of example `name` (an example with `crate-type = ["cdylib"]`).
    pub fn example(&self, name: &str) -> PathBuf {
        self.profile_dir.join("examples").join(self.file_name(name))
    }

    fn file_name(&self, name: &str) -> String {
        if self.wasm {
            format!("{}.wasm", name.replace('-', "_"))
        } else {
            dylib_file_name(name)
        }
    }

    /// The profile folder (`…/debug` or `…/release`).
    pub fn dir(&self) -> &Path {
        &self.profile_dir
    }
}

/// `lib<name>.so`, `lib<name>.dylib` or `<name>.dll`, with `-` written as `_`.
pub fn dylib_file_name(name: &str) -> String {
    format!(
        "{}{}{}",
        std::env::consts::DLL_PREFIX,
        name.replace('-', "_"),
        std::env::consts::DLL_SUFFIX
    )
}

impl CargoBuild {
    /// Builds package `package` of the workspace in the current folder.
    pub fn new(package: &str) -> Self {
        CargoBuild {
            package: package.to_string(),
            workspace: PathBuf::from("."),
            target_dir: None,
            release: false,
            panic_abort: false,
            examples: Vec::new(),
            all_examples: false,
            target: None,
        }
    }

    /// Builds for target `triple` instead of the host, e.g. `wasm32-wasip2` for a Wasm
    /// plugin component (the target must be installed: `rustup target add`).
    pub fn target(mut self, triple: &str) -> Self {
        self.target = Some(triple.to_string());
        self
    }

    /// The workspace folder (holding the root `Cargo.toml`).
    pub fn workspace(mut self, dir: impl Into<PathBuf>) -> Self {
        self.workspace = dir.into();
        self
    }

    /// Builds into `dir` instead of `<workspace>/target/plugin-build`.
    pub fn target_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.target_dir = Some(dir.into());
        self
    }

    /// An optimized build.
    pub fn release(mut self, release: bool) -> Self {
        self.release = release;
        self
    }

    /// Builds with `panic=abort` (for testing that the host refuses such plugins). Use its
    /// own target folder: every dependency is rebuilt with the other strategy.
    pub fn panic_abort(mut self, abort: bool) -> Self {
        self.panic_abort = abort;
        self
    }

    /// Builds this example instead of the library.
    pub fn example(mut self, name: &str) -> Self {
        self.examples.push(name.to_string());
        self
    }

    /// Builds every example instead of the library.
    pub fn all_examples(mut self) -> Self {
        self.all_examples = true;
        self
    }

    /// Runs cargo and waits. The error carries the end of cargo's output.
    pub fn run(&self) -> Result<BuildOutput> {
        let target_dir = self
            .target_dir
            .clone()
            .unwrap_or_else(|| self.workspace.join("target").join("plugin-build"));
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .current_dir(&self.workspace)
            .args(["build", "--offline", "--quiet", "-p", &self.package])
            .arg("--target-dir")
            .arg(&target_dir);
        if self.release {
            command.arg("--release");
        }
        if let Some(target) = &self.target {
            command.args(["--target", target]);
        }
        if self.all_examples {
            command.arg("--examples");
        } else if self.examples.is_empty() {
            command.arg("--lib");
        }
        for example in &self.examples {
            command.args(["--example", example]);
        }
        let profile = if self.release { "RELEASE" } else { "DEV" };
        if self.panic_abort {
            command.env(format!("CARGO_PROFILE_{profile}_PANIC"), "abort");
        }
        let output = command.output().map_err(|e| {
            Error::config(format!("cannot run cargo to build {}: {e}", self.package))
        })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let tail: Vec<&str> = stderr.lines().rev().take(30).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            // Offline, cargo has only what earlier builds downloaded: those for the host
            // target, not a Wasm guest's own dependencies.
            let hint = if stderr.contains("--offline was specified") {
                "\n(cargo builds plugins offline: run `cargo fetch` once, which downloads the \
                 dependencies of every target)"
            } else {
                ""
            };
            return Err(Error::config(format!(
                "cargo build -p {} failed ({}):\n{}{hint}",
                self.package,
                output.status,
                tail.join("\n")
            )));
        }
        let mut profile_dir = target_dir;
        if let Some(target) = &self.target {
            profile_dir.push(target);
        }
        profile_dir.push(if self.release { "release" } else { "debug" });
        Ok(BuildOutput {
            profile_dir,
            wasm: self
                .target
                .as_deref()
                .is_some_and(|t| t.starts_with("wasm")),
        })
    }
}
