//! The catalog of finding codes: one enum, one exhaustive `match`.
//!
//! Ids are stable and never reused: `SE0xx` reading a file, `SE1xx` the
//! form's structure, `SE2xx` single values, `SE3xx` totals and rates
//! recomputed, `SE4xx` figures against the province or across files,
//! `SE5xx` plausibility (warnings a person confirms), `SE6xx` the rest of
//! a city's submission (its 自评报告 and 佐证材料).
//! What each code means (id, severity, words) is in [`super::info`];
//! `selfeval codes` prints it and a test keeps `docs/codes.md` equal.

use serde::Serialize;

/// Every kind of finding selfeval can report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, strum::VariantArray)]
pub enum Code {
    FileUnreadable,
    NotCityForm,
    TemplateVersion,
    SheetUnreadable,
    ForeignFile,
    AnnotationSkipped,
    OwnOutputSkipped,
    FeedbackNotWritten,
    FileTimedOut,
    MissingSheet,
    LabelMismatch,
    MergedInput,
    SheetNameLookAlike,
    HiddenSheetBesideCopy,
    RowsShifted,
    ReadByName,
    RequiredEmpty,
    WrongType,
    NegativeAmount,
    RateOutOfRange,
    WrongUnit,
    WrongYear,
    FormulaNoCache,
    LooksLikeYuan,
    ValueNormalised,
    DerivedComputed,
    SpendOrder,
    SpendRateMismatch,
    CompletionRateMismatch,
    ExecRateMismatch,
    ScoreTotalMismatch,
    FundScoreMismatch,
    IndicatorScoreMismatch,
    GradeMismatch,
    ReasonMissing,
    WeightNotStandard,
    PartExceedsWhole,
    SheetsDisagree,
    BelowTarget,
    BudgetMismatch,
    PlanMismatch,
    UnknownCity,
    DuplicateCity,
    MissingCity,
    FileNameCityMismatch,
    Ratio1,
    Ratio2,
    Ratio3,
    CompletionRatesDisagree,
    CopiedPlan,
    /// A further declared ratio outside its band (a fund may declare any
    /// number; the first three have codes of their own).
    RatioMore,
    ReportMissing,
    EvidenceMissing,
    ReportDisagrees,
    ReportUnreadable,
    ReportScanned,
}

impl Code {
    /// All codes, in catalog order: the enum's own variants, so a code
    /// added above is in `selfeval codes`, the docs, `[messages]` checking
    /// and register parsing without another list to keep.
    pub const ALL: &'static [Code] = <Code as strum::VariantArray>::VARIANTS;
}
