//! The city form computes and checks itself (issue 13), proven in a real
//! spreadsheet program: LibreOffice recalculates a sample whose cached
//! formula results were stripped, and selfeval then finds nothing wrong;
//! an input that breaks a relation shows the red rule in LibreOffice's
//! render.

mod common;
use common::*;
use std::path::Path;

/// Every worksheet part of an xlsx.
fn sheet_parts(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).expect("read");
    let z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    z.file_names().filter(|n| n.starts_with("xl/worksheets/sheet")).map(String::from).collect()
}

/// Removes the cached result of every formula cell, as a program that
/// writes formulas without calculating them would leave the file.
fn strip_cached_results(path: &Path) -> usize {
    let mut stripped = 0;
    for part in sheet_parts(path) {
        let xml = zip_member(path, &part);
        let mut out = String::with_capacity(xml.len());
        let mut rest = xml.as_str();
        while let Some(i) = rest.find("</f><v>") {
            let (head, tail) = rest.split_at(i + "</f>".len());
            out.push_str(head);
            let end = tail.find("</v>").expect("closing v") + "</v>".len();
            rest = &tail[end..];
            stripped += 1;
        }
        out.push_str(rest);
        // A string result's type would now describe nothing.
        let out = out.replace(" t=\"str\"><f>", "><f>");
        replace_zip_member(path, &part, out.as_bytes());
    }
    stripped
}

/// (code, severity) of every finding of `selfeval check FILE`.
fn check(file: &Path, out: &Path) -> Vec<(String, String)> {
    let o = selfeval(&["check".as_ref(), file.as_os_str(), "--out".as_ref(), out.as_os_str(), "-q".as_ref()]);
    let text = std::fs::read_to_string(out.join("report.json"))
        .unwrap_or_else(|_| panic!("no report.json: {}", String::from_utf8_lossy(&o.stderr)));
    let r: serde_json::Value = serde_json::from_str(&text).expect("json");
    r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| (f["code"].as_str().unwrap_or("").to_string(), f["severity"].as_str().unwrap_or("").to_string()))
        .collect()
}

#[test]
fn libreoffice_recalculates_a_stripped_sample_and_it_passes() {
    if !tools_or_skip("libreoffice_recalculates_a_stripped_sample_and_it_passes", &["soffice"]) {
        return;
    }
    let (tmp, dir) = sample_copy();
    let file = file_of(&dir, "韶关市");
    let original = check(&file, &tmp.path().join("original"));
    let n = strip_cached_results(&file);
    assert!(n >= 15, "the form's derived cells are formulas: {n}");
    // Stripped results of derived cells are selfeval's to compute: the
    // same findings as the original, plus one info per computed cell.
    let before = check(&file, &tmp.path().join("before"));
    assert!(before.iter().filter(|(c, _)| c == "SE210").count() >= 15, "stripped results are computed: {before:?}");
    let besides: Vec<_> = before.iter().filter(|(c, _)| c != "SE210").cloned().collect();
    assert_eq!(besides, original, "a form without cached results checks like the original");

    libreoffice_resave(&file);
    let after = check(&file, &tmp.path().join("after"));
    assert!(!after.iter().any(|(c, _)| c == "SE207"), "{after:?}");
    let errors: Vec<_> = after.iter().filter(|(_, s)| s == "error").collect();
    assert!(errors.is_empty(), "LibreOffice's results pass every check: {errors:?}");
    // The recalculated values are the right ones, not just present.
    let s = sheet(&file, "资金执行");
    assert_eq!(pct2(at(&s, "B7")), "45.64%", "韶关 658.54 ÷ 1443");
    let g = sheet(&file, "自评评分");
    assert!(["优", "良", "中", "差"].contains(&at(&g, "G16").to_string().as_str()), "{}", at(&g, "G16"));
}

/// Pixels of the red rule's fill (FFC7CE) in a page rendered at 50 dpi.
fn red_pixels(pdf: &Path) -> usize {
    let o = std::process::Command::new("pdftoppm").args(["-r", "50"]).arg(pdf).output().expect("pdftoppm");
    // Concatenated binary PPMs (P6): header, then RGB bytes.
    let b = o.stdout;
    let mut count = 0;
    let mut i = 0;
    while i + 2 < b.len() && &b[i..i + 2] == b"P6" {
        let mut fields = Vec::new();
        let mut j = i + 2;
        while fields.len() < 3 {
            while b[j].is_ascii_whitespace() {
                j += 1;
            }
            let start = j;
            while !b[j].is_ascii_whitespace() {
                j += 1;
            }
            fields.push(String::from_utf8_lossy(&b[start..j]).parse::<usize>().expect("ppm header"));
        }
        j += 1;
        let len = fields[0] * fields[1] * 3;
        let px = &b[j..j + len];
        count +=
            px.chunks(3).filter(|p| p[0] > 245 && (190..=210).contains(&p[1]) && (195..=215).contains(&p[2])).count();
        i = j + len;
    }
    count
}

#[test]
fn a_broken_relation_shows_red_in_libreoffice() {
    if !tools_or_skip("a_broken_relation_shows_red_in_libreoffice", &["soffice", "pdftoppm"]) {
        return;
    }
    let (tmp, dir) = sample_copy();
    let good = file_of(&dir, "韶关市");
    let bad = tmp.path().join("bad.xlsx");
    std::fs::copy(&good, &bad).expect("copy");
    // 实际支出 above 到位资金 (1443): the red rule on 资金执行!B6.
    set_num(&bad, "资金执行", "B6", 2000.0);
    let work = tmp.path().join("render");
    std::fs::create_dir_all(&work).expect("mkdir");
    let pdfs = to_pdf(&[good.clone(), bad.clone()], &work);
    let (g, b) = (red_pixels(&pdfs[0]), red_pixels(&pdfs[1]));
    assert!(b > g + 50, "the broken relation is red: {b} red pixels against {g}");
}

/// A row inserted above the table moves 支出率's formula with its name; with the
/// result not calculated, the moved cell is computed by selfeval (SE210
/// where it is now), not said to be empty.
#[test]
fn an_uncalculated_formula_moved_by_an_inserted_row_is_told_from_an_empty_cell() {
    let (tmp, dir) = sample_copy();
    let file = file_of(&dir, "韶关市");
    edit(&file, |b| {
        // Above the table: every template input cell still holds something.
        b.sheet_by_name_mut("资金执行").expect("sheet").insert_new_row(2, 1);
    });
    strip_cached_results(&file);
    let o = selfeval(&[
        "check".as_ref(),
        file.as_os_str(),
        "--out".as_ref(),
        tmp.path().join("r").as_os_str(),
        "-q".as_ref(),
    ]);
    let r: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("r/report.json"))
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&o.stderr))),
    )
    .expect("json");
    let at = codes_at(&r);
    // Derived: computed, and said where the cell is now.
    assert!(at.contains(&("SE210".to_string(), "资金执行!B8".to_string())), "{at:?}");
    assert!(!at.iter().any(|(c, _)| c == "SE207"), "{at:?}");
    assert!(at.iter().any(|(c, _)| c == "SE107"), "read by name: {at:?}");
    assert!(!at.iter().any(|(c, p)| c == "SE201" && p.starts_with("资金执行")), "not 'empty': {at:?}");
}

/// An .xls saved by LibreOffice keeps the 自评等级 formula's text result
/// as 0; the grade is selfeval's to compute from the relations, so the
/// file checks like the original (an info where the result was lost, no
/// SE202 blaming the city) and the city counts in the totals.
#[test]
fn an_xls_saved_by_libreoffice_checks_like_the_original() {
    if !tools_or_skip("an_xls_saved_by_libreoffice_checks_like_the_original", &["soffice"]) {
        return;
    }
    let (tmp, dir) = sample_copy();
    let file = file_of(&dir, "韶关市");
    let original = check(&file, &tmp.path().join("original"));
    let xls = libreoffice_convert(&file, "xls", tmp.path());
    let got = check(&xls, &tmp.path().join("xls"));
    assert!(!got.iter().any(|(c, _)| c == "SE202"), "{got:?}");
    // Only infos besides the original's findings: the computed grade, and
    // that .xls gets no annotated copy.
    let besides: Vec<_> = got.iter().filter(|(_, s)| s != "info").cloned().collect();
    assert_eq!(besides, original, "{got:?}");
    assert!(got.contains(&("SE210".to_string(), "info".to_string())), "{got:?}");

    // In a run, the .xls counts like the form it replaces.
    std::fs::remove_file(&file).expect("remove xlsx");
    std::fs::copy(&xls, dir.join(xls.file_name().expect("name"))).expect("copy xls in");
    let (_, report, _) = run_dir(&dir, "run");
    assert_eq!(report["totals"]["cities_counted"], 15, "{}", report["totals"]);
    assert_eq!(total(&report, "budget", "exec.spent"), "3623.35", "the report's 表2-2 合计");
}
