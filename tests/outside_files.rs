//! Files from other projects' public test suites (tests/fixtures/outside,
//! sources in its README), each through the real binary with the outcome a
//! clerk should see: read as a workbook (and then found not to be our
//! form), encrypted, or damaged - in Chinese, the library's own words only
//! in report.json's `detail`. Their memory and time per file are bounded by
//! scripts/fuzz.sh (libFuzzer's -rss_limit_mb and -timeout), not here.

mod common;
use common::*;

/// What selfeval should make of a file.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    /// Read as a workbook: no SE001 (it is then not our form, SE002).
    Read,
    /// SE001, said to be encrypted.
    Encrypted,
    /// SE001, said to be damaged.
    Damaged,
}

const EXPECTED: [(&str, Outcome); 17] = [
    ("51535.xls", Outcome::Read),
    ("59746_NoRowNums.xlsx", Outcome::Read),
    ("64420.xlsm", Outcome::Read),
    ("BlankSheetTypes.xlsb", Outcome::Read),
    ("SampleSS.ods", Outcome::Read),
    ("SheetsWithoutRelId.xlsx", Outcome::Read),
    ("Simple.xlsb", Outcome::Read),
    ("chinese-provinces.xls", Outcome::Read),
    ("clusterfuzz-testcase-minimized-XLSX2CSVFuzzer-5636439151607808.xlsx", Outcome::Damaged),
    ("issue_666_panic.xlsb", Outcome::Read),
    ("issues.xlsb", Outcome::Read),
    ("oleloop.xls", Outcome::Damaged),
    ("pass_protected.ods", Outcome::Encrypted),
    ("pass_protected.xlsb", Outcome::Encrypted),
    ("pass_protected.xlsx", Outcome::Encrypted),
    ("test-row-styles.xlsx", Outcome::Read),
    ("xlmmacro.xlsm", Outcome::Read),
];

/// Every finding of `file` in a report.json: (code, message, detail).
fn findings_of<'a>(report: &'a serde_json::Value, file: &str) -> Vec<(&'a str, &'a str, Option<&'a str>)> {
    let all = report["findings"].as_array().expect("findings");
    all.iter()
        .filter(|f| f["file"].as_str() == Some(file))
        .map(|f| (f["code"].as_str().unwrap_or(""), f["message"].as_str().unwrap_or(""), f["detail"].as_str()))
        .collect()
}

fn outcome_of(found: &[(&str, &str, Option<&str>)]) -> Option<Outcome> {
    match found.iter().find(|(code, ..)| *code == "SE001") {
        None => Some(Outcome::Read),
        Some((_, m, _)) if m.contains("加密") => Some(Outcome::Encrypted),
        Some((_, m, _)) if m.contains("损坏") => Some(Outcome::Damaged),
        Some(_) => None,
    }
}

#[test]
fn each_outside_file_is_read_encrypted_or_damaged_as_expected() {
    let tmp = tempfile::tempdir().expect("tmp");
    let outside = root().join("tests/fixtures/outside");
    let listed: Vec<String> = std::fs::read_dir(&outside)
        .expect("outside")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".md"))
        .collect();
    assert_eq!(
        listed.len(),
        EXPECTED.len(),
        "every file in tests/fixtures/outside has its expected outcome: {listed:?}"
    );
    for (name, _) in EXPECTED {
        std::fs::copy(outside.join(name), tmp.path().join(name)).expect("copy");
    }
    let out = tmp.path().join("out");
    let o = selfeval(&["check".as_ref(), tmp.path().as_os_str(), "--out".as_ref(), out.as_os_str(), "-q".as_ref()]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("report")).expect("json");
    for (name, want) in EXPECTED {
        let found = findings_of(&report, name);
        assert_eq!(outcome_of(&found), Some(want), "{name}: {found:?}");
        for (code, message, _) in &found {
            assert!(!message.is_ascii(), "{name}: {code} is said in English: {message}");
        }
    }
    // A reader's own words are kept, apart from the message.
    let loop_file = findings_of(&report, "oleloop.xls");
    assert!(
        loop_file.iter().any(|(_, m, d)| m.contains("OLE") && d.is_some_and(|d| d.contains("CFB"))),
        "{loop_file:?}"
    );
}

#[test]
fn a_macro_sheet_costs_only_itself() {
    // The workbook is read: its two worksheets are named, the XLM macro
    // sheet is not among the sheets it is said to have.
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::copy(root().join("tests/fixtures/outside/64420.xlsm"), tmp.path().join("64420.xlsm")).expect("copy");
    let out = tmp.path().join("out");
    selfeval(&["check".as_ref(), tmp.path().as_os_str(), "--out".as_ref(), out.as_os_str(), "-q".as_ref()]);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("report")).expect("json");
    let found = findings_of(&report, "64420.xlsm");
    let not_form = found.iter().find(|(c, ..)| *c == "SE002").expect("SE002");
    assert!(not_form.1.contains("Sheet A、Sheet B"), "{found:?}");
    assert!(!not_form.1.contains("Macro"), "{found:?}");
}
