//! The speed work of issue 42 changed no output: every file a run
//! writes — the summary, the draft, the register, report.json and every
//! city's 校验报告 and 标注 copy — digested part by part (a zip package's
//! parts uncompressed, in their order; any other file whole) with only the
//! run's time and the temp folder masked, against the digests written by
//! the code before that work (commit dbeac6e: the golden files were made
//! there and the same test passes on it).
//!
//! A digest line per part: `file  part  sha256`. A changed line names the
//! file and the part; `UPDATE_GOLDEN=1` rewrites the list when an output
//! is meant to change (review the diff).

mod common;
use common::*;
use sha2::Digest;
use std::io::Read;
use std::path::Path;

/// Every written file's parts, digested with `masks` applied.
fn digests(out: &Path, masks: &[(String, String)]) -> String {
    let mut files: Vec<_> =
        walkdir::WalkDir::new(out).into_iter().map(|e| e.expect("entry").into_path()).filter(|p| p.is_file()).collect();
    files.sort();
    let mut lines = Vec::new();
    for path in files {
        let rel = path.strip_prefix(out).expect("inside").to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(&path).expect("read");
        match zip::ZipArchive::new(std::io::Cursor::new(bytes.as_slice())) {
            Ok(mut zip) => {
                for i in 0..zip.len() {
                    let mut part = zip.by_index(i).expect("part");
                    let name = part.name().to_string();
                    let mut content = Vec::new();
                    part.read_to_end(&mut content).expect("inflate");
                    if name.ends_with("styles.xml") {
                        content = numfmts_sorted(content);
                    }
                    if name == "docProps/core.xml" {
                        content = core_times_masked(content);
                    }
                    lines.push(format!("{rel}\t{name}\t{}", digest(&content, masks)));
                }
            }
            Err(_) => lines.push(format!("{rel}\t-\t{}", digest(&bytes, masks))),
        }
    }
    lines.join("\n") + "\n"
}

/// umya-spreadsheet numbers a styles part's formats in a hash map's
/// order, different from run to run (the summary's, before and after
/// issue 42 alike): "@" may be the built-in 49 or a custom 164, listed in
/// any order. Compared with every `numFmtId` replaced by its format code
/// and the list of custom formats left out.
fn numfmts_sorted(xml: Vec<u8>) -> Vec<u8> {
    let Ok(text) = String::from_utf8(xml.clone()) else { return xml };
    let (Some(a), Some(b)) = (text.find("<numFmts"), text.find("</numFmts>")) else { return xml };
    let mut codes: std::collections::HashMap<String, String> =
        [("0", "General"), ("1", "0"), ("2", "0.00"), ("9", "0%"), ("10", "0.00%"), ("49", "@")]
            .into_iter()
            .map(|(id, code)| (id.to_string(), code.to_string()))
            .collect();
    for item in text[a..b].split("<numFmt ").skip(1) {
        let attr = |name: &str| item.split(&format!("{name}=\"")).nth(1).and_then(|v| v.split('"').next());
        if let (Some(id), Some(code)) = (attr("numFmtId"), attr("formatCode")) {
            codes.insert(id.to_string(), code.to_string());
        }
    }
    let rest = format!("{}{}", &text[..a], &text[b + "</numFmts>".len()..]);
    let mut out = String::new();
    let mut parts = rest.split("numFmtId=\"");
    out.push_str(parts.next().unwrap_or_default());
    for part in parts {
        let (id, tail) = part.split_once('"').unwrap_or((part, ""));
        let code = codes.get(id).cloned().unwrap_or_else(|| id.to_string());
        out.push_str(&format!("numFmt=\"{code}\"{tail}"));
    }
    out.into_bytes()
}

/// A package's creation and modification times (rust_xlsxwriter stamps
/// its own clock's second, which may follow the run's).
fn core_times_masked(xml: Vec<u8>) -> Vec<u8> {
    let Ok(mut text) = String::from_utf8(xml.clone()) else { return xml };
    for tag in ["dcterms:created", "dcterms:modified"] {
        let close = format!("</{tag}>");
        if let (Some(a), Some(b)) = (text.find(&format!("<{tag}")), text.find(&close)) {
            if let Some(start) = text[a..b].find('>').map(|i| a + i + 1) {
                text.replace_range(start..b, "<time>");
            }
        }
    }
    text.into_bytes()
}

fn digest(bytes: &[u8], masks: &[(String, String)]) -> String {
    let masked = match std::str::from_utf8(bytes) {
        Ok(text) => masks.iter().fold(text.to_string(), |t, (from, to)| t.replace(from.as_str(), to)).into_bytes(),
        Err(_) => bytes.to_vec(),
    };
    sha2::Sha256::digest(&masked).iter().map(|b| format!("{b:02x}")).collect()
}

/// The run's time as each output writes it (report.json's generated_at,
/// 2026-12-08T00:36:45+00:00, is the source), and the temp folder.
fn masks(out: &Path, tmp: &Path) -> Vec<(String, String)> {
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("report")).expect("json");
    let at = r["generated_at"].as_str().expect("time").to_string();
    let (date, time) = (&at[..10], &at[11..19]);
    let (y, m, d): (u32, u32, u32) =
        (date[..4].parse().expect("y"), date[5..7].parse().expect("m"), date[8..10].parse().expect("d"));
    let mut masks: Vec<(String, String)> = vec![
        (at.clone(), "<time>".into()),
        (format!("{date}T{time}Z"), "<time>".into()),
        (format!("{date} {time}"), "<time>".into()),
        // The draft's "生成（2026-12-08 00:38）".
        (format!("{date} {}", &time[..5]), "<time>".into()),
        (format!("{y}年{m}月{d}日"), "<date>".into()),
        (tmp.display().to_string(), "<tmp>".into()),
    ];
    // The fingerprint covers the run's time; the summary's footer shows
    // its first 12 digits.
    if let Some(fp) = r["fingerprint"]["sha256"].as_str() {
        masks.push((fp.to_string(), "<fingerprint>".into()));
        masks.push((fp.chars().take(12).collect(), "<fingerprint>".into()));
    }
    masks
}

/// The whole samples/2024 folder: forms, 自评报告 and 佐证材料.
#[test]
fn the_2024_samples_write_the_same_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("材料");
    for e in walkdir::WalkDir::new(samples()) {
        let e = e.expect("entry");
        let to = dir.join(e.path().strip_prefix(samples()).expect("inside"));
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &to).expect("copy");
        }
    }
    let (code, _, out) = run_dir(&dir, "unchanged");
    assert_eq!(code, 0);
    assert_golden("outputs/2024.txt", &digests(&out, &masks(&out, tmp.path())));
}

/// A batch with faults: 汕头 missing, 茂名's 实际支出 typed in 元 (edited in
/// its sheet XML, so the input is the same bytes every time), a broken
/// workbook.
#[test]
fn a_2024_batch_with_faults_writes_the_same_files() {
    let (tmp, dir) = sample_copy();
    std::fs::remove_file(file_of(&dir, "汕头市")).expect("remove 汕头");
    let maoming = file_of(&dir, "茂名市");
    let sheet = zip_member(&maoming, "xl/worksheets/sheet2.xml");
    let edited = sheet.replacen(r#"<c r="B6" s="9"><v>160.67</v></c>"#, r#"<c r="B6" s="9"><v>1606700</v></c>"#, 1);
    assert_ne!(sheet, edited, "茂名's 资金执行!B6 as the sample writes it");
    replace_zip_member(&maoming, "xl/worksheets/sheet2.xml", edited.as_bytes());
    std::fs::write(dir.join("16_坏文件.xlsx"), b"PK\x03\x04 not a workbook").expect("write");
    let (_, report, out) = run_dir(&dir, "unchanged-faults");
    let left_out = report["cities"].as_array().expect("cities").iter().filter(|c| c["in_totals"] == false).count();
    assert_eq!(left_out, 2, "汕头 not received, 茂名 to fix");
    assert_golden("outputs/2024-faults.txt", &digests(&out, &masks(&out, tmp.path())));
}
