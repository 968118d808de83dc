//! Which file stands for which city (the roster), its findings given to
//! the files they are about, and the figures of the cities counted.

use super::check::FileResult;
use super::Setup;
use crate::consolidate::{self, ProvinceSummary};
use crate::decisions::{Action, Closure, Key, Outcome, Register, Status};
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

/// The roster of `files`: each file comes out with its city on every
/// finding and the roster's findings about it (SE404, SE406) added; those
/// the register confirms go to the file's closed list instead.
pub fn cities(files: Vec<FileResult>, setup: &Setup, reg: Option<&Register>) -> Assigned {
    let facts = super::check::facts(&files);
    let roster =
        roster::build_with(&facts, &setup.params, &setup.templates.form, &crate::decisions::apply::confirms(reg));
    drop(facts);
    let mut about: Vec<Vec<Finding>> = files.iter().map(|_| Vec::new()).collect();
    for (i, f) in &roster.file_findings {
        if let Some(list) = about.get_mut(*i) {
            list.push(f.clone());
        }
    }
    let roster_decisions: Vec<_> = reg
        .map(|r| r.decisions.iter().filter(|d| crate::decisions::apply::is_roster_code(d.key.code)).collect())
        .unwrap_or_default();
    let mut confirmed: Vec<Vec<crate::decisions::Closed>> = files.iter().map(|_| Vec::new()).collect();
    let mut used_rows = Vec::new();
    for (i, f) in &roster.closed {
        let city = f.city.clone().or_else(|| f.found.clone()).unwrap_or_default();
        let key = Key::new(&city, f);
        let Some(d) = roster_decisions.iter().find(|d| d.key == key && d.action == Action::Verified) else { continue };
        used_rows.push(d.row);
        if let Some(list) = confirmed.get_mut(*i) {
            list.push(crate::decisions::Closed {
                finding: Finding { city: Some(city), ..f.clone() },
                closure: Closure::Verified,
                row: d.row,
                basis: d.basis().to_string(),
                clerk: d.clerk().to_string(),
                date: d.date().to_string(),
            });
        }
    }
    let outcomes = roster_decisions
        .iter()
        .map(|d| {
            let open = roster
                .file_findings
                .iter()
                .any(|(_, f)| Key::new(f.city.as_deref().or(f.found.as_deref()).unwrap_or_default(), f) == d.key);
            let status = if used_rows.contains(&d.row) {
                Status::Applied
            } else if open && d.action == Action::Returned {
                Status::Returned
            } else if open {
                Status::Refused(crate::decisions::Refusal::OnlyConfirm(d.key.code))
            } else {
                Status::NotApplicable
            };
            Outcome { decision: (*d).clone(), status }
        })
        .collect();
    let files: Vec<FileResult> = files
        .into_iter()
        .zip(about)
        .zip(confirmed)
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
