//! The proof: untouched parts byte-equal, touched ones equal token for
//! token but for our marks, and the workbook's sheets the original's plus
//! the legend at the end.
//!
//! It runs on every copy, so it is kept to what the edit could get wrong
//! and read from the copy's bytes as written. A real reader's view of the
//! values (calamine opening original and copy) once ran here too and cost
//! a third of all the feedback's time (issue 42) while it could only
//! repeat the token comparison: every value, formula and cell position of
//! a flagged sheet is a token compared here. The tests read copies back
//! with calamine and LibreOffice ([`same_content`]).

use super::*;
use std::borrow::Cow;

/// What the proof needs to know of one flagged sheet's edit.
pub(super) struct SheetProof {
    pub(super) name: String,
    pub(super) part: String,
    pub(super) original: String,
    /// Marked cell → its new style index.
    pub(super) marks: BTreeMap<CellRef, u32>,
    /// The `<legacyDrawing>` relationship id we added, if any.
    pub(super) legacy: Option<String>,
    /// (old style index, new style index) of each marked cell.
    pub(super) styles_used: Vec<(u32, u32)>,
}

/// The copy against the original: untouched parts byte-equal; each
/// flagged sheet's XML equal token for token but the marked cells' style
/// index and the elements we inserted (so every value, formula and cell
/// position is unchanged); styles.xml equal but what we appended, every
/// marked cell's new format its old one with only the fill changed; and
/// the workbook lists the original's sheets, in order, then the legend.
pub(super) fn prove(
    original: &[u8],
    copy: &[u8],
    changed: &BTreeSet<String>,
    sheets: &[SheetProof],
    (styles_path, original_styles): (&str, &str),
    (workbook_path, original_sheets): (&str, &[SheetEntry]),
) -> Res<()> {
    let proof = |s: &str| AnnotateError::Proof(s.to_string());
    let mut a = zip::ZipArchive::new(Cursor::new(original)).map_err(|_| AnnotateError::Zip)?;
    let mut b = zip::ZipArchive::new(Cursor::new(copy)).map_err(|_| proof("副本无法打开"))?;
    // An untouched part's stored bytes, as a slice of the package: compared
    // where they lie, not copied out.
    fn stored<'p>(f: &zip::read::ZipFile<'_, Cursor<&'p [u8]>>, package: &'p [u8]) -> Option<&'p [u8]> {
        let start = usize::try_from(f.data_start()?).ok()?;
        package.get(start..start.checked_add(usize::try_from(f.compressed_size()).ok()?)?)
    }
    for i in 0..a.len() {
        let fa = a.by_index_raw(i).map_err(|_| AnnotateError::Zip)?;
        let name = fa.name().to_string();
        if changed.contains(&name) {
            continue;
        }
        let (crc, size, method) = (fa.crc32(), fa.size(), fa.compression());
        let raw_a = stored(&fa, original).ok_or(AnnotateError::Zip)?;
        drop(fa);
        let j = b.index_for_name(&name).ok_or_else(|| proof(&format!("缺少部分 {name}")))?;
        let fb = b.by_index_raw(j).map_err(|_| proof("副本无法读取"))?;
        if fb.crc32() != crc || fb.size() != size || fb.compression() != method {
            return Err(proof(&format!("部分 {name} 被改动")));
        }
        if stored(&fb, copy) != Some(raw_a) {
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
    let listed = parse_sheets(&text_of(&mut b, workbook_path)?).map_err(|_| proof("工作簿无法解析"))?;
    let names = |l: &[SheetEntry]| l.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    let (oa, ob) = (names(original_sheets), names(&listed));
    if ob.len() != oa.len() + 1 || ob[..oa.len()] != oa[..] {
        return Err(proof("工作表的顺序或名称"));
    }
    Ok(())
}

/// One token of an XML part, as the proof compares it: an element's
/// opening (name and attributes, `s` apart), its closing, or any other
/// markup as written. Borrowed from the part's text where it can be: the
/// proof runs on every copy, and a string for each of a sheet's tokens was
/// most of its cost.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Tok<'a> {
    pub(super) open: Option<bool>,
    pub(super) text: Cow<'a, str>,
    pub(super) s: Option<Cow<'a, str>>,
    pub(super) cell: Option<CellRef>,
    pub(super) row: Option<u32>,
    pub(super) rid: Option<Cow<'a, str>>,
}

/// The tokens of a part; an empty element is an opening and a closing.
pub(super) fn tokens(xml: &str) -> Result<Vec<Tok<'_>>, Mismatch> {
    let mut r = Reader::from_str(xml);
    let mut out = Vec::with_capacity(xml.len() / 16);
    let mut cur = Cursor0 { row: 0, col: 0 };
    let mut first_row = true;
    fn leaf(text: &str) -> Tok<'_> {
        Tok { open: None, text: Cow::Borrowed(text), s: None, cell: None, row: None, rid: None }
    }
    loop {
        let start = r.buffer_position() as usize;
        let ev = r.read_event().map_err(|_| Mismatch::Unparsable)?;
        let end = r.buffer_position() as usize;
        let raw = xml.get(start..end).ok_or(Mismatch::Unparsable)?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name();
                let (mut cell, mut row) = (None, None);
                if name.as_ref() == "row" {
                    if !first_row {
                        cur.row += 1;
                    }
                    first_row = false;
                    row = Some(row_of(e, &mut cur));
                } else if name.as_ref() == "c" {
                    let c = cell_ref_of(e, &mut cur);
                    cur.col += 1;
                    cell = Some(c);
                }
                let mut s = None;
                let mut rid = None;
                // Most tags compare as written; a cell's without its `s`.
                let text = if cell.is_some() {
                    let mut text = e.name().as_ref().to_string();
                    for a in e.attributes().with_checks(false).flatten() {
                        if a.key.as_ref() == "s" {
                            s = Some(Cow::Owned(a.value.to_string()));
                        } else {
                            text.push(' ');
                            text.push_str(a.key.as_ref());
                            text.push('=');
                            text.push_str(&a.value);
                        }
                    }
                    Cow::Owned(text)
                } else {
                    if name.as_ref() == "legacyDrawing" {
                        rid = e
                            .attributes()
                            .with_checks(false)
                            .flatten()
                            .find(|a| a.key.local_name().as_ref() == "id")
                            .map(|a| Cow::Owned(a.value.to_string()));
                    }
                    Cow::Borrowed(raw.trim_end_matches('>').trim_end_matches('/').trim_end())
                };
                out.push(Tok { open: Some(true), text, s, cell, row, rid });
                if matches!(ev, Event::Empty(_)) {
                    out.push(Tok { open: Some(false), ..leaf(tag_name(raw)) });
                }
            }
            Event::End(_) => out.push(Tok { open: Some(false), ..leaf(tag_name(raw)) }),
            Event::Eof => break,
            _ => out.push(leaf(raw)),
        }
    }
    Ok(out)
}

/// The qualified name of the tag `raw` ("<x:c r=..>", "</x:c>" → "x:c").
fn tag_name(raw: &str) -> &str {
    let t = raw.trim_start_matches('<').trim_start_matches('/');
    let end = t.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(t.len());
    &t[..end]
}

/// The copy's tokens without one element (opening to closing) at `i`.
pub(super) fn skip_element(toks: &[Tok<'_>], i: usize) -> usize {
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
pub(super) enum Mismatch {
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
pub(super) fn same_sheet_xml(
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
pub(super) fn same_styles_xml(original: &str, copy: &str, used: &[(u32, u32)]) -> Result<(), Mismatch> {
    let so = Styles::parse(original.to_string()).map_err(|_| Mismatch::Unparsable)?;
    let sc = Styles::parse(copy.to_string()).map_err(|_| Mismatch::Unparsable)?;
    if sc.xfs.len() < so.xfs.len() || sc.xfs[..so.xfs.len()] != so.xfs[..] {
        return Err(Mismatch::StylesChanged);
    }
    let (a, b) = (tokens(original)?, tokens(copy)?);
    // Drop from the copy the list items beyond the original's counts.
    let limits =
        [("fills", "fill", so.fills_count), ("fonts", "font", so.fonts_count), ("cellXfs", "xf", so.xfs.len())];
    // A list's opening compares without its count (ours grew).
    let uncounted = |t: &Tok<'_>| -> Option<String> {
        (t.open == Some(true) && limits.iter().any(|(list, _, _)| local_of(&t.text) == *list)).then(|| {
            t.text.split(|c: char| c.is_whitespace()).filter(|p| !p.starts_with("count=")).collect::<Vec<_>>().join(" ")
        })
    };
    let same = |x: &Tok<'_>, y: &Tok<'_>| match (uncounted(x), uncounted(y)) {
        (Some(p), Some(q)) => p == q && x.open == y.open,
        (None, None) => x == y,
        _ => false,
    };
    let mut a = a.iter();
    let mut stack: Vec<&str> = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut i = 0;
    while i < b.len() {
        let t = &b[i];
        if t.open == Some(true) {
            let name = local_of(&t.text);
            let parent = stack.last().copied().unwrap_or_default();
            if let Some((_, _, limit)) = limits.iter().find(|(list, item, _)| *list == parent && *item == name) {
                let n = seen.entry(parent).or_insert(0);
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
        if !a.next().is_some_and(|x| same(x, t)) {
            return Err(Mismatch::ContentChanged);
        }
        i += 1;
    }
    if a.next().is_some() {
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
pub(super) fn local_of(text: &str) -> &str {
    let name = text.trim_start_matches('<').split(|c: char| c.is_whitespace()).next().unwrap_or("");
    name.rsplit(':').next().unwrap_or(name)
}

/// Where a copy read back differs from its original.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentDiff {
    #[error("副本的工作表与原文件不一致")]
    Sheets,
    #[error("副本中工作表“{sheet}”的 {cell} 与原文件不一致")]
    Cell { sheet: String, cell: String },
    #[error("副本中工作表“{0}”的公式与原文件不一致")]
    Formulas(String),
}

/// Every sheet, value and formula of `a` is in `b` unchanged, and `b`
/// has nothing more but the 标注说明 sheet at its end.
pub fn same_content(a: &crate::read::RawWorkbook, b: &crate::read::RawWorkbook) -> Result<(), ContentDiff> {
    let names = |w: &crate::read::RawWorkbook| w.sheets.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    // The copy may add one sheet at the end: 标注说明.
    let (na, nb) = (names(a), names(b));
    let legend_only = nb.len() == na.len() + 1 && nb.last().is_some_and(|n| n.starts_with(super::LEGEND_SHEET));
    if nb[..na.len().min(nb.len())] != na[..] || !(nb.len() == na.len() || legend_only) {
        return Err(ContentDiff::Sheets);
    }
    for (sa, sb) in a.sheets.iter().zip(&b.sheets) {
        if sa.cells != sb.cells {
            let diff = sa
                .cells
                .iter()
                .find(|(k, v)| sb.cells.get(k) != Some(v))
                .map(|(k, _)| k.to_string())
                .or_else(|| sb.cells.keys().find(|k| !sa.cells.contains_key(k)).map(|k| k.to_string()))
                .unwrap_or_default();
            return Err(ContentDiff::Cell { sheet: sa.name.clone(), cell: diff });
        }
        if sa.formulas != sb.formulas {
            return Err(ContentDiff::Formulas(sa.name.clone()));
        }
    }
    Ok(())
}
