//! The register's rules on roster questions: which file stands for a city
//! (SE404, several files) and whether a file whose name and 地市 cell
//! disagree belongs to a city (SE406). The roster raises them while it
//! files the files ([`crate::roster::file`]), asking [`confirms`] whether
//! the province has confirmed each; [`settle`] then says what became of
//! every roster decision and closes the confirmed findings.
//!
//! Only 已核实无误 answers a roster question: there is no figure to correct,
//! and the city's choice of file is the city's to make (退回地市 sends it
//! back).

use crate::decisions::{Action, Closed, Closure, Decision, Key, Outcome, Refusal, Register, Status};
use crate::findings::{Code, Finding};
use crate::roster::Roster;

/// Codes the roster raises: decided when the roster files the files.
pub fn is_roster_code(c: Code) -> bool {
    matches!(c, Code::DuplicateCity | Code::FileNameCityMismatch | Code::MissingCity)
}

/// Whether a roster finding's key has a 已核实无误 decision.
pub fn confirms(reg: Option<&Register>) -> impl Fn(&Key) -> bool + '_ {
    move |k| reg.is_some_and(|r| r.decisions.iter().any(|d| d.action == Action::Verified && &d.key == k))
}

/// What the register's roster decisions did.
pub struct Settled {
    /// By file index: the roster findings the province confirmed.
    pub closed: Vec<Vec<Closed>>,
    /// One per roster decision.
    pub outcomes: Vec<Outcome>,
}

/// Each roster decision of `reg` against the roster: a confirmed finding
/// is closed on its file (applied); a 退回地市 on a finding still open is
/// returned; any other decision on an open roster finding is refused (only
/// 已核实无误 answers it); a decision whose finding is gone does not apply.
pub fn settle(roster: &Roster, files: usize, reg: Option<&Register>) -> Settled {
    let mine: Vec<&Decision> =
        reg.map(|r| r.decisions.iter().filter(|d| is_roster_code(d.key.code)).collect()).unwrap_or_default();
    let mut closed: Vec<Vec<Closed>> = vec![Vec::new(); files];
    let mut applied = Vec::new();
    for (i, f) in &roster.closed {
        let city = f.city.clone().or_else(|| f.found.clone()).unwrap_or_default();
        let key = Key::new(&city, f);
        let Some(d) = mine.iter().find(|d| d.key == key && d.action == Action::Verified) else { continue };
        applied.push(d.row);
        if let Some(list) = closed.get_mut(*i) {
            list.push(Closed {
                finding: Finding { city: Some(city), ..f.clone() },
                closure: Closure::Verified,
                row: d.row,
                basis: d.basis().to_string(),
                clerk: d.clerk().to_string(),
                date: d.date().to_string(),
            });
        }
    }
    let open = |k: &Key| {
        roster
            .file_findings
            .iter()
            .any(|(_, f)| &Key::new(f.city.as_deref().or(f.found.as_deref()).unwrap_or_default(), f) == k)
    };
    let outcomes = mine
        .iter()
        .map(|d| {
            let status = match (applied.contains(&d.row), open(&d.key), d.action) {
                (true, _, _) => Status::Applied,
                (false, true, Action::Returned) => Status::Returned,
                (false, true, _) => Status::Refused(Refusal::OnlyConfirm(d.key.code)),
                (false, false, _) => Status::NotApplicable,
            };
            Outcome { decision: (*d).clone(), status }
        })
        .collect();
    Settled { closed, outcomes }
}
