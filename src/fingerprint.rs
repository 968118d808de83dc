//! The fingerprint of a result: one SHA-256 over everything that
//! determined it, so a printed 定稿 can be tied to its files.
//!
//! What goes in: each workbook read (by content, named by its path in the
//! materials folder), the template set, the params workbook, the
//! decisions applied (as decided, not as the register file's bytes, so a
//! register re-saved by WPS gives the same digest) and the previous
//! round's report.json when the run compared with one. Nothing of the
//! run's time, paths or thread count goes in: the same inputs give the
//! same fingerprint. Its first 12 hex digits are printed on every page of
//! the summary and the draft; report.json and the summary's 核验指纹 sheet
//! carry the whole of it and its parts, which `selfeval verify` checks.

use crate::decisions::{Outcome, Status};
use serde::{Deserialize, Serialize};

/// How many hex digits are printed on paper: 48 bits, enough that two
/// different results never share one by chance in a province's lifetime.
pub const SHORT: usize = 12;

/// The fingerprint and what went into it (report.json `fingerprint`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// SHA-256 over the parts below, 64 hex digits.
    pub sha256: String,
    /// The template set's digest ([`crate::spec::Templates::digest`]).
    pub templates: String,
    /// SHA-256 of the params workbook used.
    pub params: String,
    /// SHA-256 of the applied decisions, one canonical line each; empty
    /// when none was applied.
    pub decisions: String,
    /// The previous round compared with: its folder's name and the
    /// SHA-256 of its report.json.
    pub previous: Option<PreviousPart>,
    /// Every workbook read, by its path in the materials folder.
    pub inputs: Vec<InputPart>,
}

/// A workbook that went into the fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputPart {
    pub file: String,
    /// The city it stands for, if any (shown, not hashed: it follows from
    /// the content).
    pub city: Option<String>,
    pub sha256: String,
}

/// The previous round a result was compared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousPart {
    pub folder: String,
    pub sha256: String,
}

impl Fingerprint {
    /// The fingerprint of these parts; inputs are taken in path order,
    /// whatever order the disk listed them in.
    pub fn new(
        templates: &str,
        params: &str,
        decisions: &[Outcome],
        previous: Option<PreviousPart>,
        mut inputs: Vec<InputPart>,
    ) -> Fingerprint {
        inputs.sort_by(|a, b| a.file.cmp(&b.file));
        let mut fp = Fingerprint {
            sha256: String::new(),
            templates: templates.to_string(),
            params: params.to_string(),
            decisions: decisions_digest(decisions),
            previous,
            inputs,
        };
        fp.sha256 = crate::read::sha256_hex(fp.canonical().as_bytes());
        fp
    }

    /// The digits printed on paper.
    pub fn short(&self) -> &str {
        self.sha256.get(..SHORT).unwrap_or(&self.sha256)
    }

    /// The text hashed: one line a part, tab-separated, in a fixed order.
    fn canonical(&self) -> String {
        let mut s = String::from("selfeval-fingerprint 1\n");
        s.push_str(&format!("templates\t{}\n", self.templates));
        s.push_str(&format!("params\t{}\n", self.params));
        s.push_str(&format!("decisions\t{}\n", self.decisions));
        if let Some(p) = &self.previous {
            s.push_str(&format!("previous\t{}\n", p.sha256));
        }
        for i in &self.inputs {
            s.push_str(&format!("input\t{}\t{}\n", i.sha256, i.file));
        }
        s
    }

    /// Whether the recorded digest is what its parts give (a 核验指纹
    /// sheet edited by hand is not).
    pub fn consistent(&self) -> bool {
        self.sha256 == crate::read::sha256_hex(self.canonical().as_bytes())
    }
}

/// The applied decisions, one canonical line each (city, code, field,
/// action, value, basis, clerk, date), sorted, hashed; "" for none.
fn decisions_digest(outcomes: &[Outcome]) -> String {
    let mut lines: Vec<String> = outcomes
        .iter()
        .filter(|o| o.status == Status::Applied)
        .map(|o| {
            let d = &o.decision;
            let value = d.value.map(crate::calc::fmt_num).unwrap_or_default();
            [
                d.key.city.as_str(),
                d.key.code.id(),
                &d.key.field,
                d.action.zh(),
                &value,
                d.basis().trim(),
                d.clerk().trim(),
                d.date().trim(),
            ]
            .join("\t")
        })
        .collect();
    if lines.is_empty() {
        return String::new();
    }
    lines.sort();
    crate::read::sha256_hex(lines.join("\n").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(file: &str, sha: &str) -> InputPart {
        InputPart { file: file.into(), city: None, sha256: sha.into() }
    }

    #[test]
    fn the_order_of_files_on_disk_does_not_matter() {
        let a = Fingerprint::new("t", "p", &[], None, vec![input("a.xlsx", "1"), input("b.xlsx", "2")]);
        let b = Fingerprint::new("t", "p", &[], None, vec![input("b.xlsx", "2"), input("a.xlsx", "1")]);
        assert_eq!(a.sha256, b.sha256);
        assert_eq!(a.short().len(), SHORT);
        assert!(a.consistent());
    }

    #[test]
    fn every_part_changes_it() {
        let base = Fingerprint::new("t", "p", &[], None, vec![input("a.xlsx", "1")]);
        let others = [
            Fingerprint::new("t2", "p", &[], None, vec![input("a.xlsx", "1")]),
            Fingerprint::new("t", "p2", &[], None, vec![input("a.xlsx", "1")]),
            Fingerprint::new("t", "p", &[], None, vec![input("a.xlsx", "2")]),
            Fingerprint::new("t", "p", &[], None, vec![input("b.xlsx", "1")]),
            Fingerprint::new("t", "p", &[], None, vec![]),
            Fingerprint::new(
                "t",
                "p",
                &[],
                Some(PreviousPart { folder: "x".into(), sha256: "9".into() }),
                vec![input("a.xlsx", "1")],
            ),
        ];
        for o in others {
            assert_ne!(o.sha256, base.sha256, "{o:?}");
        }
        let mut edited = base.clone();
        edited.inputs[0].sha256 = "3".into();
        assert!(!edited.consistent());
    }
}
