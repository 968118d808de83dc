//! `[messages]` of form.toml: a fund's own words for a finding's title,
//! message and fix. The built-in catalog (findings/codes.rs) words every
//! code without naming a fund or its measures; a template set names the
//! ratio or the bound that the code only knows as "a ratio out of its band".
//! Also where a finding about a field points ([`FormSpec::loc`]).

use super::*;
use crate::findings::Code;
use std::collections::BTreeMap;

/// The words a template set gives one code; what it leaves out stays
/// the catalog's.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wording {
    #[serde(default)]
    pub title: Option<String>,
    /// With the catalog's slots: {label} {expected} {found} {detail},
    /// {r:role} and {budget_document}.
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub fix: Option<String>,
}

/// `[messages]`: code id → its words, checked on load.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Messages(BTreeMap<String, Wording>);

impl Messages {
    /// The first key that is not a code.
    pub(super) fn unknown_code(&self) -> Option<&str> {
        self.0.keys().find(|k| !Code::ALL.iter().any(|c| c.id() == k.as_str())).map(String::as_str)
    }

    /// The first slot a template set's message or fix uses that no finding
    /// fills, or a role the form does not give (`has_role`), as
    /// (code, slot): refused at load, not printed as "{…}".
    pub(super) fn unknown_slot(&self, has_role: &dyn Fn(super::Role) -> bool) -> Option<(String, String)> {
        let known = |s: &str| match s.strip_prefix("r:").map(super::Role::from_key) {
            Some(role) => role.is_some_and(has_role),
            None => is_finding_slot(s),
        };
        self.0.iter().find_map(|(code, w)| {
            let texts = [&w.message, &w.fix].into_iter().flatten();
            let bad = texts.flat_map(|t| super::targets::slots_in(t)).find(|s| !known(s))?;
            Some((code.clone(), bad.to_string()))
        })
    }

    pub fn get(&self, code: Code) -> Option<&Wording> {
        self.0.get(code.id())
    }
}

impl FormSpec {
    /// Where a field is, for findings (the whole file for an unknown id).
    pub fn loc(&self, id: &str) -> crate::findings::Loc {
        use crate::findings::Loc;
        match self.field(id) {
            Some(f) => Loc { field: Some(f.id.clone()), ..Loc::cell(&f.sheet, f.cell, &f.label.text) },
            None => Loc::file(),
        }
    }

    /// Where the field playing `role` is (the whole file if the form
    /// gives none).
    pub fn loc_of(&self, role: Role) -> crate::findings::Loc {
        self.role(role).map(|id| self.loc(id)).unwrap_or_else(crate::findings::Loc::file)
    }
}

impl crate::findings::Words for FormSpec {
    fn title_of(&self, code: Code) -> &str {
        self.messages.get(code).and_then(|w| w.title.as_deref()).unwrap_or(code.info().title)
    }

    fn message_of(&self, code: Code) -> &str {
        self.messages.get(code).and_then(|w| w.message.as_deref()).unwrap_or(code.info().template)
    }

    fn fix_of(&self, code: Code) -> &str {
        self.messages.get(code).and_then(|w| w.fix.as_deref()).unwrap_or(code.info().fix)
    }

    fn word_for(&self, key: &str) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        if let Some(role) = key.strip_prefix("r:") {
            let id = Role::from_key(role).and_then(|r| self.role(r));
            // A role this form does not have (refused in its own
            // [messages] at load; a catalog template may still name one):
            // the key, not a blank.
            return Some(match id {
                Some(id) => Cow::Borrowed(self.label(id)),
                None => Cow::Owned(role.to_string()),
            });
        }
        match key {
            "budget_document" if !self.budget_document.is_empty() => Some(Cow::Borrowed(&self.budget_document)),
            "budget_document" => Some(Cow::Borrowed("省级下达文件")),
            _ => None,
        }
    }
}

/// A slot a finding's message or fix may use: its label, expected and
/// found values and detail, the budget document, and `r:<role>` (the label
/// of the field playing that role).
pub fn is_finding_slot(slot: &str) -> bool {
    match slot.strip_prefix("r:") {
        Some(role) => super::Role::from_key(role).is_some(),
        None => matches!(slot, "label" | "expected" | "found" | "detail" | "budget_document"),
    }
}
