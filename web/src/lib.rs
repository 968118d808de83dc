//! The browser page's core: `selfeval check` on one dropped workbook
//! (地市自查) and `selfeval run` on a dropped folder (省级汇总, in
//! `province`), compiled to WebAssembly. Everything here is the CLI's own code
//! ([`selfeval::check_memory`]): reading, model, checks, the 校验报告 and
//! the 标注副本. This crate only shapes what the page shows (all its words
//! come from Rust, so the page's JavaScript holds no rule and no message)
//! and hands bytes across.
//!
//! The host build (`cargo test -p selfeval-web`) tests the same functions
//! without a browser.

use selfeval::findings::{self, Finding, Severity};
use selfeval::write::feedback::{self, Verdict};
use serde::Serialize;
use std::sync::{Arc, OnceLock};
use wasm_bindgen::prelude::*;

mod error;
mod province;
pub use error::PageError;
pub use province::{run_batch, Batch, Province, ProvinceView, TemplateFiles};

/// One finding as the page lists it.
#[derive(Debug, Serialize)]
pub struct Row {
    pub code: String,
    /// "error" | "warning" | "info", as report.json says it.
    pub severity: Severity,
    /// 错误 / 警告 / 提示.
    pub severity_zh: &'static str,
    pub title: String,
    /// 工作表!单元格 (or the sheet, or nothing for the whole file).
    pub place: String,
    pub message: String,
    /// 应为.
    pub expected: String,
    /// 实为.
    pub found: String,
    pub fix: String,
}

/// What the page shows for one dropped file.
#[derive(Debug, Serialize)]
pub struct View {
    pub file: String,
    /// 地市, when the form names a city of the params.
    pub city: Option<String>,
    /// The one-line conclusion (校验通过 / 校验通过（有 N 个警告，请核实）/
    /// 有 N 个错误，请修改后再报送), or why the file was not checked.
    pub verdict: String,
    /// "pass" | "warn" | "error" | "skipped": the conclusion's colour.
    pub level: &'static str,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// In the form's sheet order, top to bottom, as the 校验报告 lists them.
    pub findings: Vec<Row>,
    /// Names of the files offered for download, in order.
    pub downloads: Vec<String>,
    /// The other files checked with the form ("自评报告：2024年自评报告.docx").
    pub sent: Vec<String>,
}

/// One file checked: the view, report.json, and the downloads' bytes.
pub struct Checked {
    pub view: View,
    pub report_json: Vec<u8>,
    pub files: Vec<(String, Vec<u8>)>,
}

/// The built-in year's templates and params, loaded once.
fn setup() -> Result<&'static Arc<selfeval::stages::Setup>, PageError> {
    static SETUP: OnceLock<Result<Arc<selfeval::stages::Setup>, PageError>> = OnceLock::new();
    SETUP
        .get_or_init(|| {
            selfeval::stages::Setup::load(None, None).map(Arc::new).map_err(|e| PageError::Setup(Arc::new(e)))
        })
        .as_ref()
        .map_err(Clone::clone)
}

fn row(f: &Finding, form: &selfeval::spec::FormSpec) -> Row {
    Row {
        code: f.code.id().to_string(),
        severity: f.severity,
        severity_zh: f.severity.zh(),
        title: f.title(form).to_string(),
        place: f.place(),
        message: f.message(form),
        expected: feedback::expected_shown(f),
        found: f.found.clone().unwrap_or_default(),
        fix: f.fix(form),
    }
}

/// Checks one workbook given as bytes. `now` is the page's local time in
/// RFC 3339 ("2026-12-03T22:18:00+08:00"); the reports print it.
pub fn check_file(name: &str, bytes: Vec<u8>, now: &str) -> Result<Checked, PageError> {
    check_files(vec![(name.to_string(), bytes)], &TemplateFiles::default(), now)
}

/// Checks a city's form with the files dropped beside it (its 自评报告 and
/// 佐证材料), as `selfeval check 表.xlsx 报告.docx` does: the report's
/// figures are compared with the form. The view is the first workbook's.
/// `templates`: another fund's template folder (empty: the built-in set).
pub fn check_files(
    dropped: Vec<(String, Vec<u8>)>,
    templates: &TemplateFiles,
    now: &str,
) -> Result<Checked, PageError> {
    let setup = &templates.setup()?;
    let now = error::page_time(now)?;
    let name = dropped.first().map(|(n, _)| n.clone()).unwrap_or_default();
    let inputs = dropped.into_iter().map(|(n, b)| (n, Arc::from(b))).collect();
    let out = selfeval::check_memory(inputs, setup, now);
    let sheets: Vec<String> = setup.templates.form.sheets.iter().map(|s| s.name.clone()).collect();
    let mut all = out.findings;
    feedback::sort_in_form_order(&mut all, &sheets);
    let (errors, warnings, infos) = findings::counts(&all);
    let file = out.files.into_iter().next();
    let (verdict, level) = match &file {
        // Passed over (not a workbook, or our own output): say why.
        None => {
            let why = all.first().map(|f| f.title(&setup.templates.form).to_string()).unwrap_or_default();
            (format!("未校验（{why}）"), "skipped")
        }
        Some(_) => {
            let v = Verdict::of(errors, warnings);
            let level = match v {
                Verdict::Pass => "pass",
                Verdict::Warnings(_) => "warn",
                Verdict::Errors(_) => "error",
            };
            (v.short(), level)
        }
    };
    let city = file.as_ref().and_then(|f| f.city.clone());
    let name = file.as_ref().map(|f| f.name.clone()).unwrap_or(name);
    let parts = file.as_ref().and_then(|f| f.submission.as_ref()).map(|s| s.parts.as_slice()).unwrap_or_default();
    let sent = parts.iter().map(|p| format!("{}：{}", p.kind.zh(), p.file)).collect();
    let mut files = Vec::new();
    if let Some(made) = file.and_then(|f| f.feedback) {
        files.push(made.report);
        files.extend(made.annotated);
    }
    let view = View {
        file: name.to_string(),
        city,
        verdict,
        level,
        errors,
        warnings,
        infos,
        findings: all.iter().map(|f| row(f, &setup.templates.form)).collect(),
        downloads: files.iter().map(|(n, _)| n.clone()).collect(),
        sent,
    };
    Ok(Checked { view, report_json: out.report_json, files })
}

/// The page's handle on one checked file.
#[wasm_bindgen]
pub struct Outcome(Checked);

#[wasm_bindgen]
impl Outcome {
    /// The view, as JSON.
    pub fn view(&self) -> String {
        serde_json::to_string(&self.0.view).unwrap_or_default()
    }

    /// report.json, as `selfeval check --json` prints it.
    pub fn report_json(&self) -> String {
        String::from_utf8_lossy(&self.0.report_json).into_owned()
    }

    /// The bytes of the i-th download (`View::downloads`); empty past the end.
    pub fn download(&self, i: usize) -> Vec<u8> {
        self.0.files.get(i).map(|(_, b)| b.clone()).unwrap_or_default()
    }
}

#[wasm_bindgen]
extern "C" {
    /// The page's hook for a panic's message, called before the trap.
    #[wasm_bindgen(js_name = selfevalPanic)]
    fn report_panic(message: &str);
}

/// The files a city drops together: its form and its report (地市自查).
#[wasm_bindgen]
#[derive(Default)]
pub struct CityFiles {
    files: Vec<(String, Vec<u8>)>,
    templates: TemplateFiles,
}

#[wasm_bindgen]
impl CityFiles {
    #[wasm_bindgen(constructor)]
    pub fn new() -> CityFiles {
        CityFiles::default()
    }

    pub fn add(&mut self, name: &str, bytes: Vec<u8>) {
        self.files.push((name.to_string(), bytes));
    }

    /// A file of another fund's template folder, as `--templates`.
    pub fn template(&mut self, path: &str, bytes: Vec<u8>) {
        self.templates.add(path, bytes);
    }

    /// Checks them: the form, and its report against it.
    pub fn check(&mut self, now: &str) -> Result<Outcome, JsValue> {
        check_files(std::mem::take(&mut self.files), &self.templates, now).map(Outcome).map_err(|e| e.to_js())
    }
}

/// The year and fund the page checks against, and the tool's version.
#[wasm_bindgen]
pub fn about() -> String {
    match setup() {
        Ok(s) => {
            format!("{} 年 {}（selfeval {}）", s.templates.form.year, s.templates.form.fund, env!("CARGO_PKG_VERSION"))
        }
        Err(e) => e.to_string(),
    }
}

/// Panics on purpose: the page's test proves with it that a panic in the
/// core reaches the clerk as a message and the next file is still checked.
#[wasm_bindgen]
pub fn selftest_panic() {
    panic!("自测：模拟的内部错误");
}

/// Sends a panic's message to the page (a panic in wasm traps: the page
/// shows this message and starts a fresh worker for the next file).
#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(target_family = "wasm")]
    std::panic::set_hook(Box::new(|info| report_panic(&info.to_string())));
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-12-03T10:00:00+08:00";

    fn sample(name: &str) -> Vec<u8> {
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/2024").join(name)).unwrap()
    }

    #[test]
    fn a_clean_sample_passes_with_its_report() {
        let c = check_file("汕头.xlsx", sample("01_汕头市_2024年绩效自评表.xlsx"), NOW).unwrap();
        assert_eq!(c.view.city.as_deref(), Some("汕头市"));
        assert_eq!(c.view.errors, 0);
        assert!(c.view.verdict.starts_with("校验通过"), "{}", c.view.verdict);
        assert_eq!(c.view.downloads.first().map(String::as_str), Some("汕头市_校验报告.xlsx"));
        let json: serde_json::Value = serde_json::from_slice(&c.report_json).unwrap();
        assert_eq!(json["generated_at"], "2026-12-03T10:00:00+08:00");
    }

    /// `docx` with its first `from` replaced by `to` in the body's text.
    fn edited(docx: &[u8], from: &str, to: &str) -> Vec<u8> {
        use std::io::{Read, Write};
        let mut zin = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..zin.len() {
            let mut f = zin.by_index(i).unwrap();
            let name = f.name().to_string();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            if name == "word/document.xml" {
                let text = String::from_utf8(bytes).unwrap();
                assert!(text.contains(from));
                bytes = text.replacen(from, to, 1).into_bytes();
            }
            out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            out.write_all(&bytes).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn a_form_dropped_with_its_report_is_checked_with_it() {
        let form = ("绩效自评表.xlsx".to_string(), sample("01_汕头市_2024年绩效自评表.xlsx"));
        let report = sample("01_汕头市_2024年绩效自评报告.docx");
        // The report as written agrees with the form: listed, nothing said.
        let c =
            check_files(vec![form.clone(), ("自评报告.docx".into(), report.clone())], &TemplateFiles::default(), NOW)
                .unwrap();
        assert_eq!(c.view.sent, ["自评报告：自评报告.docx"]);
        assert!(c.view.findings.iter().all(|f| !f.code.starts_with("SE6")), "{:?}", c.view.findings);
        // A report whose rate differs: the page says so, as `check` does.
        let wrong = edited(&report, "支出率为4.53%", "支出率为6.53%");
        let c = check_files(vec![form, ("自评报告.docx".into(), wrong)], &TemplateFiles::default(), NOW).unwrap();
        let hit = c.view.findings.iter().find(|f| f.code == "SE603").expect("SE603");
        assert!(hit.message.contains("报告写 6.53%") && hit.message.contains("按自评表应为 4.53%"), "{}", hit.message);
        assert_eq!(c.view.file, "绩效自评表.xlsx");
    }

    #[test]
    fn a_city_of_another_fund_checks_with_its_template_folder() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut t = TemplateFiles::default();
        for e in std::fs::read_dir(root.join("templates/green-building/2024")).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            t.add(&format!("2024/{name}"), std::fs::read(&p).unwrap());
        }
        let form = std::fs::read(root.join("samples/green-building/2024/02_珠海市_2024年绩效自评表.xlsx")).unwrap();
        let c = check_files(vec![("珠海市.xlsx".into(), form.clone())], &t, NOW).unwrap();
        assert_eq!(c.view.city.as_deref(), Some("珠海市"));
        assert!(c.view.findings.iter().any(|f| f.code == "SE304"), "its own fund's rule: {:?}", c.view.findings);
        // With the built-in set, the same file is not that fund's form.
        let c = check_files(vec![("珠海市.xlsx".into(), form)], &TemplateFiles::default(), NOW).unwrap();
        assert!(c.view.findings.iter().any(|f| f.code == "SE002"), "{:?}", c.view.findings);
    }

    #[test]
    fn a_foreign_file_is_not_checked_and_says_why() {
        let c = check_file("说明.docx", b"PK\x03\x04".to_vec(), NOW).unwrap();
        assert_eq!(c.view.level, "skipped");
        assert_eq!(c.view.verdict, "未校验（已跳过非工作簿文件）");
        assert!(c.view.findings[0].message.contains("Word 文档"), "{}", c.view.findings[0].message);
        assert!(c.view.downloads.is_empty());
    }

    #[test]
    fn garbage_is_an_error_with_a_report() {
        let c = check_file("坏.xlsx", b"PK\x03\x04garbage".to_vec(), NOW).unwrap();
        assert_eq!((c.view.level, c.view.findings[0].code.as_str()), ("error", "SE001"));
        assert_eq!(c.view.verdict, "有 1 个错误，请修改后再报送");
        let json: serde_json::Value = serde_json::from_str(&Outcome(c).view()).unwrap();
        assert_eq!(
            (&json["findings"][0]["severity"], &json["findings"][0]["severity_zh"]),
            (&"error".into(), &"错误".into())
        );
    }

    #[test]
    fn a_bad_time_is_refused() {
        let e = check_file("a.xlsx", sample("01_汕头市_2024年绩效自评表.xlsx"), "昨天").err();
        assert!(matches!(e, Some(PageError::Time { .. })), "{e:?}");
    }
}
