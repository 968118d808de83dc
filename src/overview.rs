//! What a run says about itself in a few lines, the same words wherever it
//! is shown: the console after `selfeval run`, and the page's 省级汇总
//! after the same run in the browser. The lines and the per-city rows are
//! made here once; the console pads them into columns, the page into a
//! table.

use crate::model::InputStatus;
use crate::stages::run::RunOutcome;
use serde::Serialize;

/// Which round this is and what it was compared with.
pub fn round_line(o: &RunOutcome) -> String {
    match (&o.comparison, &o.previous_unusable) {
        (Some(c), _) => format!("第 {} 轮校验：与上次结果比较（{}，生成于 {}）", c.round, c.folder, c.generated_at),
        (None, Some((folder, why))) => {
            format!("第 1 轮校验：上次的结果 {} 无法用于比较（{why}），本次按第 1 轮处理", folder.display())
        }
        (None, None) => "第 1 轮校验（未找到上次的校验结果）".to_string(),
    }
}

/// Which 核实与更正 register was applied, and how much of it.
pub fn register_line(o: &RunOutcome) -> String {
    let d = &o.decisions;
    match (&d.register, &d.register_unusable) {
        (Some(path), _) => {
            let refused = d.problems.len()
                + d.outcomes.iter().filter(|x| matches!(x.status, crate::decisions::Status::Refused(_))).count();
            let more = if refused > 0 { format!("，{refused} 项未采用") } else { String::new() };
            format!("核实与更正：采用 {path}，执行 {} 项处理{more}", d.applied)
        }
        (None, Some(why)) => format!("核实与更正：登记表 {why}，本次未采用任何处理"),
        (None, None) => "核实与更正：尚无登记表（本次结果中的 核实与更正.xlsx 填写后，再运行一次即采用）".to_string(),
    }
}

/// 地市：已汇总 N/M 个 (a `run`; `None` for a `check`).
pub fn counted_line(o: &RunOutcome) -> Option<String> {
    let roster = o.roster.as_ref()?;
    Some(format!("地市：已汇总 {}/{} 个", roster.counted().count(), roster.cities.len()))
}

/// One expected city as the run's table shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CityLine {
    pub city: String,
    /// The file used, or "—".
    pub file: String,
    pub errors: usize,
    pub warnings: usize,
    /// 是 / 否.
    pub in_totals: &'static str,
    /// 通过 / 通过（有警告）/ 待修正 / 未报送.
    pub status: &'static str,
    /// Against the previous round ("无变化" when compared and unchanged;
    /// empty in a first round).
    pub change: String,
}

/// The table's rows: every expected city, in the params' order.
pub fn city_lines(o: &RunOutcome) -> Vec<CityLine> {
    let Some(roster) = &o.roster else { return Vec::new() };
    roster
        .cities
        .iter()
        .map(|c| CityLine {
            city: c.city.clone(),
            file: c.file.clone().unwrap_or_else(|| "—".into()),
            errors: c.errors,
            warnings: c.warnings,
            in_totals: if c.in_totals { "是" } else { "否" },
            status: c.status.zh(),
            change: o
                .comparison
                .as_ref()
                .map(|x| x.of(&c.city).map(|ch| ch.line.clone()).unwrap_or_else(|| "无变化".into()))
                .unwrap_or_default(),
        })
        .collect()
}

/// Files read that stand for no city, each with why.
pub fn loose_lines(o: &RunOutcome) -> Vec<String> {
    let Some(roster) = &o.roster else { return Vec::new() };
    let filed: Vec<&str> = roster.cities.iter().filter_map(|c| c.file.as_deref()).collect();
    o.inputs
        .iter()
        .filter(|r| !filed.contains(&r.file.as_str()))
        .map(|r| {
            let what = match (r.status, &r.city) {
                (InputStatus::Unreadable, _) => "无法读取".to_string(),
                (_, Some(c)) => format!("{c}，未采用"),
                (_, None) => "未确定地市".to_string(),
            };
            format!("{}（{what}；错误 {}，警告 {}）", r.file, r.errors, r.warnings)
        })
        .collect()
}

/// 错误 N 个，警告 N 个，（已核实、省级更正，）提示 N 个.
pub fn counts_line(o: &RunOutcome) -> String {
    let (e, w, i) = crate::findings::counts(&o.findings);
    let d = &o.decisions;
    let verified = d.verified();
    let corrected = d.corrections.iter().filter(|c| c.follows.is_none()).count();
    let decided = match (verified, corrected) {
        (0, 0) => String::new(),
        (v, 0) => format!("已核实 {v} 个，"),
        (0, k) => format!("省级更正 {k} 处，"),
        (v, k) => format!("已核实 {v} 个，省级更正 {k} 处，"),
    };
    format!("错误 {e} 个，警告 {w} 个，{decided}提示 {i} 个")
}
