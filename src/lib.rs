//! selfeval: checks a folder of city self-evaluation workbooks for the
//! 城镇老旧小区改造专项资金 and builds the provincial summary.
//!
//! The data's path, one module per stage:
//! scan → read → model (typed submission) → checks → consolidate → write.
#![warn(clippy::unwrap_used)]

pub mod allocate;
pub mod calc;
pub mod cellref;
pub mod checks;
pub mod consolidate;
pub mod error;
pub mod findings;
pub mod isolate;
pub mod model;
pub mod params;
pub mod read;
pub mod samplegen;
pub mod scan;
pub mod spec;
pub mod write;

use error::{Error, Result};
use findings::{Finding, Severity};
use model::{Params, Submission};
use rayon::prelude::*;
use spec::Templates;
use std::path::PathBuf;
use write::json::InputReport;

/// What a run should do.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Folders and files to check.
    pub inputs: Vec<PathBuf>,
    /// Output folder; default: a new folder beside the first input.
    pub out: Option<PathBuf>,
    /// 省级参数表 to use instead of the templates' own.
    pub params: Option<PathBuf>,
    /// A templates folder to use instead of the embedded 2024 set.
    pub templates: Option<PathBuf>,
    /// Build the provincial summary (false for `check`).
    pub summary: bool,
    /// Show a progress bar (only when stderr is a terminal).
    pub progress: bool,
    /// Skip the per-city feedback files (report.json and the summary only).
    pub no_feedback: bool,
}

/// What a run produced.
#[derive(Debug)]
pub struct RunOutcome {
    pub out_dir: PathBuf,
    /// Files written, in the order written.
    pub written: Vec<PathBuf>,
    pub inputs: Vec<InputReport>,
    /// Every finding, sorted: errors first.
    pub findings: Vec<Finding>,
    pub summary: Option<consolidate::ProvinceSummary>,
    pub templates_origin: String,
    pub params_origin: String,
    pub missing_cities: Vec<String>,
}

impl RunOutcome {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// Loads templates and params as the options say.
pub fn load_setup(opts: &RunOptions) -> Result<(Templates, Params)> {
    let templates = match &opts.templates {
        Some(dir) => Templates::from_dir(dir)?,
        None => Templates::embedded()?,
    };
    let params = match &opts.params {
        Some(p) => {
            let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
            params::from_bytes(bytes, &p.display().to_string())?
        }
        None => {
            let origin = match &opts.templates {
                Some(dir) => dir.join(spec::PARAMS_FILE).display().to_string(),
                None => "内置 2024 年省级参数表".to_string(),
            };
            params::from_bytes(templates.params_default.clone(), &origin)?
        }
    };
    Ok((templates, params))
}

/// Reads and checks one workbook; `None` when it cannot be read at all.
/// `needs` is the form's sheets and input cells ([`spec::FormSpec::sheet_needs`]),
/// computed once per run.
pub fn check_one(
    found: &scan::Found,
    needs: &[read::SheetNeed],
    ctx: &checks::Ctx,
) -> (Option<Submission>, Vec<Finding>) {
    match read::read_path_with(&found.path, read::Load::Only(needs)) {
        Err(e) => {
            let mut f = Finding::at(findings::Code::FileUnreadable, &findings::Loc::file(), None, None, &e.to_string());
            f.file = found.name.clone();
            (None, vec![f])
        }
        Ok(raw) => {
            let sub = Submission::build(found.path.clone(), found.name.clone(), raw, ctx.form);
            let mut fs = checks::run_file(&sub, ctx);
            let city = sub.city_text().map(|t| ctx.params.resolve_city(&t).map(|c| c.name.clone()).unwrap_or(t));
            for f in &mut fs {
                f.file = found.name.clone();
                f.city = city.clone();
            }
            (Some(sub), fs)
        }
    }
}

/// One workbook's way through the run.
struct FileResult {
    found: scan::Found,
    sub: Option<Submission>,
    findings: Vec<Finding>,
    /// The gates passed: its figures may be summarised.
    usable: bool,
}

impl FileResult {
    fn city(&self) -> Option<String> {
        self.findings.iter().find_map(|f| f.city.clone()).or_else(|| self.sub.as_ref().and_then(Submission::city_text))
    }
}

/// The whole job: scan → read → check → consolidate → write.
pub fn run(opts: &RunOptions) -> Result<RunOutcome> {
    for i in &opts.inputs {
        if !i.exists() {
            return Err(Error::InputMissing(i.clone()));
        }
    }
    let (templates, params) = load_setup(opts)?;
    let ctx = checks::Ctx { form: &templates.form, params: &params, bands: &templates.bands };
    let now = chrono::Local::now();
    let first = opts.inputs.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let out_dir = match &opts.out {
        Some(o) => o.clone(),
        None => write::default_out_dir(&first, now.naive_local()),
    };
    let scanned = scan::scan(&opts.inputs, Some(&out_dir));

    // Read and check each file.
    let needs = templates.form.sheet_needs();
    let bar = progress_bar(opts.progress, scanned.workbooks.len());
    // In parallel; `collect` keeps the scan's order, so output is the same
    // whatever the thread count.
    let mut files: Vec<FileResult> = scanned
        .workbooks
        .par_iter()
        .map(|found| {
            bar.set_message(found.name.clone());
            let (mut sub, fs) = check_one(found, &needs, &ctx);
            if let Some(s) = sub.as_mut() {
                s.release_cells();
            }
            let usable = sub.is_some() && !fs.iter().any(|f| f.severity == Severity::Error && is_gate_code(f.code));
            bar.inc(1);
            FileResult { found: found.clone(), sub, findings: fs, usable }
        })
        .collect();
    bar.finish_and_clear();

    // Batch checks see every readable form that passed its gates.
    let usable_idx: Vec<usize> = (0..files.len()).filter(|i| files[*i].usable).collect();
    let usable: Vec<&Submission> = usable_idx.iter().filter_map(|i| files[*i].sub.as_ref()).collect();
    let mut run_findings = scanned.findings.clone();
    let mut batch: Vec<(usize, Finding)> = Vec::new();
    for bc in checks::BATCH_CHECKS {
        if !opts.summary && bc.id == "missing_city" {
            continue;
        }
        for (idx, f) in (bc.run)(&usable, &ctx) {
            match idx.and_then(|i| usable_idx.get(i)) {
                Some(fi) => batch.push((*fi, f)),
                None => run_findings.push(f),
            }
        }
    }
    let summary = opts.summary.then(|| consolidate::consolidate(&usable, &params));
    for (fi, mut f) in batch {
        if let Some(file) = files.get_mut(fi) {
            f.file = file.found.name.clone();
            f.city = file.city();
            file.findings.push(f);
        }
    }
    let missing_cities: Vec<String> =
        run_findings.iter().filter(|f| f.code == findings::Code::MissingCity).filter_map(|f| f.city.clone()).collect();

    write::fresh_dir(&out_dir)?;
    let mut written = Vec::new();

    // Feedback to each city; may add an info finding per file.
    let time = now.format("%Y-%m-%d %H:%M:%S").to_string();
    let fb_dir = out_dir.join("反馈");
    if !files.is_empty() && !opts.no_feedback {
        std::fs::create_dir_all(&fb_dir).map_err(|e| Error::io(&fb_dir, e))?;
    }
    let mut taken = std::collections::HashSet::new();
    let bases: Vec<String> = files.iter().map(|f| feedback_base(f, &mut taken)).collect();
    let version = &templates.form.version;
    let results: Vec<Result<Vec<PathBuf>>> = if opts.no_feedback {
        Vec::new()
    } else {
        files
            .par_iter_mut()
            .zip(bases.par_iter())
            .map(|(file, base)| write_feedback(file, base, &fb_dir, &time, version))
            .collect()
    };
    for r in results {
        written.extend(r?);
    }

    let mut all_findings = run_findings;
    all_findings.extend(files.iter().flat_map(|f| f.findings.iter().cloned()));
    findings::sort(&mut all_findings);
    let inputs: Vec<InputReport> = files.iter().map(input_report).collect();

    if let Some(s) = &summary {
        let path = out_dir.join("省级汇总表.xlsx");
        let bytes = write::summary::summary_workbook(&templates.summary_template, &templates.summary, s, &all_findings)
            .map_err(|detail| Error::Write { path: path.clone(), detail })?;
        write::atomic_write(&path, &bytes)?;
        written.insert(0, path);
    }
    let report = write::json::Report {
        tool: "selfeval",
        version: env!("CARGO_PKG_VERSION"),
        generated_at: now.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        templates: &templates.origin,
        params: &params.origin,
        inputs: &inputs,
        missing_cities: missing_cities.clone(),
        findings: &all_findings,
        totals: summary.as_ref().map(write::json::totals),
    };
    let path = out_dir.join("report.json");
    write::atomic_write(&path, &write::json::to_bytes(&report))?;
    written.insert(usize::from(summary.is_some()), path);

    Ok(RunOutcome {
        out_dir,
        written,
        inputs,
        findings: all_findings,
        summary,
        templates_origin: templates.origin.clone(),
        params_origin: params.origin.clone(),
        missing_cities,
    })
}

fn input_report(file: &FileResult) -> InputReport {
    let (e, w, i) = findings::counts(&file.findings);
    InputReport {
        file: file.found.name.clone(),
        city: file.city(),
        status: if file.sub.is_none() {
            "unreadable"
        } else if e > 0 {
            "error"
        } else {
            "ok"
        },
        errors: e,
        warnings: w,
        infos: i,
    }
}

/// A name safe on every file system: no path separators or reserved
/// signs, and short enough with `_校验报告.xlsx` and a temporary suffix.
fn safe_name(s: &str) -> String {
    let t: String = s.chars().map(|c| if "\\/:*?\"<>|".contains(c) || c.is_control() { '_' } else { c }).collect();
    // File systems allow 255 bytes a name; leave room for the suffix and
    // the temporary name's prefix and suffix.
    let mut out = String::new();
    for c in t.trim().trim_end_matches('.').chars() {
        if out.len() + c.len_utf8() > 120 {
            out.push('…');
            break;
        }
        out.push(c);
    }
    out
}

/// Writes `<城市>_校验报告.xlsx` and, for xlsx inputs, `<城市>_标注.xlsx`.
/// The feedback file name of a file: its city, or its file name when the
/// city is unknown; made unique within the run (a city twice gets its
/// file name added, then a number).
fn feedback_base(file: &FileResult, taken: &mut std::collections::HashSet<String>) -> String {
    let stem =
        std::path::Path::new(&file.found.name).file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    let first = safe_name(&file.city().unwrap_or_else(|| stem.clone()));
    let candidates = std::iter::once(first.clone()).chain(
        (1..).map(|i| safe_name(&format!("{first}（{stem}）{}", if i == 1 { String::new() } else { i.to_string() }))),
    );
    for c in candidates {
        if taken.insert(c.clone()) {
            return c;
        }
    }
    first
}

fn write_feedback(
    file: &mut FileResult,
    base: &str,
    dir: &std::path::Path,
    time: &str,
    version: &str,
) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let annotated_name = format!("{base}_标注.xlsx");
    let mut annotated = None;
    if let Some(sub) = &file.sub {
        let skip = |detail: &str| {
            let mut f = Finding::at(findings::Code::AnnotationSkipped, &findings::Loc::file(), None, None, detail);
            f.file = file.found.name.clone();
            f.city = file.city();
            f
        };
        let has_cells = file.findings.iter().any(|f| f.cell.is_some());
        if has_cells && sub.raw.format != read::Format::Xlsx {
            let f = skip("原文件是 .xls 或 .ods 格式，无法保证副本与原文件完全一致");
            file.findings.push(f);
        } else if has_cells {
            let original = std::fs::read(&file.found.path).map_err(|e| Error::io(&file.found.path, e))?;
            match write::feedback::annotated_copy(&original, &file.findings) {
                Ok(bytes) => {
                    let p = dir.join(&annotated_name);
                    write::atomic_write(&p, &bytes)?;
                    out.push(p);
                    annotated = Some(annotated_name.as_str());
                }
                Err(why) => {
                    let f = skip(&why);
                    file.findings.push(f);
                }
            }
        }
    }
    let city = file.city().unwrap_or_else(|| "（未识别地市）".into());
    let head = write::feedback::ReportHead { city: &city, file: &file.found.name, version, time, annotated };
    let p = dir.join(format!("{base}_校验报告.xlsx"));
    let bytes = write::feedback::report_workbook(&head, &file.findings)
        .map_err(|_| Error::Write { path: p.clone(), detail: "生成校验报告时出错".into() })?;
    write::atomic_write(&p, &bytes)?;
    out.push(p);
    Ok(out)
}

/// Columns a text takes on a terminal (a Chinese character takes two).
fn display_width(t: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(t)
}

/// `t` padded with spaces to `w` terminal columns.
fn pad(t: &str, w: usize) -> String {
    format!("{t}{}", " ".repeat(w.saturating_sub(display_width(t))))
}

fn is_gate_code(code: findings::Code) -> bool {
    checks::CHECKS.iter().filter(|c| c.gate).any(|c| c.codes.contains(&code))
}

fn progress_bar(show: bool, n: usize) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !show || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(n as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} 正在校验 {wide_msg}") {
        bar.set_style(style);
    }
    bar
}

/// The short Chinese summary printed at the end of a run.
pub fn terminal_summary(o: &RunOutcome) -> String {
    use std::fmt::Write as _;
    let (e, w, i) = findings::counts(&o.findings);
    let mut s = String::new();
    let _ = writeln!(s, "使用：{}；参数：{}", o.templates_origin, o.params_origin);
    let readable = o.inputs.iter().filter(|r| r.status != "unreadable").count();
    let _ = writeln!(s, "读取工作簿 {} 个（可读 {readable} 个）", o.inputs.len());
    if let Some(sum) = &o.summary {
        let n = sum.rows.len();
        let _ = writeln!(s, "地市：已汇总 {}/{n} 个", sum.totals.cities_counted);
        if !o.missing_cities.is_empty() {
            let _ = writeln!(s, "缺少：{}", o.missing_cities.join("、"));
        }
    }
    let width = o.inputs.iter().map(|r| display_width(&r.file)).max().unwrap_or(4).clamp(4, 60);
    let _ = writeln!(s, "\n{}  {}  错误  警告  状态", pad("城市", 8), pad("文件", width));
    for r in &o.inputs {
        let status = match r.status {
            "ok" if r.warnings > 0 => "通过（有警告）",
            "ok" => "通过",
            "unreadable" => "无法读取",
            _ => "需修改",
        };
        let city = r.city.as_deref().unwrap_or("—");
        let _ = writeln!(s, "{}  {}  {:>4}  {:>4}  {status}", pad(city, 8), pad(&r.file, width), r.errors, r.warnings);
    }
    let _ = writeln!(s, "\n错误 {e} 个，警告 {w} 个，提示 {i} 个");
    if e > 0 {
        let _ = writeln!(s, "前几个错误：");
        for f in o.findings.iter().filter(|f| f.severity == Severity::Error).take(5) {
            let place = f.place();
            let _ = writeln!(s, "  [{}] {} {} {}", f.code.id(), f.file, place, f.message);
        }
    }
    let _ = writeln!(s, "\n结果已保存到：{}", o.out_dir.display());
    let mut feedback = 0;
    for p in &o.written {
        if p.parent() == Some(o.out_dir.as_path()) {
            let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let _ = writeln!(s, "  {name}");
        } else {
            feedback += 1;
        }
    }
    if feedback > 0 {
        let _ = writeln!(s, "  反馈/（{feedback} 个文件：各地市的校验报告，以及有问题的工作簿的标注副本）");
    }
    s
}
