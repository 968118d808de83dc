//! The checks: a table of small named functions, run in order on each
//! submission, then the batch checks across all submissions.
//!
//! A check is `fn(&Submission, &Ctx) -> Vec<Finding>` and finds its cells
//! through the form spec, never by address. A `gate` check that reports an
//! error stops the rest for that file: once a sheet is missing or a label
//! has moved, every later figure would be read from the wrong place.

pub mod amounts;
pub mod cross_sheet;
pub mod derived;
pub mod fold;
pub mod issued;
pub mod plausibility;
pub mod scores;
pub mod structure;
pub mod values;

use crate::findings::{Code, Finding, Loc, Severity};
use crate::model::Submission;
use crate::params::Params;
use crate::spec::{Bands, FormSpec, Role};
use rust_decimal::Decimal;

/// What a check may consult besides the submission.
pub struct Ctx<'a> {
    pub form: &'a FormSpec,
    pub params: &'a Params,
    pub bands: &'a Bands,
}

impl Ctx<'_> {
    /// Location of a field, for findings.
    pub fn loc(&self, id: &str) -> Loc {
        self.form.loc(id)
    }

    /// Location of the field playing `role` (the whole file if the form
    /// gives none).
    pub fn loc_of(&self, role: Role) -> Loc {
        self.form.loc_of(role)
    }

    /// The number the submission holds in the field playing `role`.
    pub fn num(&self, sub: &Submission, role: Role) -> Option<Decimal> {
        sub.num(self.form.role(role)?)
    }

    /// The field id playing `role`, where a check needs the id itself.
    pub fn id(&self, role: Role) -> Option<&str> {
        self.form.role(role)
    }
}

pub type CheckFn = fn(&Submission, &Ctx) -> Vec<Finding>;

pub struct Check {
    pub id: &'static str,
    /// The codes this check may emit.
    pub codes: &'static [Code],
    pub gate: bool,
    pub run: CheckFn,
}

/// Every per-file check, in run order.
pub const CHECKS: &[Check] = &[
    Check { id: "is_city_form", codes: &[Code::NotCityForm], gate: true, run: structure::is_city_form },
    Check { id: "template_version", codes: &[Code::TemplateVersion], gate: true, run: structure::template_version },
    Check {
        id: "sheet_names_alike",
        codes: &[Code::SheetNameLookAlike],
        gate: false,
        run: structure::sheet_names_alike,
    },
    Check {
        id: "hidden_sheet_beside_copy",
        codes: &[Code::HiddenSheetBesideCopy],
        gate: false,
        run: structure::hidden_sheet_beside_copy,
    },
    Check {
        id: "sheets_present",
        codes: &[Code::MissingSheet, Code::SheetUnreadable],
        gate: true,
        run: structure::sheets_present,
    },
    Check { id: "read_by_name", codes: &[Code::ReadByName], gate: false, run: structure::read_by_name },
    Check {
        id: "labels_in_place",
        codes: &[Code::LabelMismatch, Code::RowsShifted],
        gate: true,
        run: structure::labels_in_place,
    },
    Check { id: "inputs_not_merged", codes: &[Code::MergedInput], gate: false, run: structure::inputs_not_merged },
    Check { id: "required_filled", codes: &[Code::RequiredEmpty], gate: false, run: values::required_filled },
    Check { id: "types_valid", codes: &[Code::WrongType], gate: false, run: values::types_valid },
    Check { id: "normalised", codes: &[Code::ValueNormalised], gate: false, run: values::normalised },
    Check { id: "formulas_cached", codes: &[Code::FormulaNoCache], gate: false, run: values::formulas_cached },
    Check { id: "computed_cells", codes: &[Code::DerivedComputed], gate: false, run: derived::computed_cells },
    Check { id: "no_negative", codes: &[Code::NegativeAmount], gate: false, run: values::no_negative },
    Check { id: "rates_in_range", codes: &[Code::RateOutOfRange], gate: false, run: values::rates_in_range },
    Check { id: "unit_is_wan", codes: &[Code::WrongUnit], gate: false, run: values::unit_is_wan },
    Check { id: "looks_like_yuan", codes: &[Code::LooksLikeYuan], gate: false, run: amounts::looks_like_yuan },
    Check { id: "year_matches", codes: &[Code::WrongYear], gate: false, run: values::year_matches },
    Check { id: "spend_order", codes: &[Code::SpendOrder], gate: false, run: amounts::spend_order },
    Check { id: "relations", codes: Code::RELATIONS, gate: false, run: derived::relations },
    Check { id: "reasons", codes: &[Code::ReasonMissing], gate: false, run: scores::reasons },
    Check { id: "weights", codes: &[Code::WeightNotStandard], gate: false, run: scores::weights },
    Check {
        id: "benefits_within_communities",
        codes: &[Code::PartExceedsWhole],
        gate: false,
        run: cross_sheet::benefits_within_communities,
    },
    Check { id: "sheets_agree", codes: &[Code::SheetsDisagree], gate: false, run: cross_sheet::sheets_agree },
    Check {
        id: "satisfaction_target",
        codes: &[Code::BelowTarget],
        gate: false,
        run: cross_sheet::satisfaction_target,
    },
    Check { id: "city_known", codes: &[Code::UnknownCity], gate: false, run: issued::city_known },
    Check { id: "budget_issued", codes: &[Code::BudgetMismatch], gate: false, run: issued::budget_issued },
    Check { id: "plan_issued", codes: &[Code::PlanMismatch], gate: false, run: issued::plan_issued },
    Check { id: "ratios", codes: Code::RATIOS, gate: false, run: plausibility::ratios },
    Check {
        id: "completion_spread",
        codes: &[Code::CompletionRatesDisagree],
        gate: false,
        run: plausibility::completion_spread,
    },
    Check { id: "copied_plan", codes: &[Code::CopiedPlan], gate: false, run: plausibility::copied_plan },
];

/// Fills in the derived cells the file left without a result
/// ([`derived::complete`]), then runs the per-file checks in order,
/// stopping after a failed gate.
pub fn run_file(sub: &mut Submission, ctx: &Ctx) -> Vec<Finding> {
    derived::complete(sub, ctx);
    let sub = &*sub;
    let mut out = Vec::new();
    for check in CHECKS {
        let found = (check.run)(sub, ctx);
        let failed = found.iter().any(|f| f.severity == Severity::Error);
        debug_assert!(found.iter().all(|f| check.codes.contains(&f.code)), "{} emitted an undeclared code", check.id);
        out.extend(found);
        if check.gate && failed {
            break;
        }
    }
    let mut out = fold::fold(out, ctx);
    for f in &mut out {
        // A field read from its named cell is marked where it is now.
        if let Some(to) = f.field.as_ref().and_then(|id| sub.moved.get(id)) {
            f.cell = Some(*to);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_but_file_level_ones_has_a_check() {
        let covered: HashSet<Code> = CHECKS.iter().flat_map(|c| c.codes.iter().copied()).collect();
        for c in Code::ALL {
            // Raised by the scan, the reader, the watchdog, the roster, the
            // feedback writer or the submission stage (SE6xx).
            let file_level = matches!(
                c,
                Code::FileUnreadable
                    | Code::ForeignFile
                    | Code::AnnotationSkipped
                    | Code::OwnOutputSkipped
                    | Code::FeedbackNotWritten
                    | Code::FileTimedOut
                    | Code::DuplicateCity
                    | Code::MissingCity
                    | Code::FileNameCityMismatch
            ) || c.group() == crate::findings::info::Group::Submission; // the submission stage

            assert!(covered.contains(c) || file_level, "{:?} has no check", c);
        }
    }

    /// On the clean samples only the warnings the report's own figures
    /// justify fire; no error, no info.
    #[test]
    fn clean_samples_raise_only_justified_warnings() {
        let (form, params) = crate::testkit::ctx_parts();
        let bands = crate::testkit::bands();
        let ctx = Ctx { form: &form, params: &params, bands: &bands };
        let mut got = Vec::new();
        for i in 0..15 {
            for f in run_file(&mut crate::testkit::clean(i), &ctx) {
                assert_eq!(f.severity, Severity::Warning, "city {i}: {f:#?}");
                got.push((i, f.code.id()));
            }
        }
        // One list of the justified warnings, shared with the integration tests.
        let cities: Vec<String> = crate::testkit::params().cities.iter().map(|c| c.name.clone()).collect();
        let want: Vec<(usize, &str)> = include_str!("../../tests/fixtures/clean-warnings.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let mut w = l.split_whitespace();
                let code = w.next().unwrap();
                let city = w.next().unwrap();
                (cities.iter().position(|c| c == city).unwrap(), code)
            })
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_failed_gate_stops_later_checks() {
        let (form, params) = crate::testkit::ctx_parts();
        let bands = crate::testkit::bands();
        let ctx = Ctx { form: &form, params: &params, bands: &bands };
        let mut sub = crate::testkit::clean(0);
        crate::testkit::set(&mut sub, &form, "info.version", crate::read::Value::Text("2023.1".into()));
        crate::testkit::set(&mut sub, &form, "exec.spent", crate::read::Value::Number(-1.0));
        let f = run_file(&mut sub, &ctx);
        assert_eq!(f.iter().map(|f| f.code).collect::<Vec<_>>(), vec![Code::TemplateVersion]);
    }
}
