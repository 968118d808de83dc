//! selfeval: checks a folder of city self-evaluation workbooks of a
//! provincial 专项资金 and builds the provincial summary. The fund, its
//! form and its tables are a template set (`spec`); the 2024 set of the
//! default fund is built in.
//!
//! The data's path, one module per stage:
//! scan → read → model (typed submission) → checks → roster →
//! consolidate → rounds → write. `run_with` calls the stages in that
//! order (see `stages`); this file only orchestrates. `check_memory` is
//! the same stages over bytes, for the browser page (web/).
#![warn(clippy::unwrap_used)]

pub mod allocate;
pub mod calc;
pub mod cellref;
pub mod checks;
pub mod consolidate;
pub mod decisions;
pub mod error;
pub mod findings;
pub mod fingerprint;
/// The fuzz targets' entry points, replayed by the regression test.
#[cfg(any(test, feature = "dev"))]
pub mod fuzzing;
pub mod ioerr;
pub mod isolate;
pub mod marker;
pub mod memory;
pub mod model;
pub mod overview;
pub mod params;
pub mod plan;
pub mod read;
pub mod roster;
pub mod rounds;
#[cfg(any(test, feature = "dev"))]
pub mod samplegen;
pub mod scan;
pub mod spec;
pub mod stages;
pub mod submission;
/// The crate's test kit: sample submissions built from the report data.
#[cfg(test)]
pub mod testkit;
pub mod verify;
pub mod write;

pub use memory::{check_memory, run_memory, MemoryFile, MemoryOutcome, MemoryRun};
pub use plan::{RunOptions, FILE_TIMEOUT};
pub use stages::check::check_one;
pub use stages::run::{run, run_plan, run_with, RunOutcome};
pub use stages::{Progress, Silent};
pub use write::names::DRAFT_FILE;
