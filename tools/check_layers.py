#!/usr/bin/env python3
"""Include-direction check: every source under src/ may include headers of its own layer and of
the layers its layer may use, as listed in cmake/layers.txt (the one table of arrows; see
docs/architecture.md, "Layers"). Only quoted includes whose first path part names a layer folder
are checked ("mqtt/bridge.hpp"); angle includes are system and third-party headers (<mqtt/...>
is Paho's). Prints one line per wrong include, e.g.

    src/core/config.cpp:9 includes mqtt/bridge.hpp: core may not use mqtt (core may use: nothing)

and exits 1 when there is one, 2 when the table or the tree cannot be read, 0 otherwise.

Usage: check_layers.py [--quiet] [--src DIR] [--table FILE]   (defaults: the repository's src/ and
cmake/layers.txt, found relative to this script)."""
import argparse
import fnmatch
import pathlib
import re
import sys

SOURCE_SUFFIXES = (".cpp", ".hpp", ".h", ".c", ".cpp.in", ".hpp.in")
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


class TableError(Exception):
    pass


def read_table(path):
    """[(layer, target, pattern, [allowed layers])] in file order."""
    rows = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        left, sep, right = line.partition(":")
        words = left.split()
        if not sep or len(words) != 3:
            raise TableError(f"{path}:{number}: want '<layer> <target> <pattern> : <layers...>'")
        rows.append((words[0], words[1], words[2], right.split()))
    layers = {r[0] for r in rows}
    for layer, _, _, uses in rows:
        for used in uses:
            if used not in layers:
                raise TableError(f"{path}: layer {layer} uses unknown layer {used}")
    if not rows:
        raise TableError(f"{path}: no layers")
    return rows


def matches(pattern, rel):
    if pattern.endswith("/"):
        return rel.startswith(pattern)
    return fnmatch.fnmatchcase(rel, pattern)


def layer_of(rows, rel):
    for layer, _, pattern, _ in rows:
        if matches(pattern, rel):
            return layer
    return None


def check(src, rows):
    """The problems found under src, as printable lines."""
    folders = {r[2].split("/", 1)[0] for r in rows}
    allowed = {r[0]: set(r[3]) for r in rows}
    problems = []
    for path in sorted(src.rglob("*")):
        if not path.is_file() or not path.name.endswith(SOURCE_SUFFIXES):
            continue
        rel = path.relative_to(src).as_posix()
        shown = f"{src.name}/{rel}"
        own = layer_of(rows, rel)
        if own is None:
            problems.append(f"{shown}: belongs to no layer of the table (add its folder to cmake/layers.txt)")
            continue
        for number, text in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            m = INCLUDE.match(text)
            if not m:
                continue
            header = m.group(1)
            if header.startswith(("./", "../")):  # "../mqtt/bridge.hpp" is still mqtt's header
                resolved = (path.parent / header).resolve()
                if src.resolve() in resolved.parents:
                    header = resolved.relative_to(src.resolve()).as_posix()
            if header.split("/", 1)[0] not in folders or "/" not in header:
                continue  # a system, SDK or same-folder relative include
            used = layer_of(rows, header)
            if used is None or used == own or used in allowed[own]:
                continue
            may = ", ".join(sorted(allowed[own])) or "nothing"
            problems.append(f"{shown}:{number} includes {header}: {own} may not use {used} ({own} may use: {may})")
    return problems


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description="Hearth include-direction check (cmake/layers.txt)")
    parser.add_argument("--src", type=pathlib.Path, default=root / "src")
    parser.add_argument("--table", type=pathlib.Path, default=root / "cmake" / "layers.txt")
    parser.add_argument("--quiet", action="store_true", help="print only the problems (for the build)")
    args = parser.parse_args()
    try:
        rows = read_table(args.table)
    except (OSError, TableError) as e:
        print(f"check_layers: {e}")
        return 2
    if not args.src.is_dir():
        print(f"check_layers: {args.src} is not a directory")
        return 2
    problems = check(args.src, rows)
    for p in problems:
        print(p)
    if problems or not args.quiet:
        print(f"check_layers: {len(rows)} layers, {len(problems)} wrong include(s) under {args.src}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
