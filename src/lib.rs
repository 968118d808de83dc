//! selfeval: checks a folder of city self-evaluation workbooks of a
//! provincial 专项资金 and builds the provincial summary. The fund, its
//! form and its tables are a template set (`spec`); the 2024 set of the
//! default fund is built in.
//!
//! The data's path, one module per stage:
//! scan → read → model (typed submission) → checks → roster →
//! consolidate → rounds → write. `run_with` calls the stages in that
//! order (see `stages`); this file only orchestrates. `check_memory` is
//! the same stages over bytes, for the browser page (web/).
#![warn(clippy::unwrap_used)]

pub mod allocate;
pub mod calc;
pub mod cellref;
pub mod checks;
pub mod consolidate;
pub mod decisions;
pub mod error;
pub mod findings;
pub mod fingerprint;
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
pub mod stages;
/// The crate's test kit: sample submissions built from the report data.
#[cfg(test)]
pub mod testkit;
pub mod verify;
pub mod write;

pub use stages::check::check_one;

use error::{Error, Result};
use findings::{Finding, Severity};
use model::InputReport;
use params::Params;
use spec::Templates;
use std::path::PathBuf;

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
    /// The filled 核实与更正 register to apply; default: the one in the
    /// previous round's results folder.
    pub decisions: Option<PathBuf>,
    /// Write only a 定稿: when anything is still open, write nothing and
    /// say what (`selfeval run --final`).
    pub final_only: bool,
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
    /// The 核实与更正 record: the register used, what became of each
    /// decision, and 草稿 / 定稿.
    pub decisions: decisions::Record,
    /// `--final` and not 定稿: nothing was written.
    pub held: bool,
    /// What determined the result, and its digest.
    pub fingerprint: fingerprint::Fingerprint,
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

/// The whole job, one stage after another: scan → read and check each
/// file → which file stands for which city (roster) → consolidate →
/// compare with the previous round → write feedback, summary, draft and
/// report.json. Each stage is a function of the stage before.
pub fn run_with(opts: &RunOptions, progress: &dyn Progress) -> Result<RunOutcome> {
    for i in &opts.inputs {
        if !i.exists() {
            return Err(Error::InputMissing(i.clone()));
        }
    }
    let setup = std::sync::Arc::new(stages::Setup::load(opts)?);
    let now = chrono::Local::now().fixed_offset();
    let first = opts.inputs.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    // An auto-named folder is claimed now, before anything is read, so
    // runs started together never pick the same one.
    let (out_dir, claimed) = match &opts.out {
        Some(o) => (o.clone(), false),
        None => (write::claim_out_dir(&first, now.naive_local())?, true),
    };
    let scanned = scan::scan(&opts.inputs, Some(&out_dir));
    let register = stages::decide::load(stages::decide::locate(opts, &first, &out_dir), &setup);
    let limit = opts.file_timeout.unwrap_or(FILE_TIMEOUT);
    let Judged { files, outcomes, roster, figures } =
        judge(&scanned.workbooks, &setup, register.register(), limit, progress);
    let mut run_findings = scanned.findings;
    if opts.summary {
        run_findings.extend(roster.run_findings.iter().cloned());
    }
    let summary = match opts.summary {
        true => Some(stages::assign::consolidate(&files, &roster, &setup)?),
        false => None,
    };
    let stages::compare::Compared { files, run_findings, comparison, unusable: previous_unusable } =
        stages::compare::with_previous(opts, &first, &out_dir, files, run_findings, &roster, &figures, &setup);
    let round = comparison.as_ref().map(|c| c.round).unwrap_or(1);
    let record = stages::decide::record(&register, outcomes, &files, &run_findings, &roster, opts.summary);

    // `--final` and not 定稿: nothing is written, the outcome says what is open.
    let held = opts.final_only && !record.finality.is_final();
    match (held, claimed) {
        (false, false) => write::fresh_dir(&out_dir)?,
        // Nothing is written: the folder claimed for it goes again.
        (true, true) => {
            let _ = std::fs::remove_dir(&out_dir);
        }
        _ => {}
    }
    let fb = stages::outputs::Feedback { out_dir: &out_dir, now, round, comparison: comparison.as_ref() };
    let (files, mut written) = match opts.no_feedback || held {
        true => (files, Vec::new()),
        false => fb.write(files, &roster, &setup)?,
    };

    let mut all_findings = run_findings;
    all_findings.extend(files.iter().flat_map(|f| f.findings.iter().cloned()));
    findings::sort(&mut all_findings);
    let inputs = stages::check::input_reports(&files, &roster, figures);
    let fingerprint = fingerprint_of(&setup, &record, comparison.as_ref(), &inputs);
    let missing_cities = match opts.summary {
        true => roster.missing(),
        false => Vec::new(),
    };
    if !held {
        let outputs = stages::outputs::Outputs {
            out_dir: &out_dir,
            now,
            round,
            comparison: comparison.as_ref(),
            setup: &setup,
            findings: &all_findings,
            decisions: &record,
            fingerprint: &fingerprint,
        };
        if let Some(s) = &summary {
            let books = outputs.summary_and_draft(s, &roster, !opts.no_report)?;
            written.splice(0..0, books);
        }
        let json = outputs.report_json(&inputs, &missing_cities, opts.summary.then_some(&roster), summary.as_ref())?;
        let after = written.iter().take_while(|p| p.parent() == Some(out_dir.as_path())).count();
        written.insert(after, json);
        if opts.summary {
            written.insert(after + 1, outputs.register(&files, &roster)?);
        }
    }

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
        templates_origin: setup.templates.origin.clone(),
        params_origin: setup.params.origin.clone(),
        missing_cities,
        decisions: record,
        held,
        fingerprint,
    })
}

/// The fingerprint of a run: its template set, params, applied decisions,
/// the previous round compared with, and every workbook read.
fn fingerprint_of(
    setup: &stages::Setup,
    record: &decisions::Record,
    comparison: Option<&rounds::Comparison>,
    inputs: &[InputReport],
) -> fingerprint::Fingerprint {
    let parts = inputs
        .iter()
        .filter_map(|i| {
            Some(fingerprint::InputPart { file: i.file.clone(), city: i.city.clone(), sha256: i.sha256.clone()? })
        })
        .collect();
    fingerprint::Fingerprint::new(
        &setup.templates.digest,
        &setup.params.sha256,
        &record.outcomes,
        comparison.map(|c| c.fingerprint_part.clone()),
        parts,
    )
}

/// Files read, checked, decided (核实与更正) and assigned to cities: what
/// both the CLI's run and the browser page's check are made of.
struct Judged {
    files: Vec<stages::check::FileResult>,
    /// What became of each decision, in the register's order.
    outcomes: Vec<decisions::Outcome>,
    roster: roster::Roster,
    /// The figures as the cities typed them, before any correction: what
    /// the next round compares with.
    figures: Vec<std::collections::BTreeMap<String, String>>,
}

fn judge(
    workbooks: &[scan::Found],
    setup: &std::sync::Arc<stages::Setup>,
    register: Option<&decisions::Register>,
    limit: std::time::Duration,
    progress: &dyn Progress,
) -> Judged {
    let checked = stages::check::all(workbooks, setup, limit, progress);
    let figures = stages::check::figures(&checked, &setup.templates.form);
    let stages::decide::Decided { files, mut outcomes } = stages::decide::apply(checked, register, setup);
    let stages::assign::Assigned { files, roster, outcomes: roster_outcomes } =
        stages::assign::cities(files, setup, register);
    outcomes.extend(roster_outcomes);
    outcomes.sort_by_key(|o| o.decision.row);
    Judged { files, outcomes, roster, figures }
}

/// One workbook checked in memory (the browser page).
pub struct MemoryFile {
    pub name: String,
    /// The city it stands for, when it names one the params list.
    pub city: Option<String>,
    /// Its findings, as report.json lists them.
    pub findings: Vec<Finding>,
    /// Its 校验报告 and 标注副本, byte for byte what `selfeval check`
    /// writes; `None` when they could not be made (SE008 says why).
    pub feedback: Option<write::feedback::Made>,
}

/// What [`check_memory`] gives the page.
pub struct MemoryOutcome {
    /// report.json as `selfeval check --json` prints it.
    pub report_json: Vec<u8>,
    /// The workbooks, in the order given.
    pub files: Vec<MemoryFile>,
    /// Every finding, sorted (errors first), files passed over included.
    pub findings: Vec<Finding>,
}

/// `selfeval check` on files given as bytes, needing no file system,
/// clock or threads: the browser page's job. The same stages as
/// [`run_with`] with no 核实与更正 register and no previous round (a
/// clerk's own check is round 1); `now` is the host's clock.
pub fn check_memory(
    inputs: Vec<(String, std::sync::Arc<[u8]>)>,
    setup: &std::sync::Arc<stages::Setup>,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> MemoryOutcome {
    let scanned = scan::scan_memory(inputs);
    let Judged { files, outcomes, roster, figures } = judge(&scanned.workbooks, setup, None, FILE_TIMEOUT, &Silent);
    let none = std::path::Path::new("");
    let fb = stages::outputs::Feedback { out_dir: none, now, round: 1, comparison: None };
    let (files, made) = fb.make(files, &roster, setup);
    let run_findings = scanned.findings;
    let record = stages::decide::record(&decisions::RegisterUse::None, outcomes, &files, &run_findings, &roster, false);
    let mut all_findings = run_findings;
    all_findings.extend(files.iter().flat_map(|f| f.findings.iter().cloned()));
    findings::sort(&mut all_findings);
    let inputs = stages::check::input_reports(&files, &roster, figures);
    let fingerprint = fingerprint_of(setup, &record, None, &inputs);
    let outputs = stages::outputs::Outputs {
        out_dir: none,
        now,
        round: 1,
        comparison: None,
        setup,
        findings: &all_findings,
        decisions: &record,
        fingerprint: &fingerprint,
    };
    let report_json = outputs.report_bytes(&inputs, &[], None, None);
    let files = files
        .into_iter()
        .zip(made)
        .zip(&roster.city_of_file)
        .map(|((f, feedback), city)| MemoryFile {
            name: f.found.name,
            city: city.clone(),
            findings: f.findings,
            feedback,
        })
        .collect();
    MemoryOutcome { report_json, files, findings: all_findings }
}
