//! Resubmission rounds: this run against the previous result. The
//! province sends the feedback back, cities correct and resubmit, and the
//! clerk runs again; this module says, per city, which problems were
//! fixed, which remain, which are new, which figures changed, and whether
//! the file was sent again at all.
//!
//! The previous round is an earlier result folder (its report.json),
//! found beside the input by name (`<名称>_校验结果_*`, the latest) or
//! named with `--previous`. It is only ever read. Findings are matched by
//! code and field (or sheet and cell for findings on no field), never by
//! message text, so a reworded message is the same finding.

use crate::findings::{Finding, Severity};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The part of an earlier report.json a comparison needs.
#[derive(Debug, Clone, Deserialize)]
pub struct PrevReport {
    pub tool: String,
    pub generated_at: String,
    /// Absent in reports of selfeval before rounds existed.
    pub round: Option<u32>,
    pub inputs: Vec<PrevInput>,
    #[serde(default)]
    pub cities: Option<Vec<PrevCity>>,
    pub findings: Vec<PrevFinding>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PrevInput {
    pub file: String,
    pub city: Option<String>,
    pub sha256: Option<String>,
    #[serde(default)]
    pub figures: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PrevCity {
    pub city: String,
    pub status: String,
    pub file: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PrevFinding {
    pub severity: Severity,
    pub code: String,
    pub file: String,
    pub city: Option<String>,
    pub sheet: Option<String>,
    pub cell: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    pub message: String,
}

/// A previous round, read.
#[derive(Debug, Clone)]
pub struct Previous {
    pub folder: PathBuf,
    pub report: PrevReport,
    /// SHA-256 of its report.json (the fingerprint's `previous`).
    pub sha256: String,
}

impl Previous {
    pub fn round(&self) -> u32 {
        self.report.round.unwrap_or(1)
    }
}

/// What looking for the previous round found.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// No earlier result, or `--no-previous`: this is round 1.
    None,
    Found(Previous),
    /// An earlier result that cannot be compared with: said in one line,
    /// and this run is a first round.
    Unusable {
        folder: PathBuf,
        why: PrevError,
    },
}

/// Why an earlier result cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrevError {
    #[error("没有 report.json")]
    NoReport,
    #[error("report.json 已损坏或不是本程序生成的")]
    Damaged,
    #[error("由较早版本的 selfeval 生成，缺少比较所需的信息")]
    OlderVersion,
}

/// Reads an earlier result folder (never writes to it).
pub fn read_previous(folder: &Path) -> Result<Previous, PrevError> {
    let bytes = std::fs::read(folder.join("report.json")).map_err(|_| PrevError::NoReport)?;
    previous_from_bytes(folder, &bytes)
}

/// A previous round from its report.json's bytes (the page's dropped
/// results folder); `folder` is its name.
pub fn previous_from_bytes(folder: &Path, bytes: &[u8]) -> Result<Previous, PrevError> {
    let text = std::str::from_utf8(bytes).map_err(|_| PrevError::Damaged)?;
    let report: PrevReport = serde_json::from_str(text).map_err(|_| PrevError::Damaged)?;
    if report.tool != "selfeval" {
        return Err(PrevError::Damaged);
    }
    if report.round.is_none() || report.inputs.iter().any(|i| i.sha256.is_none()) {
        return Err(PrevError::OlderVersion);
    }
    let sha256 = crate::read::sha256_hex(text.as_bytes());
    Ok(Previous { folder: folder.to_path_buf(), report, sha256 })
}

/// The previous round for a run on `input` writing to `out`: `explicit`
/// if given, else the latest `<名称>_校验结果_*` beside the input.
pub fn find(input: &Path, out: &Path, explicit: Option<&Path>, disabled: bool) -> Lookup {
    if disabled {
        return Lookup::None;
    }
    let judge = |folder: PathBuf| match read_previous(&folder) {
        Ok(p) => Lookup::Found(p),
        Err(why) => Lookup::Unusable { folder, why },
    };
    if let Some(p) = explicit {
        return judge(p.to_path_buf());
    }
    let abs = std::path::absolute(input).unwrap_or_else(|_| input.to_path_buf());
    let Some(parent) = abs.parent() else { return Lookup::None };
    let base = abs.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    let prefix = format!("{base}_校验结果_");
    let out_abs = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let mut earlier: Vec<PathBuf> = std::fs::read_dir(parent)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                // A folder with no report.json yet is another run still
                // writing (or one that wrote nothing): not a result.
                .filter(|p| p.is_dir() && *p != out_abs && p.join("report.json").is_file())
                .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&prefix)))
                .collect()
        })
        .unwrap_or_default();
    earlier.sort_by_key(|p| stamp_key(&p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()));
    match earlier.pop() {
        Some(p) => judge(p),
        None => Lookup::None,
    }
}

/// How results folders are ordered: by the stamp in the name
/// (…_20251201-093000, then -2, -3 … for runs in the same second).
pub fn stamp_key(name: &str) -> (String, u32) {
    match name.rsplit_once('-') {
        Some((a, b)) if b.len() <= 3 && b.chars().all(|c| c.is_ascii_digit()) => {
            (a.to_string(), b.parse().unwrap_or(0))
        }
        _ => (name.to_string(), 0),
    }
}

/// How a finding is recognised from one round to the next.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Key {
    /// The city, or the file name for a file filed under no city.
    pub subject: String,
    pub code: String,
    /// The field id, else "sheet!cell", else "".
    pub spot: String,
}

fn spot(field: &Option<String>, sheet: &Option<String>, cell: &Option<String>) -> String {
    match (field, sheet, cell) {
        (Some(f), _, _) => f.clone(),
        (None, Some(s), Some(c)) => format!("{s}!{c}"),
        (None, Some(s), None) => s.clone(),
        _ => String::new(),
    }
}

/// The key of a finding of this run.
pub fn key_of(f: &Finding) -> Key {
    Key {
        subject: f.city.clone().unwrap_or_else(|| f.file.clone()),
        code: f.code.id().to_string(),
        spot: spot(&f.field, &f.sheet, &f.cell.map(|c| c.to_string())),
    }
}

fn key_of_prev(f: &PrevFinding) -> Key {
    Key {
        subject: f.city.clone().unwrap_or_else(|| f.file.clone()),
        code: f.code.clone(),
        spot: spot(&f.field, &f.sheet, &f.cell),
    }
}

/// A finding of the previous round that is gone.
#[derive(Debug, Clone, Serialize)]
pub struct Fixed {
    pub city: Option<String>,
    pub file: String,
    pub code: String,
    pub field: Option<String>,
    pub sheet: Option<String>,
    pub cell: Option<String>,
    pub message: String,
}

/// A figure that changed since the previous round.
#[derive(Debug, Clone, Serialize)]
pub struct FigureChange {
    pub field: String,
    pub label: String,
    pub old: String,
    pub new: String,
}

/// One city's (or unfiled file's) change since the previous round.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SubjectChange {
    /// "replaced", "unchanged" (same content: 未重新报送), "newly_received",
    /// "newly_missing", "still_missing", or "" when nothing to say.
    pub file: String,
    pub fixed: Vec<Fixed>,
    pub persisting: usize,
    pub new: usize,
    /// Of those, the errors (what must be fixed before the city counts).
    pub persisting_errors: usize,
    pub new_errors: usize,
    pub figures: Vec<FigureChange>,
    /// Findings the province closed this round (核实与更正): not fixed by
    /// the city, and not open either.
    pub decided: usize,
    /// A short line for tables: "已修正 2 个，新出现 1 个；改动 3 个数字".
    pub line: String,
}

/// This run against the previous one.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub folder: String,
    pub generated_at: String,
    /// This run's round number.
    pub round: u32,
    pub previous_round: u32,
    pub subjects: BTreeMap<String, SubjectChange>,
    pub fixed: Vec<Fixed>,
    /// For the batch: "本轮：3 个地市已全部修正，2 个仍需修改，1 个新出现问题".
    pub batch_line: String,
    #[serde(skip)]
    prev_keys: BTreeSet<Key>,
    /// The previous result's folder name and report.json digest.
    #[serde(skip)]
    pub fingerprint_part: crate::fingerprint::PreviousPart,
}

/// What this run knows of one file, for the comparison.
pub struct CurInput<'a> {
    pub file: &'a str,
    pub subject: String,
    pub sha256: Option<&'a str>,
    pub figures: &'a BTreeMap<String, String>,
    /// Whether this file stands for its subject (the one used).
    pub used: bool,
}

/// Compares this run (`inputs`, `findings`, each expected city's status
/// when summarising) with the previous round; marks each finding of this
/// run `new` or `persisting`.
pub fn compare(
    prev: &Previous,
    inputs: &[CurInput],
    findings: &[&Finding],
    decided: &[&Finding],
    statuses: Option<&[(String, bool)]>,
    label_of: &dyn Fn(&str) -> String,
) -> Comparison {
    let counted = |f: &Severity| *f != Severity::Info;
    let prev_keys: BTreeMap<Key, &PrevFinding> =
        prev.report.findings.iter().filter(|f| counted(&f.severity)).map(|f| (key_of_prev(f), f)).collect();
    let cur_keys: BTreeSet<Key> = findings.iter().filter(|f| counted(&f.severity)).map(|f| key_of(f)).collect();
    let mut subjects: BTreeMap<String, SubjectChange> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.severity != Severity::Info) {
        let k = key_of(f);
        let persisting = prev_keys.contains_key(&k);
        let s = subjects.entry(k.subject.clone()).or_default();
        let error = f.severity == Severity::Error;
        if persisting {
            s.persisting += 1;
            s.persisting_errors += usize::from(error);
        } else {
            s.new += 1;
            s.new_errors += usize::from(error);
        }
    }
    let decided_keys: BTreeSet<Key> = decided.iter().map(|f| key_of(f)).collect();
    for k in &decided_keys {
        subjects.entry(k.subject.clone()).or_default().decided += 1;
    }
    let mut fixed = Vec::new();
    for (k, f) in &prev_keys {
        if !cur_keys.contains(k) && !decided_keys.contains(k) {
            let x = Fixed {
                city: f.city.clone(),
                file: f.file.clone(),
                code: f.code.clone(),
                field: f.field.clone(),
                sheet: f.sheet.clone(),
                cell: f.cell.clone(),
                message: f.message.clone(),
            };
            subjects.entry(k.subject.clone()).or_default().fixed.push(x.clone());
            fixed.push(x);
        }
    }
    files_and_figures(prev, inputs, label_of, &mut subjects);
    if let Some(now) = statuses {
        received(now, prev, &mut subjects);
    }
    for s in subjects.values_mut() {
        s.line = line(s);
    }
    let batch_line = batch_line(&subjects, statuses);
    let previous_round = prev.round();
    Comparison {
        fingerprint_part: crate::fingerprint::PreviousPart {
            folder: prev.folder.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
            sha256: prev.sha256.clone(),
        },
        folder: prev.folder.display().to_string(),
        generated_at: prev.report.generated_at.clone(),
        round: previous_round + 1,
        previous_round,
        subjects,
        fixed,
        batch_line,
        prev_keys: prev_keys.into_keys().collect(),
    }
}

/// Files and figures: the file used for each subject now against the one
/// used then (or the only one), and each figure that changed.
fn files_and_figures(
    prev: &Previous,
    inputs: &[CurInput],
    label_of: &dyn Fn(&str) -> String,
    subjects: &mut BTreeMap<String, SubjectChange>,
) {
    let prev_used: BTreeMap<String, &PrevInput> = prev
        .report
        .inputs
        .iter()
        .filter(|i| {
            let subject = i.city.clone().unwrap_or_else(|| i.file.clone());
            match &prev.report.cities {
                Some(cs) => cs
                    .iter()
                    .find(|c| c.city == subject)
                    .map(|c| c.file.as_deref() == Some(i.file.as_str()))
                    .unwrap_or(true),
                None => true,
            }
        })
        .map(|i| (i.city.clone().unwrap_or_else(|| i.file.clone()), i))
        .collect();
    for cur in inputs.iter().filter(|i| i.used) {
        let s = subjects.entry(cur.subject.clone()).or_default();
        match prev_used.get(&cur.subject) {
            None => s.file = "newly_received".into(),
            Some(p) => {
                s.file = if p.sha256.as_deref() == cur.sha256 { "unchanged".into() } else { "replaced".into() };
                for (field, new) in cur.figures {
                    if let Some(old) = p.figures.get(field) {
                        if old != new {
                            s.figures.push(FigureChange {
                                field: field.clone(),
                                label: label_of(field),
                                old: old.clone(),
                                new: new.clone(),
                            });
                        }
                    }
                }
            }
        }
    }
}

/// A city received then and missing now, or missing both times.
fn received(now: &[(String, bool)], prev: &Previous, subjects: &mut BTreeMap<String, SubjectChange>) {
    let Some(then) = &prev.report.cities else { return };
    for (city, received) in now {
        let was = then.iter().find(|c| &c.city == city).is_some_and(|c| c.status != "not_received");
        let s = subjects.entry(city.clone()).or_default();
        match (was, *received) {
            (true, false) => s.file = "newly_missing".into(),
            (false, false) => s.file = "still_missing".into(),
            _ => {}
        }
    }
}

impl Comparison {
    /// Marks a finding of this run new or persisting.
    pub fn marked(&self, f: Finding) -> Finding {
        if f.severity == Severity::Info {
            return f;
        }
        let persisting = self.prev_keys.contains(&key_of(&f));
        let change = if persisting { crate::findings::Change::Persisting } else { crate::findings::Change::New };
        Finding { change: Some(change), ..f }
    }

    /// The change of one city (or unfiled file).
    pub fn of(&self, subject: &str) -> Option<&SubjectChange> {
        self.subjects.get(subject)
    }
}

/// "未重新报送；仍有 2 个问题" style line for one subject.
fn line(s: &SubjectChange) -> String {
    let mut parts = Vec::new();
    match s.file.as_str() {
        "unchanged" => parts.push("未重新报送（文件与上次相同）".to_string()),
        "newly_received" => parts.push("本次新收到".to_string()),
        "newly_missing" => parts.push("上次收到，本次未收到".to_string()),
        "still_missing" => parts.push("仍未报送".to_string()),
        _ => {}
    }
    if !s.fixed.is_empty() {
        parts.push(format!("已修正 {} 个", s.fixed.len()));
    }
    if s.persisting > 0 {
        parts.push(format!("仍存在 {} 个", s.persisting));
    }
    if s.new > 0 {
        parts.push(format!("新出现 {} 个", s.new));
    }
    if !s.figures.is_empty() {
        parts.push(format!("改动了 {} 个数字", s.figures.len()));
    }
    if s.decided > 0 {
        parts.push(format!("省级核实或更正 {} 个", s.decided));
    }
    if parts.is_empty() {
        "无变化".to_string()
    } else {
        parts.join("，")
    }
}

/// One line for the batch.
fn batch_line(subjects: &BTreeMap<String, SubjectChange>, statuses: Option<&[(String, bool)]>) -> String {
    let expected: Option<BTreeSet<&str>> = statuses.map(|s| s.iter().map(|(c, _)| c.as_str()).collect());
    let in_scope = |name: &str| expected.as_ref().is_none_or(|e| e.contains(name));
    // Errors are what must be fixed; warnings are for the city to confirm.
    let all_fixed = subjects
        .iter()
        .filter(|(n, s)| in_scope(n) && !s.fixed.is_empty() && s.persisting_errors == 0 && s.new_errors == 0)
        .count();
    let still = subjects.iter().filter(|(n, s)| in_scope(n) && s.persisting_errors > 0).count();
    let fresh = subjects.iter().filter(|(n, s)| in_scope(n) && s.new_errors > 0).count();
    let unsent =
        subjects.iter().filter(|(n, s)| in_scope(n) && s.file == "unchanged" && s.persisting_errors > 0).count();
    let mut parts = vec![format!("{all_fixed} 个地市已全部修正"), format!("{still} 个仍需修改")];
    if fresh > 0 {
        parts.push(format!("{fresh} 个出现新错误"));
    }
    if unsent > 0 {
        parts.push(format!("其中 {unsent} 个未重新报送"));
    }
    format!("本轮：{}", parts.join("，"))
}

#[cfg(test)]
mod tests;
