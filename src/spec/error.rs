//! Why a template set does not load: [`LoadError`] names the file (or the
//! file that could not be read), [`SpecError`] says what is wrong in it,
//! one variant a reason, its words the message a maintainer reads. The
//! parts' own errors (the form's ids, relations, links, ratios) are kept
//! as sources, not flattened to text. The run's error holds a LoadError;
//! nothing here depends on it, nor on the parts of the set it describes.

use super::relation::RelationError;

/// A template set that cannot be used, and which file of it.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A template file (form.toml, summary.toml, …) is malformed.
    #[error("模板配置文件 {path} 有误：{source}。请对照随程序附带的 templates 文件夹中（内置的那一套见 templates/default.toml）同名文件的写法修改。")]
    Spec {
        path: String,
        #[source]
        source: Box<SpecError>,
    },
    /// A template file could not be read.
    #[error("无法访问 {}：{}", .path.display(), crate::ioerr::io_zh(.source))]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl LoadError {
    /// Template file `path` does not load, for `source`.
    pub fn spec(path: impl Into<String>, source: impl Into<SpecError>) -> Self {
        LoadError::Spec { path: path.into(), source: Box::new(source.into()) }
    }

    pub fn io(path: impl Into<std::path::PathBuf>, source: std::io::Error) -> Self {
        LoadError::Io { path: path.into(), source }
    }
}

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
    #[error("[[figures]] 的 field = \"{0}\" 不是自评表（form.toml）中的字段")]
    UnknownFigureField(String),
    #[error("[[figures]] 中 {0} 的 words 为空：至少写一个引出该数字的词")]
    FigureWithoutWords(String),
    #[error("[report] 或 [evidence] 的 names 为空：至少写一个文件名中的词")]
    PartWithoutNames,
    #[error(
        "[[listing]] type = \"{0}\"：写 items（省级材料，每行一项）或 cities（含 {{city}} 的每市一行），二者只写一个"
    )]
    ListingGroup(String),
    #[error("summary.toml 有佐证材料清单（key = \"listing\"），但 submission.toml 没有 [[listing]]：请在 submission.toml 中写出清单的各组，或删去该表")]
    ListingWithoutGroups,
    #[error("[messages] 的 {0} 不是问题代码")]
    UnknownMessageCode(String),
    #[error("[messages.{code}] 中的 {{{slot}}} 不是可用的填空（可用：label、expected、found、detail、budget_document、r:角色）")]
    UnknownMessageSlot { code: String, slot: String },
    #[error("字段 {0} 有 feeds（汇总的计数指标），kind 应为 count")]
    FeedsNotCount(String),

    // summary.toml
    #[error("缺少汇总表 {0}")]
    MissingSheet(String),
    #[error("汇总表 {0} 的 first_row 与表头重叠")]
    FirstRowOverlaps(String),
    #[error("汇总表 {0} 的 key 无法识别（城市表请写 kind = \"cities\"，目标表 kind = \"targets\"，分配表 kind = \"allocation\"）")]
    UnknownSheetKey(String),
    #[error("汇总表 {0} 的 key 是程序自有的表，城市表请另起 key")]
    ProgramSheetKey(String),
    #[error("汇总表 key {0} 重复")]
    DuplicateSheetKey(String),
    #[error("汇总表 {sheet} 的列 {column} 无法识别（不是 form.toml 中的指标或字段）")]
    UnknownColumn { sheet: String, column: String },
    #[error("汇总表 {sheet} 缺少列 {column}")]
    MissingColumn { sheet: String, column: String },
    #[error("汇总表 {sheet} 的列 {column} 不是 form.toml 中的字段（下达数请写 issued = \"budget\" 或 \"plan.<form.toml 中的指标>\"）")]
    NotAField { sheet: String, column: String },
    #[error("汇总表 {sheet} 的列 {column}：total 或 row = \"ratio\" 需要 of = [本表两列]，其他列不写 of")]
    RatioColumns { sheet: String, column: String },
    #[error("form.toml [target_words] 的 {target} 在汇总表 {sheet} 的 judged 中没有判断规则")]
    TargetNotJudged { sheet: String, target: String },
    #[error("汇总表 {0} 不是 kind = \"targets\"，不能有 judged")]
    JudgedOutsideTargets(String),
    #[error("汇总表 {sheet} 的 judged：目标 {target} 出现在两条规则中")]
    TargetTwice { sheet: String, target: String },
    #[error("汇总表 {sheet} 的 judged：目标 {target} 不是 how = \"{how}\" 能判断的（sum：form.toml 的指标；share：带 feeds 的计数字段；mean、all：[target_words] 的键）")]
    TargetUnknown { sheet: String, target: String, how: &'static str },
    #[error("汇总表 {sheet} 的 judged：how = \"{how}\" 的 field / equals 不对（mean 要数字字段，all 要 field 和 equals，sum、share 不写）")]
    TargetField { sheet: String, how: &'static str },
    #[error("汇总表 {sheet} 的 judged：说明中的 {{{slot}}} 不可用（可用：{known}）")]
    TargetSlot { sheet: String, slot: String, known: String },
    #[error("汇总表模板无法打开（{0}），请用 selfeval template --templates 模板文件夹 --summary 新文件 重新生成")]
    TemplateUnreadable(#[source] crate::read::ReadError),
    #[error("汇总表模板与 summary.toml 不一致（{sheet}：缺少该工作表）：改动 summary.toml 后请用 selfeval template --templates 模板文件夹 --summary 新文件 重新生成模板，再替换原模板")]
    TemplateSheetMissing { sheet: String },
    #[error("汇总表模板与 summary.toml 不一致（{sheet}：{at} 应为“{want}”，实为“{found}”）：改动 summary.toml 后请用 selfeval template --templates 模板文件夹 --summary 新文件 重新生成模板，再替换原模板")]
    TemplateStale { sheet: String, at: crate::cellref::CellRef, want: String, found: String },
    #[error("汇总表 {sheet} 的 own.values 中 {column} 不是本表的数字列")]
    OwnColumn { sheet: String, column: String },

    // report.toml
    #[error("[[outline]] 第 {0} 项应恰有 h1、h2、h3、body、placeholder、table 之一（caption 与表格选项只随 table，each、numbered 只随 body，met_words 三个词）")]
    OutlineItem(usize),
    #[error("[[outline]] 的 table = \"{0}\" 不是 summary.toml 中 kind = \"cities\" 或 \"targets\" 的表或佐证材料清单（key = \"listing\"），或 columns 不是该表的列")]
    OutlineTable(String),
    #[error("[[outline]] 的 table = \"{0}\"：header、widths 的个数应与列数相同")]
    OutlineTableShape(String),
    #[error("[{table}] 缺少 {key}")]
    MissingWords { table: &'static str, key: String },
    #[error("[benefit_labels] 缺少 {0}（form.toml 中带 feeds 的计数指标）")]
    MissingBenefitLabel(String),
    #[error("[benefit_labels] 的 {0} 不是 form.toml 中带 feeds 的计数指标")]
    UnknownBenefitLabel(String),
    #[error("[slots] 的 {0} 应恰为以下之一：sheet + total；cities_without + none（可加 some）；target；verdict + words（三个词）")]
    SlotForm(String),
    #[error("[slots] 的 {slot}：汇总表 {sheet} 不是城市表，或没有带 total 的列 {column}")]
    SlotTotal { slot: String, sheet: String, column: String },
    #[error("[slots] 的 {slot}：字段或绩效目标不在 form.toml 中")]
    SlotTarget { slot: String },
    #[error("when = {{ any = \"{0}\" }} 不是 [slots] 中的 cities_without")]
    WhenAny(String),
    #[error("文字中的 {{{0}}} 不是可用的填空（见 README“模板与参数”中的 report.toml）")]
    UnknownSlot(String),

    // checks.toml
    #[error("[[grades]] 应从高到低列出，且至少一档")]
    GradesOrder,
}

/// What is inconsistent in form.toml's measures, scoring table or ids.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("指标 {0} 重复定义")]
    DuplicateMeasure(String),
    #[error("指标 {measure} 缺少字段 {field}")]
    MeasureField { measure: String, field: String },
    #[error("指标 {measure} 的 indicator = \"{indicator}\" 不在 [scoring] 中")]
    MeasureIndicator { measure: String, indicator: String },
    #[error("{0}")]
    Column(#[from] crate::cellref::BadCellRef),
    #[error("评分表 {0} 不在 sheets 中")]
    ScoringSheet(String),
    #[error("指标 {0} 的行号不能为 0")]
    RowZero(String),
    #[error("字段 {0} 重复定义")]
    DuplicateField(String),
    #[error("[roles] 缺少 {0}（每个表都必须指明该字段）")]
    MissingRole(&'static str),
    #[error("[roles] 的 {role} = \"{field}\" 不是本表的字段")]
    RoleField { role: &'static str, field: String },
}

/// What is wrong with form.toml's `[[same]]` links and `at_most` bounds.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("[[same]] 的 {0} 不是本表的字段")]
    SameField(String),
    #[error("[[same]] a = \"{0}\"：witness 只能是 \"issued\"，或给出 rate 和 whole")]
    SameWitness(String),
    #[error("[[same]] a = \"{0}\"：witness = \"issued\" 要求 b 是省下达的数字（issued 或 measures 的计划）")]
    NotIssued(String),
    #[error("字段 {field} 的 at_most = \"{bound}\" 不是本表的字段")]
    Bound { field: String, bound: String },
}

/// What is wrong with one `[[derived]]` entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DerivedError {
    #[error("[[derived]] field = \"{0}\" 不在表中")]
    UnknownField(String),
    #[error("[[derived]] 字段 {0} 重复定义")]
    Duplicate(String),
    #[error("[[derived]] {field}：{source}")]
    Relation { field: String, source: RelationError },
    #[error("[[derived]] {field}：code = \"{code}\" 不是重新计算类的代码（可用：{allowed}）")]
    Code { field: String, code: String, allowed: String },
    #[error("[[derived]] {field}：detail 中的 {{…}} 没有闭合")]
    Detail { field: String },
    #[error("[[derived]] 字段之间循环引用：{0}")]
    Cycle(String),
    #[error("[[derived]] {field}：与 [scoring] 中该指标的 direction 不一致（应使用 {want}()）")]
    Direction { field: String, want: &'static str },
}

/// What is wrong with one `[[ratios]]` entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatioError {
    #[error("[[ratios]] {code}：{source}")]
    Relation { code: String, source: RelationError },
    #[error("[[ratios]] code = \"{code}\" 不是比例类的代码（可用：{allowed}）")]
    Code { code: String, allowed: String },
    #[error("[[ratios]] {code}：at = \"{at}\" 不在表中")]
    At { code: String, at: String },
    #[error("[[ratios]] {code}：min 大于 max")]
    Band { code: String },
    #[error("[[ratios]] {code}：detail 中的 {{…}} 没有闭合")]
    Detail { code: String },
}
