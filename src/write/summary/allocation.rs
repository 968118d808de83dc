//! 资金分配测算: the factor-method allocation with its formulas, beside the issued budget.

use super::*;

impl Table<'_> {
    pub(super) fn allocation(&mut self, a: &Allocation) {
        let total = self.row(0);
        let first = self.row(1);
        let last = first + a.rows.len() as u32 - 1;
        for (i, row) in a.rows.iter().enumerate() {
            self.allocation_row(a, i, row, (first, last));
        }
        self.allocation_total(a, total, (first, last));
        self.allocation_weights(a, last);
    }

    /// City `i`'s row: its factors and coefficients, and live formulas
    /// for its shares and amount over the body rows `first..=last`.
    fn allocation_row(
        &mut self,
        a: &Allocation,
        i: usize,
        row: &crate::allocate::AllocationRow,
        (first, last): (u32, u32),
    ) {
        let r = first + i as u32;
        self.city_head(r, i, &row.city);
        for m in &a.measures {
            self.put(r, m, V::Num(row.factors.get(m).unwrap_or_default()), false);
        }
        self.put(r, "fiscal", V::Num(row.coef.fiscal), false);
        self.put(r, "performance", V::Num(row.coef.performance), false);
        self.put(r, "project", V::Num(row.coef.project), false);
        let comp = format!("{}*{}*{}", self.addr("fiscal", r), self.addr("performance", r), self.addr("project", r));
        self.put(r, "composite", V::Formula(comp, Some(row.composite)), false);
        // Live formulas: a coefficient or weight edited in the sheet
        // recomputes every share, the combined share and the amount.
        let wrow = last + 2;
        let abs = |s: &Self, key: &str, row: u32| {
            let a = s.addr(key, row);
            let col: String = a.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            format!("${col}${}", row + 1)
        };
        let mut combined = Vec::new();
        for m in &a.measures {
            let share = row.factor_shares.get(m).unwrap_or_default();
            let range = |s: &Self, key: &str| format!("{}:{}", abs(s, key, first), abs(s, key, last));
            let f = format!(
                "IF(SUMPRODUCT({fr},{cr})=0,0,{x}*{k}/SUMPRODUCT({fr},{cr}))",
                fr = range(self, m),
                cr = range(self, "composite"),
                x = self.addr(m, r),
                k = self.addr("composite", r)
            );
            self.put(r, &format!("share.{m}"), V::Formula(f, Some(share)), false);
            combined.push(format!("{}*{}", self.addr(&format!("share.{m}"), r), abs(self, m, wrow)));
        }
        self.put(r, "share", V::Formula(combined.join("+"), Some(row.share)), false);
        let exact = format!("{}*{}", self.addr("share", r), abs(self, "exact", wrow));
        self.put(r, "exact", V::Formula(exact, Some(row.exact)), false);
        self.put(r, "rounded", V::Num(row.rounded), false);
        self.put(r, "issued", V::Num(row.issued), false);
        let diff = format!("{}-{}", self.addr("rounded", r), self.addr("issued", r));
        self.put(r, "diff", V::Formula(diff, Some(row.diff)), false);
    }

    /// The 合计 row: each summed column as a SUM with its value.
    fn allocation_total(&mut self, a: &Allocation, total: u32, (first, last): (u32, u32)) {
        self.total_head(total, "合计");
        let col_sum = |f: &dyn Fn(&crate::allocate::AllocationRow) -> Decimal| a.rows.iter().map(f).sum::<Decimal>();
        let mut sums: Vec<(String, Decimal)> = a
            .measures
            .iter()
            .map(|m| (m.clone(), a.rows.iter().map(|r| r.factors.get(m).unwrap_or_default()).sum()))
            .collect();
        sums.extend([
            ("share".into(), col_sum(&|r| r.share)),
            ("exact".into(), col_sum(&|r| r.exact)),
            ("rounded".into(), col_sum(&|r| r.rounded)),
            ("issued".into(), col_sum(&|r| r.issued)),
            ("diff".into(), col_sum(&|r| r.diff)),
        ]);
        for m in &a.measures {
            sums.push((format!("share.{m}"), a.rows.iter().map(|r| r.factor_shares.get(m).unwrap_or_default()).sum()));
        }
        for (k, v) in sums {
            let f = self.sum(&k, first, last);
            self.put(total, &k, V::Formula(f, Some(v)), true);
        }
        for k in ["fiscal", "performance", "project", "composite"] {
            self.put(total, k, V::Text(""), true);
        }
    }

    /// The weights and the amount the formulas use, below the body, and
    /// the sheet's footnote.
    fn allocation_weights(&mut self, a: &Allocation, last: u32) {
        let w = last + 2;
        self.put(w, "city", V::Text("因素权重"), false);
        for m in &a.measures {
            self.put(w, m, V::Pct(a.weights.get(m).unwrap_or_default()), false);
            self.format(w, m, "0%");
        }
        self.put(w, "share", V::Text("可分配总额"), false);
        self.put(w, "exact", V::Num(a.available), false);
        if let Some(note) = self.spec.footnote.clone() {
            let r = w + 1;
            let n = self.spec.columns.len() as u32;
            let width: f64 = self.spec.columns.iter().map(|c| c.width).sum();
            self.put_text_width(r, "seq", &note, width);
            let at = self.ws.cell_mut((1, r + 1));
            at.style_mut().alignment_mut().set_wrap_text(true);
            at.style_mut().alignment_mut().set_horizontal(umya_spreadsheet::HorizontalAlignmentValues::Left);
            self.ws.add_merge_cells(format!("{}:{}", CellRef::new(r, 0), CellRef::new(r, n - 1)));
        }
    }
}
