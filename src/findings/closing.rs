//! How a finding may be closed by the province (核实与更正): the clerk's
//! actions, and which of them each code allows. A property of the code, so
//! it lives with the codes; the decisions module applies it.

use super::codes::Code;
use super::Severity;
use serde::Serialize;

/// What the clerk decided about a finding (the 处理 column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// 已核实无误: the figure is right as it stands.
    Verified,
    /// 按程序计算值更正: use the value selfeval computed.
    UseComputed,
    /// 更正为: use the value in 更正值.
    SetTo,
    /// 退回地市: the city must correct and resend; nothing changes.
    Returned,
}

impl Action {
    pub const ALL: [Action; 4] = [Action::Verified, Action::UseComputed, Action::SetTo, Action::Returned];

    pub fn zh(self) -> &'static str {
        match self {
            Action::Verified => "已核实无误",
            Action::UseComputed => "按程序计算值更正",
            Action::SetTo => "更正为",
            Action::Returned => "退回地市",
        }
    }

    /// The action a 处理 cell names; spaces and full-width blanks ignored.
    pub fn from_zh(text: &str) -> Option<Action> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        Action::ALL.into_iter().find(|a| a.zh() == t)
    }

    /// Whether the action changes a figure.
    pub fn corrects(self) -> bool {
        matches!(self, Action::UseComputed | Action::SetTo)
    }
}

impl Code {
    /// The decisions that may close a finding of this code, as the codes
    /// catalog states them. A warning is closed by 已核实无误; an error only
    /// by a correction after which no error is left on that figure, except
    /// the roster's question of which city a file belongs to (SE406), which
    /// only the province can settle. Errors about the file as a whole (it
    /// cannot be read, it is not the form, a sheet is missing) can only be
    /// returned: no single figure would put them right.
    pub fn decisions(self) -> &'static [Action] {
        use super::info::Group;
        const WARNING: &[Action] = &[Action::Verified, Action::UseComputed, Action::SetTo, Action::Returned];
        // A plausibility warning's 应为 is a band, not a value to take.
        const PLAUSIBLE: &[Action] = &[Action::Verified, Action::SetTo, Action::Returned];
        const FIGURE: &[Action] = &[Action::UseComputed, Action::SetTo, Action::Returned];
        const CONFIRM: &[Action] = &[Action::Verified, Action::Returned];
        const RETURN: &[Action] = &[Action::Returned];
        // A report or its evidence is no figure of the form: confirmed by
        // the province, or returned to the city.
        if self == Code::FileNameCityMismatch || self.group() == Group::Submission {
            return CONFIRM;
        }
        if self.severity() != Severity::Error {
            return if self.group() == Group::Plausibility { PLAUSIBLE } else { WARNING };
        }
        match (self.group(), self) {
            (_, Code::MissingCity | Code::UnknownCity) => RETURN,
            (Group::File | Group::Structure, _) => RETURN,
            _ => FIGURE,
        }
    }

    /// The catalog's words for [`Code::decisions`].
    pub fn decisions_zh(self) -> String {
        self.decisions().iter().map(|a| a.zh()).collect::<Vec<_>>().join("、")
    }
}
