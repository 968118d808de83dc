//! What both benches need: the repository root and one way to time a
//! child process with its peak resident memory.

use std::path::PathBuf;
use std::time::{Duration, Instant};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One run of a command: wall time, peak RSS (KiB, from /proc's VmHWM,
/// sampled every 2 ms) and whether it exited 0 or 1 (1 = findings).
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub wall: Duration,
    pub peak_kib: u64,
    pub ok: bool,
}

/// Runs `cmd` with no stdin or stdout and measures it.
pub fn timed(cmd: &mut std::process::Command) -> Run {
    let t = Instant::now();
    let mut child = cmd.stdin(std::process::Stdio::null()).stdout(std::process::Stdio::null()).spawn().expect("spawn");
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status) {
            if let Some(kib) = s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)) {
                peak = peak.max(kib.parse().unwrap_or(0));
            }
        }
        if let Ok(Some(st)) = child.try_wait() {
            return Run { wall: t.elapsed(), peak_kib: peak, ok: st.code().is_some_and(|c| c <= 1) };
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The median of `n` runs (by wall time; its peak RSS the highest of
/// all); every run must succeed.
#[allow(dead_code)] // not every bench uses it
pub fn median_of(n: usize, mut f: impl FnMut() -> Run) -> Run {
    let mut runs: Vec<Run> = (0..n.max(1)).map(|_| f()).collect();
    assert!(runs.iter().all(|r| r.ok), "command failed");
    let peak = runs.iter().map(|r| r.peak_kib).max().unwrap_or(0);
    runs.sort_by_key(|r| r.wall);
    Run { peak_kib: peak, ..runs[runs.len() / 2] }
}

/// The fastest of `n` runs; every run must succeed.
#[allow(dead_code)] // not every bench uses it
pub fn best_of(n: usize, mut f: impl FnMut() -> Run) -> Run {
    let mut best: Option<Run> = None;
    for _ in 0..n {
        let r = f();
        assert!(r.ok, "command failed");
        if best.as_ref().is_none_or(|b| r.wall < b.wall) {
            best = Some(r);
        }
    }
    best.expect("a run")
}

/// 20 copies of the 15 samples in one folder.
#[allow(dead_code)] // not every bench uses it
pub fn three_hundred() -> PathBuf {
    let dir = root().join("target/bench-data/feedback300");
    if dir.join(".complete").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    for k in 0..20 {
        for e in std::fs::read_dir(root().join("samples/2024")).expect("samples") {
            let p = e.expect("entry").path();
            if p.extension().is_none_or(|x| x != "xlsx") {
                continue; // the forms, not the 自评报告 and 佐证材料 beside them
            }
            let name = p.file_name().expect("name").to_string_lossy().to_string();
            std::fs::copy(&p, dir.join(format!("{k:02}_{name}"))).expect("copy");
        }
    }
    std::fs::write(dir.join(".complete"), b"").expect("mark");
    dir
}
