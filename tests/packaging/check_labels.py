#!/usr/bin/env python3
"""ctest lane check. The lanes are the rows of the table in docs/testing.md (`| \\`unit\\` | ...`);
every test carries exactly one of them (other labels, e.g. `store`, are free-form tags), and the
suites land in the lane their kind demands: a gtest binary named *unit_tests or demo_driver_test
in `unit`, a fuzz replay in `fuzz`, the simulator suites of tests/drivers/ in `driver`,
service_tests in `service`. So `ctest -L unit` runs every unit test and nothing that needs a
broker. Usage: check_labels.py <ctest> <build dir> <docs/testing.md>"""
import json
import re
import subprocess
import sys

UNIT_EXECUTABLES = ("unit_tests", "demo_driver_test")
DRIVER_EXECUTABLES = ("isapi_tests", "miio_tests", "nuki_tests", "yeelight_tests")


def documented_lanes(doc_path: str) -> set:
    """The lane names of the table in docs/testing.md: rows starting with | `name` |."""
    lanes = set()
    with open(doc_path, encoding="utf-8") as doc:
        for line in doc:
            m = re.match(r"^\|\s*`([a-z_]+)`\s*\|", line)
            if m:
                lanes.add(m.group(1))
    return lanes


def expected_lane(name: str, exe: str):
    """The lane a test must be in by its executable or name, or None if any lane will do."""
    if name.startswith("fuzz_replay_"):
        return "fuzz"
    if exe.endswith(UNIT_EXECUTABLES):
        return "unit"
    if exe in DRIVER_EXECUTABLES:
        return "driver"
    if exe == "service_tests":
        return "service"
    return None


def main() -> int:
    ctest, build_dir, doc_path = sys.argv[1], sys.argv[2], sys.argv[3]
    lanes = documented_lanes(doc_path)
    if not lanes:
        print(f"{doc_path}: no lane table found")
        return 1
    out = subprocess.run([ctest, "--test-dir", build_dir, "--show-only=json-v1"],
                         check=True, capture_output=True, text=True).stdout
    problems = []
    tests = json.loads(out)["tests"]
    for t in tests:
        props = {p["name"]: p["value"] for p in t.get("properties", [])}
        labels = set(props.get("LABELS", []))
        command = t.get("command") or [""]
        exe = command[0].rsplit("/", 1)[-1]
        on = sorted(labels & lanes)
        if len(on) != 1:
            problems.append(f"{t['name']}: lane labels {on}, want exactly one of {sorted(lanes)}")
            continue
        want = expected_lane(t["name"], exe)
        if want is not None and on[0] != want:
            problems.append(f"{t['name']} ({exe}): in lane '{on[0]}', belongs in '{want}'")
    for p in problems:
        print(p)
    print(f"{len(tests)} tests checked against lanes {sorted(lanes)}, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
