// matter_bench.js — hearth-matter's costs: the latency a Matter command adds over the same command sent over MQTT
// (command → Hearth device → new state back at the controller), and the bridge's RSS with 100 devices.
// Usage: node bench/matter/matter_bench.js [ROUNDS]   (needs build/release hearthd + demo, or HEARTHD/HEARTH_PLUGIN_DIR)
// Prints one JSON object; exits 1 when a goal of issue 16 is missed (p99 added ≤ 20 ms, RSS ≤ 80 MiB).
import { readFileSync } from "node:fs";
import os from "node:os";
import { startStack, until } from "../../bridges/matter/test/harness.js";
import { commission, readBridged, clientOf, OnOff } from "../../bridges/matter/test/controller.js";

const ROUNDS = Number(process.argv[2] ?? 200);
const pct = (xs, p) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const round = v => Math.round(v * 100) / 100;
const rssMiB = pid => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : NaN;
};

async function latency() {
    const stack = await startStack();
    try {
        await until(() => stack.probe.retained("hearth/bridge/matter/state")?.devices === 10, "bridge status", 60_000);
        const { node, controller } = await commission({ dir: stack.dir, port: stack.matterPort, passcode: stack.passcode, discriminator: stack.discriminator });
        stack.controller = controller;
        const ep = (await readBridged(node)).get("porch_switch").endpoint;
        const onoff = clientOf(node, ep, OnOff.Complete);
        let waiter;
        node.events.attributeChanged.on(({ path: p, value }) => {
            if (p.endpointId === ep && p.attributeName === "onOff" && waiter && value === waiter.want) waiter.resolve();
        });
        const viaMatter = [];
        const viaMqtt = [];
        let on = stack.probe.retained("hearth/porch_switch").on;
        for (let i = 0; i < ROUNDS; i++) {
            // Matter: invoke On/Off on the bridge, wait for the subscription report of the new state.
            on = !on;
            let t0 = performance.now();
            const reported = new Promise(resolve => (waiter = { want: on, resolve }));
            await (on ? onoff.on() : onoff.off());
            await reported;
            viaMatter.push(performance.now() - t0);
            // MQTT: the same command on <base>/porch_switch/set, wait for the new retained state.
            on = !on;
            t0 = performance.now();
            const seen = new Promise(resolve => {
                const off = stack.probe.watch((topic, v) => {
                    if (topic === "hearth/porch_switch" && v?.on === on) {
                        off();
                        resolve();
                    }
                });
            });
            stack.probe.publish("hearth/porch_switch/set", JSON.stringify({ on }));
            await seen;
            viaMqtt.push(performance.now() - t0);
            // the Matter subscription must have caught up before the next Matter round
            await until(async () => (await onoff.getOnOffAttribute(false)) === on, "subscription caught up", 5000);
        }
        return {
            rounds: ROUNDS,
            matter_ms: { p50: round(pct(viaMatter, 50)), p99: round(pct(viaMatter, 99)) },
            mqtt_ms: { p50: round(pct(viaMqtt, 50)), p99: round(pct(viaMqtt, 99)) },
            added_ms: { p50: round(pct(viaMatter, 50) - pct(viaMqtt, 50)), p99: round(pct(viaMatter, 99) - pct(viaMqtt, 99)) },
            rss_mib_10_devices: round(rssMiB(stack.bridge.pid)),
        };
    } finally {
        await stack.stop();
    }
}

async function rss100() {
    // No hearthd: a fake publisher gives the bridge 100 retained devices (50 lights, 50 plugs) and their states.
    const stack = await startStack({ withHearthd: false, startBridge: false });
    try {
        const devices = [];
        for (let i = 0; i < 100; i++) {
            const light = i % 2 === 0;
            const id = `${light ? "light" : "plug"}_${i}`;
            devices.push(light
                ? { id, name: `Light ${i}`, type: "light", driver: "fake", properties: { on: { type: "bool", writable: true },
                    brightness: { type: "int", min: 0, max: 100, writable: true }, color_temp_k: { type: "int", min: 2700, max: 6500, writable: true } } }
                : { id, name: `Plug ${i}`, type: "plug", driver: "fake", properties: { on: { type: "bool", writable: true }, power_w: { type: "number" } } });
            stack.probe.publish(`hearth/${id}`, JSON.stringify(light ? { on: true, brightness: i, color_temp_k: 3000 } : { on: false, power_w: 0 }), { retain: true, qos: 1 });
            stack.probe.publish(`hearth/${id}/availability`, JSON.stringify({ state: "online" }), { retain: true, qos: 1 });
        }
        stack.probe.publish("hearth/bridge/devices", JSON.stringify(devices), { retain: true, qos: 1 });
        const bridge = stack.startBridge();
        await until(() => stack.probe.retained("hearth/bridge/matter/state")?.devices === 100, "100 bridged devices", 120_000);
        await new Promise(r => setTimeout(r, 3000)); // settle (GC, storage writes)
        return { rss_mib_100_devices: round(rssMiB(bridge.pid)) };
    } finally {
        await stack.stop();
    }
}

const result = {
    machine: `${os.cpus().length}× ${os.cpus()[0]?.model ?? "?"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    load_before: os.loadavg().map(round),
    ...(process.env.BENCH_RSS_ONLY ? {} : await latency()),
    ...(await rss100()),
};
console.log(JSON.stringify(result, null, 2));
const ok = (result.added_ms?.p99 ?? 0) <= 20 && result.rss_mib_100_devices <= 80;
process.exit(ok ? 0 : 1);
