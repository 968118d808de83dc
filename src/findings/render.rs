//! A finding's words, made once when an output shows it: the template
//! (the template set's `[messages]`, else the catalog's) filled in one
//! pass from the finding's named arguments and the form's own words,
//! then what folding noted. Slots are checked when the template set
//! loads (`spec::wording`), so nothing here can meet an unknown one from
//! a template; text quoted from a workbook is never read as a template.

use super::{brief, Code, Finding, Note, MAX_MESSAGE};
use serde::ser::{SerializeStruct, Serializer};
use std::borrow::Cow;

/// Fills `{name}` slots of `template` in one pass with what `slot` gives;
/// a slot it has no word for stays as written.
pub fn render_with<'v>(template: &str, slot: &dyn Fn(&str) -> Option<Cow<'v, str>>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| slot(&after[..close]).map(|v| (close, v))) {
            Some((close, value)) => {
                out.push_str(&value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// [`render_with`] from a fixed list of (slot, value).
pub fn render(template: &str, slots: &[(&str, &str)]) -> String {
    render_with(template, &|k| slots.iter().find(|(n, _)| *n == k).map(|(_, v)| Cow::Borrowed(*v)))
}

/// What a template set says of findings: each code's title, message and
/// fix (its own `[messages]`, else the catalog's), and the word its form
/// gives a slot that names no argument (`{r:spent}`, the label of the
/// field playing that role this year; `{budget_document}`). The form
/// (`spec::FormSpec`) is one; findings know no more of it than this.
pub trait Words: std::fmt::Debug {
    fn title_of(&self, code: Code) -> &str;
    fn message_of(&self, code: Code) -> &str;
    fn fix_of(&self, code: Code) -> &str;
    /// `None` for a slot that is not one of the form's words.
    fn word_for(&self, slot: &str) -> Option<Cow<'_, str>>;
}

impl Finding {
    /// The template's words for this finding, before folding's notes.
    fn fill(&self, template: &str, w: &dyn Words) -> String {
        let text = render_with(template, &|k| match k {
            "label" => Some(Cow::Borrowed(self.label.as_str())),
            "expected" => Some(Cow::Borrowed(self.expected.as_deref().unwrap_or("（无）"))),
            "found" => Some(Cow::Borrowed(self.found.as_deref().unwrap_or("（空）"))),
            "detail" => Some(Cow::Borrowed(self.detail.as_str())),
            _ => w.word_for(k),
        });
        brief(&text, MAX_MESSAGE).into_owned()
    }

    /// What is wrong, in the template set's words.
    pub fn message(&self, w: &dyn Words) -> String {
        let mut text = self.fill(w.message_of(self.code), w);
        for note in &self.notes {
            match note {
                Note::Also(other) => {
                    text.push('；');
                    text.push_str(&other.message(w));
                }
                Note::SameIn { sheet, cell, label } => {
                    let cell = cell.map(|c| c.to_string()).unwrap_or_default();
                    text.push_str(&format!("；“{sheet}”表 {cell}（{label}）同样如此"));
                }
                Note::Therefore(labels) => {
                    text.push_str(&format!("；因此{}也不对，改正此处后会一并消除", labels.join("、")));
                }
            }
        }
        text
    }

    /// How to fix it (如何修改), in the template set's words.
    pub fn fix(&self, w: &dyn Words) -> String {
        self.fill(w.fix_of(self.code), w)
    }

    /// The code's short title in the template set's words.
    pub fn title<'w>(&self, w: &'w dyn Words) -> &'w str {
        w.title_of(self.code)
    }

    /// The finding as report.json and `check --json` show it.
    pub fn shown<'a>(&'a self, words: &'a dyn Words) -> Shown<'a> {
        Shown { finding: self, words }
    }
}

/// A finding with the template set that words it, serialised with its
/// message and fix made: what report.json and `check --json` hold.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a> {
    pub finding: &'a Finding,
    pub words: &'a dyn Words,
}

impl serde::Serialize for Shown<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = self.finding;
        let mut m = s.serialize_struct("Finding", 14)?;
        m.serialize_field("severity", &f.severity)?;
        m.serialize_field("code", f.code.id())?;
        m.serialize_field("file", &f.file)?;
        m.serialize_field("city", &f.city)?;
        m.serialize_field("sheet", &f.sheet)?;
        m.serialize_field("cell", &f.cell)?;
        m.serialize_field("message", &f.message(self.words))?;
        m.serialize_field("expected", &f.expected)?;
        m.serialize_field("found", &f.found)?;
        m.serialize_field("fix", &f.fix(self.words))?;
        m.serialize_field("field", &f.field)?;
        if f.related.is_empty() {
            m.skip_field("related")?;
        } else {
            m.serialize_field("related", &f.related)?;
        }
        match &f.change {
            Some(c) => m.serialize_field("change", c)?,
            None => m.skip_field("change")?,
        }
        match &f.words {
            Some(w) => m.serialize_field("detail", w)?,
            None => m.skip_field("detail")?,
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Code, Loc, MAX_TEXT};
    use super::*;
    use crate::cellref::CellRef;

    fn at(sheet: &str, cell: &str, label: &str) -> Loc {
        Loc::cell(sheet, CellRef::parse(cell).unwrap(), label)
    }

    #[test]
    fn a_finding_never_quotes_more_than_fits() {
        let huge = "长".repeat(40_000);
        let f = Finding::at(Code::FileUnreadable, &Loc::file(), None, Some(huge.clone()), &huge);
        assert!(f.found.as_deref().is_some_and(|t| t.chars().count() < MAX_TEXT + 30));
        let m = f.message(&crate::testkit::form());
        assert!(m.chars().count() <= MAX_MESSAGE + 30, "{}", m.chars().count());
    }

    #[test]
    fn text_from_a_workbook_is_never_a_template() {
        let loc = at("任务完成", "C5", "改造户数（户）");
        let f = Finding::at(Code::WrongType, &loc, Some("整数".into()), Some("{detail}{label}{r:spent}".into()), "X");
        assert_eq!(f.message(&crate::testkit::form()), "“改造户数（户）”应填写整数，实为“{detail}{label}{r:spent}”");
    }

    #[test]
    fn template_is_filled() {
        let loc = at("资金执行", "B7", "支出率");
        let f = Finding::at(Code::SpendRateMismatch, &loc, Some("45.64%".into()), Some("46.00%".into()), "");
        let m = f.message(&crate::testkit::form());
        assert_eq!(m, "支出率应为 实际支出 ÷ 预算指标 = 45.64%，实为 46.00%");
        assert_eq!(f.place(), "资金执行!B7");
        assert_eq!(f.severity, crate::findings::Severity::Error);
    }

    #[test]
    fn the_year_s_labels_fill_the_message_and_workbook_text_stays_text() {
        let form = crate::testkit::form();
        let renamed = crate::spec::FormSpec::from_toml(
            &include_str!("../../templates/old-communities/2024/form.toml")
                .replace("text = \"实际支出\"", "text = \"实际支出数\""),
            "t",
        )
        .unwrap();
        let loc = at("资金执行", "B7", "支出率");
        let f = Finding::at(Code::SpendRateMismatch, &loc, Some("1%".into()), Some("{r:spent}".into()), "");
        assert_eq!(f.message(&renamed), "支出率应为 实际支出数 ÷ 预算指标 = 1%，实为 {r:spent}");
        assert!(f.fix(&renamed).contains("实际支出数 ÷ 预算指标"), "{}", f.fix(&renamed));
        assert!(f.message(&form).starts_with("支出率应为 实际支出 ÷"), "{}", f.message(&form));
        let h = Finding::at(Code::BudgetMismatch, &loc, None, None, "");
        assert!(h.fix(&form).contains("粤财建〔2023〕77号"), "{}", h.fix(&form));
    }

    /// The catalog names no fund and no measure; the 2024 set's
    /// `[messages]` gives SE501 its words, and a set without them keeps the
    /// generic ones.
    #[test]
    fn a_template_set_words_its_own_findings() {
        let loc = at("任务完成", "C4", "改造建筑面积（万平方米）");
        let (band, ratio) = (Some("50–130".to_string()), Some("141.66".to_string()));
        let f = Finding::at(Code::Ratio1, &loc, band, ratio, "实际完成 107.66 万平方米 ÷ 7600 户");
        let form = crate::testkit::form();
        assert_eq!(
            f.message(&form),
            "平均每户建筑面积 141.66 平方米，超出常见范围 50–130 平方米（实际完成 107.66 万平方米 ÷ 7600 户）"
        );
        assert_eq!(f.title(&form), "户均建筑面积异常");
        assert!(f.fix(&form).contains("建筑面积（万平方米）和户数"), "{}", f.fix(&form));
        let text = crate::spec::embedded_form_text();
        let own = text.find("[messages.SE501]").unwrap();
        let next = own + text[own..].find("\n\n").unwrap();
        let plain = crate::spec::FormSpec::from_toml(&format!("{}{}", &text[..own], &text[next..]), "t").unwrap();
        assert_eq!(f.message(&plain), "比例 141.66 超出常见范围 50–130（实际完成 107.66 万平方米 ÷ 7600 户）");
        assert_eq!(f.title(&plain), Code::Ratio1.info().title);
        let e = crate::spec::FormSpec::from_toml(&text.replace("[messages.SE501]", "[messages.SE501x]"), "t");
        let e = e.unwrap_err().to_string();
        assert!(e.contains("[messages] 的 SE501x 不是问题代码"), "{e}");
        // A slot no finding fills is refused at load, not printed as "{…}";
        // a role's label and the catalog's slots load.
        let form = |from: &str, to: &str| {
            assert!(text.contains(from), "{from}");
            crate::spec::FormSpec::from_toml(&text.replacen(from, to, 1), "t").map(drop)
        };
        let e = form("超出常见范围 {expected} 户（{detail}）", "超出常见范围 {expectd} 户（{detail}）")
            .unwrap_err()
            .to_string();
        assert!(e.contains("[messages.SE502] 中的 {expectd} 不是可用的填空"), "{e}");
        let e = form("超出常见范围 {expected} 户（{detail}）", "超出常见范围 {r:spend} 户").unwrap_err().to_string();
        assert!(e.contains("{r:spend}"), "{e}");
        assert!(form("超出常见范围 {expected} 户（{detail}）", "超出 {r:spent} 与 {budget_document}").is_ok());
        // A role this form does not give is refused too.
        let green = include_str!("../../templates/green-building/2024/form.toml");
        assert!(!green.contains("\narrived ="), "green-building gives no 到位资金 role");
        let worded = format!("{green}\n[messages.SE301]\nfix = \"请核对{{r:arrived}}。\"\n");
        let e = crate::spec::FormSpec::from_toml(&worded, "t").unwrap_err().to_string();
        assert!(e.contains("{r:arrived}"), "{e}");
        let worded = format!("{green}\n[messages.SE301]\nfix = \"请核对{{r:spent}}。\"\n");
        assert!(crate::spec::FormSpec::from_toml(&worded, "t").is_ok());
    }

    /// Every built-in message and fix uses only slots a finding fills.
    #[test]
    fn the_catalog_uses_only_slots_a_finding_fills() {
        for code in Code::ALL {
            let info = code.info();
            for text in [info.template, info.fix] {
                let bad: Vec<&str> = crate::spec::targets::slots_in(text)
                    .into_iter()
                    .filter(|s| !crate::spec::is_finding_slot(s))
                    .collect();
                assert!(bad.is_empty(), "{}: {bad:?} in {text}", code.id());
            }
        }
    }

    /// What folding noted follows the message, in order, in the same words.
    #[test]
    fn notes_follow_the_message() {
        let form = crate::testkit::form();
        let loc = at("资金执行", "B4", "预算指标");
        let mut f = Finding::at(Code::LooksLikeYuan, &loc, None, Some("3500000".into()), "约为 350 万元");
        let second = Finding::at(Code::BudgetMismatch, &loc, Some("350.00".into()), Some("3500000".into()), "");
        let second_text = second.message(&form);
        f.notes.push(Note::Also(Box::new(second)));
        f.notes.push(Note::SameIn {
            sheet: "自评评分".into(),
            cell: CellRef::parse("D4").ok(),
            label: "年初预算数".into(),
        });
        f.notes.push(Note::Therefore(vec!["支出率".into(), "执行率".into()]));
        let m = f.message(&form);
        let tail = format!(
            "；{second_text}；“自评评分”表 D4（年初预算数）同样如此；因此支出率、执行率也不对，改正此处后会一并消除"
        );
        assert!(m.ends_with(&tail), "{m}");
        assert!(m.starts_with("“预算指标”为 3500000，远大于本市预算指标"), "{m}");
    }

    /// report.json's finding: the same keys in the same order as before
    /// rendering moved to output time.
    #[test]
    fn a_shown_finding_keeps_report_json_s_keys() {
        let form = crate::testkit::form();
        let f = Finding::at(Code::RequiredEmpty, &at("资金执行", "B4", "预算指标"), Some("金额".into()), None, "");
        let text = serde_json::to_string(&f.shown(&form)).unwrap();
        let want =
            ["severity", "code", "file", "city", "sheet", "cell", "message", "expected", "found", "fix", "field"];
        let at: Vec<usize> = want.iter().map(|k| text.find(&format!("\"{k}\":")).unwrap_or(usize::MAX)).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]) && at[10] != usize::MAX, "{text}");
        assert!(!text.contains("\"related\"") && !text.contains("\"change\""), "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["message"], "“预算指标”为必填项，但未填写");
        assert_eq!(v["code"], "SE201");
        assert_eq!(v["cell"], "B4");
    }
}
