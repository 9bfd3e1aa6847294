// mapping.js — Hearth device descriptor → Matter device type, behaviors, and Hearth state → Matter attributes.
import { BridgedDeviceBasicInformationServer } from "@matter/main/behaviors/bridged-device-basic-information";
import {
    TemperatureMeasurementServer,
    RelativeHumidityMeasurementServer,
    OccupancySensingServer,
    BooleanStateServer,
    ThermostatServer,
    DoorLockServer,
    RvcCleanModeServer,
} from "@matter/main/behaviors";
import { OnOffLightDevice } from "@matter/main/devices/on-off-light";
import { DimmableLightDevice, DimmableLightRequirements } from "@matter/main/devices/dimmable-light";
import { ColorTemperatureLightDevice, ColorTemperatureLightRequirements } from "@matter/main/devices/color-temperature-light";
import { OnOffPlugInUnitDevice, OnOffPlugInUnitRequirements } from "@matter/main/devices/on-off-plug-in-unit";
import { RoomAirConditionerDevice, RoomAirConditionerRequirements } from "@matter/main/devices/room-air-conditioner";
import { DoorLockDevice } from "@matter/main/devices/door-lock";
import { RoboticVacuumCleanerDevice } from "@matter/main/devices/robotic-vacuum-cleaner";
import { LaundryWasherDevice } from "@matter/main/devices/laundry-washer";
import { TemperatureSensorDevice } from "@matter/main/devices/temperature-sensor";
import { HumiditySensorDevice } from "@matter/main/devices/humidity-sensor";
import { OccupancySensorDevice } from "@matter/main/devices/occupancy-sensor";
import { ContactSensorDevice } from "@matter/main/devices/contact-sensor";
import { RefrigeratorDevice } from "@matter/main/devices/refrigerator";
import { TemperatureControlledCabinetDevice, TemperatureControlledCabinetRequirements } from "@matter/main/devices/temperature-controlled-cabinet";
import {
    hearthOnOff,
    hearthLevel,
    hearthColorTemperature,
    hearthDoorLock,
    hearthRvcRunMode,
    hearthRvcCleanMode,
    hearthRvcOperationalState,
    hearthOperationalState,
    hearthCabinetTemperature,
    percentToLevel,
} from "./behaviors.js";
import { num, bool, str, isObject } from "./payload.js";

const Bridged = BridgedDeviceBasicInformationServer;
const centi = v => (num(v) === undefined ? undefined : Math.round(v * 100));
const has = (desc, prop) => isObject(desc.properties) && isObject(desc.properties[prop]);
const range = (desc, prop, lo, hi) => {
    const p = desc.properties[prop];
    return [num(p.min) ?? lo, num(p.max) ?? hi];
};
/** Drops undefined leaves so a partial Hearth state never overwrites an attribute with nothing. */
function clean(obj) {
    const out = {};
    for (const [k, v] of Object.entries(obj)) {
        if (v === undefined) continue;
        if (isObject(v)) {
            const c = clean(v);
            if (Object.keys(c).length) out[k] = c;
        } else out[k] = v;
    }
    return out;
}

// ---- light -------------------------------------------------------------------------------------------------------
function light(desc) {
    const dimmable = has(desc, "brightness");
    const ct = has(desc, "color_temp_k");
    let type;
    let ctRange;
    if (ct) {
        ctRange = range(desc, "color_temp_k", 2000, 6500);
        const R = ColorTemperatureLightRequirements;
        type = ColorTemperatureLightDevice.with(Bridged, hearthOnOff(R.OnOffServer), hearthLevel(R.LevelControlServer),
            hearthColorTemperature(R.ColorControlServer, ctRange));
    } else if (dimmable) {
        const R = DimmableLightRequirements;
        type = DimmableLightDevice.with(Bridged, hearthOnOff(R.OnOffServer), hearthLevel(R.LevelControlServer));
    } else {
        type = OnOffLightDevice.with(Bridged, hearthOnOff(OnOffLightDevice.behaviors.onOff));
    }
    const defaults = {};
    if (ct) {
        const minM = Math.round(1e6 / ctRange[1]);
        const maxM = Math.round(1e6 / ctRange[0]);
        defaults.colorControl = { colorTempPhysicalMinMireds: minM, colorTempPhysicalMaxMireds: maxM, coupleColorTempToLevelMinMireds: minM,
            colorTemperatureMireds: minM, colorMode: 2, enhancedColorMode: 2, startUpColorTemperatureMireds: null };
    }
    return {
        type,
        defaults,
        attributes: s => clean({
            onOff: { onOff: bool(s.on) },
            levelControl: dimmable && num(s.brightness) !== undefined ? { currentLevel: percentToLevel(s.brightness) } : undefined,
            colorControl: ct && num(s.color_temp_k) > 0
                ? { colorTemperatureMireds: Math.max(defaults.colorControl.colorTempPhysicalMinMireds,
                    Math.min(defaults.colorControl.colorTempPhysicalMaxMireds, Math.round(1e6 / s.color_temp_k)))
                }
                : undefined,
        }),
    };
}

// ---- switch / plug -----------------------------------------------------------------------------------------------
function plug() {
    return {
        type: OnOffPlugInUnitDevice.with(Bridged, hearthOnOff(OnOffPlugInUnitRequirements.OnOffServer)),
        defaults: {},
        attributes: s => clean({ onOff: { onOff: bool(s.on) } }),
    };
}

// ---- climate -----------------------------------------------------------------------------------------------------
const AC_MODES = { cool: 3, heat: 4, dry: 8, fan: 7, auto: 1 };
const AC_MODES_BACK = Object.fromEntries(Object.entries(AC_MODES).map(([k, v]) => [v, k]));
function climate(desc) {
    const [lo, hi] = range(desc, "target_temp", 16, 30);
    const Thermo = ThermostatServer.with("Heating", "Cooling");
    const R = RoomAirConditionerRequirements;
    const type = RoomAirConditionerDevice.with(Bridged, hearthOnOff(R.OnOffServer), Thermo);
    const limits = {
        absMinHeatSetpointLimit: lo * 100, absMaxHeatSetpointLimit: hi * 100, minHeatSetpointLimit: lo * 100,
        maxHeatSetpointLimit: hi * 100, absMinCoolSetpointLimit: lo * 100, absMaxCoolSetpointLimit: hi * 100,
        minCoolSetpointLimit: lo * 100, maxCoolSetpointLimit: hi * 100,
    };
    const modeOf = s => {
        if (s.on === false) return 0;
        const m = AC_MODES[str(s.mode)];
        return m === 1 ? 3 : m; // Auto needs the AutoMode feature (dead band); Hearth's "auto" shows as Cool
    };
    return {
        type,
        defaults: { thermostat: { ...limits, controlSequenceOfOperation: 4, systemMode: 3, localTemperature: null } },
        attributes: s => clean({
            onOff: { onOff: bool(s.on) },
            thermostat: {
                localTemperature: centi(s.current_temp),
                occupiedCoolingSetpoint: centi(s.target_temp),
                occupiedHeatingSetpoint: centi(s.target_temp),
                systemMode: modeOf(s),
            },
        }),
        // Attribute writes from a controller (setpoints, system mode) → Hearth property writes.
        writes: {
            "thermostat.occupiedCoolingSetpoint": v => ({ target_temp: Math.round(v / 50) / 2 }),
            "thermostat.occupiedHeatingSetpoint": v => ({ target_temp: Math.round(v / 50) / 2 }),
            "thermostat.systemMode": v => (v === 0 ? { on: false } : AC_MODES_BACK[v] ? { on: true, mode: AC_MODES_BACK[v] } : undefined),
        },
    };
}

// ---- lock --------------------------------------------------------------------------------------------------------
const LOCK_STATES = { locked: 1, unlocked: 2, unlatched: 3, jammed: 0, locking: 0, unlocking: 0 };
const DOOR_STATES = { open: 0, closed: 1, ajar: 5 };
function lock(desc, ctx) {
    const features = ["PinCredential", "CredentialOverTheAirAccess"];
    const unbolt = isObject(desc.commands) && isObject(desc.commands.unlatch);
    const door = has(desc, "door_state");
    if (unbolt) features.push("Unbolting");
    if (door) features.push("DoorPositionSensor");
    const type = DoorLockDevice.with(Bridged, hearthDoorLock(DoorLockServer.with(...features), ctx.via));
    return {
        type,
        defaults: {
            doorLock: { lockType: unbolt ? 10 : 0, actuatorEnabled: true, lockState: null, operatingMode: 0,
                requirePinForRemoteOperation: ctx.pinRequired === true, wrongCodeEntryLimit: ctx.maxAttempts ?? 5,
                userCodeTemporaryDisableTime: ctx.lockoutS ?? 255, numberOfPinUsersSupported: 1, maxPinCodeLength: 8,
                minPinCodeLength: 4, ...(door ? { doorState: 1 } : {}) },
        },
        attributes: s => clean({
            doorLock: {
                lockState: LOCK_STATES[str(s.lock_state)],
                doorState: door ? DOOR_STATES[str(s.door_state)] : undefined,
            },
        }),
    };
}

// ---- vacuum ------------------------------------------------------------------------------------------------------
const RVC_STATES = { stopped: 0, running: 1, paused: 2, error: 3, seeking_charger: 64, charging: 65, docked: 66 };
const RVC_ERRORS = { none: 0, stuck: 65, dust_bin_missing: 66, dust_bin_full: 67, failed_to_find_charging_dock: 64 };
const FAN_TAGS = { quiet: [2], standard: [0], strong: [], max: [7] }; // ModeBase common tags: Auto 0, Quiet 2, Max 7
function vacuum(desc) {
    const fanSpeeds = has(desc, "fan_speed") && Array.isArray(desc.properties.fan_speed.values)
        ? desc.properties.fan_speed.values.filter(v => typeof v === "string").slice(0, 32)
        : [];
    const behaviors = [Bridged, hearthRvcRunMode(), hearthRvcOperationalState()];
    if (fanSpeeds.length) behaviors.push(hearthRvcCleanMode(RvcCleanModeServer, fanSpeeds));
    const stateList = Object.values(RVC_STATES).map(id => ({ operationalStateId: id }));
    return {
        type: RoboticVacuumCleanerDevice.with(...behaviors),
        defaults: {
            rvcRunMode: { supportedModes: [
                { label: "Idle", mode: 0, modeTags: [{ value: 0x4000 }] },
                { label: "Cleaning", mode: 1, modeTags: [{ value: 0x4001 }] },
            ], currentMode: 0 },
            rvcOperationalState: { operationalStateList: stateList, operationalState: 0, phaseList: null, currentPhase: null,
                operationalError: { errorStateId: 0 } },
            ...(fanSpeeds.length ? { rvcCleanMode: { currentMode: 0, supportedModes: fanSpeeds.map((f, i) => ({
                label: f.slice(0, 64), mode: i, modeTags: [{ value: 0x4001 /* Vacuum */ }, ...(FAN_TAGS[f] ?? []).map(value => ({ value }))],
            })) } } : {}),
        },
        attributes: s => {
            const op = RVC_STATES[str(s.operational_state)];
            const err = str(s.error);
            const fan = fanSpeeds.indexOf(str(s.fan_speed));
            return clean({
                rvcRunMode: { currentMode: op === undefined ? undefined : op === 1 || op === 2 ? 1 : 0 },
                rvcOperationalState: {
                    operationalState: op,
                    operationalError: err === undefined ? undefined
                        : { errorStateId: RVC_ERRORS[err] ?? 2, errorStateDetails: RVC_ERRORS[err] === undefined ? err.slice(0, 64) : undefined },
                },
                rvcCleanMode: fan >= 0 ? { currentMode: fan } : undefined,
            });
        },
    };
}

// ---- washer ------------------------------------------------------------------------------------------------------
const OP_STATES = { stopped: 0, running: 1, paused: 2, error: 3 };
function washer(desc) {
    const phases = has(desc, "phase") && Array.isArray(desc.properties.phase.values)
        ? desc.properties.phase.values.filter(v => typeof v === "string").slice(0, 32).map(v => v.slice(0, 64))
        : null;
    return {
        type: LaundryWasherDevice.with(Bridged, hearthOperationalState()),
        defaults: {
            operationalState: { operationalStateList: Object.values(OP_STATES).map(id => ({ operationalStateId: id })),
                operationalState: 0, phaseList: phases, currentPhase: phases ? 0 : null, countdownTime: null,
                operationalError: { errorStateId: 0 } },
        },
        attributes: s => {
            const op = OP_STATES[str(s.operational_state)];
            const phase = phases ? phases.indexOf(str(s.phase)) : -1;
            return clean({
                operationalState: {
                    operationalState: op,
                    currentPhase: phase >= 0 ? phase : undefined,
                    countdownTime: num(s.remaining_s) !== undefined ? Math.max(0, Math.min(259200, Math.round(s.remaining_s))) : undefined,
                    operationalError: op === undefined ? undefined : { errorStateId: op === 3 ? 2 : 0 },
                },
            });
        },
    };
}

// ---- refrigerator ------------------------------------------------------------------------------------------------
// Refrigerator (0x0070) with two Temperature Controlled Cabinet child endpoints (cooler, freezer).
function refrigerator(desc) {
    const cabinets = [["fridge", "fridge_temp", "fridge_target", 1, 8], ["freezer", "freezer_temp", "freezer_target", -24, -14]]
        .filter(([, temp, target]) => has(desc, temp) && has(desc, target));
    const R = TemperatureControlledCabinetRequirements;
    const children = cabinets.map(([name, temp, target, lo, hi]) => {
        const [min, max] = range(desc, target, lo, hi);
        const step = num(desc.properties[target].step);
        const Ctl = hearthCabinetTemperature(step ? R.TemperatureControlServer.with("TemperatureNumber", "TemperatureStep") : R.TemperatureControlServer, target);
        return {
            suffix: name,
            type: TemperatureControlledCabinetDevice.with(Ctl, TemperatureMeasurementServer),
            defaults: {
                temperatureControl: { temperatureSetpoint: min * 100, minTemperature: min * 100, maxTemperature: max * 100, ...(step ? { step: step * 100 } : {}) },
                temperatureMeasurement: { measuredValue: null, minMeasuredValue: null, maxMeasuredValue: null },
            },
            attributes: s => clean({ temperatureControl: { temperatureSetpoint: centi(s[target]) }, temperatureMeasurement: { measuredValue: centi(s[temp]) } }),
        };
    });
    if (!children.length) return { skip: "a refrigerator without fridge_temp/fridge_target or freezer_temp/freezer_target" };
    return { type: RefrigeratorDevice.with(Bridged), defaults: {}, attributes: () => ({}), children };
}

// ---- sensors -----------------------------------------------------------------------------------------------------
function sensor(desc) {
    const cls = str(desc.device_class);
    const humidityExtra = has(desc, "humidity");
    if (cls === "temperature") {
        const type = humidityExtra
            ? TemperatureSensorDevice.with(Bridged, RelativeHumidityMeasurementServer)
            : TemperatureSensorDevice.with(Bridged);
        return {
            type,
            defaults: { temperatureMeasurement: { measuredValue: null, minMeasuredValue: null, maxMeasuredValue: null },
                ...(humidityExtra ? { relativeHumidityMeasurement: { measuredValue: null, minMeasuredValue: 0, maxMeasuredValue: 10000 } } : {}) },
            attributes: s => clean({
                temperatureMeasurement: { measuredValue: centi(s.value) },
                relativeHumidityMeasurement: humidityExtra ? { measuredValue: centi(s.humidity) } : undefined,
            }),
        };
    }
    if (cls === "humidity") {
        return {
            type: HumiditySensorDevice.with(Bridged),
            defaults: { relativeHumidityMeasurement: { measuredValue: null, minMeasuredValue: 0, maxMeasuredValue: 10000 } },
            attributes: s => clean({ relativeHumidityMeasurement: { measuredValue: centi(s.value) } }),
        };
    }
    return { skip: `a sensor of device class '${cls ?? "none"}' has no Matter device type in this bridge` };
}

function binarySensor(desc) {
    const cls = str(desc.device_class);
    if (["motion", "occupancy", "presence"].includes(cls)) {
        return {
            type: OccupancySensorDevice.with(Bridged, OccupancySensingServer.with("PassiveInfrared")),
            defaults: { occupancySensing: { occupancy: { occupied: false }, occupancySensorType: 0, occupancySensorTypeBitmap: { pir: true } } },
            attributes: s => clean({ occupancySensing: { occupancy: bool(s.on) === undefined ? undefined : { occupied: s.on } } }),
        };
    }
    if (["door", "window", "opening", "garage_door"].includes(cls)) {
        // Contact Sensor: StateValue true = contact (closed); Hearth's `on` = open.
        return {
            type: ContactSensorDevice.with(Bridged, BooleanStateServer),
            defaults: { booleanState: { stateValue: true } },
            attributes: s => clean({ booleanState: { stateValue: bool(s.on) === undefined ? undefined : !s.on } }),
        };
    }
    return { skip: `a binary sensor of device class '${cls ?? "none"}' has no Matter device type in this bridge` };
}

const BUILDERS = {
    light,
    switch: plug,
    plug,
    climate,
    lock,
    vacuum,
    washer,
    sensor,
    binary_sensor: binarySensor,
    refrigerator,
    camera: () => ({ skip: "cameras are not bridged: Matter cameras need live WebRTC/RTP streams and Hearth cameras only give snapshots" }),
};

/**
 * The Matter form of a Hearth descriptor: { type, defaults, attributes(state) → partial endpoint state, writes? }
 * or { skip: reason }. `ctx` carries what the core says about the device beyond its descriptor (lock PIN policy).
 */
export function mapDevice(desc, ctx = {}) {
    const build = BUILDERS[desc.type];
    if (!build) return { skip: `Hearth type '${String(desc.type).slice(0, 32)}' has no Matter mapping in this bridge yet` };
    return build(desc, ctx);
}
