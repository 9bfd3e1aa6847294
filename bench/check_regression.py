#!/usr/bin/env python3
"""The CPU-per-update regression check: compares a hearth-bench result's throughput scenario
(median CPU µs per update of hearthd + its worker, the load generator excluded) with a stored
baseline measured on the same kind of machine, and fails when it grew by more than the tolerance.

    bench/check_regression.py RESULTS.json bench/baseline/MACHINE.json [--tolerance 0.20]
    bench/check_regression.py RESULTS.json --write-baseline OUT.json --machine "2 vCPU ..."

Exit status: 0 within tolerance, 1 a regression, 2 unusable input (missing scenario, a baseline of
another metric). Timings never gate ctest (docs/benchmarks.md); this runs after bench/run.sh.
"""
import argparse
import json
import statistics
import sys

MODES = ("process", "inproc")
METRIC = "cpu_us_per_update"  # hearthd + workers - load generator, per update


def medians(results):
    try:
        runs = results["throughput_10000_per_s"]
    except (KeyError, TypeError):
        raise ValueError("no throughput_10000_per_s scenario in the results (run hearth-bench --only throughput)")
    out = {}
    for mode in MODES:
        values = [r[METRIC] for r in runs.get(mode, []) if isinstance(r.get(METRIC), (int, float))]
        if not values:
            raise ValueError(f"no {METRIC} in the {mode} runs (results from an older hearth-bench?)")
        out[mode] = statistics.median(values)
    return out


def compare(current, baseline, tolerance):
    """Rows (mode, baseline, current, change) and whether every mode is within tolerance."""
    rows, ok = [], True
    for mode in MODES:
        base, now = baseline[mode], current[mode]
        change = now / base - 1.0
        ok = ok and change <= tolerance
        rows.append((mode, base, now, change))
    return rows, ok


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results")
    ap.add_argument("baseline", nargs="?")
    ap.add_argument("--tolerance", type=float, default=0.20)
    ap.add_argument("--write-baseline", metavar="OUT")
    ap.add_argument("--machine", default="")
    a = ap.parse_args(argv)
    try:
        with open(a.results, encoding="utf-8") as f:
            current = medians(json.load(f))
        if a.write_baseline:
            doc = {"metric": METRIC, "machine": a.machine, "date": json.load(open(a.results)).get("date"),
                   "median_us": current}
            with open(a.write_baseline, "w", encoding="utf-8") as f:
                json.dump(doc, f, indent=2)
                f.write("\n")
            print(f"baseline written to {a.write_baseline}: {current}")
            return 0
        if not a.baseline:
            raise ValueError("a baseline file is needed (or --write-baseline)")
        with open(a.baseline, encoding="utf-8") as f:
            base = json.load(f)
        if base.get("metric") != METRIC:
            raise ValueError(f"the baseline measures {base.get('metric')!r}, not {METRIC!r}")
        rows, ok = compare(current, base["median_us"], a.tolerance)
    except (OSError, ValueError, KeyError) as e:
        print(f"check_regression: {e}", file=sys.stderr)
        return 2
    print(f"CPU µs per update at 10,000/s (median; baseline: {base.get('machine', '?')}; tolerance +{a.tolerance:.0%})")
    for mode, b, now, change in rows:
        verdict = "ok" if change <= a.tolerance else "REGRESSION"
        print(f"  {mode:8} baseline {b:7.1f}  now {now:7.1f}  {change:+.1%}  {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
