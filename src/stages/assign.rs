//! Which file stands for which city (the roster), its findings given to
//! the files they are about, and the figures of the cities counted.

use super::check::FileResult;
use super::Setup;
use crate::consolidate::{self, ProvinceSummary};
use crate::error::Result;
use crate::findings::Finding;
use crate::model::Submission;
use crate::roster::{self, Roster};

/// The files with their cities, and the roster that decided them.
pub struct Assigned {
    pub files: Vec<FileResult>,
    pub roster: Roster,
}

/// The roster of `files`: each file comes out with its city on every
/// finding and the roster's findings about it (SE404, SE406) added.
pub fn cities(files: Vec<FileResult>, setup: &Setup) -> Assigned {
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
    let mut about: Vec<Vec<Finding>> = files.iter().map(|_| Vec::new()).collect();
    for (i, f) in &roster.file_findings {
        if let Some(list) = about.get_mut(*i) {
            list.push(f.clone());
        }
    }
    let files = files
        .into_iter()
        .zip(about)
        .zip(&roster.city_of_file)
        .map(|((file, about), city)| {
            file.with_findings(|fs| fs.into_iter().chain(about).map(|f| Finding { city: city.clone(), ..f }).collect())
        })
        .collect();
    Assigned { files, roster }
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
