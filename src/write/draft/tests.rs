//! The draft's slot arithmetic and number words, without a document.

use super::*;

#[test]
fn percents_print_as_the_report_prints_them() {
    let d = |s: &str| s.parse::<Decimal>().expect("decimal");
    assert_eq!(pct(d("19.205")), "19.21%", "四舍五入 at 2 places");
    assert_eq!(pct(d("18.4")), "18.40%");
    assert_eq!(pct(d("100")), "100%", "a whole percent drops its places");
    assert_eq!(pct(d("99.995")), "100%", "rounding up to a whole one");
    assert_eq!(opt_pct(None), "—");
    assert_eq!(rate_num(Some(d("166.615"))), "166.62");
    assert_eq!(num(d("3623.345")), "3623.35");
}

#[test]
fn slots_fill_every_named_slot_and_leave_unknown_ones_visible() {
    let mut s = Slots(BTreeMap::new());
    s.set("spent", "3623.35");
    s.set("rate", "19.21%");
    assert_eq!(s.fill("支出 {spent} 万元，支出率 {rate}。"), "支出 3623.35 万元，支出率 19.21%。");
    let unknown = s.fill("缺 {nothing}");
    assert!(unknown.contains("nothing"), "{unknown}");
}

#[test]
fn ordinals_and_city_lists() {
    assert_eq!(zh_number(1), "一");
    assert_eq!(zh_number(10), "十");
    assert_eq!(zh_number(13), "十三");
    assert_eq!(zh_number(21), "21");
    assert_eq!(join_cities(&[]), "无");
    assert_eq!(join_cities(&["汕头市".into(), "韶关市".into()]), "汕头市、韶关市");
}
