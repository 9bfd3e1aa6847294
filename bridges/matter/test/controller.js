// controller.js — a real Matter controller for the tests: matter.js CommissioningController commissioning the bridge
// over loopback at a known address (mDNS limited to `lo`, the operational address pinned to the commissioning one).
import { Environment } from "@matter/main";
import { PeerSet } from "@matter/main/protocol";
import { CommissioningController } from "@project-chip/matter.js";
import path from "node:path";

export { OnOff } from "@matter/main/clusters";

/** The cluster client of `cluster` on any endpoint number (also a composed device's part). */
export function clientAt(node, endpoint, cluster) {
    const find = eps => {
        for (const e of eps) {
            if (e.number === endpoint) return e;
            const hit = find(e.getChildEndpoints());
            if (hit) return hit;
        }
        return undefined;
    };
    const ep = find(node.getDevices());
    if (!ep) throw new Error(`no endpoint ${endpoint}`);
    return ep.getClusterClient(cluster);
}

export const CLUSTER = {
    descriptor: 0x1d, bridgedDeviceBasicInformation: 0x39, onOff: 0x06, levelControl: 0x08, colorControl: 0x300,
    thermostat: 0x201, doorLock: 0x101, rvcRunMode: 0x54, rvcCleanMode: 0x55, rvcOperationalState: 0x61,
    operationalState: 0x60, temperatureControl: 0x56, temperatureMeasurement: 0x402, relativeHumidityMeasurement: 0x405, occupancySensing: 0x406,
    booleanState: 0x45,
};
const NAME_OF = Object.fromEntries(Object.entries(CLUSTER).map(([k, v]) => [v, k]));

/** Commissions the bridge at 127.0.0.1:`port` and connects; returns { controller, node, nodeId }. */
export async function commission({ dir, port, passcode, discriminator, label = "hearth-test", id = "test-controller" }) {
    const env = Environment.default;
    env.vars.set("storage.path", path.join(dir, "controller"));
    env.vars.set("mdns.networkInterface", "lo");
    const controller = new CommissioningController({
        environment: { environment: env, id }, autoConnect: false, adminFabricLabel: label,
    });
    await controller.start();
    // No multicast on loopback: operational discovery finds nothing, so the peer's operational address is the one
    // it was commissioned at.
    controller.node.env.get(PeerSet).added.on(peer => {
        if (!peer.descriptor.operationalAddress) peer.descriptor.operationalAddress = { type: "udp", ip: "127.0.0.1", port };
    });
    const nodeId = await controller.commissionNode({
        commissioning: { regulatoryLocation: 0, regulatoryCountryCode: "XX" },
        discovery: { knownAddress: { ip: "127.0.0.1", port, type: "udp" }, identifierData: { longDiscriminator: discriminator } },
        passcode,
    });
    const node = await controller.getNode(nodeId);
    if (!node.remoteInitializationDone) await node.events.initializedFromRemote;
    return { controller, node, nodeId };
}

/**
 * Reads every attribute of the node; returns Map uniqueId ("hearth-<id>") → { endpoint, clusters: {name: {attr: value}} }.
 */
export async function readBridged(node) {
    const reports = await node.getInteractionClient().getAllAttributes();
    const byEndpoint = new Map();
    for (const { path: p, value } of reports) {
        const name = NAME_OF[p.clusterId];
        if (!name) continue;
        const ep = byEndpoint.get(p.endpointId) ?? {};
        (ep[name] ??= {})[p.attributeName] = value;
        byEndpoint.set(p.endpointId, ep);
    }
    const out = new Map();
    for (const [endpoint, clusters] of byEndpoint) {
        const uid = clusters.bridgedDeviceBasicInformation?.uniqueId;
        if (uid) out.set(uid.replace(/^hearth-/, ""), { endpoint, clusters });
    }
    out.endpoints = byEndpoint; // every endpoint, also the parts of composed devices (refrigerator cabinets)
    return out;
}

/** The cluster client of `cluster` (e.g. OnOff.Complete) on the bridged endpoint number `endpoint`. */
export function clientOf(node, endpoint, cluster) {
    const agg = node.getDevices()[0];
    const ep = agg.getChildEndpoints().find(e => e.number === endpoint);
    if (!ep) throw new Error(`no endpoint ${endpoint}`);
    const c = ep.getClusterClient(cluster);
    if (!c) throw new Error(`no ${cluster.name} client on endpoint ${endpoint}`);
    return c;
}
