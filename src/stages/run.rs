//! A whole run, stage after stage: the CLI's `run` and `check`, `verify`'s
//! re-run and the page's runs in memory all come through [`run_plan`].
//! Here, not in lib.rs, so nothing inside the crate imports its root.

use super::{Progress, Silent};
use crate::error::Result;
use crate::findings::{self, Finding, Severity};
use crate::model::InputReport;
use crate::plan::{Plan, RunOptions};
use crate::write::sink::Sink;
use crate::{consolidate, decisions, fingerprint, roster, rounds, scan, stages, write};
use std::path::PathBuf;

/// What a run produced.
#[derive(Debug)]
pub struct RunOutcome {
    pub out_dir: PathBuf,
    /// Files written: the summary, the draft, report.json, the register,
    /// then the feedback by name.
    pub written: Vec<PathBuf>,
    /// Each input's feedback as named in the sink (反馈/…), in input order;
    /// empty where none was written.
    pub feedback: Vec<Vec<String>>,
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
    pub previous_unusable: Option<(PathBuf, rounds::PrevError)>,
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
    /// The template set and params the run used: its form words the
    /// findings wherever they are shown.
    pub setup: std::sync::Arc<stages::Setup>,
}

impl RunOutcome {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// The whole job, silently: scan → read → check → consolidate → write.
pub fn run(opts: &RunOptions) -> Result<RunOutcome> {
    run_with(opts, &Silent)
}

/// The whole job, one stage after another: scan → read and check each
/// file → which file stands for which city (roster) → consolidate →
/// compare with the previous round → write feedback, summary, draft and
/// report.json. Each stage is a function of the stage before.
pub fn run_with(opts: &RunOptions, progress: &dyn Progress) -> Result<RunOutcome> {
    let plan = Plan::resolve(opts)?;
    let dir = plan.out.dir();
    let sink = write::sink::Folder::new(&dir);
    let mut outcome = run_plan(&plan, &scan::scan(&plan.inputs, Some(&dir)), &sink, progress)?;
    outcome.written = sink.written();
    Ok(outcome)
}

/// The stages in order, on a resolved plan and the scanned inputs; the
/// outputs go to `sink` (a results folder, or memory for the page).
pub fn run_plan(plan: &Plan, scanned: &scan::Scan, sink: &dyn Sink, progress: &dyn Progress) -> Result<RunOutcome> {
    let setup = &plan.setup;
    let Judged { files, outcomes, mut roster, figures } =
        judge(&scanned.workbooks, setup, plan.register.register(), plan.file_timeout, progress);
    let gathered = stages::submission::attach(files, &mut roster, &scanned.others, setup, plan.make.summary);
    let mut run_findings = gathered.scan_findings(&scanned.findings);
    let files = gathered.files;
    if plan.make.summary {
        run_findings.extend(roster.run_findings.iter().cloned());
    }
    let summary = match plan.make.summary {
        true => Some(stages::assign::consolidate(&files, &roster, setup)?),
        false => None,
    };
    let round =
        stages::compare::Round { files, run_findings, roster: &roster, figures: &figures, summary: plan.make.summary };
    let stages::compare::Compared { files, run_findings, comparison, unusable: previous_unusable } =
        stages::compare::with_previous(&plan.previous, round, setup);
    let round = comparison.as_ref().map(|c| c.round).unwrap_or(1);
    let record =
        crate::decisions::apply::record(&plan.register, outcomes, &files, &run_findings, &roster, plan.make.summary);

    // `--final` and not 定稿: nothing is written, the outcome says what is open.
    let held = plan.make.final_only && !record.finality.is_final();
    plan.out.prepare(!held)?;
    let fb = stages::outputs::Feedback { now: plan.now, round, comparison: comparison.as_ref() };
    let (files, written) = match plan.make.feedback && !held {
        true => fb.write(files, &roster, setup, sink),
        false => (files, Vec::new()),
    };
    let feedback = written.into_iter().map(|w| w.map(|w| w.names).unwrap_or_default()).collect();

    let mut all_findings = run_findings;
    all_findings.extend(files.iter().flat_map(|f| f.findings.iter().cloned()));
    findings::sort(&mut all_findings);
    let inputs = stages::check::input_reports(&files, &roster, figures, !plan.make.summary);
    let fingerprint = fingerprint_of(setup, &record, comparison.as_ref(), &inputs, &roster);
    let missing_cities = if plan.make.summary { roster.missing() } else { Vec::new() };
    if !held {
        let outputs = stages::outputs::Outputs {
            sink,
            now: plan.now,
            round,
            comparison: comparison.as_ref(),
            setup,
            findings: &all_findings,
            decisions: &record,
            fingerprint: &fingerprint,
        };
        let results = Results { summary: summary.as_ref(), roster: &roster, inputs: &inputs, missing: &missing_cities };
        write_results(&outputs, plan, &results, &files)?;
    }

    Ok(RunOutcome {
        out_dir: plan.out.dir(),
        written: Vec::new(),
        feedback,
        inputs,
        findings: all_findings,
        summary,
        roster: plan.make.summary.then_some(roster),
        round,
        comparison,
        previous_unusable,
        templates_origin: setup.templates.origin.clone(),
        params_origin: setup.params.origin.clone(),
        missing_cities,
        decisions: record,
        held,
        fingerprint,
        setup: plan.setup.clone(),
    })
}

/// What the run concluded, for [`write_results`].
struct Results<'a> {
    summary: Option<&'a consolidate::ProvinceSummary>,
    roster: &'a roster::Roster,
    inputs: &'a [InputReport],
    missing: &'a [String],
}

/// The summary and draft, report.json and the register, in that order.
fn write_results(
    outputs: &stages::outputs::Outputs,
    plan: &Plan,
    r: &Results,
    files: &[stages::check::FileResult],
) -> Result<()> {
    if let Some(s) = r.summary {
        outputs.summary_and_draft(s, r.roster, plan.make.draft)?;
    }
    outputs.report_json(r.inputs, r.missing, plan.make.summary.then_some(r.roster), r.summary)?;
    if plan.make.summary {
        outputs.register(files, r.roster)?;
    }
    Ok(())
}

/// The fingerprint of a run: its template set, params, applied decisions,
/// the previous round compared with, every workbook read, and every file
/// of a city's submission beside its form (自评报告, 佐证材料): a 定稿 is
/// tied to the whole of what the cities sent, and `verify` names a report
/// or evidence file that changed, was added or is missing.
fn fingerprint_of(
    setup: &stages::Setup,
    record: &decisions::Record,
    comparison: Option<&rounds::Comparison>,
    inputs: &[InputReport],
    roster: &roster::Roster,
) -> fingerprint::Fingerprint {
    let workbooks = inputs.iter().filter_map(|i| {
        Some(fingerprint::InputPart { file: i.file.clone(), city: i.city.clone(), sha256: i.sha256.clone()? })
    });
    let submitted = roster.cities.iter().flat_map(|c| {
        let parts = c.submission.iter().flat_map(|s| s.parts.iter()).filter(|p| !p.sha256.is_empty());
        parts.map(|p| fingerprint::InputPart {
            file: p.file.clone(),
            city: Some(c.city.clone()),
            sha256: p.sha256.clone(),
        })
    });
    let parts = workbooks.chain(submitted).collect();
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
    let roster = stages::assign::file(&checked, setup, register);
    let decisions::apply::Decided { files, mut outcomes } = decisions::apply::apply(checked, &roster, register, setup);
    let stages::assign::Assigned { files, roster, outcomes: roster_outcomes } =
        stages::assign::cities(files, roster, setup, register);
    outcomes.extend(roster_outcomes);
    outcomes.sort_by_key(|o| o.decision.row);
    Judged { files, outcomes, roster, figures }
}
