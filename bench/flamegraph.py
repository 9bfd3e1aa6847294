#!/usr/bin/env python3
"""Folds `perf script` output into stacks and draws them as a flame graph (SVG), plus a
per-thread summary. Debian ships no flame graph tool, so this is the small part of one we need.

    perf script -i perf.data | python3 bench/flamegraph.py OUT_DIR

Writes OUT_DIR/stacks.folded (one "thread;frame;frame count" line per distinct stack, the format
Brendan Gregg's flamegraph.pl and speedscope read), OUT_DIR/flame.svg and OUT_DIR/threads.txt
(samples per thread name, share of all samples).
"""
import collections
import html
import os
import re
import sys

HEADER = re.compile(r"^(\S.*?)\s+(\d+)(?:/(\d+))?\s+")  # "comm pid/tid  time: ..." of a sample


def fold(lines):
    """Counter of "thread;outermost;...;innermost" -> samples."""
    stacks = collections.Counter()
    thread, frames = None, []

    def flush():
        if thread is not None:
            stacks[";".join([thread] + list(reversed(frames)))] += 1

    for line in lines:
        if not line.strip():
            flush()
            thread, frames = None, []
        elif not line[0].isspace():
            flush()
            m = HEADER.match(line)
            thread, frames = (m.group(1).strip() if m else line.split()[0]), []
        else:
            parts = line.split(None, 1)  # "addr symbol+off (dso)"
            sym = parts[1] if len(parts) > 1 else parts[0]
            sym = re.sub(r"\+0x[0-9a-f]+", "", sym.rsplit(" (", 1)[0]).strip() or "[unknown]"
            frames.append(sym.replace(";", ":"))
    flush()
    return stacks


def tree(stacks):
    root = {"n": 0, "c": {}}
    for stack, count in stacks.items():
        node = root
        root["n"] += count
        for frame in stack.split(";"):
            node = node["c"].setdefault(frame, {"n": 0, "c": {}})
            node["n"] += count
    return root


def svg(root, width=1400, row=16):
    rects = []

    def walk(node, name, x, depth):
        w = node["n"] / root["n"] * width
        if w < 0.3:
            return
        rects.append((x, depth, w, name, node["n"]))
        cx = x
        for child_name, child in sorted(node["c"].items()):
            walk(child, child_name, cx, depth + 1)
            cx += child["n"] / root["n"] * width

    walk(root, "all", 0.0, 0)
    depth = max(d for _, d, _, _, _ in rects) + 1
    height = depth * row + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="monospace" '
           'font-size="11">']
    for x, d, w, name, n in rects:
        y = height - (d + 1) * row
        hue = 20 + (sum(name.encode()) % 40)  # stable across runs
        label = html.escape(name)
        share = 100.0 * n / root["n"]
        out.append(f'<g><title>{label} ({n} samples, {share:.2f}%)</title>'
                   f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row - 1}" fill="hsl({hue},90%,60%)"/>')
        if w > 40:
            text = html.escape(name[: int(w / 7)])
            out.append(f'<text x="{x + 2:.1f}" y="{y + row - 4}">{text}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: perf script | flamegraph.py OUT_DIR")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    stacks = fold(sys.stdin)
    if not stacks:
        sys.exit("flamegraph.py: no samples in the input")
    with open(os.path.join(out_dir, "stacks.folded"), "w", encoding="utf-8") as f:
        for stack, count in sorted(stacks.items()):
            f.write(f"{stack} {count}\n")
    with open(os.path.join(out_dir, "flame.svg"), "w", encoding="utf-8") as f:
        f.write(svg(tree(stacks)))
    threads = collections.Counter()
    for stack, count in stacks.items():
        threads[stack.split(";", 1)[0]] += count
    total = sum(threads.values())
    with open(os.path.join(out_dir, "threads.txt"), "w", encoding="utf-8") as f:
        for name, n in threads.most_common():
            f.write(f"{100.0 * n / total:6.2f}%  {n:7d}  {name}\n")
    print(f"flamegraph.py: {total} samples, {len(stacks)} stacks -> {out_dir}")


if __name__ == "__main__":
    main()
