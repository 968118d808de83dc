//! Which file stands for which city (the roster): filed once before the
//! province's decisions, judged after them; its findings given to the
//! files they are about, and the figures of the cities counted.

use super::check::FileResult;
use super::Setup;
use crate::consolidate::{self, ProvinceSummary};
use crate::decisions::{self, Closure, Outcome, Register};
use crate::error::Result;
use crate::findings::Finding;
use crate::model::Submission;
use crate::roster::{self, Roster};

/// The files with their cities, the roster that decided them, and what
/// became of the register's decisions on roster questions (SE404, SE406).
pub struct Assigned {
    pub files: Vec<FileResult>,
    pub roster: Roster,
    pub outcomes: Vec<Outcome>,
}

/// Which file stands for which city: filed once, from the checked files,
/// before the province's decisions are applied to the files it uses.
pub fn file(files: &[FileResult], setup: &Setup, reg: Option<&Register>) -> Roster {
    let facts = super::check::facts(files);
    roster::file(&facts, &setup.params, &setup.templates.form, &decisions::roster::confirms(reg))
}

/// The roster judged on the decided `files`: each file comes out with its
/// city on every finding and the roster's findings about it (SE404, SE406)
/// added; those the register confirms go to the file's closed list instead.
pub fn cities(files: Vec<FileResult>, mut roster: Roster, setup: &Setup, reg: Option<&Register>) -> Assigned {
    roster.judge(&super::check::facts(&files), &setup.templates.form);
    let decisions::roster::Settled { closed, outcomes } = decisions::roster::settle(&roster, files.len(), reg);
    let mut about: Vec<Vec<Finding>> = vec![Vec::new(); files.len()];
    for (i, f) in &roster.file_findings {
        if let Some(list) = about.get_mut(*i) {
            list.push(f.clone());
        }
    }
    let files: Vec<FileResult> = files
        .into_iter()
        .zip(about)
        .zip(closed)
        .zip(&roster.city_of_file)
        .map(|(((mut file, about), confirmed), city)| {
            for c in &mut file.closed {
                c.finding.city = city.clone();
            }
            file.closed.extend(confirmed);
            file.with_findings(|fs| fs.into_iter().chain(about).map(|f| Finding { city: city.clone(), ..f }).collect())
        })
        .collect();
    let decided: Vec<(usize, usize)> = files
        .iter()
        .map(|f| {
            let verified = f.closed.iter().filter(|c| c.closure == Closure::Verified).count();
            (verified, f.corrections.iter().filter(|c| c.follows.is_none()).count())
        })
        .collect();
    let roster = roster.with_decisions(&decided);
    Assigned { files, roster, outcomes }
}

/// The province's figures over the cities the roster counts.
pub fn consolidate(files: &[FileResult], roster: &Roster, setup: &Setup) -> Result<ProvinceSummary> {
    let used: Vec<Option<&Submission>> = roster
        .cities
        .iter()
        .map(|c| c.used.filter(|_| c.in_totals).and_then(|i| files.get(i)).and_then(|f| f.sub.as_ref()))
        .collect();
    Ok(consolidate::consolidate(&used, roster, &setup.params, &setup.templates.form, &setup.templates.summary)?)
}
