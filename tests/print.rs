//! Official tables as officials print them (issue 12): every output
//! workbook renders to PDF in LibreOffice with each sheet one page wide
//! and no text below 8 pt.
//!
//! Text size is measured from `pdftotext -bbox`: a word's box height is
//! about 0.84 of its printed font size with the CJK fonts CI installs
//! (measured: 9 pt text at 100% gives 7.53 pt boxes), so 8 pt is a box of
//! 6.7 pt or more.

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// Smallest word-box height on any page, and the page count.
fn measure(pdf: &Path) -> (f64, usize) {
    let o = std::process::Command::new("pdftotext").arg("-bbox").arg(pdf).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&o.stdout);
    let pages = text.matches("<page ").count();
    let attr = |line: &str, name: &str| -> Option<f64> {
        let i = line.find(&format!("{name}=\""))? + name.len() + 2;
        line[i..].split('"').next()?.parse().ok()
    };
    let min = text
        .lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .filter_map(|l| Some(attr(l, "yMax")? - attr(l, "yMin")?))
        .fold(f64::MAX, f64::min);
    (min, pages)
}

#[test]
fn every_output_workbook_prints_at_8_pt_or_more() {
    if !tools_or_skip("every_output_workbook_prints_at_8_pt_or_more", &["soffice", "pdftotext"]) {
        return;
    }
    let (tmp, dir) = sample_copy();
    let (_, _, out) = run_dir(&dir, "print");
    let work = tmp.path().join("print");
    std::fs::create_dir_all(&work).expect("mkdir");
    let blank = work.join("blank.xlsx");
    assert!(selfeval(&["template".as_ref(), "--out".as_ref(), blank.as_os_str()]).status.success());
    let alloc = work.join("alloc.xlsx");
    assert!(selfeval(&["allocate".as_ref(), "--out".as_ref(), alloc.as_os_str()]).status.success());
    let files: Vec<(PathBuf, &str, usize)> = vec![
        (out.join("省级汇总表.xlsx"), "summary", 9),
        (out.join("反馈/阳江市_校验报告.xlsx"), "report", 3),
        (out.join("反馈/阳江市_标注.xlsx"), "annotated", 8),
        (blank, "blank", 6),
        (alloc, "alloc", 1),
    ];
    let paths: Vec<PathBuf> = files.iter().map(|(p, _, _)| p.clone()).collect();
    let pdfs = to_pdf(&paths, &work);
    for ((_, name, max_pages), pdf) in files.iter().zip(&pdfs) {
        let (min, pages) = measure(pdf);
        assert!(min >= 6.7, "{name}: text at {:.1} pt (box {min:.2})", min / 0.84);
        assert!(pages >= 1 && pages <= *max_pages, "{name}: {pages} pages (at most {max_pages}: one page wide)");
    }
}
