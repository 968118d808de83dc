//! 核实与更正 decisions: matching register rows to findings, refusals, and 草稿 / 定稿.
use super::*;

#[test]
fn actions_read_as_the_dropdown_says_them() {
    for a in Action::ALL {
        assert_eq!(Action::from_zh(a.zh()), Some(a));
    }
    assert_eq!(Action::from_zh(" 已核实\u{3000}无误 "), Some(Action::Verified));
    assert_eq!(Action::from_zh("核实"), None);
}

#[test]
fn errors_are_closed_by_corrections_warnings_by_verification() {
    assert!(Code::Ratio1.decisions().contains(&Action::Verified));
    assert!(!Code::Ratio1.decisions().contains(&Action::UseComputed));
    assert!(!Code::LooksLikeYuan.decisions().contains(&Action::Verified));
    assert!(Code::LooksLikeYuan.decisions().contains(&Action::SetTo));
    assert_eq!(Code::MissingSheet.decisions(), &[Action::Returned]);
    assert!(Code::FileNameCityMismatch.decisions().contains(&Action::Verified));
}

#[test]
fn the_computed_value_is_the_number_an_expected_starts_with() {
    assert_eq!(computed_value("160.67 万元"), Some("160.67"));
    assert_eq!(computed_value("4.39%"), Some("4.39%"));
    assert_eq!(computed_value("10–80"), Some("10"));
    assert_eq!(computed_value("优"), None);
    assert_eq!(computed_value(""), None);
}

#[test]
fn figures_compare_as_numbers_when_they_are_numbers() {
    assert!(same_figure("160.670", "160.67"));
    assert!(same_figure("45.64%", "0.4564"));
    assert!(!same_figure("1606700", "160.67"));
    assert!(same_figure(" 优 ", "优"));
    assert!(!same_figure("优", "良"));
}

#[test]
fn finality_says_what_is_open() {
    assert_eq!(Finality { open: 0, uncounted: 0 }.zh(), "定稿");
    assert_eq!(Finality { open: 3, uncounted: 1 }.zh(), "草稿（尚有 3 个问题未处理，1 个地市未计入合计）");
    assert_eq!(Finality { open: 0, uncounted: 2 }.zh(), "草稿（2 个地市未计入合计）");
}

#[test]
fn a_refused_rows_status_is_its_reason_whatever_the_register_is_called() {
    // A register named with a full-width colon: the 状态 is the reason,
    // not what follows the first '：' of the message.
    let p = RowProblem {
        register: "核实：与更正.xlsx".into(),
        row: 7,
        why: register::RowError::UnknownCity("某市".into()),
        cells: sheet::RowCells::default(),
    };
    assert_eq!(p.status(), "地市“某市”不在本年度补助名单中，未采用");
    assert_eq!(p.message(), "核实：与更正.xlsx 第 7 行：地市“某市”不在本年度补助名单中，未采用");
    let json = serde_json::to_value(&p).expect("json");
    assert_eq!(json, serde_json::json!({ "row": 7, "message": p.message() }));
}
