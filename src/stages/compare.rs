//! This round against the previous one: found beside the inputs (or
//! named), compared by file, city, finding and figure; every finding is
//! marked 新出现 / 仍存在.

use super::check::FileResult;
use super::Setup;
use crate::findings::Finding;
use crate::roster::{self, Roster};
use crate::rounds;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// The files and run findings marked 新出现 / 仍存在 against the previous
/// round, with the comparison (if a previous round was found and usable)
/// and the previous result that could not be used, with why.
pub struct Compared {
    pub files: Vec<FileResult>,
    pub run_findings: Vec<Finding>,
    pub comparison: Option<rounds::Comparison>,
    pub unusable: Option<(PathBuf, rounds::PrevError)>,
}

/// What the comparison is made from: this round's files and run findings
/// with the figures each file holds, and its roster.
pub struct Round<'a> {
    pub files: Vec<FileResult>,
    pub run_findings: Vec<Finding>,
    pub roster: &'a Roster,
    pub figures: &'a [BTreeMap<String, String>],
    /// A `run` (the cities' statuses are compared too), not a `check`.
    pub summary: bool,
}

/// This round against the previous one the plan found.
pub fn with_previous(lookup: &rounds::Lookup, round: Round, setup: &Setup) -> Compared {
    let Round { files, run_findings, roster, figures, summary } = round;
    let (previous, unusable) = match lookup {
        rounds::Lookup::Found(p) => (Some(p), None),
        rounds::Lookup::Unusable { folder, why } => (None, Some((folder.clone(), why.clone()))),
        rounds::Lookup::None => (None, None),
    };
    let form = &setup.templates.form;
    let comparison = previous.as_ref().map(|prev| {
        let subject = |i: usize| roster.city_of_file[i].clone().unwrap_or_else(|| files[i].found.name.clone());
        let used: BTreeSet<usize> = roster.cities.iter().filter_map(|c| c.used).collect();
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
        let label = |id: &str| form.field(id).map(|f| f.label.text.clone()).unwrap_or_else(|| id.to_string());
        let decided: Vec<&Finding> = files.iter().flat_map(|f| f.closed.iter().map(|c| &c.finding)).collect();
        rounds::compare(prev, &cur, &all, &decided, summary.then_some(statuses.as_slice()), &label)
    });
    let Some(c) = &comparison else {
        return Compared { files, run_findings, comparison, unusable };
    };
    let marked = |fs: Vec<Finding>| fs.into_iter().map(|f| c.marked(f)).collect::<Vec<_>>();
    let run_findings = marked(run_findings);
    let files = files.into_iter().map(|f| f.with_findings(marked)).collect();
    Compared { files, run_findings, comparison, unusable }
}
