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
pub fn check_one(found: &scan::Found, ctx: &checks::Ctx) -> (Option<Submission>, Vec<Finding>) {
    match read::read_path(&found.path) {
        Err(e) => {
            let mut f = Finding::at(
                findings::Code::FileUnreadable,
                &findings::Loc::file(),
                None,
                None,
                &e.to_string(),
            );
            f.file = found.name.clone();
            (None, vec![f])
        }
        Ok(raw) => {
            let sub = Submission::build(found.path.clone(), found.name.clone(), raw, ctx.form);
            let mut fs = checks::run_file(&sub, ctx);
            let city = sub.city_text().map(|t| {
                ctx.params
                    .resolve_city(&t)
                    .map(|c| c.name.clone())
                    .unwrap_or(t)
            });
            for f in &mut fs {
                f.file = found.name.clone();
                f.city = city.clone();
            }
            (Some(sub), fs)
        }
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
    let ctx = checks::Ctx {
        form: &templates.form,
        params: &params,
    };
    let first = opts
        .inputs
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let out_dir = match &opts.out {
        Some(o) => o.clone(),
        None => write::default_out_dir(&first, chrono::Local::now().naive_local()),
    };
    let scanned = scan::scan(&opts.inputs, Some(&out_dir));

    let bar = progress_bar(opts.progress, scanned.workbooks.len());
    let mut all_findings = scanned.findings.clone();
    let mut subs: Vec<(Submission, bool)> = Vec::new();
    let mut inputs = Vec::new();
    for found in &scanned.workbooks {
        bar.set_message(found.name.clone());
        let (sub, fs) = check_one(found, &ctx);
        let gate_failed = fs
            .iter()
            .any(|f| f.severity == Severity::Error && is_gate_code(f.code));
        let (e, w, i) = findings::counts(&fs);
        inputs.push(InputReport {
            file: found.name.clone(),
            city: fs
                .first()
                .and_then(|f| f.city.clone())
                .or_else(|| sub.as_ref().and_then(Submission::city_text)),
            status: if sub.is_none() {
                "unreadable"
            } else if e > 0 {
                "error"
            } else {
                "ok"
            },
            errors: e,
            warnings: w,
            infos: i,
        });
        all_findings.extend(fs);
        if let Some(s) = sub {
            subs.push((s, !gate_failed));
        }
        bar.inc(1);
    }
    bar.finish_and_clear();

    // Batch checks see every readable form that passed its gates.
    let usable: Vec<&Submission> = subs.iter().filter(|(_, ok)| *ok).map(|(s, _)| s).collect();
    let mut missing_cities = Vec::new();
    for bc in checks::BATCH_CHECKS {
        if !opts.summary && bc.id == "missing_city" {
            continue;
        }
        for (idx, mut f) in (bc.run)(&usable, &ctx) {
            if let Some(s) = idx.and_then(|i| usable.get(i)) {
                f.file = s.name.clone();
                f.city = s.city_text().map(|t| {
                    ctx.params
                        .resolve_city(&t)
                        .map(|c| c.name.clone())
                        .unwrap_or(t)
                });
                if let Some(ir) = inputs.iter_mut().find(|r| r.file == s.name) {
                    ir.errors += usize::from(f.severity == Severity::Error);
                    if f.severity == Severity::Error {
                        ir.status = "error";
                    }
                }
            }
            if f.code == findings::Code::MissingCity {
                missing_cities.extend(f.city.clone());
            }
            all_findings.push(f);
        }
    }
    findings::sort(&mut all_findings);

    let summary = opts
        .summary
        .then(|| consolidate::consolidate(&usable, &params));

    write::fresh_dir(&out_dir)?;
    let mut written = Vec::new();
    if let Some(s) = &summary {
        let path = out_dir.join("省级汇总表.xlsx");
        let bytes = write::summary::summary_workbook(
            &templates.summary_template,
            &templates.summary,
            s,
            &all_findings,
        )
        .map_err(|detail| Error::Write {
            path: path.clone(),
            detail,
        })?;
        write::atomic_write(&path, &bytes)?;
        written.push(path);
    }
    let report = write::json::Report {
        tool: "selfeval",
        version: env!("CARGO_PKG_VERSION"),
        generated_at: chrono::Local::now()
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        templates: &templates.origin,
        params: &params.origin,
        inputs: &inputs,
        missing_cities: missing_cities.clone(),
        findings: &all_findings,
        totals: summary.as_ref().map(write::json::totals),
    };
    let path = out_dir.join("report.json");
    write::atomic_write(&path, &write::json::to_bytes(&report))?;
    written.push(path);

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

fn is_gate_code(code: findings::Code) -> bool {
    checks::CHECKS
        .iter()
        .filter(|c| c.gate)
        .any(|c| c.codes.contains(&code))
}

fn progress_bar(show: bool, n: usize) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !show || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(n as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} 正在校验 {wide_msg}")
    {
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
    let _ = writeln!(
        s,
        "\n{:<8}{:<40}{:>6}{:>6}  状态",
        "城市", "文件", "错误", "警告"
    );
    for r in &o.inputs {
        let status = match r.status {
            "ok" if r.warnings > 0 => "通过（有警告）",
            "ok" => "通过",
            "unreadable" => "无法读取",
            _ => "需修改",
        };
        let _ = writeln!(
            s,
            "{:<8}{:<40}{:>6}{:>6}  {status}",
            r.city.as_deref().unwrap_or("—"),
            r.file,
            r.errors,
            r.warnings
        );
    }
    let _ = writeln!(s, "\n错误 {e} 个，警告 {w} 个，提示 {i} 个");
    if e > 0 {
        let _ = writeln!(s, "前几个错误：");
        for f in o
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .take(5)
        {
            let place = f.place();
            let _ = writeln!(s, "  [{}] {} {} {}", f.code.id(), f.file, place, f.message);
        }
    }
    let _ = writeln!(s, "\n结果已保存到：{}", o.out_dir.display());
    for p in &o.written {
        let _ = writeln!(
            s,
            "  {}",
            p.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        );
    }
    s
}
