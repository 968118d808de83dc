//! Writes 省级参数表.xlsx from [`Params`]: the workbook a provincial clerk
//! edits in Excel to issue next year's figures. Layout and header texts
//! are the ones [`crate::params`] reads back.

use crate::calc;
use crate::params::{Params, TargetValue};
use crate::spec::FormSpec;
use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// `sample_coefficients`: mark the coefficient columns 示例 (the report
/// does not publish them).
/// `form` names the measures and 附件1 counts (their headers and words).
pub fn workbook(params: &Params, form: &FormSpec, sample_coefficients: bool) -> Result<Vec<u8>, XlsxError> {
    let mut wb = crate::write::new_workbook();
    let t = ExcelDateTime::from_ymd(2025, 1, 1).unwrap_or_default();
    wb.set_properties(&DocProperties::new().set_title("省级参数表").set_author("selfeval").set_creation_datetime(&t));
    let f = Formats::new();
    notes_sheet(&mut wb, params, form, &f, sample_coefficients)?;
    basic_sheet(&mut wb, params, form, &f)?;
    cities_sheet(&mut wb, params, form, &f, sample_coefficients)?;
    weights_sheet(&mut wb, params, form, &f)?;
    targets_sheet(&mut wb, params, form, &f)?;
    wb.save_to_buffer()
}

/// The params workbook's formats: bordered 宋体 cells, input cells shaded.
struct Formats {
    head: Format,
    text: Format,
    title: Format,
    note: Format,
}

impl Formats {
    fn new() -> Self {
        let f = Formats {
            head: Format::new(),
            text: Format::new(),
            title: Format::new().set_bold().set_font_size(14).set_font_name("宋体").set_font_charset(134),
            note: Format::new()
                .set_font_name("宋体")
                .set_font_charset(134)
                .set_text_wrap()
                .set_font_color(Color::RGB(0x595959)),
        };
        let head = f.cell(
            Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
        );
        Formats { head, text: f.cell(Format::new()), ..f }
    }

    fn cell(&self, f: Format) -> Format {
        f.set_border(FormatBorder::Thin).set_font_name("宋体").set_font_charset(134)
    }

    /// An input number in `fmt`.
    fn num(&self, fmt: &str) -> Format {
        self.cell(Format::new().set_num_format(fmt).set_background_color(Color::RGB(0xFFF2CC)))
    }
}

/// 说明: what each sheet holds and how the workbook is used.
fn notes_sheet(
    wb: &mut Workbook,
    params: &Params,
    form: &FormSpec,
    f: &Formats,
    sample_coefficients: bool,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("说明")?;
    ws.set_column_width(0, 100)?;
    ws.write_string_with_format(0, 0, format!("{}年{} 省级参数表", params.year, params.fund), &f.title)?;
    let l = &form.params_layout;
    let (cities_line, weights_line) = match form.measures.is_empty() {
        true => (format!("“{}”：各地市预算指标（{}）。", l.sheet_cities, form.budget_document), String::new()),
        false => (
            format!("“{}”：各地市预算指标、改造计划（{}）和三项分配系数。", l.sheet_cities, form.budget_document),
            format!("“{}”：因素法各项因素的权重（%），之和为 100。", l.sheet_weights),
        ),
    };
    let lines = [
        "本表由省级业务主管部门维护，是 selfeval 校验各地市自评表、汇总和测算资金分配的依据。".to_string(),
        format!("“{}”：资金总额、省本级预算与支出。{cities_line}", l.sheet_basic),
        format!("{weights_line}“{}”：表1-1 的年度目标值。", l.sheet_targets),
        "底纹单元格可修改；请勿修改表头文字和工作表名称（程序按表头文字查找各列）。".to_string(),
        format!("使用方法：selfeval run 材料文件夹 --params 本表路径（本表为 {} 年，须与模板年度一致）。", params.year),
    ];
    for (i, l) in lines.iter().enumerate() {
        ws.write_string_with_format(2 + i as u32, 0, l, &f.note)?;
    }
    if sample_coefficients {
        ws.write_string_with_format(
            3 + lines.len() as u32,
            0,
            format!("示例数据：{} 年自评报告未公布各地市的财力补助系数、绩效评价调节系数和项目库系数，“地市下达”中这三列为示例值（各取报告公布的档次之一），正式测算前请按实际核定值修改。", params.year),
            &f.note,
        )?;
    }
    Ok(())
}

/// 基本参数: the fund, the totals, the province's own figures, the profile.
fn basic_sheet(wb: &mut Workbook, params: &Params, form: &FormSpec, f: &Formats) -> Result<(), XlsxError> {
    let l = &form.params_layout;
    let ws = wb.add_worksheet();
    ws.set_name(&l.sheet_basic)?;
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 30)?;
    ws.set_column_width(2, 40)?;
    for (c, h) in ["项目", "数值", "说明"].iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.head)?;
    }
    let rows: [(&str, Option<rust_decimal::Decimal>, &str); 5] = [
        (l.year.as_str(), Some(params.year.into()), "自评年度"),
        (l.total.as_str(), Some(params.total), "省财政下达专项资金总额"),
        (l.own_budget.as_str(), Some(params.province_own.budget), "表2-2 省本级"),
        (l.own_arrived.as_str(), Some(params.province_own.arrived), "表2-2 省本级"),
        (l.own_spent.as_str(), Some(params.province_own.spent), "截至评价基准日"),
    ];
    ws.write_string_with_format(1, 0, &l.fund, &f.text)?;
    ws.write_string_with_format(1, 1, &params.fund, &f.cell(Format::new().set_background_color(Color::RGB(0xFFF2CC))))?;
    ws.write_string_with_format(1, 2, "与各地市自评表一致", &f.text)?;
    for (i, (label, v, n)) in rows.iter().enumerate() {
        let r = 2 + i as u32;
        ws.write_string_with_format(r, 0, *label, &f.text)?;
        let fmt = if *label == l.year { f.num("0") } else { f.num("0.00") };
        ws.write_number_with_format(r, 1, calc::to_f64(v.unwrap_or_default()), &fmt)?;
        ws.write_string_with_format(r, 2, *n, &f.text)?;
    }
    let input = f.cell(Format::new().set_background_color(Color::RGB(0xFFF2CC)).set_text_wrap());
    for (i, (label, value)) in params.profile.iter().enumerate() {
        let r = 2 + rows.len() as u32 + i as u32;
        ws.write_string_with_format(r, 0, label, &f.text)?;
        ws.write_string_with_format(r, 1, value, &input)?;
        ws.write_string_with_format(r, 2, "表1-1 绩效目标表表头", &f.text)?;
        if value.chars().count() > 20 {
            ws.set_row_height(r, 15.0 * (value.chars().count() as f64 / 15.0).ceil())?;
        }
    }
    Ok(())
}

/// 地市下达: each city's budget, plan and coefficients.
fn cities_sheet(
    wb: &mut Workbook,
    params: &Params,
    form: &FormSpec,
    f: &Formats,
    sample_coefficients: bool,
) -> Result<(), XlsxError> {
    let l = &form.params_layout;
    let ws = wb.add_worksheet();
    ws.set_name(&l.sheet_cities)?;
    let mut headers = vec!["序号", l.city.as_str(), l.budget.as_str()];
    headers.extend(form.measures.iter().map(|m| m.plan_header.as_str()));
    headers.extend([l.fiscal.as_str(), l.performance.as_str(), l.project.as_str(), "说明"]);
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.head)?;
        ws.set_column_width(
            c as u16,
            if c == 0 {
                6.0
            } else if c == headers.len() - 1 {
                36.0
            } else {
                14.0
            },
        )?;
    }
    ws.set_row_height(0, 45)?;
    for (i, city) in params.cities.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &f.text)?;
        ws.write_string_with_format(r, 1, &city.name, &f.text)?;
        ws.write_number_with_format(r, 2, calc::to_f64(city.budget), &f.num("0.00"))?;
        for (j, m) in form.measures.iter().enumerate() {
            let whole = form.field(&m.plan).is_some_and(|f| f.kind == crate::spec::Kind::Count);
            let fmt = if whole { f.num("0") } else { f.num("0.00") };
            let v = calc::to_f64(city.plan.get(&m.key).unwrap_or_default());
            ws.write_number_with_format(r, 3 + j as u16, v, &fmt)?;
        }
        let k = 3 + form.measures.len() as u16;
        ws.write_number_with_format(r, k, calc::to_f64(city.coef.fiscal), &f.num("0"))?;
        ws.write_number_with_format(r, k + 1, calc::to_f64(city.coef.performance), &f.num("0.00"))?;
        ws.write_number_with_format(r, k + 2, calc::to_f64(city.coef.project), &f.num("0.00"))?;
        let remark = if sample_coefficients { "三项系数为示例数据" } else { "" };
        ws.write_string_with_format(r, k + 3, remark, &f.text)?;
    }
    ws.set_freeze_panes(1, 2)?;
    Ok(())
}

/// 因素权重: each factor's weight.
fn weights_sheet(wb: &mut Workbook, params: &Params, form: &FormSpec, f: &Formats) -> Result<(), XlsxError> {
    let l = &form.params_layout;
    let ws = wb.add_worksheet();
    ws.set_name(&l.sheet_weights)?;
    ws.set_column_width(0, 20)?;
    ws.set_column_width(1, 12)?;
    ws.write_string_with_format(0, 0, "因素", &f.head)?;
    ws.write_string_with_format(0, 1, "权重（%）", &f.head)?;
    for (i, m) in form.measures.iter().enumerate() {
        ws.write_string_with_format(1 + i as u32, 0, &m.weight_label, &f.text)?;
        ws.write_number_with_format(
            1 + i as u32,
            1,
            calc::to_f64(params.weights.get(&m.key).unwrap_or_default()),
            &f.num("0"),
        )?;
    }
    Ok(())
}

/// 绩效目标: 表1-1's targets with their 关键词.
fn targets_sheet(wb: &mut Workbook, params: &Params, form: &FormSpec, f: &Formats) -> Result<(), XlsxError> {
    let l = &form.params_layout;
    let ws = wb.add_worksheet();
    ws.set_name(&l.sheet_targets)?;
    for (c, (h, w)) in l.target_headers.iter().zip([12.0, 18.0, 32.0, 8.0, 12.0, 16.0]).enumerate() {
        ws.write_string_with_format(0, c as u16, h, &f.head)?;
        ws.set_column_width(c as u16, w)?;
    }
    let keys = form.target_keys();
    for (i, t) in params.targets.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string_with_format(r, 0, &t.level1, &f.text)?;
        ws.write_string_with_format(r, 1, &t.level2, &f.text)?;
        ws.write_string_with_format(r, 2, &t.level3, &f.text)?;
        ws.write_string_with_format(r, 3, t.op.symbol(), &f.text)?;
        match &t.value {
            TargetValue::Number(d) => ws.write_number_with_format(r, 4, calc::to_f64(*d), &f.num("General"))?,
            TargetValue::Text(s) => ws.write_string_with_format(r, 4, s, &f.num("@"))?,
        };
        let word = keys.iter().find(|(_, k)| *k == t.key).map(|(w, _)| w.as_str()).unwrap_or("");
        ws.write_string_with_format(r, 5, word, &f.text)?;
    }
    Ok(())
}
