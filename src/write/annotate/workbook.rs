//! Rels, content types and the workbook part: the 标注说明 legend sheet and the hidden mark.

use super::*;

pub(super) fn add_rels(existing: Option<&str>, new: &[(&str, String)]) -> String {
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

pub(super) fn add_rels_with_id(existing: &str, id: &str, kind: &str, target: &str) -> Res<String> {
    let i = existing.rfind("</Relationships>").ok_or_else(|| xml_err("workbook.xml.rels"))?;
    Ok(format!(
        "{}<Relationship Id=\"{id}\" Type=\"{kind}\" Target=\"{}\"/>{}",
        &existing[..i],
        esc(target),
        &existing[i..]
    ))
}

pub(super) fn add_override(ct: &str, part: &str, kind: &str) -> String {
    match ct.rfind("</Types>") {
        Some(i) => format!("{}<Override PartName=\"/{part}\" ContentType=\"{kind}\"/>{}", &ct[..i], &ct[i..]),
        None => ct.to_string(),
    }
}

pub(super) fn add_default(ct: &str, ext: &str, kind: &str) -> String {
    let has = ct.to_lowercase().contains(&format!("extension=\"{ext}\""));
    match ct.rfind("</Types>") {
        Some(i) if !has => format!("{}<Default Extension=\"{ext}\" ContentType=\"{kind}\"/>{}", &ct[..i], &ct[i..]),
        _ => ct.to_string(),
    }
}

pub(super) fn unique_sheet_name(sheets: &[SheetEntry]) -> String {
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
pub(super) fn add_legend_to_workbook(xml: &str, name: &str, rid: &str, sheets: &[SheetEntry]) -> Res<String> {
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
pub(super) fn legend_sheet(rows: &[(String, CellRef, &Finding)], wrap: u32, bold: u32, form: &FormSpec) -> String {
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
        let (message, fix) = (f.message(form), f.fix(form));
        let lines = crate::write::est_lines(&message, 52.0).max(crate::write::est_lines(&fix, 44.0));
        let ht = (lines.max(1) as f64 * 14.5).max(15.0);
        data.push_str(&format!(
            "<row r=\"{}\" ht=\"{ht}\" customHeight=\"1\">{}{}{}{}{}{}{}</row>",
            r + 1,
            num(r, 0, i + 1, wrap),
            cell(r, 1, sheet, wrap),
            cell(r, 2, &at.to_string(), wrap),
            cell(r, 3, f.severity.zh(), wrap),
            cell(r, 4, f.code.id(), wrap),
            cell(r, 5, &message, wrap),
            cell(r, 6, &fix, wrap),
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr><sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"3\" topLeftCell=\"A4\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/><cols>{col_xml}</cols><sheetData>{data}</sheetData><mergeCells count=\"2\"><mergeCell ref=\"A1:G1\"/><mergeCell ref=\"A2:G2\"/></mergeCells><pageMargins left=\"0.5\" right=\"0.5\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/><pageSetup paperSize=\"9\" orientation=\"landscape\" fitToWidth=\"1\" fitToHeight=\"0\"/><headerFooter><oddHeader>&amp;C标注说明（标注副本，请勿报送）</oddHeader><oddFooter>&amp;C第 &amp;P 页 共 &amp;N 页</oddFooter></headerFooter></worksheet>"
    )
}
