//! The table primitives on the real 2024 template: totals cover exactly
//! the rows given, ratios never divide by zero, long lists are cut.

use super::sheets::other_files_cell;
use super::*;

fn with_table(key: &str, f: impl FnOnce(&mut Table)) {
    let t = crate::spec::Templates::embedded().expect("templates");
    let mut book =
        umya_spreadsheet::reader::xlsx::read_reader(std::io::Cursor::new(&t.summary_template), true).expect("template");
    let spec = t.summary.sheet(key).expect("sheet spec");
    let ws = book.sheet_by_name_mut(&spec.name).expect("sheet");
    f(&mut Table::new(ws, spec));
}

#[test]
fn a_total_over_consecutive_rows_is_a_range_over_gaps_a_list_over_none_zero() {
    with_table("budget", |t| {
        let col = CellRef::col_letters(t.spec.col("budget").expect("budget column"));
        let (r0, r1) = (t.row(0), t.row(2));
        assert_eq!(t.sum_rows("budget", &[r0, r0 + 1, r1]), format!("SUM({col}{}:{col}{})", r0 + 1, r1 + 1));
        assert_eq!(t.sum_rows("budget", &[r0, r1]), format!("SUM({col}{},{col}{})", r0 + 1, r1 + 1));
        assert_eq!(t.sum_rows("budget", &[]), "0", "no city counted: 0, not an empty SUM");
    });
}

#[test]
fn a_ratio_is_blank_when_its_denominator_is_zero() {
    with_table("budget", |t| {
        let r = t.row(0);
        let f = t.ratio("exec.spent", "budget", r);
        let (n, d) = (t.addr("exec.spent", r), t.addr("budget", r));
        assert_ne!(n, d, "two columns of the sheet");
        assert_eq!(f, format!("IF({d}=0,\"\",{n}/{d})"));
    });
}

#[test]
fn other_files_are_listed_five_then_counted() {
    let few: Vec<String> = (0..5).map(|i| format!("f{i}.xlsx")).collect();
    assert_eq!(other_files_cell(&few).lines().count(), 5);
    let many: Vec<String> = (0..1200).map(|i| format!("f{i}.xlsx")).collect();
    let cell = other_files_cell(&many);
    assert_eq!(cell.lines().count(), 6);
    assert!(cell.ends_with("…（共 1200 个文件，详见 report.json）"), "{cell}");
}
