//! Command line: clap definitions in Chinese, the drag-and-drop form
//! (`selfeval <DIR>`), and what each command does. Only `main` turns
//! results into exit codes.

use clap::{ArgAction, Parser, Subcommand};
use selfeval::error::Error;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Names no fund: the fund is the template set's (the built-in one by
/// default, another with --templates).
const ABOUT: &str = "专项资金绩效自评表校验与汇总工具（默认使用内置模板；其他资金或年度用 --templates 选择模板文件夹）";
const TEMPLATE: &str = "{about}\n\n用法：{usage}\n\n{all-args}{after-help}";
const AFTER_HELP: &str = "示例：
  selfeval 城市自评材料                 把文件夹拖到程序图标上，效果相同：校验并生成汇总
  selfeval run samples/2024 --out 结果   校验并汇总，结果写入“结果”文件夹
  selfeval run 甲文件夹 乙文件夹 丙.xlsx  多个文件夹和文件一起处理
  selfeval check 汕头市自评表.xlsx       只校验一个文件（地市报送前自查）
  selfeval template --out 空白自评表.xlsx --city 汕头市
  selfeval run 材料 --templates templates/green-building/2024   另一项资金（按其模板文件夹）
  selfeval allocate --params 2025年省级参数表.xlsx --out 分配测算.xlsx
  selfeval verify 结果/省级汇总表.xlsx 材料   核验汇总表的数字是否与材料完全一致
  selfeval codes                         列出全部问题代码

退出码：0 未发现错误；1 发现错误（见 report.json 和 反馈/ 文件夹）；2 程序无法运行（参数或文件有误）。";

#[derive(Parser, Debug)]
#[command(
    name = "selfeval",
    version,
    // No ANSI colour codes: an old Windows console prints them as garbage.
    color = clap::ColorChoice::Never,
    about = ABOUT,
    after_help = AFTER_HELP,
    help_template = TEMPLATE,
    override_usage = "selfeval [选项] <命令>\n      selfeval <文件夹或文件>...    （等同于 selfeval run）",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_help_heading = "命令",
    subcommand_value_name = "命令",
    next_help_heading = "选项"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// 结束时不等待按回车键（双击或拖放启动时默认会等待）
    #[arg(long, global = true)]
    pub no_pause: bool,
    /// 显示帮助
    #[arg(short = 'h', long, action = ArgAction::Help, global = true)]
    pub help: Option<bool>,
    /// 显示版本
    #[arg(short = 'V', long, action = ArgAction::Version)]
    pub version: Option<bool>,
}

#[derive(clap::Args, Debug, Clone)]
#[command(next_help_heading = "选项")]
pub struct InputArgs {
    /// 要校验的文件夹或文件（可多个）
    #[arg(required = true, value_name = "文件夹或文件", help_heading = "参数")]
    pub inputs: Vec<PathBuf>,
    /// 结果文件夹（默认在第一个输入旁新建“<名称>_校验结果_时间”）
    #[arg(long, value_name = "文件夹")]
    pub out: Option<PathBuf>,
    /// 省级参数表（默认使用内置的 2024 年参数）
    #[arg(long, value_name = "文件")]
    pub params: Option<PathBuf>,
    /// 模板文件夹（默认使用内置的 2024 年模板）
    #[arg(long, value_name = "文件夹")]
    pub templates: Option<PathBuf>,
    /// 不显示进度和汇总信息
    #[arg(long, short)]
    pub quiet: bool,
    /// 把 report.json 的内容打印到标准输出（代替中文摘要）
    #[arg(long)]
    pub json: bool,
    /// 不生成各市反馈文件（只写 report.json 和汇总表，用于快速批量检查）
    #[arg(long)]
    pub no_feedback: bool,
    /// 与指定的上次结果文件夹比较（默认自动找输入旁最近一次的“_校验结果_”文件夹）
    #[arg(long, value_name = "文件夹", conflicts_with = "no_previous")]
    pub previous: Option<PathBuf>,
    /// 不与上次结果比较（按第 1 轮处理）
    #[arg(long)]
    pub no_previous: bool,
    /// 不生成《自评报告（初稿）》Word 文档
    #[arg(long)]
    pub no_report: bool,
    /// 采用指定的“核实与更正.xlsx”（默认采用上次结果文件夹中的登记表）
    #[arg(long, value_name = "文件")]
    pub decisions: Option<PathBuf>,
    /// 只在定稿时输出：尚有未处理的问题或未计入合计的地市时，不写任何文件，列出未完成事项并返回 1
    #[arg(long = "final")]
    pub final_only: bool,
    /// 单个文件最长处理时间（秒，默认 30）；超时的文件记为 SE009，其他文件照常汇总
    #[arg(long, value_name = "秒", value_parser = parse_seconds)]
    pub file_timeout: Option<std::time::Duration>,
}

/// A `--file-timeout` that is not a positive number of seconds.
#[derive(Debug, thiserror::Error)]
#[error("“{0}”不是有效的秒数（应为大于 0 的数字，如 30）")]
struct BadSeconds(String);

/// A positive number of seconds ("30", "0.5").
fn parse_seconds(text: &str) -> Result<std::time::Duration, BadSeconds> {
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s < 86_400.0 => Ok(std::time::Duration::from_secs_f64(s)),
        _ => Err(BadSeconds(text.to_string())),
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 校验全部地市自评表，生成省级汇总表和各市反馈（默认命令）
    #[command(help_template = TEMPLATE, override_usage = "selfeval run [选项] <文件夹或文件>...")]
    Run(InputArgs),
    /// 只校验并生成反馈，不生成汇总表（地市报送前自查）
    #[command(help_template = TEMPLATE, override_usage = "selfeval check [选项] <文件夹或文件>...")]
    Check(InputArgs),
    /// 生成空白的地市自评表模板；加 --summary 同时生成省级汇总表模板（用于制作新年度模板）
    #[command(
        help_template = TEMPLATE,
        next_help_heading = "选项",
        override_usage = "selfeval template --out <文件> [--city <地市>] [--templates <文件夹>] [--summary <文件>]"
    )]
    Template {
        /// 输出文件
        #[arg(long, value_name = "文件")]
        out: PathBuf,
        /// 预先填好“地市”
        #[arg(long, value_name = "地市")]
        city: Option<String>,
        /// 模板文件夹（默认使用内置的 2024 年模板）；只需 form.toml 和 summary.toml
        #[arg(long, value_name = "文件夹")]
        templates: Option<PathBuf>,
        /// 同时按 summary.toml 生成省级汇总表模板，写到此文件（如 templates/2025/省级汇总表模板.xlsx）
        #[arg(long, value_name = "文件")]
        summary: Option<PathBuf>,
    },
    /// 按因素法测算各市资金分配，单独输出“资金分配测算”表（用于编制下一年度分配方案）
    #[command(
        help_template = TEMPLATE,
        next_help_heading = "选项",
        override_usage = "selfeval allocate --out <文件> [--params <省级参数表>]"
    )]
    Allocate {
        /// 输出文件
        #[arg(long, value_name = "文件")]
        out: PathBuf,
        /// 省级参数表（默认使用内置的 2024 年参数）
        #[arg(long, value_name = "文件")]
        params: Option<PathBuf>,
        /// 模板文件夹（默认使用内置的 2024 年模板）
        #[arg(long, value_name = "文件夹")]
        templates: Option<PathBuf>,
    },
    /// 核验省级汇总表：按材料重新计算，检查表中数字是否与材料完全一致、材料是否与定稿时相同
    #[command(
        help_template = TEMPLATE,
        next_help_heading = "选项",
        override_usage = "selfeval verify <省级汇总表.xlsx> <材料文件夹> [--decisions <登记表>] [--templates <文件夹>] [--params <文件>]"
    )]
    Verify {
        /// 要核验的省级汇总表（可以是在 Excel、WPS 中打开并保存过的）
        #[arg(value_name = "省级汇总表", help_heading = "参数")]
        summary: PathBuf,
        /// 生成该汇总表所用的材料文件夹
        #[arg(value_name = "材料文件夹", help_heading = "参数")]
        inputs: PathBuf,
        /// 生成时采用的“核实与更正.xlsx”（默认用上一轮结果文件夹中的登记表）
        #[arg(long, value_name = "文件")]
        decisions: Option<PathBuf>,
        /// 生成时所用的模板文件夹（默认使用内置的 2024 年模板）
        #[arg(long, value_name = "文件夹")]
        templates: Option<PathBuf>,
        /// 生成时所用的省级参数表（默认使用模板中的参数表）
        #[arg(long, value_name = "文件")]
        params: Option<PathBuf>,
        /// 生成时比较的上一轮结果文件夹（默认按汇总表“核验指纹”中记录的名称在材料文件夹旁查找）
        #[arg(long, value_name = "文件夹")]
        previous: Option<PathBuf>,
    },
    /// 列出全部问题代码及说明
    #[command(help_template = TEMPLATE, next_help_heading = "选项", override_usage = "selfeval codes [--markdown]")]
    Codes {
        /// 以 Markdown 表格输出（用于文档）
        #[arg(long)]
        markdown: bool,
    },
}

/// Subcommand names; anything else first on the line is an input path.
const COMMANDS: [&str; 6] = ["run", "check", "template", "allocate", "verify", "codes"];

/// Lets `selfeval <DIR>…` (how Windows passes dropped folders) mean
/// `selfeval run <DIR>…`.
pub fn normalize_args(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let first_free = args.iter().skip(1).position(|a| a.to_string_lossy() != "--no-pause").map(|i| i + 1);
    if let Some(i) = first_free {
        let s = args[i].to_string_lossy();
        if !s.starts_with('-') && !COMMANDS.contains(&s.as_ref()) {
            args.insert(i, "run".into());
        }
    }
    args
}

/// What clap's error says, in Chinese.
pub fn usage_error_zh(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ErrorKind};
    let arg = e.get(ContextKind::InvalidArg).map(|v| v.to_string()).unwrap_or_default();
    let what = match e.kind() {
        ErrorKind::UnknownArgument => format!("不认识的选项：{arg}"),
        ErrorKind::InvalidSubcommand => format!("不认识的命令：{arg}"),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand => "缺少命令".to_string(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => format!("参数值有误：{arg}"),
        ErrorKind::TooManyValues | ErrorKind::ArgumentConflict => format!("参数有误：{arg}"),
        _ => "参数有误".to_string(),
    };
    format!("错误：{what}\n运行 selfeval --help 查看用法和示例。")
}

/// Shown when started with nothing to do (a double-click on the exe).
pub const NOTHING_TO_DO: &str = "selfeval：专项资金绩效自评表校验与汇总工具

用法：把装有各地市自评表的文件夹拖到 selfeval 程序图标上，松开即可。
      结果会放在该文件夹旁边新建的“<文件夹名>_校验结果_日期时间”文件夹里。
在命令行中可运行 selfeval --help 查看全部用法。";

/// Whether to wait for Enter before exiting: only when the program has a
/// console window of its own (double-click or drop on Windows) and a
/// person can answer it.
pub fn should_pause(no_pause: bool, stdin_is_terminal: bool, owns_console: bool) -> bool {
    !no_pause && stdin_is_terminal && owns_console
}

/// True when this process is the only one attached to its console, which
/// is how Windows starts a console program that was double-clicked or had
/// files dropped on it. Elsewhere a terminal always belongs to a shell.
#[cfg(windows)]
pub fn owns_console() -> bool {
    #[link(name = "kernel32")]
    extern "system" {
        fn GetConsoleProcessList(list: *mut u32, count: u32) -> u32;
    }
    let mut ids = [0u32; 4];
    // SAFETY: the buffer holds `ids.len()` u32s, as the call is told.
    let n = unsafe { GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) };
    n == 1
}

#[cfg(not(windows))]
pub fn owns_console() -> bool {
    std::env::var_os("SELFEVAL_OWNS_CONSOLE").is_some()
}

/// Waits for Enter if [`should_pause`] says so.
pub fn pause_if_needed(no_pause: bool) {
    if should_pause(no_pause, std::io::stdin().is_terminal(), owns_console()) {
        eprintln!("\n按回车键退出……");
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    }
}

/// Runs a command; `Ok(true)` when error findings were reported.
pub fn dispatch(command: Command) -> Result<bool, Error> {
    match command {
        Command::Run(a) => run_inputs(a, true),
        Command::Check(a) => run_inputs(a, false),
        Command::Template { out, city, templates, summary } => template(&out, city, templates.as_deref(), summary),
        Command::Allocate { out, params, templates } => allocate(out, params.as_deref(), templates.as_deref()),
        Command::Verify { summary, inputs, decisions, templates, params, previous } => {
            let opts = selfeval::verify::VerifyOptions { summary, inputs, decisions, templates, params, previous };
            let v = selfeval::verify::verify(&opts)?;
            print!("{}", crate::console::verification(&v, &opts.summary));
            Ok(!v.holds())
        }
        Command::Codes { markdown } => {
            print!("{}", selfeval::write::catalog::catalog(markdown));
            Ok(false)
        }
    }
}

/// `selfeval template`: a blank city form, and the summary template.
fn template(
    out: &std::path::Path,
    city: Option<String>,
    templates: Option<&std::path::Path>,
    summary: Option<PathBuf>,
) -> Result<bool, Error> {
    use selfeval::write::form::Input;
    // Only the two specs: a new year's folder has no workbooks yet.
    let (form, summary_spec) = match &templates {
        Some(d) => selfeval::spec::specs_from_dir(d)?,
        None => selfeval::spec::embedded_specs()?,
    };
    for p in std::iter::once(out).chain(summary.as_deref()) {
        if p.exists() {
            return Err(selfeval::write::Failure::OutputExists(p.to_path_buf()).into());
        }
    }
    let bands = match &templates {
        Some(d) => {
            let p = d.join(selfeval::spec::CHECKS_FILE);
            let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
            selfeval::spec::Bands::from_toml(&text, &p.display().to_string(), &form)?
        }
        None => selfeval::spec::embedded_bands()?,
    };
    // The 地市 dropdown lists the issued cities when that year's
    // params workbook is already in place; a new year's set may not
    // have it yet, and the form is still complete without.
    let params_bytes = match &templates {
        Some(d) => std::fs::read(d.join(selfeval::spec::PARAMS_FILE)).ok(),
        None => Some(selfeval::spec::embedded_params().to_vec()),
    };
    let cities: Vec<String> = params_bytes
        .and_then(|b| selfeval::params::from_bytes(b, "省级参数表", &form, "模板").ok())
        .map(|p| p.cities.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    let mut values = std::collections::HashMap::new();
    if let (Some(c), Some(id)) = (city, form.role(selfeval::spec::Role::City)) {
        values.insert(id.to_string(), Input::Text(c));
    }
    let book = selfeval::write::form::FormBook { form: &form, bands: &bands, cities: &cities };
    let bytes = selfeval::write::form::city_form(&book, &values)
        .map_err(|e| Error::write(out, selfeval::error::WriteError::Form(e)))?;
    selfeval::write::atomic_write(out, &bytes)?;
    println!("已生成 {} 年空白自评表：{}", form.year, out.display());
    if let Some(p) = summary {
        let bytes = selfeval::write::template::workbook(&summary_spec)
            .map_err(|e| Error::write(&p, selfeval::error::WriteError::SummaryTemplate(e)))?;
        selfeval::write::atomic_write(&p, &bytes)?;
        println!("已生成 {} 年省级汇总表模板：{}", form.year, p.display());
    }
    Ok(false)
}

/// `selfeval allocate`: the factor-method allocation from the params.
fn allocate(
    out: PathBuf,
    params: Option<&std::path::Path>,
    templates: Option<&std::path::Path>,
) -> Result<bool, Error> {
    let setup = selfeval::stages::Setup::load(templates, params)?;
    let (t, p) = (&setup.templates, &setup.params);
    if out.exists() {
        return Err(selfeval::write::Failure::OutputExists(out).into());
    }
    let a = selfeval::allocate::allocate(p)?;
    let bytes = selfeval::write::summary::allocation_workbook(&t.summary_template, &t.summary, &a)
        .map_err(|e| Error::write(&out, e))?;
    selfeval::write::atomic_write(&out, &bytes)?;
    println!("参数：{}", p.origin);
    println!("可分配给各市的资金 {} 万元，按因素法测算（取整到万元）：", selfeval::calc::fmt_num(a.available));
    for r in &a.rows {
        println!(
            "  {}  测算 {} 万元，下达 {} 万元，差额 {}",
            r.city,
            selfeval::calc::fmt_num(r.rounded),
            selfeval::calc::fmt_num(r.issued),
            selfeval::calc::fmt_num(r.diff)
        );
    }
    println!("已生成：{}", out.display());
    Ok(false)
}

fn run_inputs(a: InputArgs, summary: bool) -> Result<bool, Error> {
    let opts = selfeval::RunOptions {
        inputs: a.inputs,
        out: a.out,
        params: a.params,
        templates: a.templates,
        summary,
        no_feedback: a.no_feedback,
        previous: a.previous,
        no_previous: a.no_previous,
        no_report: a.no_report,
        file_timeout: a.file_timeout,
        decisions: a.decisions,
        final_only: a.final_only,
    };
    let bar = crate::console::Bar::new(!a.quiet && !a.json);
    let outcome = selfeval::run_with(&opts, &bar)?;
    if outcome.held {
        print!("{}", crate::console::not_final(&outcome));
        return Ok(true);
    }
    if a.json {
        let report = std::fs::read_to_string(outcome.out_dir.join("report.json"))
            .map_err(|e| Error::io(outcome.out_dir.join("report.json"), e))?;
        println!("{report}");
    } else if !a.quiet {
        print!("{}", crate::console::summary(&outcome));
    }
    Ok(outcome.has_errors())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<std::ffi::OsString> {
        v.iter().map(|s| s.into()).collect()
    }

    #[test]
    fn a_dropped_folder_means_run() {
        assert_eq!(normalize_args(os(&["selfeval", "材料"])), os(&["selfeval", "run", "材料"]));
        assert_eq!(normalize_args(os(&["selfeval", "a", "b"])), os(&["selfeval", "run", "a", "b"]));
        assert_eq!(normalize_args(os(&["selfeval", "--no-pause", "a"])), os(&["selfeval", "--no-pause", "run", "a"]));
        assert_eq!(normalize_args(os(&["selfeval", "check", "a"])), os(&["selfeval", "check", "a"]));
        assert_eq!(normalize_args(os(&["selfeval", "--help"])), os(&["selfeval", "--help"]));
    }

    #[test]
    fn pauses_only_with_its_own_console_and_a_person() {
        assert!(should_pause(false, true, true));
        assert!(!should_pause(true, true, true), "--no-pause");
        assert!(!should_pause(false, false, true), "stdin not a terminal");
        assert!(!should_pause(false, true, false), "started from a shell");
    }

    #[test]
    fn the_command_definition_is_valid() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
