//! The page's runs, on files in memory: a city clerk's check of one
//! workbook (地市自查) and the province's whole run (省级汇总). Both are
//! `run_plan` on an in-memory plan with a memory sink: the same stages and
//! writers as `selfeval check` and `selfeval run`, no second
//! implementation.

use crate::plan::{Make, Plan};
use crate::stages::run::{run_plan, RunOutcome};
use crate::stages::{Setup, Silent};
use crate::write::sink::Memory;
use crate::{error, findings::Finding, rounds, scan, write};
use std::path::Path;
use std::sync::Arc;

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
    /// The city's other files checked with it (自评报告, 佐证材料).
    pub submission: Option<crate::submission::Received>,
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

impl MemoryOutcome {
    /// A run that could not be made, as a report.json saying why.
    fn failed(e: &error::Error) -> MemoryOutcome {
        let json = serde_json::json!({ "error": e.to_string() });
        MemoryOutcome { report_json: json.to_string().into_bytes(), files: Vec::new(), findings: Vec::new() }
    }
}

/// `selfeval check` on files given as bytes, needing no file system,
/// clock or threads: the browser page's job. The same stages as
/// [`crate::stages::run::run_with`] with no 核实与更正 register and no previous round (a
/// clerk's own check is round 1); `now` is the host's clock.
pub fn check_memory(
    inputs: Vec<(String, Arc<[u8]>)>,
    setup: &Arc<Setup>,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> MemoryOutcome {
    let plan = Plan::in_memory(setup.clone(), now);
    let sink = Memory::default();
    let scanned = scan::scan_memory(inputs);
    // In memory nothing can fail to be written, and a check makes no
    // summary: the only errors a run returns cannot occur.
    let outcome = match run_plan(&plan, &scanned, &sink, &Silent) {
        Ok(o) => o,
        Err(e) => return MemoryOutcome::failed(&e),
    };
    let mut stored = sink.files();
    let mut take = |name: &str| {
        let at = stored.iter().position(|(n, _)| n == name)?;
        Some(stored.swap_remove(at).1)
    };
    let report_json = take("report.json").unwrap_or_default();
    let files = outcome
        .inputs
        .iter()
        .zip(&outcome.feedback)
        .map(|(input, names)| {
            let mut made: Vec<(String, Vec<u8>)> =
                names.iter().filter_map(|n| Some((n.rsplit('/').next().unwrap_or(n).to_string(), take(n)?))).collect();
            // The 校验报告 is written last, after the 标注副本.
            let report = made.pop();
            MemoryFile {
                name: input.file.clone(),
                city: input.city.clone(),
                findings: outcome.findings.iter().filter(|f| f.file == input.file).cloned().collect(),
                submission: input.submission.clone(),
                feedback: report.map(|report| write::feedback::Made {
                    report,
                    annotated: made.pop(),
                    added: Vec::new(),
                }),
            }
        })
        .collect();
    MemoryOutcome { report_json, files, findings: outcome.findings }
}

/// The province's run in memory: its outputs, exactly the files
/// `selfeval run` writes into its results folder, by the same names.
pub struct MemoryRun {
    pub outcome: RunOutcome,
    /// (name in the results folder, bytes), in the folder's order.
    pub files: Vec<(String, Vec<u8>)>,
    /// The materials folder's name ("" for loose files): the zip is named after it.
    pub folder: String,
    /// The earlier results folder compared with, if one was found.
    pub previous: Option<String>,
    /// The 核实与更正 register applied (its name), if any.
    pub register: Option<String>,
}

/// `selfeval run` on dropped files (by relative path): the materials and,
/// if the set holds one, an earlier results folder (the latest, by its
/// name's stamp as the CLI orders them) whose report.json is the previous
/// round and whose 核实与更正.xlsx the register, unless `register` is
/// given (the page's second picker, as `--decisions`).
pub fn run_memory(
    dropped: Vec<(String, Arc<[u8]>)>,
    register: Option<(String, Arc<[u8]>)>,
    setup: &Arc<Setup>,
    now: chrono::DateTime<chrono::FixedOffset>,
    progress: &dyn crate::stages::Progress,
) -> error::Result<MemoryRun> {
    let scan::Dropped { scan, folder, mut results } = scan::scan_dropped(dropped);
    results.sort_by_key(|r| rounds::stamp_key(r.name.rsplit('/').next().unwrap_or(&r.name)));
    let latest = results.pop();
    let previous = match &latest {
        Some(r) => match rounds::previous_from_bytes(Path::new(&r.name), &r.report) {
            Ok(p) => rounds::Lookup::Found(p),
            Err(why) => rounds::Lookup::Unusable { folder: r.name.clone().into(), why },
        },
        None => rounds::Lookup::None,
    };
    let named = match (register, &latest) {
        (Some((name, bytes)), _) => Some((name, bytes)),
        (None, Some(r)) => r.register.clone().map(|b| (format!("{}/{}", r.name, crate::decisions::REGISTER_FILE), b)),
        (None, None) => None,
    };
    let register_use = match &named {
        Some((name, bytes)) => crate::decisions::register::load_bytes(name, bytes.clone(), setup),
        None => crate::decisions::RegisterUse::None,
    };
    let plan = Plan {
        previous,
        register: register_use,
        make: Make { summary: true, feedback: true, draft: true, final_only: false },
        ..Plan::in_memory(setup.clone(), now)
    };
    let sink = Memory::default();
    let outcome = run_plan(&plan, &scan, &sink, progress)?;
    Ok(MemoryRun {
        outcome,
        files: sink.files(),
        folder,
        previous: latest.map(|r| r.name),
        register: named.map(|(n, _)| n),
    })
}
