#!/usr/bin/env python3
"""ctest label check: every test carries one of the suite labels, and every test of a unit-test
executable (a gtest binary named *unit_tests, demo_driver_test) or a fuzz replay carries `unit`,
so `ctest -L unit` runs every unit test. Usage: check_labels.py <ctest> <build dir>"""
import json
import subprocess
import sys

SUITES = {"unit", "integration", "plugin_abi", "packaging"}
UNIT_EXECUTABLES = ("unit_tests", "demo_driver_test")


def main() -> int:
    ctest, build_dir = sys.argv[1], sys.argv[2]
    out = subprocess.run([ctest, "--test-dir", build_dir, "--show-only=json-v1"],
                         check=True, capture_output=True, text=True).stdout
    problems = []
    tests = json.loads(out)["tests"]
    for t in tests:
        props = {p["name"]: p["value"] for p in t.get("properties", [])}
        labels = set(props.get("LABELS", []))
        command = t.get("command") or [""]
        exe = command[0].rsplit("/", 1)[-1]
        if not labels & SUITES:
            problems.append(f"{t['name']}: no suite label (has {sorted(labels)}; want one of {sorted(SUITES)})")
        if (exe.endswith(UNIT_EXECUTABLES) or t["name"].startswith("fuzz_replay_")) and "unit" not in labels:
            problems.append(f"{t['name']} ({exe}): a unit test without the label 'unit'")
    for p in problems:
        print(p)
    print(f"{len(tests)} tests checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
