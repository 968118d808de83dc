//! The roster's rules, one test each.
use super::*;
use crate::read::Value;
use crate::testkit::{clean, with};

fn facts<'a>(names: &'a [String], subs: &'a [Submission], none: &'a [Finding]) -> Vec<FileFacts<'a>> {
    names.iter().zip(subs).map(|(n, s)| FileFacts { name: n, sub: Some(s), findings: none, modified: None }).collect()
}

fn loc() -> Loc {
    Loc::cell("基本信息", crate::cellref::CellRef::parse("B4").unwrap(), "地市")
}

#[test]
fn a_full_clean_batch_counts_every_city() {
    let subs: Vec<Submission> = (0..15).map(clean).collect();
    let names: Vec<String> = subs.iter().map(|s| s.name.clone()).collect();
    let r = build(&facts(&names, &subs, &[]), &crate::testkit::params(), &crate::testkit::form());
    assert_eq!(r.counted().count(), 15);
    assert!(r.coverage().complete());
    assert_eq!(r.coverage().total_label(), "合计");
    assert!(r.run_findings.is_empty() && r.file_findings.is_empty());
}

#[test]
fn a_missing_city_is_not_received_and_labelled() {
    let subs: Vec<Submission> = (1..15).map(clean).collect();
    let names: Vec<String> = subs.iter().map(|s| s.name.clone()).collect();
    let r = build(&facts(&names, &subs, &[]), &crate::testkit::params(), &crate::testkit::form());
    let first = &r.cities[0];
    assert_eq!(first.status, CityStatus::NotReceived);
    assert_eq!(r.run_findings.len(), 1);
    assert_eq!(r.coverage().total_label(), format!("合计（14个地市，不含未报送的{}）", first.city));
}

#[test]
fn the_later_date_wins_among_duplicates() {
    let mut subs: Vec<Submission> = (0..15).map(clean).collect();
    let mut later = with(0, "info.date", Value::Date("2099-01-02".into()));
    later.name = "汕头市_修改版.xlsx".into();
    subs.insert(0, later);
    let names: Vec<String> = subs.iter().map(|s| s.name.clone()).collect();
    let r = build(&facts(&names, &subs, &[]), &crate::testkit::params(), &crate::testkit::form());
    let e = r.entry("汕头市").unwrap();
    assert_eq!(e.file.as_deref(), Some("汕头市_修改版.xlsx"));
    assert!(e.reason.contains("填报日期 2099-01-02 最晚"), "{}", e.reason);
    assert_eq!(r.file_findings.len(), 2);
    assert!(r.file_findings.iter().all(|(_, f)| f.code == Code::DuplicateCity));
}

#[test]
fn a_file_named_for_another_city_goes_under_neither() {
    let subs: Vec<Submission> = (0..15).map(clean).collect();
    let mut names: Vec<String> = subs.iter().map(|s| s.name.clone()).collect();
    // The file of city 1 renamed after city 2.
    let other = crate::testkit::params().cities[2].name.clone();
    names[1] = format!("{other}_自评表.xlsx");
    let r = build(&facts(&names, &subs, &[]), &crate::testkit::params(), &crate::testkit::form());
    assert_eq!(r.city_of_file[1], None);
    assert_eq!(r.file_findings.len(), 1);
    assert_eq!(r.file_findings[0].1.code, Code::FileNameCityMismatch);
    let own = &r.cities[1];
    assert_eq!(own.status, CityStatus::NeedsFix, "its 地市 cell arrived, under another name");
    assert!(own.reason.starts_with("已收到，无法使用"), "{}", own.reason);
    assert!(!own.in_totals);
    // The city the name names received it, and cannot use it; its own file stands.
    let named = r.entry(&other).unwrap();
    assert_eq!(named.status, CityStatus::Passed);
    assert_eq!(named.other_files, vec![names[1].clone()]);
}

#[test]
fn a_file_with_an_error_is_needs_fix_and_not_counted() {
    let subs: Vec<Submission> = (0..15).map(clean).collect();
    let names: Vec<String> = subs.iter().map(|s| s.name.clone()).collect();
    let err = vec![Finding::at(Code::NegativeAmount, &loc(), None, None, "")];
    let mut fs = facts(&names, &subs, &[]);
    fs[3].findings = &err;
    let r = build(&fs, &crate::testkit::params(), &crate::testkit::form());
    assert_eq!(r.cities[3].status, CityStatus::NeedsFix);
    assert!(!r.cities[3].in_totals);
    assert!(r.cities[3].reason.starts_with("有错误"), "{}", r.cities[3].reason);
    assert_eq!(r.counted().count(), 14);
}

#[test]
fn file_names_name_cities() {
    let p = crate::testkit::params();
    assert_eq!(p.city_in_name("03_汕头市_自评表.xlsx").as_deref(), Some("汕头市"));
    assert_eq!(p.city_in_name("汕头_修改版.xlsx").as_deref(), Some("汕头市"));
    assert_eq!(p.city_in_name("自评表.xlsx"), None);
    assert_eq!(normalise_date("2025年1月5日"), "2025-01-05");
}
