//! Comments and their VML boxes: the city's own kept, ours appended.

use super::*;

pub(super) fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).to_string()
}

/// Our runs: the author in bold, then the text.
pub(super) fn our_runs(text: &str, p: &str) -> String {
    format!(
        "<{p}r><{p}rPr><{p}b/><{p}sz val=\"9\"/><{p}rFont val=\"宋体\"/><{p}charset val=\"134\"/></{p}rPr><{p}t xml:space=\"preserve\">{AUTHOR}：</{p}t></{p}r><{p}r><{p}rPr><{p}sz val=\"9\"/><{p}rFont val=\"宋体\"/><{p}charset val=\"134\"/></{p}rPr><{p}t xml:space=\"preserve\">\n{}</{p}t></{p}r>",
        esc(text)
    )
}

pub(super) fn new_comments(texts: &[(CellRef, String)]) -> String {
    let list: String = texts
        .iter()
        .map(|(c, t)| format!("<comment ref=\"{c}\" authorId=\"0\"><text>{}</text></comment>", our_runs(t, "")))
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<comments xmlns=\"{MAIN_NS}\"><authors><author>{AUTHOR}</author></authors><commentList>{list}</commentList></comments>"
    )
}

/// Adds our comments to an existing comments part: a cell that already
/// has a comment keeps it, and ours follows it in the same note; other
/// cells get a comment of their own by our author. Returns the cells that
/// had a comment already.
pub(super) fn add_comments(xml: &str, texts: &[(CellRef, String)]) -> Res<(String, BTreeSet<CellRef>)> {
    let mut r = Reader::from_str(xml);
    let mut edits = Vec::new();
    let mut authors = 0usize;
    let mut authors_end = None;
    let mut list_end = None;
    let mut current: Option<CellRef> = None;
    let mut had = BTreeSet::new();
    let mut prefix = String::new();
    let by_cell: HashMap<CellRef, &String> = texts.iter().map(|(c, t)| (*c, t)).collect();
    loop {
        let start = r.buffer_position() as usize;
        let ev = r.read_event().map_err(|_| xml_err("批注"))?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => match local(e).as_str() {
                "comments" => {
                    let q = e.name().as_ref().to_string();
                    prefix = q.strip_suffix("comments").unwrap_or("").to_string();
                }
                "author" => authors += 1,
                "comment" => {
                    current = attr(e, "ref").and_then(|v| CellRef::parse(&v).ok());
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "authors" => authors_end = Some(start),
                "commentList" => list_end = Some(start),
                "text" => {
                    if let Some(c) = current {
                        if let Some(t) = by_cell.get(&c) {
                            edits.push((start, start, our_runs(t, &prefix)));
                            had.insert(c);
                        }
                    }
                }
                "comment" => current = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    let (Some(authors_end), Some(list_end)) = (authors_end, list_end) else {
        return Err(xml_err("批注"));
    };
    let p = &prefix;
    edits.push((authors_end, authors_end, format!("<{p}author>{AUTHOR}</{p}author>")));
    let ours: String = texts
        .iter()
        .filter(|(c, _)| !had.contains(c))
        .map(|(c, t)| {
            format!("<{p}comment ref=\"{c}\" authorId=\"{authors}\"><{p}text>{}</{p}text></{p}comment>", our_runs(t, p))
        })
        .collect();
    edits.push((list_end, list_end, ours));
    Ok((splice(xml, edits), had))
}

/// Where a comment box sits when shown: beside the form, stacked so no
/// two boxes cover each other, sized to its text.
pub(super) struct CommentBox {
    pub(super) cell: CellRef,
    pub(super) left_col: u32,
    pub(super) top_row: u32,
    pub(super) rows: u32,
}

/// Columns a box spans, and the characters (CJK) a line holds in it.
pub(super) const BOX_COLS: u32 = 5;
pub(super) const BOX_CHARS_PER_LINE: usize = 24;

pub(super) fn place_boxes(texts: &[&(CellRef, String)], max_col: u32) -> Vec<CommentBox> {
    let left = max_col + 2;
    let mut next_free = 0u32;
    texts
        .iter()
        .map(|(c, t)| {
            let lines: usize = t
                .split('\n')
                .map(|l| (crate::write::est_lines(l, (BOX_CHARS_PER_LINE * 2) as f64 + 1.0)).max(1))
                .sum::<usize>()
                + 1;
            // A 9 pt line is about three quarters of a 15 pt row.
            let rows = ((lines as f64 * 0.8).ceil() as u32).max(3);
            let top = c.row.max(next_free);
            next_free = top + rows + 1;
            CommentBox { cell: *c, left_col: left, top_row: top, rows }
        })
        .collect()
}

pub(super) fn vml_shape(b: &CommentBox, id: u32) -> String {
    format!(
        "<v:shape id=\"_x0000_s{id}\" type=\"#_x0000_t202\" style=\"position:absolute;margin-left:80pt;margin-top:2pt;width:240pt;height:{h}pt;z-index:{id};visibility:hidden\" fillcolor=\"#ffffe1\" o:insetmode=\"auto\"><v:fill color2=\"#ffffe1\"/><v:shadow on=\"t\" color=\"black\" obscured=\"t\"/><v:path o:connecttype=\"none\"/><v:textbox style=\"mso-direction-alt:auto\"><div style=\"text-align:left\"></div></v:textbox><x:ClientData ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{l}, 15, {t}, 2, {r}, 15, {bm}, 2</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>",
        h = b.rows * 15,
        l = b.left_col,
        t = b.top_row,
        r = b.left_col + BOX_COLS,
        bm = b.top_row + b.rows,
        row = b.cell.row,
        col = b.cell.col,
    )
}

pub(super) fn new_vml(boxes: &[CommentBox], idmap: usize) -> String {
    let base = (idmap as u32) * 1024 + 1;
    let shapes: String = boxes.iter().enumerate().map(|(i, b)| vml_shape(b, base + i as u32)).collect();
    format!(
        "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\" data=\"{idmap}\"/></o:shapelayout><v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/><v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>{shapes}</xml>"
    )
}

/// Adds shapes for new comments to an existing VML drawing, with shape
/// ids after the highest there, and our note shape type if it lacks one.
pub(super) fn add_shapes(vml: &str, boxes: &[CommentBox]) -> Res<String> {
    let close = vml.rfind("</xml>").ok_or_else(|| xml_err("批注图形"))?;
    let max_id = vml
        .match_indices("_x0000_s")
        .filter_map(|(i, _)| {
            let digits: String = vml[i + 8..].chars().take_while(|c| c.is_ascii_digit()).collect();
            digits.parse::<u32>().ok()
        })
        .max()
        .unwrap_or(1024);
    let mut add = String::new();
    if !vml.contains("_x0000_t202") {
        add.push_str("<v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/><v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>");
    }
    for (i, b) in boxes.iter().enumerate() {
        add.push_str(&vml_shape(b, max_id + 1 + i as u32));
    }
    Ok(format!("{}{add}{}", &vml[..close], &vml[close..]))
}
