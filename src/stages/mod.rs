//! The run's stages, in the order `run_with` calls them: `check` (each
//! file read and checked), `decide` (the province's 核实与更正 applied),
//! `assign` (which file stands for which city, and the consolidated
//! figures), `compare` (against the previous round), `outputs` (feedback,
//! register, summary, draft, report.json).

pub mod assign;
pub mod check;
pub mod compare;
pub mod decide;
pub mod outputs;

use crate::error::Result;
use crate::params::Params;
use crate::spec::Templates;
use crate::{checks, read, RunOptions};

/// What every stage reads: the year's templates and params, and the form's
/// sheet needs. Shared (in an `Arc`) with each file's watched thread.
pub struct Setup {
    pub templates: Templates,
    pub params: Params,
    pub needs: Vec<read::SheetNeed>,
}

impl Setup {
    pub fn load(opts: &RunOptions) -> Result<Setup> {
        let (templates, params) = crate::load_setup(opts)?;
        let needs = templates.form.sheet_needs();
        Ok(Setup { templates, params, needs })
    }

    pub fn ctx(&self) -> checks::Ctx<'_> {
        checks::Ctx { form: &self.templates.form, params: &self.params, bands: &self.templates.bands }
    }
}
