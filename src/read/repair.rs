//! The workbook's list of sheets, mended where Excel and LibreOffice open
//! a file that calamine refuses whole.
//!
//! calamine stops at the first sheet entry it does not expect, and then no
//! sheet is read: an XLM macro sheet in an .xlsm or .xlsb (Apache POI's
//! `64420.xlsm`, SheetJS's `BlankSheetTypes.xlsb`), a state written
//! "show" (exceljs), a sheet without a relationship id (ClosedXML), an
//! .xlsb sheet record laid out with four extra bytes (POI's `Simple.xlsb`,
//! where calamine panics). None of these can be the form's sheet, and
//! Excel opens the rest. So before calamine sees the package, such an
//! entry is dropped from the list (a macro sheet, a sheet whose part
//! cannot be found) or said the way calamine expects (an unknown state is
//! "visible"); every other byte is copied.

use super::records::{put_record, records, Record};
use quick_xml::events::{BytesStart, Event};
use std::io::Cursor;

type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// The relationship types calamine reads as sheets (the last segment).
const SHEET_TYPES: [&str; 3] = ["worksheet", "chartsheet", "dialogsheet"];
/// The folders an .xlsb sheet part lives in, as calamine tells its type.
const SHEET_FOLDERS: [&str; 3] = ["worksheets", "chartsheets", "dialogsheets"];
/// The sheet states calamine knows.
const STATES: [&str; 3] = ["visible", "hidden", "veryHidden"];

/// `xl/workbook.xml` with its sheet list mended; `None` when it needs
/// nothing (the common case: one pass over a small part, no copy).
pub(super) fn xlsx_workbook(zip: &mut Zip) -> Option<Vec<u8>> {
    let rels = super::package::member(zip, "xl/_rels/workbook.xml.rels")?;
    let types: Vec<(String, String)> = relationships(&rels).into_iter().map(|r| (r.id, r.kind)).collect();
    let xml = super::package::member(zip, "xl/workbook.xml")?;
    mended_sheets(&xml, &types)
}

/// A package relationship: its id, its type's last segment ("worksheet")
/// and its target's first folder below `xl/` ("worksheets").
struct Rel {
    id: String,
    kind: String,
    folder: String,
}

fn relationships(rels: &[u8]) -> Vec<Rel> {
    let mut r = quick_xml::Reader::from_reader(rels);
    let mut out = Vec::new();
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Relationship" => {
                let (Some(id), Some(typ), Some(target)) = (attr(&e, "Id"), attr(&e, "Type"), attr(&e, "Target")) else {
                    continue;
                };
                let kind = typ.rsplit('/').next().unwrap_or_default().to_string();
                let below = target.trim_start_matches('/').trim_start_matches("xl/");
                out.push(Rel { id, kind, folder: below.split('/').next().unwrap_or_default().to_string() });
            }
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
    }
}

fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == local).map(|a| a.value.into_owned())
}

/// What to do with one `<sheet>` entry.
#[derive(Debug, PartialEq)]
enum Entry {
    Keep,
    Drop,
    /// Keep, with its state said as "visible".
    Visible,
}

fn judge(e: &BytesStart, types: &[(String, String)]) -> Entry {
    let id = attr(e, "id");
    let typ = id.and_then(|id| types.iter().find(|(i, _)| *i == id).map(|(_, t)| t.as_str()));
    if !typ.is_some_and(|t| SHEET_TYPES.contains(&t)) {
        return Entry::Drop;
    }
    match attr(e, "state") {
        Some(s) if !STATES.contains(&s.as_str()) => Entry::Visible,
        _ => Entry::Keep,
    }
}

/// The workbook XML with each `<sheet>` entry judged ([`judge`]); `None`
/// when every entry is kept as it is or the XML is broken (calamine then
/// says why).
fn mended_sheets(xml: &[u8], types: &[(String, String)]) -> Option<Vec<u8>> {
    let mut r = quick_xml::Reader::from_reader(xml);
    let mut out = Vec::with_capacity(xml.len());
    let (mut copied, mut changed) = (0usize, false);
    loop {
        let start = r.buffer_position() as usize;
        let (e, empty) = match r.read_event().ok()? {
            Event::Eof => break,
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            _ => continue,
        };
        if e.local_name().as_ref() != "sheet" {
            continue;
        }
        let end = r.buffer_position() as usize;
        let entry = judge(&e, types);
        if entry == Entry::Keep {
            continue;
        }
        out.extend_from_slice(xml.get(copied..start)?);
        copied = end;
        changed = true;
        if !empty {
            // `<sheet ...></sheet>`: skip to its end as well.
            let mut depth = 1;
            while depth > 0 {
                match r.read_event().ok()? {
                    Event::Start(_) => depth += 1,
                    Event::End(_) => depth -= 1,
                    Event::Eof => return None,
                    _ => {}
                }
            }
            copied = r.buffer_position() as usize;
        }
        if entry == Entry::Visible {
            let mut fixed = BytesStart::new(e.name().as_ref().to_string());
            for a in e.attributes().flatten().filter(|a| a.key.local_name().as_ref() != "state") {
                fixed.push_attribute(a);
            }
            let mut w = quick_xml::Writer::new(&mut out);
            w.write_event(Event::Empty(fixed)).ok()?;
        }
    }
    out.extend_from_slice(xml.get(copied..)?);
    changed.then_some(out)
}

/// BrtBundleSh: one sheet of an .xlsb's list.
const BUNDLE_SHEET: u32 = 0x009C;

/// `xl/workbook.bin` with its sheet records mended as [`xlsx_workbook`]
/// does the XML; `None` when it needs nothing.
pub(super) fn xlsb_workbook(zip: &mut Zip) -> Option<Vec<u8>> {
    let rels = super::package::member(zip, "xl/_rels/workbook.bin.rels")?;
    let targets: Vec<(String, String)> = relationships(&rels).into_iter().map(|r| (r.id, r.folder)).collect();
    let data = super::package::member(zip, "xl/workbook.bin")?;
    mended_records(&data, &targets)
}

/// The sheet record's relationship id, read where calamine reads it (a
/// 4-byte length at offset 8, then UTF-16); `None` when the record is too
/// short for it.
fn rel_id(body: &[u8]) -> Option<String> {
    let len = u32::from_le_bytes(body.get(8..12)?.try_into().ok()?);
    let bytes = body.get(12..12usize.checked_add((len as usize).checked_mul(2)?)?)?;
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    Some(String::from_utf16_lossy(&units))
}

/// One BrtBundleSh mended: `None` to drop it, else its body as calamine
/// can read it.
fn mended_sheet(body: &[u8], targets: &[(String, String)]) -> Option<Vec<u8>> {
    let known = |id: &str| targets.iter().find(|(i, _)| i == id).map(|(_, f)| f.as_str());
    let mut body = body.to_vec();
    let folder = match rel_id(&body).as_deref().and_then(known) {
        Some(f) => f,
        None => {
            // Four more bytes before the id (POI's Simple.xlsb).
            let shifted = [body.get(..4)?, body.get(8..)?].concat();
            let f = rel_id(&shifted).as_deref().and_then(known)?;
            body = shifted;
            f
        }
    };
    if !SHEET_FOLDERS.contains(&folder) {
        return None;
    }
    if u32::from_le_bytes(body.get(..4)?.try_into().ok()?) > 2 {
        body[..4].copy_from_slice(&0u32.to_le_bytes());
    }
    Some(body)
}

fn mended_records(data: &[u8], targets: &[(String, String)]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    let mut changed = false;
    for r in records(data) {
        let Record { typ, body, raw } = r?;
        // A sheet without a relationship (0xFFFFFFFF) calamine passes over.
        let unbound = body.get(8..12) == Some(&[0xFF; 4][..]);
        if typ != BUNDLE_SHEET || unbound {
            out.extend_from_slice(raw);
            continue;
        }
        match mended_sheet(body, targets) {
            Some(b) if b == body => out.extend_from_slice(raw),
            Some(b) => {
                changed = true;
                put_record(&mut out, typ, &b);
            }
            None => changed = true,
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types() -> Vec<(String, String)> {
        [("rId1", "worksheet"), ("rId2", "xlMacrosheet"), ("rId3", "chartsheet")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn macro_sheets_and_sheets_without_a_part_are_dropped_odd_states_said_visible() {
        let xml = br#"<workbook xmlns:r="r"><sheets><sheet name="A" sheetId="1" state="show" r:id="rId1"/><sheet name="M" sheetId="2" r:id="rId2"/><sheet name="N" sheetId="3" r:id=""/><sheet name="C" sheetId="4" r:id="rId3"></sheet></sheets></workbook>"#;
        let out = String::from_utf8(mended_sheets(xml, &types()).expect("mended")).expect("utf8");
        assert_eq!(
            out,
            r#"<workbook xmlns:r="r"><sheets><sheet name="A" sheetId="1" r:id="rId1"/><sheet name="C" sheetId="4" r:id="rId3"></sheet></sheets></workbook>"#
        );
    }

    #[test]
    fn a_sound_sheet_list_is_left_alone() {
        let xml = br#"<workbook><sheets><sheet name="A" sheetId="1" state="hidden" r:id="rId1"/><sheet name="C" sheetId="4" r:id="rId3"/></sheets></workbook>"#;
        assert_eq!(mended_sheets(xml, &types()), None);
    }

    fn bundle(state: u32, extra: bool, id: &str, name: &str) -> Vec<u8> {
        let wide = |s: &str| {
            let mut v = (s.encode_utf16().count() as u32).to_le_bytes().to_vec();
            v.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
            v
        };
        let mut body = state.to_le_bytes().to_vec();
        if extra {
            body.extend(0u32.to_le_bytes());
        }
        body.extend(1u32.to_le_bytes());
        body.extend(wide(id));
        body.extend(wide(name));
        let mut r = Vec::new();
        put_record(&mut r, BUNDLE_SHEET, &body);
        r
    }

    #[test]
    fn xlsb_sheet_records_are_mended_like_the_xml() {
        let targets: Vec<(String, String)> = [("rId1", "worksheets"), ("rId2", "macrosheets")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let sound = bundle(0, false, "rId1", "A");
        assert_eq!(mended_records(&sound, &targets), None);
        let data =
            [bundle(0, true, "rId1", "A"), bundle(0, false, "rId2", "M"), bundle(7, false, "rId1", "B")].concat();
        let want = [bundle(0, false, "rId1", "A"), bundle(0, false, "rId1", "B")].concat();
        assert_eq!(mended_records(&data, &targets), Some(want));
    }
}
