//! The mark selfeval writes into every workbook it produces (a custom
//! document property), so a result folder filed back into the materials
//! folder, renamed or not, is never read as a city's submission. The
//! blank city form is not marked: it is meant to be filled and sent.

/// The hidden defined name that marks an annotated copy (the city's own
/// package, edited: its document properties stay the city's).
pub const MARK_NAME: &str = "selfeval_output";

/// Name of the custom document property.
pub const PROPERTY: &str = "selfeval-output";

/// What kind of output a workbook is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Summary,
    Report,
    Annotated,
    Allocation,
    Register,
}

impl Kind {
    /// The property's value, also shown in the info finding.
    pub fn zh(self) -> &'static str {
        match self {
            Kind::Summary => "省级汇总表",
            Kind::Report => "校验报告",
            Kind::Annotated => "标注副本",
            Kind::Allocation => "资金分配测算",
            Kind::Register => "核实与更正登记表",
        }
    }
}

/// Marks a workbook filled with umya-spreadsheet.
pub fn mark_umya(book: &mut umya_spreadsheet::Workbook, kind: Kind) {
    let list = book.properties_mut().custom_properties_mut();
    list.custom_document_property_list_mut().retain(|p| p.name() != PROPERTY);
    let mut p = umya_spreadsheet::structs::custom_properties::CustomDocumentProperty::default();
    p.set_name(PROPERTY).set_value_string(kind.zh());
    list.add_custom_document_property_list(p);
}

/// Marks the properties of a workbook written with rust_xlsxwriter.
pub fn mark_props(props: rust_xlsxwriter::DocProperties, kind: Kind) -> rust_xlsxwriter::DocProperties {
    props.set_custom_property(PROPERTY, kind.zh())
}

/// The mark of an xlsx package, if it has one: read from
/// `docProps/custom.xml` only (a few hundred bytes), never the sheets.
pub fn read_mark(bytes: &[u8]) -> Option<String> {
    mark_of(zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?)
}

/// The mark of an opened package.
fn mark_of<R: std::io::Read + std::io::Seek>(mut zip: zip::ZipArchive<R>) -> Option<String> {
    let small = |zip: &mut zip::ZipArchive<R>, name: &str| -> Option<String> {
        use std::io::Read;
        let mut part = zip.by_name(name).ok()?;
        if part.size() > 4 * 1024 * 1024 {
            return None;
        }
        let mut xml = String::new();
        part.read_to_string(&mut xml).ok()?;
        Some(xml)
    };
    if let Some(xml) = small(&mut zip, "docProps/custom.xml") {
        if let Some(at) = xml.find(&format!("name=\"{PROPERTY}\"")) {
            let rest = &xml[at..];
            let start = rest.find("<vt:lpwstr>")? + "<vt:lpwstr>".len();
            let end = rest[start..].find('<')?;
            return Some(rest[start..start + end].to_string());
        }
    }
    // The annotated copy is the city's package, edited: it carries the
    // mark as a hidden defined name in the workbook part instead.
    let xml = small(&mut zip, "xl/workbook.xml")?;
    let at = xml.find(&format!("name=\"{}\"", MARK_NAME))?;
    let rest = &xml[at..];
    let start = rest.find(">\"")? + 2;
    let end = rest[start..].find('"')?;
    Some(rest[start..start + end].to_string())
}

/// The mark of the workbook file at `path`. Only the zip directory and
/// the two small parts are read, never the whole file: the scan asks this
/// of every workbook before any is checked.
pub fn file_mark(path: &std::path::Path) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    mark_of(zip::ZipArchive::new(std::io::BufReader::new(file)).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_writers_marks_read_back() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.set_properties(&mark_props(rust_xlsxwriter::DocProperties::new(), Kind::Report));
        wb.add_worksheet();
        let bytes = wb.save_to_buffer().unwrap();
        assert_eq!(read_mark(&bytes).as_deref(), Some("校验报告"));

        let mut book = umya_spreadsheet::new_file();
        mark_umya(&mut book, Kind::Summary);
        let mut out = Vec::new();
        umya_spreadsheet::writer::xlsx::write_writer(&book, &mut out).unwrap();
        assert_eq!(read_mark(&out).as_deref(), Some("省级汇总表"));
    }

    #[test]
    fn a_city_form_has_no_mark() {
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/2024/01_汕头市_2024年绩效自评表.xlsx"))
            .unwrap();
        assert_eq!(read_mark(&bytes), None);
    }
}
