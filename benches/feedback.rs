//! Feedback benchmark (issue: annotated copies, fast): the cost of the
//! per-city feedback files, side by side with a peer.
//!
//! Run: `cargo bench --bench feedback`. It prints, as Markdown:
//!
//! 1. 300 files (20 copies of samples/2024; every file gets a report and
//!    an annotated copy, as each city is sent 20 times): `selfeval check
//!    DIR --out OUT`, the same with `--no-feedback`, and the peer
//!    `benches/peer_openpyxl.py` (load each workbook data_only, write a
//!    small report workbook per file), when python3 and openpyxl are
//!    installed (`pip install openpyxl`);
//! 2. one 7.5 MB workbook (a sample with a 200,000-row extra sheet and a
//!    planted error): `selfeval check FILE --out OUT`, wall time and peak
//!    RSS.

mod common;
use common::{best_of, root, three_hundred, timed, Run};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn selfeval(args: &[&std::ffi::OsStr], out: &Path) -> Run {
    let _ = std::fs::remove_dir_all(out);
    timed(std::process::Command::new(env!("CARGO_BIN_EXE_selfeval")).args(args).arg("--out").arg(out).arg("-q"))
}

/// The 7.5 MB workbook ([`selfeval::samplegen::big_workbook`]), made once.
fn big_workbook() -> PathBuf {
    let path = root().join("target/bench-data/big/01_汕头市_大表.xlsx");
    if path.exists() {
        return path;
    }
    std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
    let src = std::fs::read(root().join("samples/2024/01_汕头市_2024年绩效自评表.xlsx")).expect("sample");
    std::fs::write(&path, selfeval::samplegen::big_workbook(&src)).expect("write big");
    path
}

fn main() {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!("machine: {cores} cores, {}; release build", std::env::consts::ARCH);
    println!();
    println!("| set | command | wall | peak RSS | vs. peer | vs. --no-feedback |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    let dir = three_hundred();
    let out = root().join("target/bench-data/feedback300-out");
    let d = dir.as_os_str();
    // Best of 5 (a shared virtual machine's timings vary by a third).
    let full = best_of(5, || selfeval(&["check".as_ref(), d], &out));
    let bare = best_of(5, || selfeval(&["check".as_ref(), d, "--no-feedback".as_ref()], &out));
    let peer_out = root().join("target/bench-data/feedback300-peer");
    let peer =
        std::process::Command::new("python3").args(["-c", "import openpyxl"]).status().is_ok_and(|s| s.success());
    let peer_time = peer.then(|| {
        best_of(2, || {
            let _ = std::fs::remove_dir_all(&peer_out);
            timed(
                std::process::Command::new("python3")
                    .arg(root().join("benches/peer_openpyxl.py"))
                    .arg(&dir)
                    .arg(&peer_out),
            )
        })
    });
    let row = |name: &str, r: &Run, vs_peer: String, vs_bare: String| {
        println!(
            "| 300 files | {name} | {:.3} s | {:.0} MB | {vs_peer} | {vs_bare} |",
            r.wall.as_secs_f64(),
            r.peak_kib as f64 / 1024.0
        )
    };
    let ratio = |a: Duration, b: Duration| format!("{:.1}×", a.as_secs_f64() / b.as_secs_f64());
    let vs_peer = |r: &Run| peer_time.as_ref().map(|p| ratio(p.wall, r.wall) + " faster").unwrap_or("(no peer)".into());
    row("`selfeval check DIR --out OUT`", &full, vs_peer(&full), ratio(full.wall, bare.wall));
    row("`selfeval check DIR --no-feedback`", &bare, vs_peer(&bare), "1.0×".into());
    if let Some(p) = &peer_time {
        row("peer: `python3 benches/peer_openpyxl.py DIR OUT`", p, "1.0×".into(), String::new());
    } else {
        println!("| 300 files | peer | not run: `pip install openpyxl` | | | |");
    }
    let big = big_workbook();
    let mb = std::fs::metadata(&big).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    let big_out = root().join("target/bench-data/big-out");
    let r = best_of(3, || selfeval(&["check".as_ref(), big.as_os_str()], &big_out));
    let copies = std::fs::read_dir(big_out.join("反馈")).map(|d| d.count()).unwrap_or(0);
    println!(
        "| one {mb:.1} MB workbook (200,000-row extra sheet) | `selfeval check FILE --out OUT` ({copies} feedback files) | {:.3} s | {:.0} MB | | |",
        r.wall.as_secs_f64(),
        r.peak_kib as f64 / 1024.0
    );
}
