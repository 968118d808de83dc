//! Command line: clap definitions and what each command does. Only
//! `main` turns results into exit codes.

use clap::{Parser, Subcommand};
use selfeval::error::Error;
use std::path::PathBuf;

const ABOUT: &str = "城镇老旧小区改造专项资金 绩效自评表校验与汇总工具";
const AFTER_HELP: &str = "示例：
  selfeval 城市自评材料                把文件夹拖到程序上，效果相同：校验并生成汇总
  selfeval run samples/2024 --out 结果  校验并汇总，结果写入“结果”文件夹
  selfeval check 汕头市自评表.xlsx      只校验一个文件（地市自查）
  selfeval template --out 空白自评表.xlsx
  selfeval codes                        列出全部问题代码

退出码：0 未发现错误；1 发现错误（见 report.json）；2 程序无法运行（参数或文件夹有误）。";

#[derive(Parser, Debug)]
#[command(name = "selfeval", version, about = ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(clap::Args, Debug, Clone)]
pub struct InputArgs {
    /// 要校验的文件夹或文件（可多个）
    #[arg(required = true, value_name = "文件夹或文件")]
    pub inputs: Vec<PathBuf>,
    /// 结果文件夹（默认在输入文件夹旁新建“<名称>_校验结果_时间”）
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
    /// 把 report.json 的内容打印到标准输出
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 校验文件夹中的全部地市自评表，并生成省级汇总表（默认命令）
    Run(InputArgs),
    /// 只校验，不生成汇总表（地市报送前自查）
    Check(InputArgs),
    /// 生成空白的地市自评表模板
    Template {
        /// 输出文件
        #[arg(long, value_name = "文件")]
        out: PathBuf,
        /// 预先填好“地市”
        #[arg(long, value_name = "地市")]
        city: Option<String>,
        /// 模板文件夹（默认使用内置的 2024 年模板）
        #[arg(long, value_name = "文件夹")]
        templates: Option<PathBuf>,
    },
    /// 列出全部问题代码及说明
    Codes {
        /// 以 Markdown 表格输出（用于文档）
        #[arg(long)]
        markdown: bool,
    },
}

/// Subcommand names; anything else first on the line is an input path.
const COMMANDS: [&str; 5] = ["run", "check", "template", "codes", "help"];

/// Lets `selfeval <DIR>` (how Windows passes a dropped folder) mean
/// `selfeval run <DIR>`.
pub fn normalize_args(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    if let Some(first) = args.get(1) {
        let s = first.to_string_lossy();
        if !s.starts_with('-') && !COMMANDS.contains(&s.as_ref()) {
            args.insert(1, "run".into());
        }
    }
    args
}

/// Runs a command; `Ok(true)` when error findings were reported.
pub fn dispatch(cli: Cli) -> Result<bool, Error> {
    match cli.command {
        Command::Run(a) => run_inputs(a, true),
        Command::Check(a) => run_inputs(a, false),
        Command::Template {
            out,
            city,
            templates,
        } => {
            let t = match templates {
                Some(d) => selfeval::spec::Templates::from_dir(&d)?,
                None => selfeval::spec::Templates::embedded()?,
            };
            let mut values = std::collections::HashMap::new();
            values.insert(
                "info.version".to_string(),
                selfeval::write::form::Input::Text(t.form.version.clone()),
            );
            values.insert(
                "info.year".to_string(),
                selfeval::write::form::Input::Number(t.form.year.into()),
            );
            values.insert(
                "info.fund".to_string(),
                selfeval::write::form::Input::Text(t.form.fund.clone()),
            );
            values.insert(
                "info.unit".to_string(),
                selfeval::write::form::Input::Text(t.form.unit.clone()),
            );
            if let Some(c) = city {
                values.insert(
                    "info.city".to_string(),
                    selfeval::write::form::Input::Text(c),
                );
            }
            let bytes =
                selfeval::write::form::city_form(&t.form, &values).map_err(|e| Error::Write {
                    path: out.clone(),
                    detail: e.to_string(),
                })?;
            if out.exists() {
                return Err(Error::OutputExists(out));
            }
            selfeval::write::atomic_write(&out, &bytes)?;
            println!("已生成空白自评表：{}", out.display());
            Ok(false)
        }
        Command::Codes { markdown } => {
            print!("{}", selfeval::findings::codes::catalog(markdown));
            Ok(false)
        }
    }
}

fn run_inputs(a: InputArgs, summary: bool) -> Result<bool, Error> {
    let opts = selfeval::RunOptions {
        inputs: a.inputs,
        out: a.out,
        params: a.params,
        templates: a.templates,
        summary,
        progress: !a.quiet,
    };
    let outcome = selfeval::run(&opts)?;
    if a.json {
        let report =
            std::fs::read_to_string(outcome.out_dir.join("report.json")).unwrap_or_default();
        println!("{report}");
    } else if !a.quiet {
        print!("{}", selfeval::terminal_summary(&outcome));
    }
    Ok(outcome.has_errors())
}
