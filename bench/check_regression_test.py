#!/usr/bin/env python3
"""Self-test of bench/check_regression.py on made-up results: within tolerance passes, +21 %
fails, a missing scenario or a baseline of another metric is unusable input (exit 2)."""
import json
import os
import subprocess
import sys
import tempfile

CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_regression.py")


def results(process, inproc):
    run = lambda v: {"cpu_us_per_update": v}  # noqa: E731
    return {"date": 0, "throughput_10000_per_s": {"raw": [], "process": [run(v) for v in process],
                                                  "inproc": [run(v) for v in inproc]}}


def check(tmp, res, base, *extra):
    r, b = os.path.join(tmp, "r.json"), os.path.join(tmp, "b.json")
    json.dump(res, open(r, "w"))
    json.dump(base, open(b, "w"))
    return subprocess.run([sys.executable, CHECK, r, b, *extra], capture_output=True, text=True).returncode


def main():
    base = {"metric": "cpu_us_per_update", "machine": "test", "median_us": {"process": 50.0, "inproc": 40.0}}
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ("same", results([50, 49, 51], [40, 40, 41]), base, 0),
            ("+19 % is within tolerance", results([59.5] * 3, [40] * 3), base, 0),
            ("+21 % on process fails", results([60.5] * 3, [40] * 3), base, 1),
            ("+21 % on inproc fails", results([50] * 3, [48.4] * 3), base, 1),
            ("median, not max: one slow run of three passes", results([50, 50, 90], [40] * 3), base, 0),
            ("missing scenario", {"date": 0}, base, 2),
            ("other metric", results([50] * 3, [40] * 3), dict(base, metric="cpu_us_per_update_with_generator"), 2),
        ]
        for name, res, b, want in cases:
            got = check(tmp, res, b)
            if got != want:
                failures.append(f"{name}: exit {got}, want {want}")
        if check(tmp, results([60.5] * 3, [40] * 3), base, "--tolerance", "0.25") != 0:
            failures.append("--tolerance 0.25 should accept +21 %")
    for f in failures:
        print("FAIL", f)
    print(f"{7 + 1 - len(failures)}/8 cases passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
