//! Names of the files a run writes for each input: unique within the run
//! by a rule that always ends, safe on every file system, and short
//! enough for Windows' MAX_PATH in the folder they go to.

/// The provincial summary workbook in a results folder.
pub const SUMMARY_FILE: &str = "省级汇总表.xlsx";
/// The 自评报告 draft in a results folder.
pub const DRAFT_FILE: &str = "自评报告（初稿）.docx";
/// The folder of each city's feedback in a results folder.
pub const FEEDBACK_DIR: &str = "反馈";

/// How long a feedback base name may be: 120 bytes of UTF-8 (file systems
/// allow 255 a name; room is left for `_校验报告.xlsx` and the temporary
/// name's prefix and suffix) and as many UTF-16 units as keep the whole
/// path within Windows' MAX_PATH (260) in the folder it goes to.
#[derive(Debug, Clone, Copy)]
pub struct NameRoom {
    bytes: usize,
    units: usize,
}

impl NameRoom {
    const BYTES: usize = 120;
    /// Windows' MAX_PATH less the terminating NUL.
    const MAX_PATH: usize = 259;
    /// Never shorter than this, however deep the folder: a city's name and
    /// a number still fit.
    const MIN_UNITS: usize = 12;

    /// The room for names of files written into `dir`.
    pub fn in_dir(dir: &std::path::Path) -> NameRoom {
        let dir_units = std::path::absolute(dir)
            .unwrap_or_else(|_| dir.to_path_buf())
            .as_os_str()
            .to_string_lossy()
            .encode_utf16()
            .count();
        // "\\." + base + "_校验报告.xlsx" + ".4294967295.tmp": the longest name written.
        let tail = "\\._校验报告.xlsx.4294967295.tmp".encode_utf16().count();
        let units = Self::MAX_PATH.saturating_sub(dir_units + tail).max(Self::MIN_UNITS);
        NameRoom { bytes: Self::BYTES, units }
    }

    fn less(self, text: &str) -> NameRoom {
        NameRoom {
            bytes: self.bytes.saturating_sub(text.len()),
            units: self.units.saturating_sub(text.encode_utf16().count()),
        }
    }
}

/// A name safe on every file system: no path separators or reserved
/// signs, cut (with "…") to fit `room`.
fn safe_name(s: &str, room: NameRoom) -> String {
    let t: String = s.chars().map(|c| if "\\/:*?\"<>|".contains(c) || c.is_control() { '_' } else { c }).collect();
    let mut out = String::new();
    let (mut bytes, mut units) = (0, 0);
    let t = t.trim().trim_end_matches('.');
    for (i, c) in t.char_indices() {
        let last = i + c.len_utf8() == t.len();
        // Leave room for the "…" unless this is the last character.
        let need = if last { 0 } else { '…'.len_utf8() };
        if bytes + c.len_utf8() + need > room.bytes || units + c.len_utf16() + usize::from(!last) > room.units {
            out.push('…');
            break;
        }
        bytes += c.len_utf8();
        units += c.len_utf16();
        out.push(c);
    }
    out
}

/// The feedback file name of a file: the city it is filed under, or the
/// file's own name when it is filed under none (unknown city, or a name
/// and a 地市 cell that disagree: never named after a city it may not be
/// from). Unique within the run: a city twice gets its file name added,
/// then a number. Names are cut to `room` before the number is added, so
/// two long names that differ only after the cut still differ, and the
/// search always ends: among `taken.len() + 1` numbers one is free.
pub fn feedback_base(
    file_name: &str,
    city: Option<&str>,
    room: NameRoom,
    taken: &mut std::collections::HashSet<String>,
) -> String {
    let stem = std::path::Path::new(file_name).file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    let first = safe_name(city.unwrap_or(&stem), room);
    if taken.insert(first.clone()) {
        return first;
    }
    let named = safe_name(&format!("{first}（{stem}）"), room);
    if taken.insert(named.clone()) {
        return named;
    }
    for n in 2..=taken.len() + 2 {
        let number = n.to_string();
        let candidate = format!("{}{number}", safe_name(&named, room.less(&number)));
        if taken.insert(candidate.clone()) {
            return candidate;
        }
    }
    // Unreachable: more numbers were tried than names are taken.
    named
}
