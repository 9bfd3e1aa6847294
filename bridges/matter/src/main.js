#!/usr/bin/env node
// main.js — hearth-matter's entry point: reads the config, starts the Matter bridge and links it to hearthd over MQTT.
import { mkdirSync, chmodSync } from "node:fs";
import { loadConfig } from "./config.js";
import { HearthLink } from "./hearth_link.js";
import { MatterBridge } from "./bridge.js";
import { StatusPublisher } from "./status.js";
import { setCommandSink } from "./command_sink.js";
import { isObject } from "./payload.js";

function usage(code) {
    console.log("usage: hearth-matter --config FILE [--force]\n  Exposes Hearth's devices as a Matter bridge (docs/matter.md).\n" +
        "  --force  run even when matter.enabled is false in the config");
    process.exit(code);
}

/** Asks hearthd whether the lock has a PIN: the Door Lock's RequirePINforRemoteOperation follows it. */
async function lockPolicy(link, id) {
    const answer = await link.request("lock/status", { device: id });
    const data = isObject(answer.data) ? answer.data : {};
    const attempts = Number.isInteger(data.attempts_left) && Number.isInteger(data.wrong_codes) ? data.attempts_left + data.wrong_codes : undefined;
    return { pinRequired: data.pin === "configured" || data.pin === "missing", maxAttempts: attempts };
}

export async function run(argv) {
    let file;
    let force = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--config" && i + 1 < argv.length) file = argv[++i];
        else if (argv[i] === "--force") force = true;
        else if (argv[i] === "--help" || argv[i] === "-h") usage(0);
        else usage(2);
    }
    if (!file) usage(2);
    const { matter, mqtt } = loadConfig(file);
    if (!matter.enabled && !force) {
        console.log("hearth-matter: matter.enabled is false in the config; nothing to do");
        return;
    }
    process.umask(0o077); // fabric and node data: files 0600, directories 0700
    mkdirSync(matter.stateDir, { recursive: true, mode: 0o700 });
    chmodSync(matter.stateDir, 0o700);

    const link = new HearthLink(mqtt);
    setCommandSink((id, body) => link.command(id, body));
    const bridge = new MatterBridge({
        ...matter,
        via: process.env.HEARTH_MATTER_NO_VIA !== "1",
        lockPolicy: id => lockPolicy(link, id),
        writeBack: (id, body) => link.command(id, body),
    });
    await bridge.start();
    const status = new StatusPublisher(link, bridge, matter.port);
    bridge.onChange = () => status.publish();
    link.handlers = {
        onDevices: list => bridge.setDevices(list),
        onState: (id, state) => bridge.setState(id, state),
        onAvailability: (id, online) => bridge.setAvailability(id, online),
        onRequest: (name, body, err) => status.handle(name, body, err),
        onConnect: () => status.publish(),
    };
    let stopping = false;
    const stop = async () => {
        if (stopping) return;
        stopping = true;
        await bridge.close().catch(() => {});
        await link.close().catch(() => {});
        process.exit(0);
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    await link.connect();
    bridge.server.lifecycle.commissioned.on(() => status.publish());
    bridge.server.lifecycle.decommissioned.on(() => status.publish());
    bridge.server.events.operationalCredentials?.fabrics$Changed?.on(() => status.publish());
    if (!bridge.server.lifecycle.isCommissioned) {
        const p = status.snapshot().pairing;
        console.log(`hearth-matter: not commissioned yet. Manual pairing code: ${p.manual_code}\n${p.qr_text}\nQR: ${p.qr_code}`);
    }
}

run(process.argv.slice(2)).catch(e => {
    console.error(`hearth-matter: ${e.message}`);
    process.exit(1);
});
