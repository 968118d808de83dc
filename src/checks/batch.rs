//! Checks across the whole batch: each supported city once, none missing.

use super::Ctx;
use crate::findings::{Code, Finding, Loc};
use crate::model::Submission;
use std::collections::BTreeMap;

fn city_of(sub: &Submission, ctx: &Ctx) -> Option<String> {
    ctx.params.resolve_city(&sub.city_text()?).map(|c| c.name.clone())
}

/// SE404: two or more files name the same city.
pub fn duplicate_city(subs: &[&Submission], ctx: &Ctx) -> Vec<(Option<usize>, Finding)> {
    let mut by_city: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, s) in subs.iter().enumerate() {
        if let Some(c) = city_of(s, ctx) {
            by_city.entry(c).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for (city, idx) in by_city.into_iter().filter(|(_, v)| v.len() > 1) {
        // Name a few files, not all: with thousands of forms per city the
        // full list in every finding would grow as the square of the count.
        const SHOWN: usize = 5;
        let files: Vec<&str> = idx.iter().take(SHOWN).filter_map(|i| subs.get(*i)).map(|s| s.name.as_str()).collect();
        let mut list = files.join("、");
        if idx.len() > SHOWN {
            list.push_str(&format!(" 等 {} 个文件", idx.len()));
        }
        for i in &idx {
            let f = Finding::at(Code::DuplicateCity, &ctx.loc("info.city"), None, Some(city.clone()), &list);
            out.push((Some(*i), f));
        }
    }
    out
}

/// SE405: a city the province funds sent no readable form.
pub fn missing_city(subs: &[&Submission], ctx: &Ctx) -> Vec<(Option<usize>, Finding)> {
    let present: Vec<String> = subs.iter().filter_map(|s| city_of(s, ctx)).collect();
    ctx.params
        .cities
        .iter()
        .filter(|c| !present.contains(&c.name))
        .map(|c| {
            let mut f = Finding::at(Code::MissingCity, &Loc::file(), Some(c.name.clone()), None, "");
            f.city = Some(c.name.clone());
            (None, f)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixture::{clean, ctx_parts, with};
    use crate::read::Value;

    fn run(f: super::super::BatchFn, subs: &[Submission]) -> Vec<(Option<usize>, Code)> {
        let (form, params) = ctx_parts();
        let bands = crate::checks::fixture::bands();
        let ctx = Ctx { form: &form, params: &params, bands: &bands };
        let refs: Vec<&Submission> = subs.iter().collect();
        f(&refs, &ctx).into_iter().map(|(i, f)| (i, f.code)).collect()
    }

    #[test]
    fn duplicate_fires_and_stays_quiet() {
        let all: Vec<Submission> = (0..15).map(clean).collect();
        assert!(run(duplicate_city, &all).is_empty());
        let mut dup = all.clone();
        dup.push(with(3, "info.city", Value::Text("汕头".into())));
        assert_eq!(run(duplicate_city, &dup), vec![(Some(0), Code::DuplicateCity), (Some(15), Code::DuplicateCity)]);
    }

    #[test]
    fn missing_fires_and_stays_quiet() {
        let all: Vec<Submission> = (0..15).map(clean).collect();
        assert!(run(missing_city, &all).is_empty());
        let fewer: Vec<Submission> = (1..15).map(clean).collect();
        assert_eq!(run(missing_city, &fewer), vec![(None, Code::MissingCity)]);
    }
}
