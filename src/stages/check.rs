//! Reading and checking each file: in parallel, each on a watched thread
//! of its own (SE009 when it takes too long), with its hash and the
//! figures the rounds compare.

use super::Progress;
use super::Setup;
use crate::findings::{self, Finding};
use crate::model::{self, Submission};
use crate::model::{InputReport, InputStatus};
use crate::{calc, checks, isolate, read, scan, spec};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Every workbook read and checked, in the scan's order (`collect` keeps
/// it, whatever the thread count).
pub fn all(
    found: &[scan::Found],
    setup: &Arc<Setup>,
    limit: std::time::Duration,
    progress: &dyn Progress,
) -> Vec<FileResult> {
    progress.start(found.len());
    let files = found
        .par_iter()
        .map(|found| {
            progress.file(&found.name);
            let (sub, fs) = check_watched(found, setup, limit);
            let modified = found.source.modified();
            // The reader hashed the bytes it parsed; only a file it could
            // not parse is read again for its hash.
            let sha256 = match sub.as_ref().and_then(|s| s.raw.sha256.clone()) {
                Some(h) => Some(h),
                None => found.source.sha256(),
            };
            FileResult {
                found: found.clone(),
                sub,
                findings: fs,
                modified,
                sha256,
                closed: Vec::new(),
                corrections: Vec::new(),
            }
        })
        .collect();
    progress.finish();
    files
}

/// Each file's fields as read, for the rounds' comparison and report.json.
pub fn figures(files: &[FileResult], form: &spec::FormSpec) -> Vec<BTreeMap<String, String>> {
    files.iter().map(|f| figures_of(f, form)).collect()
}

/// report.json's `inputs`;
/// `parts`: each form carries its city's other files (a city's own check;
/// the province's run lists them once, under `cities`).
pub fn input_reports(
    files: &[FileResult],
    roster: &crate::roster::Roster,
    figures: Vec<BTreeMap<String, String>>,
    parts: bool,
) -> Vec<InputReport> {
    files
        .iter()
        .zip(&roster.city_of_file)
        .zip(figures)
        .enumerate()
        .map(|(i, ((f, c), figures))| {
            let mut r = input_report(f, c.as_deref(), figures);
            let entry = roster.cities.iter().find(|e| parts && e.used == Some(i));
            r.submission = entry.and_then(|e| e.submission.clone());
            r
        })
        .collect()
}

/// Reads and checks one workbook; `None` when it cannot be read at all.
/// `needs` is the form's sheets and input cells ([`spec::FormSpec::sheet_needs`]),
/// computed once per run.
pub fn check_one(
    found: &scan::Found,
    needs: &[read::SheetNeed],
    ctx: &checks::Ctx,
) -> (Option<Submission>, Vec<Finding>) {
    match found.source.read_with(&found.name, read::Load::Only(needs)) {
        Err(e) => {
            let f = Finding::at(findings::Code::FileUnreadable, &findings::Loc::file(), None, None, &e.to_string());
            let mut f = f.with_words(e.words());
            f.file = found.name.clone();
            (None, vec![f])
        }
        Ok(raw) => {
            let mut sub = Submission::build(found.source.path_or(&found.name), found.name.clone(), raw, ctx.form);
            let mut fs = checks::run_file(&mut sub, ctx);
            for f in &mut fs {
                f.file = found.name.clone();
            }
            (Some(sub), fs)
        }
    }
}

/// [`check_one`] on a thread of its own, given up on after `limit` (SE009)
/// so one pathological file never holds up the batch; a panic anywhere in
/// the check is that file's SE001.
fn check_watched(
    found: &scan::Found,
    setup: &Arc<Setup>,
    limit: std::time::Duration,
) -> (Option<Submission>, Vec<Finding>) {
    let job = {
        let (setup, found) = (setup.clone(), found.clone());
        move || {
            let ctx = setup.ctx();
            let (mut sub, fs) = check_one(&found, &setup.needs, &ctx);
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
pub struct FileResult {
    pub found: scan::Found,
    pub sub: Option<Submission>,
    pub findings: Vec<Finding>,
    pub modified: Option<std::time::SystemTime>,
    pub sha256: Option<String>,
    /// Findings the province closed (核实与更正), kept so nothing a
    /// decision changed goes unmarked.
    pub closed: Vec<crate::decisions::Closed>,
    /// Figures the province corrected; `sub` holds the corrected values.
    pub corrections: Vec<crate::decisions::Correction>,
}

/// The roster's view of each file.
pub fn facts(files: &[FileResult]) -> Vec<crate::roster::FileFacts<'_>> {
    files
        .iter()
        .map(|f| crate::roster::FileFacts {
            name: &f.found.name,
            sub: f.sub.as_ref(),
            findings: &f.findings,
            modified: f.modified,
        })
        .collect()
}

impl FileResult {
    /// The same file with its findings passed through `f`: how a later
    /// stage adds to or marks a file's findings, taking the file and
    /// giving it back rather than editing it where it lies.
    pub fn with_findings(self, f: impl FnOnce(Vec<Finding>) -> Vec<Finding>) -> FileResult {
        FileResult { findings: f(self.findings), ..self }
    }
}

/// The form's fields of a file as read: field id → value as text.
fn figures_of(file: &FileResult, form: &spec::FormSpec) -> BTreeMap<String, String> {
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

fn input_report(file: &FileResult, city: Option<&str>, figures: BTreeMap<String, String>) -> InputReport {
    let (e, w, i) = findings::counts(&file.findings);
    InputReport {
        file: file.found.name.clone(),
        city: city.map(str::to_string),
        status: if file.sub.is_none() {
            InputStatus::Unreadable
        } else if e > 0 {
            InputStatus::Error
        } else {
            InputStatus::Ok
        },
        errors: e,
        warnings: w,
        infos: i,
        sha256: file.sha256.clone(),
        figures,
        submission: None,
    }
}
