//! `xl/styles.xml`: the marked fills and formats appended, so every existing index stays valid.

use super::*;

/// styles.xml with fills, fonts and cell formats appended (never
/// renumbered, so every existing style index keeps its meaning).
pub(super) struct Styles {
    pub(super) xml: String,
    pub(super) fills_end: usize,
    pub(super) fills_count: usize,
    pub(super) fonts_end: usize,
    pub(super) fonts_count: usize,
    pub(super) xfs_end: usize,
    /// Raw text of each `<xf>` of `<cellXfs>`.
    pub(super) xfs: Vec<String>,
    pub(super) prefix: String,
    pub(super) new_fills: Vec<String>,
    pub(super) new_fonts: Vec<String>,
    pub(super) new_xfs: Vec<String>,
    /// (original xf, severity) → new xf index.
    pub(super) made: HashMap<(u32, Severity), u32>,
    pub(super) fill_of: HashMap<Severity, usize>,
}

impl Styles {
    pub(super) fn parse(xml: String) -> Res<Self> {
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

    pub(super) fn fill_index(&mut self, sev: Severity) -> usize {
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
    pub(super) fn marked(&mut self, old: u32, sev: Severity) -> Res<u32> {
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
    pub(super) fn legend_formats(&mut self) -> Res<(u32, u32)> {
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

    pub(super) fn finish(self) -> String {
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
pub(super) fn set_attrs(raw: &str, set: &[(&str, String)]) -> Res<String> {
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
