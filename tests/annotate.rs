//! Annotated copies of files the way the world makes them: saved by
//! LibreOffice, with a picture and a chart, a macro workbook, a clerk's
//! own comment. Each copy must open in LibreOffice (PDF conversion), keep
//! every part it had no reason to touch byte for byte, and keep the
//! clerk's comment with ours after it.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Every part of an xlsx: name → (bytes decompressed).
fn parts(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let bytes = std::fs::read(path).expect("read");
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).expect("part");
            let mut b = Vec::new();
            f.read_to_end(&mut b).expect("inflate");
            (f.name().to_string(), b)
        })
        .collect()
}

/// The parts an annotation may change.
fn may_change(name: &str) -> bool {
    name == "[Content_Types].xml"
        || name == "xl/styles.xml"
        || name == "xl/workbook.xml"
        || name == "xl/_rels/workbook.xml.rels"
        || name.starts_with("xl/worksheets/")
        || name.contains("comments")
        || name.ends_with(".vml")
}

/// Original parts not meant to change are byte-equal in the copy, in the
/// same order; returns the parts that did change.
fn compare_parts(original: &Path, copy: &Path) -> Vec<String> {
    let (a, b) = (parts(original), parts(copy));
    let mut changed = Vec::new();
    for (name, bytes) in &a {
        let other = b.get(name).unwrap_or_else(|| panic!("{name} missing from the copy"));
        if other != bytes {
            assert!(may_change(name), "{name} changed");
            changed.push(name.clone());
        }
    }
    // The original's order is kept.
    let zip_order = |p: &Path| {
        let bytes = std::fs::read(p).expect("read");
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        (0..z.len()).map(|i| z.by_index_raw(i).expect("p").name().to_string()).collect::<Vec<_>>()
    };
    let (za, zb) = (zip_order(original), zip_order(copy));
    assert_eq!(zb[..za.len()], za[..], "original parts first, in their order");
    changed
}

/// Adds a VBA project to an xlsx, making it a real .xlsm.
fn make_xlsm(src: &Path, dst: &Path) {
    use std::io::Write;
    let bytes = std::fs::read(src).expect("read");
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).expect("part");
        let name = f.name().to_string();
        let data: String;
        let mut raw = Vec::new();
        f.read_to_end(&mut raw).expect("inflate");
        out.start_file(name.as_str(), opts).expect("start");
        match name.as_str() {
            "[Content_Types].xml" => {
                data = String::from_utf8(raw)
                    .expect("utf8")
                    .replace(
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                    )
                    .replace(
                        "</Types>",
                        r#"<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>"#,
                    );
                out.write_all(data.as_bytes()).expect("w");
            }
            "xl/_rels/workbook.xml.rels" => {
                data = String::from_utf8(raw).expect("utf8").replace(
                    "</Relationships>",
                    r#"<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>"#,
                );
                out.write_all(data.as_bytes()).expect("w");
            }
            _ => out.write_all(&raw).expect("w"),
        }
    }
    out.start_file("xl/vbaProject.bin", opts).expect("start");
    out.write_all(&std::fs::read(root().join("tests/fixtures/vbaProject.bin")).expect("vba")).expect("w");
    std::fs::write(dst, out.finish().expect("finish").into_inner()).expect("write");
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D,
    0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

#[test]
fn real_world_files_get_faithful_annotated_copies() {
    if !tools_or_skip("real_world_files_get_faithful_annotated_copies", &["soffice"]) {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("材料");
    std::fs::create_dir(&dir).expect("mkdir");
    let [lo, pic, xlsm, noted, threaded] = real_world_batch(tmp.path(), &dir);

    let out = tmp.path().join("结果");
    let o = selfeval(&["check".as_ref(), dir.as_os_str(), "--out".as_ref(), out.as_os_str(), "-q".as_ref()]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("report")).expect("json");
    let skipped: Vec<&serde_json::Value> =
        report["findings"].as_array().expect("f").iter().filter(|f| f["code"] == "SE006").collect();
    assert!(skipped.is_empty(), "every file gets its copy: {skipped:#?}");
    let fb = out.join("反馈");
    let copies = [
        (lo, fb.join("汕头市_标注.xlsx")),
        (pic, fb.join("韶关市_标注.xlsx")),
        (xlsm, fb.join("河源市_标注.xlsm")),
        (noted, fb.join("梅州市_标注.xlsx")),
        (threaded, fb.join("惠州市_标注.xlsx")),
    ];
    for (original, copy) in &copies {
        assert!(copy.exists(), "{} missing; have {:?}", copy.display(), std::fs::read_dir(&fb).expect("fb").count());
        let changed = compare_parts(original, copy);
        assert!(changed.contains(&"xl/styles.xml".to_string()), "{changed:?}");
        // Drawing, chart, media and macro parts are untouched.
        for name in parts(original).keys() {
            if name.contains("chart")
                || name.contains("media")
                || name.contains("drawing") && !name.ends_with(".vml")
                || name.contains("vbaProject")
            {
                assert!(!changed.contains(name), "{name} changed");
            }
        }
    }
    kept_macros_and_comments(&copies);
    // And LibreOffice opens every copy.
    let work = tempfile::tempdir().expect("tmp");
    to_pdf(&copies.iter().map(|(_, c)| c.clone()).collect::<Vec<_>>(), work.path());
}

/// Five forms as the world saves them, each with a wrong 支出率 on
/// 资金执行!B7: re-saved by LibreOffice, with a picture and a chart, a
/// macro workbook, a clerk's own comment on B7, and Excel 365's threaded
/// comment on B7.
fn real_world_batch(tmp: &Path, dir: &Path) -> [PathBuf; 5] {
    let sample = |city: &str| file_of(&samples(), city);
    // 1. Saved by LibreOffice, with a wrong 支出率.
    let lo = dir.join("01_汕头市_LibreOffice.xlsx");
    std::fs::copy(sample("汕头市"), &lo).expect("copy");
    set_num(&lo, "资金执行", "B7", 0.9);
    libreoffice_resave(&lo);
    // 2. A picture and a chart, and a wrong 支出率.
    let pic = dir.join("02_韶关市_图表.xlsx");
    std::fs::copy(sample("韶关市"), &pic).expect("copy");
    let png = tmp.join("p.png");
    std::fs::write(&png, PNG).expect("png");
    edit(&pic, |b| {
        let ws = b.sheet_by_name_mut("资金执行").expect("sheet");
        ws.cell_mut("B7").set_value_number(0.9);
        let mut marker = umya_spreadsheet::structs::drawing::spreadsheet::MarkerType::default();
        marker.set_coordinate("E2");
        let mut image = umya_spreadsheet::structs::Image::default();
        image.new_image(png.to_str().expect("utf8"), marker);
        ws.add_image(image);
        let mut from = umya_spreadsheet::structs::drawing::spreadsheet::MarkerType::default();
        from.set_coordinate("E8");
        let mut to = umya_spreadsheet::structs::drawing::spreadsheet::MarkerType::default();
        to.set_coordinate("K20");
        let mut chart = umya_spreadsheet::structs::Chart::default();
        chart.new_chart(&umya_spreadsheet::structs::ChartType::BarChart, from, to, vec!["资金执行!$B$4:$B$6"]);
        ws.add_chart(chart);
    });
    // 3. A macro workbook.
    let xlsm = dir.join("03_河源市_宏.xlsm");
    let tmp_x = tmp.join("h.xlsx");
    std::fs::copy(sample("河源市"), &tmp_x).expect("copy");
    set_num(&tmp_x, "资金执行", "B7", 0.9);
    make_xlsm(&tmp_x, &xlsm);
    // 4. A clerk's own comment on the cell we flag.
    let noted = dir.join("04_梅州市_批注.xlsx");
    std::fs::copy(sample("梅州市"), &noted).expect("copy");
    edit(&noted, |b| {
        let ws = b.sheet_by_name_mut("资金执行").expect("sheet");
        ws.cell_mut("B7").set_value_number(0.9);
        let mut c = umya_spreadsheet::Comment::default();
        c.new_comment("B7");
        c.set_author("梅州经办人");
        c.set_text_string("按财政局口径");
        ws.add_comments(c);
    });

    // 5. Excel 365's threaded comment on the flagged cell (with its legacy
    //    fallback note, as Excel writes both).
    let threaded = dir.join("05_惠州市_串联批注.xlsx");
    std::fs::copy(sample("惠州市"), &threaded).expect("copy");
    edit(&threaded, |b| {
        let ws = b.sheet_by_name_mut("资金执行").expect("sheet");
        ws.cell_mut("B7").set_value_number(0.9);
        let mut c = umya_spreadsheet::Comment::default();
        c.new_comment("B7");
        c.set_author("tc={00000000-0000-0000-0000-000000000001}");
        c.set_text_string("[Threaded comment]\n惠州经办人: 已与财政局核对");
        ws.add_comments(c);
    });
    add_threaded_comment(&threaded);
    [lo, pic, xlsm, noted, threaded]
}

/// The macro, the clerk's comment (ours after it) and the threaded comment
/// survive in the annotated copies of [`real_world_batch`]'s files.
fn kept_macros_and_comments(copies: &[(PathBuf, PathBuf)]) {
    // The macro stays, in a file named .xlsm.
    assert!(parts(&copies[2].1).contains_key("xl/vbaProject.bin"));
    // The clerk's comment is kept, ours follows it.
    let comments: String = parts(&copies[3].1)
        .iter()
        .filter(|(n, _)| n.contains("comments"))
        .map(|(_, b)| String::from_utf8_lossy(b).to_string())
        .collect();
    let theirs = comments.find("按财政局口径").expect("clerk's comment kept");
    let ours = comments.find("SE302").expect("our comment");
    assert!(theirs < ours, "ours after theirs");
    assert!(comments.contains("梅州经办人") && comments.contains("<author>selfeval</author>"));
    // The threaded comment and its person list are kept byte for byte.
    let (orig, copy) = (parts(&copies[4].0), parts(&copies[4].1));
    for name in ["xl/threadedComments/threadedComment1.xml", "xl/persons/person.xml"] {
        assert_eq!(orig.get(name), copy.get(name), "{name}");
        assert!(copy.contains_key(name));
    }
    let legacy: String = copy
        .iter()
        .filter(|(n, _)| n.contains("comments") && !n.contains("threaded"))
        .map(|(_, b)| String::from_utf8_lossy(b).to_string())
        .collect();
    assert!(legacy.contains("已与财政局核对") && legacy.contains("SE302"), "{legacy}");
}

/// Adds an Excel 365 threaded comment on 资金执行!B7 (and its person list)
/// to a workbook whose B7 already has the legacy note Excel writes beside.
fn add_threaded_comment(path: &Path) {
    use std::io::Write;
    let bytes = std::fs::read(path).expect("read");
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let sheet = "xl/worksheets/sheet2.xml";
    let sheet_rels = "xl/worksheets/_rels/sheet2.xml.rels";
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).expect("part");
        let name = f.name().to_string();
        let mut raw = Vec::new();
        f.read_to_end(&mut raw).expect("inflate");
        let text = String::from_utf8_lossy(&raw).to_string();
        let data = match name.as_str() {
            "[Content_Types].xml" => text.replace("</Types>", concat!(
                r#"<Override PartName="/xl/threadedComments/threadedComment1.xml" ContentType="application/vnd.ms-excel.threadedcomments+xml"/>"#,
                r#"<Override PartName="/xl/persons/person.xml" ContentType="application/vnd.ms-excel.person+xml"/></Types>"#
            )).into_bytes(),
            "xl/_rels/workbook.xml.rels" => text.replace("</Relationships>",
                r#"<Relationship Id="rIdPerson" Type="http://schemas.microsoft.com/office/2017/10/relationships/person" Target="persons/person.xml"/></Relationships>"#).into_bytes(),
            n if n == sheet_rels => text.replace("</Relationships>",
                r#"<Relationship Id="rIdTc" Type="http://schemas.microsoft.com/office/2017/10/relationships/threadedComment" Target="../threadedComments/threadedComment1.xml"/></Relationships>"#).into_bytes(),
            _ => raw,
        };
        assert!(name != sheet || !data.is_empty());
        out.start_file(name.as_str(), opts).expect("start");
        out.write_all(&data).expect("w");
    }
    out.start_file("xl/threadedComments/threadedComment1.xml", opts).expect("start");
    out.write_all(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
        r#"<threadedComment ref="B7" dT="2025-03-01T09:00:00.00" personId="{00000000-0000-0000-0000-0000000000AA}" id="{00000000-0000-0000-0000-000000000001}">"#,
        r#"<text>已与财政局核对</text></threadedComment></ThreadedComments>"#
    ).as_bytes()).expect("w");
    out.start_file("xl/persons/person.xml", opts).expect("start");
    out.write_all(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
        r#"<person displayName="惠州经办人" id="{00000000-0000-0000-0000-0000000000AA}" userId="hz" providerId="None"/></personList>"#
    ).as_bytes()).expect("w");
    std::fs::write(path, out.finish().expect("finish").into_inner()).expect("write");
}
