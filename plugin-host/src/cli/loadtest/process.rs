//! This process's CPU time (`getrusage`) and memory (`/proc`, Linux); `None` elsewhere.

/// User + system CPU seconds this process has used so far, to the microsecond
/// (`getrusage`; `/proc`'s clock ticks are too coarse for a short run's per-quote figure).
#[cfg(unix)]
pub fn cpu_seconds() -> Option<f64> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: getrusage writes the whole struct when it returns 0.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) } != 0 {
        return None;
    }
    // SAFETY: initialised by the successful call above.
    let usage = unsafe { usage.assume_init() };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Some(seconds(usage.ru_utime) + seconds(usage.ru_stime))
}

/// User + system CPU seconds this process has used so far.
#[cfg(not(unix))]
pub fn cpu_seconds() -> Option<f64> {
    None
}

/// Peak resident memory (`VmHWM`) in MB.
pub fn peak_rss_mb() -> Option<f64> {
    status_kb("VmHWM:").map(|kb| kb / 1024.0)
}

/// Current resident memory (`VmRSS`) in MB.
pub fn rss_mb() -> Option<f64> {
    status_kb("VmRSS:").map(|kb| kb / 1024.0)
}

fn status_kb(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn proc_readings_are_plausible() {
        let cpu = cpu_seconds().expect("cpu");
        assert!(cpu >= 0.0);
        let rss = rss_mb().expect("rss");
        let peak = peak_rss_mb().expect("peak");
        assert!(rss > 0.0 && peak >= rss * 0.5, "{rss} {peak}");
    }
}
