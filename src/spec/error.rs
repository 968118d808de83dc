//! Why a template set does not load: one variant a reason, its words the
//! message a maintainer reads (inside [`crate::error::Error::Spec`], which
//! names the file). The parts' own errors (the form's ids, relations,
//! links, ratios) are kept as sources, not flattened to text.

use super::derived::DerivedError;
use super::form::FormError;
use super::links::LinkError;
use super::ratios::RatioError;

#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error("{}", .0.message())]
    Toml(#[from] toml::de::Error),
    #[error("不是 UTF-8 编码的文本")]
    NotUtf8(#[source] std::string::FromUtf8Error),
    #[error(transparent)]
    Form(#[from] FormError),
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error(transparent)]
    Derived(#[from] DerivedError),
    #[error(transparent)]
    Ratio(#[from] RatioError),
    #[error("[target_words] 的 {word} 无法识别（可用：{known}）")]
    UnknownTargetWord { word: String, known: String },
    #[error("[messages] 的 {0} 不是问题代码")]
    UnknownMessageCode(String),
    #[error("字段 {0} 有 feeds（附件1 计数），kind 应为 count")]
    FeedsNotCount(String),

    // summary.toml
    #[error("缺少汇总表 {0}")]
    MissingSheet(String),
    #[error("汇总表 {0} 的 first_row 与表头重叠")]
    FirstRowOverlaps(String),
    #[error("汇总表 {0} 的 key 无法识别（城市表请写 kind = \"cities\"）")]
    UnknownSheetKey(String),
    #[error("汇总表 {0} 的 key 是程序自有的表，城市表请另起 key")]
    ProgramSheetKey(String),
    #[error("汇总表 key {0} 重复")]
    DuplicateSheetKey(String),
    #[error("汇总表 {sheet} 的列 {column} 无法识别（不是 form.toml 中的指标或字段）")]
    UnknownColumn { sheet: String, column: String },
    #[error("汇总表 {sheet} 缺少列 {column}")]
    MissingColumn { sheet: String, column: String },
    #[error("汇总表 {sheet} 的列 {column} 不是 form.toml 中的字段")]
    NotAField { sheet: String, column: String },
    #[error("汇总表 {sheet} 的列 {column}：total = \"ratio\" 需要 of = [本表两列]")]
    RatioColumns { sheet: String, column: String },

    // report.toml
    #[error("[[outline]] 第 {0} 项应恰有 h1、h2、h3、body、placeholder、table 之一（caption 只随 table）")]
    OutlineItem(usize),
    #[error("[[outline]] 的 table = \"{0}\" 不是 summary.toml 中 kind = \"cities\" 的表")]
    OutlineTable(String),
    #[error("[{table}] 缺少 {key}")]
    MissingWords { table: &'static str, key: String },
    #[error("[benefit_labels] 缺少 {0}（form.toml 中的附件1 指标）")]
    MissingBenefitLabel(String),
    #[error("[benefit_labels] 的 {0} 不是 form.toml 中带 feeds 的附件1 指标")]
    UnknownBenefitLabel(String),

    // checks.toml
    #[error("[[grades]] 应从高到低列出，且至少一档")]
    GradesOrder,
}
