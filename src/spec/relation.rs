//! The relation grammar of `[[derived]]` (form.toml): how a derived
//! figure of the form follows from the others, written once as data.
//!
//! One parsed expression gives three things: the value selfeval computes
//! (exact `Decimal`, the checks compare it with what the city filed), the
//! Excel formula of the generated form, and the figures it depends on
//! (the "one root cause" fold). So a changed rule is one edited line.
//!
//! ```text
//! expr  := term (("+" | "-") term)*
//! term  := unary (("*" | "/") unary)*
//! unary := "-" unary | atom
//! atom  := number | field | name "(" expr ("," expr)* ")" | "(" expr ")"
//! field := a field id (`sheet.name`); `*` matches one part (`ind.*.score`, in sum only)
//! ```
//!
//! Functions: `round(x, n)`, `min(…)`, `max(…)`, `sum(…)`; the standard
//! 自评表 scoring `higher(分值, 目标, 实际)`, `lower(…)`, `yesno(…)`;
//! `grade(x)` (checks.toml's bands); and `recomputed(id)`: selfeval's own
//! value of a derived field from the form's inputs, where a plain `id`
//! is the figure as the city filed it.

use rust_decimal::Decimal;

/// A parsed expression; field references are concrete after [`Expr::resolve`].
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(Decimal),
    Field(String),
    Neg(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

impl Op {
    fn precedence(self) -> u8 {
        match self {
            Op::Add | Op::Sub => 1,
            Op::Mul | Op::Div => 2,
        }
    }

    fn symbol(self) -> char {
        match self {
            Op::Add => '+',
            Op::Sub => '-',
            Op::Mul => '*',
            Op::Div => '/',
        }
    }
}

/// The grammar's functions; their meaning is in [`Expr::eval`] and
/// [`Expr::excel`], side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Round,
    Min,
    Max,
    Sum,
    Higher,
    Lower,
    YesNo,
    Grade,
    Recomputed,
}

impl Func {
    const ALL: &'static [(Func, &'static str)] = &[
        (Func::Round, "round"),
        (Func::Min, "min"),
        (Func::Max, "max"),
        (Func::Sum, "sum"),
        (Func::Higher, "higher"),
        (Func::Lower, "lower"),
        (Func::YesNo, "yesno"),
        (Func::Grade, "grade"),
        (Func::Recomputed, "recomputed"),
    ];

    fn from_name(s: &str) -> Option<Func> {
        Func::ALL.iter().find(|(_, n)| *n == s).map(|(f, _)| *f)
    }

    pub fn name(self) -> &'static str {
        Func::ALL.iter().find(|(f, _)| *f == self).map(|(_, n)| *n).unwrap_or("")
    }

    /// (fewest, most) arguments.
    fn arity(self) -> (usize, usize) {
        match self {
            Func::Round => (2, 2),
            Func::Min | Func::Max | Func::Sum => (1, usize::MAX),
            Func::Higher | Func::Lower | Func::YesNo => (3, 3),
            Func::Grade | Func::Recomputed => (1, 1),
        }
    }
}

/// Why a relation was not accepted; said in the template's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RelationError {
    #[error("关系式“{expr}”第 {at} 个字符附近无法识别：{what}")]
    Syntax { expr: String, at: usize, what: &'static str },
    #[error("关系式用到的函数 {0} 不存在（可用：round min max sum higher lower yesno grade recomputed）")]
    UnknownFunction(String),
    #[error("函数 {func} 的参数个数不对（{got} 个）")]
    Arity { func: &'static str, got: usize },
    #[error("关系式用到的字段 {0} 不在表中")]
    UnknownField(String),
    #[error("通配字段 {0} 只能用在 sum() 中，且至少匹配一个字段")]
    Glob(String),
    #[error("recomputed() 的参数应为一个有关系式的字段，实为 {0}")]
    NotDerived(String),
    #[error("round() 的位数应为 0 到 10 的整数")]
    Places,
}

/// A value in an expression: a figure or a word (是/否, 优).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    Num(Decimal),
    Text(String),
}

impl Val {
    pub fn num(&self) -> Option<Decimal> {
        match self {
            Val::Num(d) => Some(*d),
            Val::Text(_) => None,
        }
    }
}

/// Where an expression's figures come from when it is evaluated.
pub trait Scope {
    /// The figure as filed (a percent as its stored fraction); `None`
    /// when empty or unreadable.
    fn filed(&self, id: &str) -> Option<Val>;
    /// selfeval's own value of a derived field, from the inputs alone.
    fn recomputed(&self, id: &str) -> Option<Val>;
    /// The grade of a total by the year's bands.
    fn grade(&self, total: Decimal) -> Option<String>;
}

impl Expr {
    /// Parses `text`; field ids are checked later by [`Expr::resolve`].
    pub fn parse(text: &str) -> Result<Expr, RelationError> {
        let mut p = Parser { s: text, chars: text.char_indices().collect(), i: 0 };
        let e = p.expr()?;
        p.skip_ws();
        if p.i < p.chars.len() {
            return Err(p.error("多余的内容"));
        }
        Ok(e)
    }

    /// Expands `*` fields in `sum()` over `ids` (in their order) and
    /// checks every field exists and every `recomputed()` names a field
    /// `derived` accepts.
    pub fn resolve(self, ids: &[&str], derived: &dyn Fn(&str) -> bool) -> Result<Expr, RelationError> {
        let known = |id: &str| -> Result<(), RelationError> {
            if ids.contains(&id) {
                Ok(())
            } else {
                Err(RelationError::UnknownField(id.to_string()))
            }
        };
        Ok(match self {
            Expr::Field(id) if id.contains('*') => return Err(RelationError::Glob(id)),
            Expr::Field(id) => {
                known(&id)?;
                Expr::Field(id)
            }
            Expr::Num(_) => self,
            Expr::Neg(e) => Expr::Neg(Box::new(e.resolve(ids, derived)?)),
            Expr::Bin(op, a, b) => {
                Expr::Bin(op, Box::new(a.resolve(ids, derived)?), Box::new(b.resolve(ids, derived)?))
            }
            Expr::Call(Func::Recomputed, args) => match args.as_slice() {
                [Expr::Field(id)] if derived(id) => {
                    known(id)?;
                    Expr::Call(Func::Recomputed, args)
                }
                [e] => return Err(RelationError::NotDerived(format!("{e:?}"))),
                _ => return Err(RelationError::Arity { func: "recomputed", got: args.len() }),
            },
            Expr::Call(Func::Round, args) => {
                let places = matches!(args.get(1), Some(Expr::Num(n)) if n.fract().is_zero() && *n >= Decimal::ZERO && *n <= Decimal::TEN);
                if !places {
                    return Err(RelationError::Places);
                }
                let mut it = args.into_iter();
                let x = it.next().map(|x| x.resolve(ids, derived)).transpose()?;
                Expr::Call(Func::Round, x.into_iter().chain(it).collect())
            }
            Expr::Call(f, args) => {
                let mut out = Vec::new();
                for a in args {
                    match a {
                        Expr::Field(g) if f == Func::Sum && g.contains('*') => {
                            let hit: Vec<&str> = ids.iter().copied().filter(|id| glob_match(&g, id)).collect();
                            if hit.is_empty() {
                                return Err(RelationError::Glob(g));
                            }
                            out.extend(hit.into_iter().map(|id| Expr::Field(id.to_string())));
                        }
                        a => out.push(a.resolve(ids, derived)?),
                    }
                }
                Expr::Call(f, out)
            }
        })
    }

    /// Every field the expression reads, in order, once each (inside
    /// `recomputed()` too).
    pub fn fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let Expr::Field(id) = e {
                if !out.contains(id) {
                    out.push(id.clone());
                }
            }
        });
        out
    }

    fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Num(_) | Expr::Field(_) => {}
            Expr::Neg(e) => e.walk(f),
            Expr::Bin(_, a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.walk(f)),
        }
    }

    /// The value; `None` when a figure it needs is missing, a divisor is
    /// 0, or the arithmetic overflows: never a guess.
    pub fn eval(&self, scope: &dyn Scope) -> Option<Val> {
        let num = |e: &Expr| e.eval(scope).and_then(|v| v.num());
        Some(match self {
            Expr::Num(d) => Val::Num(*d),
            Expr::Field(id) => scope.filed(id)?,
            Expr::Neg(e) => Val::Num(-num(e)?),
            Expr::Bin(op, a, b) => {
                let (a, b) = (num(a)?, num(b)?);
                Val::Num(match op {
                    Op::Add => a.checked_add(b)?,
                    Op::Sub => a.checked_sub(b)?,
                    Op::Mul => a.checked_mul(b)?,
                    Op::Div if b.is_zero() => return None,
                    Op::Div => a.checked_div(b)?,
                })
            }
            Expr::Call(f, args) => match f {
                Func::Round => {
                    let places = rust_decimal::prelude::ToPrimitive::to_u32(&args.get(1)?.eval(scope)?.num()?)?;
                    Val::Num(crate::calc::round_half_up(num(args.first()?)?, places))
                }
                Func::Min | Func::Max | Func::Sum => {
                    let xs = args.iter().map(num).collect::<Option<Vec<_>>>()?;
                    let it = xs.iter().copied();
                    Val::Num(match f {
                        Func::Min => it.min()?,
                        Func::Max => it.max()?,
                        _ => crate::calc::sum(&xs)?,
                    })
                }
                Func::Higher | Func::Lower => {
                    let (w, t, a) = (num(args.first()?)?, num(args.get(1)?)?, num(args.get(2)?)?);
                    Val::Num(if *f == Func::Higher {
                        crate::calc::higher_score(w, t, a)
                    } else {
                        crate::calc::lower_score(w, t, a)
                    })
                }
                Func::YesNo => {
                    let w = num(args.first()?)?;
                    match (args.get(1)?.eval(scope)?, args.get(2)?.eval(scope)?) {
                        (Val::Text(t), Val::Text(a)) => Val::Num(if t == a { w } else { Decimal::ZERO }),
                        _ => return None,
                    }
                }
                Func::Grade => Val::Text(scope.grade(num(args.first()?)?)?),
                Func::Recomputed => match args.first()? {
                    Expr::Field(id) => scope.recomputed(id)?,
                    _ => return None,
                },
            },
        })
    }

    /// Whether the value is a word rather than a figure.
    pub fn is_text(&self) -> bool {
        matches!(self, Expr::Call(Func::Grade, _))
    }

    /// The Excel formula (without `=`): blank while a figure it reads is
    /// blank or a divisor is 0, as selfeval's value is `None` then;
    /// `places` rounds the result as the check does. `name` gives a
    /// field's name in formulas; `grades` are (lowest total, grade) from
    /// the best down.
    pub fn excel(&self, places: Option<u32>, name: &dyn Fn(&str) -> String, grades: &[(Decimal, String)]) -> String {
        let mut guards: Vec<String> = self.fields().iter().map(|id| format!("{}=\"\"", name(id))).collect();
        self.walk(&mut |e| {
            if let Expr::Bin(Op::Div, _, d) = e {
                let g = format!("N({})=0", d.excel_body(name, grades, 0));
                if !guards.contains(&g) {
                    guards.push(g);
                }
            }
        });
        let body = self.excel_body(name, grades, 0);
        let body = match places {
            Some(p) if !self.is_text() => format!("ROUND({body},{p})"),
            _ => body,
        };
        match guards.len() {
            0 => body,
            1 => format!("IF({},\"\",{body})", guards[0]),
            _ => format!("IF(OR({}),\"\",{body})", guards.join(",")),
        }
    }

    fn excel_body(&self, name: &dyn Fn(&str) -> String, grades: &[(Decimal, String)], outer: u8) -> String {
        let x = |e: &Expr| e.excel_body(name, grades, 0);
        let list = |args: &[Expr]| args.iter().map(x).collect::<Vec<_>>().join(",");
        match self {
            Expr::Num(d) => d.normalize().to_string(),
            Expr::Field(id) => name(id),
            Expr::Neg(e) => format!("-{}", e.excel_body(name, grades, 3)),
            Expr::Bin(op, a, b) => {
                let p = op.precedence();
                // The right side binds tighter for - and /: a-(b-c), a/(b*c).
                let right = if matches!(op, Op::Sub | Op::Div) { p + 1 } else { p };
                let s =
                    format!("{}{}{}", a.excel_body(name, grades, p), op.symbol(), b.excel_body(name, grades, right));
                if p < outer {
                    format!("({s})")
                } else {
                    s
                }
            }
            Expr::Call(f, args) => {
                let arg = |i: usize| args.get(i).map(x).unwrap_or_default();
                match f {
                    Func::Round => format!("ROUND({},{})", arg(0), arg(1)),
                    Func::Min => format!("MIN({})", list(args)),
                    Func::Max => format!("MAX({})", list(args)),
                    Func::Sum => format!("SUM({})", list(args)),
                    Func::Higher => {
                        let (w, t, a) = (arg(0), arg(1), arg(2));
                        format!("IF(OR({a}>={t},{t}<=0),{w},ROUND(MAX(0,{a}/{t}*{w}),2))")
                    }
                    Func::Lower => {
                        let (w, t, a) = (arg(0), arg(1), arg(2));
                        format!("IF({a}<={t},{w},IF(OR({t}<=0,{a}>=2*{t}),0,ROUND((2*{t}-{a})/{t}*{w},2)))")
                    }
                    Func::YesNo => format!("IF({}={},{},0)", arg(2), arg(1), arg(0)),
                    Func::Grade => {
                        let total = arg(0);
                        let mut s = String::from("\"\"");
                        for (min, g) in grades.iter().rev() {
                            s = format!("IF({total}>={},\"{g}\",{s})", min.normalize());
                        }
                        s
                    }
                    // The generated form's cell holds its own formula.
                    Func::Recomputed => arg(0),
                }
            }
        }
    }
}

/// Whether `id` matches `glob`, where `*` stands for one dotted part.
fn glob_match(glob: &str, id: &str) -> bool {
    let (g, i): (Vec<&str>, Vec<&str>) = (glob.split('.').collect(), id.split('.').collect());
    g.len() == i.len() && g.iter().zip(&i).all(|(g, i)| *g == "*" || g == i)
}

struct Parser<'a> {
    s: &'a str,
    chars: Vec<(usize, char)>,
    i: usize,
}

impl Parser<'_> {
    fn error(&self, what: &'static str) -> RelationError {
        RelationError::Syntax { expr: self.s.to_string(), at: self.i + 1, what }
    }

    fn skip_ws(&mut self) {
        while self.chars.get(self.i).is_some_and(|(_, c)| c.is_whitespace()) {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.chars.get(self.i).map(|(_, c)| *c)
    }

    fn expr(&mut self) -> Result<Expr, RelationError> {
        let mut e = self.term()?;
        while let Some(c @ ('+' | '-')) = self.peek() {
            self.i += 1;
            let op = if c == '+' { Op::Add } else { Op::Sub };
            e = Expr::Bin(op, Box::new(e), Box::new(self.term()?));
        }
        Ok(e)
    }

    fn term(&mut self) -> Result<Expr, RelationError> {
        let mut e = self.unary()?;
        while let Some(c @ ('*' | '/')) = self.peek() {
            self.i += 1;
            let op = if c == '*' { Op::Mul } else { Op::Div };
            e = Expr::Bin(op, Box::new(e), Box::new(self.unary()?));
        }
        Ok(e)
    }

    fn unary(&mut self) -> Result<Expr, RelationError> {
        if self.peek() == Some('-') {
            self.i += 1;
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn take_while(&mut self, ok: impl Fn(char) -> bool) -> &str {
        let start = self.chars.get(self.i).map(|(b, _)| *b).unwrap_or(self.s.len());
        while self.chars.get(self.i).is_some_and(|(_, c)| ok(*c)) {
            self.i += 1;
        }
        let end = self.chars.get(self.i).map(|(b, _)| *b).unwrap_or(self.s.len());
        &self.s[start..end]
    }

    fn atom(&mut self) -> Result<Expr, RelationError> {
        match self.peek() {
            Some('(') => {
                self.i += 1;
                let e = self.expr()?;
                if self.peek() != Some(')') {
                    return Err(self.error("缺少右括号"));
                }
                self.i += 1;
                Ok(e)
            }
            Some(c) if c.is_ascii_digit() => {
                let t = self.take_while(|c| c.is_ascii_digit() || c == '.');
                t.parse::<Decimal>().map(Expr::Num).map_err(|_| self.error("数字写法不对"))
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let id = self.take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '*')).to_string();
                if self.peek() != Some('(') {
                    return Ok(Expr::Field(id));
                }
                let f = Func::from_name(&id).ok_or(RelationError::UnknownFunction(id))?;
                self.i += 1;
                let mut args = vec![self.expr()?];
                while self.peek() == Some(',') {
                    self.i += 1;
                    args.push(self.expr()?);
                }
                if self.peek() != Some(')') {
                    return Err(self.error("缺少右括号"));
                }
                self.i += 1;
                let (lo, hi) = f.arity();
                if args.len() < lo || args.len() > hi {
                    return Err(RelationError::Arity { func: f.name(), got: args.len() });
                }
                Ok(Expr::Call(f, args))
            }
            Some(_) => Err(self.error("应为数字、字段或函数")),
            None => Err(self.error("关系式不完整")),
        }
    }
}

#[cfg(test)]
mod tests;
