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
    let heights: Vec<f64> = text
        .lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .filter_map(|l| Some(attr(l, "yMax")? - attr(l, "yMin")?))
        .collect();
    // A PDF with no words would pass any size check: it is a failure.
    assert!(heights.len() > 20, "{}: only {} words measured", pdf.display(), heights.len());
    (heights.iter().copied().fold(f64::MAX, f64::min), pages)
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
        // Nine pages of tables, three of 附件2 佐证材料清单.
        (out.join("省级汇总表.xlsx"), "summary", 12),
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

/// Every word on every page: (page, xMin, yMin, xMax, yMax, text).
fn words(pdf: &Path) -> Vec<(usize, f64, f64, f64, f64, String)> {
    let o = std::process::Command::new("pdftotext").arg("-bbox").arg(pdf).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&o.stdout);
    let attr = |line: &str, name: &str| -> f64 {
        let i = line.find(&format!("{name}=\"")).map(|i| i + name.len() + 2).unwrap_or(0);
        line[i..].split('"').next().and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)
    };
    let mut page = 0;
    let mut out = Vec::new();
    for line in text.lines() {
        let l = line.trim_start();
        if l.starts_with("<page ") {
            page += 1;
        } else if l.starts_with("<word") {
            let word = l.split('>').nth(1).and_then(|w| w.split('<').next()).unwrap_or("").to_string();
            out.push((page, attr(l, "xMin"), attr(l, "yMin"), attr(l, "xMax"), attr(l, "yMax"), word));
        }
    }
    out
}

/// The median word-box height of the pages from `first` on. With the
/// CJK fonts CI installs, LibreOffice prints 8, 10 and 12 pt 宋体 at
/// 100% as boxes of 10.4, 13.0 and 15.6 pt (1.3 × the type size).
fn median_box(words: &[(usize, f64, f64, f64, f64, String)], first: usize) -> f64 {
    let mut h: Vec<f64> = words.iter().filter(|w| w.0 >= first).map(|w| w.4 - w.2).collect();
    h.sort_by(|a, b| a.total_cmp(b));
    h.get(h.len() / 2).copied().unwrap_or(0.0)
}

/// Issue 31: the page header's three parts never overlap, whatever the
/// length of the 草稿 status (a batch with a city missing and one 待修正);
/// the header carries the run's date as 2026年12月6日 and every page the
/// fingerprint; the 校验报告's 问题清单 and the register print at 8 pt or
/// more, in rows tall enough for their text.
#[test]
fn headers_never_overlap_and_city_reports_print_at_8_pt() {
    if !tools_or_skip("headers_never_overlap_and_city_reports_print_at_8_pt", &["soffice", "pdftotext"]) {
        return;
    }
    let (tmp, dir) = sample_copy();
    std::fs::remove_file(file_of(&dir, "潮州市")).expect("潮州 missing");
    set_num(&file_of(&dir, "茂名市"), "资金执行", "B6", 1_606_700.0);
    let (code, report, out) = run_dir(&dir, "header");
    assert_eq!(code, 1);
    let state = report["decisions"]["state"].as_str().expect("state").to_string();
    assert!(state.starts_with("草稿（尚有") && state.contains("2 个地市未计入合计"), "{state}");
    let short = report["fingerprint"]["sha256"].as_str().expect("digest")[..12].to_string();
    let work = tmp.path().join("pdf");
    std::fs::create_dir_all(&work).expect("mkdir");
    let files = [out.join("省级汇总表.xlsx"), out.join("反馈/茂名市_校验报告.xlsx"), out.join("核实与更正.xlsx")];
    let pdfs = to_pdf(&files, &work);

    let summary = words(&pdfs[0]);
    let pages = summary.iter().map(|w| w.0).max().expect("pages");
    let date = selfeval::calc::date_zh(chrono::Local::now().date_naive());
    for p in 1..=pages {
        let on: Vec<_> = summary.iter().filter(|w| w.0 == p).collect();
        let top = on.iter().map(|w| w.2).fold(f64::MAX, f64::min);
        let bottom = on.iter().map(|w| w.4).fold(0.0, f64::max);
        // The header band: the page's first 40 pt of words; the footer's last.
        let header: Vec<_> = on.iter().filter(|w| w.2 < top + 40.0).collect();
        let footer: Vec<_> = on.iter().filter(|w| w.4 > bottom - 15.0).collect();
        for band in [&header, &footer] {
            for (i, a) in band.iter().enumerate() {
                for b in band.iter().skip(i + 1) {
                    let overlap = a.1 < b.3 - 0.5 && b.1 < a.3 - 0.5 && a.2 < b.4 - 0.5 && b.2 < a.4 - 0.5;
                    assert!(!overlap, "page {p}: “{}” and “{}” overlap", a.5, b.5);
                }
            }
        }
        let head_text: String = header.iter().map(|w| w.5.as_str()).collect();
        assert!(head_text.contains(&date), "page {p} header: {head_text}");
        assert!(head_text.contains("草稿（尚有"), "page {p} header: {head_text}");
        let foot_text: String = footer.iter().map(|w| w.5.as_str()).collect();
        assert!(foot_text.contains(&format!("指纹：{short}")), "page {p} footer: {foot_text}");
    }

    // 8 pt is a 10.4 pt box; the 问题清单 is the report's second page.
    let report_words = words(&pdfs[1]);
    assert!(median_box(&report_words, 2) >= 10.4, "问题清单 at {:.1} pt", median_box(&report_words, 2) / 1.3);
    let register_words = words(&pdfs[2]);
    assert!(median_box(&register_words, 1) >= 10.4, "register at {:.1} pt", median_box(&register_words, 1) / 1.3);
    // Rows tall enough: every message of the register is printed whole.
    // The 问题 column on each page lies between its centred header word
    // and the next header (填报值), as far left of the centre as right.
    let mut printed = String::new();
    for p in 1..=register_words.iter().map(|w| w.0).max().expect("pages") {
        let on: Vec<_> = register_words.iter().filter(|w| w.0 == p).collect();
        let head = |t: &str| on.iter().find(|w| w.5 == t).map(|w| (w.1, w.3)).expect("header word");
        let ((a, b), (next, _)) = (head("问题"), head("填报值"));
        let (right, centre) = (next - 1.0, (a + b) / 2.0);
        let left = 2.0 * centre - right;
        let mut column: Vec<_> =
            on.iter().filter(|w| w.1 >= left - 1.0 && w.3 <= right + 1.0 && w.5 != "问题").collect();
        column.sort_by(|x, y| x.2.total_cmp(&y.2).then(x.1.total_cmp(&y.1)));
        printed.extend(column.iter().map(|w| w.5.as_str()));
    }
    for r in register_rows(&files[2]) {
        let message: String = r["问题"].chars().filter(|c| !c.is_whitespace()).collect();
        assert!(printed.contains(&message), "not printed whole: {message}");
    }
}
