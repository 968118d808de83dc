use super::*;
use std::collections::HashMap;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

struct Map(HashMap<&'static str, Val>);

impl Scope for Map {
    fn filed(&self, id: &str) -> Option<Val> {
        self.0.get(id).cloned()
    }
    fn recomputed(&self, id: &str) -> Option<Val> {
        // The test's derived figure "r" is a / b.
        if id != "r" {
            return None;
        }
        Some(Val::Num(self.filed("a")?.num()? / self.filed("b")?.num()?))
    }
    fn grade(&self, total: Decimal) -> Option<String> {
        Some(if total >= d("90") { "优" } else { "良" }.to_string())
    }
}

fn scope() -> Map {
    Map(HashMap::from([
        ("a", Val::Num(d("658.54"))),
        ("b", Val::Num(d("1443"))),
        ("w", Val::Num(d("10"))),
        ("t", Val::Text("是".into())),
        ("x.1.s", Val::Num(d("4"))),
        ("x.2.s", Val::Num(d("5.5"))),
    ]))
}

const IDS: &[&str] = &["a", "b", "w", "t", "r", "x.1.s", "x.2.s"];

fn parse(s: &str) -> Expr {
    Expr::parse(s).and_then(|e| e.resolve(IDS, &|id| id == "r")).unwrap()
}

fn eval(s: &str) -> Option<Val> {
    parse(s).eval(&scope())
}

#[test]
fn arithmetic_is_exact_and_binds_as_written() {
    assert_eq!(eval("round(a / b, 4)"), Some(Val::Num(d("0.4564"))));
    assert_eq!(eval("1 + 2 * 3"), Some(Val::Num(d("7"))));
    assert_eq!(eval("(1 + 2) * 3"), Some(Val::Num(d("9"))));
    assert_eq!(eval("10 - 4 - 3"), Some(Val::Num(d("3"))));
    assert_eq!(eval("-w + 1"), Some(Val::Num(d("-9"))));
    assert_eq!(eval("0.1 + 0.2"), Some(Val::Num(d("0.3"))));
}

#[test]
fn a_missing_figure_or_a_zero_divisor_gives_no_value() {
    assert_eq!(eval("a / (b - b)"), None);
    assert_eq!(eval("a + t"), None);
}

#[test]
fn functions_follow_the_standard_rules() {
    assert_eq!(eval("sum(x.*.s)"), Some(Val::Num(d("9.5"))));
    assert_eq!(eval("min(w, 3, 7)"), Some(Val::Num(d("3"))));
    assert_eq!(eval("max(0, -w)"), Some(Val::Num(d("0"))));
    assert_eq!(eval("higher(w, 22, 11)"), Some(Val::Num(d("5.00"))));
    assert_eq!(eval("lower(w, 10, 15)"), Some(Val::Num(d("5.00"))));
    assert_eq!(eval("yesno(w, t, t)"), Some(Val::Num(d("10"))));
    assert_eq!(eval("grade(sum(x.*.s) * 10)"), Some(Val::Text("优".into())));
    assert_eq!(eval("round(recomputed(r), 4)"), Some(Val::Num(d("0.4564"))));
    // A tie rounds up (四舍五入), not to even.
    assert_eq!(eval("round(0.125, 2)"), Some(Val::Num(d("0.13"))));
}

#[test]
fn fields_are_listed_once_in_order() {
    assert_eq!(parse("a / b + a * recomputed(r)").fields(), vec!["a", "b", "r"]);
    assert_eq!(parse("sum(x.*.s)").fields(), vec!["x.1.s", "x.2.s"]);
}

#[test]
fn bad_relations_are_refused_with_reasons() {
    let err = |s: &str| Expr::parse(s).and_then(|e| e.resolve(IDS, &|id| id == "r")).unwrap_err();
    assert!(matches!(err("a /"), RelationError::Syntax { .. }));
    assert!(matches!(err("(a + b"), RelationError::Syntax { .. }));
    assert!(matches!(err("a b"), RelationError::Syntax { .. }));
    assert_eq!(err("avg(a, b)"), RelationError::UnknownFunction("avg".into()));
    assert_eq!(err("a / c"), RelationError::UnknownField("c".into()));
    assert_eq!(err("higher(a, b)"), RelationError::Arity { func: "higher", got: 2 });
    assert!(matches!(err("x.*.s + 1"), RelationError::Glob(_)));
    assert!(matches!(err("sum(y.*.s)"), RelationError::Glob(_)));
    assert!(matches!(err("recomputed(a)"), RelationError::NotDerived(_)));
    assert_eq!(err("round(a, b)"), RelationError::Places);
    // The message names where it went wrong, for the template's editor.
    assert_eq!(err("a + * b").to_string(), "关系式“a + * b”第 5 个字符附近无法识别：应为数字、字段或函数");
}

#[test]
fn excel_formulas_guard_blanks_and_zero_divisors() {
    let name = |id: &str| format!("f_{}", id.replace('.', "_"));
    let grades = [(d("90"), "优".to_string()), (d("0"), "良".to_string())];
    assert_eq!(
        parse("a / b").excel(Some(4), &name, &grades),
        "IF(OR(f_a=\"\",f_b=\"\",N(f_b)=0),\"\",ROUND(f_a/f_b,4))"
    );
    assert_eq!(
        parse("(a - b) / (w * 2)").excel(None, &name, &grades).split_once(",\"\",").unwrap().1,
        "(f_a-f_b)/(f_w*2))"
    );
    assert_eq!(
        parse("a - (b - w)").excel(None, &name, &grades),
        "IF(OR(f_a=\"\",f_b=\"\",f_w=\"\"),\"\",f_a-(f_b-f_w))"
    );
    assert_eq!(
        parse("grade(recomputed(r))").excel(Some(2), &name, &grades),
        "IF(f_r=\"\",\"\",IF(f_r>=90,\"优\",IF(f_r>=0,\"良\",\"\")))"
    );
    assert_eq!(
        parse("sum(x.*.s)").excel(Some(2), &name, &grades),
        "IF(OR(f_x_1_s=\"\",f_x_2_s=\"\"),\"\",ROUND(SUM(f_x_1_s,f_x_2_s),2))"
    );
}
