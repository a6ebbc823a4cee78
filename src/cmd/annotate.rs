//! `check --annotate DIR`: writes the annotated copy of each checked workbook that has findings
//! (or accepted findings, listed as 已接受).
//! The engine (`formlint::annotate`) makes the bytes; this file only picks paths and writes.

use formlint::annotate::annotate_report;
use formlint::outcome::FileReport;
use std::path::{Path, PathBuf};

/// Writes `DIR/<path relative to its argument>` for a checked workbook with findings or accepted
/// findings, from the
/// bytes the check already read; prints
/// what went wrong to stderr and returns `false` when the copy could not be written.
pub fn write(
    dir: &Path,
    args: &[PathBuf],
    input: &Path,
    bytes: &[u8],
    report: &FileReport,
) -> bool {
    let unreadable = report.findings.iter().any(|f| {
        f.code == formlint::codes::UNREADABLE.code || f.code == formlint::codes::ENCRYPTED.code
    });
    if (report.findings.is_empty() && report.accepted.is_empty()) || unreadable {
        return true;
    }
    // Only OOXML workbooks are annotated (by content, whatever the extension): the other
    // formats are read, not written.
    let name = input.display().to_string().replace('\\', "/");
    match formlint::run::annotatable(&name, bytes) {
        Ok(()) => {}
        Err(Some(format)) => {
            eprintln!(
                "formlint: {name} 是{format}，批注副本只能为 .xlsx/.xlsm 工作簿生成，未写出 (--annotate writes xlsx only)"
            );
            return true;
        }
        Err(None) => return true,
    }
    match copy(dir, args, input, bytes, report) {
        Ok(()) => true,
        Err(e) => {
            eprintln!(
                "formlint: 无法写出 {} 的批注副本：{e}",
                input.display().to_string().replace('\\', "/")
            );
            false
        }
    }
}

/// Where the copy goes: the path inside the folder argument it was found in, or its file name.
pub fn target(dir: &Path, args: &[PathBuf], input: &Path) -> PathBuf {
    let rel = args
        .iter()
        .filter(|a| a.is_dir())
        .find_map(|a| input.strip_prefix(a).ok())
        .map(Path::to_path_buf)
        .or_else(|| input.file_name().map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("workbook.xlsx"));
    dir.join(rel)
}

fn copy(
    dir: &Path,
    args: &[PathBuf],
    input: &Path,
    bytes: &[u8],
    report: &FileReport,
) -> Result<(), String> {
    let out = target(dir, args, input);
    let parent = out.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    let same = match (std::fs::canonicalize(input), std::fs::canonicalize(parent)) {
        (Ok(i), Ok(p)) => out.file_name().is_some_and(|n| p.join(n) == i),
        _ => false,
    };
    if same {
        return Err("输出文件就是输入文件，不会覆盖原表 (--annotate 需要另一个文件夹)".into());
    }
    let annotated = annotate_report(bytes, report).map_err(|e| e.to_string())?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = parent.join(format!(".{name}.formlint-{}.tmp", std::process::id()));
    std::fs::write(&tmp, &annotated).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, &out).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: {e}", out.display())
    })
}
