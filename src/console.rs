//! What a person sees in the terminal: the progress bar while files are
//! checked, and the Chinese summary at the end. Presentation only; the
//! library decides, this module prints.

use selfeval::findings::{self, Severity};
use selfeval::model::InputStatus;
use selfeval::{overview, RunOutcome};
use std::fmt::Write as _;

/// A progress bar on stderr, shown only when stderr is a terminal.
pub struct Bar(indicatif::ProgressBar);

impl Bar {
    pub fn new(show: bool) -> Self {
        use std::io::IsTerminal;
        if !show || !std::io::stderr().is_terminal() {
            return Bar(indicatif::ProgressBar::hidden());
        }
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} 正在校验 {wide_msg}") {
            bar.set_style(style);
        }
        Bar(bar)
    }
}

impl selfeval::Progress for Bar {
    fn start(&self, files: usize) {
        self.0.set_length(files as u64);
    }
    fn file(&self, name: &str) {
        self.0.set_message(name.to_string());
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// Columns a text takes on a terminal (a Chinese character takes two).
fn display_width(t: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(t)
}

/// `t` padded with spaces to `w` terminal columns.
fn pad(t: &str, w: usize) -> String {
    format!("{t}{}", " ".repeat(w.saturating_sub(display_width(t))))
}

/// The short Chinese summary printed at the end of a run. With a summary
/// the table is 报送情况, one line per expected city, as the summary's
/// sheet of that name says it; files filed under no city follow.
pub fn summary(o: &RunOutcome) -> String {
    let mut s = String::new();
    head(o, &mut s);
    match &o.roster {
        Some(roster) => city_table(o, roster, &mut s),
        None => file_table(o, &mut s),
    }
    tail(o, &mut s);
    s
}

/// The round, the register and what it did, what was read.
fn head(o: &RunOutcome, s: &mut String) {
    let _ = writeln!(s, "{}", overview::round_line(o));
    if let Some(c) = &o.comparison {
        let _ = writeln!(s, "{}", c.batch_line);
    }
    let _ = writeln!(s, "{}", overview::register_line(o));
    let not_applied = o.decisions.not_applied(&o.setup.templates.form);
    for line in not_applied.iter().take(10) {
        let _ = writeln!(s, "  {line}");
    }
    if not_applied.len() > 10 {
        let _ = writeln!(s, "  ……共 {} 行未执行，见 核实与更正.xlsx 的“状态”栏", not_applied.len());
    }
    for c in o.decisions.corrections.iter().filter(|c| c.follows.is_none()) {
        let _ = writeln!(s, "  {} {}（{}）更正为 {}：{}", c.city, c.label, c.place, c.value, c.state_zh());
    }
    let _ = writeln!(s, "使用：{}；参数：{}", o.templates_origin, o.params_origin);
    let readable = o.inputs.iter().filter(|r| r.status != InputStatus::Unreadable).count();
    let _ = writeln!(s, "读取工作簿 {} 个（可读 {readable} 个）", o.inputs.len());
}

/// 报送情况: one line per expected city, then the files left over.
fn city_table(o: &RunOutcome, roster: &selfeval::roster::Roster, s: &mut String) {
    let _ = writeln!(s, "{}", overview::counted_line(o).unwrap_or_default());
    let cov = roster.coverage();
    if !cov.complete() {
        let _ = writeln!(s, "{}", cov.total_label());
    }
    let width =
        roster.cities.iter().map(|c| display_width(c.file.as_deref().unwrap_or("—"))).max().unwrap_or(4).clamp(4, 60);
    let change_head = if o.comparison.is_some() { "  与上次相比" } else { "" };
    let _ = writeln!(s, "\n{}  {}  错误  警告  计入合计  状态{change_head}", pad("城市", 8), pad("文件", width));
    for c in overview::city_lines(o) {
        let change = if o.comparison.is_some() { format!("  {}", c.change) } else { String::new() };
        let _ = writeln!(
            s,
            "{}  {}  {:>4}  {:>4}  {}  {}{change}",
            pad(&c.city, 8),
            pad(&c.file, width),
            c.errors,
            c.warnings,
            pad(c.in_totals, 8),
            if o.comparison.is_some() { pad(c.status, 14) } else { c.status.to_string() }
        );
    }
    let loose = overview::loose_lines(o);
    if !loose.is_empty() {
        let _ = writeln!(s, "\n未采用或无法归属地市的文件：");
        for line in loose {
            let _ = writeln!(s, "  {line}");
        }
    }
}

/// Without a summary (`check`): one line per file.
fn file_table(o: &RunOutcome, s: &mut String) {
    let width = o.inputs.iter().map(|r| display_width(&r.file)).max().unwrap_or(4).clamp(4, 60);
    let _ = writeln!(s, "\n{}  {}  错误  警告  状态", pad("城市", 8), pad("文件", width));
    for r in &o.inputs {
        let status = r.status.zh(r.warnings);
        let city = r.city.as_deref().unwrap_or("—");
        let _ = writeln!(s, "{}  {}  {:>4}  {:>4}  {status}", pad(city, 8), pad(&r.file, width), r.errors, r.warnings);
    }
}

/// The counts, 草稿 / 定稿, the first errors and what was written.
fn tail(o: &RunOutcome, s: &mut String) {
    let (e, _, _) = findings::counts(&o.findings);
    let d = &o.decisions;
    let _ = writeln!(s, "\n{}", overview::counts_line(o));
    if o.roster.is_some() {
        let _ = writeln!(s, "汇总表状态：{}", d.state());
    }
    if e > 0 {
        let _ = writeln!(s, "前几个错误：");
        for f in o.findings.iter().filter(|f| f.severity == Severity::Error).take(5) {
            let place = f.place();
            let _ = writeln!(s, "  [{}] {} {} {}", f.code.id(), f.file, place, f.message(&o.setup.templates.form));
        }
    }
    let _ = writeln!(s, "\n结果已保存到：{}", o.out_dir.display());
    let mut feedback = 0;
    for p in &o.written {
        if p.parent() == Some(o.out_dir.as_path()) {
            let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let _ = writeln!(s, "  {name}");
        } else {
            feedback += 1;
        }
    }
    if feedback > 0 {
        let _ = writeln!(s, "  反馈/（{feedback} 个文件：各地市的校验报告，以及有问题的工作簿的标注副本）");
    }
}

/// `run --final` when the result would not be 定稿: nothing was written.
pub fn not_final(o: &RunOutcome) -> String {
    use std::fmt::Write as _;
    let d = &o.decisions;
    let mut s = String::new();
    let _ = writeln!(s, "{}", overview::register_line(o));
    let _ = writeln!(s, "未定稿：{}。按 --final 的要求，本次没有写出任何文件。", d.state());
    let open = d.open(&o.setup.templates.form);
    let _ = writeln!(s, "尚未完成的事项（{} 项）：", open.len());
    for line in &open {
        let _ = writeln!(s, "  {line}");
    }
    let _ = writeln!(s, "请在 核实与更正.xlsx 中逐项处理（或请地市改正后重新报送），再运行 selfeval run --final。");
    s
}

/// `selfeval verify`'s verdict, in Chinese: first the conclusion, then
/// each changed file (by city), each differing part and each differing
/// cell with both values.
pub fn verification(v: &selfeval::verify::Verification, summary: &std::path::Path) -> String {
    use selfeval::verify::FileChange;
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "核验：{}", summary.display());
    let _ = writeln!(s, "按材料重新计算的指纹：{}", v.current.sha256);
    match &v.recorded {
        Some(r) => {
            let _ = writeln!(s, "汇总表记录的指纹：    {}", r.sha256);
        }
        None => {
            let _ = writeln!(s, "汇总表中没有“核验指纹”工作表（由较早版本生成，或被删除）：只能比较数字，无法确认材料是否为生成时的文件。");
        }
    }
    if v.holds() {
        let _ = writeln!(
            s,
            "\n核验通过：汇总表的全部数字与材料重新计算的结果完全一致，材料与生成汇总表时的文件相同（{} 个文件）。",
            v.current.inputs.len()
        );
        return s;
    }
    let _ = writeln!(s, "\n核验未通过：");
    if v.recorded.is_some() && !v.recorded_consistent {
        let _ = writeln!(s, "  “核验指纹”工作表中的数字与其记录的指纹不符：该表被改动过。");
    }
    for f in &v.files {
        let (file, city, what) = match f {
            FileChange::Changed { file, city } => (file, city, "内容与生成汇总表时不同（文件被修改或替换）"),
            FileChange::Missing { file, city } => (file, city, "在材料文件夹中找不到（生成汇总表时有这份文件）"),
            FileChange::Added { file, city } => (file, city, "是生成汇总表之后才放进材料文件夹的"),
        };
        let who = city.as_deref().map(|c| format!("{c}的")).unwrap_or_default();
        let _ = writeln!(s, "  {who}文件 {file} {what}");
    }
    for p in &v.parts {
        let _ = writeln!(
            s,
            "  {p}与生成汇总表时不同（请给出当时所用的 --decisions / --templates / --params / --previous）"
        );
    }
    for m in &v.missing_sheets {
        let _ = writeln!(s, "  汇总表缺少工作表“{m}”");
    }
    if !v.cells.is_empty() {
        let _ = writeln!(s, "  以下 {} 个单元格与材料重新计算的结果不同：", v.cells.len());
        for c in &v.cells {
            let _ = writeln!(s, "    {}!{}：汇总表中为“{}”，按材料应为“{}”", c.sheet, c.cell, c.found, c.expected);
        }
    }
    s
}
