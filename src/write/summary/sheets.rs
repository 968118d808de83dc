//! 表1-1 (targets), 报送情况, 问题清单 and 核实与更正记录, each a method on the table.

use super::*;

impl Table<'_> {
    /// The 绩效目标表 block above 表1-1: labels, and each value from the
    /// params (资金总额 from the fund's total).
    pub(super) fn block(&mut self, s: &ProvinceSummary) {
        let rows = self.spec.block.clone();
        for (i, b) in rows.iter().enumerate() {
            let r = 3 + i as u32; // 1-based: title, note, then the block
            let value = if b.param.starts_with("资金总额") {
                calc::fmt_num(s.total)
            } else {
                s.profile.iter().find(|(k, _)| *k == b.param).map(|(_, v)| v.clone()).unwrap_or_default()
            };
            self.ws.cell_mut((1, r)).set_value_string(&b.label);
            if !b.sub.is_empty() {
                self.ws.cell_mut((2, r)).set_value_string(b.sub.replace("{year}", &s.year.to_string()));
            }
            self.ws.cell_mut((3, r)).set_value_string(&value);
            let width: f64 = self.spec.columns.iter().skip(2).map(|c| c.width).sum();
            let n = crate::write::est_lines(&value, width * 1.3);
            let e = self.lines.entry(r).or_insert(1);
            *e = (*e).max(n);
        }
    }

    pub(super) fn targets(&mut self, s: &ProvinceSummary) {
        self.block(s);
        self.merge_runs(s.targets.iter().map(|t| t.level1.as_str()).collect(), "level1");
        let pairs: Vec<String> = s.targets.iter().map(|t| format!("{}\u{1f}{}", t.level1, t.level2)).collect();
        self.merge_runs(pairs.iter().map(String::as_str).collect(), "level2");
        for (i, t) in s.targets.iter().enumerate() {
            let r = self.row(i);
            self.put(r, "level1", V::Text(&t.level1), false);
            self.put(r, "level2", V::Text(&t.level2), false);
            self.put(r, "level3", V::Text(&t.level3), false);
            self.put(r, "target", V::Text(&t.target), false);
            match &t.actual {
                Some(TargetActual::Number(d)) => {
                    self.put(r, "actual", V::Num(*d), false);
                    if d.fract().is_zero() {
                        self.format(r, "actual", "0");
                    }
                }
                Some(TargetActual::Percent(p)) => {
                    self.put(r, "actual", V::Pct(*p), false);
                    self.format(r, "actual", "0.00%");
                }
                Some(TargetActual::Text(x)) => self.put(r, "actual", V::Text(x), false),
                None => self.put(r, "actual", V::Blank, false),
            }
            match t.rate {
                Some(p) => self.put(r, "rate", V::Pct(p), false),
                None => self.put(r, "rate", V::Blank, false),
            }
            let met = match t.met {
                Some(true) => "达成",
                Some(false) => "未达成",
                None => "无法判断",
            };
            self.put(r, "met", V::Text(met), false);
            self.put(r, "note", V::Text(&t.note), false);
        }
    }

    /// 报送情况: one row per expected city, as the console prints it,
    /// with the batch's one-line state in the note row.
    pub(super) fn roster(&mut self, roster: &Roster, comparison: Option<&Comparison>, state: &str) {
        if self.spec.note.is_some() {
            let round = match comparison {
                Some(c) => format!(
                    "第 {} 轮（与 {} 的第 {} 轮结果比较）。{}。",
                    c.round, c.generated_at, c.previous_round, c.batch_line
                ),
                None => "第 1 轮。".to_string(),
            };
            let note = format!("{state}。{round}{}。{}", roster.batch_line(), self.spec.note.as_deref().unwrap_or(""));
            self.ws.cell_mut((1, 2)).set_value_string(note);
            self.ws.row_dimension_mut(2).set_height(30.0).set_custom_height(true);
        }
        for (i, c) in roster.cities.iter().enumerate() {
            let r = self.row(i);
            self.put(r, "seq", V::Num(Decimal::from(i + 1)), false);
            self.put(r, "city", V::Text(&c.city), false);
            self.put(r, "status", V::Text(c.status.zh()), false);
            self.put(r, "in_totals", V::Text(if c.in_totals { "是" } else { "否" }), false);
            self.put(r, "file", V::Text(c.file.as_deref().unwrap_or("")), false);
            let others = other_files_cell(&c.other_files);
            self.put(r, "others", V::Text(&others), false);
            self.put(r, "date", V::Text(c.date.as_deref().unwrap_or("")), false);
            let received = c.status != crate::roster::CityStatus::NotReceived;
            for (k, n) in [("errors", c.errors), ("warnings", c.warnings)] {
                self.put(r, k, if received { V::Num(Decimal::from(n)) } else { V::Blank }, false);
            }
            self.put(r, "reason", V::Text(&c.reason), false);
            let change = comparison.and_then(|x| x.of(&c.city)).map(|x| x.line.as_str()).unwrap_or("");
            self.put(r, "change", V::Text(change), false);
            // The rest of the submission (a template set with a
            // submission.toml declares these columns).
            let report = c.submission.as_ref().and_then(|s| s.report()).unwrap_or("未报送");
            self.put(r, "report", V::Text(report), false);
            let evidence = match c.submission.as_ref().map(|s| s.evidence()).unwrap_or(0) {
                0 => "未报送".to_string(),
                n => format!("{n} 个文件"),
            };
            self.put(r, "evidence", V::Text(&evidence), false);
        }
    }

    /// 附件2 佐证材料清单: 类型 on each group's first line only, as the
    /// report prints it (a group runs over pages; a cell merged across a
    /// page break prints its words on none of them).
    pub(super) fn listing(&mut self, rows: &[crate::submission::ListingRow]) {
        for (i, row) in rows.iter().enumerate() {
            let r = self.row(i);
            self.put(r, "type", V::Text(&row.kind), false);
            self.put(r, "code", V::Text(&row.code), false);
            self.center(r, "code");
            self.put(r, "name", V::Text(&row.name), false);
        }
    }

    pub(super) fn findings(&mut self, findings: &[Finding], form: &crate::spec::FormSpec) {
        if findings.is_empty() {
            let r = self.row(0);
            self.put(r, "seq", V::Text(""), false);
            self.put(r, "message", V::Text("未发现问题：全部地市自评表通过校验。"), false);
            return;
        }
        for (i, f) in findings.iter().enumerate() {
            let r = self.row(i);
            self.put(r, "seq", V::Num(Decimal::from(i + 1)), false);
            self.format(r, "seq", "0");
            self.center(r, "seq");
            self.put(r, "severity", V::Text(f.severity.zh()), false);
            self.put(r, "code", V::Text(f.code.id()), false);
            self.put(r, "city", V::Text(f.city.as_deref().unwrap_or("")), false);
            self.put(r, "file", V::Text(&f.file), false);
            self.put(r, "sheet", V::Text(f.sheet.as_deref().unwrap_or("")), false);
            let cell = f.cell.map(|c| c.to_string()).unwrap_or_default();
            self.put(r, "cell", V::Text(&cell), false);
            self.put(r, "message", V::Text(&f.message(form)), false);
            let expected = crate::write::feedback::expected_shown(f);
            self.put(r, "expected", V::Text(&expected), false);
            self.put(r, "found", V::Text(f.found.as_deref().unwrap_or("")), false);
            self.put(r, "fix", V::Text(&f.fix(form)), false);
        }
    }
}

impl Table<'_> {
    /// 核实与更正记录: every applied decision, corrections first.
    pub(super) fn decisions(&mut self, d: &crate::decisions::Record, form: &crate::spec::FormSpec) {
        use crate::decisions::Closure;
        let mut rows: Vec<[String; 8]> = d
            .corrections
            .iter()
            .map(|c| {
                let status = match &c.follows {
                    Some(f) => format!(
                        "已更正（随“{}”重算）",
                        d.corrections.iter().find(|x| &x.field == f).map(|x| x.label.as_str()).unwrap_or(f)
                    ),
                    None => c.state_zh(),
                };
                let label = format!("{}（{}）", c.label, c.place);
                [
                    c.city.clone(),
                    label,
                    c.original.clone(),
                    c.value.clone(),
                    c.basis.clone(),
                    c.clerk.clone(),
                    c.date.clone(),
                    status,
                ]
            })
            .collect();
        rows.extend(d.closed.iter().filter(|c| c.closure == Closure::Verified).map(|c| {
            let f = &c.finding;
            let label = format!("[{}] {}", f.code.id(), f.message(form));
            [
                f.city.clone().unwrap_or_default(),
                label,
                f.found.clone().unwrap_or_default(),
                String::new(),
                c.basis.clone(),
                c.clerk.clone(),
                c.date.clone(),
                "已核实无误".to_string(),
            ]
        }));
        if rows.is_empty() {
            let r = self.row(0);
            self.put(r, "seq", V::Text(""), false);
            self.put(
                r,
                "label",
                V::Text("尚无核实与更正：在本次结果的 核实与更正.xlsx 中填写处理后再运行一次。"),
                false,
            );
            return;
        }
        let keys = ["city", "label", "original", "value", "basis", "clerk", "date", "status"];
        for (i, row) in rows.iter().enumerate() {
            let r = self.row(i);
            self.put(r, "seq", V::Num(Decimal::from(i + 1)), false);
            self.format(r, "seq", "0");
            self.center(r, "seq");
            for (k, t) in keys.iter().zip(row) {
                self.put(r, k, V::Text(t), false);
            }
        }
    }

    /// A note on each city cell whose figure the province corrected:
    /// 原填 1606700，省级更正为 160.67，依据….
    pub(super) fn note_corrections(&mut self, s: &ProvinceSummary, corrections: &[crate::decisions::Correction]) {
        // One note a cell: two corrections under one merged 待修正 cell share it.
        let mut notes: Vec<(CellRef, String)> = Vec::new();
        for c in corrections {
            let Some(i) = s.rows.iter().position(|r| r.issued.name == c.city) else { continue };
            let Some(col) = self.spec.columns.iter().position(|k| k.field.as_deref().unwrap_or(&k.key) == c.field)
            else {
                continue;
            };
            let r = self.row(1) + i as u32;
            let at = self.visible(CellRef::new(r, col as u32));
            match notes.iter_mut().find(|(cell, _)| *cell == at) {
                Some((_, text)) => {
                    text.push('\n');
                    text.push_str(&c.note());
                }
                None => notes.push((at, c.note())),
            }
        }
        for (at, text) in notes {
            let mut note = umya_spreadsheet::Comment::default();
            note.new_comment(at.to_string());
            note.set_author("selfeval");
            note.set_text_string(text);
            self.ws.add_comments(note);
        }
    }

    /// The cell a reader sees at `at`: the first cell of the merged range
    /// holding it (a note under the rest of a merge is hidden), else itself.
    fn visible(&self, at: CellRef) -> CellRef {
        self.ws
            .merge_cells()
            .iter()
            .filter_map(|m| crate::cellref::CellRange::parse(&m.range()).ok())
            .find(|m| m.contains(at))
            .map(|m| m.first)
            .unwrap_or(at)
    }
}

/// The 其他文件 cell of 报送情况: one name a line, at most a few, then the
/// count (a cell holds 32,767 characters; report.json lists them all).
pub(super) fn other_files_cell(files: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut lines: Vec<&str> = files.iter().take(SHOWN).map(String::as_str).collect();
    let more;
    if files.len() > SHOWN {
        more = format!("…（共 {} 个文件，详见 report.json）", files.len());
        lines.push(&more);
    }
    lines.join("\n")
}
