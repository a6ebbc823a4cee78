//! Tests of the value grammar on the values found in the real forms.

use super::*;

use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("test decimal")
}

/// Units as the real pack declares them.
fn units() -> Units {
    let mut u = Units::new();
    for w in [
        "台", "场", "场次", "人次", "个", "期", "篇", "人", "国", "次", "元", "万元", "万", "亿元",
        "个月", "月", "双月", "天", "份", "家", "项", "%",
    ] {
        u.add_unit(w);
    }
    u.add_alias("场", "场次");
    u.add_alias("万", "万元");
    u.add_scale("万元", d("10000"), "元");
    u.add_scale("亿元", d("100000000"), "元");
    u.set_money_base("元");
    u
}

fn q(cmp: Option<Comparator>, amount: &str, unit: Option<&str>) -> Parsed {
    Parsed::Quantity(Quantity {
        cmp,
        amount: d(amount),
        unit: unit.map(str::to_string),
    })
}

fn p(text: &str) -> Parsed {
    parse(text, &units())
}

fn words(text: &str) -> Parsed {
    Parsed::Words(text.to_string())
}

use Comparator::*;

#[test]
fn quantities_with_comparators() {
    let cases: &[(&str, Option<Comparator>, &str, Option<&str>)] = &[
        ("=9台", Some(Eq), "9", Some("台")),
        ("=100%", Some(Eq), "100", Some("%")),
        ("> 95%", Some(Gt), "95", Some("%")),
        (">95%", Some(Gt), "95", Some("%")),
        ("≥25人次", Some(Ge), "25", Some("人次")),
        ("≤5.6万元", Some(Le), "5.6", Some("万元")),
        ("≥119万元", Some(Ge), "119", Some("万元")),
        ("≤30万", Some(Le), "30", Some("万元")),
        ("≥20万元", Some(Ge), "20", Some("万元")),
        ("=1次/双月", Some(Eq), "1", Some("次/双月")),
        ("≥80人次/场", Some(Ge), "80", Some("人次/场次")),
        ("≤180元/人·天", Some(Le), "180", Some("元/人·天")),
        ("≤2个月", Some(Le), "2", Some("个月")),
        ("=15国", Some(Eq), "15", Some("国")),
        ("≥8场次", Some(Ge), "8", Some("场次")),
        ("=1个", Some(Eq), "1", Some("个")),
        ("=6期", Some(Eq), "6", Some("期")),
        ("=2篇", Some(Eq), "2", Some("篇")),
        ("=1人", Some(Eq), "1", Some("人")),
        ("≤5%", Some(Le), "5", Some("%")),
        ("≤3次", Some(Le), "3", Some("次")),
    ];
    for (text, cmp, amount, unit) in cases {
        assert_eq!(p(text), q(*cmp, amount, *unit), "{text}");
    }
}

#[test]
fn quantities_without_comparators() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("100%", "100", Some("%")),
        ("96%", "96", Some("%")),
        ("22人次", "22", Some("人次")),
        ("5.58万元", "5.58", Some("万元")),
        ("194.81万元", "194.81", Some("万元")),
        ("14.649万元", "14.649", Some("万元")),
        ("82694.30", "82694.30", None),
        ("1,330,000.00", "1330000.00", None),
        ("100人次/场", "100", Some("人次/场次")),
        ("2场", "2", Some("场次")),
        ("17万元", "17", Some("万元")),
    ];
    for (text, amount, unit) in cases {
        assert_eq!(p(text), q(None, amount, *unit), "{text}");
    }
}

#[test]
fn comparator_spellings() {
    let cases: &[(&str, Comparator)] = &[
        ("=1", Eq),
        ("＝1", Eq),
        ("≥1", Ge),
        (">=1", Ge),
        ("≧1", Ge),
        ("≤1", Le),
        ("<=1", Le),
        ("≦1", Le),
        (">1", Gt),
        ("＞1", Gt),
        ("<1", Lt),
        ("＜1", Lt),
        (" ≥  1 ", Ge),
        ("≥ 1", Ge),
    ];
    for (text, cmp) in cases {
        assert_eq!(p(text), q(Some(*cmp), "1", None), "{text}");
    }
}

#[test]
fn full_width_and_approx() {
    assert_eq!(p("９５％"), q(None, "95", Some("%")));
    assert_eq!(p("＞９５．５％"), q(Some(Gt), "95.5", Some("%")));
    assert_eq!(p("约95%"), q(None, "95", Some("%")));
    assert_eq!(p("约≥95%"), q(Some(Ge), "95", Some("%")));
    assert_eq!(p("≥25 人次"), q(Some(Ge), "25", Some("人次")));
    assert_eq!(p("≤180元/人・天"), q(Some(Le), "180", Some("元/人·天")));
    assert_eq!(p("≥80人次／场"), q(Some(Ge), "80", Some("人次/场次")));
    // the full-width comma is never a thousands separator
    assert_eq!(p("1，330，000.00"), words("1，330，000.00"));
    // nor are badly grouped commas
    assert_eq!(p("1,33"), words("1,33"));
    assert_eq!(p("1,3300"), words("1,3300"));
}

#[test]
fn dates_and_bounds() {
    let bound = |year, month, day| Parsed::DateBound { year, month, day };
    let date = |year, month, day| Parsed::Date { year, month, day };
    assert_eq!(p("2020年8月前"), bound(2020, 8, None));
    assert_eq!(p("2020年12月底前"), bound(2020, 12, None));
    assert_eq!(p("2020年12月31日前"), bound(2020, 12, Some(31)));
    assert_eq!(p("2020年12月前"), bound(2020, 12, None));
    assert_eq!(p("2020年底前"), bound(2020, 12, None));
    assert_eq!(p("2020年12月以前"), bound(2020, 12, None));
    assert_eq!(p("≤2020年12月"), bound(2020, 12, None));
    assert_eq!(p("2020年9月"), date(2020, 9, None));
    assert_eq!(p("2020年8月"), date(2020, 8, None));
    assert_eq!(p("2020年12月"), date(2020, 12, None));
    assert_eq!(p("2020年9月30日"), date(2020, 9, Some(30)));
    assert_eq!(p("２０２０年９月"), date(2020, 9, None));
    // not a real calendar day or month
    assert_eq!(p("2020年13月"), words("2020年13月"));
    assert_eq!(p("2020年2月30日前"), words("2020年2月30日前"));
    assert_eq!(p("2020年2月29日"), date(2020, 2, Some(29)));
    assert_eq!(p("2020年8月前完成"), words("2020年8月前完成"));
}

#[test]
fn words_are_never_errors() {
    for text in [
        "有效保障",
        "无",
        "暂缓举办",
        "不适用",
        "4期+5份",
        "1次顺利组织召开",
        "1次评审通过，达到结题要求",
        "市财政同意后7个工作日完成项目调整工作",
        "",
        "-",
        "—",
        "≥",
        "95%以上",
        "100%完成",
        "≥5 台 台",
        "99999999999999999999999999999999999",
    ] {
        assert_eq!(p(text), words(text), "{text}");
    }
    assert_eq!(p("  有效保障 "), words("有效保障"));
}

#[test]
fn plain_numbers() {
    for (text, n) in [
        ("1,330,000.00", "1330000.00"),
        (" 56000 ", "56000"),
        (" 82694.30 ", "82694.30"),
        ("９５", "95"),
        ("１２３．５", "123.5"),
        ("-3.5", "-3.5"),
        ("+5", "5"),
        ("0.00", "0"),
        ("007", "7"),
        ("0,123", "123"),
    ] {
        assert_eq!(parse_number(text), Some(d(n)), "{text}");
    }
    for text in [
        "-", "—", "", "1,33", "12,3456", "1,,000", ",100", "100,", "约5", "5万元", ">5", "1.2.3",
        "1.", ".5", "e5", "5场", "--5", "−5",
    ] {
        assert_eq!(parse_number(text), None, "{text}");
    }
    assert_eq!(parse_number("暂缓举办"), None);
    assert_eq!(parse_number(&"9".repeat(35)), None, "beyond Decimal");
}

/// Where the two parsers that were merged into [`parse_number`] used to differ: the value
/// module's refused the full-width comma and inner spaces, extract's (number cells) read them.
#[test]
fn plain_numbers_take_full_width_commas_and_inner_spaces() {
    for (text, n) in [
        ("1，330", "1330"),
        ("1，330，000.00", "1330000.00"),
        ("１，３３０", "1330"),
        ("1 330", "1330"),
        ("- 5", "-5"),
        ("1\u{3000}000.5", "1000.5"),
        ("12\n34", "1234"),
    ] {
        assert_eq!(parse_number(text), Some(d(n)), "{text}");
    }
    for text in ["1，33", "1, 33", "1，，000"] {
        assert_eq!(parse_number(text), None, "{text}");
    }
}

/// The other difference: `%`, which the value module's refused. A number cell filed as text
/// reads `96%` as the fraction a percent-formatted cell holds.
#[test]
fn a_percent_is_a_fraction() {
    for (text, n) in [
        ("96%", "0.96"),
        ("９６％", "0.96"),
        (" 96 % ", "0.96"),
        ("-5%", "-0.05"),
        ("1,000%", "10"),
        ("0.5%", "0.005"),
    ] {
        assert_eq!(parse_number(text), Some(d(n)), "{text}");
    }
    for text in ["%", "96%%", "%96", "96%5", "约96%", "1,33%", "-%"] {
        assert_eq!(parse_number(text), None, "{text}");
    }
    // the value grammar keeps the percentage as written
    assert_eq!(
        parse("96%", &units())
            .quantity()
            .map(|q| (q.amount, q.unit.clone())),
        Some((d("96"), Some("%".to_string())))
    );
}

#[test]
fn units_aliases_and_scales() {
    let u = units();
    assert_eq!(u.canonical("场"), "场次");
    assert_eq!(u.canonical("万"), "万元");
    assert_eq!(u.canonical("人次/场"), "人次/场次");
    assert_eq!(u.canonical("元/人・天"), "元/人·天");
    assert_eq!(u.base("万元"), (d("10000"), "元".to_string()));
    assert_eq!(u.base("万"), (d("10000"), "元".to_string()));
    assert_eq!(u.base("亿元"), (d("100000000"), "元".to_string()));
    assert_eq!(u.base("台"), (Decimal::ONE, "台".to_string()));
    assert_eq!(u.base("万元/人"), (d("10000"), "元/人".to_string()));
    assert!(u.is_money("元") && u.is_money("万元") && u.is_money("万") && u.is_money("亿元"));
    assert!(!u.is_money("元/人·天") && !u.is_money("人次") && !u.is_money("%"));
    assert!(u.is_valid("%") && u.is_valid("元/人·天") && !u.is_valid("次顺利组织召开"));
    let mut other = units();
    other.set_money_base("美元");
    other.add_unit("美元");
    assert!(other.is_money("美元") && !other.is_money("元") && !other.is_money("万元"));
}

#[test]
fn unit_bases_from_the_table_are_the_computed_ones() {
    let mut u = units();
    u.add_alias("千元", "千元");
    u.add_alias("亿", "亿元");
    u.add_scale("千元", d("1000"), "元");
    u.add_scale("元", d("1"), "元");
    let words = [
        "万元",
        "万",
        "亿",
        "亿元",
        "千元",
        "元",
        "台",
        "场",
        "%",
        "人次/场",
        "万元/人",
        " 万元 ",
        "万元／人",
        "元/人・天",
        "美元",
        "",
        "场/场",
        "万元·天",
    ];
    for w in words {
        assert_eq!(u.base(w), u.base_computed(w), "{w:?}");
    }
    // a declaration after a lookup is seen by the next one
    assert_eq!(u.base("美元"), (Decimal::ONE, "美元".to_string()));
    u.add_scale("美元", d("7"), "元");
    assert_eq!(u.base("美元"), (d("7"), "元".to_string()));
    u.add_alias("刀", "美元");
    assert_eq!(u.base("刀"), (d("7"), "元".to_string()));
    assert!(u.is_money("刀"));
}

#[test]
fn converting() {
    let u = units();
    let Parsed::Quantity(cost) = p("≤5.6万元") else {
        panic!("quantity expected");
    };
    assert_eq!(convert(&cost, "元", &u), Some(d("56000")));
    assert_eq!(convert(&cost, "亿元", &u), Some(d("0.00056")));
    assert_eq!(convert(&cost, "人次", &u), None);
    let Parsed::Quantity(bare) = p("82694.30") else {
        panic!("quantity expected");
    };
    assert_eq!(convert(&bare, "元", &u), None);
}

#[test]
fn meeting_targets() {
    let u = units();
    let met = |t: &str, a: &str| met(&p(t), &p(a), &u);
    assert_eq!(met("≥8场次", "25场"), Some(true));
    assert_eq!(met("> 95%", "96%"), Some(true));
    assert_eq!(met("≤5.6万元", "5.58万元"), Some(true));
    assert_eq!(met("≤5.6万元", "56000元"), Some(true));
    assert_eq!(met("≤5.6万元", "56001元"), Some(false));
    assert_eq!(met("≥20万元", "82694.30"), Some(true));
    assert_eq!(met("2020年10月前", "2020年9月"), Some(true));
    assert_eq!(met("2020年8月前", "2020年8月"), Some(true));
    assert_eq!(met("2020年12月底前", "2021年1月"), Some(false));
    assert_eq!(met("2020年12月31日前", "2020年12月"), Some(true));
    assert_eq!(met("2020年12月15日前", "2020年12月"), None);
    assert_eq!(met("2020年12月15日前", "2020年12月10日"), Some(true));
    assert_eq!(met("2020年9月", "2020年9月"), Some(true));
    assert_eq!(met("=1场", "暂缓举办"), None);
    assert_eq!(met("≥25人次", "22人次"), Some(false));
    assert_eq!(met("≥80人次/场", "100人次/场"), Some(true));
    assert_eq!(met("≥80人次/场", "100人次"), None);
    assert_eq!(met("100%", "100%"), Some(true));
    assert_eq!(met("100%", "98%"), Some(false));
    assert_eq!(met("=9台", "9台"), Some(true));
    assert_eq!(met("=0次", "0次"), Some(true));
    assert_eq!(met("=0次", "1次"), Some(false));
    assert_eq!(met(">95%", "95%"), Some(false));
    assert_eq!(met("<3次", "3次"), Some(false));
    assert_eq!(met("≤3次", "3次"), Some(true));
    assert_eq!(met("≥8场次", "2020年9月"), None);
    assert_eq!(met("有效保障", "有效保障"), None);
}

#[test]
fn comparable_amounts_in_target_unit() {
    let u = units();
    let (Parsed::Quantity(t), Parsed::Quantity(a)) = (p("≥20万元"), p("82694.30")) else {
        panic!("quantities expected");
    };
    assert_eq!(comparable(&t, &a, &u), Some((d("20"), d("82694.30"))));
    let (Parsed::Quantity(t), Parsed::Quantity(a)) = (p("≥20万元"), p("194,000元")) else {
        panic!("quantities expected");
    };
    assert_eq!(comparable(&t, &a, &u), Some((d("20"), d("19.4"))));
    let (Parsed::Quantity(t), Parsed::Quantity(a)) = (p("≥95%"), p("96人次")) else {
        panic!("quantities expected");
    };
    assert_eq!(comparable(&t, &a, &u), None);
}

#[test]
fn days_in_months() {
    let feb = |y| days_in_month(y, 2);
    assert_eq!(
        (feb(2020), feb(2021), feb(1900), feb(2000), feb(2100)),
        (29, 28, 28, 29, 28)
    );
    let year: Vec<u32> = (1..=12).map(|m| days_in_month(2021, m)).collect();
    assert_eq!(year, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    assert_eq!((days_in_month(2020, 0), days_in_month(2020, 13)), (0, 0));
}

#[test]
fn declaration_templates_put_the_unit_in_brackets() {
    use Comparator::*;
    assert_eq!(p("=100.00(%)"), q(Some(Eq), "100.00", Some("%")));
    assert_eq!(p("≥90.00（%）"), q(Some(Ge), "90.00", Some("%")));
    assert_eq!(p("≤30(万元)"), q(Some(Le), "30", Some("万元")));
    assert_eq!(p("＞95%"), q(Some(Gt), "95", Some("%")));
    assert_eq!(p("≤2个月"), q(Some(Le), "2", Some("个月")));
    // an unclosed bracket is not a unit
    assert_eq!(p("=100(%"), words("=100(%"));
}

/// The comparator words of the shipped packs, as `units.comparators` declares them.
fn worded() -> Units {
    let mut u = units();
    for (w, c) in [
        ("不低于", Comparator::Ge),
        ("不少于", Comparator::Ge),
        ("不超过", Comparator::Le),
        ("不晚于", Comparator::Le),
        ("低于", Comparator::Lt),
        ("超过", Comparator::Gt),
    ] {
        u.add_comparator_before(w, c);
    }
    for (w, c) in [
        ("以上", Comparator::Ge),
        ("及以上", Comparator::Ge),
        ("以内", Comparator::Le),
        ("以下", Comparator::Le),
    ] {
        u.add_comparator_after(w, c);
    }
    u
}

#[test]
fn comparator_words_read_as_their_symbols() {
    let u = worded();
    let r = |t: &str| parse(t, &u);
    assert_eq!(r("不低于95%"), q(Some(Ge), "95", Some("%")));
    assert_eq!(r("不少于25人次"), q(Some(Ge), "25", Some("人次")));
    assert_eq!(r("不超过5.6万元"), q(Some(Le), "5.6", Some("万元")));
    assert_eq!(r("95%以上"), q(Some(Ge), "95", Some("%")));
    assert_eq!(r("95%及以上"), q(Some(Ge), "95", Some("%")));
    assert_eq!(r("5万元以内"), q(Some(Le), "5", Some("万元")));
    assert_eq!(r(" 不低于 ９５％ "), q(Some(Ge), "95", Some("%")));
    assert_eq!(r("约不少于25人次"), q(Some(Ge), "25", Some("人次")));
    assert_eq!(r("低于3次"), q(Some(Lt), "3", Some("次")));
    assert_eq!(r("超过80人次"), q(Some(Gt), "80", Some("人次")));
    // a word that repeats the symbol, or the prefix and the suffix saying the same
    assert_eq!(r("≥95%以上"), q(Some(Ge), "95", Some("%")));
    assert_eq!(r("不低于95%以上"), q(Some(Ge), "95", Some("%")));
    // dates: 不晚于 is a bound
    assert_eq!(
        r("不晚于2020年12月"),
        Parsed::DateBound {
            year: 2020,
            month: 12,
            day: None
        }
    );
    // words that disagree, or words around no quantity, stay words
    for t in [
        "不低于95%以下",
        "≤5万元以上",
        "不低于≥95%",
        "不低于国家标准",
        "以上",
        "按时完成以上工作",
    ] {
        assert_eq!(r(t), words(t), "{t}");
    }
    // without the pack's words they are words
    assert_eq!(parse("不低于95%", &units()), words("不低于95%"));
}

#[test]
fn comparator_words_prefer_the_longest() {
    let mut u = units();
    u.add_comparator_before("低于", Comparator::Lt);
    u.add_comparator_before("不低于", Comparator::Ge);
    assert_eq!(
        parse("不低于95%", &u),
        q(Some(Comparator::Ge), "95", Some("%"))
    );
    assert_eq!(Comparator::from_symbol("＞"), Some(Comparator::Gt));
    assert_eq!(Comparator::from_symbol(">="), Some(Comparator::Ge));
    assert_eq!(Comparator::from_symbol("≧"), Some(Comparator::Ge));
    assert_eq!(Comparator::from_symbol("大于"), None);
}
