//! The year's form and summary layouts, loaded from `templates/<year>/`.
//!
//! Every sheet name and cell address selfeval uses comes from here; the
//! code refers to fields by role (form.toml `[roles]`, see [`Role`]) or
//! through the form's own declarations. The 2024 set is embedded in
//! the binary; `--templates DIR` loads another year's.

use crate::cellref::{CellRange, CellRef};
/// A template set's result: a value, or which file failed and why.
pub type Result<T> = std::result::Result<T, LoadError>;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

mod bands;
pub mod derived;
mod error;
mod form;
mod links;
pub mod outline;
mod params_layout;
mod ratios;
pub mod relation;
mod report;
mod roles;
mod sheet_role;
mod submission;
mod summary;
pub mod targets;
#[cfg(test)]
mod tests;
mod wording;

pub use bands::*;
pub use error::{LoadError, SpecError};
pub use form::*;
pub use links::*;
pub use params_layout::*;
pub use ratios::*;
pub use report::*;
pub use roles::*;
pub use sheet_role::*;
pub use submission::*;
pub use summary::*;
pub use wording::*;

/// File names inside a templates folder.
pub const FORM_FILE: &str = "form.toml";
pub const SUMMARY_FILE: &str = "summary.toml";
pub const SUMMARY_TEMPLATE_FILE: &str = "省级汇总表模板.xlsx";
pub const PARAMS_FILE: &str = "省级参数表.xlsx";
pub const CHECKS_FILE: &str = "checks.toml";
pub const REPORT_FILE: &str = "report.toml";
pub const SUBMISSION_FILE: &str = "submission.toml";

mod embedded {
    pub const FORM: &str =
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", env!("SELFEVAL_DEFAULT_SET"), "/form.toml"));
    pub const SUMMARY: &str =
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", env!("SELFEVAL_DEFAULT_SET"), "/summary.toml"));
    pub const CHECKS: &str =
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", env!("SELFEVAL_DEFAULT_SET"), "/checks.toml"));
    pub const REPORT: &str =
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", env!("SELFEVAL_DEFAULT_SET"), "/report.toml"));
    pub const SUBMISSION: &str =
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", env!("SELFEVAL_DEFAULT_SET"), "/submission.toml"));
    pub const SUMMARY_TEMPLATE: &[u8] =
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/", env!("SELFEVAL_DEFAULT_SET"), "/省级汇总表模板.xlsx"));
    pub const PARAMS: &[u8] =
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/", env!("SELFEVAL_DEFAULT_SET"), "/省级参数表.xlsx"));
}

/// A year's complete template set.
#[derive(Debug, Clone)]
pub struct Templates {
    pub form: FormSpec,
    pub summary: SummarySpec,
    pub bands: Bands,
    /// Wording of the 自评报告 draft; a set without report.toml (a fund
    /// whose report is not drafted by selfeval) has none, and no draft.
    pub report: Option<ReportSpec>,
    /// What a city's submission holds besides its form and which figures
    /// its 自评报告 states; a set without submission.toml checks forms only.
    pub submission: Option<SubmissionSpec>,
    pub summary_template: Vec<u8>,
    /// The params workbook that ships with the templates (the default
    /// for `--params`).
    pub params_default: Vec<u8>,
    /// Where they came from, for the run's "which templates" line.
    pub origin: String,
    /// The folder they were read from; `None` for the built-in set.
    pub dir: Option<PathBuf>,
    /// SHA-256 over the set's files (form, summary, checks, report and the
    /// summary template, by name): the same set copied to a folder has the
    /// same digest as the built-in one. The params workbook is not in it:
    /// it is fingerprinted as the params actually used.
    pub digest: String,
}

/// The digest of a template set's files, given as (file name, bytes).
fn set_digest(files: &[(&str, &[u8])]) -> String {
    let mut files = files.to_vec();
    files.sort_by_key(|(name, _)| *name);
    let listing: String =
        files.iter().map(|(name, bytes)| format!("{name}\t{}\n", crate::read::sha256_hex(bytes))).collect();
    crate::read::sha256_hex(listing.as_bytes())
}

impl Templates {
    /// The 2024 set built into the binary.
    pub fn embedded() -> Result<Self> {
        let (form, summary) = embedded_specs()?;
        let origin = concat!("内置 ", env!("SELFEVAL_DEFAULT_SET"), "/report.toml");
        let report = ReportSpec::from_toml(embedded::REPORT, origin)?;
        report.check(&form, &summary, origin)?;
        let origin = concat!("内置 ", env!("SELFEVAL_DEFAULT_SET"), "/submission.toml");
        let submission = SubmissionSpec::from_toml(embedded::SUBMISSION, &form)
            .and_then(|s| listing_declared(&summary, Some(&s)).map(|_| s))
            .map_err(|e| LoadError::spec(origin, e))?;
        Ok(Templates {
            submission: Some(submission),
            form,
            summary,
            bands: embedded_bands()?,
            report: Some(report),
            summary_template: embedded::SUMMARY_TEMPLATE.to_vec(),
            params_default: embedded::PARAMS.to_vec(),
            origin: concat!("内置模板 ", env!("SELFEVAL_DEFAULT_SET")).to_string(),
            dir: None,
            digest: set_digest(&[
                (FORM_FILE, embedded::FORM.as_bytes()),
                (SUMMARY_FILE, embedded::SUMMARY.as_bytes()),
                (CHECKS_FILE, embedded::CHECKS.as_bytes()),
                (REPORT_FILE, embedded::REPORT.as_bytes()),
                (SUBMISSION_FILE, embedded::SUBMISSION.as_bytes()),
                (SUMMARY_TEMPLATE_FILE, embedded::SUMMARY_TEMPLATE),
            ]),
        })
    }

    /// A templates folder (`templates/2025/`), holding the four files.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let read = |name: &str| -> Result<Vec<u8>> {
            let p: PathBuf = dir.join(name);
            std::fs::read(&p).map_err(|e| LoadError::io(&p, e))
        };
        let has = Has { report: dir.join(REPORT_FILE).exists(), submission: dir.join(SUBMISSION_FILE).exists() };
        Self::from_reader(dir, &read, has)
    }

    /// A template set given as files (name → bytes: the page's dropped
    /// folder), read as [`Templates::from_dir`] reads a folder; `dir`
    /// names it in messages.
    pub fn from_files(dir: &Path, files: &std::collections::BTreeMap<String, Vec<u8>>) -> Result<Self> {
        let read = |name: &str| -> Result<Vec<u8>> {
            let missing = || std::io::Error::new(std::io::ErrorKind::NotFound, "模板文件夹中没有这个文件");
            files.get(name).cloned().ok_or_else(|| LoadError::io(dir.join(name), missing()))
        };
        let has = Has { report: files.contains_key(REPORT_FILE), submission: files.contains_key(SUBMISSION_FILE) };
        Self::from_reader(dir, &read, has)
    }

    fn from_reader(dir: &Path, fetch: &dyn Fn(&str) -> Result<Vec<u8>>, has: Has) -> Result<Self> {
        // Each file is read once: parsed, hashed for the digest, kept.
        let cache = std::cell::RefCell::new(std::collections::BTreeMap::<String, Vec<u8>>::new());
        let read = |name: &str| -> Result<Vec<u8>> {
            if let Some(bytes) = cache.borrow().get(name) {
                return Ok(bytes.clone());
            }
            let bytes = fetch(name)?;
            cache.borrow_mut().insert(name.to_string(), bytes.clone());
            Ok(bytes)
        };
        let text = |name: &str| -> Result<(String, String)> {
            let origin = dir.join(name).display().to_string();
            let bytes = read(name)?;
            let t = String::from_utf8(bytes).map_err(|e| LoadError::spec(origin.clone(), SpecError::NotUtf8(e)))?;
            Ok((t, origin))
        };
        let report = match has.report {
            true => {
                let (t, origin) = text(REPORT_FILE)?;
                Some(ReportSpec::from_toml(&t, &origin)?)
            }
            false => None,
        };
        let (ft, fo) = text(FORM_FILE)?;
        let form = FormSpec::from_toml(&ft, &fo)?;
        let (st, so) = text(SUMMARY_FILE)?;
        let mut summary = SummarySpec::from_toml(&st, &so)?;
        summary.check_against(&form, &so)?;
        if let Some(r) = &report {
            r.check(&form, &summary, &dir.join(REPORT_FILE).display().to_string())?;
        }
        let (ct, co) = text(CHECKS_FILE)?;
        let bands = Bands::from_toml(&ct, &co, &form)?;
        let submission = match has.submission {
            true => {
                let (t, origin) = text(SUBMISSION_FILE)?;
                Some(SubmissionSpec::from_toml(&t, &form).map_err(|e| LoadError::spec(origin, e))?)
            }
            false => None,
        };
        listing_declared(&summary, submission.as_ref()).map_err(|e| LoadError::spec(so.clone(), e))?;
        let mut hashed: Vec<(&str, Vec<u8>)> = Vec::new();
        for name in [FORM_FILE, SUMMARY_FILE, CHECKS_FILE, REPORT_FILE, SUBMISSION_FILE, SUMMARY_TEMPLATE_FILE] {
            let optional = (name == REPORT_FILE && !has.report) || (name == SUBMISSION_FILE && !has.submission);
            if !optional {
                hashed.push((name, read(name)?));
            }
        }
        let digest = set_digest(&hashed.iter().map(|(n, b)| (*n, b.as_slice())).collect::<Vec<_>>());
        let summary_template = read(SUMMARY_TEMPLATE_FILE)?;
        let origin = dir.join(SUMMARY_TEMPLATE_FILE).display().to_string();
        summary.check_template(&summary_template).map_err(|source| LoadError::spec(origin, source))?;
        Ok(Templates {
            report,
            submission,
            form,
            summary,
            bands,
            summary_template,
            params_default: read(PARAMS_FILE)?,
            origin: format!("模板文件夹 {}", dir.display()),
            dir: Some(dir.to_path_buf()),
            digest,
        })
    }
}

/// A summary with a 佐证材料清单 sheet needs submission.toml's `[[listing]]`
/// to fill it.
fn listing_declared(summary: &SummarySpec, submission: Option<&SubmissionSpec>) -> std::result::Result<(), SpecError> {
    let has_sheet = summary.sheets.iter().any(|s| s.role == SheetRole::Listing);
    match has_sheet && submission.is_none_or(|s| s.listing.is_empty()) {
        true => Err(SpecError::ListingWithoutGroups),
        false => Ok(()),
    }
}

/// Which optional files a template set has.
#[derive(Debug, Clone, Copy)]
struct Has {
    report: bool,
    submission: bool,
}

/// The embedded 2024 params workbook's bytes.
pub fn embedded_params() -> &'static [u8] {
    embedded::PARAMS
}

/// The embedded 2024 form.toml as text, for tests that load an edited
/// copy.
#[cfg(test)]
pub fn embedded_form_text() -> &'static str {
    embedded::FORM
}

/// The embedded 2024 bands.
pub fn embedded_bands() -> Result<Bands> {
    let form = FormSpec::from_toml(embedded::FORM, concat!("内置 ", env!("SELFEVAL_DEFAULT_SET"), "/form.toml"))?;
    Bands::from_toml(embedded::CHECKS, concat!("内置 ", env!("SELFEVAL_DEFAULT_SET"), "/checks.toml"), &form)
}

/// The spec sources alone, for tools that build the template files
/// (they cannot use [`Templates::embedded`] before the files exist).
pub fn embedded_specs() -> Result<(FormSpec, SummarySpec)> {
    let form = FormSpec::from_toml(embedded::FORM, concat!("内置 ", env!("SELFEVAL_DEFAULT_SET"), "/form.toml"))?;
    let origin = concat!("内置 ", env!("SELFEVAL_DEFAULT_SET"), "/summary.toml");
    let mut summary = SummarySpec::from_toml(embedded::SUMMARY, origin)?;
    summary.check_against(&form, origin)?;
    Ok((form, summary))
}

/// The form and summary specs of a templates folder, checked against
/// each other: what `selfeval template --templates DIR` builds from
/// before the folder's workbooks exist.
pub fn specs_from_dir(dir: &Path) -> Result<(FormSpec, SummarySpec)> {
    let text = |name: &str| -> Result<(String, String)> {
        let p: PathBuf = dir.join(name);
        let t = std::fs::read_to_string(&p).map_err(|e| LoadError::io(&p, e))?;
        Ok((t, p.display().to_string()))
    };
    let (ft, fo) = text(FORM_FILE)?;
    let form = FormSpec::from_toml(&ft, &fo)?;
    let (st, so) = text(SUMMARY_FILE)?;
    let mut summary = SummarySpec::from_toml(&st, &so)?;
    summary.check_against(&form, &so)?;
    Ok((form, summary))
}
