//! Every workbook selfeval writes opens in a real spreadsheet program, and
//! every formula, recalculated there, gives the value cached in the file.
//!
//! LibreOffice runs headless with a profile that recalculates OOXML files
//! on load (OOXMLRecalcMode = 0; by default it trusts cached values), and
//! exports every sheet as UTF-8 CSV; each cell is then compared with what
//! calamine reads from the file (the cached value any reader sees).
//! `.ci/run` installs LibreOffice (libreoffice-calc-nogui, fonts-noto-cjk).

mod common;
use calamine::{Data, Reader};
use common::*;
use std::path::{Path, PathBuf};

/// Every workbook a run writes, plus the template and allocation outputs.
fn outputs(tmp: &Path) -> Vec<PathBuf> {
    let (_t, dir) = sample_copy();
    set_num(&file_of(&dir, "潮州市"), "资金执行", "B7", 0.1682);
    let out = tmp.join("结果");
    let o = selfeval(&["run".as_ref(), dir.as_os_str(), "--out".as_ref(), out.as_os_str(), "-q".as_ref()]);
    assert_eq!(o.status.code(), Some(1));
    let tpl = tmp.join("空白自评表.xlsx");
    assert!(selfeval(&["template".as_ref(), "--out".as_ref(), tpl.as_os_str()]).status.success());
    let alloc = tmp.join("分配测算.xlsx");
    assert!(selfeval(&["allocate".as_ref(), "--out".as_ref(), alloc.as_os_str()]).status.success());
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    files.push(tpl);
    files.push(alloc);
    // What selfeval-gen writes ships too.
    files.push(root().join("templates/old-communities/2024/省级参数表.xlsx"));
    files.push(root().join("templates/old-communities/2024/省级汇总表模板.xlsx"));
    files.push(samples().join("01_汕头市_2024年绩效自评表.xlsx"));
    files.sort();
    // Plain ASCII names in a folder of their own: LibreOffice names each
    // CSV <file>-<sheet>.csv.
    let flat = tmp.join("in");
    std::fs::create_dir_all(&flat).expect("mkdir");
    files
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let to = flat.join(format!("w{i:03}.xlsx"));
            std::fs::copy(p, &to).expect("copy");
            to
        })
        .collect()
}

fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            ('\r', false) => {}
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[test]
fn every_output_opens_and_recalculates_to_its_cached_values() {
    if !tools_or_skip("every_output_opens_and_recalculates_to_its_cached_values", &["soffice"]) {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let files = outputs(tmp.path());
    assert!(files.len() >= 30, "{} workbooks", files.len());
    // A control file whose cached value is wrong on purpose: if the
    // profile did not recalculate, the comparison below could not fail.
    let control = tmp.path().join("in/control.xlsx");
    {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("control").expect("name");
        ws.write_formula(0, 0, rust_xlsxwriter::Formula::new("=1+1").set_result("3")).expect("formula");
        wb.save(&control).expect("save");
    }
    let mut files = files;
    files.push(control.clone());
    let profile = tmp.path().join("profile");
    let env = recalculating_profile(&profile);
    let csv_dir = tmp.path().join("csv");
    let mut cmd = std::process::Command::new(soffice());
    cmd.arg(&env)
        .args(["--headless", "--norestore", "--convert-to"])
        .arg("csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,-1")
        .arg("--outdir")
        .arg(&csv_dir)
        .args(&files)
        .env_remove("DISPLAY");
    let o = cmd.output().expect("soffice runs");
    assert!(o.status.success(), "soffice failed: {}", String::from_utf8_lossy(&o.stderr));

    let control_csv = std::fs::read_to_string(csv_dir.join("control-control.csv")).expect("control exported");
    assert_eq!(control_csv.trim(), "2", "LibreOffice recalculated the control formula (cached 3)");
    files.retain(|f| f != &control);

    let mut compared = 0usize;
    let mut formulas_checked = 0usize;
    for f in &files {
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(f).expect("calamine opens it");
        let stem = f.file_stem().expect("stem").to_string_lossy().to_string();
        let names = wb.sheet_names();
        for name in &names {
            let csv_path = csv_dir.join(format!("{stem}-{name}.csv"));
            let text = std::fs::read_to_string(&csv_path)
                .unwrap_or_else(|_| panic!("LibreOffice did not open {} sheet {name}", f.display()));
            let grid = parse_csv(&text);
            let range = wb.worksheet_range(name).expect("range");
            let formulas = wb.worksheet_formula(name).expect("formulas");
            for (r, c, v) in range.used_cells() {
                let (r0, c0) = range.start().unwrap_or((0, 0));
                let (ar, ac) = (r0 as usize + r, c0 as usize + c);
                let lo = grid.get(ar).and_then(|row| row.get(ac)).cloned().unwrap_or_default();
                let is_formula = formulas.get_value((ar as u32, ac as u32)).is_some_and(|f| !f.is_empty());
                let at = format!("{} {name}!R{}C{}", f.display(), ar + 1, ac + 1);
                if !same_as_recalculated(&at, v, &lo) {
                    continue; // a date or an error: shown, not compared
                }
                compared += 1;
                formulas_checked += usize::from(is_formula);
            }
        }
    }
    assert!(compared > 3000, "{compared} cells compared");
    assert!(formulas_checked > 150, "{formulas_checked} formulas recalculated and compared");
}

/// Asserts the cached value `v` equals LibreOffice's recalculated text
/// `lo` at `at`; false for what is not compared (dates, errors, empty).
fn same_as_recalculated(at: &str, v: &Data, lo: &str) -> bool {
    match v {
        Data::Float(x) => {
            // Percent-formatted cells export as "45.64%" even unformatted.
            let t = lo.trim();
            let y: f64 = match t.strip_suffix('%') {
                Some(p) => p.parse::<f64>().map(|v| v / 100.0),
                None => t.parse(),
            }
            .unwrap_or_else(|_| panic!("{at}: LibreOffice shows “{lo}” for {x}"));
            assert!((x - y).abs() <= 1e-9 * x.abs().max(1.0), "{at}: cached {x}, recalculated {y}");
        }
        Data::Int(i) => assert_eq!(lo.trim().parse::<f64>().ok(), Some(*i as f64), "{at}"),
        Data::String(s) => assert_eq!(&lo, s, "{at}"),
        Data::DateTime(_) | Data::DateTimeIso(_) => return false, // shown as a date
        Data::Bool(b) => assert_eq!(lo.to_uppercase(), if *b { "TRUE" } else { "FALSE" }, "{at}"),
        Data::Empty | Data::Error(_) | Data::DurationIso(_) => return false,
    }
    true
}
