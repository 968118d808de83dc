//! Which file stands for which city (the roster), its findings given to
//! the files they are about, and the figures of the cities counted.

use super::check::FileResult;
use super::Setup;
use crate::consolidate::{self, ProvinceSummary};
use crate::error::Result;
use crate::model::Submission;
use crate::roster::{self, Roster};

/// The roster of `files`; its per-file findings (SE404, SE406) are added
/// to their files and every file's findings get its city.
pub fn cities(files: &mut [FileResult], setup: &Setup) -> Roster {
    let facts: Vec<roster::FileFacts> = files
        .iter()
        .map(|f| roster::FileFacts {
            name: &f.found.name,
            sub: f.sub.as_ref(),
            findings: &f.findings,
            modified: f.modified,
        })
        .collect();
    let roster = roster::build(&facts, &setup.params, &setup.ctx().loc("info.city"));
    drop(facts);
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
    roster
}

/// The province's figures over the cities the roster counts.
pub fn consolidate(files: &[FileResult], roster: &Roster, setup: &Setup) -> Result<ProvinceSummary> {
    let used: Vec<Option<&Submission>> = roster
        .cities
        .iter()
        .map(|c| c.used.filter(|_| c.in_totals).and_then(|i| files.get(i)).and_then(|f| f.sub.as_ref()))
        .collect();
    Ok(consolidate::consolidate(&used, roster, &setup.params, &setup.templates.form)?)
}
