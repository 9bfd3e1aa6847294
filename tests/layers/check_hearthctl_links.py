#!/usr/bin/env python3
"""hearthctl links only what it needs: its own layer and the layers cmake/layers.txt lets ctl use
(core, store, the MQTT client piece; the driver kit under the Tuya codec of `discover`), never the daemon (libsystemd, libseccomp, the rules engine,
the MQTT bridge, the plugin host, the app wiring). Three views of the same binary:

- the link map (written by the linker next to hearthctl): what was on the link line. The linker
  runs with --as-needed (Debian's GCC default), which drops unused shared libraries from the
  binary, so only the map shows that hearthctl was linked against the whole daemon;
- readelf -d: the shared libraries the binary needs at run time (NEEDED);
- nm -C: no symbol of the rules engine, the bridge, the plugin host or the daemon wiring.

Usage: check_hearthctl_links.py <hearthctl> <hearthctl.map> <cmake/layers.txt>"""
import pathlib
import re
import subprocess
import sys

FORBIDDEN_LIBS = ("libsystemd", "libseccomp")
FORBIDDEN_SYMBOLS = ("hearth::rules::", "hearth::rules_service", "hearth::run_daemon", "hearth::service_notifier",
                     "hearth::mqtt::bridge", "hearth::mqtt::mqtt_link", "hearth::process_driver",
                     "hearth::inproc_driver", "hearth::plugin_module", "sd_notify", "seccomp_")


def table(path):
    """{layer: (target, [used layers])} from cmake/layers.txt."""
    rows = {}
    for raw in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            left, _, right = line.partition(":")
            words = left.split()
            rows[words[0]] = (words[1], right.split())
    return rows


def closure(rows, layer):
    seen, todo = set(), [layer]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(rows[current][1])
    return seen


def main():
    binary, link_map, layers_txt = sys.argv[1], sys.argv[2], sys.argv[3]
    rows = table(layers_txt)
    allowed_archives = {f"lib{rows[layer][0]}.a" for layer in closure(rows, "ctl")}
    # `hearthctl discover` decodes Tuya broadcasts with the tuya driver's codec, which is built on
    # the driver kit (crypto, byte order): the SDK's library, no piece of the daemon.
    allowed_archives.add("libhearth_kit.a")
    problems = []

    loads = re.findall(r"^LOAD (\S+)$", pathlib.Path(link_map).read_text(encoding="utf-8", errors="replace"),
                       re.MULTILINE)
    if not loads:
        problems.append(f"{link_map}: no LOAD lines (not a GNU ld link map?)")
    for item in dict.fromkeys(loads):  # static libraries can be listed more than once
        name = item.rsplit("/", 1)[-1]
        if name.startswith(FORBIDDEN_LIBS):
            problems.append(f"link line: {item} (hearthctl must not link {name})")
        elif name.startswith("libhearth_") and name.endswith(".a") and name not in allowed_archives:
            problems.append(f"link line: {item} (ctl may use only {sorted(allowed_archives)})")

    dynamic = subprocess.run(["readelf", "-d", binary], check=True, capture_output=True, text=True).stdout
    for needed in re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic):
        if needed.startswith(FORBIDDEN_LIBS):
            problems.append(f"NEEDED: {needed}")

    symbols = subprocess.run(["nm", "-C", binary], check=True, capture_output=True, text=True).stdout
    hits = {}
    for line in symbols.splitlines():
        for pattern in FORBIDDEN_SYMBOLS:
            if pattern in line:
                hits.setdefault(pattern, line.strip())
    for pattern, example in sorted(hits.items()):
        problems.append(f"symbol {pattern}...: e.g. {example[:160]}")

    for p in problems:
        print(p)
    print(f"hearthctl links: {len(loads)} link inputs, allowed hearth archives {sorted(allowed_archives)}, "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
