//! A city's whole submission: besides its form, its 自评报告 (Word or PDF)
//! and its 佐证材料, checked against the form.
//!
//! Files are assigned to a city as forms are, by the city's name in the
//! file name or in any folder above it ([`gather`]); what makes a file the
//! report or evidence is the template set's `submission.toml`. A missing
//! part is a finding of the city (a warning by default), never a reason to
//! keep its figures out of the totals. The report is read ([`text`]) and
//! every figure its words find is compared with the form ([`figures`]); a
//! figure the words do not find is not a finding.

mod doc;
mod docx;
pub mod figures;
mod listing;
mod pdf;
pub mod report;
pub mod text;

pub use crate::model::{Part, PartKind, Received};
pub use listing::{listing, ListingRow};

use crate::checks::Ctx;
use crate::findings::{Code, Finding, Loc};
use crate::model::{Parsed, Submission};
use crate::params::Params;
use crate::scan::Found;
use crate::spec::relation::Val;
use crate::spec::{FormSpec, SubmissionSpec, Unit};

/// The extensions a 自评报告 may have.
const REPORT_EXTS: [&str; 4] = ["docx", "doc", "wps", "pdf"];

/// The path's parts: its folders and its file name.
fn path_parts(name: &str) -> Vec<&str> {
    name.split(['/', '\\']).filter(|p| !p.is_empty()).collect()
}

/// The city a file belongs to: named in its file name, or else in the
/// nearest folder above it that names exactly one city.
pub fn city_of(name: &str, params: &Params) -> Option<String> {
    path_parts(name).iter().rev().find_map(|p| params.city_in_name(p))
}

/// What `name` is in a submission, by the words of `spec`.
pub fn kind_of(name: &str, spec: &SubmissionSpec) -> PartKind {
    let parts = path_parts(name);
    let has = |words: &[String], p: &str| words.iter().any(|w| p.contains(w.as_str()));
    if parts.iter().any(|p| has(&spec.evidence.names, p)) {
        return PartKind::Evidence;
    }
    let file = parts.last().copied().unwrap_or_default();
    let ext = crate::read::extension(file);
    if REPORT_EXTS.contains(&ext.as_str()) && has(&spec.report.names, file) {
        return PartKind::Report;
    }
    PartKind::Other
}

/// The files other than workbooks, by city (in the params' order), each
/// with its kind. A file whose name and folders name no city goes to
/// `fallback` (a city checking its own form with a report named
/// "自评报告.docx"), else is left out.
pub fn gather<'a>(
    others: &'a [Found],
    params: &Params,
    spec: &SubmissionSpec,
    fallback: Option<&str>,
) -> Vec<(String, Vec<(&'a Found, PartKind)>)> {
    let mut out: Vec<(String, Vec<(&Found, PartKind)>)> =
        params.cities.iter().map(|c| (c.name.clone(), Vec::new())).collect();
    for f in others {
        let Some(city) = city_of(&f.name, params).or_else(|| fallback.map(str::to_string)) else { continue };
        if let Some((_, list)) = out.iter_mut().find(|(c, _)| *c == city) {
            list.push((f, kind_of(&f.name, spec)));
        }
    }
    out
}

/// A file's part entry: its size and SHA-256, streamed (evidence may be
/// scans of hundreds of megabytes); a file that can no longer be read is
/// listed with size 0 and no hash.
fn part_of(f: &Found, kind: PartKind) -> Part {
    let (size, sha256) = match &f.source {
        crate::read::Source::Memory(b) => (b.len() as u64, crate::read::sha256_hex(b)),
        crate::read::Source::File(p) => streamed_sha256(p).unwrap_or_default(),
    };
    Part { file: f.name.clone(), kind, size, sha256 }
}

fn streamed_sha256(path: &std::path::Path) -> Option<(u64, String)> {
    use sha2::Digest;
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = sha2::Sha256::new();
    let (mut size, mut buf) = (0u64, vec![0u8; 256 * 1024]);
    loop {
        let n = file.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Some((size, crate::read::hex(&hasher.finalize())))
}

/// A report's entry and its bytes, read once for both the hash and the
/// text when it is small enough to read; a larger one is only hashed, as
/// it streams.
fn report_of(f: &Found) -> (Part, Result<std::sync::Arc<[u8]>, text::TextError>) {
    let max = text::MAX_REPORT_BYTES as u64;
    let bytes = match &f.source {
        crate::read::Source::Memory(b) if b.len() as u64 > max => Err(text::TextError::TooLarge),
        crate::read::Source::Memory(b) => Ok(b.clone()),
        crate::read::Source::File(p) => match std::fs::metadata(p) {
            Ok(m) if m.len() > max => Err(text::TextError::TooLarge),
            Ok(_) => std::fs::read(p).map(Into::into).map_err(text::TextError::damaged),
            Err(e) => Err(text::TextError::damaged(e)),
        },
    };
    let part = match &bytes {
        Ok(b) => Part {
            file: f.name.clone(),
            kind: PartKind::Report,
            size: b.len() as u64,
            sha256: crate::read::sha256_hex(b),
        },
        Err(_) => part_of(f, PartKind::Report),
    };
    (part, bytes)
}

/// A city's submission checked: its parts listed, a missing report or
/// evidence said, each report read and its figures compared with `sub`
/// (the city's form, when one was read). Findings are the city's, for the
/// form's file (`form_file`) to carry.
pub fn check(
    city: &str,
    files: &[(&Found, PartKind)],
    sub: Option<&Submission>,
    spec: &SubmissionSpec,
    ctx: &Ctx,
) -> (Received, Vec<Finding>) {
    let mut received = Received::default();
    let mut findings = Vec::new();
    for (f, kind) in files {
        let part = match kind {
            PartKind::Report => {
                let (part, bytes) = report_of(f);
                findings.extend(report_findings(&f.name, bytes.and_then(|b| report::read(&b)), sub, spec, ctx));
                part
            }
            _ => part_of(f, *kind),
        };
        received.parts.push(part);
    }
    let missing = |code: Code, severity| {
        let mut f = Finding::at(code, &Loc::file(), None, None, city);
        f.severity = severity;
        f
    };
    if received.report().is_none() {
        findings.push(missing(Code::ReportMissing, spec.report.missing));
    }
    if received.evidence() == 0 {
        findings.push(missing(Code::EvidenceMissing, spec.evidence.missing));
    }
    (received, findings)
}

/// The findings of one report: unreadable, a scan, or each figure that
/// disagrees with the form.
fn report_findings(
    name: &str,
    text: Result<text::ReportText, text::TextError>,
    sub: Option<&Submission>,
    spec: &SubmissionSpec,
    ctx: &Ctx,
) -> Vec<Finding> {
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            let code = if e == text::TextError::Scanned { Code::ReportScanned } else { Code::ReportUnreadable };
            let f = Finding::at(code, &Loc::file(), None, None, &format!("“{name}”{e}"));
            return vec![f.with_words(e.words())];
        }
    };
    let Some(sub) = sub else { return Vec::new() };
    let mut out = Vec::new();
    for piece in &text.pieces {
        let normal = figures::normalise(&piece.text);
        for sentence in figures::sentences(&normal) {
            for fig in &spec.figures {
                out.extend(disagreements(name, piece.spot, sentence, fig, standing(sub, ctx, &fig.field), ctx.form));
            }
        }
    }
    out.dedup_by(|a, b| a.field == b.field && a.found == b.found && a.detail == b.detail);
    out
}

/// The value a report's figure is held against: selfeval's own for a
/// derived figure (a rate, the total, the grade), so a report that repeats
/// a form's miscalculated rate is told the right one; else the form's.
fn standing(sub: &Submission, ctx: &Ctx, field: &str) -> Option<Val> {
    crate::checks::derived::recomputed(sub, ctx, field).or_else(|| match sub.values.get(field)? {
        Parsed::Number(d) => Some(Val::Num(*d)),
        Parsed::Text(t) => Some(Val::Text(t.clone())),
        _ => None,
    })
}

/// The statements of `fig` in `sentence` that disagree with `value`.
fn disagreements(
    name: &str,
    spot: text::Spot,
    sentence: &str,
    fig: &crate::spec::FigureSpec,
    value: Option<Val>,
    form: &FormSpec,
) -> Vec<Finding> {
    let finding = |found: &str, expected: &str, quoted: &str| {
        let detail = format!("“{name}”{spot}“{quoted}”中的{}", fig.name);
        let loc = Loc { field: Some(fig.field.clone()), ..Loc::file() };
        Finding::at(Code::ReportDisagrees, &loc, Some(expected.to_string()), Some(found.to_string()), &detail)
    };
    match (&fig.unit, value) {
        (Unit::Choice, Some(Val::Text(chosen))) => {
            let options = form.field(&fig.field).map(|f| f.options.clone()).unwrap_or_default();
            figures::chosen(sentence, fig, &options)
                .into_iter()
                .filter(|c| c.option != chosen)
                .map(|c| finding(&c.option, &chosen, &c.sentence))
                .collect()
        }
        (Unit::Choice, _) => Vec::new(),
        (_, Some(Val::Num(v))) => figures::stated(sentence, fig)
            .into_iter()
            .filter(|s| !figures::agrees(v, s))
            .map(|s| {
                // Money and rates at 2 places at least, as the report's
                // own 230.00万元 and 45.64%; a count as it is (1161个).
                let places = s.places.max(2);
                let exact = crate::calc::round_half_up(v * s.scale, places);
                let expected = match fig.unit {
                    Unit::Wan | Unit::Percent => format!("{exact:.0$}", places as usize),
                    _ => exact.normalize().to_string(),
                };
                let unit = s.shown.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
                finding(&s.shown, &format!("{expected}{unit}"), &s.sentence)
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> SubmissionSpec {
        SubmissionSpec::from_toml(
            include_str!("../../templates/old-communities/2024/submission.toml"),
            &crate::testkit::form(),
        )
        .expect("spec")
    }

    #[test]
    fn files_are_told_apart_by_their_names_and_folders() {
        let s = spec();
        assert_eq!(kind_of("汕头市/汕头市2024年自评报告.docx", &s), PartKind::Report);
        assert_eq!(kind_of("汕头市/佐证材料/验收记录.pdf", &s), PartKind::Evidence);
        assert_eq!(kind_of("汕头市/汕头市佐证材料.zip", &s), PartKind::Evidence);
        // A report in the evidence folder is evidence; a PDF not named as a
        // report is another file.
        assert_eq!(kind_of("汕头市/佐证材料/区县自评报告.pdf", &s), PartKind::Evidence);
        assert_eq!(kind_of("汕头市/会议纪要.pdf", &s), PartKind::Other);
        assert_eq!(kind_of("汕头市/自评报告.txt", &s), PartKind::Other);
    }

    #[test]
    fn the_city_is_named_by_the_file_or_the_nearest_folder() {
        let params = crate::testkit::params();
        assert_eq!(city_of("01_汕头市/佐证材料/a.pdf", &params).as_deref(), Some("汕头市"));
        assert_eq!(city_of("材料/韶关市自评报告.docx", &params).as_deref(), Some("韶关市"));
        assert_eq!(city_of("材料/自评报告.docx", &params), None);
    }
}
