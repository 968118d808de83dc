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
pub mod marker;
pub mod model;
pub mod params;
pub mod read;
pub mod roster;
pub mod rounds;
#[cfg(any(test, feature = "dev"))]
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

/// The 自评报告 draft's file name in the output folder.
pub const DRAFT_FILE: &str = "自评报告（初稿）.docx";

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
    /// Skip the per-city feedback files (report.json and the summary only).
    pub no_feedback: bool,
    /// The previous round's result folder; default: the latest
    /// `<名称>_校验结果_*` beside the first input.
    pub previous: Option<PathBuf>,
    /// Compare with no previous round.
    pub no_previous: bool,
    /// Skip the 自评报告 draft.
    pub no_report: bool,
    /// How long one file may take to read and check before the run goes
    /// on without it (SE009); `None`: [`FILE_TIMEOUT`].
    pub file_timeout: Option<std::time::Duration>,
}

/// How long one file may take to read and check: a city form takes
/// milliseconds, the largest real workbooks well under a second.
pub const FILE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

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
    /// 报送情况 (with the summary only).
    pub roster: Option<roster::Roster>,
    /// This run's round, and what changed since the previous one.
    pub round: u32,
    pub comparison: Option<rounds::Comparison>,
    /// A previous result that could not be used, and why.
    pub previous_unusable: Option<(PathBuf, String)>,
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
            params::from_bytes(bytes, &p.display().to_string(), &templates.form, &templates.origin)?
        }
        None => {
            let origin = match &opts.templates {
                Some(dir) => dir.join(spec::PARAMS_FILE).display().to_string(),
                None => "内置 2024 年省级参数表".to_string(),
            };
            params::from_bytes(templates.params_default.clone(), &origin, &templates.form, &templates.origin)?
        }
    };
    // A year's forms judged against another year's issued figures would
    // blame every city (SE206 × 15): a setup error, said once.
    if templates.form.year != params.year {
        return Err(Error::YearMismatch {
            templates: templates.form.year,
            templates_origin: templates.origin.clone(),
            params: params.year,
            params_origin: params.origin.clone(),
        });
    }
    // Coefficients a typo made huge: refuse before any city is judged.
    allocate::allocate(&params)?;
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
            for f in &mut fs {
                f.file = found.name.clone();
            }
            (Some(sub), fs)
        }
    }
}

/// The templates, params and the form's sheet needs, shared by the
/// watched per-file threads.
type Setup = (Templates, Params, Vec<read::SheetNeed>);

/// [`check_one`] on a thread of its own, given up on after `limit` (SE009)
/// so one pathological file never holds up the batch; a panic anywhere in
/// the check is that file's SE001.
fn check_watched(
    found: &scan::Found,
    setup: &std::sync::Arc<Setup>,
    limit: std::time::Duration,
) -> (Option<Submission>, Vec<Finding>) {
    let job = {
        let (setup, found) = (setup.clone(), found.clone());
        move || {
            let (t, p, needs) = &*setup;
            let ctx = checks::Ctx { form: &t.form, params: p, bands: &t.bands };
            let (mut sub, fs) = check_one(&found, needs, &ctx);
            if let Some(s) = sub.as_mut() {
                s.release_cells();
            }
            (sub, fs)
        }
    };
    let failed = |code, expected: Option<String>, detail: &str| {
        let mut f = Finding::at(code, &findings::Loc::file(), expected, None, detail);
        f.file = found.name.clone();
        (None, vec![f])
    };
    match isolate::with_deadline(limit, job) {
        isolate::Deadline::Done(r) => r,
        isolate::Deadline::Panicked(_) => failed(findings::Code::FileUnreadable, None, "程序读取时遇到内部错误"),
        isolate::Deadline::TimedOut => {
            failed(findings::Code::FileTimedOut, Some(format!("{} 秒", limit.as_secs_f64())), "")
        }
    }
}

/// One workbook's way through the run.
struct FileResult {
    found: scan::Found,
    sub: Option<Submission>,
    findings: Vec<Finding>,
    modified: Option<std::time::SystemTime>,
    sha256: Option<String>,
}

/// Told of each file as the run checks it (the CLI draws a progress bar).
pub trait Progress: Sync {
    fn start(&self, _files: usize) {}
    fn file(&self, _name: &str) {}
    fn finish(&self) {}
}

/// No progress shown.
pub struct Silent;
impl Progress for Silent {}

/// The whole job, silently: scan → read → check → consolidate → write.
pub fn run(opts: &RunOptions) -> Result<RunOutcome> {
    run_with(opts, &Silent)
}

/// The whole job: scan → read → check → roster → consolidate → write.
pub fn run_with(opts: &RunOptions, progress: &dyn Progress) -> Result<RunOutcome> {
    for i in &opts.inputs {
        if !i.exists() {
            return Err(Error::InputMissing(i.clone()));
        }
    }
    let (templates, params) = load_setup(opts)?;
    // Shared with each file's watched thread (see `check_watched`).
    let needs = templates.form.sheet_needs();
    let setup: std::sync::Arc<Setup> = std::sync::Arc::new((templates, params, needs));
    let (templates, params) = (&setup.0, &setup.1);
    let ctx = checks::Ctx { form: &templates.form, params, bands: &templates.bands };
    let now = chrono::Local::now();
    let first = opts.inputs.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let out_dir = match &opts.out {
        Some(o) => o.clone(),
        None => write::default_out_dir(&first, now.naive_local()),
    };
    let scanned = scan::scan(&opts.inputs, Some(&out_dir));

    // Read and check each file, in parallel; `collect` keeps the scan's
    // order, so output is the same whatever the thread count.
    let limit = opts.file_timeout.unwrap_or(FILE_TIMEOUT);
    progress.start(scanned.workbooks.len());
    let mut files: Vec<FileResult> = scanned
        .workbooks
        .par_iter()
        .map(|found| {
            progress.file(&found.name);
            let (sub, fs) = check_watched(found, &setup, limit);
            let modified = std::fs::metadata(&found.path).and_then(|m| m.modified()).ok();
            // The reader hashed the bytes it parsed; only a file it could
            // not parse is read again for its hash.
            let sha256 = match sub.as_ref().and_then(|s| s.raw.sha256.clone()) {
                Some(h) => Some(h),
                None => read::sha256_of(&found.path),
            };
            FileResult { found: found.clone(), sub, findings: fs, modified, sha256 }
        })
        .collect();
    progress.finish();

    // Which file stands for which city, and each city's status.
    let facts: Vec<roster::FileFacts> = files
        .iter()
        .map(|f| roster::FileFacts {
            name: &f.found.name,
            sub: f.sub.as_ref(),
            findings: &f.findings,
            modified: f.modified,
        })
        .collect();
    let roster = roster::build(&facts, params, &ctx.loc("info.city"));
    drop(facts);
    let mut run_findings = scanned.findings.clone();
    if opts.summary {
        run_findings.extend(roster.run_findings.iter().cloned());
    }
    for (i, f) in &roster.file_findings {
        if let Some(file) = files.get_mut(*i) {
            file.findings.push(f.clone());
        }
    }
    for (file, city) in files.iter_mut().zip(&roster.city_of_file) {
        for f in &mut file.findings {
            f.city = city.clone();
        }
    }
    let summary = if opts.summary {
        let used: Vec<Option<&Submission>> = roster
            .cities
            .iter()
            .map(|c| c.used.filter(|_| c.in_totals).and_then(|i| files.get(i)).and_then(|f| f.sub.as_ref()))
            .collect();
        Some(consolidate::consolidate(&used, &roster, params, &templates.form)?)
    } else {
        None
    };
    let missing_cities: Vec<String> = if opts.summary {
        roster.cities.iter().filter(|c| c.status == roster::CityStatus::NotReceived).map(|c| c.city.clone()).collect()
    } else {
        Vec::new()
    };

    // Against the previous round, if there is one.
    let lookup = rounds::find(&first, &out_dir, opts.previous.as_deref(), opts.no_previous);
    let (previous, previous_unusable) = match lookup {
        rounds::Lookup::Found(p) => (Some(p), None),
        rounds::Lookup::Unusable { folder, why } => (None, Some((folder, why))),
        rounds::Lookup::None => (None, None),
    };
    let figures: Vec<std::collections::BTreeMap<String, String>> =
        files.iter().map(|f| figures_of(f, &templates.form)).collect();
    let comparison = previous.as_ref().map(|prev| {
        let subject = |i: usize| roster.city_of_file[i].clone().unwrap_or_else(|| files[i].found.name.clone());
        let used: std::collections::BTreeSet<usize> = roster.cities.iter().filter_map(|c| c.used).collect();
        let cur: Vec<rounds::CurInput> = files
            .iter()
            .enumerate()
            .map(|(i, f)| rounds::CurInput {
                file: &f.found.name,
                subject: subject(i),
                sha256: f.sha256.as_deref(),
                figures: &figures[i],
                used: used.contains(&i) || roster.city_of_file[i].is_none(),
            })
            .collect();
        let all: Vec<&Finding> = run_findings.iter().chain(files.iter().flat_map(|f| f.findings.iter())).collect();
        let statuses: Vec<(String, bool)> =
            roster.cities.iter().map(|c| (c.city.clone(), c.status != roster::CityStatus::NotReceived)).collect();
        let label = |id: &str| templates.form.field(id).map(|f| f.label.text.clone()).unwrap_or_else(|| id.to_string());
        rounds::compare(prev, &cur, &all, opts.summary.then_some(statuses.as_slice()), &label)
    });
    if let Some(c) = &comparison {
        for f in run_findings.iter_mut().chain(files.iter_mut().flat_map(|f| f.findings.iter_mut())) {
            c.mark(f);
        }
    }
    let round = comparison.as_ref().map(|c| c.round).unwrap_or(1);

    write::fresh_dir(&out_dir)?;
    let mut written = Vec::new();

    // Feedback to each city; may add an info finding per file.
    let time = now.format("%Y-%m-%d %H:%M:%S").to_string();
    let fb_dir = out_dir.join("反馈");
    if !files.is_empty() && !opts.no_feedback {
        std::fs::create_dir_all(&fb_dir).map_err(|e| Error::io(&fb_dir, e))?;
    }
    let mut taken = std::collections::HashSet::new();
    let room = write::feedback::NameRoom::in_dir(&fb_dir);
    let bases: Vec<String> = files
        .iter()
        .zip(&roster.city_of_file)
        .map(|(f, city)| write::feedback::feedback_base(&f.found.name, city.as_deref(), room, &mut taken))
        .collect();
    let version = &templates.form.version;
    let sheet_order: Vec<String> = templates.form.sheets.iter().map(|s| s.name.clone()).collect();
    let results: Vec<Result<Vec<PathBuf>>> = if opts.no_feedback {
        Vec::new()
    } else {
        // Each feedback file is flushed to disk before its rename, so this
        // stage waits on the disk as much as it computes: more threads than
        // cores keep both busy.
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) * 4;
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().ok();
        let mut write_all = || -> Vec<Result<Vec<PathBuf>>> {
            files
                .par_iter_mut()
                .zip(bases.par_iter())
                .zip(roster.city_of_file.par_iter())
                .map(|((file, base), city)| {
                    let subject = city.clone().unwrap_or_else(|| file.found.name.clone());
                    let job = write::feedback::CityFeedback {
                        path: &file.found.path,
                        name: &file.found.name,
                        format: file.sub.as_ref().map(|s| s.raw.format),
                        city: city.as_deref(),
                        base,
                        dir: &fb_dir,
                        time: &time,
                        version,
                        change: comparison.as_ref().and_then(|c| c.of(&subject)),
                        round,
                        sheets: &sheet_order,
                    };
                    job.write(&mut file.findings)
                })
                .collect()
        };
        match &pool {
            Some(p) => p.install(write_all),
            None => write_all(),
        }
    };
    // One file's feedback that cannot be written is that file's finding;
    // the summary and report.json are still written.
    for ((file, r), city) in files.iter_mut().zip(results).zip(&roster.city_of_file) {
        match r {
            Ok(paths) => written.extend(paths),
            Err(e) => {
                let mut f =
                    Finding::at(findings::Code::FeedbackNotWritten, &findings::Loc::file(), None, None, &e.to_string());
                f.file = file.found.name.clone();
                f.city = city.clone();
                file.findings.push(f);
            }
        }
    }

    let mut all_findings = run_findings;
    all_findings.extend(files.iter().flat_map(|f| f.findings.iter().cloned()));
    findings::sort(&mut all_findings);
    let inputs: Vec<InputReport> = files
        .iter()
        .zip(&roster.city_of_file)
        .zip(figures)
        .map(|((f, c), figures)| input_report(f, c.as_deref(), figures))
        .collect();

    if let Some(s) = &summary {
        let path = out_dir.join("省级汇总表.xlsx");
        let bytes = write::summary::summary_workbook(
            &templates.summary_template,
            &templates.summary,
            s,
            &roster,
            comparison.as_ref(),
            &all_findings,
        )
        .map_err(|e| Error::Write { path: path.clone(), detail: e.to_string() })?;
        write::atomic_write(&path, &bytes)?;
        written.insert(0, path);
        if !opts.no_report {
            let path = out_dir.join(DRAFT_FILE);
            let generated = now.format("%Y-%m-%d %H:%M").to_string();
            let bytes = write::draft::draft(&templates.report, s, &all_findings, &generated)
                .map_err(|e| Error::Write { path: path.clone(), detail: e.to_string() })?;
            write::atomic_write(&path, &bytes)?;
            written.insert(1, path);
        }
    }
    let roster_json = if opts.summary { Some(roster.cities.as_slice()) } else { None };
    let report = write::json::Report {
        tool: "selfeval",
        version: env!("CARGO_PKG_VERSION"),
        generated_at: now.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        round,
        previous: comparison.as_ref(),
        templates: &templates.origin,
        params: &params.origin,
        inputs: &inputs,
        missing_cities: missing_cities.clone(),
        cities: roster_json,
        findings: &all_findings,
        totals: summary.as_ref().map(write::json::totals),
    };
    let path = out_dir.join("report.json");
    write::atomic_write(&path, &write::json::to_bytes(&report))?;
    let after = written.iter().take_while(|p| p.parent() == Some(out_dir.as_path())).count();
    written.insert(after, path);

    Ok(RunOutcome {
        out_dir,
        written,
        inputs,
        findings: all_findings,
        summary,
        roster: opts.summary.then_some(roster),
        round,
        comparison,
        previous_unusable,
        templates_origin: templates.origin.clone(),
        params_origin: params.origin.clone(),
        missing_cities,
    })
}

/// The form's fields of a file as read: field id → value as text.
fn figures_of(file: &FileResult, form: &spec::FormSpec) -> std::collections::BTreeMap<String, String> {
    let Some(sub) = &file.sub else { return Default::default() };
    form.fields()
        .filter_map(|f| {
            let v = match sub.parsed(&f.id) {
                model::Parsed::Number(d) => calc::fmt_num(*d),
                model::Parsed::Text(t) => t.clone(),
                model::Parsed::Bad { found } => found.clone(),
                _ => return None,
            };
            Some((f.id.clone(), v))
        })
        .collect()
}

fn input_report(
    file: &FileResult,
    city: Option<&str>,
    figures: std::collections::BTreeMap<String, String>,
) -> InputReport {
    let (e, w, i) = findings::counts(&file.findings);
    InputReport {
        file: file.found.name.clone(),
        city: city.map(str::to_string),
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
        sha256: file.sha256.clone(),
        figures,
    }
}
