//! The register's rules: the province's decisions (核实与更正) applied to
//! the files the roster uses for their cities, before it judges them, and
//! the run's record of what became of each ([`record`]).
//!
//! Per city, on the file used for it, in this order:
//!
//! 1. **Corrections** (按程序计算值更正 / 更正为) put their values into a
//!    fresh reading of the file and the checks run again on the corrected
//!    submission (`Work::correct`). A derived figure whose cell is a
//!    formula computed from a corrected input (a 支出率 next to the 元
//!    figure) follows the correction, recomputed whatever the file cached,
//!    and is noted as following it; one the city typed by hand stays as
//!    filed, so its check still speaks. A correction after which an error
//!    is still on its figure is refused, and the rest checked again.
//! 2. A decision may answer a finding that only a correction brings out
//!    (a hand-typed 支出率 beside a corrected 实际支出): rule 1 repeats on
//!    the new findings until a pass takes no correction.
//! 3. Every warning or error met on the way that the corrected file no
//!    longer has is closed as 已更正 (`Work::close_corrected`).
//! 4. **已核实无误** closes its finding on the final findings
//!    (`Work::confirm`); a finding no longer there makes it 不适用.
//! 5. **退回地市** leaves the finding open; a decision on a figure the city
//!    has since changed is not applied (地市已修改). A decision whose finding
//!    is gone is 地市已改正 when the file now holds the decided value
//!    (`gone`).
//!
//! Roster questions (SE404, SE406) are the roster's: [`super::roster`].

use crate::decisions::{
    self, Action, Closed, Closure, Correction, Decision, Key, Outcome, Refusal, Register, RegisterUse, Status,
};
use crate::findings::{Finding, Severity};
use crate::model::{Parsed, Submission};
use crate::roster::Roster;
use crate::spec::relation::Val;
use crate::spec::{FieldSpec, FormSpec, Kind};
use crate::stages::check::FileResult;
use crate::stages::Setup;
use crate::{checks, isolate, read};
use rust_decimal::Decimal;

/// The files with the decisions applied, and what became of each decision.
pub struct Decided {
    pub files: Vec<FileResult>,
    pub outcomes: Vec<Outcome>,
}

/// Applies the register's decisions to the files `roster` uses for their
/// cities (roster questions aside).
pub fn apply(files: Vec<FileResult>, roster: &Roster, reg: Option<&Register>, setup: &Setup) -> Decided {
    let Some(reg) = reg.filter(|r| !r.decisions.is_empty()) else {
        return Decided { files, outcomes: Vec::new() };
    };
    let used = roster.used_for(files.len());
    let on_files: Vec<&Decision> =
        reg.decisions.iter().filter(|d| !decisions::roster::is_roster_code(d.key.code)).collect();
    let mut outcomes = Vec::new();
    let files: Vec<FileResult> = files
        .into_iter()
        .zip(&used)
        .map(|(f, city)| {
            let Some(city) = city else { return f };
            let mine: Vec<&Decision> = on_files.iter().copied().filter(|d| d.key.city == *city).collect();
            if mine.is_empty() {
                return f;
            }
            let (f, o) = decide_file(f, city, &mine, setup);
            outcomes.extend(o);
            f
        })
        .collect();
    for d in on_files {
        if !outcomes.iter().any(|o: &Outcome| o.decision.row == d.row) {
            let status = gone(d, &files, &used, setup);
            outcomes.push(Outcome { decision: d.clone(), status });
        }
    }
    outcomes.sort_by_key(|o| o.decision.row);
    Decided { files, outcomes }
}

/// One city's decisions on the file used for it, rule by rule.
fn decide_file(mut file: FileResult, city: &str, mine: &[&Decision], setup: &Setup) -> (FileResult, Vec<Outcome>) {
    let mut work = Work::new(city, mine, &file);
    if let Some((sub, findings)) = work.correct(&file, setup) {
        work.close_corrected(&mut file, sub, findings, &setup.templates.form);
    }
    work.confirm(&mut file);
    (file, work.out)
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

/// One file's decisions as they are worked through.
struct Work<'d> {
    city: &'d str,
    mine: &'d [&'d Decision],
    /// Decisions no finding has answered yet.
    pending: Vec<&'d Decision>,
    /// Corrections taken (and the figures following them).
    fixes: Vec<Fix>,
    /// 已核实无误 decisions, closed on the final findings.
    confirm: Vec<&'d Decision>,
    /// Every finding met on the way: what the corrections closed.
    seen: Vec<Finding>,
    out: Vec<Outcome>,
}

impl<'d> Work<'d> {
    fn new(city: &'d str, mine: &'d [&'d Decision], file: &FileResult) -> Work<'d> {
        Work {
            city,
            mine,
            pending: mine.to_vec(),
            fixes: Vec::new(),
            confirm: Vec::new(),
            seen: file.findings.clone(),
            out: Vec::new(),
        }
    }

    fn settle(&mut self, d: &Decision, status: Status) {
        self.out.push(Outcome { decision: d.clone(), status });
    }

    /// The decision of `row`, if it is one of this file's.
    fn decision(&self, row: u32) -> Option<&'d Decision> {
        self.mine.iter().copied().find(|d| d.row == row)
    }

    /// Rules 1 and 2: the file corrected and checked again, as often as
    /// new findings answer further decisions. Bounded: each pass takes at
    /// least one decision. `None` when no correction stands.
    fn correct(&mut self, file: &FileResult, setup: &Setup) -> Option<(Submission, Vec<Finding>)> {
        let mut now: Option<(Submission, Vec<Finding>)> = None;
        for _ in 0..=self.mine.len() {
            let taken = self.fixes.len();
            let findings = now.as_ref().map(|(_, f)| f.as_slice()).unwrap_or(&file.findings);
            self.take(file, findings, &setup.templates.form);
            if self.fixes.len() == taken {
                break;
            }
            now = self.recheck(file, setup);
            let Some((_, findings)) = &now else { break };
            for f in findings {
                if !self.seen.iter().any(|s| Key::new(self.city, s) == Key::new(self.city, f)) {
                    self.seen.push(f.clone());
                }
            }
        }
        now
    }

    /// Takes from `pending` each decision that one of `findings` answers:
    /// a correction becomes a fix, a confirmation waits for the final
    /// findings, a return or a decision on a changed figure is settled now.
    fn take(&mut self, file: &FileResult, findings: &[Finding], form: &FormSpec) {
        for d in std::mem::take(&mut self.pending) {
            let hit = findings.iter().find(|f| f.severity != Severity::Info && Key::new(self.city, f) == d.key);
            let Some(hit) = hit else {
                self.pending.push(d);
                continue;
            };
            let found = hit.found.clone().unwrap_or_default();
            if d.action != Action::Returned && !decisions::same_figure(&d.cells.found, &found) {
                self.settle(d, Status::CityChanged);
                continue;
            }
            match d.action {
                Action::Returned => self.settle(d, Status::Returned),
                Action::Verified => self.confirm.push(d),
                Action::SetTo | Action::UseComputed => match fix_value(d, hit, form) {
                    Some(value) => self.fixes.push(Fix {
                        value: Val::Num(value),
                        row: d.row,
                        field: d.key.field.clone(),
                        original: original(file, &d.key.field, hit),
                        follows: None,
                        basis: d.basis().to_string(),
                        clerk: d.clerk().to_string(),
                        date: d.date().to_string(),
                    }),
                    None => self.settle(d, Status::Refused(Refusal::NoComputedValue)),
                },
            }
        }
    }

    /// The file read again with the fixes in it and checked again, until
    /// no correction leaves an error on its own figure or on a formula
    /// figure recomputed from it: a refused correction is taken out (and
    /// settled so) and the rest checked once more. The formula figures that
    /// follow the corrections join the fixes. `None` when none is left.
    fn recheck(&mut self, file: &FileResult, setup: &Setup) -> Option<(Submission, Vec<Finding>)> {
        // Each pass either ends or refuses a correction: bounded by their number.
        for _ in 0..=self.fixes.len() {
            self.fixes.retain(|x| x.follows.is_none());
            if self.fixes.is_empty() {
                return None;
            }
            let Some((sub, findings, following)) = corrected(file, &self.fixes, setup) else {
                for x in std::mem::take(&mut self.fixes) {
                    if let Some(d) = self.decision(x.row) {
                        self.settle(d, Status::Refused(Refusal::Unreadable));
                    }
                }
                return None;
            };
            for f in following {
                let Some(parent) = self.fixes.iter().find(|x| x.field == f.follows) else { continue };
                let x =
                    Fix { field: f.field, value: f.value, original: f.was, follows: Some(f.follows), ..parent.clone() };
                self.fixes.push(x);
            }
            let refused = refused(&self.fixes, &findings);
            if refused.is_empty() {
                return Some((sub, findings));
            }
            for (i, why) in refused.into_iter().rev() {
                let x = self.fixes.remove(i);
                if let Some(d) = self.decision(x.row) {
                    self.settle(d, Status::Refused(Refusal::ErrorRemains(why)));
                }
            }
        }
        None
    }

    /// Rule 3: the corrected file stands; each finding met on the way that
    /// it no longer has is closed by the correction it is about (else the
    /// first), and every correction is recorded.
    fn close_corrected(&mut self, file: &mut FileResult, sub: Submission, findings: Vec<Finding>, form: &FormSpec) {
        let city = self.city;
        let keys: Vec<Key> = findings.iter().map(|f| Key::new(city, f)).collect();
        for f in std::mem::take(&mut self.seen).into_iter().filter(|f| f.severity != Severity::Info) {
            if keys.contains(&Key::new(city, &f)) {
                continue;
            }
            let fix = self
                .fixes
                .iter()
                .find(|x| f.field.as_deref() == Some(&x.field) || f.inputs.contains(&x.field))
                .or(self.fixes.first());
            if let Some(x) = fix {
                file.closed.push(closed(f, Closure::Corrected, x.row, &x.basis, &x.clerk, &x.date));
            }
        }
        for x in std::mem::take(&mut self.fixes) {
            file.corrections.push(correction(city, &file.found.name, &x, form));
            if x.follows.is_none() {
                if let Some(d) = self.decision(x.row) {
                    self.settle(d, Status::Applied);
                }
            }
        }
        file.findings = findings;
        file.sub = Some(sub);
    }

    /// Rule 4: each 已核实无误 closes its finding (both cells of a pair
    /// asked the same question: one answer), or is 不适用 when it is gone.
    fn confirm(&mut self, file: &mut FileResult) {
        let city = self.city;
        for d in std::mem::take(&mut self.confirm) {
            let answers = |f: &Finding| f.severity != Severity::Info && Key::new(city, f) == d.key;
            let (mine, rest): (Vec<Finding>, Vec<Finding>) =
                std::mem::take(&mut file.findings).into_iter().partition(answers);
            file.findings = rest;
            if mine.is_empty() {
                self.settle(d, Status::NotApplicable);
                continue;
            }
            for f in mine {
                file.closed.push(closed(f, Closure::Verified, d.row, d.basis(), d.clerk(), d.date()));
            }
            self.settle(d, Status::Applied);
        }
    }
}

/// The corrections (not the figures following them) after which an error
/// is still on their own figure or a figure following them, with the error.
fn refused(fixes: &[Fix], findings: &[Finding]) -> Vec<(usize, Box<Finding>)> {
    fixes
        .iter()
        .enumerate()
        .filter(|(_, x)| x.follows.is_none())
        .filter_map(|(i, x)| {
            let own = |id: &str| {
                id == x.field || fixes.iter().any(|y| y.field == id && y.follows.as_deref() == Some(&x.field))
            };
            let e = findings.iter().find(|f| f.severity == Severity::Error && f.field.as_deref().is_some_and(own))?;
            Some((i, Box::new(e.clone())))
        })
        .collect()
}

/// The value a correction puts in: 更正为's, or the computed value the
/// finding `hit` states, parsed as the field's input.
fn fix_value(d: &Decision, hit: &Finding, form: &FormSpec) -> Option<Decimal> {
    match d.action {
        Action::SetTo => d.value,
        _ => hit
            .expected
            .as_deref()
            .and_then(decisions::computed_value)
            .zip(form.field(&d.key.field))
            .and_then(|(t, s)| as_input(t, s)),
    }
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
