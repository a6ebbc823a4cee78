//! Label variants real forms carry, read as layout data (aliases) and by normalisation (a
//! trailing colon): `项目名称：`, a total row labelled `合计`, a reason column headed just
//! `偏差原因` give the findings of the standard form, at the same cells.

use crate::common;
use common::formlint;

fn found(path: &str) -> Vec<Vec<String>> {
    let (_, stdout, stderr) = formlint(&["check", path, "--format", "json"]);
    assert!(stderr.is_empty(), "{stderr}");
    common::json_fields(&stdout, &["code", "cell", "message"])
}

#[test]
fn colons_total_row_and_short_reason_header_read_as_the_standard_labels() {
    let variant = found("tests/fixtures/label-variants/P3-标签变体.xlsx");
    let standard = found("tests/fixtures/seed/P3-贸易摩擦应对事务.xlsx");
    assert_eq!(variant, standard);
    // the reason column was read: S002 sits at its cell, not on a row without a cell
    assert!(
        variant.iter().any(|f| f[0] == "S002" && f[1] == "I16"),
        "{variant:?}"
    );
}
