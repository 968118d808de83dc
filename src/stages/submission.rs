//! The rest of each city's submission, after the roster has said which
//! form stands for the city: its files gathered, its 自评报告 read and
//! compared with that form, a missing part said ([`crate::submission`]).
//!
//! The findings are the city's and go to its form's file, so they reach
//! its 校验报告 and count in 报送情况 like any other; they never keep its
//! figures out of the totals (a missing report is no wrong figure).

use super::check::FileResult;
use super::Setup;
use crate::findings::{Finding, Severity};
use crate::roster::Roster;
use crate::scan::Found;
use crate::submission::{self, PartKind};

/// The files passed over that are a city's report or evidence: their SE005
/// is dropped, since they are read as what they are.
pub struct Gathered {
    pub files: Vec<FileResult>,
    pub recognised: Vec<String>,
}

/// Each city's submission checked and listed on its roster entry.
/// `province` says this is the province's run: a city that sent no report
/// or evidence is told so there, when the batch holds any report or
/// evidence at all (a batch of forms alone was collected as forms; a city
/// checking its own form is not told what else to send).
pub fn attach(
    mut files: Vec<FileResult>,
    roster: &mut Roster,
    others: &[Found],
    setup: &Setup,
    province: bool,
) -> Gathered {
    let Some(spec) = &setup.templates.submission else {
        return Gathered { files, recognised: Vec::new() };
    };
    // A city's own check (one form) takes the reports that name no city
    // as its own; the province's run assigns by names alone.
    let with_form: Vec<&str> = roster.cities.iter().filter(|c| c.used.is_some()).map(|c| c.city.as_str()).collect();
    let fallback = match (province, with_form.as_slice()) {
        (false, [only]) => Some(only.to_string()),
        _ => None,
    };
    let gathered = submission::gather(others, &setup.params, spec, fallback.as_deref());
    let any_part = gathered.iter().any(|(_, parts)| parts.iter().any(|(_, k)| *k != PartKind::Other));
    let missing_parts = province && any_part;
    let mut recognised = Vec::new();
    for (city, parts) in &gathered {
        recognised.extend(parts.iter().filter(|(_, k)| *k != PartKind::Other).map(|(f, _)| f.name.clone()));
        let Some(entry) = roster.cities.iter_mut().find(|c| c.city == *city) else { continue };
        let used = entry.used.filter(|i| *i < files.len());
        let sub = used.and_then(|i| files[i].sub.as_ref());
        let (received, found) = submission::check(city, parts, sub, spec, &setup.ctx());
        entry.submission = (!received.parts.is_empty()).then_some(received);
        let Some(i) = used else { continue };
        let name = files[i].found.name.clone();
        let found: Vec<Finding> = found
            .into_iter()
            .filter(|f| missing_parts || !is_missing_part(f))
            .map(|f| Finding { file: name.clone(), city: Some(city.clone()), ..f })
            .collect();
        let count = |s: Severity| found.iter().filter(|f| f.severity == s).count();
        entry.add_submission_counts(count(Severity::Error), count(Severity::Warning));
        files[i].findings.extend(found);
    }
    Gathered { files, recognised }
}

impl Gathered {
    /// The scan's findings, less the SE005 of files read as a city's
    /// report or evidence (they were not passed over).
    pub fn scan_findings(&self, scanned: &[Finding]) -> Vec<Finding> {
        let read_as_part =
            |f: &Finding| f.code == crate::findings::Code::ForeignFile && self.recognised.contains(&f.file);
        scanned.iter().filter(|f| !read_as_part(f)).cloned().collect()
    }
}

fn is_missing_part(f: &Finding) -> bool {
    matches!(f.code, crate::findings::Code::ReportMissing | crate::findings::Code::EvidenceMissing)
}
