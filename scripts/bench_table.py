#!/usr/bin/env python3
"""Markdown table of a `scripts/bench-vs-pytorch` run: PyTorch next to Rewarm, per shape/mode/threads.

Usage: bench_table.py RESULTS.jsonl [FAILURES.jsonl] [--shapes NAME=D/L/H/T/B,...]
                      [--date TEXT] [--cpu TEXT] [--coretype TEXT] [--notes FILE] [--jobs FILE]

RESULTS.jsonl holds the JSON lines printed by bench_torch.py (engine "pytorch") and
`rewarm bench` (engine "rewarm"): keys engine, mode, D, L, H, T, B, threads, tokens_per_s,
est_gflops_per_s, and for Rewarm blas_core (+ blas_core_source). FAILURES.jsonl holds one line per
failed run: engine, mode, D, L, H, T, B, threads, reason. Lines of the notes FILE are printed
under the table as "note: ...". Several lines for one cell (repeats) are
folded to the median. Ratio = Rewarm tokens/s / PyTorch tokens/s (> 1: Rewarm is faster), of the
two medians; with repeats, the paired ratio is the median (min-max) of the ratios of each Rewarm
run to the PyTorch run of the same repeat (the i-th of each engine in file order, run back to
back), which a drift of the machine's speed over the minutes of a run moves less.
Standard library only.
"""
import argparse
import json
import statistics
import sys

SHAPE_KEYS = ("D", "L", "H", "T", "B")


def load(path):
    """JSON objects from the lines of `path` that start with '{' (others are ignored)."""
    rows = []
    try:
        with open(path) as f:
            for number, line in enumerate(f, 1):
                line = line.strip()
                if not line.startswith("{"):
                    continue
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    print("%s:%d: invalid JSON: %s" % (path, number, e), file=sys.stderr)
    except FileNotFoundError:
        pass
    return rows


def shape_of(row):
    return tuple(int(row[k]) for k in SHAPE_KEYS)


def cell_key(row):
    return (shape_of(row), str(row["mode"]), int(row["threads"]))


def parse_shapes(text):
    """'small=128/4/4/128/16,base=256/6/8/256/8' -> {(128, 4, 4, 128, 16): 'small', ...} (ordered)."""
    names = {}
    for item in filter(None, (text or "").split(",")):
        name, _, dims = item.partition("=")
        names[tuple(int(x) for x in dims.split("/"))] = name
    return names


def median_of(rows, key):
    values = [float(r[key]) for r in rows if isinstance(r.get(key), (int, float))]
    return statistics.median(values) if values else None


def with_range(rows, key, digits=0):
    """The median of `key` over `rows`, followed by (min-max) when there are several."""
    values = [float(r[key]) for r in rows if isinstance(r.get(key), (int, float))]
    if len(values) < 2:
        return fmt(statistics.median(values) if values else None, digits)
    return "%s (%s-%s)" % (fmt(statistics.median(values), digits), fmt(min(values), digits), fmt(max(values), digits))


def fmt(x, digits=0):
    if x is None:
        return "-"
    return format(x, ",.%df" % digits)


def paired_ratio(torch_rows, rewarm_rows):
    """Median (min-max) of Rewarm/PyTorch tokens/s over the i-th runs of each engine; '-' unless
    both engines have the same number (> 1) of runs with a speed."""
    t = [float(r["tokens_per_s"]) for r in torch_rows if isinstance(r.get("tokens_per_s"), (int, float))]
    w = [float(r["tokens_per_s"]) for r in rewarm_rows if isinstance(r.get("tokens_per_s"), (int, float))]
    if len(t) < 2 or len(t) != len(w) or min(t) <= 0:
        return "-"
    ratios = [b / a for a, b in zip(t, w)]
    return "%.2f (%.2f-%.2f)" % (statistics.median(ratios), min(ratios), max(ratios))


def blas_label(rows):
    cores = sorted({"%s (%s)" % (r.get("blas_core", "?"), r["blas_core_source"]) if r.get("blas_core_source")
                    else str(r.get("blas_core", "?")) for r in rows})
    return ", ".join(cores) if cores else "-"


def render(results, failures, shape_names, date, cpu, coretype, extra_notes=(), jobs=()):
    cells = {}
    for r in results:
        try:
            key = cell_key(r)
        except (KeyError, TypeError, ValueError):
            continue
        engine = "pytorch" if r.get("engine", "pytorch") == "pytorch" else "rewarm"
        cells.setdefault(key, {"pytorch": [], "rewarm": [], "failed": {}})[engine].append(r)
    for f in failures:
        try:
            key = cell_key(f)
        except (KeyError, TypeError, ValueError):
            continue
        engine = "pytorch" if f.get("engine") == "pytorch" else "rewarm"
        cell = cells.setdefault(key, {"pytorch": [], "rewarm": [], "failed": {}})
        cell["failed"][engine] = str(f.get("reason", "failed"))

    order = list(shape_names)
    def sort_key(k):
        shape, mode, threads = k
        rank = order.index(shape) if shape in order else len(order)
        return (rank, shape, mode, threads)

    lines = [
        "date: %s" % date,
        "CPU: %s" % cpu,
        "OPENBLAS_CORETYPE: %s" % coretype,
        "",
        "| shape D/L/H/T/B | mode | threads | PyTorch tokens/s | Rewarm tokens/s | ratio Rewarm/PyTorch "
        "| paired ratio | PyTorch GFLOP/s | Rewarm GFLOP/s | Rewarm sgemm GFLOP/s (model shapes) | Rewarm mfu "
        "| Rewarm peak / baseline + expected MB | Rewarm blas_core |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    notes = []
    runs = 0
    for key in sorted(cells, key=sort_key):
        shape, mode, threads = key
        cell = cells[key]
        label = "/".join(str(x) for x in shape)
        if shape in shape_names:
            label = "%s %s" % (shape_names[shape], label)
        torch_tps = median_of(cell["pytorch"], "tokens_per_s")
        rewarm_tps = median_of(cell["rewarm"], "tokens_per_s")
        torch_gf = median_of(cell["pytorch"], "est_gflops_per_s")
        rewarm_gf = median_of(cell["rewarm"], "est_gflops_per_s")

        def shown(engine, value, digits):
            if engine in cell["failed"] and value is None:
                notes.append("%s %s %s threads=%d: %s" % (engine, label, mode, threads, cell["failed"][engine]))
                return "FAILED"
            return fmt(value, digits)

        ratio = "%.2f" % (rewarm_tps / torch_tps) if torch_tps and rewarm_tps else "-"
        torch_tps_text = shown("pytorch", torch_tps, 0)
        rewarm_tps_text = shown("rewarm", rewarm_tps, 0)
        if torch_tps_text != "FAILED":
            torch_tps_text = with_range(cell["pytorch"], "tokens_per_s")
        if rewarm_tps_text != "FAILED":
            rewarm_tps_text = with_range(cell["rewarm"], "tokens_per_s")
        runs = max(runs, len(cell["pytorch"]), len(cell["rewarm"]))
        sgemm = median_of(cell["rewarm"], "sgemm_gflops_model_shapes")
        mfu = median_of(cell["rewarm"], "mfu")
        peak = median_of(cell["rewarm"], "peak_rss_mb")
        expected = median_of(cell["rewarm"], "expected_mb")
        baseline = median_of(cell["rewarm"], "baseline_rss_mb")
        memory = "-"
        if peak is not None:
            memory = "%s / %s + %s" % (fmt(peak, 0), fmt(baseline, 0), fmt(expected, 0))
        lines.append("| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            label, mode, threads, torch_tps_text, rewarm_tps_text, ratio, paired_ratio(cell["pytorch"], cell["rewarm"]),
            "FAILED" if torch_tps_text == "FAILED" else fmt(torch_gf, 1),
            "FAILED" if rewarm_tps_text == "FAILED" else fmt(rewarm_gf, 1),
            fmt(sgemm, 1), fmt(mfu, 2), memory, blas_label(cell["rewarm"])))
    if runs > 1:
        lines.insert(3, "runs per engine and cell: up to %d, alternating; tokens/s: median (min-max); "
                        "ratio, GFLOP/s, mfu and memory: of the medians; paired ratio: median (min-max) of "
                        "the per-repeat ratios" % runs)
    if jobs:
        lines += ["", "| shape D/L/H/T/B | mode | Rewarm tokens/s, 1 run alone | 2 runs side by side (sum) | jobs-2 ratio |",
                  "|---|---|---:|---:|---:|"]
        for j in jobs:
            try:
                shape = shape_of(j)
            except (KeyError, TypeError, ValueError):
                continue
            label = "/".join(str(x) for x in shape)
            if shape in shape_names:
                label = "%s %s" % (shape_names[shape], label)
            lines.append("| %s | %s | %s | %s | %.2f |" % (
                label, j.get("mode", "?"), fmt(j.get("tokens_per_s_alone")), fmt(j.get("jobs2_tokens_per_s")),
                float(j.get("jobs2_ratio", 0))))
    if notes or extra_notes:
        lines.append("")
        lines.extend("failed: " + n for n in notes)
        lines.extend("note: " + n for n in extra_notes)
    return "\n".join(lines)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("results")
    p.add_argument("failures", nargs="?")
    p.add_argument("--shapes", default="", help="NAME=D/L/H/T/B,... (row order and names)")
    p.add_argument("--date", default="-")
    p.add_argument("--cpu", default="-")
    p.add_argument("--coretype", default="unset")
    p.add_argument("--notes", help="file whose non-empty lines are printed under the table")
    p.add_argument("--jobs", help="JSON lines of scripts/bench-jobs (jobs-2 scaling table)")
    args = p.parse_args(argv)
    failures = load(args.failures) if args.failures else []
    extra_notes = []
    if args.notes:
        try:
            with open(args.notes) as f:
                extra_notes = [line.strip() for line in f if line.strip()]
        except FileNotFoundError:
            pass
    jobs = load(args.jobs) if args.jobs else []
    print(render(load(args.results), failures, parse_shapes(args.shapes), args.date, args.cpu, args.coretype,
                 extra_notes, jobs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
