//! What selfeval does with one outside input, per kind of input: the
//! entry points the fuzz targets (`fuzz/`) call and the regression test
//! (`tests/fuzz_regressions.rs`) replays, so a file the fuzzer found is
//! replayed by the ordinary `cargo test` through the same code.
//!
//! A zip or OLE container hides its parts from a byte-level mutator (a
//! flipped bit in deflated data is noise), so the workbook targets take a
//! mode byte first: `0xFF` reads the rest as the whole file; any other
//! value picks a part of a real base file (a sample form saved in that
//! format) and replaces it with the rest, so the fuzzer explores the XML
//! and records the readers parse, inside a container that opens.

use crate::read::Source;
use crate::scan::Found;
use crate::stages::Setup;
use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Every kind of outside input, by the name its fuzz target has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Any bytes, through the format sniffer to whichever reader.
    Sniff,
    Xlsx,
    Xls,
    Xlsb,
    Ods,
    /// The 核实与更正 register workbook.
    Register,
    /// One of the template set's TOML files.
    Templates,
    /// The params workbook (省级参数表).
    Params,
    /// A previous round's report.json.
    Previous,
    /// A city's 自评报告 (.docx, .doc/.wps, PDF), read and its figures
    /// compared with a sample form.
    Report,
}

impl Target {
    pub const ALL: [Target; 10] = [
        Target::Sniff,
        Target::Xlsx,
        Target::Xls,
        Target::Xlsb,
        Target::Ods,
        Target::Register,
        Target::Templates,
        Target::Params,
        Target::Previous,
        Target::Report,
    ];

    /// The fuzz target's name (`cargo fuzz run NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Target::Sniff => "sniff",
            Target::Xlsx => "xlsx",
            Target::Xls => "xls",
            Target::Xlsb => "xlsb",
            Target::Ods => "ods",
            Target::Register => "register",
            Target::Templates => "templates",
            Target::Params => "params",
            Target::Previous => "previous",
            Target::Report => "report",
        }
    }

    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The real file a workbook target's parts come from.
    fn base(self) -> Option<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let rel = match self {
            Target::Xlsx | Target::Sniff => "samples/2024/01_汕头市_2024年绩效自评表.xlsx",
            Target::Xlsb => "tests/fixtures/formats/01_汕头市.xlsb",
            Target::Ods => "tests/fixtures/formats/01_汕头市.ods",
            Target::Register => "fuzz/seeds/register/核实与更正.xlsx",
            Target::Params => "templates/old-communities/2024/省级参数表.xlsx",
            Target::Report => "samples/2024/01_汕头市_2024年绩效自评报告.docx",
            // The .xls target builds its own container (mode byte 0..0xFE).
            Target::Xls | Target::Templates | Target::Previous => return None,
        };
        Some(root.join(rel))
    }
}

/// The embedded template set and params, loaded once per process.
fn setup() -> &'static Arc<Setup> {
    static SETUP: OnceLock<Arc<Setup>> = OnceLock::new();
    SETUP.get_or_init(|| Arc::new(Setup::load(None, None).expect("the embedded template set loads")))
}

/// A base file's bytes, read once per process.
fn base(target: Target) -> &'static [u8] {
    static BASES: OnceLock<Vec<(&'static str, Vec<u8>)>> = OnceLock::new();
    let bases = BASES
        .get_or_init(|| Target::ALL.iter().filter_map(|t| Some((t.name(), std::fs::read(t.base()?).ok()?))).collect());
    bases.iter().find(|(n, _)| *n == target.name()).map(|(_, b)| b.as_slice()).unwrap_or_default()
}

/// Runs one input through what selfeval does with such a file. Any result
/// is fine; a panic outside the readers' isolation, a hang or unbounded
/// memory is what the fuzzer looks for.
pub fn run(target: Target, data: &[u8]) {
    match target {
        Target::Sniff => check(data.to_vec()),
        Target::Xlsx | Target::Xlsb | Target::Ods => check(mutated_zip(base(target), data)),
        Target::Xls => check(mutated_ole(data)),
        Target::Register => register(mutated_zip(base(target), data)),
        Target::Params => params(mutated_zip(base(target), data)),
        Target::Templates => templates(data),
        Target::Previous => {
            let _ = crate::rounds::previous_from_bytes(Path::new("上次结果"), data);
        }
        Target::Report => report(data),
    }
}

/// A form's way through `check`: read, modelled and checked.
fn check(bytes: Vec<u8>) {
    let setup = setup();
    let found = Found { source: Source::Memory(bytes.into()), name: "fuzz.xlsx".into() };
    let _ = crate::stages::check::check_one(&found, &setup.needs, &setup.ctx());
}

/// A report's way through the submission stage: its bytes as they are
/// (mode byte 0xFF: a .doc, a PDF), or the sample .docx with a part
/// replaced, read and compared with 汕头市's sample form.
fn report(data: &[u8]) {
    static FORM: OnceLock<Option<crate::model::Submission>> = OnceLock::new();
    let setup = setup();
    let sub = FORM.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/2024/01_汕头市_2024年绩效自评表.xlsx");
        let raw = crate::read::read_path(&path).ok()?;
        Some(crate::model::Submission::build(path, "01_汕头市.xlsx".into(), raw, &setup.templates.form))
    });
    let Some(spec) = &setup.templates.submission else { return };
    let bytes = mutated_zip(base(Target::Report), data);
    let found = Found { source: Source::Memory(bytes.into()), name: "汕头市自评报告.docx".into() };
    let part = crate::submission::PartKind::Report;
    let _ = crate::submission::check("汕头市", &[(&found, part)], sub.as_ref(), spec, &setup.ctx());
}

fn register(bytes: Vec<u8>) {
    let setup = setup();
    let source = Source::Memory(bytes.into());
    let _ = crate::decisions::register::read_source(
        &source,
        Path::new("核实与更正.xlsx"),
        &setup.templates.form,
        &setup.params,
    );
}

fn params(bytes: Vec<u8>) {
    let setup = setup();
    let _ = crate::params::from_bytes(bytes, "省级参数表.xlsx", &setup.templates.form, "fuzz");
}

/// The template files, one replaced by the input: its first byte picks
/// which.
fn templates(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let names = [crate::spec::FORM_FILE, crate::spec::SUMMARY_FILE, crate::spec::CHECKS_FILE, crate::spec::REPORT_FILE];
    let mut files = template_files().clone();
    files.insert(names[pick as usize % names.len()].to_string(), rest.to_vec());
    let _ = crate::spec::Templates::from_files(Path::new("fuzz"), &files);
}

/// The files of `templates/old-communities/2024/`, read once per process.
fn template_files() -> &'static BTreeMap<String, Vec<u8>> {
    static FILES: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/old-communities/2024");
        let entries = std::fs::read_dir(&dir).into_iter().flatten().flatten();
        entries.filter_map(|e| Some((e.file_name().into_string().ok()?, std::fs::read(e.path()).ok()?))).collect()
    })
}

/// `data` as a whole file (mode byte `0xFF`), or the base package with the
/// member the mode byte picks replaced by the rest.
fn mutated_zip(base: &[u8], data: &[u8]) -> Vec<u8> {
    let Some((&mode, rest)) = data.split_first() else { return Vec::new() };
    if mode == 0xFF || base.is_empty() {
        return rest.to_vec();
    }
    replaced_member(base, mode, rest).unwrap_or_else(|| rest.to_vec())
}

fn replaced_member(base: &[u8], mode: u8, rest: &[u8]) -> Option<Vec<u8>> {
    let mut zin = zip::ZipArchive::new(Cursor::new(base)).ok()?;
    let name = zin.name_for_index(mode as usize % zin.len().max(1))?.to_string();
    crate::read::package_with_replaced(&mut zin, &[(name, rest.to_vec())])
}

/// `data` as a whole file (mode byte `0xFF`), or a compound file whose
/// workbook stream is the rest (the base's other streams dropped).
fn mutated_ole(data: &[u8]) -> Vec<u8> {
    let Some((&mode, rest)) = data.split_first() else { return Vec::new() };
    if mode == 0xFF {
        return rest.to_vec();
    }
    crate::read::compound_with_workbook(rest).unwrap_or_else(|_| rest.to_vec())
}
