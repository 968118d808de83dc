//! What reading the cities' 自评报告 adds to a run: fifteen 20-page reports
//! (the samples' own, each paragraph repeated until the report is about
//! twenty pages, as .docx and, when LibreOffice is here, the same saved
//! as PDF), each read and every figure compared with its form - the work
//! the submission stage adds per city.
//!
//! Run: `cargo bench --features dev --bench reports`. Prints the median of
//! five passes over all fifteen, per format, as a Markdown table.

use selfeval::read::Source;
use selfeval::scan::Found;
use selfeval::submission::{self, PartKind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Paragraphs of a report about twenty pages long: the sample report's,
/// repeated (a page of 三号仿宋 holds about 22 lines of 28 characters).
fn long_report(paragraphs: &[String]) -> Vec<String> {
    let chars: usize = paragraphs.iter().map(|p| p.chars().count()).sum();
    let times = (20 * 22 * 28 / chars.max(1)).max(1);
    (0..times).flat_map(|_| paragraphs.iter().cloned()).collect()
}

/// The fifteen forms as selfeval reads them, and each city's long report.
fn reports(dir: &Path) -> Vec<(String, selfeval::model::Submission, PathBuf)> {
    let (form, _) = selfeval::spec::embedded_specs().expect("spec");
    std::fs::create_dir_all(dir).expect("mkdir");
    let mut out = Vec::new();
    let mut forms: Vec<PathBuf> = std::fs::read_dir(root().join("samples/2024"))
        .expect("samples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .collect();
    forms.sort();
    for p in forms {
        let name = p.file_name().expect("name").to_string_lossy().to_string();
        let city = name.split('_').nth(1).expect("city").to_string();
        let raw = selfeval::read::read_path(&p).expect("sample reads");
        let sub = selfeval::model::Submission::build(p.clone(), name, raw, &form);
        let paragraphs = submission_paragraphs(&city, &sub);
        let docx = dir.join(format!("{city}自评报告.docx"));
        if !docx.exists() {
            let bytes = selfeval::samplegen::submission::docx_of(&long_report(&paragraphs)).expect("docx");
            std::fs::write(&docx, bytes).expect("write");
        }
        out.push((city, sub, docx));
    }
    out
}

fn submission_paragraphs(city: &str, sub: &selfeval::model::Submission) -> Vec<String> {
    selfeval::samplegen::submission::report_paragraphs(city, 2024, sub)
}

/// The PDFs of the reports, by LibreOffice, made once; `None` without it.
fn pdfs(docxs: &[PathBuf], dir: &Path) -> Option<Vec<PathBuf>> {
    let want: Vec<PathBuf> = docxs.iter().map(|d| d.with_extension("pdf")).collect();
    if want.iter().all(|p| p.exists()) {
        return Some(want);
    }
    let ok = std::process::Command::new("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .args(docxs)
        .output()
        .is_ok_and(|o| o.status.success());
    (ok && want.iter().all(|p| p.exists())).then_some(want)
}

/// One pass: every city's report read and checked against its form.
fn pass(cities: &[(String, selfeval::model::Submission, PathBuf)], ext: &str) -> (Duration, usize) {
    let setup = selfeval::stages::Setup::with_own_params(selfeval::spec::Templates::embedded().expect("templates"))
        .expect("setup");
    let spec = setup.templates.submission.as_ref().expect("submission.toml");
    let start = Instant::now();
    let mut findings = 0;
    for (city, sub, docx) in cities {
        let path = docx.with_extension(ext);
        let found = Found { source: Source::File(path.clone()), name: path.display().to_string() };
        let (_, f) = submission::check(city, &[(&found, PartKind::Report)], Some(sub), spec, &setup.ctx());
        // The reports state their forms' figures: no disagreement expected.
        findings += f.iter().filter(|f| f.code == selfeval::findings::Code::ReportDisagrees).count();
    }
    (start.elapsed(), findings)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn main() {
    let dir = root().join("target/bench-data/reports20");
    let cities = reports(&dir);
    let docxs: Vec<PathBuf> = cities.iter().map(|(_, _, d)| d.clone()).collect();
    let size: u64 = docxs.iter().map(|d| std::fs::metadata(d).map(|m| m.len()).unwrap_or(0)).sum();
    println!("| reports | total size | median of 5 (all 15) | per report | disagreements found |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let mut formats = vec![("docx", size)];
    if let Some(p) = pdfs(&docxs, &dir) {
        formats.push(("pdf", p.iter().map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0)).sum()));
    }
    for (ext, bytes) in formats {
        let runs: Vec<(Duration, usize)> = (0..5).map(|_| pass(&cities, ext)).collect();
        let findings = runs[0].1;
        let m = median(runs.into_iter().map(|r| r.0).collect());
        println!(
            "| 15 × 20-page .{ext} | {:.1} MB | {:.3} s | {:.1} ms | {findings} |",
            bytes as f64 / 1e6,
            m.as_secs_f64(),
            m.as_secs_f64() * 1000.0 / 15.0
        );
    }
}
