//! The zip package: which parts an annotation touches, copying the rest raw in their order and compression.

use super::*;

/// The original zip, the parts replaced, and the parts added.
pub(super) struct Package<'a> {
    pub(super) archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    pub(super) replaced: HashMap<String, Vec<u8>>,
    pub(super) added: Vec<(String, Vec<u8>)>,
}

impl<'a> Package<'a> {
    pub(super) fn open(bytes: &'a [u8]) -> Res<Self> {
        let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| AnnotateError::Zip)?;
        Ok(Package { archive, replaced: HashMap::new(), added: Vec::new() })
    }

    pub(super) fn maybe_text(&mut self, name: &str) -> Res<Option<String>> {
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

    pub(super) fn text(&mut self, name: &str) -> Res<String> {
        self.maybe_text(name)?.ok_or_else(|| AnnotateError::MissingPart(name.to_string()))
    }

    pub(super) fn replace(&mut self, name: &str, bytes: Vec<u8>) {
        self.replaced.insert(name.to_string(), bytes);
    }

    pub(super) fn add(&mut self, name: &str, bytes: Vec<u8>) {
        self.added.push((name.to_string(), bytes));
    }

    pub(super) fn changed(&self) -> BTreeSet<String> {
        self.replaced.keys().cloned().collect()
    }

    /// The main workbook part, from the package relationships.
    pub(super) fn workbook_path(&mut self) -> Res<String> {
        let rels = self.text("_rels/.rels")?;
        let r = parse_rels(&rels, "")?;
        Ok(r.values()
            .find(|r| r.kind.ends_with("/officeDocument"))
            .map(|r| r.target.clone())
            .unwrap_or_else(|| "xl/workbook.xml".to_string()))
    }

    /// The copy: original parts in their order (raw, or replaced), then
    /// the added ones.
    pub(super) fn write(&mut self) -> Res<Vec<u8>> {
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
pub(super) fn rels_path(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// A relationship target resolved against its source part.
pub(super) fn resolve(source: &str, target: &str) -> String {
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
pub(super) fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.rsplit_once('/').map(|(d, _)| d.split('/').collect()).unwrap_or_default();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(&to_parts[common..]);
    out.join("/")
}

pub(super) struct Rel {
    pub(super) kind: String,
    pub(super) target: String,
}

pub(super) fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.to_string()))
}

pub(super) fn local(e: &BytesStart) -> String {
    e.local_name().as_ref().to_string()
}

pub(super) fn xml_err(part: &str) -> AnnotateError {
    AnnotateError::Xml(part.to_string())
}

/// Relationship id → (type, resolved target).
pub(super) fn parse_rels(xml: &str, source: &str) -> Res<BTreeMap<String, Rel>> {
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

pub(super) struct SheetEntry {
    pub(super) name: String,
    pub(super) rid: String,
    pub(super) sheet_id: u32,
}

pub(super) fn parse_sheets(xml: &str) -> Res<Vec<SheetEntry>> {
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
