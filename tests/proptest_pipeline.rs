//! Property: whatever a city's workbook holds, the pipeline does not
//! panic, and every value it cannot use is reported at its cell.
//!
//! The samples are mutated two ways: cell values and types (after
//! reading, so every kind of value reaches the checks) and raw zip bytes
//! (flipped, truncated), which go through calamine and umya. `.ci/run`
//! runs 10,000 cases (PROPTEST_CASES); a plain `cargo test` runs 1,000.
//!
//! Two more generators: a stray cell anywhere on a form sheet, up to
//! XFD1048576 (the read must stay within the form's reach and change no
//! figure), and long file names that collide once shortened (feedback
//! names must stay distinct, short enough, and the search must end).

mod common;
use common::*;
use proptest::prelude::*;
use selfeval::cellref::CellRef;
use selfeval::checks::{self, Ctx};
use selfeval::model::{Parsed, Submission};
use selfeval::read::{self, Load, RawWorkbook, Value};
use std::sync::OnceLock;

struct World {
    form: selfeval::spec::FormSpec,
    summary: selfeval::spec::SummarySpec,
    params: selfeval::params::Params,
    bands: selfeval::spec::Bands,
    bytes: Vec<Vec<u8>>,
    raws: Vec<RawWorkbook>,
    /// The samples as submissions, built once: the clean others a
    /// mutated city is summed with.
    subs: Vec<Submission>,
    sheets: Vec<read::SheetNeed>,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        // umya panics on broken XML inside `isolate`; keep those quiet as
        // the binary does.
        selfeval::isolate::install_panic_hook();
        let t = selfeval::spec::Templates::embedded().expect("templates");
        let params =
            selfeval::params::from_bytes(t.params_default.clone(), "内置", &t.form, &t.origin).expect("params");
        let files = sample_forms();
        let bytes: Vec<Vec<u8>> = files.iter().map(|p| std::fs::read(p).expect("read")).collect();
        let raws: Vec<RawWorkbook> =
            bytes.iter().map(|b| read::read_bytes(b.clone(), "xlsx").expect("sample reads")).collect();
        let subs =
            raws.iter().map(|r| Submission::build("o.xlsx".into(), "o.xlsx".into(), r.clone(), &t.form)).collect();
        let sheets = t.form.sheet_needs();
        World { form: t.form, summary: t.summary, params, bands: t.bands, bytes, raws, subs, sheets }
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Set cells (sheet index, row, col) to values.
    Cells(Vec<(usize, u32, u32, Value)>),
    /// XOR bytes at positions (taken modulo the length).
    Flip(Vec<(usize, u8)>),
    /// Keep only this fraction (per mille) of the file.
    Truncate(u16),
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Empty),
        any::<f64>().prop_map(Value::Number),
        (-1e7f64..1e7).prop_map(Value::Number),
        (0f64..2.0).prop_map(Value::Number),
        // Magnitudes that overflow exact arithmetic, and tiny divisors
        // (a CI run found a Decimal overflow panic with 2.17e28).
        (1e14f64..1e300).prop_map(Value::Number),
        (1e-30f64..1e-10).prop_map(Value::Number),
        "\\PC{0,12}".prop_map(Value::Text),
        prop::sample::select(vec![
            "=1+1",
            "+86",
            "-",
            "@SUM(A1)",
            "1,234",
            "3,37,8",
            "45.64%",
            "％",
            "３３７８",
            " 12 ",
            "未验收",
            "是",
            "否",
            "优",
            "汕头",
            "深圳市",
            "2024",
            "2024.1",
            "万元",
            "元",
            "1e400",
            "NaN",
            "",
        ])
        .prop_map(|s| Value::Text(s.to_string())),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Error("#DIV/0!".into())),
        Just(Value::Date("2025-03-10".into())),
    ]
}

/// Cells to mutate: mostly input cells of the form, some anywhere.
fn cells() -> impl Strategy<Value = Vec<(usize, u32, u32, Value)>> {
    let w = world();
    let fields: Vec<(usize, CellRef)> =
        w.form.sheets.iter().enumerate().flat_map(|(i, s)| s.fields.iter().map(move |f| (i, f.cell))).collect();
    let n_sheets = w.form.sheets.len();
    let one = prop_oneof![
        4 => prop::sample::select(fields).prop_flat_map(|(i, c)| value().prop_map(move |v| (i, c.row, c.col, v))),
        1 => (0..n_sheets, 0u32..20, 0u32..10, value()).prop_map(|(i, r, c, v)| (i, r, c, v)),
    ];
    prop::collection::vec(one, 1..6)
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => cells().prop_map(Mutation::Cells),
        3 => prop::collection::vec((any::<usize>(), 1u8..=255), 1..8).prop_map(Mutation::Flip),
        1 => (0u16..1000).prop_map(Mutation::Truncate),
    ]
}

/// PROPTEST_CASES if set (`.ci/run` sets 10,000), else `local`.
fn cases(local: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(local)
}

fn run_checks(sub: &Submission) -> Vec<selfeval::findings::Finding> {
    let w = world();
    let ctx = Ctx { form: &w.form, params: &w.params, bands: &w.bands };
    checks::run_file(&mut sub.clone(), &ctx)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(1_000), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_panic_and_every_unusable_value_is_reported(city in 0usize..15, m in mutation()) {
        let w = world();
        match m {
            Mutation::Cells(changes) => cells_changed(w, city, &changes)?,
            Mutation::Flip(_) | Mutation::Truncate(_) => bytes_damaged(w, city, &m)?,
        }
    }
}

/// Cells set to odd values: every unusable value is reported, no message
/// keeps a placeholder, and the summary counts only clean cities.
fn cells_changed(w: &World, city: usize, changes: &[(usize, u32, u32, Value)]) -> Result<(), TestCaseError> {
    let mut raw = w.raws[city].clone();
    for (si, r, c, v) in changes {
        let name = &w.form.sheets[*si].name;
        if let Some(sheet) = raw.sheets.iter_mut().find(|s| &s.name == name) {
            sheet.cells.insert(CellRef::new(*r, *c), v.clone());
        }
    }
    let sub = Submission::build("p.xlsx".into(), "p.xlsx".into(), raw, &w.form);
    let findings = run_checks(&sub);
    for f in &findings {
        let (message, fix) = (f.message(&w.form), f.fix(&w.form));
        prop_assert!(!message.is_empty() && !fix.is_empty());
        let planted = changes.iter().any(|(_, _, _, v)| matches!(v, Value::Text(t) if t.contains('{')));
        prop_assert!(planted || !message.contains('{'), "unfilled template: {}", message);
    }
    let gate_failed = findings.iter().any(|f| {
        f.code.group() <= selfeval::findings::info::Group::Structure
            && f.severity == selfeval::findings::Severity::Error
    });
    if !gate_failed {
        for field in w.form.fields() {
            let at = |code: &str| {
                findings.iter().any(|f| {
                    f.code.id() == code
                        && f.sheet.as_deref() == Some(field.sheet.as_str())
                        && f.cell == Some(field.cell)
                })
            };
            match sub.parsed(&field.id) {
                Parsed::Bad { .. } => prop_assert!(at("SE202"), "{} unreported: {:?}", field.id, sub.parsed(&field.id)),
                Parsed::Missing if field.required => prop_assert!(at("SE201"), "{} empty, unreported", field.id),
                _ => {}
            }
        }
    }
    summary_counts_only_clean(w, city, &sub, &findings)
}

/// The summary still builds with this city among the clean others.
fn summary_counts_only_clean(
    w: &World,
    city: usize,
    sub: &Submission,
    findings: &[selfeval::findings::Finding],
) -> Result<(), TestCaseError> {
    let mut all: Vec<&Submission> = (0..15).filter(|i| *i != city).map(|i| &w.subs[i]).collect();
    all.push(sub);
    let none: Vec<selfeval::findings::Finding> = Vec::new();
    let names: Vec<String> = (0..all.len()).map(|i| format!("f{i}.xlsx")).collect();
    let facts: Vec<selfeval::roster::FileFacts> = all
        .iter()
        .zip(&names)
        .enumerate()
        .map(|(i, (s, n))| selfeval::roster::FileFacts {
            name: n,
            sub: Some(*s),
            findings: if i == all.len() - 1 { findings } else { &none },
            modified: None,
        })
        .collect();
    let roster = selfeval::roster::build(&facts, &w.params, &w.form);
    let used: Vec<Option<&Submission>> =
        roster.cities.iter().map(|c| c.used.filter(|_| c.in_totals).map(|i| all[i])).collect();
    let s = selfeval::consolidate::consolidate(&used, &roster, &w.params, &w.form, &w.summary)
        .expect("clean params allocate");
    // A file with an error never stands for a counted city, and
    // the totals count exactly the cities the roster counts.
    let has_error = findings.iter().any(|f| f.severity == selfeval::findings::Severity::Error);
    let mutated = all.len() - 1;
    for c in roster.counted() {
        prop_assert!(!(has_error && c.used == Some(mutated)), "{} counted with an erroneous file", c.city);
    }
    prop_assert_eq!(s.totals.cities_counted, roster.counted().count());
    if has_error {
        prop_assert!(s.totals.cities_counted < 15);
        prop_assert!(!s.totals.coverage.complete());
    }
    Ok(())
}

/// Flipped or truncated bytes: read and checked without a panic, or
/// refused with a Chinese reason.
fn bytes_damaged(w: &World, city: usize, m: &Mutation) -> Result<(), TestCaseError> {
    let mut bytes = w.bytes[city].clone();
    match m {
        Mutation::Flip(flips) => {
            for (pos, x) in flips {
                let n = bytes.len();
                bytes[pos % n] ^= x;
            }
        }
        Mutation::Truncate(per_mille) => bytes.truncate(bytes.len() * *per_mille as usize / 1000),
        Mutation::Cells(_) => {}
    }
    // Either it reads (and the checks and the annotated copy
    // run without panicking) or it is refused with a reason.
    match read::read_bytes_with(bytes.clone(), "xlsx", Load::Only(&w.sheets)) {
        // Refused for a reason a clerk can read (in Chinese),
        // never as an I/O error: the bytes were in memory.
        Err(e) => {
            prop_assert!(!matches!(e, read::ReadError::Io(_)), "{e:?}");
            prop_assert!(e.to_string().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{e}");
        }
        Ok(raw) => {
            let sub = Submission::build("p.xlsx".into(), "p.xlsx".into(), raw, &w.form);
            let findings = run_checks(&sub);
            if let Ok(copy) = selfeval::write::annotate::annotated_copy(&bytes, &findings, &w.form) {
                // A copy that passed the proof reads back.
                prop_assert!(read::read_bytes(copy, "xlsx").is_ok());
            }
        }
    }
    Ok(())
}

/// A position biased to the far edges: the last row, the last column, or
/// anywhere.
fn far_position() -> impl Strategy<Value = (u32, u32)> {
    let row = prop_oneof![Just(1_048_575u32), 0u32..1_048_576, 0u32..400];
    let col = prop_oneof![Just(16_383u32), 0u32..16_384, 0u32..60];
    (row, col)
}

fn a1(row: u32, col: u32) -> String {
    format!("{}{}", CellRef::col_letters(col), row + 1)
}

/// The sample's bytes with one inline-text cell added to sheet `si`.
fn with_stray_cell(bytes: &[u8], si: usize, row: u32, col: u32) -> Vec<u8> {
    use std::io::{Read, Write};
    let member = format!("xl/worksheets/sheet{}.xml", si + 1);
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).expect("member");
        let name = f.name().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("inflate");
        if name == member {
            let xml = String::from_utf8(data).expect("utf8");
            let cell = format!(
                r#"<row r="{}"><c r="{}" t="inlineStr"><is><t>多余</t></is></c></row></sheetData>"#,
                row + 1,
                a1(row, col)
            );
            data = xml.replacen("</sheetData>", &cell, 1).into_bytes();
        }
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).expect("start");
        out.write_all(&data).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(1_000) / 10, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_stray_cell_anywhere_is_read_within_reach_and_changes_no_figure(city in 0usize..15, si in 0usize..5, (row, col) in far_position()) {
        let w = world();
        let si = si % w.form.sheets.len();
        let reach = w.sheets[si].reach;
        prop_assume!(!reach.holds(CellRef::new(row, col)));
        let bytes = with_stray_cell(&w.bytes[city], si, row, col);
        let raw = read::read_bytes_with(bytes, "xlsx", Load::Only(&w.sheets)).expect("reads");
        for (sheet, need) in raw.sheets.iter().zip(&w.sheets) {
            for c in sheet.cells.keys() {
                prop_assert!(need.reach.holds(*c) || need.cells.contains(c), "{} kept {c} outside its reach", sheet.name);
            }
        }
        let a = Submission::build("a.xlsx".into(), "a.xlsx".into(), raw, &w.form);
        let b = Submission::build("b.xlsx".into(), "b.xlsx".into(), w.raws[city].clone(), &w.form);
        for f in w.form.fields() {
            prop_assert_eq!(a.parsed(&f.id), b.parsed(&f.id), "{}", f.id);
        }
    }

    #[test]
    fn long_names_that_collide_once_cut_get_distinct_short_feedback_names(
        stem in "[汕头市甲乙丙a-z_（）第稿]{0,8}",
        tails in prop::collection::vec("[0-9a-z甲乙丙]{1,4}", 1..40),
        long in 30usize..120,
        city in prop::option::of(Just("汕头市")),
        depth in 0usize..200,
    ) {
        use selfeval::write::feedback::{feedback_base, NameRoom};
        let prefix = format!("{stem}{}", "城".repeat(long));
        let dir = std::path::PathBuf::from(format!("/{}", "d".repeat(depth)));
        let room = NameRoom::in_dir(&dir);
        let mut taken = std::collections::HashSet::new();
        let mut bases = Vec::new();
        for t in &tails {
            bases.push(feedback_base(&format!("{prefix}{t}.xlsx"), city, room, &mut taken));
        }
        let distinct: std::collections::HashSet<&String> = bases.iter().collect();
        prop_assert_eq!(distinct.len(), bases.len(), "{:?}", bases);
        for b in &bases {
            prop_assert!(b.len() <= 125, "{} bytes: {}", b.len(), b);
            prop_assert!(!b.contains(['/', '\\', ':']), "{}", b);
            // Within Windows' MAX_PATH wherever the folder leaves room.
            let path = format!("{}\\.{b}_校验报告.xlsx.4294967295.tmp", dir.display());
            if depth + 1 + 40 < 259 {
                prop_assert!(path.encode_utf16().count() <= 259, "{} units: {}", path.encode_utf16().count(), path);
            }
        }
    }
}
