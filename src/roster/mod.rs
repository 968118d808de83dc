//! 报送情况: which file stands for each expected city, and the city's
//! status. This is where the summary's one rule lives:
//!
//! **A city's figures enter the totals only when the file used for it
//! has no error.** A city whose file has any error is 待修正 and its whole
//! row is left out of every 合计 (表1-1, 表2-2, 表2-3, 附件1 and
//! report.json `totals`); a city that sent nothing is 未报送. Every 合计
//! then says which cities it covers, and every rate divides figures of
//! the same cities. Leaving out only the flagged cells would make a row
//! half one city's answer and half blank, and ratios of it meaningless.
//!
//! One city, one file: when several files name a city, the one with the
//! later 填报日期 is used, then the later modification time, then the
//! later file name; the others are listed, and SE404 says which was used
//! and why. A file whose name names one city while its 地市 cell names
//! another belongs to neither until the city resolves it (SE406).

use crate::findings::{Code, Finding, Loc, Severity};
use crate::model::Submission;
use crate::params::Params;
use crate::spec::{FormSpec, Role};
use std::time::SystemTime;

/// What became of a city in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CityStatus {
    /// The file used has no finding above info.
    Passed,
    /// The file used has warnings and no error.
    PassedWithWarnings,
    /// A file arrived, but it cannot be used as it is.
    NeedsFix,
    /// Nothing arrived.
    NotReceived,
}

impl CityStatus {
    pub fn zh(self) -> &'static str {
        match self {
            CityStatus::Passed => "通过",
            CityStatus::PassedWithWarnings => "通过（有警告）",
            CityStatus::NeedsFix => "待修正",
            CityStatus::NotReceived => "未报送",
        }
    }

    /// Whether a city in this status has its figures in the totals.
    pub fn counted(self) -> bool {
        matches!(self, CityStatus::Passed | CityStatus::PassedWithWarnings)
    }
}

/// One received file, as the roster sees it.
#[derive(Debug, Clone)]
pub struct FileFacts<'a> {
    /// Path as shown to users.
    pub name: &'a str,
    /// The typed submission; `None` when the file could not be read.
    pub sub: Option<&'a Submission>,
    /// The file's own findings so far.
    pub findings: &'a [Finding],
    pub modified: Option<SystemTime>,
}

/// One expected city's line of 报送情况.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CityEntry {
    pub city: String,
    pub status: CityStatus,
    /// Index (into the files given to [`build`]) of the file used.
    #[serde(skip)]
    pub used: Option<usize>,
    /// The file used, as shown to users.
    pub file: Option<String>,
    /// Other files received for the city.
    pub other_files: Vec<String>,
    /// 填报日期 of the file used.
    pub date: Option<String>,
    pub errors: usize,
    pub warnings: usize,
    /// Its figures are in the totals.
    pub in_totals: bool,
    /// Findings the province confirmed (已核实) and figures it corrected.
    pub verified: usize,
    pub corrected: usize,
    /// Why it is 待修正, or which of several files was used and why.
    pub reason: String,
    /// Why it is left out of the totals, before the province's decisions
    /// are added to `reason` (empty when it is counted).
    #[serde(skip)]
    pub left_out: String,
}

/// The roster of a run: one entry per expected city, in the params'
/// order, plus the findings the roster itself raises, by file index.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub cities: Vec<CityEntry>,
    /// Findings to add to a file (SE404, SE406).
    pub file_findings: Vec<(usize, Finding)>,
    /// Findings of the run as a whole (SE405).
    pub run_findings: Vec<Finding>,
    /// The city each file is filed under (None: under no city).
    pub city_of_file: Vec<Option<String>>,
    /// Roster findings the province confirmed (核实与更正), by file index:
    /// not counted, kept to be shown as 已核实.
    pub closed: Vec<(usize, Finding)>,
}

impl Roster {
    /// Records on each city what the province decided about its file:
    /// 报送情况 then says 计入合计（含省级更正 1 处） and 已核实 2 处.
    pub fn with_decisions(mut self, decided: &[(usize, usize)]) -> Roster {
        for c in &mut self.cities {
            if !c.in_totals {
                c.left_out = match c.reason.is_empty() {
                    true => c.status.zh().to_string(),
                    false => format!("{}：{}", c.status.zh(), c.reason),
                };
            }
            let Some((v, k)) = c.used.and_then(|i| decided.get(i)) else { continue };
            c.verified = *v;
            c.corrected = *k;
            let mut said = Vec::new();
            if *k > 0 && c.in_totals {
                said.push(format!("计入合计（含省级更正 {k} 处）"));
            } else if *k > 0 {
                said.push(format!("省级已更正 {k} 处"));
            }
            if *v > 0 {
                said.push(format!("已核实 {v} 处"));
            }
            if !said.is_empty() {
                let head = said.join("，");
                c.reason = if c.reason.is_empty() { head } else { format!("{head}；{}", c.reason) };
            }
        }
        self
    }

    /// The cities nothing arrived from.
    pub fn missing(&self) -> Vec<String> {
        self.cities.iter().filter(|c| c.status == CityStatus::NotReceived).map(|c| c.city.clone()).collect()
    }

    /// Cities whose figures are in the totals.
    pub fn counted(&self) -> impl Iterator<Item = &CityEntry> {
        self.cities.iter().filter(|c| c.in_totals)
    }

    /// Whether `city` is counted.
    pub fn is_counted(&self, city: &str) -> bool {
        self.cities.iter().any(|c| c.city == city && c.in_totals)
    }

    /// The entry of a city.
    pub fn entry(&self, city: &str) -> Option<&CityEntry> {
        self.cities.iter().find(|c| c.city == city)
    }

    /// What the totals cover, as a 合计 label says it:
    /// "合计" when every city is in, else
    /// "合计（13个地市，不含待修正的茂名市、未报送的潮州市）".
    pub fn coverage(&self) -> Coverage {
        let of = |s: CityStatus| self.cities.iter().filter(|c| c.status == s).map(|c| c.city.clone()).collect();
        Coverage {
            counted: self.counted().count(),
            expected: self.cities.len(),
            needs_fix: of(CityStatus::NeedsFix),
            not_received: of(CityStatus::NotReceived),
        }
    }

    /// One line for the batch: "15 个地市：通过 12，有警告 1，待修正 1，未报送 1".
    pub fn batch_line(&self) -> String {
        let n = |s: CityStatus| self.cities.iter().filter(|c| c.status == s).count();
        format!(
            "{} 个地市：通过 {}，通过（有警告）{}，待修正 {}，未报送 {}；已汇总 {}/{}",
            self.cities.len(),
            n(CityStatus::Passed),
            n(CityStatus::PassedWithWarnings),
            n(CityStatus::NeedsFix),
            n(CityStatus::NotReceived),
            self.counted().count(),
            self.cities.len()
        )
    }
}

/// Which cities a total covers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Coverage {
    pub counted: usize,
    pub expected: usize,
    pub needs_fix: Vec<String>,
    pub not_received: Vec<String>,
}

impl Coverage {
    pub fn complete(&self) -> bool {
        self.counted == self.expected
    }

    /// "（不含待修正的茂名市、未报送的潮州市）", empty when complete.
    pub fn excluded_text(&self) -> String {
        let mut parts = Vec::new();
        if !self.needs_fix.is_empty() {
            parts.push(format!("待修正的{}", self.needs_fix.join("、")));
        }
        if !self.not_received.is_empty() {
            parts.push(format!("未报送的{}", self.not_received.join("、")));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("不含{}", parts.join("、"))
        }
    }

    /// The 合计 label: "合计" or "合计（13个地市，不含…）".
    pub fn total_label(&self) -> String {
        if self.complete() {
            "合计".to_string()
        } else {
            format!("合计（{}个地市，{}）", self.counted, self.excluded_text())
        }
    }

    /// The "其中：N个地市" label of 表2-2.
    pub fn cities_label(&self) -> String {
        format!("其中：{}个地市", self.counted)
    }
}

/// The city a file's name names ("03_汕头市_自评表.xlsx" → 汕头市), if
/// exactly one issued city is named in it.
pub fn city_in_file_name(name: &str, params: &Params) -> Option<String> {
    let stem = std::path::Path::new(name).file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    let named: Vec<&str> = params
        .cities
        .iter()
        .filter(|c| {
            let short = c.name.strip_suffix('市').unwrap_or(&c.name);
            stem.contains(c.name.as_str()) || (short.chars().count() >= 2 && stem.contains(short))
        })
        .map(|c| c.name.as_str())
        .collect();
    match named.as_slice() {
        [one] => Some((*one).to_string()),
        _ => None,
    }
}

/// The issued city a file's 地市 cell names.
fn city_in_cell(sub: Option<&Submission>, params: &Params) -> Option<String> {
    let typed = sub?.city_text()?;
    params.resolve_city(&typed).map(|c| c.name.clone())
}

fn counts(fs: &[Finding]) -> (usize, usize) {
    let (e, w, _) = crate::findings::counts(fs);
    (e, w)
}

/// Why a file cannot be used, in one line: its first error.
fn why_unusable(f: &FileFacts, form: &FormSpec) -> String {
    match f.findings.iter().find(|x| x.severity == Severity::Error) {
        Some(e) => {
            let place = e.place();
            let at = if place.is_empty() { String::new() } else { format!("{place}：") };
            format!("{at}{}", e.message(form))
        }
        None => "文件无法使用".to_string(),
    }
}

/// Decides, for every expected city, the file used and its status.
/// `form` says where 地市 is (for SE404/SE406) and words the reasons.
pub fn build(files: &[FileFacts], params: &Params, form: &FormSpec) -> Roster {
    build_with(files, params, form, &|_| false)
}

/// [`build`], with the roster findings the province confirmed: a
/// `confirmed` SE406 files the file under the city its 地市 cell names, a
/// confirmed SE404 is not counted against the city. Both are kept in
/// [`Roster::closed`].
pub fn build_with(
    files: &[FileFacts],
    params: &Params,
    form: &FormSpec,
    confirmed: &dyn Fn(&crate::decisions::Key) -> bool,
) -> Roster {
    let city_loc = &form.loc_of(crate::spec::Role::City);
    let mut roster = Roster::default();
    let dkey = |city: &str, f: &Finding| crate::decisions::Key::new(city, f);
    // File each file under a city: its 地市 cell, or, for a file too broken
    // to say, the city its name names. A name and a cell that disagree put
    // it under neither.
    for (i, f) in files.iter().enumerate() {
        let cell = city_in_cell(f.sub, params);
        let named = city_in_file_name(f.name, params);
        let filed = match (&cell, &named) {
            (Some(c), Some(n)) if c != n => {
                let mut x = Finding::at(
                    Code::FileNameCityMismatch,
                    city_loc,
                    Some(n.clone()),
                    Some(c.clone()),
                    &format!("文件名指向{n}，而“地市”栏填的是{c}"),
                );
                x.file = f.name.to_string();
                if confirmed(&dkey(c, &x)) {
                    roster.closed.push((i, x));
                    Some(c.clone())
                } else {
                    roster.file_findings.push((i, x));
                    None
                }
            }
            (Some(c), _) => Some(c.clone()),
            (None, n) => n.clone(),
        };
        roster.city_of_file.push(filed);
    }

    for c in &params.cities {
        let mine: Vec<usize> =
            (0..files.len()).filter(|i| roster.city_of_file[*i].as_deref() == Some(&c.name)).collect();
        // Files that name this city in their name but were filed nowhere
        // (name and cell disagree): received for it, not usable.
        let conflicted: Vec<usize> = (0..files.len())
            .filter(|i| roster.city_of_file[*i].is_none())
            .filter(|i| {
                city_in_file_name(files[*i].name, params).as_deref() == Some(&c.name)
                    || city_in_cell(files[*i].sub, params).as_deref() == Some(&c.name)
            })
            .collect();
        let mut entry = CityEntry {
            city: c.name.clone(),
            status: CityStatus::NotReceived,
            used: None,
            file: None,
            other_files: Vec::new(),
            date: None,
            errors: 0,
            warnings: 0,
            in_totals: false,
            verified: 0,
            corrected: 0,
            reason: String::new(),
            left_out: String::new(),
        };
        if mine.is_empty() {
            if let Some(first) = conflicted.first() {
                entry.status = CityStatus::NeedsFix;
                entry.other_files = conflicted.iter().map(|i| files[*i].name.to_string()).collect();
                let f = &files[*first];
                let cell = city_in_cell(f.sub, params).unwrap_or_default();
                let named = city_in_file_name(f.name, params).unwrap_or_default();
                entry.reason = format!(
                    "已收到，无法使用：{} 的文件名指向{named}，“地市”栏填的是{cell}，请该市确认后重新报送",
                    f.name
                );
            } else {
                let mut f = Finding::at(Code::MissingCity, &Loc::file(), Some(c.name.clone()), None, "");
                f.city = Some(c.name.clone());
                roster.run_findings.push(f);
                entry.reason = "未收到该市的自评表".to_string();
            }
            roster.cities.push(entry);
            continue;
        }
        // The later 填报日期, then the later modification time, then the
        // later name: a 修改版 sent after the original wins.
        let key = |i: &usize| {
            let f = &files[*i];
            let date = f.sub.and_then(|s| s.text_of(Role::Date)).map(normalise_date).unwrap_or_default();
            (date, f.modified, f.name.to_string())
        };
        let used = mine.iter().copied().max_by_key(key).unwrap_or(mine[0]);
        let uf = &files[used];
        entry.used = Some(used);
        entry.file = Some(uf.name.to_string());
        entry.other_files =
            mine.iter().chain(&conflicted).filter(|i| **i != used).map(|i| files[*i].name.to_string()).collect();
        entry.date = uf.sub.and_then(|s| s.text_of(Role::Date)).map(str::to_string);
        if mine.len() > 1 {
            let why = choice_reason(files, &mine, used);
            let list: Vec<&str> = mine.iter().map(|i| files[*i].name).collect();
            for i in &mine {
                let role = if *i == used { "本文件被采用" } else { "本文件未采用" };
                let detail = format!(
                    "本市共收到 {} 份：{}；按规则使用 {}（{why}）。{role}",
                    mine.len(),
                    crate::findings::file_list(&list),
                    uf.name
                );
                let mut x = Finding::at(Code::DuplicateCity, city_loc, Some(uf.name.to_string()), None, &detail);
                x.file = files[*i].name.to_string();
                x.city = Some(c.name.clone());
                if confirmed(&dkey(&c.name, &x)) {
                    roster.closed.push((*i, x));
                } else {
                    roster.file_findings.push((*i, x));
                }
            }
            entry.reason = format!("收到 {} 份，使用 {}（{why}）", mine.len(), uf.name);
        }
        let own: Vec<Finding> = uf
            .findings
            .iter()
            .cloned()
            .chain(roster.file_findings.iter().filter(|(i, _)| *i == used).map(|(_, f)| f.clone()))
            .collect();
        let (e, w) = counts(&own);
        entry.errors = e;
        entry.warnings = w;
        entry.status = if uf.sub.is_none() || e > 0 {
            CityStatus::NeedsFix
        } else if w > 0 {
            CityStatus::PassedWithWarnings
        } else {
            CityStatus::Passed
        };
        entry.in_totals = entry.status.counted();
        if entry.status == CityStatus::NeedsFix {
            let why = why_unusable(uf, form);
            let head = if uf.sub.is_none() { "已收到，无法使用" } else { "有错误" };
            let more = if e > 1 { format!("（共 {e} 个错误）") } else { String::new() };
            entry.reason = if entry.reason.is_empty() {
                format!("{head}：{why}{more}")
            } else {
                format!("{head}：{why}{more}；{}", entry.reason)
            };
        }
        roster.cities.push(entry);
    }
    roster
}

/// "2025-1-5", "2025/01/05", "2025年1月5日" → "2025-01-05" for ordering.
fn normalise_date(s: &str) -> String {
    let parts: Vec<u32> =
        s.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).filter_map(|p| p.parse().ok()).collect();
    match parts.as_slice() {
        [y, m, d, ..] => format!("{y:04}-{m:02}-{d:02}"),
        _ => s.to_string(),
    }
}

/// Why `used` won among `mine`, in words.
fn choice_reason(files: &[FileFacts], mine: &[usize], used: usize) -> String {
    let date = |i: usize| files[i].sub.and_then(|s| s.text_of(Role::Date)).map(normalise_date).unwrap_or_default();
    let d = date(used);
    let same_date = mine.iter().filter(|i| **i != used).all(|i| date(*i) == d);
    if !same_date {
        return format!("填报日期 {d} 最晚");
    }
    let m = files[used].modified;
    let same_time = mine.iter().filter(|i| **i != used).all(|i| files[*i].modified == m);
    if !same_time {
        return "填报日期相同，文件修改时间最晚".to_string();
    }
    "填报日期和修改时间都相同，按文件名排在最后".to_string()
}

#[cfg(test)]
mod tests;
