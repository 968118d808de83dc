//! The finding codes as `selfeval codes` prints them, and as the Markdown
//! table of docs/codes.md and the README: each code's words (the built-in
//! form's, where a template set words it) and the decisions that close it.

use crate::findings::codes::Code;
use crate::findings::Words;

/// The catalog as text (`selfeval codes`) or as a Markdown table
/// (docs/codes.md and the README).
pub fn catalog(markdown: bool) -> String {
    let mut s = String::new();
    if markdown {
        s.push_str("| 代码 | 严重程度 | 问题 | 如何修改 | 省级可用的处理 |\n| --- | --- | --- | --- | --- |\n");
    }
    // Year-dependent words as the built-in form has them.
    let form = crate::spec::embedded_specs().ok().map(|(f, _)| f);
    for c in Code::ALL {
        let i = c.info();
        let fix = form.as_ref().map(|f| f.fix_of(*c)).unwrap_or(i.fix);
        let fix = crate::findings::render_with(fix, &|k| match (k, &form) {
            ("expected", _) => Some("相应内容".into()),
            (_, Some(f)) => f.word_for(k),
            (_, None) => None,
        });
        let title = form.as_ref().map(|f| f.title_of(*c).to_string()).unwrap_or_else(|| i.title.to_string());
        if markdown {
            s.push_str(&format!("| {} | {} | {} | {} | {} |\n", i.id, i.severity.zh(), title, fix, c.decisions_zh()));
        } else {
            s.push_str(&format!(
                "{}  {}  {}\n      {}\n      省级可用的处理：{}\n",
                i.id,
                i.severity.zh(),
                title,
                fix,
                c.decisions_zh()
            ));
        }
    }
    s
}
