#!/usr/bin/env python3
"""Docs check: every driver entry shown in a ```json block of the documentation (docs/, README.md,
plugins/*/README.md) uses the config keys hearthd reads: "plugin" and "id" (required), optional
"enabled", "isolation", "limits", "config" -- never the old "driver" key. Blocks that are not JSON
(elided with ..., or several fragments) are skipped. Usage: check_doc_configs.py <source dir>"""
import json
import pathlib
import re
import sys

ENTRY_KEYS = {"plugin", "id", "enabled", "isolation", "limits", "config", "refresh_min_interval_ms"}
BLOCK = re.compile(r"```json\n(.*?)```", re.S)


def entries(value):
    """Objects that look like driver entries: they carry a driver config next to a plugin name."""
    if isinstance(value, dict):
        if "config" in value and ("plugin" in value or "driver" in value):
            yield value
        for v in value.values():
            yield from entries(v)
    elif isinstance(value, list):
        for v in value:
            yield from entries(v)


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    files = [root / "README.md", *sorted((root / "docs").rglob("*.md")), *sorted((root / "plugins").glob("*/README.md"))]
    problems, checked = [], 0
    for f in files:
        for block in BLOCK.findall(f.read_text(encoding="utf-8")):
            try:
                doc = json.loads(block)
            except json.JSONDecodeError:
                continue
            for e in entries(doc):
                checked += 1
                where = f"{f.relative_to(root)}: {json.dumps(e)[:80]}"
                if "driver" in e:
                    problems.append(f"{where}: the key is \"plugin\", not \"driver\"")
                missing = {"plugin", "id"} - e.keys()
                if missing:
                    problems.append(f"{where}: missing {sorted(missing)}")
                unknown = e.keys() - ENTRY_KEYS - {"driver"}
                if unknown:
                    problems.append(f"{where}: unknown keys {sorted(unknown)}")
    for p in problems:
        print(p)
    print(f"{checked} driver entries checked in {len(files)} files, {len(problems)} problem(s)")
    return 1 if problems or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
