//! The run's stages, in the order `run_with` calls them: `check` (each
//! file read and checked), `assign::file` (which file stands for which
//! city, filed once), `decisions::apply` (the province's 核实与更正 on the
//! files used), `assign::cities` (the roster judged on the decided files;
//! the consolidated figures), `submission` (each city's 自评报告 and 佐证材料 beside its
//! form), `compare` (against the previous round), `outputs` (feedback,
//! register, summary, draft, report.json).

pub mod assign;
pub mod check;
pub mod compare;
pub mod outputs;
pub mod run;
pub mod submission;

use crate::error::{Error, Result};
use crate::params::Params;
use crate::spec::Templates;
use crate::{checks, read};
use std::path::Path;

/// Told of each file as the check stage takes it (the command line draws
/// a bar; the page counts files).
pub trait Progress: Sync {
    fn start(&self, _files: usize) {}
    fn file(&self, _name: &str) {}
    fn finish(&self) {}
}

/// No progress shown.
pub struct Silent;
impl Progress for Silent {}

/// What every stage reads: the year's templates and params, and the form's
/// sheet needs. Shared (in an `Arc`) with each file's watched thread.
#[derive(Debug)]
pub struct Setup {
    pub templates: Templates,
    pub params: Params,
    pub needs: Vec<read::SheetNeed>,
}

impl Setup {
    /// The template set (a folder, or the built-in 2024 set) and its
    /// params (a workbook, or the set's own), checked against each other.
    pub fn load(templates: Option<&Path>, params: Option<&Path>) -> Result<Setup> {
        let templates = match templates {
            Some(dir) => Templates::from_dir(dir)?,
            None => Templates::embedded()?,
        };
        let params = match params {
            Some(p) => {
                let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
                crate::params::from_bytes(bytes, &p.display().to_string(), &templates.form, &templates.origin)?
            }
            None => return Setup::with_own_params(templates),
        };
        Setup::new(templates, params)
    }

    /// A template set with the params workbook it carries (the built-in
    /// one, or the folder's 省级参数表.xlsx).
    pub fn with_own_params(templates: Templates) -> Result<Setup> {
        let own = match &templates.dir {
            Some(dir) => dir.join(crate::spec::PARAMS_FILE).display().to_string(),
            None => concat!("内置 ", env!("SELFEVAL_DEFAULT_SET"), "/省级参数表.xlsx").to_string(),
        };
        let bytes = templates.params_default.clone();
        let params = crate::params::from_bytes(bytes, &own, &templates.form, &templates.origin)?;
        Setup::new(templates, params)
    }

    /// A setup from a loaded set and params (the page's, from bytes).
    pub fn new(templates: Templates, params: Params) -> Result<Setup> {
        // A year's forms judged against another year's issued figures would
        // blame every city (SE206 × 15): a setup error, said once.
        if templates.form.year != params.year {
            return Err(Error::YearMismatch {
                templates: templates.form.year,
                templates_origin: templates.origin.clone(),
                params: params.year,
                params_origin: params.origin.clone(),
            });
        }
        // Coefficients a typo made huge: refuse before any city is judged.
        crate::allocate::allocate(&params)?;
        let needs = templates.form.sheet_needs();
        Ok(Setup { templates, params, needs })
    }

    pub fn ctx(&self) -> checks::Ctx<'_> {
        checks::Ctx { form: &self.templates.form, params: &self.params, bands: &self.templates.bands }
    }
}
