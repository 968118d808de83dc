//! The register's rules: the province's decisions (核实与更正) applied to
//! the checked files, before the roster counts them, and the run's record
//! of what became of each ([`record`]).
//!
//! Per decision, on the file used for its city: 已核实无误 moves a warning
//! to the file's closed list; a correction (按程序计算值更正 / 更正为) puts
//! the value into a fresh reading of the file and the checks run again on
//! the corrected submission. A correction after which an error is still on
//! its figure is refused. A derived figure whose cell is a formula and
//! which is computed from a corrected input (a 支出率 next to the 元
//! figure) follows the correction, recomputed from the corrected inputs
//! whatever result the file cached, and is noted as following it; one the
//! city typed by hand stays as filed, so its check still speaks. Roster questions (SE404, SE406) are decided when
//! the roster is built (`stages::assign`, with [`is_roster_code`] and [`confirms`] from here).

use crate::decisions::{
    self, register, Action, Closed, Closure, Correction, Decision, Key, Outcome, Refusal, Register, RegisterUse, Status,
};
use crate::findings::{Code, Finding, Severity};
use crate::model::{Parsed, Submission};
use crate::spec::relation::Val;
use crate::spec::{FieldSpec, Kind};
use crate::stages::check::FileResult;
use crate::stages::Setup;
use crate::{checks, isolate, read, roster};
use rust_decimal::Decimal;
use std::path::PathBuf;

/// The files with the decisions applied, and what became of each decision.
pub struct Decided {
    pub files: Vec<FileResult>,
    pub outcomes: Vec<Outcome>,
}

/// Reads the register at `path`, if any.
pub fn load(path: Option<PathBuf>, setup: &Setup) -> RegisterUse {
    let Some(path) = path else { return RegisterUse::None };
    if !path.is_file() {
        return RegisterUse::Unusable { origin: path.display().to_string(), why: register::RegisterError::Missing };
    }
    read_use(&read::Source::File(path.clone()), &path, setup)
}

/// Reads a register given as bytes (the page's), named `name`.
pub fn load_bytes(name: &str, bytes: std::sync::Arc<[u8]>, setup: &Setup) -> RegisterUse {
    read_use(&read::Source::Memory(bytes), std::path::Path::new(name), setup)
}

/// The register from `source` (named `path`), or why it cannot be used.
fn read_use(source: &read::Source, path: &std::path::Path, setup: &Setup) -> RegisterUse {
    match register::read_source(source, path, &setup.templates.form, &setup.params) {
        Ok(r) => RegisterUse::Used(r),
        Err(e) => RegisterUse::Unusable { origin: path.display().to_string(), why: e },
    }
}

/// Codes the roster raises: decided when the roster is built.
pub fn is_roster_code(c: Code) -> bool {
    matches!(c, Code::DuplicateCity | Code::FileNameCityMismatch | Code::MissingCity)
}

/// Whether a roster finding's key has a 已核实无误 decision.
pub fn confirms(reg: Option<&Register>) -> impl Fn(&Key) -> bool + '_ {
    move |k| reg.is_some_and(|r| r.decisions.iter().any(|d| d.action == Action::Verified && &d.key == k))
}

/// Applies the register's decisions to the files used for their cities.
pub fn apply(files: Vec<FileResult>, reg: Option<&Register>, setup: &Setup) -> Decided {
    let Some(reg) = reg.filter(|r| !r.decisions.is_empty()) else {
        return Decided { files, outcomes: Vec::new() };
    };
    let used = used_cities(&files, reg, setup);
    let mut outcomes = Vec::new();
    let files: Vec<FileResult> = files
        .into_iter()
        .zip(&used)
        .map(|(f, city)| {
            let Some(city) = city else { return f };
            let mine: Vec<&Decision> =
                reg.decisions.iter().filter(|d| d.key.city == *city && !is_roster_code(d.key.code)).collect();
            if mine.is_empty() {
                return f;
            }
            let (f, o) = decide_file(f, city, &mine, setup);
            outcomes.extend(o);
            f
        })
        .collect();
    for d in reg.decisions.iter().filter(|d| !is_roster_code(d.key.code)) {
        if !outcomes.iter().any(|o: &Outcome| o.decision.row == d.row) {
            let status = gone(d, &files, &used, setup);
            outcomes.push(Outcome { decision: d.clone(), status });
        }
    }
    outcomes.sort_by_key(|o| o.decision.row);
    Decided { files, outcomes }
}

/// For each file, its city if it is the file the roster uses for it.
fn used_cities(files: &[FileResult], reg: &Register, setup: &Setup) -> Vec<Option<String>> {
    let facts = crate::stages::check::facts(files);
    let r = roster::build_with(&facts, &setup.params, &setup.templates.form, &confirms(Some(reg)));
    let mut used = vec![None; files.len()];
    for c in &r.cities {
        if let Some(slot) = c.used.and_then(|i| used.get_mut(i)) {
            *slot = Some(c.city.clone());
        }
    }
    used
}

/// A correction to make: a decision's, or one that follows it.
#[derive(Debug, Clone)]
struct Fix {
    row: u32,
    field: String,
    value: Val,
    original: String,
    /// The corrected field this one was recomputed from.
    follows: Option<String>,
    basis: String,
    clerk: String,
    date: String,
}

fn outcome(d: &Decision, status: Status) -> Outcome {
    Outcome { decision: d.clone(), status }
}

fn decide_file(mut file: FileResult, city: &str, mine: &[&Decision], setup: &Setup) -> (FileResult, Vec<Outcome>) {
    let form = &setup.templates.form;
    let mut out = Vec::new();
    let mut verify: Vec<&Decision> = Vec::new();
    let mut fixes: Vec<Fix> = Vec::new();
    let mut pending: Vec<&Decision> = mine.to_vec();
    // Every finding met on the way: what the corrections closed.
    let mut seen: Vec<Finding> = file.findings.clone();
    let mut now: Option<(Submission, Vec<Finding>)> = None;
    // A decision may answer a finding that only a correction brings out
    // (a hand-typed 支出率 beside a corrected 实际支出): each pass takes the
    // decisions the findings now answer and checks again, until a pass
    // takes no correction. Bounded: each pass takes at least one.
    for _ in 0..=mine.len() {
        let findings = now.as_ref().map(|(_, f)| f.as_slice()).unwrap_or(&file.findings);
        let taken = fixes.len();
        take(&file, findings, city, &mut pending, form, &mut fixes, &mut verify, &mut out);
        if fixes.len() == taken {
            break;
        }
        now = recheck(&file, &mut fixes, mine, setup, &mut out);
        let Some((_, findings)) = &now else { break };
        for f in findings {
            if !seen.iter().any(|s| Key::new(city, s) == Key::new(city, f)) {
                seen.push(f.clone());
            }
        }
    }
    if let Some((sub, findings)) = now {
        let keys: Vec<Key> = findings.iter().map(|f| Key::new(city, f)).collect();
        for f in seen.into_iter().filter(|f| f.severity != Severity::Info) {
            if keys.contains(&Key::new(city, &f)) {
                continue;
            }
            let fix = fixes
                .iter()
                .find(|x| f.field.as_deref() == Some(&x.field) || f.inputs.contains(&x.field))
                .or(fixes.first());
            if let Some(x) = fix {
                file.closed.push(closed(f, Closure::Corrected, x.row, &x.basis, &x.clerk, &x.date));
            }
        }
        for x in &fixes {
            file.corrections.push(correction(city, &file.found.name, x, form));
            if x.follows.is_none() {
                if let Some(d) = mine.iter().find(|d| d.row == x.row) {
                    out.push(outcome(d, Status::Applied));
                }
            }
        }
        file.findings = findings;
        file.sub = Some(sub);
    }
    for d in verify {
        let at = file.findings.iter().position(|f| f.severity != Severity::Info && Key::new(city, f) == d.key);
        match at {
            Some(i) => {
                let f = file.findings.remove(i);
                file.closed.push(closed(f, Closure::Verified, d.row, d.basis(), d.clerk(), d.date()));
                // The same question asked twice (a pair of cells): one answer.
                while let Some(j) =
                    file.findings.iter().position(|f| f.severity != Severity::Info && Key::new(city, f) == d.key)
                {
                    let f = file.findings.remove(j);
                    file.closed.push(closed(f, Closure::Verified, d.row, d.basis(), d.clerk(), d.date()));
                }
                out.push(outcome(d, Status::Applied));
            }
            None => out.push(outcome(d, Status::NotApplicable)),
        }
    }
    (file, out)
}

/// Takes from `pending` each decision that one of `findings` answers:
/// a correction becomes a fix, a confirmation waits for the final
/// findings, a return or a decision on a changed figure is settled now.
#[allow(clippy::too_many_arguments)]
fn take<'d>(
    file: &FileResult,
    findings: &[Finding],
    city: &str,
    pending: &mut Vec<&'d Decision>,
    form: &crate::spec::FormSpec,
    fixes: &mut Vec<Fix>,
    verify: &mut Vec<&'d Decision>,
    out: &mut Vec<Outcome>,
) {
    let mut left = Vec::new();
    for d in pending.drain(..) {
        let hit = findings.iter().find(|f| f.severity != Severity::Info && Key::new(city, f) == d.key);
        let Some(hit) = hit else {
            left.push(d);
            continue;
        };
        let found = hit.found.clone().unwrap_or_default();
        if d.action != Action::Returned && !decisions::same_figure(&d.cells.found, &found) {
            out.push(outcome(d, Status::CityChanged));
            continue;
        }
        let spec = form.field(&d.key.field);
        match d.action {
            Action::Returned => out.push(outcome(d, Status::Returned)),
            Action::Verified => verify.push(d),
            Action::SetTo | Action::UseComputed => {
                let value = match d.action {
                    Action::SetTo => d.value,
                    _ => hit
                        .expected
                        .as_deref()
                        .and_then(decisions::computed_value)
                        .zip(spec)
                        .and_then(|(t, s)| as_input(t, s)),
                };
                match value {
                    Some(value) => fixes.push(Fix {
                        value: Val::Num(value),
                        row: d.row,
                        field: d.key.field.clone(),
                        original: original(file, &d.key.field, hit),
                        follows: None,
                        basis: d.basis().to_string(),
                        clerk: d.clerk().to_string(),
                        date: d.date().to_string(),
                    }),
                    None => out.push(outcome(d, Status::Refused(Refusal::NoComputedValue))),
                }
            }
        }
    }
    *pending = left;
}

/// A text parsed as the field's input would be ("4.39%" → 0.0439).
fn as_input(text: &str, spec: &FieldSpec) -> Option<Decimal> {
    match crate::model::parse(&read::Value::Text(text.to_string()), spec).0 {
        Parsed::Number(d) => Some(d),
        _ => None,
    }
}

/// The figure as the city typed it.
fn original(file: &FileResult, field: &str, hit: &Finding) -> String {
    if hit.field.as_deref() == Some(field) {
        if let Some(f) = &hit.found {
            return f.clone();
        }
    }
    match file.sub.as_ref().map(|s| s.parsed(field)) {
        Some(Parsed::Number(d)) => crate::calc::fmt_num(*d),
        Some(Parsed::Text(t)) => t.clone(),
        Some(Parsed::Bad { found }) => found.clone(),
        Some(Parsed::NoCache { .. }) => "（公式，无计算结果）".to_string(),
        _ => "（空）".to_string(),
    }
}

/// A value as the field shows it: 0.0439 in a percent field is "4.39%".
pub fn shown_value(spec: Option<&FieldSpec>, d: Decimal) -> String {
    match spec.map(|s| s.kind) {
        Some(Kind::Percent) => format!("{}%", crate::calc::fmt_num(d * Decimal::ONE_HUNDRED)),
        _ => crate::calc::fmt_num(d),
    }
}

fn closed(finding: Finding, closure: Closure, row: u32, basis: &str, clerk: &str, date: &str) -> Closed {
    Closed { finding, closure, row, basis: basis.to_string(), clerk: clerk.to_string(), date: date.to_string() }
}

fn correction(city: &str, file: &str, x: &Fix, form: &crate::spec::FormSpec) -> Correction {
    let spec = form.field(&x.field);
    Correction {
        city: city.to_string(),
        file: file.to_string(),
        field: x.field.clone(),
        label: form.label(&x.field).to_string(),
        place: spec.map(|s| format!("{}!{}", s.sheet, s.cell)).unwrap_or_default(),
        original: x.original.clone(),
        value: match &x.value {
            Val::Num(n) => shown_value(spec, *n),
            Val::Text(t) => t.clone(),
        },
        row: x.row,
        follows: x.follows.clone(),
        basis: x.basis.clone(),
        clerk: x.clerk.clone(),
        date: x.date.clone(),
        // Settled by the record, once the roster has counted the city.
        in_totals: false,
        left_out: None,
    }
}

/// The file read again with `fixes` in it and checked again, until no
/// correction leaves an error on its own figure or on a formula figure
/// recomputed from it: a refused correction is taken out (and said so in
/// `out`) and the rest checked once more. The formula figures that follow
/// the corrections are added to `fixes`. `None` when no correction is left.
fn recheck(
    file: &FileResult,
    fixes: &mut Vec<Fix>,
    mine: &[&Decision],
    setup: &Setup,
    out: &mut Vec<Outcome>,
) -> Option<(Submission, Vec<Finding>)> {
    // Each pass either ends or refuses a correction: bounded by their number.
    for _ in 0..=fixes.len() {
        fixes.retain(|x| x.follows.is_none());
        if fixes.is_empty() {
            return None;
        }
        let Some((sub, findings, following)) = corrected(file, fixes, setup) else {
            for x in fixes.drain(..) {
                if let Some(d) = mine.iter().find(|d| d.row == x.row) {
                    out.push(outcome(d, Status::Refused(Refusal::Unreadable)));
                }
            }
            return None;
        };
        for f in following {
            let Some(parent) = fixes.iter().find(|x| x.field == f.follows) else { continue };
            let x = Fix { field: f.field, value: f.value, original: f.was, follows: Some(f.follows), ..parent.clone() };
            fixes.push(x);
        }
        let refused: Vec<(usize, Box<Finding>)> = fixes
            .iter()
            .enumerate()
            .filter(|(_, x)| x.follows.is_none())
            .filter_map(|(i, x)| {
                let own = |id: &str| {
                    id == x.field || fixes.iter().any(|y| y.field == id && y.follows.as_deref() == Some(&x.field))
                };
                let e =
                    findings.iter().find(|f| f.severity == Severity::Error && f.field.as_deref().is_some_and(own))?;
                Some((i, Box::new(e.clone())))
            })
            .collect();
        if refused.is_empty() {
            return Some((sub, findings));
        }
        for (i, why) in refused.iter().rev() {
            let x = fixes.remove(*i);
            if let Some(d) = mine.iter().find(|d| d.row == x.row) {
                out.push(outcome(d, Status::Refused(Refusal::ErrorRemains(why.clone()))));
            }
        }
    }
    None
}

/// The file read again, `fixes` put in, the formula figures computed from
/// them recomputed, and checked.
fn corrected(
    file: &FileResult,
    fixes: &[Fix],
    setup: &Setup,
) -> Option<(Submission, Vec<Finding>, Vec<checks::derived::Following>)> {
    let job = || {
        let raw = file.found.source.read_with(&file.found.name, read::Load::Only(&setup.needs)).ok()?;
        let mut sub = Submission::build(
            file.found.source.path_or(&file.found.name),
            file.found.name.clone(),
            raw,
            &setup.templates.form,
        );
        for x in fixes {
            let p = match &x.value {
                Val::Num(n) => Parsed::Number(*n),
                Val::Text(t) => Parsed::Text(t.clone()),
            };
            sub.values.insert(x.field.clone(), p);
            sub.notes.remove(&x.field);
        }
        let ctx = setup.ctx();
        let fixed: Vec<&str> = fixes.iter().map(|x| x.field.as_str()).collect();
        let following = checks::derived::follow(&mut sub, &ctx, &fixed);
        let mut findings = checks::run_file(&mut sub, &ctx);
        for f in &mut findings {
            f.file = file.found.name.clone();
        }
        sub.release_cells();
        Some((sub, findings, following))
    };
    isolate::isolate(job).ok().flatten()
}

/// What became of a decision whose finding is not in this run: the city
/// corrected the figure itself (地市已改正), or the question is gone.
fn gone(d: &Decision, files: &[FileResult], used: &[Option<String>], setup: &Setup) -> Status {
    let form = &setup.templates.form;
    let Some(i) = used.iter().position(|c| c.as_deref() == Some(&d.key.city)) else {
        return Status::NotApplicable;
    };
    let Some(spec) = form.field(&d.key.field) else { return Status::NotApplicable };
    let target = match d.action {
        Action::SetTo => d.value,
        Action::UseComputed => decisions::computed_value(&d.cells.computed).and_then(|t| as_input(t, spec)),
        _ => None,
    };
    let now = files.get(i).and_then(|f| f.sub.as_ref()).and_then(|s| s.num(&d.key.field));
    match (target, now) {
        (Some(t), Some(n)) if t == n => Status::CityFixed,
        _ => Status::NotApplicable,
    }
}

/// The run's 核实与更正 record: what became of each decision, what was
/// closed and corrected, what is still open, and 草稿 / 定稿. Open are the
/// errors and warnings of the files that stand for a city (or for no
/// city) and of the run; `summary`: every expected city must be counted.
pub fn record(
    register: &RegisterUse,
    outcomes: Vec<Outcome>,
    files: &[FileResult],
    run_findings: &[Finding],
    roster: &crate::roster::Roster,
    summary: bool,
) -> decisions::Record {
    let used: std::collections::HashSet<usize> = roster.cities.iter().filter_map(|c| c.used).collect();
    let counted = |i: usize| used.contains(&i) || roster.city_of_file.get(i).is_none_or(|c| c.is_none());
    let open: Vec<&Finding> = run_findings
        .iter()
        .chain(files.iter().enumerate().filter(|(i, _)| counted(*i)).flat_map(|(_, f)| f.findings.iter()))
        .filter(|f| f.severity != Severity::Info)
        .collect();
    let uncounted: Vec<(String, String)> = match summary {
        true => roster.cities.iter().filter(|c| !c.in_totals).map(|c| (c.city.clone(), c.left_out.clone())).collect(),
        false => Vec::new(),
    };
    let closed: Vec<Closed> = files.iter().flat_map(|f| f.closed.iter().cloned()).collect();
    let corrections: Vec<Correction> = files.iter().flat_map(|f| f.corrections.iter().cloned()).collect();
    decisions::Record::new(register, outcomes, closed, corrections, &open, &uncounted)
}
