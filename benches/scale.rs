//! Scale benchmark: how fast selfeval checks N city workbooks, against the
//! floor of a bare calamine read of the same files.
//!
//! Run: `cargo bench --features dev --bench scale` (all sizes) or
//!      `cargo bench --features dev --bench scale -- 300 3000` (some; it
//!      generates its forms with the dev sample generator).
//! It generates N workbooks with varied figures under
//! target/bench-data/ (kept between runs), then times, for each N:
//!
//! - floor: calamine opens every file and reads every sheet (rayon, all
//!   cores, like selfeval), in-process;
//! - selfeval: the release binary's full run (`run`), with and without
//!   the per-city feedback files, median of 3; its output folders are new
//!   each time and removed once the size is done;
//!
//! and prints wall time, time per file, files/s, MB/s and peak RSS (the
//! highest of the three) as a Markdown table.

use rayon::prelude::*;
use rust_decimal::Decimal;
use selfeval::samplegen::{city_values, ReportData};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod common;
use common::{median_of, root, timed, Run};

const SIZES: [usize; 3] = [300, 3000, 6000];

/// N workbooks: the 15 cities in turn, actual figures and spending
/// varied deterministically so no two files are alike.
fn generate(n: usize) -> PathBuf {
    let dir = root().join(format!("target/bench-data/n{n}"));
    if dir.join(".complete").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let text = std::fs::read_to_string(root().join("samples/source/report-2024.toml")).expect("data");
    let base = ReportData::from_toml(&text).expect("parse");
    let (form, _) = selfeval::spec::embedded_specs().expect("spec");
    let bands = selfeval::spec::embedded_bands().expect("bands");
    let cities: Vec<String> = base.cities.iter().map(|c| c.name.clone()).collect();
    let book = selfeval::write::form::FormBook { form: &form, bands: &bands, cities: &cities };
    (0..n).into_par_iter().for_each(|i| {
        let mut data = base.clone();
        let k = i % 15;
        let vary = Decimal::from(100 + (i * 37 % 21) as i64 - 10) / Decimal::ONE_HUNDRED; // 0.90–1.10
        if let Some(c) = data.cities.get_mut(k) {
            c.spent = (c.spent * vary).min(c.budget).round_dp(2);
            c.spend_rate = selfeval::calc::percent2(c.spent, c.budget).unwrap_or_default();
            for a in c.actual.iter_mut() {
                *a = if a.fract().is_zero() { (*a * vary).round() } else { (*a * vary).round_dp(2) };
            }
        }
        let bytes = selfeval::write::form::city_form(&book, &city_values(&form, &bands, &data, k)).expect("form");
        std::fs::write(dir.join(format!("{i:05}_{}.xlsx", base.cities[k].name)), bytes).expect("write");
    });
    std::fs::write(dir.join(".complete"), b"").expect("mark");
    dir
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    v.sort();
    v
}

/// The floor: open each file with calamine and read every sheet.
fn bare_read(files: &[PathBuf]) -> Duration {
    use calamine::Reader;
    let t = Instant::now();
    let cells: usize = files
        .par_iter()
        .map(|p| {
            let mut wb: calamine::Xlsx<_> = calamine::open_workbook(p).expect("open");
            wb.sheet_names()
                .iter()
                .map(|s| wb.worksheet_range(s).map(|r| r.used_cells().count()).unwrap_or(0))
                .sum::<usize>()
        })
        .sum();
    assert!(cells > 0);
    t.elapsed()
}

/// Runs the release binary (exit 0 or 1), timing it.
fn run_selfeval(args: &[&str], out: &Path) -> Run {
    // A fresh folder each time: on ext4, creating files right after
    // deleting others costs far more than it does a clerk.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let out = out.join(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed).to_string());
    timed(std::process::Command::new(env!("CARGO_BIN_EXE_selfeval")).args(args).arg("--out").arg(out).arg("-q"))
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes: Vec<usize> = if args.is_empty() { SIZES.to_vec() } else { args };
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!("machine: {cores} cores, {}", std::env::consts::ARCH);
    println!();
    println!("| N | command | selfeval wall | per file | files/s | MB/s | peak RSS | bare calamine read | ratio |");
    println!("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for n in sizes {
        let dir = generate(n);
        let files = files_in(&dir);
        let mb = files.iter().map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)).sum::<u64>() as f64 / 1e6;
        let floor = (0..3).map(|_| bare_read(&files)).min().unwrap_or_default();
        let out = root().join(format!("target/bench-data/out{n}"));
        let _ = std::fs::remove_dir_all(&out);
        // The full run (summary, draft, register, report.json and every
        // file's feedback), as the province makes it (issue 42).
        let cmd = "run";
        let dir_s = dir.to_string_lossy().to_string();
        let runs: Vec<Vec<&str>> = vec![vec![cmd, &dir_s], vec![cmd, &dir_s, "--no-feedback"]];
        for a in runs {
            let Run { wall, peak_kib: peak, .. } = median_of(3, || run_selfeval(&a, &out));
            let secs = wall.as_secs_f64();
            let shown = a.iter().filter(|x| !x.contains('/')).copied().collect::<Vec<_>>().join(" ");
            println!(
                "| {n} | `{shown}` | {:.3} s | {:.2} ms | {:.0} | {:.2} | {:.0} MB | {:.3} s | {:.2}× |",
                secs,
                secs * 1000.0 / n as f64,
                n as f64 / secs,
                mb / secs,
                peak as f64 / 1024.0,
                floor.as_secs_f64(),
                secs / floor.as_secs_f64()
            );
        }
        let _ = std::fs::remove_dir_all(&out);
    }
}
