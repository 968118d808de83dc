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
//! to the original's, the flagged sheets read back with every value and
//! formula equal, and every cell's style equal but the marked cells' fill.

use crate::cellref::CellRef;
use crate::findings::{Finding, Severity};
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
pub fn annotated_copy(original: &[u8], findings: &[Finding]) -> Res<Vec<u8>> {
    crate::isolate::isolate(|| build(original, findings)).unwrap_or(Err(AnnotateError::Xml("文件内部结构".into())))
}

fn build(original: &[u8], findings: &[Finding]) -> Res<Vec<u8>> {
    let mut notes: BTreeMap<String, BTreeMap<CellRef, Note>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.severity != Severity::Info) {
        for (sheet, cell) in places(f) {
            let Ok(c) = CellRef::parse(&cell) else { continue };
            let n =
                notes.entry(sheet).or_default().entry(c).or_insert(Note { severity: f.severity, findings: Vec::new() });
            n.severity = n.severity.min(f.severity);
            n.findings.push(f);
        }
    }
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
    let mut styles = Styles::parse(pkg.text(&styles_path)?)?;
    let mut ct = pkg.text("[Content_Types].xml")?;

    // Each flagged sheet: styles for its marked cells, its comments.
    let mut legend_rows: Vec<(String, CellRef, &Finding)> = Vec::new();
    let original_styles = pkg.text(&styles_path)?;
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
        // Comments: into the sheet's existing parts, or new ones.
        let sheet_rels_path = rels_path(&part);
        let sheet_rels = pkg.maybe_text(&sheet_rels_path)?;
        let existing = sheet_rels.as_deref().map(|t| parse_rels(t, &part)).transpose()?.unwrap_or_default();
        let comments_part = existing.values().find(|r| r.kind == T_COMMENTS).map(|r| r.target.clone());
        let vml_part = existing.values().find(|r| r.kind == T_VML).map(|r| r.target.clone());
        let mut new_rels = Vec::new();
        let texts: Vec<(CellRef, String)> = cells.iter().map(|(c, n)| (*c, note_text(n))).collect();
        let existing_comments = match &comments_part {
            Some(p) => {
                let (xml, had) = add_comments(&pkg.text(p)?, &texts)?;
                pkg.replace(p, xml.into_bytes());
                had
            }
            None => {
                let p = format!("xl/comments_selfeval{}.xml", k + 1);
                pkg.add(&p, new_comments(&texts).into_bytes());
                ct = add_override(&ct, &p, CT_COMMENTS);
                new_rels.push((T_COMMENTS, relative(&part, &p)));
                BTreeSet::new()
            }
        };
        let fresh: Vec<&(CellRef, String)> = texts.iter().filter(|(c, _)| !existing_comments.contains(c)).collect();
        let boxes = place_boxes(&fresh, scan.max_col);
        let legacy_rid = match &vml_part {
            Some(p) => {
                let vml = add_shapes(&pkg.text(p)?, &boxes)?;
                pkg.replace(p, vml.into_bytes());
                None
            }
            None => {
                let p = format!("xl/drawings/vmlDrawing_selfeval{}.vml", k + 1);
                pkg.add(&p, new_vml(&boxes, 900 + k).into_bytes());
                ct = add_default(&ct, "vml", CT_VML);
                new_rels.push((T_VML, relative(&part, &p)));
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
    pkg.add(&legend_part, legend_sheet(&legend_rows, wrap, bold).into_bytes());
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
    prove(original, &copy, &pkg.changed(), &sheet_proofs, (&styles_path, &original_styles))?;
    Ok(copy)
}

/// Every (sheet, cell) a finding marks: its own and its related cells.
pub fn places(f: &Finding) -> Vec<(String, String)> {
    let own = f.sheet.clone().zip(f.cell.clone());
    let related = f.related.iter().filter_map(|p| p.split_once('!')).map(|(s, c)| (s.to_string(), c.to_string()));
    own.into_iter().chain(related).collect()
}

/// The text of our comment on one cell.
fn note_text(n: &Note) -> String {
    let mut fs = n.findings.clone();
    fs.sort_by_key(|f| f.severity);
    fs.iter()
        .map(|f| format!("【{}{}】{}\n修改：{}", f.severity.zh(), f.code.id(), f.message, f.fix))
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------- package

/// The original zip, the parts replaced, and the parts added.
struct Package<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    replaced: HashMap<String, Vec<u8>>,
    added: Vec<(String, Vec<u8>)>,
}

impl<'a> Package<'a> {
    fn open(bytes: &'a [u8]) -> Res<Self> {
        let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| AnnotateError::Zip)?;
        Ok(Package { archive, replaced: HashMap::new(), added: Vec::new() })
    }

    fn maybe_text(&mut self, name: &str) -> Res<Option<String>> {
        if let Some(b) = self.replaced.get(name) {
            return Ok(Some(String::from_utf8_lossy(b).to_string()));
        }
        let mut f = match self.archive.by_name(name) {
            Ok(f) => f,
            Err(_) => return Ok(None),
        };
        let mut s = String::new();
        f.read_to_string(&mut s).map_err(|_| AnnotateError::Xml(name.to_string()))?;
        Ok(Some(s))
    }

    fn text(&mut self, name: &str) -> Res<String> {
        self.maybe_text(name)?.ok_or_else(|| AnnotateError::MissingPart(name.to_string()))
    }

    fn replace(&mut self, name: &str, bytes: Vec<u8>) {
        self.replaced.insert(name.to_string(), bytes);
    }

    fn add(&mut self, name: &str, bytes: Vec<u8>) {
        self.added.push((name.to_string(), bytes));
    }

    fn changed(&self) -> BTreeSet<String> {
        self.replaced.keys().cloned().collect()
    }

    /// The main workbook part, from the package relationships.
    fn workbook_path(&mut self) -> Res<String> {
        let rels = self.text("_rels/.rels")?;
        let r = parse_rels(&rels, "")?;
        Ok(r.values()
            .find(|r| r.kind.ends_with("/officeDocument"))
            .map(|r| r.target.clone())
            .unwrap_or_else(|| "xl/workbook.xml".to_string()))
    }

    /// The copy: original parts in their order (raw, or replaced), then
    /// the added ones.
    fn write(&mut self) -> Res<Vec<u8>> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        // Parts written anew: a small one is stored (no deflate state to set
        // up, a few KB more), a large one deflated at the fastest level.
        let options = |len: usize| {
            let o = zip::write::SimpleFileOptions::default();
            if len < 64 * 1024 {
                o.compression_method(zip::CompressionMethod::Stored)
            } else {
                o.compression_method(zip::CompressionMethod::Deflated).compression_level(Some(1))
            }
        };
        for i in 0..self.archive.len() {
            let file = self.archive.by_index_raw(i).map_err(|_| AnnotateError::Zip)?;
            let name = file.name().to_string();
            match self.replaced.get(&name) {
                Some(bytes) => {
                    drop(file);
                    out.start_file(name.as_str(), options(bytes.len())).map_err(|_| AnnotateError::Zip)?;
                    out.write_all(bytes).map_err(|_| AnnotateError::Zip)?;
                }
                None => out.raw_copy_file(file).map_err(|_| AnnotateError::Zip)?,
            }
        }
        for (name, bytes) in &self.added {
            out.start_file(name.as_str(), options(bytes.len())).map_err(|_| AnnotateError::Zip)?;
            out.write_all(bytes).map_err(|_| AnnotateError::Zip)?;
        }
        Ok(out.finish().map_err(|_| AnnotateError::Zip)?.into_inner())
    }
}

/// "xl/worksheets/sheet1.xml" → "xl/worksheets/_rels/sheet1.xml.rels".
fn rels_path(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// A relationship target resolved against its source part.
fn resolve(source: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = match source.rsplit_once('/') {
        Some((dir, _)) => dir.split('/').collect(),
        None => Vec::new(),
    };
    for seg in target.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// `to` as a target relative to the folder of `from`.
fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.rsplit_once('/').map(|(d, _)| d.split('/').collect()).unwrap_or_default();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(&to_parts[common..]);
    out.join("/")
}

struct Rel {
    kind: String,
    target: String,
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.to_string()))
}

fn local(e: &BytesStart) -> String {
    e.local_name().as_ref().to_string()
}

fn xml_err(part: &str) -> AnnotateError {
    AnnotateError::Xml(part.to_string())
}

/// Relationship id → (type, resolved target).
fn parse_rels(xml: &str, source: &str) -> Res<BTreeMap<String, Rel>> {
    let mut r = Reader::from_str(xml);
    let mut out = BTreeMap::new();
    loop {
        match r.read_event().map_err(|_| xml_err("关系"))? {
            Event::Start(e) | Event::Empty(e) if local(&e) == "Relationship" => {
                let (Some(id), Some(kind), Some(target)) = (attr(&e, "Id"), attr(&e, "Type"), attr(&e, "Target"))
                else {
                    continue;
                };
                let external = attr(&e, "TargetMode").is_some_and(|m| m == "External");
                let target = if external { target } else { resolve(source, &target) };
                out.insert(id, Rel { kind, target });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

struct SheetEntry {
    name: String,
    rid: String,
    sheet_id: u32,
}

fn parse_sheets(xml: &str) -> Res<Vec<SheetEntry>> {
    let mut r = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match r.read_event().map_err(|_| xml_err("workbook.xml"))? {
            Event::Start(e) | Event::Empty(e) if local(&e) == "sheet" => {
                let rid =
                    e.attributes().with_checks(false).flatten().find(|a| a.key.local_name().as_ref() == "id").and_then(
                        |a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.to_string()),
                    );
                let (Some(name), Some(rid)) = (attr(&e, "name"), rid) else { continue };
                let sheet_id = attr(&e, "sheetId").and_then(|v| v.parse().ok()).unwrap_or(0);
                out.push(SheetEntry { name, rid, sheet_id });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

// ----------------------------------------------------------------- sheets

/// What the first pass over a flagged sheet learns.
struct SheetScan {
    /// Style index of each wanted cell (absent: 0, or its row's style).
    styles: HashMap<CellRef, u32>,
    /// Highest column used, for placing comment boxes beside the form.
    max_col: u32,
    has_legacy: bool,
}

/// A stream over sheet XML that tracks row and column, including rows and
/// cells written without an `r` attribute.
struct Cursor0 {
    row: u32,
    col: u32,
}

fn cell_ref_of(e: &BytesStart, cur: &mut Cursor0) -> CellRef {
    match attr(e, "r").and_then(|r| CellRef::parse(&r).ok()) {
        Some(c) => {
            cur.col = c.col;
            c
        }
        None => CellRef::new(cur.row, cur.col),
    }
}

fn row_of(e: &BytesStart, cur: &mut Cursor0) -> u32 {
    let r = attr(e, "r").and_then(|v| v.parse::<u32>().ok()).map(|r| r.saturating_sub(1)).unwrap_or(cur.row);
    cur.row = r;
    cur.col = 0;
    r
}

fn scan_sheet(xml: &str, wanted: BTreeSet<CellRef>) -> Res<SheetScan> {
    let mut r = Reader::from_str(xml);
    let mut out = SheetScan { styles: HashMap::new(), max_col: 0, has_legacy: false };
    let mut cur = Cursor0 { row: 0, col: 0 };
    let mut row_style: Option<u32> = None;
    let mut first_row = true;
    loop {
        match r.read_event().map_err(|_| xml_err("工作表"))? {
            Event::Start(e) | Event::Empty(e) => match local(&e).as_str() {
                "row" => {
                    if !first_row {
                        cur.row += 1;
                    }
                    first_row = false;
                    let row = row_of(&e, &mut cur);
                    let custom = attr(&e, "customFormat").is_some_and(|v| v == "1" || v == "true");
                    row_style = if custom { attr(&e, "s").and_then(|v| v.parse().ok()) } else { None };
                    if let Some(s) = row_style {
                        for c in wanted.iter().filter(|c| c.row == row) {
                            out.styles.entry(*c).or_insert(s);
                        }
                    }
                }
                "c" => {
                    let c = cell_ref_of(&e, &mut cur);
                    out.max_col = out.max_col.max(c.col);
                    if wanted.contains(&c) {
                        let s = attr(&e, "s").and_then(|v| v.parse().ok()).or(row_style).unwrap_or(0);
                        out.styles.insert(c, s);
                    }
                    cur.col += 1;
                }
                "legacyDrawing" => out.has_legacy = true,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Elements that follow `<legacyDrawing>` in a worksheet, in schema order.
const AFTER_LEGACY: [&str; 8] =
    ["legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst"];

/// Rewrites a flagged sheet: `marks` cells get their new style index
/// (cells and rows that do not exist are inserted in order), and a
/// `<legacyDrawing>` is added when `legacy` names a new VML part.
fn edit_sheet(xml: &str, marks: &BTreeMap<CellRef, u32>, legacy: Option<&str>) -> Res<String> {
    let mut r = Reader::from_str(xml);
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut cur = Cursor0 { row: 0, col: 0 };
    let mut first_row = true;
    // Rows still to mark, with their cells still to insert.
    let mut pending: BTreeMap<u32, BTreeMap<u32, u32>> = BTreeMap::new();
    for (c, s) in marks {
        pending.entry(c.row).or_default().insert(c.col, *s);
    }
    let mut in_row: Option<u32> = None;
    let mut prefix = String::new();
    let mut depth = 0usize;
    let mut legacy_done = legacy.is_none();
    let cell_xml = |prefix: &str, c: CellRef, s: u32| format!("<{prefix}c r=\"{c}\" s=\"{s}\"/>");
    let row_xml = |prefix: &str, row: u32, cells: &BTreeMap<u32, u32>| {
        let inner: String = cells.iter().map(|(col, s)| cell_xml(prefix, CellRef::new(row, *col), *s)).collect();
        format!("<{prefix}row r=\"{}\">{inner}</{prefix}row>", row + 1)
    };
    let legacy_xml = |rid: &str| format!("<legacyDrawing xmlns:r=\"{REL_NS}\" r:id=\"{rid}\"/>");
    loop {
        let start = r.buffer_position() as usize;
        let ev = r.read_event().map_err(|_| xml_err("工作表"))?;
        let end = r.buffer_position() as usize;
        let raw = &xml[start..end];
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                let name = local(e);
                if depth == 1 && !legacy_done && AFTER_LEGACY.contains(&name.as_str()) {
                    edits.push((start, start, legacy_xml(legacy.unwrap_or_default())));
                    legacy_done = true;
                }
                match name.as_str() {
                    "sheetData" if empty => {
                        let q = e.name().as_ref().to_string();
                        let p = q.strip_suffix("sheetData").unwrap_or("").to_string();
                        let rows: String = pending.iter().map(|(row, cells)| row_xml(&p, *row, cells)).collect();
                        pending.clear();
                        edits.push((start, end, format!("{}>{rows}</{q}>", raw.trim_end_matches("/>").trim_end())));
                    }
                    "row" => {
                        if !first_row {
                            cur.row += 1;
                        }
                        first_row = false;
                        let row = row_of(e, &mut cur);
                        let q = e.name().as_ref().to_string();
                        prefix = q.strip_suffix("row").unwrap_or("").to_string();
                        // Rows to insert before this one.
                        let before: Vec<u32> = pending.range(..row).map(|(r, _)| *r).collect();
                        let mut ins = String::new();
                        for b in before {
                            if let Some(cells) = pending.remove(&b) {
                                ins.push_str(&row_xml(&prefix, b, &cells));
                            }
                        }
                        if !ins.is_empty() {
                            edits.push((start, start, ins));
                        }
                        if empty {
                            if let Some(cells) = pending.remove(&row) {
                                let inner: String = cells
                                    .iter()
                                    .map(|(col, s)| cell_xml(&prefix, CellRef::new(row, *col), *s))
                                    .collect();
                                let open = raw.trim_end_matches("/>").trim_end();
                                edits.push((start, end, format!("{open}>{inner}</{q}>")));
                            }
                        } else {
                            in_row = Some(row);
                        }
                    }
                    "c" => {
                        let c = cell_ref_of(e, &mut cur);
                        if let Some(cells) = in_row.and_then(|row| pending.get_mut(&row)) {
                            // Missing cells to the left of this one.
                            let left: Vec<u32> = cells.range(..c.col).map(|(k, _)| *k).collect();
                            let mut ins = String::new();
                            for col in left {
                                if let Some(s) = cells.remove(&col) {
                                    ins.push_str(&cell_xml(&prefix, CellRef::new(c.row, col), s));
                                }
                            }
                            if !ins.is_empty() {
                                edits.push((start, start, ins));
                            }
                            if let Some(s) = cells.remove(&c.col) {
                                edits.push((start, end, set_attrs(raw, &[("s", s.to_string())])?));
                            }
                        }
                        cur.col += 1;
                    }
                    _ => {}
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                let name = e.local_name().as_ref().to_string();
                match name.as_str() {
                    "row" => {
                        if let Some(row) = in_row.take() {
                            if let Some(cells) = pending.remove(&row) {
                                let inner: String = cells
                                    .iter()
                                    .map(|(col, s)| cell_xml(&prefix, CellRef::new(row, *col), *s))
                                    .collect();
                                edits.push((start, start, inner));
                            }
                        }
                    }
                    "sheetData" => {
                        let rows: String = pending.iter().map(|(row, cells)| row_xml(&prefix, *row, cells)).collect();
                        pending.clear();
                        if !rows.is_empty() {
                            edits.push((start, start, rows));
                        }
                    }
                    "worksheet" if !legacy_done => {
                        edits.push((start, start, legacy_xml(legacy.unwrap_or_default())));
                        legacy_done = true;
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !pending.is_empty() || !legacy_done {
        return Err(xml_err("工作表"));
    }
    Ok(splice(xml, edits))
}

/// Applies (start, end, replacement) edits, in order, to `text`.
fn splice(text: &str, mut edits: Vec<(usize, usize, String)>) -> String {
    edits.sort_by_key(|(s, e, _)| (*s, *e));
    let mut out = String::with_capacity(text.len() + edits.iter().map(|e| e.2.len()).sum::<usize>());
    let mut at = 0;
    for (s, e, rep) in edits {
        if s < at {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(&rep);
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

// ----------------------------------------------------------------- styles

/// styles.xml with fills, fonts and cell formats appended (never
/// renumbered, so every existing style index keeps its meaning).
struct Styles {
    xml: String,
    fills_end: usize,
    fills_count: usize,
    fonts_end: usize,
    fonts_count: usize,
    xfs_end: usize,
    /// Raw text of each `<xf>` of `<cellXfs>`.
    xfs: Vec<String>,
    prefix: String,
    new_fills: Vec<String>,
    new_fonts: Vec<String>,
    new_xfs: Vec<String>,
    /// (original xf, severity) → new xf index.
    made: HashMap<(u32, Severity), u32>,
    fill_of: HashMap<Severity, usize>,
}

impl Styles {
    fn parse(xml: String) -> Res<Self> {
        let mut r = Reader::from_str(&xml);
        let (mut fills_end, mut fonts_end, mut xfs_end) = (None, None, None);
        let (mut fills_count, mut fonts_count) = (0usize, 0usize);
        let mut xfs = Vec::new();
        let mut stack: Vec<String> = Vec::new();
        let mut xf_start: Option<usize> = None;
        let mut prefix = String::new();
        loop {
            let start = r.buffer_position() as usize;
            let ev = r.read_event().map_err(|_| xml_err("styles.xml"))?;
            let end = r.buffer_position() as usize;
            match &ev {
                Event::Start(e) | Event::Empty(e) => {
                    let name = local(e);
                    let parent = stack.last().cloned().unwrap_or_default();
                    if name == "styleSheet" {
                        let q = e.name().as_ref().to_string();
                        prefix = q.strip_suffix("styleSheet").unwrap_or("").to_string();
                    }
                    match (parent.as_str(), name.as_str()) {
                        ("fills", "fill") => fills_count += 1,
                        ("fonts", "font") => fonts_count += 1,
                        ("cellXfs", "xf") => {
                            if matches!(ev, Event::Empty(_)) {
                                xfs.push(xml[start..end].to_string());
                            } else {
                                xf_start = Some(start);
                            }
                        }
                        _ => {}
                    }
                    if matches!(ev, Event::Start(_)) {
                        stack.push(name);
                    }
                }
                Event::End(e) => {
                    let name = e.local_name().as_ref().to_string();
                    stack.pop();
                    match name.as_str() {
                        "fills" => fills_end = Some(start),
                        "fonts" => fonts_end = Some(start),
                        "cellXfs" => xfs_end = Some(start),
                        "xf" if stack.last().is_some_and(|p| p == "cellXfs") => {
                            if let Some(s) = xf_start.take() {
                                xfs.push(xml[s..end].to_string());
                            }
                        }
                        _ => {}
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let (Some(fills_end), Some(fonts_end), Some(xfs_end)) = (fills_end, fonts_end, xfs_end) else {
            return Err(xml_err("styles.xml"));
        };
        if xfs.is_empty() {
            return Err(xml_err("styles.xml"));
        }
        Ok(Styles {
            xml,
            fills_end,
            fills_count,
            fonts_end,
            fonts_count,
            xfs_end,
            xfs,
            prefix,
            new_fills: Vec::new(),
            new_fonts: Vec::new(),
            new_xfs: Vec::new(),
            made: HashMap::new(),
            fill_of: HashMap::new(),
        })
    }

    fn fill_index(&mut self, sev: Severity) -> usize {
        if let Some(i) = self.fill_of.get(&sev) {
            return *i;
        }
        let p = &self.prefix;
        let fill = match sev {
            Severity::Error => format!(
                "<{p}fill><{p}patternFill patternType=\"solid\"><{p}fgColor rgb=\"{ERROR_FILL}\"/><{p}bgColor indexed=\"64\"/></{p}patternFill></{p}fill>"
            ),
            _ => format!(
                "<{p}fill><{p}patternFill patternType=\"{WARNING_PATTERN}\"><{p}fgColor rgb=\"{WARNING_FILL}\"/><{p}bgColor rgb=\"FFFFFFFF\"/></{p}patternFill></{p}fill>"
            ),
        };
        self.new_fills.push(fill);
        let i = self.fills_count + self.new_fills.len() - 1;
        self.fill_of.insert(sev, i);
        i
    }

    /// The index of a format like `old` but with the severity's fill.
    fn marked(&mut self, old: u32, sev: Severity) -> Res<u32> {
        if let Some(i) = self.made.get(&(old, sev)) {
            return Ok(*i);
        }
        let base =
            self.xfs.get(old as usize).or_else(|| self.xfs.first()).cloned().ok_or_else(|| xml_err("styles.xml"))?;
        let fill = self.fill_index(sev);
        let xf = set_attrs(&base, &[("fillId", fill.to_string()), ("applyFill", "1".into())])?;
        self.new_xfs.push(xf);
        let i = (self.xfs.len() + self.new_xfs.len() - 1) as u32;
        self.made.insert((old, sev), i);
        Ok(i)
    }

    /// Formats of the legend sheet: wrapped text, and bold wrapped text.
    fn legend_formats(&mut self) -> Res<(u32, u32)> {
        let p = self.prefix.clone();
        self.new_fonts.push(format!(
            "<{p}font><{p}b/><{p}sz val=\"11\"/><{p}name val=\"宋体\"/><{p}charset val=\"134\"/></{p}font>"
        ));
        let bold_font = self.fonts_count + self.new_fonts.len() - 1;
        let xf = |font: usize| {
            format!("<{p}xf numFmtId=\"0\" fontId=\"{font}\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" applyAlignment=\"1\"><{p}alignment vertical=\"top\" wrapText=\"1\"/></{p}xf>")
        };
        self.new_xfs.push(xf(0));
        let wrap = (self.xfs.len() + self.new_xfs.len() - 1) as u32;
        self.new_xfs.push(xf(bold_font));
        let bold = (self.xfs.len() + self.new_xfs.len() - 1) as u32;
        Ok((wrap, bold))
    }

    fn finish(self) -> String {
        let mut edits = vec![
            (self.fills_end, self.fills_end, self.new_fills.concat()),
            (self.fonts_end, self.fonts_end, self.new_fonts.concat()),
            (self.xfs_end, self.xfs_end, self.new_xfs.concat()),
        ];
        // The count attributes of the three lists.
        let counts = [
            ("fills", self.fills_count + self.new_fills.len()),
            ("fonts", self.fonts_count + self.new_fonts.len()),
            ("cellXfs", self.xfs.len() + self.new_xfs.len()),
        ];
        let mut r = Reader::from_str(&self.xml);
        loop {
            let start = r.buffer_position() as usize;
            let Ok(ev) = r.read_event() else { break };
            let end = r.buffer_position() as usize;
            match &ev {
                Event::Start(e) => {
                    if let Some((_, n)) = counts.iter().find(|(k, _)| *k == local(e)) {
                        if e.attributes().with_checks(false).flatten().any(|a| a.key.as_ref() == "count") {
                            if let Ok(t) = set_attrs(&self.xml[start..end], &[("count", n.to_string())]) {
                                edits.push((start, end, t));
                            }
                        }
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        splice(&self.xml, edits)
    }
}

/// The first tag of `raw` (an element's text, or a lone start or empty
/// tag) with attributes set; the rest of the text as it was.
fn set_attrs(raw: &str, set: &[(&str, String)]) -> Res<String> {
    let close = raw.find('>').ok_or_else(|| xml_err("styles.xml"))?;
    let (tag, rest) = raw.split_at(close);
    let empty = tag.ends_with('/');
    let mut r = Reader::from_str(raw);
    let e = match r.read_event().map_err(|_| xml_err("styles.xml"))? {
        Event::Start(e) | Event::Empty(e) => e.into_owned(),
        _ => return Err(xml_err("styles.xml")),
    };
    let name = e.name().as_ref().to_string();
    let mut t = format!("<{name}");
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for a in e.attributes().with_checks(false).flatten() {
        let key = a.key.as_ref().to_string();
        match set.iter().find(|(k, _)| *k == key) {
            Some((k, v)) => {
                t.push_str(&format!(" {k}=\"{v}\""));
                done.insert(k);
            }
            None => t.push_str(&format!(" {key}=\"{}\"", a.value)),
        }
    }
    for (k, v) in set {
        if !done.contains(k) {
            t.push_str(&format!(" {k}=\"{v}\""));
        }
    }
    if empty {
        t.push('/');
    }
    t.push_str(rest);
    Ok(t)
}

// --------------------------------------------------------------- comments

fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).to_string()
}

/// Our runs: the author in bold, then the text.
fn our_runs(text: &str, p: &str) -> String {
    format!(
        "<{p}r><{p}rPr><{p}b/><{p}sz val=\"9\"/><{p}rFont val=\"宋体\"/><{p}charset val=\"134\"/></{p}rPr><{p}t xml:space=\"preserve\">{AUTHOR}：</{p}t></{p}r><{p}r><{p}rPr><{p}sz val=\"9\"/><{p}rFont val=\"宋体\"/><{p}charset val=\"134\"/></{p}rPr><{p}t xml:space=\"preserve\">\n{}</{p}t></{p}r>",
        esc(text)
    )
}

fn new_comments(texts: &[(CellRef, String)]) -> String {
    let list: String = texts
        .iter()
        .map(|(c, t)| format!("<comment ref=\"{c}\" authorId=\"0\"><text>{}</text></comment>", our_runs(t, "")))
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<comments xmlns=\"{MAIN_NS}\"><authors><author>{AUTHOR}</author></authors><commentList>{list}</commentList></comments>"
    )
}

/// Adds our comments to an existing comments part: a cell that already
/// has a comment keeps it, and ours follows it in the same note; other
/// cells get a comment of their own by our author. Returns the cells that
/// had a comment already.
fn add_comments(xml: &str, texts: &[(CellRef, String)]) -> Res<(String, BTreeSet<CellRef>)> {
    let mut r = Reader::from_str(xml);
    let mut edits = Vec::new();
    let mut authors = 0usize;
    let mut authors_end = None;
    let mut list_end = None;
    let mut current: Option<CellRef> = None;
    let mut had = BTreeSet::new();
    let mut prefix = String::new();
    let by_cell: HashMap<CellRef, &String> = texts.iter().map(|(c, t)| (*c, t)).collect();
    loop {
        let start = r.buffer_position() as usize;
        let ev = r.read_event().map_err(|_| xml_err("批注"))?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => match local(e).as_str() {
                "comments" => {
                    let q = e.name().as_ref().to_string();
                    prefix = q.strip_suffix("comments").unwrap_or("").to_string();
                }
                "author" => authors += 1,
                "comment" => {
                    current = attr(e, "ref").and_then(|v| CellRef::parse(&v).ok());
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "authors" => authors_end = Some(start),
                "commentList" => list_end = Some(start),
                "text" => {
                    if let Some(c) = current {
                        if let Some(t) = by_cell.get(&c) {
                            edits.push((start, start, our_runs(t, &prefix)));
                            had.insert(c);
                        }
                    }
                }
                "comment" => current = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    let (Some(authors_end), Some(list_end)) = (authors_end, list_end) else {
        return Err(xml_err("批注"));
    };
    let p = &prefix;
    edits.push((authors_end, authors_end, format!("<{p}author>{AUTHOR}</{p}author>")));
    let ours: String = texts
        .iter()
        .filter(|(c, _)| !had.contains(c))
        .map(|(c, t)| {
            format!("<{p}comment ref=\"{c}\" authorId=\"{authors}\"><{p}text>{}</{p}text></{p}comment>", our_runs(t, p))
        })
        .collect();
    edits.push((list_end, list_end, ours));
    Ok((splice(xml, edits), had))
}

/// Where a comment box sits when shown: beside the form, stacked so no
/// two boxes cover each other, sized to its text.
struct CommentBox {
    cell: CellRef,
    left_col: u32,
    top_row: u32,
    rows: u32,
}

/// Columns a box spans, and the characters (CJK) a line holds in it.
const BOX_COLS: u32 = 5;
const BOX_CHARS_PER_LINE: usize = 24;

fn place_boxes(texts: &[&(CellRef, String)], max_col: u32) -> Vec<CommentBox> {
    let left = max_col + 2;
    let mut next_free = 0u32;
    texts
        .iter()
        .map(|(c, t)| {
            let lines: usize = t
                .split('\n')
                .map(|l| (super::est_lines(l, (BOX_CHARS_PER_LINE * 2) as f64 + 1.0)).max(1))
                .sum::<usize>()
                + 1;
            // A 9 pt line is about three quarters of a 15 pt row.
            let rows = ((lines as f64 * 0.8).ceil() as u32).max(3);
            let top = c.row.max(next_free);
            next_free = top + rows + 1;
            CommentBox { cell: *c, left_col: left, top_row: top, rows }
        })
        .collect()
}

fn vml_shape(b: &CommentBox, id: u32) -> String {
    format!(
        "<v:shape id=\"_x0000_s{id}\" type=\"#_x0000_t202\" style=\"position:absolute;margin-left:80pt;margin-top:2pt;width:240pt;height:{h}pt;z-index:{id};visibility:hidden\" fillcolor=\"#ffffe1\" o:insetmode=\"auto\"><v:fill color2=\"#ffffe1\"/><v:shadow on=\"t\" color=\"black\" obscured=\"t\"/><v:path o:connecttype=\"none\"/><v:textbox style=\"mso-direction-alt:auto\"><div style=\"text-align:left\"></div></v:textbox><x:ClientData ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{l}, 15, {t}, 2, {r}, 15, {bm}, 2</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>",
        h = b.rows * 15,
        l = b.left_col,
        t = b.top_row,
        r = b.left_col + BOX_COLS,
        bm = b.top_row + b.rows,
        row = b.cell.row,
        col = b.cell.col,
    )
}

fn new_vml(boxes: &[CommentBox], idmap: usize) -> String {
    let base = (idmap as u32) * 1024 + 1;
    let shapes: String = boxes.iter().enumerate().map(|(i, b)| vml_shape(b, base + i as u32)).collect();
    format!(
        "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\" data=\"{idmap}\"/></o:shapelayout><v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/><v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>{shapes}</xml>"
    )
}

/// Adds shapes for new comments to an existing VML drawing, with shape
/// ids after the highest there, and our note shape type if it lacks one.
fn add_shapes(vml: &str, boxes: &[CommentBox]) -> Res<String> {
    let close = vml.rfind("</xml>").ok_or_else(|| xml_err("批注图形"))?;
    let max_id = vml
        .match_indices("_x0000_s")
        .filter_map(|(i, _)| {
            let digits: String = vml[i + 8..].chars().take_while(|c| c.is_ascii_digit()).collect();
            digits.parse::<u32>().ok()
        })
        .max()
        .unwrap_or(1024);
    let mut add = String::new();
    if !vml.contains("_x0000_t202") {
        add.push_str("<v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/><v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>");
    }
    for (i, b) in boxes.iter().enumerate() {
        add.push_str(&vml_shape(b, max_id + 1 + i as u32));
    }
    Ok(format!("{}{add}{}", &vml[..close], &vml[close..]))
}

// ------------------------------------------------- rels, types, workbook

fn add_rels(existing: Option<&str>, new: &[(&str, String)]) -> String {
    let items: String = new
        .iter()
        .enumerate()
        .map(|(i, (kind, target))| {
            format!("<Relationship Id=\"rIdSelfeval{}\" Type=\"{kind}\" Target=\"{}\"/>", i + 1, esc(target))
        })
        .collect();
    match existing.and_then(|t| t.rfind("</Relationships>").map(|i| (t, i))) {
        Some((t, i)) => format!("{}{items}{}", &t[..i], &t[i..]),
        None => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"{PKG_REL_NS}\">{items}</Relationships>"
        ),
    }
}

fn add_rels_with_id(existing: &str, id: &str, kind: &str, target: &str) -> Res<String> {
    let i = existing.rfind("</Relationships>").ok_or_else(|| xml_err("workbook.xml.rels"))?;
    Ok(format!(
        "{}<Relationship Id=\"{id}\" Type=\"{kind}\" Target=\"{}\"/>{}",
        &existing[..i],
        esc(target),
        &existing[i..]
    ))
}

fn add_override(ct: &str, part: &str, kind: &str) -> String {
    match ct.rfind("</Types>") {
        Some(i) => format!("{}<Override PartName=\"/{part}\" ContentType=\"{kind}\"/>{}", &ct[..i], &ct[i..]),
        None => ct.to_string(),
    }
}

fn add_default(ct: &str, ext: &str, kind: &str) -> String {
    let has = ct.to_lowercase().contains(&format!("extension=\"{ext}\""));
    match ct.rfind("</Types>") {
        Some(i) if !has => format!("{}<Default Extension=\"{ext}\" ContentType=\"{kind}\"/>{}", &ct[..i], &ct[i..]),
        _ => ct.to_string(),
    }
}

fn unique_sheet_name(sheets: &[SheetEntry]) -> String {
    let taken = |n: &str| sheets.iter().any(|s| s.name == n);
    if !taken(LEGEND_SHEET) {
        return LEGEND_SHEET.to_string();
    }
    // Among len + 1 numbers one is free.
    (2..=sheets.len() + 2)
        .map(|i| format!("{LEGEND_SHEET}({i})"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| LEGEND_SHEET.to_string())
}

/// workbook.xml with the legend sheet appended to `<sheets>` and our
/// hidden marking name added to `<definedNames>`.
fn add_legend_to_workbook(xml: &str, name: &str, rid: &str, sheets: &[SheetEntry]) -> Res<String> {
    let mut r = Reader::from_str(xml);
    let mut sheets_end = None;
    let mut names_end = None;
    let mut sheets_close_end = None;
    let mut prefix = String::new();
    loop {
        let start = r.buffer_position() as usize;
        let ev = r.read_event().map_err(|_| xml_err("workbook.xml"))?;
        let end = r.buffer_position() as usize;
        match &ev {
            Event::Start(e) if local(e) == "workbook" => {
                let q = e.name().as_ref().to_string();
                prefix = q.strip_suffix("workbook").unwrap_or("").to_string();
            }
            Event::End(e) => match e.local_name().as_ref() {
                "sheets" => {
                    sheets_end = Some(start);
                    sheets_close_end = Some(end);
                }
                "definedNames" => names_end = Some(start),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    let (Some(sheets_end), Some(after_sheets)) = (sheets_end, sheets_close_end) else {
        return Err(xml_err("workbook.xml"));
    };
    let p = &prefix;
    let id = sheets.iter().map(|s| s.sheet_id).max().unwrap_or(0) + 1;
    let sheet = format!("<{p}sheet xmlns:r=\"{REL_NS}\" name=\"{}\" sheetId=\"{id}\" r:id=\"{rid}\"/>", esc(name));
    let mark = format!(
        "<{p}definedName name=\"{MARK_NAME}\" hidden=\"1\">\"{}\"</{p}definedName>",
        crate::marker::Kind::Annotated.zh()
    );
    let mut edits = vec![(sheets_end, sheets_end, sheet)];
    match names_end {
        Some(i) => edits.push((i, i, mark)),
        None => edits.push((after_sheets, after_sheets, format!("<{p}definedNames>{mark}</{p}definedNames>"))),
    }
    Ok(splice(xml, edits))
}

/// The 标注说明 sheet: every marked cell with its severity, code, message
/// and fix; printable on A4 landscape; says it is not to be submitted.
fn legend_sheet(rows: &[(String, CellRef, &Finding)], wrap: u32, bold: u32) -> String {
    let cols = [
        ("序号", 6.0),
        ("工作表", 12.0),
        ("单元格", 8.0),
        ("严重程度", 9.0),
        ("代码", 8.0),
        ("问题", 52.0),
        ("如何修改", 44.0),
    ];
    let col_xml: String = cols
        .iter()
        .enumerate()
        .map(|(i, (_, w))| format!("<col min=\"{n}\" max=\"{n}\" width=\"{w}\" customWidth=\"1\"/>", n = i + 1))
        .collect();
    let cell = |r: u32, c: u32, text: &str, s: u32| {
        format!(
            "<c r=\"{}\" t=\"inlineStr\" s=\"{s}\"><is><t xml:space=\"preserve\">{}</t></is></c>",
            CellRef::new(r, c),
            esc(text)
        )
    };
    let num = |r: u32, c: u32, n: usize, s: u32| format!("<c r=\"{}\" s=\"{s}\"><v>{n}</v></c>", CellRef::new(r, c));
    let mut data = String::new();
    data.push_str(&format!(
        "<row r=\"1\" ht=\"24\" customHeight=\"1\">{}</row>",
        cell(0, 0, "标注说明（标注副本，请勿报送）", bold)
    ));
    let intro = "本文件是 selfeval 根据校验结果生成的标注副本：红色底纹为错误，橙色斜线为警告，把鼠标移到单元格上可看到说明。请在原文件中修改后报送，不要报送本副本。";
    data.push_str(&format!("<row r=\"2\" ht=\"32\" customHeight=\"1\">{}</row>", cell(1, 0, intro, wrap)));
    let head: String = cols.iter().enumerate().map(|(i, (h, _))| cell(2, i as u32, h, bold)).collect();
    data.push_str(&format!("<row r=\"3\">{head}</row>"));
    for (i, (sheet, at, f)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        let lines = super::est_lines(&f.message, 52.0).max(super::est_lines(&f.fix, 44.0));
        let ht = (lines.max(1) as f64 * 14.5).max(15.0);
        data.push_str(&format!(
            "<row r=\"{}\" ht=\"{ht}\" customHeight=\"1\">{}{}{}{}{}{}{}</row>",
            r + 1,
            num(r, 0, i + 1, wrap),
            cell(r, 1, sheet, wrap),
            cell(r, 2, &at.to_string(), wrap),
            cell(r, 3, f.severity.zh(), wrap),
            cell(r, 4, f.code.id(), wrap),
            cell(r, 5, &f.message, wrap),
            cell(r, 6, &f.fix, wrap),
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr><sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"3\" topLeftCell=\"A4\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/><cols>{col_xml}</cols><sheetData>{data}</sheetData><mergeCells count=\"2\"><mergeCell ref=\"A1:G1\"/><mergeCell ref=\"A2:G2\"/></mergeCells><pageMargins left=\"0.5\" right=\"0.5\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/><pageSetup paperSize=\"9\" orientation=\"landscape\" fitToWidth=\"1\" fitToHeight=\"0\"/><headerFooter><oddHeader>&amp;C标注说明（标注副本，请勿报送）</oddHeader><oddFooter>&amp;C第 &amp;P 页 共 &amp;N 页</oddFooter></headerFooter></worksheet>"
    )
}

// ------------------------------------------------------------------ proof

/// What the proof needs to know of one flagged sheet's edit.
struct SheetProof {
    name: String,
    part: String,
    original: String,
    /// Marked cell → its new style index.
    marks: BTreeMap<CellRef, u32>,
    /// The `<legacyDrawing>` relationship id we added, if any.
    legacy: Option<String>,
    /// (old style index, new style index) of each marked cell.
    styles_used: Vec<(u32, u32)>,
}

/// The copy against the original: untouched parts byte-equal; each
/// flagged sheet's XML equal token for token but the marked cells' style
/// index and the elements we inserted; styles.xml equal but what we
/// appended, every marked cell's new format its old one with only the
/// fill changed; and a real reader (calamine) sees every value and formula
/// of the flagged sheets unchanged.
fn prove(
    original: &[u8],
    copy: &[u8],
    changed: &BTreeSet<String>,
    sheets: &[SheetProof],
    (styles_path, original_styles): (&str, &str),
) -> Res<()> {
    let proof = |s: &str| AnnotateError::Proof(s.to_string());
    let mut a = zip::ZipArchive::new(Cursor::new(original)).map_err(|_| AnnotateError::Zip)?;
    let mut b = zip::ZipArchive::new(Cursor::new(copy)).map_err(|_| proof("副本无法打开"))?;
    for i in 0..a.len() {
        let fa = a.by_index_raw(i).map_err(|_| AnnotateError::Zip)?;
        let name = fa.name().to_string();
        if changed.contains(&name) {
            continue;
        }
        let (crc, size, method) = (fa.crc32(), fa.size(), fa.compression());
        let mut raw_a = Vec::new();
        let mut fa = fa;
        fa.read_to_end(&mut raw_a).map_err(|_| AnnotateError::Zip)?;
        drop(fa);
        let j = b.index_for_name(&name).ok_or_else(|| proof(&format!("缺少部分 {name}")))?;
        let mut fb = b.by_index_raw(j).map_err(|_| proof("副本无法读取"))?;
        if fb.crc32() != crc || fb.size() != size || fb.compression() != method {
            return Err(proof(&format!("部分 {name} 被改动")));
        }
        let mut raw_b = Vec::new();
        fb.read_to_end(&mut raw_b).map_err(|_| proof("副本无法读取"))?;
        if raw_a != raw_b {
            return Err(proof(&format!("部分 {name} 被改动")));
        }
    }
    let text_of = |b: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str| -> Res<String> {
        let mut f = b.by_name(name).map_err(|_| proof(&format!("缺少部分 {name}")))?;
        let mut t = String::new();
        f.read_to_string(&mut t).map_err(|_| proof("副本无法读取"))?;
        Ok(t)
    };
    for sp in sheets {
        let copy_xml = text_of(&mut b, &sp.part)?;
        same_sheet_xml(&sp.original, &copy_xml, &sp.marks, sp.legacy.as_deref())
            .map_err(|why| proof(&format!("工作表“{}”{why}", sp.name)))?;
    }
    let copy_styles = text_of(&mut b, styles_path)?;
    let used: Vec<(u32, u32)> = sheets.iter().flat_map(|s| s.styles_used.iter().copied()).collect();
    same_styles_xml(original_styles, &copy_styles, &used).map_err(|why| proof(&format!("格式表{why}")))?;
    let names: Vec<String> = sheets.iter().map(|s| s.name.clone()).collect();
    same_values(original, copy, &names)
}

/// One token of an XML part, as the proof compares it: an element's
/// opening (name and attributes, `s` apart), its closing, or any other
/// markup as written.
#[derive(Debug, Clone, PartialEq)]
struct Tok {
    open: Option<bool>,
    text: String,
    s: Option<String>,
    cell: Option<CellRef>,
    row: Option<u32>,
    rid: Option<String>,
}

/// The tokens of a part; an empty element is an opening and a closing.
fn tokens(xml: &str) -> Result<Vec<Tok>, Mismatch> {
    let mut r = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut cur = Cursor0 { row: 0, col: 0 };
    let mut first_row = true;
    let leaf = |text: String| Tok { open: None, text, s: None, cell: None, row: None, rid: None };
    loop {
        let start = r.buffer_position() as usize;
        let ev = r.read_event().map_err(|_| Mismatch::Unparsable)?;
        let end = r.buffer_position() as usize;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let name = local(e);
                let (mut cell, mut row) = (None, None);
                if name == "row" {
                    if !first_row {
                        cur.row += 1;
                    }
                    first_row = false;
                    row = Some(row_of(e, &mut cur));
                } else if name == "c" {
                    let c = cell_ref_of(e, &mut cur);
                    cur.col += 1;
                    cell = Some(c);
                }
                let mut s = None;
                let mut rid = None;
                // Most tags compare as written; a cell's without its `s`.
                let text = if name == "c" {
                    let mut text = e.name().as_ref().to_string();
                    for a in e.attributes().with_checks(false).flatten() {
                        if a.key.as_ref() == "s" {
                            s = Some(a.value.to_string());
                        } else {
                            text.push(' ');
                            text.push_str(a.key.as_ref());
                            text.push('=');
                            text.push_str(&a.value);
                        }
                    }
                    text
                } else {
                    if name == "legacyDrawing" {
                        rid = e
                            .attributes()
                            .with_checks(false)
                            .flatten()
                            .find(|a| a.key.local_name().as_ref() == "id")
                            .map(|a| a.value.to_string());
                    }
                    xml[start..end].trim_end_matches('>').trim_end_matches('/').trim_end().to_string()
                };
                out.push(Tok { open: Some(true), text, s, cell, row, rid });
                if matches!(ev, Event::Empty(_)) {
                    out.push(Tok { open: Some(false), ..leaf(e.name().as_ref().to_string()) });
                }
            }
            Event::End(e) => out.push(Tok { open: Some(false), ..leaf(e.name().as_ref().to_string()) }),
            Event::Eof => break,
            _ => out.push(leaf(xml[start..end].to_string())),
        }
    }
    Ok(out)
}

/// The copy's tokens without one element (opening to closing) at `i`.
fn skip_element(toks: &[Tok], i: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    while j < toks.len() {
        match toks[j].open {
            Some(true) => depth += 1,
            Some(false) => {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            None => {}
        }
        j += 1;
    }
    j
}

/// Where a copy's part differs from the original's, said after the part's
/// name in the proof's message ("工作表“资金执行”B7 处").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum Mismatch {
    #[error("无法解析")]
    Unparsable,
    #[error("插入了多余的单元格")]
    ExtraCell,
    #[error("的结构")]
    Structure,
    #[error("{} 处", .0.map(|c| c.to_string()).unwrap_or_else(|| "某".into()))]
    Content(Option<CellRef>),
    #[error("{} 的格式", .0.map(|c| c.to_string()).unwrap_or_default())]
    Style(Option<CellRef>),
    #[error("原有格式被改动")]
    StylesChanged,
    #[error("原有内容被改动")]
    ContentChanged,
    #[error("标注格式缺失")]
    MarkStyleMissing,
    #[error("标注格式除底纹外与原格式不同")]
    MarkStyleDiffers,
}

/// A flagged sheet's XML against its original: equal token for token but
/// the marked cells' `s`, the empty marked cells and rows we inserted,
/// and our `<legacyDrawing>`.
fn same_sheet_xml(
    original: &str,
    copy: &str,
    marks: &BTreeMap<CellRef, u32>,
    legacy: Option<&str>,
) -> Result<(), Mismatch> {
    let a = tokens(original)?;
    let b_all = tokens(copy)?;
    let cells: BTreeSet<CellRef> = a.iter().filter_map(|t| t.cell).collect();
    let rows: BTreeSet<u32> = a.iter().filter_map(|t| t.row).collect();
    let mut b = Vec::with_capacity(b_all.len());
    let mut i = 0;
    while i < b_all.len() {
        let t = &b_all[i];
        let ours_cell = t.cell.is_some_and(|c| marks.contains_key(&c) && !cells.contains(&c));
        let ours_row = t.row.is_some_and(|r| !rows.contains(&r));
        let ours_legacy = t.open == Some(true) && legacy.is_some() && t.rid.as_deref() == legacy;
        if ours_cell || ours_legacy {
            i = skip_element(&b_all, i);
            continue;
        }
        if ours_row {
            // Only inserted marked cells may be inside a row we inserted.
            let end = skip_element(&b_all, i);
            if b_all[i + 1..end.saturating_sub(1)]
                .iter()
                .any(|x| x.cell.is_some_and(|c| !marks.contains_key(&c) || cells.contains(&c)))
            {
                return Err(Mismatch::ExtraCell);
            }
            i = end;
            continue;
        }
        b.push(t.clone());
        i += 1;
    }
    if a.len() != b.len() {
        return Err(Mismatch::Structure);
    }
    for (x, y) in a.iter().zip(&b) {
        if x.open != y.open || x.text != y.text {
            return Err(Mismatch::Content(x.cell));
        }
        let marked = x.cell.is_some_and(|c| marks.contains_key(&c));
        if !marked && x.s != y.s {
            return Err(Mismatch::Style(x.cell));
        }
    }
    Ok(())
}

/// styles.xml against its original: equal but the fills, fonts and
/// formats appended and their counts; and each marked cell's new format
/// is its old one with only the fill changed.
fn same_styles_xml(original: &str, copy: &str, used: &[(u32, u32)]) -> Result<(), Mismatch> {
    let so = Styles::parse(original.to_string()).map_err(|_| Mismatch::Unparsable)?;
    let sc = Styles::parse(copy.to_string()).map_err(|_| Mismatch::Unparsable)?;
    if sc.xfs.len() < so.xfs.len() || sc.xfs[..so.xfs.len()] != so.xfs[..] {
        return Err(Mismatch::StylesChanged);
    }
    let (a, b) = (tokens(original)?, tokens(copy)?);
    // Drop from the copy the list items beyond the original's counts.
    let limits =
        [("fills", "fill", so.fills_count), ("fonts", "font", so.fonts_count), ("cellXfs", "xf", so.xfs.len())];
    let strip_count = |t: &Tok| {
        let mut t = t.clone();
        if limits.iter().any(|(list, _, _)| t.open == Some(true) && local_of(&t.text) == *list) {
            t.text = t
                .text
                .split(|c: char| c.is_whitespace())
                .filter(|p| !p.starts_with("count="))
                .collect::<Vec<_>>()
                .join(" ");
        }
        t
    };
    let mut kept = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut i = 0;
    while i < b.len() {
        let t = &b[i];
        if t.open == Some(true) {
            let name = local_of(&t.text);
            let parent = stack.last().cloned().unwrap_or_default();
            if let Some((_, _, limit)) = limits.iter().find(|(list, item, _)| *list == parent && *item == name) {
                let n = seen.entry(parent.clone()).or_insert(0);
                *n += 1;
                if *n > *limit {
                    i = skip_element(&b, i);
                    continue;
                }
            }
            stack.push(name);
        } else if t.open == Some(false) {
            stack.pop();
        }
        kept.push(strip_count(t));
        i += 1;
    }
    let a: Vec<Tok> = a.iter().map(strip_count).collect();
    if a != kept {
        return Err(Mismatch::ContentChanged);
    }
    let plain = |xf: &str| set_attrs(xf, &[("fillId", String::new()), ("applyFill", String::new())]).ok();
    for (old, new) in used {
        let (Some(x), Some(y)) = (so.xfs.get(*old as usize).or(so.xfs.first()), sc.xfs.get(*new as usize)) else {
            return Err(Mismatch::MarkStyleMissing);
        };
        if plain(x) != plain(y) {
            return Err(Mismatch::MarkStyleDiffers);
        }
    }
    Ok(())
}

/// The local name of a token's element ("x:fills a=b" → "fills").
fn local_of(text: &str) -> String {
    let name = text.trim_start_matches('<').split(|c: char| c.is_whitespace()).next().unwrap_or("");
    name.rsplit(':').next().unwrap_or(name).to_string()
}

/// A real reader's view: the copy has the original's sheets first, in
/// order, plus one (the legend), and the flagged sheets' values and
/// formulas are equal.
fn same_values(original: &[u8], copy: &[u8], flagged: &[String]) -> Res<()> {
    use calamine::Reader as _;
    let proof = |s: String| AnnotateError::Proof(s);
    let open = |b| calamine::Xlsx::new(Cursor::new(b)).map_err(|_| proof("无法读回".into()));
    let (mut a, mut b) = (open(original)?, open(copy)?);
    let (oa, ob) = (a.sheet_names(), b.sheet_names());
    if ob.len() != oa.len() + 1 || ob[..oa.len()] != oa[..] {
        return Err(proof("工作表的顺序或名称".into()));
    }
    for name in flagged {
        if values_of(&mut a, name) != values_of(&mut b, name) {
            return Err(proof(format!("工作表“{name}”的内容")));
        }
    }
    Ok(())
}

/// A sheet's values and formulas at absolute positions, read cell by
/// cell (a far stray cell must not make the proof build a dense grid).
fn values_of(x: &mut calamine::Xlsx<Cursor<&[u8]>>, name: &str) -> Option<crate::read::xlsx::Cells> {
    crate::read::xlsx::cells(x, name, &crate::read::xlsx::Keep::All).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sheet_proof_allows_only_the_marked_style_and_our_insertions() {
        let orig = r#"<worksheet><sheetData><row r="2"><c r="A2" s="1"><v>1</v></c><c r="B2" s="2"><v>2</v></c></row></sheetData><mergeCells><mergeCell ref="A1:B1"/></mergeCells></worksheet>"#;
        let mut marks = BTreeMap::new();
        marks.insert(CellRef::parse("B2").unwrap(), 9);
        marks.insert(CellRef::parse("C5").unwrap(), 9);
        let copy = edit_sheet(orig, &marks, Some("rIdSelfeval2")).unwrap();
        same_sheet_xml(orig, &copy, &marks, Some("rIdSelfeval2")).unwrap();
        // Another cell's style, a value, a merge: each is caught.
        for (from, to) in [(r#"s="1""#, r#"s="3""#), ("<v>1</v>", "<v>7</v>"), ("A1:B1", "A1:C1")] {
            let tampered = copy.replacen(from, to, 1);
            assert!(same_sheet_xml(orig, &tampered, &marks, Some("rIdSelfeval2")).is_err(), "{from}");
        }
    }

    #[test]
    fn the_styles_proof_allows_only_appended_formats_differing_in_fill() {
        let orig = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/2024/13_潮州市_2024年绩效自评表.xlsx"),
        )
        .unwrap();
        let mut z = zip::ZipArchive::new(Cursor::new(orig)).unwrap();
        let mut xml = String::new();
        z.by_name("xl/styles.xml").unwrap().read_to_string(&mut xml).unwrap();
        let mut st = Styles::parse(xml.clone()).unwrap();
        let new = st.marked(3, Severity::Error).unwrap();
        let copy = st.finish();
        same_styles_xml(&xml, &copy, &[(3, new)]).unwrap();
        // The wrong base format, or an edited original one: caught.
        assert!(same_styles_xml(&xml, &copy, &[(2, new)]).is_err());
        let tampered = copy.replacen("<b/>", "<i/>", 1);
        assert_ne!(tampered, copy, "the sample's styles have a bold font");
        assert!(same_styles_xml(&xml, &tampered, &[(3, new)]).is_err());
    }

    #[test]
    fn relative_and_resolved_paths_agree() {
        assert_eq!(resolve("xl/workbook.xml", "worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
        assert_eq!(resolve("xl/worksheets/sheet1.xml", "../comments1.xml"), "xl/comments1.xml");
        assert_eq!(resolve("xl/workbook.xml", "/xl/worksheets/sheet2.xml"), "xl/worksheets/sheet2.xml");
        assert_eq!(relative("xl/worksheets/sheet1.xml", "xl/comments_selfeval1.xml"), "../comments_selfeval1.xml");
        assert_eq!(relative("xl/workbook.xml", "xl/worksheets/x.xml"), "worksheets/x.xml");
        assert_eq!(rels_path("xl/worksheets/sheet1.xml"), "xl/worksheets/_rels/sheet1.xml.rels");
    }

    #[test]
    fn missing_cells_and_rows_are_inserted_in_order() {
        let xml = r#"<worksheet><sheetData><row r="2"><c r="A2"><v>1</v></c><c r="C2" s="3"><v>2</v></c></row><row r="5"/></sheetData><legacyDrawingHF r:id="x"/></worksheet>"#;
        let mut marks = BTreeMap::new();
        for (c, s) in [("B2", 7), ("C2", 8), ("D2", 9), ("A4", 10), ("B5", 11), ("A9", 12)] {
            marks.insert(CellRef::parse(c).unwrap(), s);
        }
        let out = edit_sheet(xml, &marks, Some("rIdSelfeval2")).unwrap();
        let want = concat!(
            r#"<worksheet><sheetData><row r="2"><c r="A2"><v>1</v></c><c r="B2" s="7"/><c r="C2" s="8"><v>2</v></c><c r="D2" s="9"/></row>"#,
            r#"<row r="4"><c r="A4" s="10"/></row><row r="5"><c r="B5" s="11"/></row><row r="9"><c r="A9" s="12"/></row></sheetData>"#,
            r#"<legacyDrawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rIdSelfeval2"/><legacyDrawingHF r:id="x"/></worksheet>"#
        );
        assert_eq!(out, want);
    }

    #[test]
    fn an_existing_comment_keeps_its_text_and_ours_follows() {
        let xml = r#"<comments xmlns="m"><authors><author>张三</author></authors><commentList><comment ref="B7" authorId="0"><text><r><t>请核对</t></r></text></comment></commentList></comments>"#;
        let texts = vec![
            (CellRef::parse("B7").unwrap(), "【错误SE302】x".to_string()),
            (CellRef::parse("C9").unwrap(), "y".to_string()),
        ];
        let (out, had) = add_comments(xml, &texts).unwrap();
        assert!(had.contains(&CellRef::parse("B7").unwrap()));
        assert!(out.contains("<r><t>请核对</t></r><r><rPr><b/>"), "{out}");
        assert!(out.contains("<author>张三</author><author>selfeval</author>"));
        assert!(out.contains(r#"<comment ref="C9" authorId="1">"#));
    }
}
