// hearth_link.js — the bridge's only channel to hearthd: the documented MQTT API (states, devices, /set, requests).
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import mqtt from "mqtt";
import { parsePayload, isObject, deviceId, MAX_DEVICES_BYTES, MAX_STATE_BYTES } from "./payload.js";

const COMMAND_TIMEOUT_MS = 10_000;
const MAX_PENDING = 1000;

/**
 * Connects to the broker as `hearth-matter-<random>`, follows `<base>/bridge/devices`, every device's state and
 * availability, and sends commands/requests with a transaction whose answer it waits for.
 * Callbacks: onDevices(array), onState(id, object), onAvailability(id, bool), onRequest(name, object).
 */
export class HearthLink {
    #client;
    #base;
    #pending = new Map(); // transaction -> { resolve, timer }
    #seq = 0;
    #prefix = randomBytes(4).toString("hex");
    handlers = { onDevices() {}, onState() {}, onAvailability() {}, onRequest() {}, onConnect() {} };

    constructor(settings, statusTopicWill) {
        this.#base = settings.baseTopic;
        this.settings = settings;
        this.willPayload = statusTopicWill;
    }

    get base() {
        return this.#base;
    }

    /** Connects (retrying every second until the broker answers, and after every loss) and resolves once connected. */
    connect() {
        const s = this.settings;
        const url = s.url.replace(/^tcp:/, "mqtt:").replace(/^ssl:/, "mqtts:");
        const opts = {
            clientId: `hearth-matter-${this.#prefix}`,
            protocolVersion: 5,
            clean: true,
            reconnectPeriod: 1000,
            connectTimeout: 10_000,
            username: s.username,
            password: s.password,
            properties: { maximumPacketSize: MAX_DEVICES_BYTES + 65536 },
            will: { topic: `${this.#base}/bridge/matter/state`, payload: JSON.stringify({ state: "offline" }), qos: 1, retain: true },
        };
        if (s.caFile) opts.ca = readFileSync(s.caFile);
        if (s.certFile) opts.cert = readFileSync(s.certFile);
        if (s.keyFile) opts.key = readFileSync(s.keyFile);
        if (!s.verifyHostname) opts.checkServerIdentity = () => undefined;
        const client = mqtt.connect(url, opts);
        this.#client = client;
        client.on("message", (topic, payload, packet) => {
            try {
                this.#dispatch(topic, payload, packet);
            } catch (e) {
                console.error(`hearth-matter: message on ${topic.slice(0, 128)} refused: ${e.message}`);
            }
        });
        client.on("error", e => console.error(`hearth-matter: MQTT: ${e.message}`));
        return new Promise((resolve, reject) => {
            let first = true;
            client.on("connect", () => {
                const b = this.#base;
                client.subscribe(
                    [`${b}/bridge/devices`, `${b}/+`, `${b}/+/availability`, `${b}/+/response`, `${b}/bridge/response/#`,
                        `${b}/bridge/matter/request/#`],
                    { qos: 1 },
                    err => {
                        if (err) console.error(`hearth-matter: subscribe failed: ${err.message}`);
                        this.handlers.onConnect();
                        if (first) {
                            first = false;
                            resolve();
                        }
                    },
                );
            });
            // A broker that is not up yet is retried every second (reconnectPeriod); errors are logged above.
            void reject;
        });
    }

    #dispatch(topic, payload, packet) {
        const b = `${this.#base}/`;
        if (!topic.startsWith(b)) return;
        const parts = topic.slice(b.length).split("/");
        if (parts[0] === "bridge") {
            if (parts.length === 2 && parts[1] === "devices") {
                if (payload.length === 0) return this.handlers.onDevices([]);
                const p = parsePayload(payload, MAX_DEVICES_BYTES);
                if (!p.ok || !Array.isArray(p.value)) return console.error(`hearth-matter: bridge/devices refused: ${p.error ?? "not an array"}`);
                return this.handlers.onDevices(p.value);
            }
            if (parts.length >= 3 && parts[1] === "response") return this.#answer(payload);
            if (parts.length >= 4 && parts.length <= 5 && parts[1] === "matter" && parts[2] === "request") {
                if (packet.retain || payload.length === 0) return; // a replayed request is never executed
                const p = parsePayload(payload, MAX_STATE_BYTES);
                return this.handlers.onRequest(parts.slice(3).join("/"), p.ok ? p.value : undefined, p.error);
            }
            return;
        }
        const id = deviceId(parts[0]);
        if (id === undefined) return;
        if (parts.length === 1) {
            if (payload.length === 0) return; // cleared on removal; bridge/devices says so
            const p = parsePayload(payload);
            if (p.ok && isObject(p.value)) this.handlers.onState(id, p.value);
            else console.error(`hearth-matter: state of ${id} refused: ${p.error ?? "not an object"}`);
        } else if (parts.length === 2 && parts[1] === "availability") {
            if (payload.length === 0) return;
            const p = parsePayload(payload);
            if (p.ok && isObject(p.value) && typeof p.value.state === "string") this.handlers.onAvailability(id, p.value.state === "online");
        } else if (parts.length === 2 && parts[1] === "response") {
            this.#answer(payload);
        }
    }

    #answer(payload) {
        const p = parsePayload(payload);
        if (!p.ok || !isObject(p.value) || typeof p.value.transaction !== "string") return;
        const waiter = this.#pending.get(p.value.transaction);
        if (!waiter) return;
        this.#pending.delete(p.value.transaction);
        clearTimeout(waiter.timer);
        waiter.resolve(p.value);
    }

    #transact(topic, body) {
        if (this.#pending.size >= MAX_PENDING) return Promise.resolve({ status: "error", error: "too many commands in flight" });
        const transaction = `matter-${this.#prefix}-${++this.#seq}`;
        return new Promise(resolve => {
            const timer = setTimeout(() => {
                this.#pending.delete(transaction);
                resolve({ status: "error", error: "hearthd did not answer in time" });
            }, COMMAND_TIMEOUT_MS);
            this.#pending.set(transaction, { resolve, timer });
            this.#client.publish(topic, JSON.stringify({ ...body, transaction }), { qos: 1 });
        });
    }

    /** Sends `body` to `<base>/<id>/set`; resolves with hearthd's answer ({status, error?}); never rejects. */
    command(id, body) {
        return this.#transact(`${this.#base}/${id}/set`, body);
    }

    /** Sends a bridge request to hearthd; resolves with its answer; never rejects. */
    request(name, body = {}) {
        return this.#transact(`${this.#base}/bridge/request/${name}`, body);
    }

    /** Publishes `value` as JSON (retained when asked). */
    publish(topic, value, retain = false) {
        this.#client?.publish(`${this.#base}/${topic}`, JSON.stringify(value), { qos: 1, retain });
    }

    /** Publishes the offline status (when connected) and disconnects; bounded to a few seconds. */
    async close() {
        for (const w of this.#pending.values()) clearTimeout(w.timer);
        this.#pending.clear();
        if (!this.#client) return;
        const bounded = (p, ms) => Promise.race([p, new Promise(r => setTimeout(r, ms).unref())]);
        if (this.#client.connected) {
            await bounded(new Promise(r => this.#client.publish(`${this.#base}/bridge/matter/state`, JSON.stringify({ state: "offline" }), { qos: 1, retain: true }, () => r())), 2000);
        }
        await bounded(this.#client.endAsync(true), 2000); // never waits forever for a broker that is gone
    }
}
