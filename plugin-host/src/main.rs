//! `shipmux`: real-time shipping quotes from every carrier at once, from the command line.
//!
//! Every command is a thin layer over the `shipmux-host` library: parse flags, call the
//! library, print. See `docs/cli.md` for the reference with real output.

mod cli;

/// mimalloc instead of the system allocator: the host allocates many small, short-lived
/// objects (requests, JSON, rates) on several threads at once, where glibc's malloc spends
/// much of a quote's CPU and fragments the heap (see BENCHMARKS.md, "Load test"). Plugins
/// free only what they allocated themselves, so mixing allocators across the ABI is safe.
/// Built with `no_thp`: transparent huge pages are off for this process, since a 2 MiB page
/// backing a mostly free span of the heap counted whole in RSS (1M quotes over 100k keys
/// peaked 13–19 MB higher with them, at the same speed; BENCHMARKS.md, "Against floors").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
