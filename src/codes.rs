//! The registry of the engine's own codes (`X001` …): what the engine says about its input,
//! as opposed to what a pack's rules say about a form.
//!
//! One table, in the shape of ruff's `codes.rs`: every place that makes such a finding takes
//! its code, severity and title from here, and so do SARIF rule metadata, `formlint rules
//! explain X006` and the generated docs. A new input code is one entry below.

use crate::finding::{Finding, Severity};

/// One engine code: its identity and the words reports show for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// The stable code (`X001`).
    pub code: &'static str,
    /// The severity every finding with this code has.
    pub severity: Severity,
    /// Chinese title, as reports show it.
    pub title: &'static str,
    /// English title, beside the Chinese one.
    pub title_en: &'static str,
    /// What the code means and what the filer can do (Chinese first).
    pub description: &'static str,
}

impl Code {
    /// A finding with this code about a whole file (no sheet, no cell).
    pub fn finding(&self, message: impl Into<String>) -> Finding {
        Finding {
            code: self.code.to_string(),
            severity: self.severity,
            title: self.title.to_string(),
            message: message.into(),
            sheet: None,
            at: None,
            related: Vec::new(),
            help: None,
        }
    }

    /// A finding with this code inside one sheet (or canonical form).
    pub fn on_sheet(&self, sheet: &str, message: impl Into<String>) -> Finding {
        Finding {
            sheet: Some(sheet.to_string()),
            ..self.finding(message)
        }
    }
}

/// The file could not be read (missing, corrupt, unsupported, too large).
pub const UNREADABLE: Code = Code {
    code: "X001",
    severity: Severity::Error,
    title: "无法读取文件",
    title_en: "File cannot be read",
    description: "文件不存在、已损坏、格式不受支持或超出读取上限。请用 Excel 打开确认，另存为 .xlsx 后重新提交。",
};

/// The workbook is encrypted or password-protected.
pub const ENCRYPTED: Code = Code {
    code: "X002",
    severity: Severity::Error,
    title: "工作簿已加密",
    title_en: "Workbook is encrypted",
    description: "工作簿设置了打开密码，无法读取。请取消密码后另存为 .xlsx 再提交。",
};

/// A sheet that is not a self-evaluation form was skipped.
pub const NOT_A_FORM: Code = Code {
    code: "X003",
    severity: Severity::Info,
    title: "不是自评表，已跳过",
    title_en: "Sheet is not a form (skipped)",
    description: "工作表中没有自评表的标志性标签，未检查。",
};

/// The file holds no form at all.
pub const NO_FORM: Code = Code {
    code: "X004",
    severity: Severity::Error,
    title: "文件中没有自评表",
    title_en: "No form in file",
    description: "文件中任何工作表都不是项目支出绩效自评表。请确认提交的是自评表。",
};

/// A sheet looks like a form but lacks required labels or headers, or a value cannot be
/// placed with confidence (its cell holds another label; a header half matches).
pub const INCOMPLETE: Code = Code {
    code: "X005",
    severity: Severity::Error,
    title: "自评表缺少必要的栏目",
    title_en: "Form lacks required labels",
    description:
        "工作表像是自评表或申报表，但缺少模板中的栏目标签或表头，或某项的取值位置是另一个标签、某个表头只部分相符，无法确定取值。请使用标准模板，不要删除或改写栏目标签。",
};

/// Text filed where the layout wants a number.
pub const TEXT_IN_NUMBER: Code = Code {
    code: "X006",
    severity: Severity::Error,
    title: "数值单元格填写了文字",
    title_en: "Text in a number cell",
    description: "该单元格应填写数字；不适用时填“—”，说明文字请写在偏差原因分析及改进措施栏。",
};

/// A suppression or acceptance that took no effect (or lacks its reason).
pub const UNUSED_SUPPRESSION: Code = Code {
    code: "X007",
    severity: Severity::Warning,
    title: "未使用的豁免",
    title_en: "Suppression had no effect",
    description: "formlint.toml 或批注中的忽略/接受没有匹配任何检查结果，或缺少理由。",
};

/// A folder or argument held no file to check.
pub const NOTHING_TO_CHECK: Code = Code {
    code: "X008",
    severity: Severity::Error,
    title: "没有可检查的文件",
    title_en: "Nothing to check",
    description: "文件夹中没有可检查的文件。",
};

/// A rule of the pack could not run on a form.
pub const RULE_FAILED: Code = Code {
    code: "X009",
    severity: Severity::Error,
    title: "规则无法执行",
    title_en: "Rule failed to run",
    description: "规则包中的一条规则在本表上无法执行。这是规则包的问题，请联系规则维护人员。",
};

/// A number or date filed where the layout wants words.
pub const NUMBER_IN_WORDS: Code = Code {
    code: "X010",
    severity: Severity::Warning,
    title: "文字单元格填写了数字",
    title_en: "Number in a words cell",
    description: "该单元格应填写文字（名称），却填写了数字或日期，可能填错了列。",
};

/// No built-in pack covers the fiscal year a file states.
pub const NO_PACK_FOR_YEAR: Code = Code {
    code: "X011",
    severity: Severity::Info,
    title: "没有该年度的规则包",
    title_en: "No built-in pack for the fiscal year",
    description: "文件所属年度没有内置规则包，已使用默认规则包检查。",
};

/// A file was checked by the built-in pack for its own fiscal year.
pub const PACK_FOR_YEAR: Code = Code {
    code: "X012",
    severity: Severity::Info,
    title: "按年度选用规则包",
    title_en: "Pack chosen by fiscal year",
    description: "文件按其所属年度的内置规则包检查，而不是本次运行指定的规则包。",
};

/// A number too large (or too precise) to compute with: its value is unknown.
pub const OUT_OF_RANGE: Code = Code {
    code: "X013",
    severity: Severity::Error,
    title: "数值超出范围",
    title_en: "Number out of range",
    description: "数值过大，超出可计算的范围（约 ±7.9×10²⁸），按无法识别处理，相关检查不再使用它。请核对该数值。",
};

/// A cell whose stored value cannot be read (unknown error value, malformed number or
/// boolean, string index out of range, reference past the sheet's last row or column).
pub const BAD_CELL: Code = Code {
    code: "X014",
    severity: Severity::Error,
    title: "单元格内容无法识别",
    title_en: "Cell value cannot be read",
    description: "该单元格保存的内容不合规范（未知的错误值、格式错误的数字或逻辑值、超出工作表范围的位置等），按无法识别处理（相关检查不再使用它），其余单元格照常读取。请在 Excel 中重新填写该单元格。",
};

/// The engine failed on this file (an internal error, caught at the file boundary).
pub const INTERNAL: Code = Code {
    code: "X015",
    severity: Severity::Error,
    title: "检查时发生内部错误",
    title_en: "Internal error while checking",
    description: "formlint 检查该文件时发生内部错误，该文件未检查完；其他文件不受影响。请把该文件和这条信息反馈给 formlint 的维护者。",
};

/// A file's content is another format than its extension says (it was read by its content).
pub const TYPE_MISMATCH: Code = Code {
    code: "X016",
    severity: Severity::Info,
    title: "扩展名与文件内容不符",
    title_en: "Extension does not match the content",
    description: "文件的扩展名与其实际格式不符（例如 .xls 文件被改名为 .xlsx），已按实际内容读取。请改正扩展名，或用 Excel 另存为 .xlsx。",
};

/// Every engine code, by code.
pub const ALL: &[Code] = &[
    UNREADABLE,
    ENCRYPTED,
    NOT_A_FORM,
    NO_FORM,
    INCOMPLETE,
    TEXT_IN_NUMBER,
    UNUSED_SUPPRESSION,
    NOTHING_TO_CHECK,
    RULE_FAILED,
    NUMBER_IN_WORDS,
    NO_PACK_FOR_YEAR,
    PACK_FOR_YEAR,
    OUT_OF_RANGE,
    BAD_CELL,
    INTERNAL,
    TYPE_MISMATCH,
];

/// The registry entry of `code` (case-insensitive), if it is an engine code.
pub fn lookup(code: &str) -> Option<&'static Code> {
    ALL.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// The registry as a Markdown table (code, severity, title), for README.md and docs: a test
/// keeps the committed table equal to this.
pub fn markdown_table() -> String {
    let mut out = String::from("| code | severity | meaning |\n|---|---|---|\n");
    for c in ALL {
        out.push_str(&format!(
            "| {} | {} | {} ({}): {} |\n",
            c.code, c.severity, c.title, c.title_en, c.description
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_titled() {
        for pair in ALL.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        for c in ALL {
            assert!(c.code.starts_with('X') && c.code.len() == 4, "{}", c.code);
            assert!(!c.title.is_empty() && !c.title_en.is_empty() && !c.description.is_empty());
        }
        assert_eq!(lookup("x006"), Some(&TEXT_IN_NUMBER));
        assert_eq!(lookup("S002"), None);
    }
}
