// harness.js — test fixtures: a private mosquitto, a real hearthd with the demo driver, hearth-matter, an MQTT probe
// and a matter.js CommissioningController, all on loopback with free ports.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { createSocket } from "node:dgram";
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";

export const BRIDGE_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../src/main.js");
export const PIN = "4711";

/**
 * hearthd and the demo plugin's folder: $HEARTHD and $HEARTH_PLUGIN_DIR (ctest passes both), else
 * $HEARTH_BUILD_DIR (or <repo>/build/release) + src/hearthd and plugins/.
 */
export function buildPaths() {
    const dir = process.env.HEARTH_BUILD_DIR ?? path.resolve(path.dirname(BRIDGE_MAIN), "../../../build/release");
    const hearthd = process.env.HEARTHD ?? path.join(dir, "src/hearthd");
    const plugins = process.env.HEARTH_PLUGIN_DIR ?? path.join(dir, "plugins");
    for (const f of [hearthd, path.join(plugins, "demo.so")]) {
        if (!existsSync(f)) throw new Error(`${f} not found (set HEARTHD and HEARTH_PLUGIN_DIR, or HEARTH_BUILD_DIR)`);
    }
    return { hearthd, plugins };
}

/** A free TCP port on 127.0.0.1. */
export function freeTcpPort() {
    return new Promise((resolve, reject) => {
        const s = createServer().listen(0, "127.0.0.1", () => {
            const { port } = s.address();
            s.close(() => resolve(port));
        });
        s.on("error", reject);
    });
}

/** A free UDP port (the Matter operational port). */
export function freeUdpPort() {
    return new Promise((resolve, reject) => {
        const s = createSocket("udp6");
        s.bind(0, "::", () => {
            const { port } = s.address();
            s.close(() => resolve(port));
        });
        s.on("error", reject);
    });
}

/** Waits until `predicate()` is truthy, polling every 20 ms; fails after `timeoutMs` with `what`. */
export async function until(predicate, what, timeoutMs = 15_000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
        const v = await predicate();
        if (v) return v;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise(r => setTimeout(r, 20));
    }
}

function hashPin(pin) {
    const salt = randomBytes(16);
    return `pbkdf2-sha256$1000$${salt.toString("hex")}$${pbkdf2Sync(pin, salt, 1000, 32, "sha256").toString("hex")}`;
}

class Child {
    constructor(name, argv, logFile, env = {}) {
        this.name = name;
        this.logFile = logFile;
        this.proc = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
        this.output = "";
        const keep = d => {
            this.output += d.toString();
            if (this.output.length > 4_000_000) this.output = this.output.slice(-2_000_000);
        };
        this.proc.stdout.on("data", keep);
        this.proc.stderr.on("data", keep);
        this.exited = new Promise(r => this.proc.on("exit", (code, sig) => r({ code, sig })));
    }
    get pid() {
        return this.proc.pid;
    }
    async stop(signal = "SIGTERM") {
        if (this.proc.exitCode !== null || this.proc.signalCode !== null) return this.exited;
        this.proc.kill(signal);
        const t = setTimeout(() => this.proc.kill("SIGKILL"), 10_000);
        const r = await this.exited;
        clearTimeout(t);
        writeFileSync(this.logFile, this.output);
        return r;
    }
}

/**
 * Starts mosquitto, hearthd (demo driver, every demo device, hall_lock with PIN 4711 and a lockout after
 * `maxAttempts` wrong codes) and hearth-matter. Returns { dir, mqttPort, matterPort, passcode, discriminator,
 * configFile, broker, hearthd, bridge, probe, stop() }.
 */
export async function startStack({ maxAttempts = 3, extraMatter = {}, startBridge = true, withHearthd = true } = {}) {
    const build = buildPaths();
    const dir = mkdtempSync(path.join(tmpdir(), "hearth-matter-test-"));
    const mqttPort = await freeTcpPort();
    const matterPort = await freeUdpPort();
    writeFileSync(path.join(dir, "mosquitto.conf"), `listener ${mqttPort} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\npersistence false\n`);
    const broker = new Child("mosquitto", ["/usr/sbin/mosquitto", "-c", path.join(dir, "mosquitto.conf")], path.join(dir, "mosquitto.log"));
    const probe = await until(() => connectProbe(mqttPort), "mosquitto", 10_000);
    const config = {
        mqtt: { url: `mqtt://127.0.0.1:${mqttPort}`, client_id: "hearth-test", base_topic: "hearth", discovery_prefix: "homeassistant" },
        database: { path: path.join(dir, "hearth.db") },
        plugins: { dir: build.plugins },
        drivers: [{ plugin: "demo", id: "demo", isolation: "inproc", config: { tick_ms: 200, seed: 7 } }],
        locks: { hall_lock: { pin_hash: hashPin(PIN), max_attempts: maxAttempts, lockout_s: 300 } },
        log: { level: "info" },
    };
    const hearthConfig = path.join(dir, "hearth.json");
    writeFileSync(hearthConfig, JSON.stringify(config, null, 2));
    const passcode = 20242025;
    const discriminator = 1234;
    const bridgeConfig = path.join(dir, "hearth-matter.json");
    writeFileSync(bridgeConfig, JSON.stringify({ ...config, matter: { enabled: true, port: matterPort, passcode, discriminator, ...extraMatter } }, null, 2));
    const hearthd = withHearthd
        ? new Child("hearthd", [build.hearthd, "--config", hearthConfig], path.join(dir, "hearthd.log"))
        : { stop: async () => {}, output: "" };
    const stack = { dir, mqttPort, matterPort, passcode, discriminator, bridgeConfig, hearthConfig, broker, hearthd, probe, bridge: undefined };
    stack.startBridge = () => {
        stack.bridge = new Child("hearth-matter", [process.execPath, BRIDGE_MAIN, "--config", bridgeConfig], path.join(dir, "hearth-matter.log"),
            { MATTER_MDNS_NETWORKINTERFACE: "lo", MATTER_LOG_LEVEL: process.env.HEARTH_MATTER_BRIDGE_LOG_LEVEL ?? "notice" });
        return stack.bridge;
    };
    stack.stop = async () => {
        await stack.controller?.close().catch(() => {});
        await stack.bridge?.stop();
        await stack.hearthd.stop();
        await probe.endAsync().catch(() => {});
        await broker.stop();
    };
    try {
        if (withHearthd) await until(() => probe.retained("hearth/bridge/devices")?.length >= 11, "hearthd's 11 demo devices", 20_000);
    } catch (e) {
        await stack.stop();
        throw new Error(`${e.message}; hearthd said:\n${hearthd.output.slice(-3000)}`);
    }
    if (startBridge) stack.startBridge();
    return stack;
}

/** An MQTT client that remembers the last payload of every topic (`retained(topic)` → parsed JSON) and waits. */
export async function connectProbe(port) {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 2000 }).catch(() => undefined);
    if (!client) return undefined;
    const last = new Map();
    const listeners = new Set();
    client.on("message", (topic, payload) => {
        let v;
        try {
            v = payload.length ? JSON.parse(payload.toString()) : null;
        } catch {
            v = payload.toString();
        }
        last.set(topic, v);
        for (const l of listeners) l(topic, v);
    });
    await client.subscribeAsync("hearth/#", { qos: 1 });
    client.retained = topic => last.get(topic);
    client.watch = fn => {
        listeners.add(fn);
        return () => listeners.delete(fn);
    };
    /** Sends a bridge request to `prefix` (hearthd: "hearth/bridge", the Matter bridge: "hearth/bridge/matter"). */
    client.request = (prefix, name, body = {}, timeoutMs = 10_000) => {
        const transaction = `t-${randomBytes(4).toString("hex")}`;
        return new Promise((resolve, reject) => {
            const t = setTimeout(() => (off(), reject(new Error(`no answer to ${name}`))), timeoutMs);
            const off = client.watch((topic, v) => {
                if (topic === `${prefix}/response/${name}` && v?.transaction === transaction) {
                    clearTimeout(t);
                    off();
                    resolve(v);
                }
            });
            client.publish(`${prefix}/request/${name}`, JSON.stringify({ ...body, transaction }), { qos: 1 });
        });
    };
    return client;
}

export function readLog(file) {
    return existsSync(file) ? readFileSync(file, "utf8") : "";
}
