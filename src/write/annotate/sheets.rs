//! A flagged sheet's XML edited as byte spans: the marked cells' style index, rows and cells inserted for empty marked cells, `<legacyDrawing>`.

use super::*;

/// What the first pass over a flagged sheet learns.
pub(super) struct SheetScan {
    /// Style index of each wanted cell (absent: 0, or its row's style).
    pub(super) styles: HashMap<CellRef, u32>,
    /// Highest column used, for placing comment boxes beside the form.
    pub(super) max_col: u32,
    pub(super) has_legacy: bool,
}

/// A stream over sheet XML that tracks row and column, including rows and
/// cells written without an `r` attribute.
pub(super) struct Cursor0 {
    pub(super) row: u32,
    pub(super) col: u32,
}

pub(super) fn cell_ref_of(e: &BytesStart, cur: &mut Cursor0) -> CellRef {
    match attr(e, "r").and_then(|r| CellRef::parse(&r).ok()) {
        Some(c) => {
            cur.col = c.col;
            c
        }
        None => CellRef::new(cur.row, cur.col),
    }
}

pub(super) fn row_of(e: &BytesStart, cur: &mut Cursor0) -> u32 {
    let r = attr(e, "r").and_then(|v| v.parse::<u32>().ok()).map(|r| r.saturating_sub(1)).unwrap_or(cur.row);
    cur.row = r;
    cur.col = 0;
    r
}

pub(super) fn scan_sheet(xml: &str, wanted: BTreeSet<CellRef>) -> Res<SheetScan> {
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
pub(super) const AFTER_LEGACY: [&str; 8] =
    ["legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst"];

/// Rewrites a flagged sheet: `marks` cells get their new style index
/// (cells and rows that do not exist are inserted in order), and a
/// `<legacyDrawing>` is added when `legacy` names a new VML part.
pub(super) fn edit_sheet(xml: &str, marks: &BTreeMap<CellRef, u32>, legacy: Option<&str>) -> Res<String> {
    let mut r = Reader::from_str(xml);
    let mut ed = SheetEdit::new(marks, legacy);
    loop {
        let start = r.buffer_position() as usize;
        let ev = r.read_event().map_err(|_| xml_err("工作表"))?;
        let end = r.buffer_position() as usize;
        let span = (start, end, &xml[start..end]);
        match &ev {
            Event::Start(e) => ed.open(e, false, span)?,
            Event::Empty(e) => ed.open(e, true, span)?,
            Event::End(e) => ed.close(e.local_name().as_ref(), start),
            Event::Eof => break,
            _ => {}
        }
    }
    if !ed.pending.is_empty() || !ed.legacy_done {
        return Err(xml_err("工作表"));
    }
    Ok(splice(xml, ed.edits))
}

/// [`edit_sheet`]'s walk through the sheet: where it is, what is still to
/// mark, and the edits made so far (start, end, new text).
struct SheetEdit<'a> {
    edits: Vec<(usize, usize, String)>,
    cur: Cursor0,
    first_row: bool,
    /// Rows still to mark, with their cells still to insert.
    pending: BTreeMap<u32, BTreeMap<u32, u32>>,
    in_row: Option<u32>,
    /// The sheet's namespace prefix ("x:" in some writers' files).
    prefix: String,
    depth: usize,
    legacy: Option<&'a str>,
    legacy_done: bool,
}

/// An event's start and end offsets and its text.
type Span<'x> = (usize, usize, &'x str);

fn cell_xml(prefix: &str, c: CellRef, s: u32) -> String {
    format!("<{prefix}c r=\"{c}\" s=\"{s}\"/>")
}

fn cells_xml(prefix: &str, row: u32, cells: &BTreeMap<u32, u32>) -> String {
    cells.iter().map(|(col, s)| cell_xml(prefix, CellRef::new(row, *col), *s)).collect()
}

fn row_xml(prefix: &str, row: u32, cells: &BTreeMap<u32, u32>) -> String {
    format!("<{prefix}row r=\"{}\">{}</{prefix}row>", row + 1, cells_xml(prefix, row, cells))
}

fn legacy_xml(rid: &str) -> String {
    format!("<legacyDrawing xmlns:r=\"{REL_NS}\" r:id=\"{rid}\"/>")
}

impl<'a> SheetEdit<'a> {
    fn new(marks: &BTreeMap<CellRef, u32>, legacy: Option<&'a str>) -> Self {
        let mut pending: BTreeMap<u32, BTreeMap<u32, u32>> = BTreeMap::new();
        for (c, s) in marks {
            pending.entry(c.row).or_default().insert(c.col, *s);
        }
        SheetEdit {
            edits: Vec::new(),
            cur: Cursor0 { row: 0, col: 0 },
            first_row: true,
            pending,
            in_row: None,
            prefix: String::new(),
            depth: 0,
            legacy,
            legacy_done: legacy.is_none(),
        }
    }

    /// An opening (or empty) element.
    fn open(&mut self, e: &BytesStart, empty: bool, (start, end, raw): Span) -> Res<()> {
        let name = local(e);
        if self.depth == 1 && !self.legacy_done && AFTER_LEGACY.contains(&name.as_str()) {
            self.edits.push((start, start, legacy_xml(self.legacy.unwrap_or_default())));
            self.legacy_done = true;
        }
        match name.as_str() {
            "sheetData" if empty => {
                let q = e.name().as_ref().to_string();
                let p = q.strip_suffix("sheetData").unwrap_or("").to_string();
                let rows: String = self.pending.iter().map(|(row, cells)| row_xml(&p, *row, cells)).collect();
                self.pending.clear();
                self.edits.push((start, end, format!("{}>{rows}</{q}>", raw.trim_end_matches("/>").trim_end())));
            }
            "row" => self.row(e, empty, (start, end, raw)),
            "c" => self.cell(e, (start, end, raw))?,
            _ => {}
        }
        if !empty {
            self.depth += 1;
        }
        Ok(())
    }

    /// A row: the rows to insert before it, and its cells when it is empty.
    fn row(&mut self, e: &BytesStart, empty: bool, (start, end, raw): Span) {
        if !self.first_row {
            self.cur.row += 1;
        }
        self.first_row = false;
        let row = row_of(e, &mut self.cur);
        let q = e.name().as_ref().to_string();
        self.prefix = q.strip_suffix("row").unwrap_or("").to_string();
        let before: Vec<u32> = self.pending.range(..row).map(|(r, _)| *r).collect();
        let mut ins = String::new();
        for b in before {
            if let Some(cells) = self.pending.remove(&b) {
                ins.push_str(&row_xml(&self.prefix, b, &cells));
            }
        }
        if !ins.is_empty() {
            self.edits.push((start, start, ins));
        }
        if !empty {
            self.in_row = Some(row);
        } else if let Some(cells) = self.pending.remove(&row) {
            let open = raw.trim_end_matches("/>").trim_end();
            self.edits.push((start, end, format!("{open}>{}</{q}>", cells_xml(&self.prefix, row, &cells))));
        }
    }

    /// A cell: the missing cells to its left, and its own style if marked.
    fn cell(&mut self, e: &BytesStart, (start, end, raw): Span) -> Res<()> {
        let c = cell_ref_of(e, &mut self.cur);
        if let Some(cells) = self.in_row.and_then(|row| self.pending.get_mut(&row)) {
            let left: Vec<u32> = cells.range(..c.col).map(|(k, _)| *k).collect();
            let mut ins = String::new();
            for col in left {
                if let Some(s) = cells.remove(&col) {
                    ins.push_str(&cell_xml(&self.prefix, CellRef::new(c.row, col), s));
                }
            }
            if !ins.is_empty() {
                self.edits.push((start, start, ins));
            }
            if let Some(s) = cells.remove(&c.col) {
                self.edits.push((start, end, set_attrs(raw, &[("s", s.to_string())])?));
            }
        }
        self.cur.col += 1;
        Ok(())
    }

    /// A closing element: the cells and rows still to insert, and the
    /// legacy drawing at the sheet's end if nothing came after it.
    fn close(&mut self, name: &str, start: usize) {
        self.depth = self.depth.saturating_sub(1);
        match name {
            "row" => {
                if let Some(cells) = self.in_row.take().and_then(|row| self.pending.remove(&row).map(|c| (row, c))) {
                    self.edits.push((start, start, cells_xml(&self.prefix, cells.0, &cells.1)));
                }
            }
            "sheetData" => {
                let rows: String = self.pending.iter().map(|(row, cells)| row_xml(&self.prefix, *row, cells)).collect();
                self.pending.clear();
                if !rows.is_empty() {
                    self.edits.push((start, start, rows));
                }
            }
            "worksheet" if !self.legacy_done => {
                self.edits.push((start, start, legacy_xml(self.legacy.unwrap_or_default())));
                self.legacy_done = true;
            }
            _ => {}
        }
    }
}

/// Applies (start, end, replacement) edits, in order, to `text`.
pub(super) fn splice(text: &str, mut edits: Vec<(usize, usize, String)>) -> String {
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
