//! The emitter writes, piece by piece, exactly what each format's whole-run renderer writes, so
//! streaming changes when text appears and never what it says.

use super::*;
use crate::pack;
use crate::run::{self, CheckOptions};
use crate::sheet::Sheet;

/// A checked file: its report and the sheets it was read from.
type Checked = (FileReport, Vec<Sheet>);

/// The seed forms checked with the embedded pack, with their sheets, plus a file that could
/// not be read (no sheets).
fn seed() -> (Ruleset, Vec<RuleMeta>, Vec<Checked>) {
    let pack = pack::load(&pack::embedded(), "<embedded>/").expect("embedded pack loads");
    let (dir, names) = super::formats_tests::seed_names();
    let mut files = vec![(
        FileReport {
            checked: Vec::new(),
            accepted: Vec::new(),
            path: "missing.xlsx".to_string(),
            forms: 0,
            findings: vec![crate::codes::UNREADABLE.finding("文件不存在 (no such file)")],
        },
        Vec::new(),
    )];
    for n in names {
        let bytes = std::fs::read(format!("{dir}/{n}")).expect("seed form");
        let checked = run::check_file(
            &pack,
            &format!("seed/{n}"),
            &bytes,
            &CheckOptions::default(),
        );
        files.push((checked.report, checked.sheets));
    }
    let ruleset = Ruleset {
        name: pack.manifest.name.clone(),
        version: pack.manifest.version.clone(),
    };
    (ruleset, pack.rule_meta(), files)
}

/// Runs `files` through the emitter for `format`: the text written, the pieces it came in, and
/// the statistics left for stderr.
fn emit(format: Format, run: RunInfo, files: &[Checked]) -> (String, usize, String) {
    let mut text = String::new();
    let mut pieces = 0;
    let mut out = |piece: &str| {
        text.push_str(piece);
        pieces += 1;
    };
    let mut emitter = Emitter::new(format, run);
    emitter.begin(&mut out);
    for (report, sheets) in files {
        let kept = emitter.sheet_use().take(report, sheets);
        emitter.file(report.clone(), kept, &mut out);
    }
    let aside = emitter.statistics_aside();
    let totals = emitter.finish(&mut out);
    let reports: Vec<FileReport> = files.iter().map(|(r, _)| r.clone()).collect();
    assert_eq!(totals, Totals::of(&reports), "{format:?} totals");
    (text, pieces, aside)
}

fn run_info<'r>(ruleset: &'r Ruleset, rules: &'r [RuleMeta]) -> RunInfo<'r> {
    RunInfo {
        ruleset,
        rules,
        human: HumanOptions::default(),
        quiet: false,
        statistics: true,
        show_accepted: false,
    }
}

#[test]
fn every_format_writes_what_its_renderer_writes() {
    let (ruleset, rules, files) = seed();
    let reports: Vec<FileReport> = files.iter().map(|(r, _)| r.clone()).collect();
    let names: Vec<Vec<String>> = files
        .iter()
        .map(|(_, s)| s.iter().map(|s| s.name.clone()).collect())
        .collect();
    let statistics = render_statistics(&reports);
    let mut human = String::new();
    for (r, s) in files.iter().filter(|(r, _)| !r.findings.is_empty()) {
        human.push_str(&format!(
            "{}\n",
            render_human(r, s, &HumanOptions::default())
        ));
    }
    human.push_str(&format!("{}\n{statistics}", render_summary(&reports)));
    let expected = [
        (Format::Human, human),
        (
            Format::Json,
            format!("{}\n", render_json(&ruleset, &reports)),
        ),
        (
            Format::Sarif,
            format!("{}\n", render_sarif(&ruleset, &rules, &reports)),
        ),
        (Format::Junit, render_junit(&ruleset, &reports, &names)),
        (Format::Github, render_github(&reports)),
        (Format::Csv, render_csv(&reports)),
        (Format::Html, render_html(&ruleset, &files)),
    ];
    for (format, want) in expected {
        let (text, _, aside) = emit(format, run_info(&ruleset, &rules), &files);
        assert!(text == want, "{format:?} differs from its renderer");
        let want_aside = if format == Format::Human {
            ""
        } else {
            &statistics
        };
        assert_eq!(aside, want_aside, "{format:?} statistics aside");
    }
}

#[test]
fn streaming_formats_write_as_files_complete() {
    let (ruleset, rules, files) = seed();
    for format in [Format::Human, Format::Json, Format::Github, Format::Csv] {
        let (_, pieces, _) = emit(format, run_info(&ruleset, &rules), &files);
        assert!(pieces > files.len() / 2, "{format:?} wrote {pieces} pieces");
    }
    for format in [Format::Sarif, Format::Junit, Format::Html] {
        let (_, pieces, _) = emit(format, run_info(&ruleset, &rules), &files);
        assert_eq!(pieces, 1, "{format:?} writes the whole document at the end");
    }
}

#[test]
fn quiet_human_output_is_the_summary_alone() {
    let (ruleset, rules, files) = seed();
    let run = RunInfo {
        quiet: true,
        statistics: false,
        show_accepted: false,
        ..run_info(&ruleset, &rules)
    };
    let reports: Vec<FileReport> = files.iter().map(|(r, _)| r.clone()).collect();
    let (text, _, aside) = emit(Format::Human, run, &files);
    assert_eq!(text, format!("{}\n", render_summary(&reports)));
    assert_eq!(aside, "");
    assert_eq!(
        Emitter::new(Format::Human, run).sheet_use(),
        SheetUse::Nothing
    );
}

#[test]
fn an_empty_run_is_a_whole_document() {
    let (ruleset, rules, _) = seed();
    let (json, _, _) = emit(Format::Json, run_info(&ruleset, &rules), &[]);
    assert_eq!(json, format!("{}\n", render_json(&ruleset, &[])));
    let (csv, _, _) = emit(Format::Csv, run_info(&ruleset, &rules), &[]);
    assert_eq!(csv, render_csv(&[]));
}
