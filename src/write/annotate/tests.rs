//! Unit tests of the annotated copy's parts.

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

#[test]
fn the_proof_wants_the_original_sheets_in_order_then_the_legend_and_untouched_parts_equal() {
    let orig = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/2024/13_潮州市_2024年绩效自评表.xlsx"),
    )
    .unwrap();
    let mut z = zip::ZipArchive::new(Cursor::new(orig.as_slice())).unwrap();
    let text = |z: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str| {
        let mut t = String::new();
        z.by_name(name).unwrap().read_to_string(&mut t).unwrap();
        t
    };
    let (wb, styles) = (text(&mut z, "xl/workbook.xml"), text(&mut z, "xl/styles.xml"));
    let sheets = parse_sheets(&wb).unwrap();
    assert!(sheets.len() >= 2, "the sample has several sheets");
    let proof_of = |parts: &[(String, Vec<u8>)]| {
        let mut pkg = Package::open(&orig).unwrap();
        for (name, bytes) in parts {
            pkg.replace(name, bytes.clone());
        }
        let copy = pkg.write().unwrap();
        let changed: BTreeSet<String> = ["xl/workbook.xml".to_string()].into();
        prove(&orig, &copy, &changed, &[], ("xl/styles.xml", &styles), ("xl/workbook.xml", &sheets))
    };
    let with_legend = add_legend_to_workbook(&wb, LEGEND_SHEET, "rIdX", &sheets).unwrap();
    proof_of(&[("xl/workbook.xml".into(), with_legend.clone().into_bytes())]).unwrap();
    // No legend, or two sheets swapped: refused.
    assert!(proof_of(&[("xl/workbook.xml".into(), wb.clone().into_bytes())]).is_err());
    let (a, b) = (&sheets[0].name, &sheets[1].name);
    let swapped = with_legend
        .replacen(&format!("name=\"{a}\""), "name=\"\u{1}\"", 1)
        .replacen(&format!("name=\"{b}\""), &format!("name=\"{a}\""), 1)
        .replacen("name=\"\u{1}\"", &format!("name=\"{b}\""), 1);
    assert_ne!(swapped, with_legend);
    assert!(proof_of(&[("xl/workbook.xml".into(), swapped.into_bytes())]).is_err());
    // A part we did not mean to change, changed: refused.
    let shared = text(&mut z, "xl/sharedStrings.xml").replacen("<t>", "<t>x", 1);
    let both = [("xl/workbook.xml".into(), with_legend.into_bytes()), ("xl/sharedStrings.xml".into(), shared.into())];
    assert!(proof_of(&both).is_err());
}
