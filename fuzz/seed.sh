#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs taken from the repository's fixtures and rule
# packs, plus a few written by hand, and the committed regression inputs (fuzz/regressions/).
# Safe to run again: it only adds files. Usage: fuzz/seed.sh (from anywhere).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
corpus="$here/corpus"
cd "$root"

mkdir -p "$corpus"/{check_xlsx,check_sniffed,check_csv,check_canonical,rules,value,config}

# put FILE into corpus/TARGET under a name made of its content hash (no clashes, no duplicates)
put() {
    local target="$1" file="$2"
    local sum
    sum="$(sha1sum < "$file" | cut -c1-40)"
    cp "$file" "$corpus/$target/$sum"
}
# a text written by hand, into corpus/TARGET
text() {
    local target="$1" tmp
    tmp="$(mktemp)"
    printf '%s' "$2" > "$tmp"
    put "$target" "$tmp"
    rm -f "$tmp"
}

# --- whole files -------------------------------------------------------------------------
while IFS= read -r -d '' f; do put check_xlsx "$f"; done \
    < <(find tests/fixtures -name '*.xlsx' -size -200k -print0)
while IFS= read -r -d '' f; do put check_csv "$f"; done \
    < <(find tests/fixtures -name '*.csv' -print0)
while IFS= read -r -d '' f; do put check_sniffed "$f"; done \
    < <(find tests/fixtures/formats -type f \( -name '*.xls' -o -name '*.ods' -o -name '*.xlsb' \) -print0)
# canonical forms (the SARIF schema is JSON but no form; it is left out)
while IFS= read -r -d '' f; do put check_canonical "$f"; done \
    < <(find tests/fixtures rules -name '*.yaml' -not -name 'pack.yaml' -not -name 'layout.yaml' -print0)
while IFS= read -r -d '' f; do put rules "$f"; done \
    < <(find rules -name '*.rules' -print0)
while IFS= read -r -d '' f; do put config "$f"; done \
    < <(find tests/fixtures -name 'formlint.toml' -print0)

# CSV seeds written by hand: a tiny form-shaped sheet, GBK-free
text check_csv $'项目名称,办公设备采购\n主管部门,深圳市商务局\n一级指标,二级指标,三级指标,年度指标值,实际完成值,分值,得分\n产出指标,数量指标,采购设备数量,≥10台,12台,15,15\n'
text check_csv $'"a","b\n""c""",d\r\n1,2,3\r\n'

# --- values: every 年度指标值 / 实际完成值 in the YAML fixtures and rule tests --------------
# (one per file: the first line is the target, the rest the actual; one line is both)
grep -rhoE '(年度指标值|实际完成值)"?: *[^,}]+' tests/fixtures rules --include='*.yaml' \
    | sed -E 's/^[^:]+: *//; s/^"(.*)"$/\1/; s/ +$//' | sort -u \
    | while IFS= read -r v; do [ -n "$v" ] && text value "$v"; done || true
for v in '≥95%' '5.6万元' '=9台' '> 95%' '≤5.6万元' '≥80人次/场' '82694.30' '1,330,000.00' \
         '９５％' '＞90%' '约100人' '2020年8月前' '2020年12月底前' '2020年12月31日前' '2020年底前' \
         '≤2020年12月' '2020年9月' '2020年9月30日' '2020年12月底' '有效保障' '暂缓举办' '4期+5份' \
         '1次顺利组织召开' '-3.5' '+5' '0' '0.00%' '≥1000元/人·天' '次/双月' '≥3次/双月' \
         '7e28' '79228162514264337593543950335' '≥79228162514264337593543950335亿元' \
         '0.0000000000000000000000000001' '≥0.5万' '100%以上' '≦10' '≧ 10 个' '＝１' \
         '2020年2月30日前' '2020年13月' '9999年12月31日' '—' '-' '无' ' ' ''; do
    text value "$v"
done
text value $'≥95%\n100%'
text value $'≤10万元\n100000'
text value $'≥20万元\n82694.30'
text value $'2020年12月底前\n2020年11月'
text value $'2020年8月15日前\n2020年8月'
text value $'=0\n-1'
text value $'≥100亿元\n79228162514264337593543950335元'

# --- configs ---------------------------------------------------------------------------
text config $'ignore = ["B004"]\nwarnings-as-errors = ["C001"]\n\n[per-file-ignores]\n"P1-*.xlsx" = ["U001"]\n\n[[accept]]\nfile = "P3-贸易摩擦应对事务.xlsx"\ncode = "S002"\ncell = "I16"\nreason = "会议提前一个月召开，扣 1 分合理"\n'
text config $'rules = "shenzhen-2020@1.0.0"\nwarnings-as-errors = true\n'
text config $'ignore = ["B099"]\n[per-file-ignores]\n"**/P9-*.{xlsx,yaml}" = ["W004"]\n'
text config $'[[accept]]\nfile = "P3-*.yaml"\ncode = "U002"\nsheet = "P3-贸易摩擦应对事务"\ncell = "指标[3].实际完成值"\nreason = "已核实"\n'
text config $'[[accept]]\nfile = "P3-*.xlsx"\ncode = "S002"\nreason = " "\n'
text config $'rules = "../packs/mine"\nignore = []\n'

# --- the committed regression inputs are seeds too ---------------------------------------
for d in "$here"/regressions/*/; do
    t="$(basename "$d")"
    [ -d "$corpus/$t" ] || continue
    for f in "$d"*; do [ -f "$f" ] && put "$t" "$f"; done
done

for t in check_xlsx check_sniffed check_csv check_canonical rules value config; do
    printf '%-16s %4d files\n' "$t" "$(find "$corpus/$t" -type f | wc -l)"
done
