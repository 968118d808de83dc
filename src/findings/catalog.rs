//! What the catalog tells of each code: its id, severity and group, and
//! the table `selfeval codes` prints (docs/codes.md is kept equal to it).

use super::codes::Code;
use super::Severity;

/// The stage of checking a code belongs to (see the module header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// SE0xx: reading the file.
    File,
    /// SE1xx: the form's structure (a gate: values are not judged after).
    Structure,
    /// SE2xx: single values.
    Value,
    /// SE3xx: totals and rates recomputed.
    Recomputed,
    /// SE4xx: against the province's figures or other files.
    Province,
    /// SE5xx: plausibility warnings a person confirms.
    Plausibility,
}

/// What the catalog knows of a code.
pub struct CodeInfo {
    /// Stable id, e.g. "SE302".
    pub id: &'static str,
    pub severity: Severity,
    /// Short Chinese title for tables.
    pub title: &'static str,
    /// Message template; `{label}`, `{expected}`, `{found}`, `{detail}`
    /// are filled in by [`super::Finding::at`].
    pub template: &'static str,
    /// How a city clerk fixes it, in plain Chinese.
    pub fix: &'static str,
}

impl Code {
    /// The codes a `[[derived]]` relation of form.toml may report: a
    /// filed figure that does not follow from the others.
    pub const RELATIONS: &'static [Code] = &[
        Code::SpendRateMismatch,
        Code::CompletionRateMismatch,
        Code::ExecRateMismatch,
        Code::ScoreTotalMismatch,
        Code::FundScoreMismatch,
        Code::IndicatorScoreMismatch,
        Code::GradeMismatch,
    ];

    /// The codes a checks.toml `[[ratios]]` entry may name: a
    /// plausibility ratio outside its band.
    pub const RATIOS: &'static [Code] =
        &[Code::AreaPerHousehold, Code::HouseholdsPerBuilding, Code::HouseholdsPerCommunity];

    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// The stage a code belongs to, from its id's hundreds (SE0xx …
    /// SE5xx): the one place that reads meaning into an id.
    pub fn group(self) -> Group {
        match self.id().as_bytes().get(2) {
            Some(b'0') => Group::File,
            Some(b'1') => Group::Structure,
            Some(b'2') => Group::Value,
            Some(b'3') => Group::Recomputed,
            Some(b'4') => Group::Province,
            _ => Group::Plausibility,
        }
    }

    pub fn severity(self) -> Severity {
        self.info().severity
    }
}

/// The catalog as text (`selfeval codes`) or as a Markdown table
/// (docs/codes.md and the README).
pub fn catalog(markdown: bool) -> String {
    let mut s = String::new();
    if markdown {
        s.push_str("| 代码 | 严重程度 | 问题 | 如何修改 | 省级可用的处理 |\n| --- | --- | --- | --- | --- |\n");
    }
    // Year-dependent words as the built-in form has them.
    let form = crate::spec::embedded_specs().ok().map(|(f, _)| f);
    let word = |k: &str| form.as_ref().map(|f| crate::findings::form_word(f, k)).unwrap_or_else(|| k.to_string());
    for c in Code::ALL {
        let i = c.info();
        let fix = form.as_ref().map(|f| f.fix_of(*c)).unwrap_or(i.fix);
        let fix = crate::findings::fill_words(&fix.replace("{expected}", "相应内容"), true, &word);
        let title = form.as_ref().map(|f| f.title_of(*c).to_string()).unwrap_or_else(|| i.title.to_string());
        if markdown {
            s.push_str(&format!("| {} | {} | {} | {} | {} |\n", i.id, i.severity.zh(), title, fix, c.decisions_zh()));
        } else {
            s.push_str(&format!(
                "{}  {}  {}\n      {}\n      省级可用的处理：{}\n",
                i.id,
                i.severity.zh(),
                title,
                fix,
                c.decisions_zh()
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_code_is_in_the_group_its_id_says() {
        use Group::*;
        let groups = [File, Structure, Value, Recomputed, Province, Plausibility];
        for c in Code::ALL {
            let hundreds = c.id()[2..3].parse::<usize>().expect("digit");
            assert_eq!(c.group(), groups[hundreds], "{}", c.id());
        }
        assert_eq!(Code::FileTimedOut.group(), File);
        assert_eq!(Code::CopiedPlan.group(), Plausibility);
    }

    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for c in Code::ALL {
            let id = c.id();
            assert!(id.starts_with("SE") && id.len() == 5, "{id}");
            assert!(seen.insert(id), "duplicate id {id}");
        }
    }
}
