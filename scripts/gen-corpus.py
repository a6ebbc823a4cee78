#!/usr/bin/env python3
"""Generate a benchmark corpus of N realistic self-evaluation workbooks (项目支出绩效自评表).

The forms are built from the nine seed projects (shared/seed/shenzhen-commerce-2020.yaml) and
rendered with the shared form generator (shared/tools/formgen.py), with variety: 3-25 indicator
rows drawn from every seed project's indicators, both layouts (import template and published),
amounts scaled, weights and scores that mostly add up, about one form in five with a broken
value, and about one in six with amounts stored as text. Same N and --seed, same corpus.

    python3 scripts/gen-corpus.py 1000                 # -> target/bench-corpus-1000/
    python3 scripts/gen-corpus.py 10000 --jobs 2

Needs: python3 with xlsxwriter and pyyaml. The corpus is not committed (target/ is ignored).
"""
import argparse
import copy
import importlib.util
import multiprocessing
import os
import random
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED_CANDIDATES = [
    os.environ.get("FORMLINT_SHARED", ""),
    os.path.join(REPO, "..", "shared"),
    "/work/shared",
]


def shared_dir():
    """Where the shared seed data and form generator live."""
    for d in SHARED_CANDIDATES:
        if d and os.path.isfile(os.path.join(d, "tools", "formgen.py")):
            return d
    sys.exit("gen-corpus: shared/tools/formgen.py not found; set FORMLINT_SHARED=/path/to/shared")


def load_formgen(shared):
    spec = importlib.util.spec_from_file_location("formgen", os.path.join(shared, "tools", "formgen.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def money(x):
    return f"{x:,.2f}"


def partition(total, n, rng):
    """n positive integers adding up to total (n <= total)."""
    cuts = sorted(rng.sample(range(1, total), n - 1)) if n > 1 else []
    bounds = [0] + cuts + [total]
    return [bounds[i + 1] - bounds[i] for i in range(n)]


def make_project(i, seeds, pool, rng):
    """One randomised project: a seed project's identity with new indicators and amounts."""
    base = copy.deepcopy(rng.choice(seeds))
    p = {k: base[k] for k in ("name", "department", "implementer", "goal")}
    p["id"] = f"F{i:05d}"
    p["layout"] = "template" if rng.random() < 0.35 else "published"
    p["unit"] = "元"
    # funds: a budget, an execution between 0 and 100 %, the appropriation carrying it all
    budget = round(rng.uniform(20_000, 5_000_000), 2)
    initial = budget if rng.random() < 0.7 else round(budget * rng.uniform(0.5, 1.5), 2)
    spent = round(budget * rng.choice([1.0, rng.uniform(0.3, 1.0), 0.0]), 2)
    rate = spent / budget
    fscore = 10 * round(rate, 2)
    p["amount"] = money(initial)
    p["funds"] = {
        "total": [money(initial), money(budget), money(spent) if spent else "-", "10", f"{rate:.2f}", f"{fscore:.2f}"],
        "appropriation": [money(initial), money(budget), money(spent) if spent else "-", "-", f"{rate:.2f}", "-"],
        "carryover": ["-", "-", "-", "-", "0.00", "-"],
        "other": ["-", "-", "-", "-", "0.00", "-"],
    }
    # indicators: n rows from the pool, the four output categories first, grouped as filed
    n = rng.randint(3, 25)
    chosen = []
    if n >= 5:
        for cat in ("数量指标", "质量指标", "时效指标", "成本指标"):
            chosen.append(rng.choice([r for r in pool if r[1] == cat]))
    chosen.append(rng.choice([r for r in pool if r[0] == "效益指标" and r not in chosen]))
    rest = [r for r in pool if r not in chosen]
    rows = [list(r) for r in chosen + rng.sample(rest, n - len(chosen))]
    order = {}
    for r in pool:
        order.setdefault(r[0], len(order))
        order.setdefault((r[0], r[1]), len(order))
    rows.sort(key=lambda r: (order[r[0]], order[(r[0], r[1])]))
    total_score = fscore
    for level1, points in (("产出指标", 50), ("效益指标", 40)):
        group = [r for r in rows if r[0] == level1]
        if not group:
            continue
        if len(group) > points:
            group = group[:points]
        for r, w in zip(group, partition(points, len(group), rng)):
            undone = r[4] in NOT_DONE
            s = 0 if undone else w
            r[5], r[6] = str(w), str(s)
            r[7] = (r[7] or "受疫情影响，未能按计划开展") if undone else ""
            total_score += s
    p["indicators"] = rows
    if p["layout"] == "template":
        l1 = {}
        for r in rows:
            l1[r[0]] = l1.get(r[0], 0) + int(r[5])
        p["level1_weights"] = {k: str(v) for k, v in l1.items()}
    p["total"] = {"weight": "100", "score": f"{total_score:.1f}"}
    # about one form in five carries a mistake a filer makes
    if rng.random() < 0.2:
        row = rng.choice(rows)
        kind = rng.randrange(5)
        if kind == 0:
            row[6] = str(int(row[5]) + rng.randint(1, 5))  # score above its weight
        elif kind == 1:
            row[4] = ""  # actual value left blank
        elif kind == 2:
            p["total"]["score"] = f"{total_score + rng.randint(1, 9):.1f}"  # total does not add up
        elif kind == 3:
            p["funds"]["total"][4] = f"{min(rate + 0.2, 1.5):.2f}"  # execution rate miscomputed
        else:
            row[5] = "1O"  # letter O typed for a zero
    return p


TEXT_NUMBERS = False
NOT_DONE = ("无", "暂缓举办", "未完成", "未开展")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="how many forms")
    ap.add_argument("--out", help="output folder (default: target/bench-corpus-N)")
    ap.add_argument("--seed", type=int, default=2020, help="random seed (default 2020)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    out = a.out or os.path.join(REPO, "target", f"bench-corpus-{a.n}")
    os.makedirs(out, exist_ok=True)
    chunks = [(out, a.seed, range(k, a.n, a.jobs)) for k in range(a.jobs)]
    with multiprocessing.Pool(a.jobs) as pool:
        written = sum(pool.map(write_chunk, chunks))
    print(f"gen-corpus: {written} workbooks in {out}")


def write_chunk(args):
    out, seed, indices = args
    shared = shared_dir()
    formgen = load_formgen(shared)
    with open(os.path.join(shared, "seed", "shenzhen-commerce-2020.yaml"), encoding="utf-8") as fh:
        seeds = yaml.safe_load(fh)["projects"]
    pool, names = [], set()
    for p in seeds:
        for r in p["indicators"]:
            if len(r) == 8 and r[0] and r[1] and r[2] not in names and "不适用" not in r[2:5]:
                names.add(r[2])
                pool.append(tuple(r))
    put = formgen.Sheet.put

    def put_maybe_text(self, row, col, value, fmt, formula=None):
        """Amounts typed as text ('number stored as text') on some forms."""
        v = "" if value is None else str(value)
        if TEXT_NUMBERS and formula is None and fmt in ("money", "money_in") and formgen.number(v) is not None and v != "-":
            self.ws.write_string(row, col, v, self.f[fmt])
        else:
            put(self, row, col, value, fmt, formula)

    formgen.Sheet.put = put_maybe_text
    count = 0
    for i in indices:
        rng = random.Random(seed * 1_000_003 + i)
        p = make_project(i, seeds, pool, rng)
        global TEXT_NUMBERS
        TEXT_NUMBERS = rng.random() < 0.16
        path = os.path.join(out, f"{formgen.sheet_name(p)}.xlsx")
        book = formgen.xlsxwriter.Workbook(path)
        formgen.render(book, "自评表", p, 2020)
        book.close()
        count += 1
    return count


if __name__ == "__main__":
    main()
