use super::*;

fn proposal_at(text: &str, needle: &str, old: Vec<Expected>, items: Vec<Item>) -> Proposal {
    let key = text.find(needle).expect("needle");
    let at = key + needle.len() + text[key + needle.len()..].len()
        - text[key + needle.len()..].trim_start().len();
    Proposal { at, old, items }
}

fn e(code: &str, cell: Option<&str>, message: Option<&str>) -> Expected {
    Expected {
        code: code.into(),
        cell: cell.map(str::to_string),
        path: None,
        message: message.map(str::to_string),
    }
}

const FILE: &str = "# 注释 (comment)\ntests:\n  - name: 一\n    rule: B004\n    expect:   # 旧的\n      - { code: B004, cell: F9 }   # 保留\n      - B004\n\n  # 第二个测试\n  - name: 二\n    rule: B004\n    expect: none\n  - name: 三\n    expect: [B004]\n";

#[test]
fn a_block_list_keeps_the_entries_that_still_match_and_the_rest_of_the_file() {
    let p = proposal_at(
        FILE,
        "expect:   # 旧的\n",
        vec![e("B004", Some("F9"), None), e("B004", None, None)],
        vec![Item::Kept(0), Item::New(e("B004", Some("G3"), None))],
    );
    let (out, done) = rewrite("t.yaml", FILE, &[("B004/一".into(), &p)]).expect("rewrite");
    assert_eq!(
        out,
        FILE.replace("      - B004\n\n", "      - { code: B004, cell: G3 }\n\n")
    );
    assert_eq!(done.len(), 1);
    assert!(diff(&done[0].old, &done[0].new).contains("+       - { code: B004, cell: G3 }"));
}

#[test]
fn none_becomes_a_list_and_a_list_becomes_none() {
    let two = proposal_at(
        FILE,
        "name: 二\n    rule: B004\n    expect:",
        vec![],
        vec![Item::New(e("B004", None, Some("超过“预算”")))],
    );
    let three = proposal_at(
        FILE,
        "name: 三\n    expect:",
        vec![e("B004", None, None)],
        vec![],
    );
    let (out, done) = rewrite(
        "t.yaml",
        FILE,
        &[("B004/二".into(), &two), ("三".into(), &three)],
    )
    .expect("rewrite");
    assert!(
        out.contains("    expect:\n      - { code: B004, message: 超过“预算” }\n  - name: 三\n    expect: none\n"),
        "{out}"
    );
    assert!(out.starts_with("# 注释 (comment)\ntests:\n  - name: 一\n    rule: B004\n    expect:   # 旧的\n      - { code: B004, cell: F9 }   # 保留\n      - B004\n\n  # 第二个测试\n"), "{out}");
    assert_eq!(done[0].label, "B004/二");
    assert_eq!(done[1].new, "    expect: none");
}

#[test]
fn an_expect_inside_a_flow_mapping_is_refused() {
    let text = "tests:\n  - { name: x, expect: none }\n";
    let p = proposal_at(
        text,
        "expect:",
        vec![],
        vec![Item::New(e("B004", None, None))],
    );
    let err = rewrite("t.yaml", text, &[("x".into(), &p)]).expect_err("flow");
    assert!(err.contains("流式"), "{err}");
}

#[test]
fn the_diff_marks_removed_and_added_lines() {
    assert_eq!(diff("a\nb\nc", "a\nc\nd"), "  a\n- b\n  c\n+ d\n");
}

#[test]
fn entries_are_quoted_only_where_yaml_needs_it() {
    assert_eq!(
        render_entry(&e("W001", Some("B11"), Some("合计 55，应等于 60"))),
        "{ code: W001, cell: B11, message: 合计 55，应等于 60 }"
    );
    assert_eq!(
        render_entry(&e("X006", None, Some("a, b: \"c\""))),
        "{ code: X006, message: \"a, b: \\\"c\\\"\" }"
    );
    assert_eq!(
        render_entry(&e("S001", None, Some("100"))),
        "{ code: S001, message: \"100\" }"
    );
    let path = Expected {
        path: Some("指标[4].一级指标".into()),
        ..e("W001", None, None)
    };
    assert_eq!(
        render_entry(&path),
        "{ code: W001, path: \"指标[4].一级指标\" }"
    );
}

#[test]
fn a_comment_naming_expect_is_not_taken_for_the_key() {
    let text = "tests:\n  - name: x\n    expect:   # 旧的 expect: 见下\n      - B004\n  - name: y\n    expect: none\n";
    let p = proposal_at(
        text,
        "expect:   # 旧的 expect: 见下\n",
        vec![e("B004", None, None)],
        vec![],
    );
    let (out, _) = rewrite("t.yaml", text, &[("x".into(), &p)]).expect("rewrite");
    assert_eq!(
        out,
        "tests:\n  - name: x\n    expect: none\n  - name: y\n    expect: none\n"
    );
}

#[test]
fn an_empty_expect_gets_its_entries_and_the_next_test_is_kept() {
    let text = "tests:\n  - name: x\n    expect:\n  - name: y\n    expect: none\n";
    // where a YAML parser may place an empty value: the next token
    let at = text.find("- name: y").expect("next");
    let p = Proposal {
        at,
        old: vec![],
        items: vec![Item::New(e("B004", Some("F9"), None))],
    };
    let (out, _) = rewrite("t.yaml", text, &[("x".into(), &p)]).expect("rewrite");
    assert_eq!(
        out,
        "tests:\n  - name: x\n    expect:\n      - { code: B004, cell: F9 }\n  - name: y\n    expect: none\n"
    );
}

#[test]
fn a_crlf_file_keeps_its_line_breaks() {
    let text = FILE.replace('\n', "\r\n");
    let p = proposal_at(
        &text,
        "expect:   # 旧的\r\n",
        vec![e("B004", Some("F9"), None), e("B004", None, None)],
        vec![Item::Kept(0), Item::New(e("B004", Some("G3"), None))],
    );
    let (out, _) = rewrite("t.yaml", &text, &[("B004/一".into(), &p)]).expect("rewrite");
    assert_eq!(
        out,
        text.replace("      - B004\r\n", "      - { code: B004, cell: G3 }\r\n")
    );
}
