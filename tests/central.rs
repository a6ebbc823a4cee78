//! The `central-2020` pack (the national scoring method, 财预〔2020〕10号) on its fixture forms:
//! every finding asserted exactly (code, severity, cell, message), through the pack folder and
//! through the embedded table. The forms are described in `tests/fixtures/central/forms.yaml`
//! and rendered by `tests/fixtures/central/make_fixtures.py`.

use formlint::finding::Finding;
use formlint::pack::{self, Pack};
use formlint::run::{check_file, CheckOptions};
use std::collections::BTreeMap;
use std::path::Path;

const PACK_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/central-2020");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/central");

/// The pack folder's files, by name, as the CLI would read them.
fn folder_files() -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(PACK_DIR).expect("pack folder") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("utf-8 name")
                .to_string();
            files.insert(name, std::fs::read_to_string(&path).expect("text file"));
        }
    }
    files
}

fn folder_pack() -> Pack {
    match pack::load(&folder_files(), "rules/central-2020/") {
        Ok(p) => p,
        Err(e) => panic!("central-2020 does not load: {e:?}"),
    }
}

fn embedded_pack() -> Pack {
    let files = pack::embedded_pack("central-2020").expect("central-2020 is embedded");
    match pack::load(&files, "<embedded>/central-2020/") {
        Ok(p) => p,
        Err(e) => panic!("embedded central-2020 does not load: {e:?}"),
    }
}

/// One expected finding: code, severity, cell, message.
type Expect = (&'static str, &'static str, &'static str, &'static str);

fn fixture(prefix: &str) -> (String, Vec<u8>) {
    let dir = Path::new(FIXTURES);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("fixture folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(prefix) && n.ends_with(".xlsx"))
        .collect();
    names.sort();
    assert_eq!(
        names.len(),
        1,
        "exactly one fixture {prefix}*.xlsx, found {names:?}"
    );
    let bytes = std::fs::read(dir.join(&names[0])).expect("fixture bytes");
    (names.remove(0), bytes)
}

fn run(pack: &Pack, prefix: &str) -> Vec<Finding> {
    let (name, bytes) = fixture(prefix);
    let checked = check_file(pack, &name, &bytes, &CheckOptions::default());
    assert_eq!(checked.report.forms, 1, "{name}: one form");
    checked.report.findings
}

fn key(f: &Finding) -> (String, String, String, String) {
    let cell = f.at.as_ref().map(|p| p.to_string()).unwrap_or_default();
    (
        f.code.clone(),
        f.severity.as_str().to_string(),
        cell,
        f.message.clone(),
    )
}

/// Asserts that both the folder pack and the embedded pack report exactly `expected` on the
/// fixture whose file name starts with `prefix`, and returns the findings (folder pack).
fn assert_form(prefix: &str, expected: &[Expect]) -> Vec<Finding> {
    let mut want: Vec<(String, String, String, String)> = expected
        .iter()
        .map(|(c, s, at, m)| (c.to_string(), s.to_string(), at.to_string(), m.to_string()))
        .collect();
    want.sort();
    let folder = run(&folder_pack(), prefix);
    let embedded = run(&embedded_pack(), prefix);
    let mut got: Vec<_> = folder.iter().map(key).collect();
    got.sort();
    let mut got_embedded: Vec<_> = embedded.iter().map(key).collect();
    got_embedded.sort();
    assert_eq!(got, want, "{prefix}: findings (pack folder)");
    assert_eq!(got_embedded, want, "{prefix}: findings (embedded pack)");
    folder
}

fn related(findings: &[Finding], code: &str, at: &str) -> Vec<(String, String)> {
    let f = findings
        .iter()
        .find(|f| f.code == code && f.at.as_ref().map(|p| p.to_string()).as_deref() == Some(at))
        .unwrap_or_else(|| panic!("no {code} at {at}"));
    f.related
        .iter()
        .map(|r| (r.at.to_string(), r.label.clone()))
        .collect()
}

fn rel(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, l)| (a.to_string(), l.to_string()))
        .collect()
}

#[test]
fn embedded_table_holds_every_file_of_the_folder() {
    let embedded = pack::embedded_pack("central-2020").expect("embedded");
    assert_eq!(embedded, folder_files());
    assert!(pack::embedded_names().contains(&"central-2020"));
    let p = folder_pack();
    assert_eq!(p.manifest.name, "central-2020");
}

/// Q001 passes: B ≥ A, B < A (19/25×10 = 7.60), = with A > 0, reverse B ≤ A and A < B < 2A.
/// Q002 passes at 118 of 100; Q003 passes at both inclusive bounds; no B007 at 0.94; 优 at 90.
#[test]
fn c1_clean_grade_excellent_at_90() {
    assert_form(
        "C1-",
        &[("G001", "info", "H22", "总分 90.00，评价等级：优")],
    );
}

/// Q001 passes: a truncated 6.66 for 6.67 and 7.99-style 8.99 for 9.00 (within 0.01), = with
/// A > 0 and B < A, = with A = 0 (B ≤ 0 full, B > 0 zero), B ≥ 2A zero, negative B as 0.
/// B007 fires at 0.89; 良 at exactly 80.
#[test]
fn c2_clean_execution_below_90_percent_grade_good_at_80() {
    let f = assert_form(
        "C2-",
        &[
            (
                "B007",
                "info",
                "H6",
                "年度资金总额执行率为 0.89，低于 0.90，请在实际完成情况中说明原因",
            ),
            ("G001", "info", "H24", "总分 80.00，评价等级：良"),
        ],
    );
    assert_eq!(
        related(&f, "B007", "H6"),
        rel(&[("E6", "全年预算数"), ("F6", "全年执行数")])
    );
}

/// Every Q001 branch with a wrong score, each message showing the formula with its numbers.
#[test]
fn c3_every_q001_branch_fails_and_grade_fair_at_79_99() {
    let f = assert_form(
        "C3-",
        &[
            ("Q001", "error", "H13", "“业务培训场次”得分 9，按全国评分公式应为 10.00：B ≥ A（23 ≥ 20），得满分 w = 10"),
            ("Q001", "error", "H14", "“业务手册印发数量”得分 8.78，按全国评分公式应为 8.80：B/A×w = 22/25×10 = 8.80"),
            ("Q001", "error", "H15", "“净增会员数”得分 1，按全国评分公式应为 0.00：B/A×w = 0/10×5 = 0.00（完成值 -2 为负，按 0 计）"),
            ("Q001", "error", "H16", "“投诉率”得分 4，按全国评分公式应为 5.00：B ≤ A（1.8 ≤ 2），得满分 w = 5"),
            ("Q001", "error", "H17", "“业务培训成本”得分 8，按全国评分公式应为 9.00：(1−(B−A)/A)×w = (1−(55−50)/50)×10 = 9.00"),
            ("Q001", "error", "H18", "“会务成本”得分 2，按全国评分公式应为 0.00：B ≥ 2A（40 ≥ 40），得 0 分"),
            ("Q001", "error", "H20", "“业务验收通过率”得分 10，按全国评分公式应为 9.00：B/A×w = 90/100×10 = 9.00"),
            ("Q001", "error", "H21", "“资金安全事故次数”得分 9.77，按全国评分公式应为 10.00：A = 0 且 B ≤ 0，得满分 w = 10"),
            ("Q001", "error", "H22", "“环保违规次数”得分 3，按全国评分公式应为 0.00：A = 0 且 B > 0（B = 1），得 0 分"),
            ("G001", "info", "H24", "总分 79.99，评价等级：中"),
        ],
    );
    assert_eq!(
        related(&f, "Q001", "H14"),
        rel(&[
            ("E14", "年度指标值"),
            ("F14", "实际完成值"),
            ("G14", "分值")
        ])
    );
}

/// Q002 at exactly 1.2 × A; not at 599/500 nor on an = target. Q003 outside each band
/// (达成 7.50, 部分达成 at its open upper bound 8, 未达成 at 0.6w) and inside (3 of 5, 2.9 of 5).
#[test]
fn c4_over_achieved_target_and_qualitative_bands() {
    let f = assert_form(
        "C4-",
        &[
            ("Q002", "warning", "E13", "“政策宣讲场次”完成值 24 是指标值 20 的 120%，超过 120%，指标值可能定得偏低"),
            ("Q003", "warning", "H16", "“研究报告质量”实际完成值为“达成预期指标”（达成），得分应在 [8.00, 10.00] 之间，实际为 7.5"),
            ("Q003", "warning", "H19", "“政策知晓度”实际完成值为“部分达成”（部分达成），得分应在 [6.00, 8.00) 之间，实际为 8"),
            ("Q003", "warning", "H21", "“研究成果转化机制”实际完成值为“未达成”（未达成），得分应在 [0.00, 6.00) 之间，实际为 6"),
            ("G001", "info", "H24", "总分 85.00，评价等级：良"),
        ],
    );
    assert_eq!(related(&f, "Q002", "E13"), rel(&[("F13", "实际完成值")]));
}

/// R006 at the 一级指标 header; the label's 效益指标（40分） overrides the pack's 30 (no W001).
#[test]
fn c5_no_satisfaction_group() {
    assert_form(
        "C5-",
        &[
            (
                "R006",
                "warning",
                "B12",
                "年度绩效指标中没有“满意度指标”一级指标（应占 10 分）",
            ),
            ("G001", "info", "H21", "总分 89.99，评价等级：良"),
        ],
    );
}

/// The kept structure rules: R001, R003, R004, R005, W001–W004, C001. No grade on a blank total.
#[test]
fn c6_required_cells_and_weights() {
    let f = assert_form(
        "C6-",
        &[
            ("R001", "error", "B4", "主管部门未填写"),
            ("R001", "error", "F11", "实际完成情况未填写"),
            ("R001", "error", "H23", "总分的得分未填写，应为 103.00"),
            ("W003", "error", "G6", "年度资金总额的分值为 15，应为 10"),
            ("R005", "warning", "B13", "产出指标下没有“成本指标”"),
            ("C001", "warning", "D14", "“保障培训场次”与第 13 行重复"),
            ("R003", "error", "F15", "“培训合格率”一行的实际完成值未填写"),
            ("R004", "error", "C17", "“社会效益指标”不是“产出指标”下的二级指标，应为：数量指标、质量指标、时效指标、成本指标"),
            ("W001", "error", "B18", "效益指标下三级指标分值合计 28，应等于 30"),
            ("W004", "error", "G20", "“生态效益指标”指标不适用，分值应为 0，实际为 5"),
            ("W002", "error", "G23", "总分的分值为 100，但预算执行率分值 10 与指标分值合计 88 之和为 98"),
        ],
    );
    assert_eq!(
        related(&f, "W001", "B18"),
        rel(&[
            ("G18", "分值"),
            ("G19", "分值"),
            ("G20", "分值"),
            ("G21", "分值")
        ])
    );
    assert_eq!(related(&f, "C001", "D14"), rel(&[("D13", "首次出现")]));
}

/// The kept score and fund rules: S001–S004, B001–B005; one finding per wrong cell (the score
/// above its weight is S001's, not Q001's). 差 below 60.
#[test]
fn c7_scores_and_funds() {
    let f = assert_form(
        "C7-",
        &[
            (
                "B005",
                "warning",
                "G3",
                "项目金额 110 与年度资金总额的年初预算数 120 不一致",
            ),
            (
                "B003",
                "error",
                "D6",
                "年度资金总额的年初预算数为 120，分项之和为 110",
            ),
            (
                "B001",
                "error",
                "H6",
                "年度资金总额的执行率为 0.95，按 85 / 100 应为 0.85",
            ),
            (
                "B002",
                "error",
                "I6",
                "年度资金总额得分为 8，按分值 10 × 执行率 0.95 应为 9.50",
            ),
            (
                "B004",
                "warning",
                "F8",
                "上年结转资金：全年执行数 12 超过全年预算数 10",
            ),
            ("S001", "error", "H13", "得分 12 应在 0 到分值 10 之间"),
            (
                "S002",
                "error",
                "I14",
                "“年度参训人次”得分 9 低于分值 10，未填写偏差原因分析及改进措施",
            ),
            ("S004", "warning", "H15", "实际完成值为“未开展”，得分却为 5"),
            (
                "S003",
                "error",
                "H22",
                "总分得分为 59.99，各项得分之和为 94.00",
            ),
            ("G001", "info", "H22", "总分 59.99，评价等级：差"),
        ],
    );
    assert_eq!(
        related(&f, "B003", "D6"),
        rel(&[
            ("D7", "年初预算数"),
            ("D8", "年初预算数"),
            ("D9", "年初预算数")
        ])
    );
}

/// 执行率 exactly 0.90 is not below it (no B007); 未达成 inside its band; 中 at exactly 60.
#[test]
fn c8_pass_mark() {
    assert_form(
        "C8-",
        &[("G001", "info", "H20", "总分 60.00，评价等级：中")],
    );
}

/// Strict comparators and a target without one; a bare money actual is not scored.
#[test]
fn c9_strict_comparators() {
    assert_form(
        "C9-",
        &[
            ("Q001", "error", "H18", "“群众平均等候时长”得分 8，按全国评分公式应为 6.67：(1−(B−A)/A)×w = (1−(4−3)/3)×10 = 6.67"),
            ("G001", "info", "H22", "总分 87.00，评价等级：良"),
        ],
    );
}

/// The shenzhen pack and the central pack are independent: S005/S006 are not in central, and
/// Q001–Q003, R006, B007, G001 are not in shenzhen.
#[test]
fn central_rule_codes() {
    let codes: Vec<String> = folder_pack()
        .program
        .rules()
        .map(|r| r.code.text.clone())
        .collect();
    for c in [
        "R001", "R003", "R004", "R005", "R006", "W001", "W002", "W003", "W004", "S001", "S002",
        "S003", "S004", "Q001", "Q002", "Q003", "B001", "B002", "B003", "B004", "B005", "B007",
        "C001", "G001",
    ] {
        assert!(codes.iter().any(|x| x == c), "missing {c}");
    }
    assert_eq!(codes.len(), 24, "{codes:?}");
}
