// bridge.js — the Matter side: one ServerNode with an Aggregator and one bridged endpoint per Hearth device.
import { Endpoint, Environment, ServerNode, VendorId } from "@matter/main";
import { AggregatorEndpoint } from "@matter/main/endpoints/aggregator";
import { mapDevice } from "./mapping.js";
import { setOwner, dropOwner } from "./command_sink.js";
import { isObject, deviceId, str } from "./payload.js";

const MAX_DEVICES = 500;
const label = s => String(s).slice(0, 32);

/** Keeps the aggregator's bridged endpoints equal to Hearth's (included) devices, their states and reachability. */
export class MatterBridge {
    #server;
    #aggregator;
    #devices = new Map(); // id -> { endpoint, desc, map, signature, state, online }
    #skipped = new Map(); // id -> reason
    #early = new Map(); // id -> { state, online } seen before the device is bridged (bounded)
    #options;
    #queue = Promise.resolve();
    #log;
    onChange = () => {};

    /**
     * options: { port, passcode?, discriminator?, include[], exclude[], stateDir, lockPolicy(id) → Promise<ctx>,
     * writeBack(id, body) → Promise<answer>, via (bool) }
     */
    constructor(options, log = console) {
        this.#options = options;
        this.#log = log;
    }

    get server() {
        return this.#server;
    }
    get deviceCount() {
        return this.#devices.size;
    }
    get skipped() {
        return [...this.#skipped].map(([device, reason]) => ({ device, reason }));
    }

    /** Creates and starts the node (storage under stateDir). */
    async start() {
        const o = this.#options;
        const env = Environment.default;
        env.vars.set("storage.path", o.stateDir);
        const commissioning = {};
        if (o.passcode !== undefined) commissioning.passcode = o.passcode;
        if (o.discriminator !== undefined) commissioning.discriminator = o.discriminator;
        this.#server = await ServerNode.create({
            id: "hearth-bridge",
            network: { port: o.port },
            commissioning,
            productDescription: { name: "Hearth bridge", deviceType: AggregatorEndpoint.deviceType },
            basicInformation: {
                vendorName: "Hearth", vendorId: VendorId(0xfff1), productName: "Hearth bridge", productLabel: "Bridge",
                productId: 0x8000, nodeLabel: "Hearth", serialNumber: "hearth-bridge", uniqueId: "hearth-bridge",
            },
        });
        this.#aggregator = new Endpoint(AggregatorEndpoint, { id: "aggregator" });
        await this.#server.add(this.#aggregator);
        await this.#server.start();
    }

    #included(id) {
        const { include, exclude } = this.#options;
        if (include.length && !include.includes(id)) return false;
        return !exclude.includes(id);
    }

    /** Runs `fn` after every earlier change (changes to the aggregator are serialised). */
    #serial(fn) {
        this.#queue = this.#queue.then(fn).catch(e => this.#log.error(`hearth-matter: ${e.stack ?? e}`));
        return this.#queue;
    }

    /** Applies a new `<base>/bridge/devices` list: adds, renames, re-creates (changed descriptor) and removes. */
    setDevices(list) {
        return this.#serial(async () => {
            const seen = new Set();
            for (const desc of list.slice(0, MAX_DEVICES)) {
                if (!isObject(desc)) continue;
                const id = deviceId(desc.id);
                if (id === undefined || !this.#included(id)) continue;
                seen.add(id);
                try {
                    await this.#upsert(id, desc);
                } catch (e) {
                    this.#skipped.set(id, `matter.js refused the mapping: ${String(e.message).slice(0, 160)}`);
                    this.#log.error(`hearth-matter: ${id}: ${e.message}`);
                }
            }
            for (const id of [...this.#devices.keys()]) if (!seen.has(id)) await this.#remove(id);
            for (const id of [...this.#skipped.keys()]) if (!seen.has(id)) this.#skipped.delete(id);
            this.onChange();
        });
    }

    async #upsert(id, desc) {
        const signature = JSON.stringify({ t: desc.type, c: desc.device_class, p: desc.properties, m: desc.commands });
        const known = this.#devices.get(id);
        const name = label(str(desc.name) ?? id);
        if (known && known.signature === signature) {
            if (known.name !== name) {
                known.name = name;
                await known.endpoint.set({ bridgedDeviceBasicInformation: { nodeLabel: name } });
                this.#log.info(`hearth-matter: ${id} renamed to '${name}'`);
            }
            return;
        }
        if (known) await this.#remove(id);
        const ctx = desc.type === "lock" ? await this.#options.lockPolicy(id) : {};
        ctx.via = this.#options.via;
        const map = mapDevice(desc, ctx);
        if (map.skip) {
            if (!this.#skipped.has(id)) this.#log.info(`hearth-matter: ${id} skipped: ${map.skip}`);
            this.#skipped.set(id, map.skip);
            return;
        }
        this.#skipped.delete(id);
        const early = this.#early.get(id) ?? { state: {}, online: true };
        const entry = { desc, map, signature, name, state: { ...early.state }, online: early.online, endpoint: undefined };
        const initial = { ...map.defaults };
        const children = (map.children ?? []).map(c => ({ ...c, endpoint: new Endpoint(c.type, { id: `${id}-${c.suffix}`, ...c.defaults }) }));
        for (const c of children) setOwner(c.endpoint.id, id);
        entry.children = children;
        const endpoint = new Endpoint(map.type, {
            id,
            ...(children.length ? { parts: children.map(c => c.endpoint) } : {}),
            ...initial,
            bridgedDeviceBasicInformation: {
                nodeLabel: name, productName: label(str(desc.model) ?? desc.type), vendorName: label(str(desc.manufacturer) ?? "Hearth"),
                serialNumber: label(id), uniqueId: label(`hearth-${id}`), reachable: entry.online,
            },
        });
        setOwner(id, id);
        await this.#aggregator.add(endpoint);
        entry.endpoint = endpoint;
        this.#devices.set(id, entry);
        this.#watchWrites(id, entry);
        try {
            await this.#apply(entry);
        } catch (e) {
            this.#log.error(`hearth-matter: ${id}: first state not applied (${String(e.message).slice(0, 200)})`);
        }
        this.#log.info(`hearth-matter: ${id} bridged as ${map.type.name} (endpoint ${endpoint.number})`);
    }

    // Attribute writes by a controller (e.g. a thermostat setpoint) become Hearth property writes; a refusal puts the
    // attribute back to Hearth's value.
    #watchWrites(id, entry) {
        for (const [path, toBody] of Object.entries(entry.map.writes ?? {})) {
            const [cluster, attr] = path.split(".");
            const observable = entry.endpoint.events[cluster]?.[`${attr}$Changed`];
            if (!observable) continue;
            observable.on((value, _old, context) => {
                if (context?.fabric === undefined) return; // our own update from Hearth's state
                const body = toBody(value);
                if (!body) return;
                this.#options.writeBack(id, body).then(answer => {
                    if (answer.status !== "ok") {
                        this.#log.warn?.(`hearth-matter: ${id}: write ${path} refused by hearthd: ${answer.error}`);
                        this.setState(id, {});
                    }
                });
            });
        }
    }

    async #remove(id) {
        const entry = this.#devices.get(id);
        if (!entry) return;
        this.#devices.delete(id);
        dropOwner(id);
        for (const c of entry.children ?? []) dropOwner(c.endpoint.id);
        await entry.endpoint.delete();
        this.#log.info(`hearth-matter: ${id} removed`);
    }

    /** Applies a (full or partial) Hearth state of `id` to its attributes. */
    setState(id, state) {
        const entry = this.#devices.get(id);
        if (!entry) {
            this.#remember(id).state = { ...this.#remember(id).state, ...state };
            return Promise.resolve();
        }
        Object.assign(entry.state, state);
        return this.#serial(async () => {
            if (!this.#devices.has(id)) return;
            try {
                await this.#apply(entry);
            } catch (e) {
                this.#log.error(`hearth-matter: ${id}: state not applied (${String(e.message).slice(0, 200)})`);
            }
        });
    }

    async #apply(entry) {
        await entry.endpoint.set(entry.map.attributes(entry.state));
        for (const c of entry.children ?? []) await c.endpoint.set(c.attributes(entry.state));
    }

    /** Marks `id` reachable or not (Bridged Device Basic Information `Reachable`). */
    setAvailability(id, online) {
        const entry = this.#devices.get(id);
        if (!entry) this.#remember(id).online = online;
        if (!entry || entry.online === online) return Promise.resolve();
        entry.online = online;
        return this.#serial(() => entry.endpoint.set({ bridgedDeviceBasicInformation: { reachable: online } }));
    }

    #remember(id) {
        let e = this.#early.get(id);
        if (!e) {
            if (this.#early.size >= 4 * MAX_DEVICES) this.#early.delete(this.#early.keys().next().value);
            e = { state: {}, online: true };
            this.#early.set(id, e);
        }
        return e;
    }

    /** True when the device `id` has an endpoint (so a state for it is worth keeping). */
    has(id) {
        return this.#devices.has(id);
    }

    async close() {
        await this.#queue;
        await this.#server?.close();
    }
}
