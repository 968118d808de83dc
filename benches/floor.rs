//! The floor bench (issue 42): 300 workbooks checked with every city's
//! feedback, side by side in one run with the least any checker must do
//! and with the way a department would otherwise script it.
//!
//! Run: `cargo bench --features dev --bench floor [-- ROUNDS]` (7 rounds by
//! default). Each round runs, one after another on the same files (20
//! copies of samples/2024, see `common::three_hundred`):
//!
//! - **floor**: `python3 benches/floor_calamine.py DIR`, a bare read of
//!   every sheet of every workbook with python-calamine;
//! - **selfeval**: the release binary, `check DIR --out OUT` (every file's
//!   校验报告 and 标注 copy written);
//! - **peer**: `python3 benches/peer_openpyxl.py DIR OUT` (openpyxl reads
//!   each workbook and writes a small report per file), in the first three
//!   rounds only (it takes seconds).
//!
//! Every output goes to a folder of its own, removed only at the end: on
//! ext4, files created soon after others were deleted cost far more
//! (the allocator skips recently freed inodes), which would charge
//! selfeval for the bench's own clean-up. It prints the median, fastest
//! and slowest of each, and the two ratios the issue sets: selfeval within
//! 1.5× the floor, the peer at least 15× selfeval.

mod common;
use common::{root, three_hundred, timed, Run};
use std::process::Command;
use std::time::Duration;

fn available(module: &str) -> bool {
    Command::new("python3").args(["-c", &format!("import {module}")]).status().is_ok_and(|s| s.success())
}

/// Median, fastest and slowest.
fn spread(runs: &[Run]) -> (Duration, Duration, Duration) {
    let mut w: Vec<Duration> = runs.iter().map(|r| r.wall).collect();
    w.sort();
    (w[w.len() / 2], w[0], w[w.len() - 1])
}

fn main() {
    let rounds: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(7);
    let dir = three_hundred();
    let outs = root().join("target/bench-data/floor-out");
    let _ = std::fs::remove_dir_all(&outs);
    std::fs::create_dir_all(&outs).expect("mkdir");
    let (floor_ok, peer_ok) = (available("python_calamine"), available("openpyxl"));
    let (mut floor, mut selfeval, mut peer) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        if floor_ok {
            floor.push(timed(Command::new("python3").arg(root().join("benches/floor_calamine.py")).arg(&dir)));
        }
        let out = outs.join(format!("selfeval-{round}"));
        let r =
            timed(Command::new(env!("CARGO_BIN_EXE_selfeval")).arg("check").arg(&dir).arg("--out").arg(&out).arg("-q"));
        assert!(r.ok, "selfeval failed");
        selfeval.push(r);
        if peer_ok && round < 3 {
            let out = outs.join(format!("peer-{round}"));
            peer.push(timed(Command::new("python3").arg(root().join("benches/peer_openpyxl.py")).arg(&dir).arg(&out)));
        }
    }
    let _ = std::fs::remove_dir_all(&outs);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!("machine: {cores} cores, {}; 300 workbooks; {rounds} rounds", std::env::consts::ARCH);
    println!();
    println!("| what | command | median | fastest | slowest | peak RSS |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    let row = |what: &str, cmd: &str, runs: &[Run]| {
        if runs.is_empty() {
            println!(
                "| {what} | not run (`pip install {}`) | | | | |",
                if what == "floor" { "python-calamine" } else { "openpyxl" }
            );
            return;
        }
        let (m, lo, hi) = spread(runs);
        let peak = runs.iter().map(|r| r.peak_kib).max().unwrap_or(0) as f64 / 1024.0;
        println!(
            "| {what} | {cmd} | {:.3} s | {:.3} s | {:.3} s | {peak:.0} MB |",
            m.as_secs_f64(),
            lo.as_secs_f64(),
            hi.as_secs_f64()
        );
    };
    row("floor", "`python3 benches/floor_calamine.py DIR`", &floor);
    row("selfeval", "`selfeval check DIR --out OUT`", &selfeval);
    row("peer", "`python3 benches/peer_openpyxl.py DIR OUT`", &peer);
    println!();
    let s = spread(&selfeval).0.as_secs_f64();
    if !floor.is_empty() {
        let f = spread(&floor).0.as_secs_f64();
        let met = if s / f <= 1.5 { "met" } else { "not met" };
        println!("selfeval / floor: {:.2}× (target ≤ 1.5×: {met})", s / f);
    }
    if !peer.is_empty() {
        let p = spread(&peer).0.as_secs_f64();
        let met = if p / s >= 15.0 { "met" } else { "not met" };
        println!("peer / selfeval: {:.1}× (target ≥ 15×: {met})", p / s);
    }
}
