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
