//! Golden comparisons a reviewer can read: a workbook or a draft dumped
//! as text, what varies from run to run masked, and a diff on failure.
#![allow(dead_code)]

use super::*;

/// Every cell (value, formula, number format, wrap), merge, note, column
/// width, row height and print setting of an xlsx, one per line, for a
/// golden comparison a reviewer can read. What differs from run to run
/// (the run's date, the fingerprint's digests) is masked.
pub fn workbook_dump(path: &Path) -> String {
    use std::fmt::Write as _;
    let book = umya_spreadsheet::reader::xlsx::read(path).expect("xlsx reads");
    let mut out = String::new();
    for ws in book.sheet_collection() {
        let _ = writeln!(out, "== {}", ws.name());
        dump_print_setup(&mut out, ws);
        for n in ws.defined_names() {
            let _ = writeln!(out, "name: {} = {}", n.name(), n.address());
        }
        for c in ws.column_dimensions() {
            let _ = writeln!(out, "col {}: width={} hidden={}", c.col_num(), c.width(), c.hidden());
        }
        let mut rows: Vec<_> = ws.row_dimensions();
        rows.sort_by_key(|r| r.row_num());
        for r in rows {
            let _ = writeln!(out, "row {}: height={} custom={}", r.row_num(), r.height(), r.custom_height());
        }
        let mut merges: Vec<String> = ws.merge_cells().iter().map(|m| m.range()).collect();
        merges.sort();
        let _ = writeln!(out, "merges: {}", merges.join(" "));
        dump_cells(&mut out, ws);
        let mut notes: Vec<String> = ws
            .comments()
            .iter()
            .map(|n| {
                let at = n.coordinate();
                let text = n.text().text().map(|t| t.value().to_string()).unwrap_or_default();
                format!("note {}{}: {:?}", col_letters(at.col_num()), at.row_num(), text)
            })
            .collect();
        notes.sort();
        for n in notes {
            let _ = writeln!(out, "{n}");
        }
    }
    out
}

/// A sheet's paper, margins, header and footer (the run's date masked).
fn dump_print_setup(out: &mut String, ws: &umya_spreadsheet::Worksheet) {
    use std::fmt::Write as _;
    let ps = ws.page_setup();
    let _ = writeln!(
        out,
        "page: paper={} orientation={:?} scale={} fit={}x{} fit_to_page={}",
        ps.paper_size(),
        ps.orientation(),
        ps.scale(),
        ps.fit_to_width(),
        ps.fit_to_height(),
        ps.fit_to_page(),
    );
    let m = ws.page_margins();
    let _ = writeln!(
        out,
        "margins: {} {} {} {} {} {} centered={}",
        m.left(),
        m.right(),
        m.top(),
        m.bottom(),
        m.header(),
        m.footer(),
        ws.print_options().horizontal_centered()
    );
    let hf = ws.header_footer();
    let _ = writeln!(out, "header: {}", mask_run(hf.odd_header().value()));
    let _ = writeln!(out, "footer: {}", mask_run(hf.odd_footer().value()));
}

/// Every non-empty cell's value, formula, number format and wrap, in
/// reading order (the fingerprint's digests masked).
fn dump_cells(out: &mut String, ws: &umya_spreadsheet::Worksheet) {
    use std::fmt::Write as _;
    let mut cells = ws.cells();
    cells.sort_by_key(|c| (c.coordinate().row_num(), c.coordinate().col_num()));
    for c in cells {
        let value = c.value();
        let formula = c.formula();
        let fmt = c.style().number_format().map(|f| f.format_code().to_string()).unwrap_or_default();
        if value.is_empty() && formula.is_empty() {
            continue;
        }
        let wrap = c.style().alignment().is_some_and(|a| a.wrap_text());
        let shown = if ws.name() == "核验指纹" { mask_hex(&value) } else { value.to_string() };
        let _ = writeln!(
            out,
            "{}{}: {:?} f={:?} fmt={:?}{}",
            col_letters(c.coordinate().col_num()),
            c.coordinate().row_num(),
            shown,
            formula,
            fmt,
            if wrap { " wrap" } else { "" }
        );
    }
}

fn col_letters(mut n: u32) -> String {
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

/// A page header's or footer's run-time parts masked: the date after
/// 制表日期：, the 12 digits after 指纹：.
pub fn mask_run(s: &str) -> String {
    let mut out = s.to_string();
    for (mark, end) in [("制表日期：", "日"), ("指纹：", ""), ("汇总生成（", "）")] {
        if let Some(at) = out.find(mark) {
            let from = at + mark.len();
            let to = if end.is_empty() {
                out[from..].find(|c: char| !c.is_ascii_hexdigit()).map(|i| from + i).unwrap_or(out.len())
            } else {
                out[from..].find(end).map(|i| from + i + end.len()).unwrap_or(out.len())
            };
            out.replace_range(from..to, "<…>");
        }
    }
    out
}

/// A cell that is a digest (12 or 64 hex digits) masked.
fn mask_hex(s: &str) -> String {
    let hex = s.chars().all(|c| c.is_ascii_hexdigit());
    if hex && (s.len() == 12 || s.len() == 64) {
        "<digest>".into()
    } else {
        s.to_string()
    }
}

/// The text of a docx: each paragraph a line, table cells separated by
/// " | ", the header's fingerprint masked.
pub fn docx_text(path: &Path) -> String {
    let mut out = String::new();
    for part in ["word/header1.xml", "word/document.xml"] {
        let xml = zip_member(path, part);
        let xml = xml.replace("</w:p>", "\n").replace("</w:tc>", " | ").replace("</w:tr>", "\n");
        let mut text = String::new();
        let mut in_tag = false;
        for ch in xml.chars() {
            match ch {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
        for line in text.replace("\n | ", " | ").lines() {
            out.push_str(&mask_run(line));
            out.push('\n');
        }
    }
    out
}

/// Compares `got` with the golden file `tests/golden/<name>`, showing a
/// line diff; `UPDATE_GOLDEN=1` rewrites the file instead.
pub fn assert_golden(name: &str, got: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, got).expect("write golden");
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("no golden file {}", path.display()));
    similar_asserts::assert_eq!(want, got, "{name} changed; if intended, UPDATE_GOLDEN=1 and review git diff");
}
