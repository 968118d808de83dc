//! The annotated copy (`<城市>_标注.xlsx`): the city's own package with
//! its flagged cells filled and commented, made by editing the package,
//! not by re-serialising the workbook.
//!
//! Every zip part of the original is copied byte for byte (raw, in its
//! order, with its compression) except the few an annotation must touch:
//! the flagged sheets' XML (a style index on each marked cell, and a
//! `<legacyDrawing>` when the sheet had no comments), `xl/styles.xml`
//! (fills and formats appended, so existing indices stay), those sheets'
//! comments and VML parts and rels, `[Content_Types].xml`, and the
//! workbook part and its rels (the 标注说明 sheet and a hidden name that
//! marks the file as ours). Sheet XML is edited as a stream of byte
//! spans: untouched markup is copied as it is, whatever program wrote it.
//!
//! The copy is then proved: every part not meant to change is byte-equal
//! to the original's, the flagged sheets' XML equal token for token (every
//! value, formula and position), and every cell's style equal but the
//! marked cells' fill.
//!
//! One file a job: `package` (which parts change, the rest copied raw),
//! `sheets` (the flagged sheets' XML as byte spans), `styles` (fills and
//! formats appended), `comments` (comments and VML boxes), `workbook`
//! (rels, content types, the legend sheet and the mark), `proof`.

use crate::cellref::CellRef;
use crate::findings::{Finding, Severity};
use crate::spec::FormSpec;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Cursor, Read, Write};

/// Fill of a cell with an error: solid red.
pub const ERROR_FILL: &str = "FFFF7C80";
/// Fill of a cell with a warning: orange diagonal hatching on white, unlike
/// the form's pale yellow input shading and still visible in grey print.
pub const WARNING_FILL: &str = "FFED7D31";
/// The pattern of the warning fill.
pub const WARNING_PATTERN: &str = "lightUp";
/// Name of the 标注说明 sheet added at the end.
pub const LEGEND_SHEET: &str = "标注说明";
/// Author of our comments.
pub const AUTHOR: &str = "selfeval";
use crate::marker::MARK_NAME;

mod comments;
mod package;
mod proof;
pub use proof::{same_content, ContentDiff};
mod sheets;
mod styles;
#[cfg(test)]
mod tests;
mod workbook;

use comments::*;
use package::*;
use proof::*;
use sheets::*;
use styles::*;
use workbook::*;

const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const PKG_REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const T_WORKSHEET: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet";
const T_COMMENTS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
const T_VML: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing";
const CT_WORKSHEET: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
const CT_COMMENTS: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml";
const CT_VML: &str = "application/vnd.openxmlformats-officedocument.vmlDrawing";

/// Why no faithful annotated copy could be made, in words for a clerk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnnotateError {
    #[error("文件的压缩包结构本程序无法安全复制")]
    Zip,
    #[error("文件缺少“{0}”部分，本程序无法在其中做标注")]
    MissingPart(String),
    #[error("文件中“{0}”部分的写法本程序无法安全修改")]
    Xml(String),
    #[error("复制后自动核对发现副本与原文件有差异（{0}），为避免误导未生成标注副本")]
    Proof(String),
}

type Res<T> = Result<T, AnnotateError>;

/// What goes on one cell: the worst severity and every message.
struct Note<'a> {
    severity: Severity,
    findings: Vec<&'a Finding>,
}

/// A copy of `original` with each finding's cells marked and commented,
/// proved faithful; see the module doc.
pub fn annotated_copy(original: &[u8], findings: &[Finding], form: &FormSpec) -> Res<Vec<u8>> {
    crate::isolate::isolate(|| build(original, findings, form))
        .unwrap_or(Err(AnnotateError::Xml("文件内部结构".into())))
}

fn build(original: &[u8], findings: &[Finding], form: &FormSpec) -> Res<Vec<u8>> {
    let notes = notes_by_cell(findings);
    let mut pkg = Package::open(original)?;
    let wb_path = pkg.workbook_path()?;
    let wb_xml = pkg.text(&wb_path)?;
    let wb_rels_path = rels_path(&wb_path);
    let wb_rels = pkg.text(&wb_rels_path)?;
    let rels = parse_rels(&wb_rels, &wb_path)?;
    let sheets = parse_sheets(&wb_xml)?;
    let styles_path = rels
        .values()
        .find(|r| r.kind.ends_with("/styles"))
        .map(|r| r.target.clone())
        .ok_or_else(|| AnnotateError::MissingPart("styles.xml".into()))?;
    let original_styles = pkg.text(&styles_path)?;
    let mut styles = Styles::parse(original_styles.clone())?;
    let mut ct = pkg.text("[Content_Types].xml")?;

    // Each flagged sheet: styles for its marked cells, its comments.
    let mut legend_rows: Vec<(String, CellRef, &Finding)> = Vec::new();
    let mut sheet_proofs: Vec<SheetProof> = Vec::new();
    for (k, (sheet_name, cells)) in notes.iter().enumerate() {
        let Some(sheet) = sheets.iter().find(|s| &s.name == sheet_name) else { continue };
        let Some(part) = rels.get(&sheet.rid).map(|r| r.target.clone()) else { continue };
        let xml = pkg.text(&part)?;
        let scan = scan_sheet(&xml, cells.keys().copied().collect())?;
        let mut new_s: BTreeMap<CellRef, u32> = BTreeMap::new();
        for (c, note) in cells {
            let old = scan.styles.get(c).copied().unwrap_or(0);
            new_s.insert(*c, styles.marked(old, note.severity)?);
        }
        let texts: Vec<(CellRef, String)> = cells.iter().map(|(c, n)| (*c, note_text(n, form))).collect();
        let legacy_rid = add_sheet_comments(&mut pkg, &mut ct, k, &part, &texts, scan.max_col)?;
        let legacy = if scan.has_legacy { None } else { legacy_rid };
        let edited = edit_sheet(&xml, &new_s, legacy.as_deref())?;
        pkg.replace(&part, edited.into_bytes());
        let styles_used = cells.keys().map(|c| (scan.styles.get(c).copied().unwrap_or(0), new_s[c])).collect();
        sheet_proofs.push(SheetProof {
            name: sheet_name.clone(),
            part,
            original: xml,
            marks: new_s,
            legacy,
            styles_used,
        });
        for (c, n) in cells {
            for f in &n.findings {
                legend_rows.push((sheet_name.clone(), *c, f));
            }
        }
    }

    // The 标注说明 sheet, and the mark.
    let legend_name = unique_sheet_name(&sheets);
    let legend_part = "xl/worksheets/sheet_selfeval_legend.xml".to_string();
    let (wrap, bold) = styles.legend_formats()?;
    pkg.add(&legend_part, legend_sheet(&legend_rows, wrap, bold, form).into_bytes());
    ct = add_override(&ct, &legend_part, CT_WORKSHEET);
    let rid = "rIdSelfevalLegend";
    pkg.replace(
        &wb_rels_path,
        add_rels_with_id(&wb_rels, rid, T_WORKSHEET, &relative(&wb_path, &legend_part))?.into_bytes(),
    );
    pkg.replace(&wb_path, add_legend_to_workbook(&wb_xml, &legend_name, rid, &sheets)?.into_bytes());
    pkg.replace(&styles_path, styles.finish().into_bytes());
    pkg.replace("[Content_Types].xml", ct.into_bytes());
    let copy = pkg.write()?;
    prove(original, &copy, &pkg.changed(), &sheet_proofs, (&styles_path, &original_styles), (&wb_path, &sheets))?;
    Ok(copy)
}

/// Each marked cell's note, by sheet: every finding (not infos) on the
/// cell or naming it as related, and the worst severity among them.
fn notes_by_cell(findings: &[Finding]) -> BTreeMap<String, BTreeMap<CellRef, Note<'_>>> {
    let mut notes: BTreeMap<String, BTreeMap<CellRef, Note<'_>>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.severity != Severity::Info) {
        for p in places(f) {
            let n = notes
                .entry(p.sheet)
                .or_default()
                .entry(p.cell)
                .or_insert(Note { severity: f.severity, findings: Vec::new() });
            n.severity = n.severity.min(f.severity);
            n.findings.push(f);
        }
    }
    notes
}

/// One sheet's comments (`texts`) and their boxes, into the sheet's
/// existing comment and VML parts or new ones (the `k`th made); the
/// relationship id of a new VML part, which the sheet must then name.
fn add_sheet_comments(
    pkg: &mut Package,
    ct: &mut String,
    k: usize,
    part: &str,
    texts: &[(CellRef, String)],
    max_col: u32,
) -> Res<Option<String>> {
    let sheet_rels_path = rels_path(part);
    let sheet_rels = pkg.maybe_text(&sheet_rels_path)?;
    let existing = sheet_rels.as_deref().map(|t| parse_rels(t, part)).transpose()?.unwrap_or_default();
    let comments_part = existing.values().find(|r| r.kind == T_COMMENTS).map(|r| r.target.clone());
    let vml_part = existing.values().find(|r| r.kind == T_VML).map(|r| r.target.clone());
    let mut new_rels = Vec::new();
    let existing_comments = match &comments_part {
        Some(p) => {
            let (xml, had) = add_comments(&pkg.text(p)?, texts)?;
            pkg.replace(p, xml.into_bytes());
            had
        }
        None => {
            let p = format!("xl/comments_selfeval{}.xml", k + 1);
            pkg.add(&p, new_comments(texts).into_bytes());
            *ct = add_override(ct, &p, CT_COMMENTS);
            new_rels.push((T_COMMENTS, relative(part, &p)));
            BTreeSet::new()
        }
    };
    let fresh: Vec<&(CellRef, String)> = texts.iter().filter(|(c, _)| !existing_comments.contains(c)).collect();
    let boxes = place_boxes(&fresh, max_col);
    let legacy_rid = match &vml_part {
        Some(p) => {
            let vml = add_shapes(&pkg.text(p)?, &boxes)?;
            pkg.replace(p, vml.into_bytes());
            None
        }
        None => {
            let p = format!("xl/drawings/vmlDrawing_selfeval{}.vml", k + 1);
            pkg.add(&p, new_vml(&boxes, 900 + k).into_bytes());
            *ct = add_default(ct, "vml", CT_VML);
            new_rels.push((T_VML, relative(part, &p)));
            Some(format!("rIdSelfeval{}", new_rels.len()))
        }
    };
    if !new_rels.is_empty() {
        let text = add_rels(sheet_rels.as_deref(), &new_rels);
        match sheet_rels {
            Some(_) => pkg.replace(&sheet_rels_path, text.into_bytes()),
            None => pkg.add(&sheet_rels_path, text.into_bytes()),
        }
    }
    Ok(legacy_rid)
}

/// Every (sheet, cell) a finding marks: its own and its related cells.
pub fn places(f: &Finding) -> Vec<crate::findings::Place> {
    f.spot().into_iter().chain(f.related.iter().cloned()).collect()
}

/// The text of our comment on one cell.
fn note_text(n: &Note, form: &FormSpec) -> String {
    let mut fs = n.findings.clone();
    fs.sort_by_key(|f| f.severity);
    fs.iter()
        .map(|f| format!("【{}{}】{}\n修改：{}", f.severity.zh(), f.code.id(), f.message(form), f.fix(form)))
        .collect::<Vec<_>>()
        .join("\n")
}
