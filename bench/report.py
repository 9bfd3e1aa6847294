#!/usr/bin/env python3
"""Turns hearth-bench's JSON results into the Markdown tables of docs/benchmarks.md.

usage: python3 bench/report.py bench-results.json
Medians are taken over the repeated runs of a scenario; 'added' is Hearth minus the raw broker
baseline measured in the same run.
"""
import json
import statistics
import sys


def med(runs, key):
    return statistics.median(r[key] for r in runs)


def ms(us):
    return f"{us / 1000:.2f} ms"


def mb(kib):
    return f"{kib / 1024:.1f} MiB"


def latency_cells(runs):
    """p50 | p99 | p99.9 | max cells: medians over runs, max over all runs."""
    return (f"{ms(med(runs, 'p50_us'))} | {ms(med(runs, 'p99_us'))} | {ms(med(runs, 'p999_us'))} | "
            f"{ms(max(r['max_us'] for r in runs))}")


def print_added(s):
    for k in ("process", "inproc"):
        print(f"\nadded over raw ({k}): p50 {ms(s['added_p50_us'][k])}, p99 {ms(s['added_p99_us'][k])}")


def latency(res):
    s = res["latency_100_per_s"]
    print("| 100 updates/s, 10 sensors | p50 | p99 | p99.9 | max | lost (MQTT / store) |")
    print("|---|---|---|---|---|---|")
    for k, label in (("raw", "raw broker (baseline)"), ("process", "Hearth, process isolation"),
                     ("inproc", "Hearth, in-process")):
        runs = s[k]
        lost = sum(r["lost"] for r in runs)
        store = "—" if k == "raw" else str(sum(r["store_lost"] for r in runs))
        print(f"| {label} | {latency_cells(runs)} | {lost} / {store} |")
    print_added(s)


def throughput(res):
    s = res["throughput_10000_per_s"]
    n = len(s["raw"])
    print(f"| 10,000 updates/s, 1,000 sensors, 100,000 updates, {n} runs | delivered/s | not on MQTT "
          "(of which coalesced) | lost in store | runs with 0 not on MQTT | p50 | p99 | max | "
          "CPU µs/update, Hearth | CPU µs/update, broker | RSS (hearthd + workers) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for k, label in (("raw", "raw broker"), ("process", "Hearth, process"), ("inproc", "Hearth, in-process")):
        runs = s[k]
        hearth = k != "raw"
        coalesced = f" ({sum(r.get('coalesced', 0) for r in runs)})" if hearth else ""
        store = str(sum(r["store_lost"] for r in runs)) if hearth else "—"
        clean = sum(1 for r in runs if r["lost"] == 0)
        cpu = f"{med(runs, 'cpu_us_per_update'):.0f}" if hearth else "—"
        broker = [r["cpu_s"]["broker"] * 1e6 / r["sent"] for r in runs]
        rss = mb(med(runs, "rss_with_workers_kib")) if hearth else "—"
        print(f"| {label} | {med(runs, 'delivered_per_s'):.0f} | {sum(r['lost'] for r in runs)}{coalesced} | "
              f"{store} | {clean}/{len(runs)} | {ms(med(runs, 'p50_us'))} | {ms(med(runs, 'p99_us'))} | "
              f"{ms(max(r['max_us'] for r in runs))} | {cpu} | {statistics.median(broker):.0f} | {rss} |")
    print()
    print("CPU per update by thread (median µs; the load generator is the bench driver's emitting thread):")
    print()
    for k in ("process", "inproc"):
        runs = [r for r in s[k] if "cpu_s_by_thread" in r]
        if not runs:
            continue
        names = sorted({t for r in runs for t in r["cpu_s_by_thread"]})
        parts = [f"{t} {statistics.median(r['cpu_s_by_thread'].get(t, 0) * 1e6 / r['sent'] for r in runs):.1f}"
                 for t in names]
        gen = statistics.median(r["cpu_s"].get("load_generator", 0) * 1e6 / r["sent"] for r in runs)
        print(f"- {k}: " + ", ".join(parts) + f"; load generator {gen:.1f} (not counted)")


def command(res):
    s = res["command"]
    print("| `/set` → new state, 1,000 sequential | p50 | p99 | p99.9 | max | timeouts |")
    print("|---|---|---|---|---|---|")
    for k, label in (("raw", "raw echo over the broker"), ("process", "Hearth, process"),
                     ("inproc", "Hearth, in-process")):
        runs = s[k]
        print(f"| {label} | {latency_cells(runs)} | {sum(r['timeouts'] for r in runs)} |")
    print_added(s)


def rules(res):
    r = res["rules"]
    lat = r["latency"]
    print(f"{r['rules']} automations, {r['devices']} devices, {r['isolation']} isolation, READY after "
          f"{r['ready_ms']:.0f} ms; RSS {mb(r['rss_kib'])} (+ worker: {mb(r['rss_with_workers_kib'])})\n")
    print("| updates/s | triggers evaluated/s | actions/s | without action | trigger→action p50 | p99 | max |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {lat['rate']:.0f} | {2 * lat['rate']:.0f} | {lat['rate']:.0f} | {lat['without_action']} | "
          f"{ms(lat['p50_us'])} | {ms(lat['p99_us'])} | {ms(lat['max_us'])} |")
    for b in r["bursts"]:
        print(f"| {b['rate']:.0f} | {b['triggers_evaluated'] / 5:.0f} | {b['actions_per_s']:.0f} | "
              f"{b['without_action']} | {ms(b['p50_us'])} | {ms(b['p99_us'])} | {ms(b['max_us'])} |")


def footprint(res):
    f = res["footprint"]
    print("| setup | start → READY (median of 3) | RSS hearthd | RSS hearthd + worker | PSS hearthd + worker |")
    print("|---|---|---|---|---|")
    for k, label in (("d100_process", "100 devices, process"), ("d100_inproc", "100 devices, in-process"),
                     ("d1000_rules1000_process", "1,000 devices + 1,000 rules, process"),
                     ("d1000_rules1000_inproc", "1,000 devices + 1,000 rules, in-process")):
        r = f[k]
        print(f"| {label} | {r['ready_ms']:.0f} ms | {mb(r['rss_kib'])} | {mb(r['rss_with_workers_kib'])} | "
              f"{mb(r['pss_with_workers_kib'])} |")


def nodered(res):
    v = res["versus_nodered"]
    print(f"{v['devices']} automations, {v['rate']:.0f} updates/s, {v['updates']} updates\n")
    print("| engine | trigger→action p50 | p99 | max | without action | RSS |")
    print("|---|---|---|---|---|---|")
    h = v["hearth"]
    print(f"| Hearth rules (process isolation) | {ms(h['p50_us'])} | {ms(h['p99_us'])} | {ms(h['max_us'])} | "
          f"{h['without_action']} | hearthd {mb(h['rss_kib'])}, + worker {mb(h['rss_with_workers_kib'])} |")
    for k, label in (("nodered", "Node-RED (stock)"), ("nodered_nodelay", "Node-RED, Nagle off (patched)")):
        n = v[k]
        print(f"| {label} | {ms(n['p50_us'])} | {ms(n['p99_us'])} | {ms(n['max_us'])} | {n['without_action']} | "
              f"{mb(n['rss_kib'])} (idle {mb(n['idle_rss_kib'])}) + hearthd {mb(n['hearth_rss_with_workers_kib'])} |")


def soak(res):
    s = res["soak"]
    print(f"{s['rate']:.0f} updates/s for {s['seconds']:.0f} s, {s['isolation']}: sent {s['sent']}, lost on MQTT "
          f"{s['lost']}, lost in store {s['store_lost']}, p50 {ms(s['p50_us'])}, p99 {ms(s['p99_us'])}, "
          f"p99.9 {ms(s['p999_us'])}, max {ms(s['max_us'])}, outliers ≥ 1 s: {s['outliers_ge_1s']}\n")
    samples = s["rss_samples"]
    if samples:
        print("| t (s) | RSS hearthd | RSS + worker | of which the bench's timeline file | RSS + worker without it | PSS + worker |")
        print("|---|---|---|---|---|---|")
        step = max(1, len(samples) // 8)
        for x in samples[::step] + ([samples[-1]] if (len(samples) - 1) % step else []):
            tl = x.get("timeline_rss_kib", 0)
            print(f"| {x['t_s']:.0f} | {mb(x['rss_kib'])} | {mb(x['rss_with_workers_kib'])} | {mb(tl)} | "
                  f"{mb(x['rss_with_workers_kib'] - tl)} | {mb(x.get('pss_with_workers_kib', 0))} |")


def main():
    res = json.load(open(sys.argv[1]))
    for key, fn in (("latency_100_per_s", latency), ("throughput_10000_per_s", throughput), ("command", command),
                    ("rules", rules), ("footprint", footprint), ("versus_nodered", nodered), ("soak", soak)):
        if key in res:
            print(f"\n### {key}\n")
            fn(res)


if __name__ == "__main__":
    main()
