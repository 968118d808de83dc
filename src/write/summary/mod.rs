//! Fills the styled summary template (省级汇总表模板.xlsx) with
//! umya-spreadsheet: one sheet per table of the report, city rows in the
//! report's order, 合计 rows as live formulas whose cached results every
//! reader sees without recalculating.

use crate::allocate::Allocation;
use crate::calc;
use crate::cellref::CellRef;
use crate::consolidate::{ProvinceSummary, TargetActual};
use crate::decisions::Record;
use crate::findings::Finding;
use crate::roster::Roster;
use crate::rounds::Comparison;
use crate::spec::{SheetRole, SummarySheet, SummarySpec};
use rust_decimal::Decimal;
use umya_spreadsheet::{Style, Workbook, Worksheet};

mod allocation;
mod cities;
pub mod fingerprint;
mod sheets;
mod table;
#[cfg(test)]
mod tests;

use table::*;

/// Why a summary workbook could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    #[error("汇总表模板无法打开，请检查模板文件是否完好")]
    Template(#[source] umya_spreadsheet::XlsxError),
    #[error("汇总表模板缺少工作表“{0}”")]
    MissingSheet(String),
    #[error("汇总表配置缺少资金分配测算表")]
    NoAllocationSheet,
    #[error("汇总表写出失败：{0}")]
    Write(#[source] umya_spreadsheet::XlsxError),
    #[error("生成汇总表时程序内部出错（{0}）")]
    Panicked(#[from] crate::isolate::Panicked),
}

type Res<T> = Result<T, SummaryError>;

/// What every printed page carries besides the table: the run's date and
/// the result's fingerprint.
pub struct Print<'a> {
    /// When the run started: the workbook's created and modified times
    /// (from the caller: the page has no clock of its own).
    pub now: chrono::DateTime<chrono::FixedOffset>,
    /// The run's date as an official table prints it (2026年12月6日).
    pub date: String,
    pub fingerprint: &'a crate::fingerprint::Fingerprint,
}

/// What the summary workbook shows besides its tables' figures.
pub struct Contents<'a> {
    pub summary: &'a ProvinceSummary,
    pub roster: &'a Roster,
    pub comparison: Option<&'a Comparison>,
    pub findings: &'a [Finding],
    pub decisions: &'a Record,
    /// Words the findings.
    pub form: &'a crate::spec::FormSpec,
    /// 附件2 佐证材料清单 (empty when the set declares none).
    pub listing: &'a [crate::submission::ListingRow],
}

/// Fills the template and returns the xlsx bytes. umya runs isolated: a
/// panic inside it becomes `Err`.
pub fn summary_workbook(template: &[u8], spec: &SummarySpec, c: &Contents, print: &Print) -> Res<Vec<u8>> {
    crate::isolate::isolate(|| fill(template, spec, c, print))?
}

fn fill(template: &[u8], spec: &SummarySpec, c: &Contents, print: &Print) -> Res<Vec<u8>> {
    let (s, decisions) = (c.summary, c.decisions);
    let mut book: Workbook = umya_spreadsheet::reader::xlsx::read_reader(std::io::Cursor::new(template), true)
        .map_err(SummaryError::Template)?;
    for sheet in &spec.sheets {
        let ws = book.sheet_by_name_mut(&sheet.name).map_err(|_| SummaryError::MissingSheet(sheet.name.clone()))?;
        let mut t = Table::new(ws, sheet);
        match sheet.role {
            SheetRole::Targets => t.targets(s),
            SheetRole::Allocation => t.allocation(&s.allocation),
            SheetRole::Roster => t.roster(c.roster, c.comparison, &decisions.state()),
            SheetRole::Findings => t.findings(c.findings, c.form),
            SheetRole::Decisions => t.decisions(decisions, c.form),
            SheetRole::Cities => t.cities(s),
            SheetRole::Listing => t.listing(c.listing),
        }
        if sheet.role.of_city_figures() {
            t.note_corrections(s, &decisions.corrections);
        }
        t.fit_rows();
        frame(ws_of(&mut book, &sheet.name)?, &sheet.name, &spec.department, &decisions.state(), print);
    }
    fingerprint::sheet(&mut book, print, &spec.department, &decisions.state())?;
    book.set_active_sheet(0);
    let props = book.properties_mut();
    props.set_title(format!("{}年{}绩效自评汇总表", s.year, s.fund));
    props.set_subject(format!("{}年{}绩效自评", s.year, s.fund));
    props.set_company(spec.department.clone());
    props.set_creator("selfeval");
    let now = print.now.with_timezone(&chrono::Utc).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    props.set_created(now.clone());
    props.set_modified(now);
    crate::marker::mark_umya(&mut book, crate::marker::Kind::Summary);
    let mut out = Vec::new();
    umya_spreadsheet::writer::xlsx::write_writer(&book, &mut out).map_err(SummaryError::Write)?;
    Ok(out)
}

fn ws_of<'b>(book: &'b mut Workbook, name: &str) -> Res<&'b mut Worksheet> {
    book.sheet_by_name_mut(name).map_err(|_| SummaryError::MissingSheet(name.to_string()))
}

/// The printed page's header and footer: 制表单位 left, the table's name
/// centre with 草稿（…）/ 定稿 on a line of its own below it (however long
/// the status, it never runs into the left and right parts, which are one
/// line), the run's date right; the fingerprint and page numbers below.
fn frame(ws: &mut Worksheet, name: &str, department: &str, state: &str, print: &Print) {
    let hf = ws.header_footer_mut();
    hf.odd_header_mut().set_value(format!(
        "&L&\"宋体\"&9制表单位：{department}&C&\"黑体\"&10{name}\n&\"宋体\"&9{state}&R&\"宋体\"&9制表日期：{}",
        print.date
    ));
    hf.odd_footer_mut()
        .set_value(format!("&L&\"宋体\"&9指纹：{}&C&\"宋体\"&9第 &P 页 共 &N 页", print.fingerprint.short()));
}

/// The allocation sheet alone (`selfeval allocate`): the template with
/// every other sheet removed, for planning next year's allocation.
pub fn allocation_workbook(template: &[u8], spec: &SummarySpec, allocation: &Allocation) -> Res<Vec<u8>> {
    crate::isolate::isolate(|| {
        let mut book: Workbook = umya_spreadsheet::reader::xlsx::read_reader(std::io::Cursor::new(template), true)
            .map_err(SummaryError::Template)?;
        let sheet =
            spec.sheets.iter().find(|s| s.role == SheetRole::Allocation).ok_or(SummaryError::NoAllocationSheet)?;
        let others: Vec<String> =
            spec.sheets.iter().filter(|s| s.role != SheetRole::Allocation).map(|s| s.name.clone()).collect();
        for name in others {
            let _ = book.remove_sheet_by_name(&name);
        }
        let ws = book.sheet_by_name_mut(&sheet.name).map_err(|_| SummaryError::MissingSheet(sheet.name.clone()))?;
        // Sheet-local names (print titles) keep the index the sheet had in
        // the full template; it is now the only sheet. A stale index makes
        // the file unreadable to LibreOffice and repaired by Excel.
        for name in ws.defined_names_mut().iter_mut().filter(|n| n.has_local_sheet_id()) {
            name.set_local_sheet_id(0);
        }
        Table::new(ws, sheet).allocation(allocation);
        book.set_active_sheet(0);
        crate::marker::mark_umya(&mut book, crate::marker::Kind::Allocation);
        let mut out = Vec::new();
        umya_spreadsheet::writer::xlsx::write_writer(&book, &mut out).map_err(SummaryError::Write)?;
        Ok(out)
    })?
}
