// bridge.test.js — hearth-matter against a real Matter controller (matter.js CommissioningController), a real hearthd
// with the demo devices and a private mosquitto, all on loopback. Needs HEARTH_BUILD_DIR (or build/release).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { statSync, readdirSync } from "node:fs";
import path from "node:path";
import { OnOff, LevelControl, ColorControl, Thermostat, DoorLock, RvcRunMode, TemperatureControl } from "@matter/main/clusters";
import { startStack, until, PIN } from "./harness.js";
import { commission, readBridged, clientOf, clientAt } from "./controller.js";
import { percentToLevel } from "../src/behaviors.js";

const MAX_ATTEMPTS = 3;
let stack;
let node;
let bridged;
const state = id => stack.probe.retained(`hearth/${id}`) ?? {};
const ep = id => {
    const b = bridged.get(id);
    assert.ok(b, `${id} is bridged`);
    return b.endpoint;
};

/** Collects the controller's subscription reports: [{endpoint, cluster, attribute, value, at}]. */
const reports = [];

describe("hearth-matter with a real Matter controller", { timeout: 240_000 }, () => {
    before(async () => {
        stack = await startStack({ maxAttempts: MAX_ATTEMPTS });
        await until(() => stack.probe.retained("hearth/bridge/matter/state")?.devices === 10, "the bridge status with 10 devices", 60_000);
        let controller;
        ({ node, controller } = await commission({ dir: stack.dir, port: stack.matterPort, passcode: stack.passcode, discriminator: stack.discriminator }));
        stack.controller = controller;
        node.events.attributeChanged.on(({ path: p, value }) =>
            reports.push({ endpoint: p.endpointId, clusterId: p.clusterId, attribute: p.attributeName, value, at: performance.now() }));
        bridged = await readBridged(node);
    });
    after(async () => {
        await stack?.stop();
        if (process.env.HEARTH_MATTER_TEST_LOG) console.log(stack.bridge.output.split("\n").filter(l => /hearth-matter|rvc|Rvc|ERROR|WARN/.test(l)).join("\n"));
    });

    it("publishes its status: commissioned, one fabric, pairing codes, the skipped devices", async () => {
        const s = await until(() => (stack.probe.retained("hearth/bridge/matter/state")?.commissioned ? stack.probe.retained("hearth/bridge/matter/state") : undefined), "commissioned status");
        assert.equal(s.state, "online");
        assert.equal(s.port, stack.matterPort);
        assert.match(s.pairing.manual_code, /^\d{11}$/);
        assert.match(s.pairing.qr_code, /^MT:/);
        assert.ok(s.pairing.qr_text.split("\n").length > 10);
        assert.deepEqual(s.fabrics.map(f => f.label), ["hearth-test"]);
        assert.deepEqual(s.skipped.map(x => x.device).sort(), ["front_camera"]);
        const answer = await stack.probe.request("hearth/bridge/matter", "fabrics");
        assert.equal(answer.status, "ok");
        assert.equal(answer.data.length, 1);
    });

    it("keeps its fabric data under state_dir with files 0600 and directories 0700", () => {
        const root = path.join(stack.dir, "matter");
        const walk = d => readdirSync(d, { withFileTypes: true }).flatMap(e => (e.isDirectory() ? [path.join(d, e.name), ...walk(path.join(d, e.name))] : [path.join(d, e.name)]));
        const all = [root, ...walk(root)];
        assert.ok(all.length > 2);
        for (const f of all) {
            const mode = statSync(f).mode & 0o777;
            assert.equal(mode, statSync(f).isDirectory() ? 0o700 : 0o600, f);
        }
    });

    it("reads every mapped cluster of every demo device with Hearth's values", () => {
        assert.deepEqual([...bridged.keys()].sort(), ["bathroom_washer", "bedroom_ac", "hall_lock", "hall_motion", "kitchen_fridge", "kitchen_plug",
            "living_climate_sensor", "living_light", "porch_switch", "robot_vacuum"]);
        const c = id => bridged.get(id).clusters;
        const light = state("living_light");
        assert.equal(c("living_light").onOff.onOff, light.on);
        assert.equal(c("living_light").levelControl.currentLevel, percentToLevel(light.brightness));
        assert.equal(c("living_light").colorControl.colorTemperatureMireds, Math.round(1e6 / light.color_temp_k));
        assert.equal(c("living_light").bridgedDeviceBasicInformation.reachable, true);
        assert.equal(c("porch_switch").onOff.onOff, state("porch_switch").on);
        assert.equal(typeof c("kitchen_plug").onOff.onOff, "boolean");
        const ac = state("bedroom_ac");
        assert.equal(c("bedroom_ac").onOff.onOff, ac.on);
        assert.equal(c("bedroom_ac").thermostat.occupiedCoolingSetpoint, Math.round(ac.target_temp * 100));
        assert.equal(typeof c("bedroom_ac").thermostat.localTemperature, "number");
        assert.equal(c("hall_lock").doorLock.requirePinForRemoteOperation, true);
        assert.ok([1, 2, 3, 0].includes(c("hall_lock").doorLock.lockState));
        assert.ok([0, 1, 2, 3, 64, 65, 66].includes(c("robot_vacuum").rvcOperationalState.operationalState));
        assert.equal(c("robot_vacuum").rvcRunMode.supportedModes.length, 2);
        assert.equal(c("robot_vacuum").rvcCleanMode.supportedModes.length, 4);
        assert.ok([0, 1, 2, 3].includes(c("bathroom_washer").operationalState.operationalState));
        assert.equal(typeof c("living_climate_sensor").temperatureMeasurement.measuredValue, "number");
        assert.equal(typeof c("living_climate_sensor").relativeHumidityMeasurement.measuredValue, "number");
        assert.equal(typeof c("hall_motion").occupancySensing.occupancy.occupied, "boolean");
        const cabinets = [...bridged.endpoints.values()].filter(e => e.temperatureControl).map(e => e.temperatureControl.temperatureSetpoint).sort((a, b) => a - b);
        assert.deepEqual(cabinets, [Math.round(state("kitchen_fridge").freezer_target * 100), Math.round(state("kitchen_fridge").fridge_target * 100)]);
    });

    it("sets the fridge compartment's target through its Temperature Controlled Cabinet", async () => {
        const [number] = [...bridged.endpoints].find(([, e]) => e.temperatureControl && e.temperatureControl.maxTemperature <= 800);
        const ctl = clientAt(node, number, TemperatureControl.Complete);
        await ctl.setTemperature({ targetTemperature: 550 });
        await until(() => state("kitchen_fridge").fridge_target === 5.5, "fridge_target 5.5 on MQTT");
    });

    it("sets the light's level from Matter: Hearth's brightness changes and the controller's subscription sees it", async () => {
        const level = clientOf(node, ep("living_light"), LevelControl.Complete);
        const since = performance.now();
        await level.moveToLevel({ level: percentToLevel(37), transitionTime: null, optionsMask: {}, optionsOverride: {} });
        await until(() => state("living_light").brightness === 37, "brightness 37 on MQTT");
        await until(() => reports.find(r => r.at > since && r.endpoint === ep("living_light") && r.attribute === "currentLevel" && r.value === percentToLevel(37)), "currentLevel report");
        const ct = clientOf(node, ep("living_light"), ColorControl.Complete);
        await ct.moveToColorTemperature({ colorTemperatureMireds: 250, transitionTime: 0, optionsMask: {}, optionsOverride: {} });
        await until(() => state("living_light").color_temp_k === 4000, "color_temp_k 4000 on MQTT");
    });

    it("switches the plug off and on from Matter", async () => {
        const onoff = clientOf(node, ep("kitchen_plug"), OnOff.Complete);
        await onoff.off();
        await until(() => state("kitchen_plug").on === false, "plug off on MQTT");
        await until(async () => (await onoff.getOnOffAttribute(true)) === false, "plug off over Matter");
        await onoff.on();
        await until(() => state("kitchen_plug").on === true, "plug on on MQTT");
        await until(async () => (await onoff.getOnOffAttribute(true)) === true, "plug on over Matter");
    });

    it("writes the AC's setpoint and mode from Matter", async () => {
        const t = clientOf(node, ep("bedroom_ac"), Thermostat.Complete);
        await clientOf(node, ep("bedroom_ac"), OnOff.Complete).on();
        await until(() => state("bedroom_ac").on === true, "AC on");
        await t.setOccupiedCoolingSetpointAttribute(2250);
        await until(() => state("bedroom_ac").target_temp === 22.5, "target_temp 22.5 on MQTT");
        await t.setSystemModeAttribute(Thermostat.SystemMode.Heat);
        await until(() => state("bedroom_ac").mode === "heat", "mode heat on MQTT");
        await until(async () => (await t.getSystemModeAttribute(true)) === Thermostat.SystemMode.Heat, "systemMode Heat over Matter");
    });

    it("runs and stops the vacuum through RVC Run Mode", async () => {
        const run = clientOf(node, ep("robot_vacuum"), RvcRunMode.Complete);
        const start = state("robot_vacuum").operational_state;
        if (start === "running") {
            const r = await run.changeToMode({ newMode: 0 });
            assert.equal(r.status, 0, JSON.stringify(r));
            await until(() => state("robot_vacuum").operational_state === "paused", "vacuum paused");
        }
        const r = await run.changeToMode({ newMode: 1 });
        assert.equal(r.status, 0, JSON.stringify(r));
        await until(() => state("robot_vacuum").operational_state === "running", "vacuum running on MQTT");
        await until(async () => (await run.getCurrentModeAttribute(true)) === 1, "run mode Cleaning over Matter");
    });

    it("locks and unlocks with the PIN; a wrong PIN is refused and counted to the core's lockout", async () => {
        const lock = clientOf(node, ep("hall_lock"), DoorLock.Complete);
        if (state("hall_lock").lock_state !== "locked") {
            await until(() => state("hall_lock").door_state === "closed", "door closed", 30_000);
            await lock.lockDoor({ pinCode: undefined });
            await until(() => state("hall_lock").lock_state === "locked", "locked");
        }
        await assert.rejects(lock.unlockDoor({}), /FAILURE|Failure|1/, "no PIN is refused");
        const events = [];
        const off = stack.probe.watch((topic, v) => topic === "hearth/hall_lock/event" && v?.event_type === "lock_operation" && events.push(v));
        await lock.unlockDoor({ pinCode: Buffer.from(PIN) });
        await until(() => state("hall_lock").lock_state === "unlocked", "unlocked on MQTT");
        const audited = await until(() => events.find(e => e.operation === "unlock" && e.result === "ok"), "the unlock's lock_operation event");
        off();
        // hearthd records the command's source from "via": "matter" (audit log, activity log, lock_operation event).
        assert.equal(audited.source, "matter", JSON.stringify(audited));
        assert.doesNotMatch(stack.bridge.output, /does not accept "via"/);
        await until(async () => (await lock.getLockStateAttribute(true)) === DoorLock.LockState.Unlocked, "Unlocked over Matter");
        await lock.lockDoor({});
        await until(() => state("hall_lock").lock_state === "locked", "locked again on MQTT");
        for (let i = 0; i < MAX_ATTEMPTS; i++) await assert.rejects(lock.unlockDoor({ pinCode: Buffer.from("0000") }));
        const st = await stack.probe.request("hearth/bridge", "lock/status", { device: "hall_lock" });
        assert.equal(st.data.locked_out, true, JSON.stringify(st));
        await assert.rejects(lock.unlockDoor({ pinCode: Buffer.from(PIN) }), undefined, "the right PIN is refused during the lockout");
        assert.equal(state("hall_lock").lock_state, "locked");
    });

    it("a state change in Hearth reaches the controller's subscription", async () => {
        const since = performance.now();
        stack.probe.publish("hearth/porch_switch/set", JSON.stringify({ on: !state("porch_switch").on }));
        const want = !state("porch_switch").on;
        await until(() => reports.find(r => r.at > since && r.endpoint === ep("porch_switch") && r.attribute === "onOff" && r.value === want), "onOff report");
    });

    it("marks a device offline in Hearth as not Reachable, and reachable again", async () => {
        const reachable = async () => (await readBridged(node)).get("hall_motion").clusters.bridgedDeviceBasicInformation.reachable;
        stack.probe.publish("hearth/hall_motion/availability", JSON.stringify({ state: "offline" }));
        await until(async () => (await reachable()) === false, "Reachable false");
        stack.probe.publish("hearth/hall_motion/availability", JSON.stringify({ state: "online" }));
        await until(async () => (await reachable()) === true, "Reachable true");
    });

    it("opens a commissioning window for a second ecosystem (multi-admin) and removes a fabric", async () => {
        const pairing = await stack.probe.request("hearth/bridge/matter", "pairing");
        assert.equal(pairing.status, "ok", JSON.stringify(pairing));
        assert.equal(pairing.data.commissioned, true);
        const second = await commission({ dir: stack.dir, port: stack.matterPort, passcode: stack.passcode, discriminator: stack.discriminator,
            label: "second-admin", id: "test-controller-2" });
        try {
            const fabrics = await until(async () => {
                const a = await stack.probe.request("hearth/bridge/matter", "fabrics");
                return a.data.length === 2 ? a.data : undefined;
            }, "two fabrics");
            assert.deepEqual(fabrics.map(f => f.label).sort(), ["hearth-test", "second-admin"]);
            const index = fabrics.find(f => f.label === "second-admin").index;
            const removed = await stack.probe.request("hearth/bridge/matter", "fabric/remove", { index });
            assert.equal(removed.status, "ok", JSON.stringify(removed));
            assert.deepEqual(removed.data.fabrics.map(f => f.label), ["hearth-test"]);
            const bad = await stack.probe.request("hearth/bridge/matter", "fabric/remove", { index: "x" });
            assert.equal(bad.status, "error");
        } finally {
            await second.controller.close().catch(() => {});
        }
    });

    it("renames and removes devices without re-pairing, and survives bad payloads", async () => {
        stack.probe.publish("hearth/living_light", "{not json");
        stack.probe.publish("hearth/living_light", JSON.stringify({ on: "yes", brightness: [1], color_temp_k: -5 }));
        stack.probe.publish("hearth/bridge/matter/request/fabrics", "x".repeat(300_000));
        stack.probe.publish("hearth/robot_vacuum/availability", JSON.stringify({ state: 5 }));
        const rn = await stack.probe.request("hearth/bridge", "device/rename", { device: "porch_switch", name: "Front porch" });
        assert.equal(rn.status, "ok", JSON.stringify(rn));
        await until(async () => {
            const all = await readBridged(node);
            return all.get("porch_switch")?.clusters.bridgedDeviceBasicInformation.nodeLabel === "Front porch";
        }, "the new name over Matter");
        const rm = await stack.probe.request("hearth/bridge", "device/remove", { device: "porch_switch" });
        assert.equal(rm.status, "ok", JSON.stringify(rm));
        await until(async () => !(await readBridged(node)).has("porch_switch"), "porch_switch gone from the bridge");
        await until(() => stack.probe.retained("hearth/bridge/matter/state")?.devices === 9, "status with 9 devices");
        const answer = await stack.probe.request("hearth/bridge/matter", "fabrics");
        assert.equal(answer.status, "ok");
        assert.equal(stack.bridge.proc.exitCode, null, "the bridge is still running");
    });
});
