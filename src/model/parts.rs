//! The rest of a city's submission: what it sent beside its form.

use serde::Serialize;

/// What a file of a submission is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    /// 自评报告.
    Report,
    /// 佐证材料.
    Evidence,
    /// Another file sent with the city's materials.
    Other,
}

impl PartKind {
    pub fn zh(self) -> &'static str {
        match self {
            PartKind::Report => "自评报告",
            PartKind::Evidence => "佐证材料",
            PartKind::Other => "其他材料",
        }
    }
}

/// One file of a city's submission, as report.json and the 定稿's
/// fingerprint list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    pub file: String,
    pub kind: PartKind,
    pub size: u64,
    pub sha256: String,
}

/// A city's files other than its form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Received {
    pub parts: Vec<Part>,
}

impl Received {
    /// The report's file name (the first, when several were sent).
    pub fn report(&self) -> Option<&str> {
        self.parts.iter().find(|p| p.kind == PartKind::Report).map(|p| p.file.as_str())
    }

    /// How many evidence files were sent.
    pub fn evidence(&self) -> usize {
        self.parts.iter().filter(|p| p.kind == PartKind::Evidence).count()
    }
}
