//! Which table a summary sheet is ([`SheetRole`]), and the columns the
//! program fills in each of its own sheets.

/// Which table a sheet is, settled from its kind and key when
/// summary.toml loads: a fixed key the program does not know is refused
/// there, so the writers match on this, never on key text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SheetRole {
    /// A `kind = "cities"` table.
    #[default]
    Cities,
    Targets,
    Allocation,
    Roster,
    Findings,
    Decisions,
    /// 附件2 佐证材料清单 (submission.toml `[[listing]]`).
    Listing,
}

impl SheetRole {
    /// The program's own sheet a fixed `key` names.
    pub(super) fn of_key(key: &str) -> Option<SheetRole> {
        Some(match key {
            "roster" => SheetRole::Roster,
            "findings" => SheetRole::Findings,
            "decisions" => SheetRole::Decisions,
            "listing" => SheetRole::Listing,
            _ => return None,
        })
    }

    /// A table of the cities' figures with a 合计 row, where a corrected
    /// figure is noted.
    pub fn of_city_figures(self) -> bool {
        self == SheetRole::Cities
    }

    /// The columns the program fills in a sheet of this role (beside the
    /// measures' an allocation adds); `None` for a declared table.
    pub(super) fn fixed_columns(self) -> Option<&'static [&'static str]> {
        Some(match self {
            SheetRole::Cities => return None,
            SheetRole::Targets => &["level1", "level2", "level3", "target", "actual", "rate", "met", "note"],
            SheetRole::Allocation => &[
                "seq",
                "city",
                "fiscal",
                "performance",
                "project",
                "composite",
                "share",
                "exact",
                "rounded",
                "issued",
                "diff",
            ],
            SheetRole::Roster => &[
                "seq",
                "city",
                "status",
                "in_totals",
                "file",
                "others",
                "date",
                "errors",
                "warnings",
                "reason",
                "change",
                "report",
                "evidence",
            ],
            SheetRole::Findings => {
                &["seq", "severity", "code", "city", "file", "sheet", "cell", "message", "expected", "found", "fix"]
            }
            SheetRole::Decisions => return None,
            SheetRole::Listing => &["type", "code", "name"],
        })
    }

    /// Whether every fixed column must be present (the findings and
    /// targets sheets may leave some out).
    pub(super) fn all_columns_required(self) -> bool {
        matches!(self, SheetRole::Allocation | SheetRole::Roster | SheetRole::Listing)
    }

    /// A fixed column a sheet may leave out even so: 报送情况's 自评报告 and
    /// 佐证材料, which only a set with a submission.toml fills.
    pub(super) fn optional(self, key: &str) -> bool {
        self == SheetRole::Roster && matches!(key, "report" | "evidence")
    }
}
