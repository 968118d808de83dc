//! The one place that maps a form's fields to what the program does with
//! them.
//!
//! Checks, the roster and the summary must know which field is the city,
//! which the amount spent, which the template version. A form names those
//! fields in its `[roles]` table (form.toml); Rust names only the role, so
//! a fund whose form names its spent amount another way, or has no
//! arrived-money figure at all, is an edit of data. A role the form does not give turns
//! off what needs it (a form without `arrived` gets no arrived-money order
//! check), except the roles every form must have ([`Role::required`]).

use serde::Deserialize;
use std::collections::BTreeMap;

/// What a field is for, as far as the program's own logic goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 地市: whose form it is, matched against the params' cities.
    City,
    /// 年度: must be the template set's year.
    Year,
    /// 资金名称: pre-filled from the form's `fund`.
    Fund,
    /// 金额单位: must be the form's `unit`.
    Unit,
    /// 模板版本: must be the form's `version`, or every cell may be misread.
    Version,
    /// 填报日期: which of two copies of a city's form is the later one.
    Date,
    /// 填报人 and 联系电话: who to call about the form.
    Preparer,
    Phone,
    /// 备注: free words, never checked.
    Remark,
    /// 年初预算数 of the standard table's funding line.
    Initial,
    /// The issued budget as the city copies it.
    Budget,
    /// Money that reached the city.
    Arrived,
    /// Money the city spent (实际支出).
    Spent,
    /// 全年预算数 of the standard table's funding line.
    Annual,
    /// 全年执行数 of the standard table's funding line: at most [`Role::Annual`].
    Executed,
    /// 分值 of the funding line, fixed by the template.
    FundWeight,
    /// A rate a city may not have yet (a word instead): averaged in report.json
    /// over the cities that have one.
    Acceptance,
    /// A rate averaged in report.json's totals.
    Satisfaction,
}

impl Role {
    /// The amounts that bound each other, smallest first: what was spent,
    /// what arrived, what was issued (SE301, and the blank form's red rule).
    /// A form without an arrived amount skips it.
    pub const SPEND_ORDER: &'static [Role] = &[Role::Spent, Role::Arrived, Role::Budget];

    /// Roles a form must give: without the city no file can be matched to
    /// a city; without the version no reading can be trusted.
    pub const REQUIRED: &'static [Role] = &[Role::City, Role::Version];

    /// Every role, for lookups by key.
    pub const ALL: &'static [Role] = &[
        Role::City,
        Role::Year,
        Role::Fund,
        Role::Unit,
        Role::Version,
        Role::Date,
        Role::Preparer,
        Role::Phone,
        Role::Remark,
        Role::Initial,
        Role::Budget,
        Role::Arrived,
        Role::Spent,
        Role::Annual,
        Role::Executed,
        Role::FundWeight,
        Role::Acceptance,
        Role::Satisfaction,
    ];

    /// The role whose `[roles]` key is `key`.
    pub fn from_key(key: &str) -> Option<Role> {
        Self::ALL.iter().copied().find(|r| r.key() == key)
    }

    pub fn required(self) -> bool {
        Self::REQUIRED.contains(&self)
    }

    /// The role's key in `[roles]`, for load errors.
    pub fn key(self) -> &'static str {
        match self {
            Role::City => "city",
            Role::Year => "year",
            Role::Fund => "fund",
            Role::Unit => "unit",
            Role::Version => "version",
            Role::Date => "date",
            Role::Preparer => "preparer",
            Role::Phone => "phone",
            Role::Remark => "remark",
            Role::Initial => "initial",
            Role::Budget => "budget",
            Role::Arrived => "arrived",
            Role::Spent => "spent",
            Role::Annual => "annual",
            Role::Executed => "executed",
            Role::FundWeight => "fund_weight",
            Role::Acceptance => "acceptance",
            Role::Satisfaction => "satisfaction",
        }
    }
}

/// The `[roles]` table: role → field id, checked against the form's
/// fields on load.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Roles(BTreeMap<Role, String>);

impl Roles {
    /// The field id playing `role`, if the form gives one.
    pub fn get(&self, role: Role) -> Option<&str> {
        self.0.get(&role).map(String::as_str)
    }

    /// Every (role, field id) the form gives.
    pub fn iter(&self) -> impl Iterator<Item = (Role, &str)> {
        self.0.iter().map(|(r, id)| (*r, id.as_str()))
    }

    /// The role a field plays, if any.
    pub fn of(&self, id: &str) -> Option<Role> {
        self.0.iter().find(|(_, f)| f.as_str() == id).map(|(r, _)| *r)
    }
}
