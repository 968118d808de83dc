//! selfeval: checks a folder of city self-evaluation workbooks for the
//! 城镇老旧小区改造专项资金 and builds the provincial summary.
//!
//! The data's path, one module per stage:
//! scan → read → model (typed submission) → checks → consolidate → write.
#![warn(clippy::unwrap_used)]

pub mod calc;
pub mod cellref;
pub mod error;
pub mod findings;
pub mod model;
pub mod params;
pub mod read;
pub mod samplegen;
pub mod spec;
pub mod write;
