//! What a run writes: each file's feedback (a failure there is that
//! file's SE008, never the end of the run), then the summary, the draft
//! and report.json (a failure there is fatal).

use super::check::FileResult;
use super::Setup;
use crate::error::{Error, Result};
use crate::findings::{self, Finding};
use crate::model::InputReport;
use crate::roster::Roster;
use crate::write::sink::Sink;
use crate::{consolidate, rounds, write};
use rayon::prelude::*;
use std::path::PathBuf;

/// The feedback stage's inputs.
pub struct Feedback<'a> {
    /// When the run started (the host's local time).
    pub now: chrono::DateTime<chrono::FixedOffset>,
    pub round: u32,
    pub comparison: Option<&'a rounds::Comparison>,
}

/// One file's feedback as written: the names in the sink (the 标注副本
/// first), and what making it found (SE006 for a copy not made).
pub struct Written {
    pub names: Vec<String>,
    pub added: Vec<Finding>,
}

impl Feedback<'_> {
    /// Writes each file's 校验报告 (and 标注副本) into the sink's 反馈/.
    /// Returns the files with what writing their feedback found added
    /// (SE006 for a copy that could not be made, SE008 for feedback that
    /// could not be written), and each file's names (`None`: its SE008).
    pub fn write(
        &self,
        files: Vec<FileResult>,
        roster: &Roster,
        setup: &Setup,
        sink: &dyn Sink,
    ) -> (Vec<FileResult>, Vec<Option<Written>>) {
        let results = self.each(&files, roster, setup, sink, |job, fs| {
            // Fault injection for the tests (dev builds only): a disk that
            // refuses this one file's feedback.
            #[cfg(feature = "dev")]
            if std::env::var_os("SELFEVAL_FAULT_FEEDBACK").is_some_and(|v| v.to_string_lossy() == job.name) {
                let at = sink.base().join(write::names::FEEDBACK_DIR).join(job.base);
                return Err(Error::write(at, crate::error::WriteError::Injected));
            }
            let made = job.make(fs)?;
            let mut names = Vec::new();
            for (name, bytes) in made.annotated.iter().chain([&made.report]) {
                let name = format!("{}/{name}", write::names::FEEDBACK_DIR);
                sink.put(&name, bytes)?;
                names.push(name);
            }
            Ok(Written { names, added: made.added })
        });
        merge(files, results, roster, |w| w.added.clone())
    }

    /// `job` on each file's feedback, in parallel where threads exist.
    fn each<R: Send>(
        &self,
        files: &[FileResult],
        roster: &Roster,
        setup: &Setup,
        sink: &dyn Sink,
        job: impl Fn(&write::feedback::CityFeedback, &[Finding]) -> Result<R> + Sync,
    ) -> Vec<Result<R>> {
        let form = &setup.templates.form;
        let time = self.now.format("%Y-%m-%d %H:%M:%S").to_string();
        let mut taken = std::collections::HashSet::new();
        let fb_dir = sink.base().join(write::names::FEEDBACK_DIR);
        let room = write::names::NameRoom::in_dir(&fb_dir);
        let bases: Vec<String> = files
            .iter()
            .zip(&roster.city_of_file)
            .map(|(f, city)| write::names::feedback_base(&f.found.name, city.as_deref(), room, &mut taken))
            .collect();
        let sheet_order: Vec<String> = form.sheets.iter().map(|s| s.name.clone()).collect();
        // On the global pool, one thread a core: the files are written
        // without an fsync each (write::atomic_write), so nothing waits on
        // the disk for long.
        files
            .par_iter()
            .zip(bases.par_iter())
            .zip(roster.city_of_file.par_iter())
            .map(|((file, base), city)| {
                let subject = city.clone().unwrap_or_else(|| file.found.name.clone());
                let entry = city.as_deref().and_then(|c| roster.cities.iter().find(|e| e.city == c));
                let feedback = write::feedback::CityFeedback {
                    source: &file.found.source,
                    name: &file.found.name,
                    format: file.sub.as_ref().map(|s| s.raw.format),
                    city: city.as_deref(),
                    base,
                    dir: &fb_dir,
                    time: &time,
                    form,
                    change: self.comparison.and_then(|c| c.of(&subject)),
                    round: self.round,
                    sheets: &sheet_order,
                    decided: write::decided::Decided {
                        closed: &file.closed,
                        corrections: &file.corrections,
                        left_out: entry.filter(|e| !e.in_totals && !e.left_out.is_empty()).map(|e| e.left_out.as_str()),
                    },
                    parts: entry.and_then(|e| e.submission.as_ref()).map(|s| s.parts.as_slice()).unwrap_or_default(),
                };
                job(&feedback, &file.findings)
            })
            .collect()
    }
}

/// Each file with what its feedback added (`added` of a success; SE008
/// for a failure), and each success.
fn merge<R>(
    files: Vec<FileResult>,
    results: Vec<Result<R>>,
    roster: &Roster,
    added: impl Fn(&R) -> Vec<Finding>,
) -> (Vec<FileResult>, Vec<Option<R>>) {
    let mut out = Vec::with_capacity(files.len());
    let mut done = Vec::with_capacity(files.len());
    for ((file, r), city) in files.into_iter().zip(results).zip(&roster.city_of_file) {
        let extra = match &r {
            Ok(w) => added(w),
            Err(e) => {
                let loc = findings::Loc::file();
                let f = Finding::at(findings::Code::FeedbackNotWritten, &loc, None, None, &e.to_string());
                vec![Finding { file: file.found.name.clone(), city: city.clone(), ..f }]
            }
        };
        done.push(r.ok());
        out.push(file.with_findings(|mut fs| {
            fs.extend(extra);
            fs
        }));
    }
    (out, done)
}

/// The run-wide outputs' inputs.
pub struct Outputs<'a> {
    pub sink: &'a dyn Sink,
    pub now: chrono::DateTime<chrono::FixedOffset>,
    pub round: u32,
    pub comparison: Option<&'a rounds::Comparison>,
    pub setup: &'a Setup,
    pub findings: &'a [Finding],
    pub decisions: &'a crate::decisions::Record,
    pub fingerprint: &'a crate::fingerprint::Fingerprint,
}

impl Outputs<'_> {
    /// Where a run-wide output would be, for an error naming it.
    fn at(&self, name: &str) -> PathBuf {
        self.sink.base().join(name)
    }

    /// 核实与更正.xlsx: this run's open questions and the decisions so far.
    pub fn register(&self, files: &[FileResult], roster: &Roster) -> Result<()> {
        let form = &self.setup.templates.form;
        let rows =
            crate::decisions::sheet::rows(files_findings(files, roster), self.decisions, form, &self.setup.params);
        let title = crate::decisions::sheet::title(form.year, &form.fund);
        let name = crate::decisions::REGISTER_FILE;
        let bytes = write::register::workbook(&title, &self.decisions.state(), &rows)
            .map_err(|e| Error::write(self.at(name), e))?;
        self.sink.put(name, &bytes)?;
        Ok(())
    }

    /// 省级汇总表.xlsx and, unless skipped, the 自评报告 draft.
    pub fn summary_and_draft(&self, s: &consolidate::ProvinceSummary, roster: &Roster, draft: bool) -> Result<()> {
        let t = &self.setup.templates;
        let name = write::names::SUMMARY_FILE;
        let print = write::summary::Print {
            now: self.now,
            date: crate::calc::date_zh(self.now.date_naive()),
            fingerprint: self.fingerprint,
        };
        let groups = t.submission.as_ref().map(|x| x.listing.as_slice()).unwrap_or_default();
        let sent: Vec<(&str, Option<&crate::submission::Received>)> =
            roster.cities.iter().map(|c| (c.city.as_str(), c.submission.as_ref())).collect();
        let listing = crate::submission::listing(groups, &sent);
        let contents = write::summary::Contents {
            summary: s,
            roster,
            comparison: self.comparison,
            findings: self.findings,
            decisions: self.decisions,
            form: &t.form,
            listing: &listing,
        };
        let bytes = write::summary::summary_workbook(&t.summary_template, &t.summary, &contents, &print)
            .map_err(|e| Error::write(self.at(name), e))?;
        self.sink.put(name, &bytes)?;
        if let (true, Some(report)) = (draft, &t.report) {
            let name = write::names::DRAFT_FILE;
            let generated = self.now.format("%Y-%m-%d %H:%M").to_string();
            let bytes = write::draft::draft(report, &t.summary, &contents, &generated, self.fingerprint.short())
                .map_err(|e| Error::write(self.at(name), e))?;
            self.sink.put(name, &bytes)?;
        }
        Ok(())
    }

    /// report.json.
    pub fn report_json(
        &self,
        inputs: &[InputReport],
        missing_cities: &[String],
        roster: Option<&Roster>,
        summary: Option<&consolidate::ProvinceSummary>,
    ) -> Result<()> {
        self.sink.put("report.json", &self.report_bytes(inputs, missing_cities, roster, summary))?;
        Ok(())
    }

    /// report.json's bytes.
    pub fn report_bytes(
        &self,
        inputs: &[InputReport],
        missing_cities: &[String],
        roster: Option<&Roster>,
        summary: Option<&consolidate::ProvinceSummary>,
    ) -> Vec<u8> {
        let report = write::json::Report {
            schema: write::json::SCHEMA,
            tool: "selfeval",
            version: env!("CARGO_PKG_VERSION"),
            generated_at: self.now.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            round: self.round,
            previous: self.comparison,
            templates: &self.setup.templates.origin,
            params: &self.setup.params.origin,
            inputs,
            missing_cities: missing_cities.to_vec(),
            cities: roster.map(|r| r.cities.as_slice()),
            findings: write::json::shown(self.findings, &self.setup.templates.form),
            totals: summary.map(|s| write::json::totals(s, &self.setup.templates.summary)),
            decisions: write::json::RecordShown::new(self.decisions, &self.setup.templates.form),
            fingerprint: self.fingerprint,
        };
        write::json::to_bytes(&report)
    }
}

/// The open findings a register asks about: those of the files that stand
/// for a city, and of files filed under none.
fn files_findings<'a>(files: &'a [FileResult], roster: &'a Roster) -> Vec<&'a Finding> {
    let used: std::collections::HashSet<usize> = roster.cities.iter().filter_map(|c| c.used).collect();
    files
        .iter()
        .enumerate()
        .filter(|(i, _)| used.contains(i) || roster.city_of_file.get(*i).is_none_or(|c| c.is_none()))
        .flat_map(|(_, f)| f.findings.iter())
        .filter(|f| f.severity != findings::Severity::Info)
        .collect()
}
