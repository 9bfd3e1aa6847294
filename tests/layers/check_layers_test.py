#!/usr/bin/env python3
"""Self-test of tools/check_layers.py against the real table (cmake/layers.txt): on scratch trees
it must refuse a wrong include with the exact message (core including mqtt, ctl reaching past the
client piece of mqtt, a "../" include, a folder no layer owns) and accept the allowed ones, so
the include check the build relies on cannot pass by accident.
Usage: check_layers_test.py <tools/check_layers.py> <cmake/layers.txt>"""
import pathlib
import subprocess
import sys
import tempfile


def run(checker, table, files):
    with tempfile.TemporaryDirectory(prefix="hearth_layers_") as tmp:
        src = pathlib.Path(tmp) / "src"
        for rel, text in files.items():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            (src / rel).write_text(text, encoding="utf-8")
        r = subprocess.run([sys.executable, checker, "--src", str(src), "--table", table],
                           capture_output=True, text=True)
        return r.returncode, r.stdout + r.stderr


def main():
    checker, table = sys.argv[1], sys.argv[2]
    failures = []

    def expect(name, files, code, needles=()):
        rc, out = run(checker, table, files)
        if rc != code:
            failures.append(f"{name}: exit {rc}, want {code}; output:\n{out}")
        for needle in needles:
            if needle not in out:
                failures.append(f"{name}: output lacks {needle!r}; output:\n{out}")

    allowed = {
        "core/config.cpp": '#include "core/config.hpp"\n#include "core/broker_url.hpp"\n#include <mqtt/async_client.h>\n',
        "mqtt/bridge.cpp": '#include "mqtt/bridge.hpp"\n#include "core/gateway.hpp"\n#include "mqtt/connect_options.hpp"\n',
        "mqtt/connect_options.cpp": '#include "mqtt/connect_options.hpp"\n#include "core/broker_url.hpp"\n',
        "ctl/ctl_client.cpp": '#include "mqtt/connect_options.hpp"\n#include "store/sqlite.hpp"\n',
        "app/daemon.cpp": '#include "mqtt/bridge.hpp"\n#include "rules/engine.hpp"\n#include "plugin/wire.hpp"\n',
        "plugin/wire.cpp": '#include "sandbox/sandbox.hpp"\n#include "iso_harness.hpp"\n',
    }
    expect("allowed includes", allowed, 0, ["0 wrong include(s)"])

    expect("core includes mqtt", {**allowed, "core/bad.cpp": '// core\n#include "mqtt/bridge.hpp"\n'}, 1,
           ["src/core/bad.cpp:2 includes mqtt/bridge.hpp: core may not use mqtt", "1 wrong include(s)"])
    expect("ctl includes the bridge", {"ctl/bad.cpp": '#include "mqtt/bridge.hpp"\n'}, 1,
           ["src/ctl/bad.cpp:1 includes mqtt/bridge.hpp: ctl may not use mqtt"])
    expect("ctl includes the rules engine", {"ctl/bad.hpp": '#pragma once\n#include "rules/engine.hpp"\n'}, 1,
           ["src/ctl/bad.hpp:2 includes rules/engine.hpp: ctl may not use rules"])
    expect("store includes core", {"store/bad.cpp": '  #  include "core/config.hpp"\n'}, 1,
           ["src/store/bad.cpp:1 includes core/config.hpp: store may not use core"])
    expect("relative include", {"core/bad.cpp": '#include "../app/daemon.hpp"\n'}, 1,
           ["src/core/bad.cpp:1 includes app/daemon.hpp: core may not use app"])
    expect("folder of no layer", {"gadgets/x.cpp": "int x;\n"}, 1, ["src/gadgets/x.cpp: belongs to no layer"])

    for f in failures:
        print(f)
    print(f"check_layers self-test: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
