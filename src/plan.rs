//! A run resolved once, before any workbook is read: the template set and
//! params (loaded and checked), when it runs, the results folder (claimed
//! or checked), the previous round and the 核实与更正 register (each found
//! and read once), and which outputs to make. The stages take what they
//! need from the plan; none reads an option, or the disk for these, again.

use crate::decisions::RegisterUse;
use crate::error::{Error, Result};
use crate::rounds;
use crate::stages::Setup;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the command line (or another caller) asks for.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub inputs: Vec<PathBuf>,
    pub out: Option<PathBuf>,
    pub params: Option<PathBuf>,
    pub templates: Option<PathBuf>,
    /// Consolidate (`run`), not only check (`check`).
    pub summary: bool,
    pub no_feedback: bool,
    pub previous: Option<PathBuf>,
    pub no_previous: bool,
    pub decisions: Option<PathBuf>,
    /// Write nothing unless the result is 定稿.
    pub final_only: bool,
    pub no_report: bool,
    pub file_timeout: Option<std::time::Duration>,
}

/// How long one file may take before it is given up as SE009.
pub const FILE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Which outputs a run makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Make {
    /// The summary, the register and the roster (`run`); else the checks
    /// and report.json only (`check`).
    pub summary: bool,
    pub feedback: bool,
    pub draft: bool,
    /// Nothing is written unless the result is 定稿.
    pub final_only: bool,
}

/// Where the outputs go.
#[derive(Debug, Clone)]
pub enum Destination {
    /// A results folder. `claimed`: auto-named and created by this run at
    /// the start (so runs started together never share one); else named
    /// by `--out`, created when the run writes.
    Folder { dir: PathBuf, claimed: bool },
    /// Kept in memory (the browser page zips them).
    Memory,
}

impl Destination {
    /// Makes the folder ready for writing, or, when nothing is to be
    /// written, gives back the one claimed for it.
    pub fn prepare(&self, writing: bool) -> Result<()> {
        match (self, writing) {
            (Destination::Folder { dir, claimed: false }, true) => Ok(crate::write::fresh_dir(dir)?),
            (Destination::Folder { dir, claimed: true }, false) => {
                let _ = std::fs::remove_dir(dir);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The results folder; empty in memory.
    pub fn dir(&self) -> PathBuf {
        match self {
            Destination::Folder { dir, .. } => dir.clone(),
            Destination::Memory => PathBuf::new(),
        }
    }
}

/// A run, resolved.
pub struct Plan {
    pub setup: Arc<Setup>,
    /// When the run started, on the host's clock.
    pub now: chrono::DateTime<chrono::FixedOffset>,
    pub inputs: Vec<PathBuf>,
    pub out: Destination,
    /// The previous round to compare with (found beside the inputs or
    /// named), or why the one found cannot be used.
    pub previous: rounds::Lookup,
    /// The register to apply: `--decisions`, else the previous round's.
    pub register: RegisterUse,
    pub make: Make,
    pub file_timeout: std::time::Duration,
}

impl Plan {
    /// A check of files in memory (the page's 地市自查): round 1, no
    /// register, feedback and report.json only.
    pub fn in_memory(setup: Arc<Setup>, now: chrono::DateTime<chrono::FixedOffset>) -> Plan {
        Plan {
            setup,
            now,
            inputs: Vec::new(),
            out: Destination::Memory,
            previous: rounds::Lookup::None,
            register: RegisterUse::None,
            make: Make { summary: false, feedback: true, draft: false, final_only: false },
            file_timeout: FILE_TIMEOUT,
        }
    }

    /// Resolves the options: a setup problem (templates, params, an input
    /// or output folder) is an error here, before any city is judged.
    pub fn resolve(opts: &RunOptions) -> Result<Plan> {
        if let Some(i) = opts.inputs.iter().find(|i| !i.exists()) {
            return Err(Error::InputMissing(i.clone()));
        }
        let setup = Arc::new(Setup::load(opts.templates.as_deref(), opts.params.as_deref())?);
        let now = chrono::Local::now().fixed_offset();
        let first = opts.inputs.first().cloned().unwrap_or_else(|| PathBuf::from("."));
        // An auto-named folder is claimed now, before anything is read.
        let dir = match &opts.out {
            Some(o) => o.clone(),
            None => crate::write::claim_out_dir(&first, now.naive_local())?,
        };
        let previous = rounds::find(&first, &dir, opts.previous.as_deref(), opts.no_previous);
        let out = Destination::Folder { dir, claimed: opts.out.is_none() };
        let register = crate::decisions::register::load(register_path(opts.decisions.as_deref(), &previous), &setup);
        Ok(Plan {
            setup,
            now,
            inputs: opts.inputs.clone(),
            out,
            previous,
            register,
            make: Make {
                summary: opts.summary,
                feedback: !opts.no_feedback,
                draft: !opts.no_report,
                final_only: opts.final_only,
            },
            file_timeout: opts.file_timeout.unwrap_or(FILE_TIMEOUT),
        })
    }
}

/// The register to read: `--decisions`, else the one in the previous
/// results folder, if it has one.
fn register_path(named: Option<&Path>, previous: &rounds::Lookup) -> Option<PathBuf> {
    if let Some(p) = named {
        return Some(p.to_path_buf());
    }
    let folder = match previous {
        rounds::Lookup::Found(p) => &p.folder,
        rounds::Lookup::Unusable { folder, .. } => folder,
        rounds::Lookup::None => return None,
    };
    Some(folder.join(crate::decisions::REGISTER_FILE)).filter(|p| p.is_file())
}
