//! report.json
