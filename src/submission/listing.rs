//! 附件2 佐证材料清单: the province's own documents as the template set lists
//! them, then one line a city with the files it sent. Made once, here; the
//! summary workbook's sheet and the draft's table both print these rows.

use super::{PartKind, Received};
use crate::spec::ListingGroup;
use serde::Serialize;

/// One line of the listing, as printed: 类型 (on a group's first line), 编号
/// and 文件名称. A city's files are lines of their own below its line,
/// without a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListingRow {
    pub kind: String,
    pub code: String,
    pub name: String,
}

/// What is written where a part was not sent.
const NOT_SENT: &str = "未报送";

/// The listing of `groups` for `cities` (in the params' order, each with
/// what it sent).
pub fn listing(groups: &[ListingGroup], cities: &[(&str, Option<&Received>)]) -> Vec<ListingRow> {
    let mut rows = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        let first = rows.len();
        let code = |i: usize| format!("{}-{}", g + 1, i + 1);
        match &group.cities {
            Some(line) => {
                for (i, (city, received)) in cities.iter().enumerate() {
                    let name = line.replace("{city}", city);
                    rows.push(ListingRow { kind: String::new(), code: code(i), name });
                    rows.extend(files(*received).into_iter().map(|name| ListingRow {
                        kind: String::new(),
                        code: String::new(),
                        name,
                    }));
                }
            }
            None => {
                let items = group.items.iter().enumerate();
                rows.extend(items.map(|(i, name)| ListingRow {
                    kind: String::new(),
                    code: code(i),
                    name: name.clone(),
                }));
            }
        }
        if let Some(r) = rows.get_mut(first) {
            r.kind = group.kind.clone();
        }
    }
    rows
}

/// A city's files as listing lines: its report(s), its evidence, anything
/// else it sent; a part not sent is said so.
fn files(received: Option<&Received>) -> Vec<String> {
    let parts = received.map(|r| r.parts.as_slice()).unwrap_or_default();
    let mut out = Vec::new();
    for kind in [PartKind::Report, PartKind::Evidence, PartKind::Other] {
        let of_kind: Vec<&str> = parts.iter().filter(|p| p.kind == kind).map(|p| p.file.as_str()).collect();
        match (of_kind.is_empty(), kind) {
            (true, PartKind::Other) => {}
            (true, _) => out.push(format!("{}：{NOT_SENT}", kind.zh())),
            (false, _) => out.extend(of_kind.iter().map(|f| format!("{}：{f}", kind.zh()))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::submission::Part;

    fn group(kind: &str, items: &[&str], cities: Option<&str>) -> ListingGroup {
        ListingGroup {
            kind: kind.into(),
            items: items.iter().map(|s| s.to_string()).collect(),
            cities: cities.map(Into::into),
        }
    }

    fn part(file: &str, kind: PartKind) -> Part {
        Part { file: file.into(), kind, size: 1, sha256: String::new() }
    }

    #[test]
    fn documents_are_numbered_by_group_and_each_city_lists_what_it_sent() {
        let groups =
            [group("1.过程类", &["甲", "乙"], None), group("3.市县佐证材料", &[], Some("{city}自评报告及佐证材料"))];
        let sent = Received {
            parts: vec![
                part("汕头市/报告.docx", PartKind::Report),
                part("汕头市/佐证材料/a.pdf", PartKind::Evidence),
                part("汕头市/佐证材料/b.jpg", PartKind::Evidence),
            ],
        };
        let rows = listing(&groups, &[("汕头市", Some(&sent)), ("韶关市", None)]);
        let shown: Vec<(&str, &str, &str)> =
            rows.iter().map(|r| (r.kind.as_str(), r.code.as_str(), r.name.as_str())).collect();
        assert_eq!(
            shown,
            [
                ("1.过程类", "1-1", "甲"),
                ("", "1-2", "乙"),
                ("3.市县佐证材料", "2-1", "汕头市自评报告及佐证材料"),
                ("", "", "自评报告：汕头市/报告.docx"),
                ("", "", "佐证材料：汕头市/佐证材料/a.pdf"),
                ("", "", "佐证材料：汕头市/佐证材料/b.jpg"),
                ("", "2-2", "韶关市自评报告及佐证材料"),
                ("", "", "自评报告：未报送"),
                ("", "", "佐证材料：未报送"),
            ]
        );
    }
}
