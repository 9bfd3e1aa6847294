// status.js — the bridge's own MQTT surface: retained <base>/bridge/matter/state and the matter/request/<name> answers.
import { FabricManager } from "@matter/main/protocol";
import { FabricIndex, QrCode } from "@matter/main/types";
import { isObject } from "./payload.js";

const MAX_REQUESTS_PER_S = 20;

/** The pairing codes and the QR rendered as terminal text. */
export function pairingOf(server) {
    const { manualPairingCode, qrPairingCode } = server.state.commissioning.pairingCodes;
    return { manual_code: manualPairingCode, qr_code: qrPairingCode, qr_text: QrCode.get(qrPairingCode) };
}

/** The fabrics the bridge is commissioned into. */
export function fabricsOf(server) {
    return server.state.operationalCredentials.fabrics.map(f => ({
        index: Number(f.fabricIndex), label: f.label, vendor_id: Number(f.vendorId), fabric_id: String(f.fabricId),
    }));
}

/** Publishes the status and answers requests; call publish() whenever something in the status changed. */
export class StatusPublisher {
    #link;
    #bridge;
    #port;
    #window = { start: 0, count: 0 };

    constructor(link, bridge, port) {
        this.#link = link;
        this.#bridge = bridge;
        this.#port = port;
    }

    snapshot() {
        const server = this.#bridge.server;
        return {
            state: "online", port: this.#port, devices: this.#bridge.deviceCount,
            commissioned: server.lifecycle.isCommissioned, pairing: pairingOf(server), fabrics: fabricsOf(server),
            skipped: this.#bridge.skipped,
        };
    }

    publish() {
        this.#link.publish("bridge/matter/state", this.snapshot(), true);
    }

    /** Answers `<base>/bridge/matter/request/<name>` on `.../response/<name>`. */
    async handle(name, body, parseError) {
        const respond = value => this.#link.publish(`bridge/matter/response/${name.slice(0, 64)}`, value);
        const now = Date.now();
        if (now - this.#window.start >= 1000) this.#window = { start: now, count: 0 };
        if (++this.#window.count > MAX_REQUESTS_PER_S) return; // flood: dropped without an answer
        if (!isObject(body)) return respond({ status: "error", error: parseError ?? "the request must be a JSON object" });
        const tx = typeof body.transaction === "string" || Number.isInteger(body.transaction) ? { transaction: body.transaction } : {};
        try {
            const data = await this.#answer(name, body);
            respond({ status: "ok", data, ...tx });
        } catch (e) {
            respond({ status: "error", error: String(e.message).slice(0, 200), ...tx });
        }
    }

    async #answer(name, body) {
        const server = this.#bridge.server;
        switch (name) {
            case "fabrics":
                return fabricsOf(server);
            case "fabric/remove": {
                if (!Number.isInteger(body.index)) throw new Error(`'index' (integer) is required`);
                const fabric = server.env.get(FabricManager).maybeFor(FabricIndex(body.index));
                if (!fabric) throw new Error(`no fabric with index ${body.index}`);
                await fabric.delete();
                this.publish();
                return { removed: body.index, fabrics: fabricsOf(server) };
            }
            case "pairing":
                if (server.lifecycle.isCommissioned) {
                    await server.act(agent => agent.commissioning.enterCommissionableMode());
                }
                return { ...pairingOf(server), commissioned: server.lifecycle.isCommissioned, window_open: true };
            default:
                throw new Error(`unknown request '${name.slice(0, 64)}' (known: fabrics, fabric/remove, pairing)`);
        }
    }
}
