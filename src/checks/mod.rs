//! The checks: a table of small named functions, run in order on each
//! submission, then the batch checks across all submissions.
//!
//! A check is `fn(&Submission, &Ctx) -> Vec<Finding>` and finds its cells
//! through the form spec, never by address. A `gate` check that reports an
//! error stops the rest for that file: once a sheet is missing or a label
//! has moved, every later figure would be read from the wrong place.

pub mod amounts;
pub mod batch;
pub mod issued;
pub mod rates;
pub mod structure;
pub mod values;

#[cfg(test)]
pub mod fixture;

use crate::findings::{Code, Finding, Loc, Severity};
use crate::model::{Params, Submission};
use crate::spec::FormSpec;

/// What a check may consult besides the submission.
pub struct Ctx<'a> {
    pub form: &'a FormSpec,
    pub params: &'a Params,
}

impl Ctx<'_> {
    /// Location of a field, for findings.
    pub fn loc(&self, id: &str) -> Loc {
        match self.form.field(id) {
            Some(f) => Loc::cell(&f.sheet, f.cell, &f.label.text),
            None => Loc::file(),
        }
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
    Check {
        id: "is_city_form",
        codes: &[Code::NotCityForm],
        gate: true,
        run: structure::is_city_form,
    },
    Check {
        id: "template_version",
        codes: &[Code::TemplateVersion],
        gate: true,
        run: structure::template_version,
    },
    Check {
        id: "sheets_present",
        codes: &[Code::MissingSheet, Code::SheetUnreadable],
        gate: true,
        run: structure::sheets_present,
    },
    Check {
        id: "labels_in_place",
        codes: &[Code::LabelMismatch],
        gate: true,
        run: structure::labels_in_place,
    },
    Check {
        id: "required_filled",
        codes: &[Code::RequiredEmpty],
        gate: false,
        run: values::required_filled,
    },
    Check {
        id: "types_valid",
        codes: &[Code::WrongType],
        gate: false,
        run: values::types_valid,
    },
    Check {
        id: "formulas_cached",
        codes: &[Code::FormulaNoCache],
        gate: false,
        run: values::formulas_cached,
    },
    Check {
        id: "no_negative",
        codes: &[Code::NegativeAmount],
        gate: false,
        run: values::no_negative,
    },
    Check {
        id: "rates_in_range",
        codes: &[Code::RateOutOfRange],
        gate: false,
        run: values::rates_in_range,
    },
    Check {
        id: "unit_is_wan",
        codes: &[Code::WrongUnit],
        gate: false,
        run: values::unit_is_wan,
    },
    Check {
        id: "year_matches",
        codes: &[Code::WrongYear],
        gate: false,
        run: values::year_matches,
    },
    Check {
        id: "spend_order",
        codes: &[Code::SpendOrder],
        gate: false,
        run: amounts::spend_order,
    },
    Check {
        id: "spend_rate",
        codes: &[Code::SpendRateMismatch],
        gate: false,
        run: rates::spend_rate,
    },
    Check {
        id: "completion_rates",
        codes: &[Code::CompletionRateMismatch],
        gate: false,
        run: rates::completion_rates,
    },
    Check {
        id: "exec_rate",
        codes: &[Code::ExecRateMismatch],
        gate: false,
        run: rates::exec_rate,
    },
    Check {
        id: "score_total",
        codes: &[Code::ScoreTotalMismatch],
        gate: false,
        run: amounts::score_total,
    },
    Check {
        id: "city_known",
        codes: &[Code::UnknownCity],
        gate: false,
        run: issued::city_known,
    },
    Check {
        id: "budget_issued",
        codes: &[Code::BudgetMismatch],
        gate: false,
        run: issued::budget_issued,
    },
    Check {
        id: "plan_issued",
        codes: &[Code::PlanMismatch],
        gate: false,
        run: issued::plan_issued,
    },
];

/// Runs the per-file checks in order, stopping after a failed gate.
pub fn run_file(sub: &Submission, ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for check in CHECKS {
        let found = (check.run)(sub, ctx);
        let failed = found.iter().any(|f| f.severity == Severity::Error);
        debug_assert!(
            found.iter().all(|f| check.codes.contains(&f.code)),
            "{} emitted an undeclared code",
            check.id
        );
        out.extend(found);
        if check.gate && failed {
            break;
        }
    }
    out
}

/// A check across all submissions of a run; findings carry the index of
/// the submission they belong to (`None`: the run as a whole).
pub type BatchFn = fn(&[&Submission], &Ctx) -> Vec<(Option<usize>, Finding)>;

pub struct BatchCheck {
    pub id: &'static str,
    pub codes: &'static [Code],
    pub run: BatchFn,
}

pub const BATCH_CHECKS: &[BatchCheck] = &[
    BatchCheck {
        id: "duplicate_city",
        codes: &[Code::DuplicateCity],
        run: batch::duplicate_city,
    },
    BatchCheck {
        id: "missing_city",
        codes: &[Code::MissingCity],
        run: batch::missing_city,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_but_file_level_ones_has_a_check() {
        let mut covered: HashSet<Code> = CHECKS
            .iter()
            .flat_map(|c| c.codes.iter().copied())
            .collect();
        covered.extend(BATCH_CHECKS.iter().flat_map(|c| c.codes.iter().copied()));
        for c in Code::ALL {
            let file_level = matches!(
                c,
                Code::FileUnreadable | Code::ForeignFile | Code::AnnotationSkipped
            );
            assert!(covered.contains(c) || file_level, "{:?} has no check", c);
        }
    }

    #[test]
    fn clean_sample_has_no_findings() {
        let (form, params) = fixture::ctx_parts();
        let ctx = Ctx {
            form: &form,
            params: &params,
        };
        for i in 0..15 {
            let sub = fixture::clean(i);
            let f = run_file(&sub, &ctx);
            assert!(f.is_empty(), "city {i}: {f:#?}");
        }
    }

    #[test]
    fn a_failed_gate_stops_later_checks() {
        let (form, params) = fixture::ctx_parts();
        let ctx = Ctx {
            form: &form,
            params: &params,
        };
        let mut sub = fixture::clean(0);
        fixture::set(
            &mut sub,
            &form,
            "info.version",
            crate::read::Value::Text("2023.1".into()),
        );
        fixture::set(
            &mut sub,
            &form,
            "exec.spent",
            crate::read::Value::Number(-1.0),
        );
        let f = run_file(&sub, &ctx);
        assert_eq!(
            f.iter().map(|f| f.code).collect::<Vec<_>>(),
            vec![Code::TemplateVersion]
        );
    }
}
