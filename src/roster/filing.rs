//! Filing the received files under the expected cities: which file
//! stands for each city, why, and what the roster itself finds (SE403
//! duplicates, SE405 missing, SE406 a name and a 地市 cell that disagree).

use super::*;

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
    let mut roster = file(files, params, form, &|_| false);
    roster.judge(files, form);
    roster
}

/// Files the files under the expected cities — which file stands for
/// each city, and the roster's own findings — without judging them yet.
/// What a file is filed by (its 地市 cell and name, 填报日期, time and
/// name) no decision of the province changes, so a run files once, applies
/// the 核实与更正 to the files used, then [`Roster::judge`]s the decided files.
/// A `confirmed` SE406 files the file under the city its 地市 cell names, a
/// confirmed SE404 is not counted against the city. Both are kept in
/// [`Roster::closed`].
pub fn file(
    files: &[FileFacts],
    params: &Params,
    form: &FormSpec,
    confirmed: &dyn Fn(&crate::decisions::Key) -> bool,
) -> Roster {
    let filing = Filing { files, params, city_loc: form.loc_of(Role::City), confirmed };
    let mut roster = Roster::default();
    filing.file_each(&mut roster);
    for c in &params.cities {
        let entry = filing.city(c, &mut roster);
        roster.cities.push(entry);
    }
    roster
}

impl Roster {
    /// Each city's status from the findings of the file used for it (its
    /// own, and the roster's about it): counted, or why not. `files` are
    /// the files as filed, by the same index, with the decisions applied.
    pub fn judge(&mut self, files: &[FileFacts], form: &FormSpec) {
        for i in 0..self.cities.len() {
            let Some(used) = self.cities[i].used else { continue };
            let Some(uf) = files.get(used) else { continue };
            let own: Vec<Finding> = uf
                .findings
                .iter()
                .chain(self.file_findings.iter().filter(|(j, _)| *j == used).map(|(_, f)| f))
                .cloned()
                .collect();
            judge(&mut self.cities[i], uf, &own, form);
        }
    }
}

/// What [`file`] files the files by.
struct Filing<'a> {
    files: &'a [FileFacts<'a>],
    params: &'a Params,
    /// Where the form keeps 地市 (for SE404/SE406).
    city_loc: Loc,
    confirmed: &'a dyn Fn(&crate::decisions::Key) -> bool,
}

impl Filing<'_> {
    /// Files each file under a city: its 地市 cell, or, for a file too
    /// broken to say, the city its name names. A name and a cell that
    /// disagree put it under neither (SE406, unless confirmed).
    fn file_each(&self, roster: &mut Roster) {
        let (files, params, city_loc) = (self.files, self.params, &self.city_loc);
        for (i, f) in files.iter().enumerate() {
            let cell = city_in_cell(f.sub, params);
            let named = params.city_in_name(f.name);
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
                    if (self.confirmed)(&crate::decisions::Key::new(c, &x)) {
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
    }

    /// One expected city's entry: the file used among those filed under
    /// it, and its status.
    fn city(&self, c: &crate::params::CityParams, roster: &mut Roster) -> CityEntry {
        let (files, params) = (self.files, self.params);
        let mine: Vec<usize> =
            (0..files.len()).filter(|i| roster.city_of_file[*i].as_deref() == Some(&c.name)).collect();
        // Files that name this city in their name but were filed nowhere
        // (name and cell disagree): received for it, not usable.
        let conflicted: Vec<usize> = (0..files.len())
            .filter(|i| roster.city_of_file[*i].is_none())
            .filter(|i| {
                params.city_in_name(files[*i].name).as_deref() == Some(&c.name)
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
            submission: None,
        };
        if mine.is_empty() {
            self.none_usable(&mut entry, &conflicted, roster);
            return entry;
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
            self.duplicates(&mut entry, &mine, used, roster);
        }
        entry
    }

    /// No file filed under the city: received but unusable (name and cell
    /// disagree), or not received at all (SE405).
    fn none_usable(&self, entry: &mut CityEntry, conflicted: &[usize], roster: &mut Roster) {
        let (files, params) = (self.files, self.params);
        let Some(first) = conflicted.first() else {
            let mut f = Finding::at(Code::MissingCity, &Loc::file(), Some(entry.city.clone()), None, "");
            f.city = Some(entry.city.clone());
            roster.run_findings.push(f);
            entry.reason = "未收到该市的自评表".to_string();
            return;
        };
        entry.status = CityStatus::NeedsFix;
        entry.other_files = conflicted.iter().map(|i| files[*i].name.to_string()).collect();
        let f = &files[*first];
        let cell = city_in_cell(f.sub, params).unwrap_or_default();
        let named = params.city_in_name(f.name).unwrap_or_default();
        entry.reason =
            format!("已收到，无法使用：{} 的文件名指向{named}，“地市”栏填的是{cell}，请该市确认后重新报送", f.name);
    }

    /// More than one file for the city: each gets SE403 saying which was
    /// used and why (unless confirmed).
    fn duplicates(&self, entry: &mut CityEntry, mine: &[usize], used: usize, roster: &mut Roster) {
        let files = self.files;
        let uf = &files[used];
        let why = choice_reason(files, mine, used);
        let list: Vec<&str> = mine.iter().map(|i| files[*i].name).collect();
        for i in mine {
            let role = if *i == used { "本文件被采用" } else { "本文件未采用" };
            let detail = format!(
                "本市共收到 {} 份：{}；按规则使用 {}（{why}）。{role}",
                mine.len(),
                crate::findings::file_list(&list),
                uf.name
            );
            let mut x = Finding::at(Code::DuplicateCity, &self.city_loc, Some(uf.name.to_string()), None, &detail);
            x.file = files[*i].name.to_string();
            x.city = Some(entry.city.clone());
            if (self.confirmed)(&crate::decisions::Key::new(&entry.city, &x)) {
                roster.closed.push((*i, x));
            } else {
                roster.file_findings.push((*i, x));
            }
        }
        entry.reason = format!("收到 {} 份，使用 {}（{why}）", mine.len(), uf.name);
    }
}

/// The used file's counts and status (`own`: its findings and the
/// roster's about it), and why a city is not counted.
fn judge(entry: &mut CityEntry, uf: &FileFacts, own: &[Finding], form: &FormSpec) {
    let (e, w) = counts(own);
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
}

/// "2025-1-5", "2025/01/05", "2025年1月5日" → "2025-01-05" for ordering.
pub(super) fn normalise_date(s: &str) -> String {
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
