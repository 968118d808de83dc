//! What the catalog tells of each code: its id, severity, group and
//! words (the one exhaustive `match` over [`Code`]).

use super::codes::Code;
use super::Severity;

/// The stage of checking a code belongs to (see the module header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// SE0xx: reading the file.
    File,
    /// SE1xx: the form's structure (a gate: values are not judged after).
    Structure,
    /// SE2xx: single values.
    Value,
    /// SE3xx: totals and rates recomputed.
    Recomputed,
    /// SE4xx: against the province's figures or other files.
    Province,
    /// SE5xx: plausibility warnings a person confirms.
    Plausibility,
    /// SE6xx: the rest of a city's submission (自评报告, 佐证材料).
    Submission,
}

/// What the catalog knows of a code.
pub struct CodeInfo {
    /// Stable id, e.g. "SE302".
    pub id: &'static str,
    pub severity: Severity,
    /// Short Chinese title for tables.
    pub title: &'static str,
    /// Message template; `{label}`, `{expected}`, `{found}`, `{detail}`
    /// are filled in by [`super::Finding::at`].
    pub template: &'static str,
    /// How a city clerk fixes it, in plain Chinese.
    pub fix: &'static str,
}

impl Code {
    /// The codes a `[[derived]]` relation of form.toml may report: a
    /// filed figure that does not follow from the others.
    pub const RELATIONS: &'static [Code] = &[
        Code::SpendRateMismatch,
        Code::CompletionRateMismatch,
        Code::ExecRateMismatch,
        Code::ScoreTotalMismatch,
        Code::FundScoreMismatch,
        Code::IndicatorScoreMismatch,
        Code::GradeMismatch,
    ];

    /// The codes a checks.toml `[[ratios]]` entry may name: a
    /// plausibility ratio outside its band.
    pub const RATIOS: &'static [Code] = &[Code::Ratio1, Code::Ratio2, Code::Ratio3, Code::RatioMore];

    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// The stage a code belongs to, from its id's hundreds (SE0xx …
    /// SE5xx): the one place that reads meaning into an id.
    pub fn group(self) -> Group {
        match self.id().as_bytes().get(2) {
            Some(b'0') => Group::File,
            Some(b'1') => Group::Structure,
            Some(b'2') => Group::Value,
            Some(b'3') => Group::Recomputed,
            Some(b'4') => Group::Province,
            Some(b'6') => Group::Submission,
            _ => Group::Plausibility,
        }
    }

    pub fn severity(self) -> Severity {
        self.info().severity
    }

    pub fn info(self) -> CodeInfo {
        use Severity::*;
        let (id, severity, title, template, fix) = match self {
            Code::FileUnreadable => (
                "SE001",
                Error,
                "文件无法读取",
                "无法作为 Excel 工作簿读取：{detail}",
                "请用 Excel 或 WPS 打开该文件，确认能正常打开后“另存为” .xlsx 格式（不要设置打开密码），再重新报送。",
            ),
            Code::NotCityForm => (
                "SE002",
                Error,
                "不是自评表",
                "该工作簿不是本资金的绩效自评表：{detail}",
                "请使用省厅下发的自评表模板（可用 selfeval template 生成）填报，不要改动工作表名称。",
            ),
            Code::TemplateVersion => (
                "SE003",
                Error,
                "模板版本不符",
                "模板版本应为 {expected}，实为 {found}",
                "请改用本年度省厅下发的最新模板重新填报；不要手工修改“模板版本”单元格。",
            ),
            Code::SheetUnreadable => (
                "SE004",
                Error,
                "工作表无法读取",
                "工作表内容已损坏，无法读取：{detail}",
                "请在 Excel 或 WPS 中打开该工作表检查内容，另存为新的 .xlsx 文件后重新报送。",
            ),
            Code::ForeignFile => (
                "SE005",
                Info,
                "已跳过非工作簿文件",
                "已跳过：{detail}",
                "无需处理；如该文件本应是自评表，请另存为 .xlsx 格式。",
            ),
            Code::AnnotationSkipped => (
                "SE006",
                Info,
                "未生成标注副本",
                "未生成标注副本：{detail}",
                "无需处理；请按校验报告中列出的工作表和单元格修改原文件。",
            ),
            Code::OwnOutputSkipped => (
                "SE007",
                Info,
                "已跳过本程序生成的结果",
                "{detail}",
                "无需处理；本程序生成的结果文件夹和文件（汇总表、校验报告、标注副本）不会当作地市报送材料读取。",
            ),
            Code::FeedbackNotWritten => (
                "SE008",
                Warning,
                "反馈文件未能写出",
                "本文件的反馈文件未能写出：{detail}",
                "地市无需处理。省厅经办人请检查结果文件夹所在磁盘的空间和权限后重新运行；汇总表和 report.json 已照常写出，其中包含本文件的全部问题。",
            ),
            Code::FileTimedOut => (
                "SE009",
                Error,
                "文件处理超时",
                "处理本文件超过 {expected}，已停止等待，本文件未校验、未计入合计{detail}",
                "请用 Excel 或 WPS 打开该文件，删除与自评表无关的工作表和大量多余内容（如整列填充的格式或数据）后另存，再重新报送；如文件本身正常，请把它发给维护人员。",
            ),
            Code::MissingSheet => (
                "SE101",
                Error,
                "缺少工作表",
                "缺少工作表“{expected}”{detail}",
                "请使用省厅下发的模板，不要删除或重命名工作表；如文件中有名称相近的工作表，请把它改名为模板中的名称。",
            ),
            Code::LabelMismatch => (
                "SE102",
                Error,
                "表头或栏目被改动",
                "此处应为栏目“{expected}”，实为“{found}”",
                "请不要插入、删除行列或改动栏目名称；把栏目恢复到模板原位置后，再填写右侧数据。",
            ),
            Code::MergedInput => (
                "SE103",
                Error,
                "填报单元格被合并",
                "“{label}”所在单元格被合并进 {detail}，数值可能被覆盖或读不到",
                "请取消该区域的合并单元格（开始 → 合并后居中 → 取消合并），把数值填回模板原位置。",
            ),
            Code::SheetNameLookAlike => (
                "SE104",
                Info,
                "工作表名称有多余空格或全角字符",
                "工作表“{found}”与模板的“{expected}”只差空格或全角字符，已按“{expected}”读取",
                "无需处理；建议把工作表名称改回“{expected}”。",
            ),
            Code::HiddenSheetBesideCopy => (
                "SE105",
                Warning,
                "读取的工作表被隐藏，旁边有可见的副本",
                "工作表“{expected}”被隐藏，旁边有可见的“{found}”；程序按模板读取的是隐藏的“{expected}”，其数字可能已过时",
                "请确认哪一份是最新的：把最新数字填入“{expected}”并取消隐藏，删除多余的副本后重新报送。",
            ),
            Code::ReadByName => (
                "SE107",
                Info,
                "已按单元格名称读取",
                "{detail}：这些栏目不在模板位置，程序已按表中的单元格名称找到并读取（{found}）",
                "数字已正确读取，无需为此修改；今后请尽量不要在表中插入或删除行列。",
            ),
            Code::RowsShifted => (
                "SE106",
                Error,
                "插入或删除了行列",
                "{detail}，以下各栏目都随之移位，数值无法按模板位置读取",
                "请删除插入的行（或列），把表格恢复为模板原样后重新报送；需要说明的内容请写在备注栏。",
            ),
            Code::RequiredEmpty => {
                ("SE201", Error, "必填项为空", "“{label}”为必填项，但未填写", "请在该单元格填写{expected}。")
            }
            Code::WrongType => (
                "SE202",
                Error,
                "数据类型不对",
                "“{label}”应填写{expected}，实为“{found}”",
                "请只填写数字（不带单位、空格或文字说明）；文字说明请写在备注或偏差原因栏。",
            ),
            Code::NegativeAmount => {
                ("SE203", Error, "数值为负", "“{label}”不能为负数，实为 {found}", "请核对后填写不小于 0 的数值。")
            }
            Code::RateOutOfRange => (
                "SE204",
                Error,
                "比率超出范围",
                "“{label}”应在 {expected} 之间，实为 {found}",
                "比率请按百分比格式填写，例如 45.64%（不是 4564%）；请核对分子分母后重新计算。",
            ),
            Code::WrongUnit => (
                "SE205",
                Error,
                "金额单位不对",
                "金额单位应为“{expected}”，实为“{found}”",
                "请把金额统一换算为万元填写，并把“金额单位”填为 万元。",
            ),
            Code::WrongYear => {
                ("SE206", Error, "年度不符", "年度应为 {expected}，实为 {found}", "请填写本次自评的年度。")
            }
            Code::FormulaNoCache => (
                "SE207",
                Error,
                "公式没有计算结果",
                "“{label}”是公式（{detail}），但文件里没有保存计算结果，无法得知其数值",
                "该文件可能由不会计算公式的软件生成。请用 Excel 或 WPS 打开，按 F9 重新计算后保存，再重新报送。",
            ),
            Code::LooksLikeYuan => (
                "SE208",
                Error,
                "金额疑似按元填写",
                "“{label}”为 {found}，远大于本市{r:budget}，疑似按“元”填写（{detail}）",
                "本表金额单位为万元：请把以元计的金额除以 10000 后填写。",
            ),
            Code::ValueNormalised => (
                "SE209",
                Info,
                "已按规范读取",
                "“{label}”填写为“{found}”，已按 {expected} 读取（{detail}）",
                "如读取结果正确无需处理；建议按模板格式直接填写数字。",
            ),
            Code::DerivedComputed => (
                "SE210",
                Info,
                "公式结果由程序计算",
                "“{label}”是公式（{found}），文件里没有保存可读的计算结果；程序已按本表其他数字自行计算（{expected}）",
                "无需为此修改：该数字由程序按模板关系计算。如想在文件中看到结果，可用 Excel 或 WPS 打开后按 F9 重新计算并保存。",
            ),
            Code::FundScoreMismatch => (
                "SE306",
                Error,
                "预算执行得分有误",
                "预算执行得分应为 分值 × 执行率 = {expected}，自评为 {found}（{detail}）",
                "请按 分值 × 执行率（最高为分值）重新计算得分。",
            ),
            Code::IndicatorScoreMismatch => (
                "SE307",
                Error,
                "指标得分有误",
                "“{label}”得分应为 {expected}，自评为 {found}（{detail}）",
                "完成值达到目标值得满分；未达到的按 实际完成值 ÷ 年度指标值 × 分值 计分（保留 2 位小数）。",
            ),
            Code::GradeMismatch => (
                "SE308",
                Error,
                "自评等级有误",
                "按重新计算的总分 {detail}，等级应为“{expected}”，自评为“{found}”",
                "等级标准：90 分及以上为优，80（含）至 90 分为良，60（含）至 80 分为中，60 分以下为差。",
            ),
            Code::ReasonMissing => (
                "SE309",
                Error,
                "未填写偏差原因",
                "“{label}”实际完成值未达到年度指标值（{detail}），但未填写偏差原因分析及改进措施",
                "请在该行“偏差原因分析及改进措施”栏说明未完成的原因和改进措施。",
            ),
            Code::WeightNotStandard => (
                "SE310",
                Error,
                "分值与标准不符",
                "“{label}”的分值应为 {expected}，实为 {found}",
                "请使用模板规定的分值，不要自行调整权重。",
            ),
            Code::PartExceedsWhole => (
                "SE311",
                Error,
                "数字超过其上限",
                "“{label}”为 {found}，超过{detail}的 {expected}",
                "该数字不能超过它的上限（提示中所指的单元格），请核对两处。",
            ),
            Code::SheetsDisagree => (
                "SE312",
                Error,
                "工作表之间数字不一致",
                "“{label}”为 {found}，与{detail}不一致",
                "同一数字在各工作表中应一致，请核对后统一。",
            ),
            Code::BelowTarget => (
                "SE313",
                Warning,
                "指标未达到年度目标",
                "“{label}”为 {found}，低于年度目标 {expected}",
                "请核实该数字；确属未达标的，在自评表中说明原因和改进措施。",
            ),
            Code::SpendOrder => (
                "SE301",
                Error,
                "支出、到位、预算大小关系不对",
                "应满足 {r:spent} ≤ {r:arrived} ≤ {r:budget}，{detail}",
                "请核对三项金额：{r:spent}不能超过{r:arrived}，{r:arrived}不能超过省级下达的{r:budget}。",
            ),
            Code::SpendRateMismatch => (
                "SE302",
                Error,
                "支出与预算之比计算有误",
                "{label}应为 {r:spent} ÷ {r:budget} = {expected}，实为 {found}",
                "请按 {r:spent} ÷ {r:budget} 重新计算{label}（四舍五入保留 2 位小数的百分比）。",
            ),
            Code::CompletionRateMismatch => (
                "SE303",
                Error,
                "完成率计算有误",
                "“{label}”应为 实际完成 ÷ 计划 = {expected}，实为 {found}",
                "请按 实际完成 ÷ 计划 重新计算完成率（百分比，保留 2 位小数）。",
            ),
            Code::ExecRateMismatch => (
                "SE304",
                Error,
                "预算执行率计算有误",
                "{label}应为 {r:executed} ÷ {r:annual} = {expected}，实为 {found}",
                "请按 {r:executed} ÷ {r:annual} 重新计算执行率（百分比，保留 2 位小数）。",
            ),
            Code::ScoreTotalMismatch => (
                "SE305",
                Error,
                "总分与各项得分之和不符",
                "总分应为各项得分之和 {expected}，实为 {found}",
                "请把各项得分相加后填写总分。",
            ),
            Code::BudgetMismatch => (
                "SE401",
                Error,
                "预算数与省级下达数不符",
                "“{label}”应为省级下达数 {expected} 万元，实为 {found}",
                "请按省财政厅下达文件（{budget_document}）填写本市{r:budget}，单位万元。",
            ),
            Code::PlanMismatch => (
                "SE402",
                Error,
                "计划数与省级下达任务不符",
                "“{label}”应为省级下达计划 {expected}，实为 {found}",
                "请按省下达的任务清单填写计划数，实际完成数填在对应的“实际完成”栏。",
            ),
            Code::UnknownCity => (
                "SE403",
                Error,
                "地市名称无法识别",
                "地市“{found}”不在本年度补助名单中（{detail}）",
                "请在填写地市的栏目中填写规范的地市全称（与省级参数表中的地市名称一致）。",
            ),
            Code::DuplicateCity => (
                "SE404",
                Warning,
                "同一地市报送了多份",
                "{detail}",
                "请确认采用的是最终版本；如不是，请删去其他文件（或把最终版本的填报日期改为最新）后重新汇总。",
            ),
            Code::MissingCity => (
                "SE405",
                Error,
                "缺少地市自评表",
                "未收到 {expected} 的自评表",
                "请向该市催报自评表，收齐后重新运行汇总。",
            ),
            Code::FileNameCityMismatch => (
                "SE406",
                Error,
                "文件名与地市栏不符",
                "{detail}：在确认之前，本文件的数字不计入任何地市，反馈文件按本文件名命名",
                "请确认本文件属于哪个地市：文件名错了请改正文件名；“地市”栏填错了请改正后重新报送。",
            ),
            Code::Ratio1 => (
                "SE501",
                Warning,
                "比例超出常见范围",
                "比例 {found} 超出常见范围 {expected}（{detail}）",
                "请核对构成该比例的数字；如数字属实，无需修改。",
            ),
            Code::Ratio2 => (
                "SE502",
                Warning,
                "比例超出常见范围",
                "比例 {found} 超出常见范围 {expected}（{detail}）",
                "请核对构成该比例的数字；如数字属实，无需修改。",
            ),
            Code::Ratio3 => (
                "SE503",
                Warning,
                "比例超出常见范围",
                "比例 {found} 超出常见范围 {expected}（{detail}）",
                "请核对构成该比例的数字；如数字属实，无需修改。",
            ),
            Code::CompletionRatesDisagree => (
                "SE504",
                Warning,
                "各项完成率差异过大",
                "各项完成率相差悬殊：{detail}，最大值是最小值的 {found} 倍（通常不超过 {expected} 倍）",
                "请核对各项任务指标的统计口径是否一致；如数字属实，无需修改。",
            ),
            Code::CopiedPlan => (
                "SE505",
                Warning,
                "实际完成与计划完全相同",
                "四项实际完成数（{detail}）与省下达计划完全相同，请确认不是照抄计划",
                "请按实际完成情况填写；如确实恰好与计划相同，无需修改。",
            ),
            Code::RatioMore => (
                "SE506",
                Warning,
                "比例超出常见范围",
                "比例 {found} 超出常见范围 {expected}（{detail}）",
                "请核对构成该比例的数字；如数字属实，无需修改。",
            ),
            Code::ReportMissing => (
                "SE601",
                Warning,
                "未报送自评报告",
                "未收到{detail}的自评报告（Word 或 PDF，文件名含“自评报告”）",
                "请把自评报告（Word 或 PDF）放在本市的文件夹中，文件名含市名和“自评报告”，与自评表一起报送。",
            ),
            Code::EvidenceMissing => (
                "SE602",
                Warning,
                "未报送佐证材料",
                "未收到{detail}的佐证材料（名为“佐证材料”的文件夹或文件）",
                "请把佐证材料放在本市文件夹下名为“佐证材料”的文件夹中，与自评表一起报送。",
            ),
            Code::ReportDisagrees => (
                "SE603",
                Warning,
                "自评报告与自评表不一致",
                "{detail}：报告写 {found}，按自评表应为 {expected}",
                "请核对自评报告和自评表中的这个数字，改正错的一处（报告中的数字应与自评表一致），再一并报送。",
            ),
            Code::ReportUnreadable => (
                "SE604",
                Warning,
                "自评报告无法读取",
                "自评报告{detail}",
                "请用 Word 或 WPS 打开该报告，确认能正常打开后另存为 .docx（不要设置打开密码），再重新报送。",
            ),
            Code::ReportScanned => (
                "SE605",
                Info,
                "自评报告是扫描件",
                "自评报告{detail}",
                "扫描件中的数字需人工核对；如有 Word 版或导出的 PDF，请一并报送。",
            ),
        };
        CodeInfo { id, severity, title, template, fix }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_code_is_in_the_group_its_id_says() {
        use Group::*;
        let groups = [File, Structure, Value, Recomputed, Province, Plausibility, Submission];
        for c in Code::ALL {
            let hundreds = c.id()[2..3].parse::<usize>().expect("digit");
            assert_eq!(c.group(), groups[hundreds], "{}", c.id());
        }
        assert_eq!(Code::FileTimedOut.group(), File);
        assert_eq!(Code::CopiedPlan.group(), Plausibility);
        assert_eq!(Code::ReportDisagrees.group(), Submission);
    }

    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for c in Code::ALL {
            let id = c.id();
            assert!(id.starts_with("SE") && id.len() == 5, "{id}");
            assert!(seen.insert(id), "duplicate id {id}");
        }
    }
}
