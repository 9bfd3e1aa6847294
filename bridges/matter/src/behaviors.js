// behaviors.js — matter.js server behaviors whose commands go to Hearth (/set) instead of changing local state.
// Attributes are never changed here: the new state comes back from hearthd's retained state topic.
import {
    OnOffServer,
    LevelControlServer,
    ColorControlServer,
    DoorLockServer,
    RvcRunModeServer,
    RvcCleanModeServer,
    RvcOperationalStateServer,
    OperationalStateServer,
} from "@matter/main/behaviors";
import { Status, StatusResponseError } from "@matter/main/types";
import { sendFor, sendOrFail, failOn } from "./command_sink.js";

/** Matter level (1-254) → Hearth percent (0-100). */
export const levelToPercent = level => Math.round((Math.max(0, Math.min(254, level)) * 100) / 254);
/** Hearth percent (0-100) → Matter level (1-254). */
export const percentToLevel = pct => Math.max(1, Math.min(254, Math.round((pct * 254) / 100)));

/** On/Off whose on/off/toggle become Hearth's turn_on/turn_off/toggle (or an `on` write). */
export function hearthOnOff(Base = OnOffServer) {
    return class HearthOnOffServer extends Base {
        async on() {
            await sendOrFail(this, { on: true });
        }
        async off() {
            await sendOrFail(this, { on: false });
        }
        async toggle() {
            await sendOrFail(this, { on: !this.state.onOff });
        }
    };
}

/** Level Control whose moves to a level write Hearth's `brightness` (percent). */
export function hearthLevel(Base = LevelControlServer) {
    return class HearthLevelControlServer extends Base {
        async moveToLevel({ level }) {
            await sendOrFail(this, { brightness: levelToPercent(level) });
        }
        async moveToLevelWithOnOff({ level }) {
            await sendOrFail(this, { brightness: levelToPercent(level), on: level > 1 });
        }
        async step({ stepMode, stepSize }) {
            const next = this.state.currentLevel + (stepMode === 0 ? stepSize : -stepSize);
            await sendOrFail(this, { brightness: levelToPercent(next) });
        }
        async stepWithOnOff({ stepMode, stepSize }) {
            const next = this.state.currentLevel + (stepMode === 0 ? stepSize : -stepSize);
            await sendOrFail(this, { brightness: levelToPercent(next), on: next > 1 });
        }
        move() {
            throw new StatusResponseError("continuous moves are not supported by Hearth; move to a level", Status.UnsupportedCommand);
        }
        moveWithOnOff() {
            this.move();
        }
        stop() {}
        stopWithOnOff() {}
    };
}

/** Color Control (colour temperature) whose moves write Hearth's `color_temp_k`, clamped to `range` [min, max] K. */
export function hearthColorTemperature(Base, range) {
    return class HearthColorControlServer extends Base {
        async moveToColorTemperature({ colorTemperatureMireds }) {
            const k = Math.round(1e6 / Math.max(1, colorTemperatureMireds));
            await sendOrFail(this, { color_temp_k: Math.max(range[0], Math.min(range[1], k)) });
        }
    };
}

let viaAccepted = true;

function pinText(pinCode) {
    if (pinCode === undefined || pinCode === null) return undefined;
    return Buffer.from(pinCode).toString("latin1");
}

/** Door Lock: lock/unlock/unbolt become Hearth lock commands with the PIN as `code` and `"via": "matter"`. */
export function hearthDoorLock(Base = DoorLockServer, via = true) {
    const send = async (self, command, pinCode) => {
        const body = { command };
        const code = pinText(pinCode);
        if (code !== undefined && command !== "lock") body.code = code;
        if (via && viaAccepted) body.via = "matter";
        const answer = await sendFor(self, body);
        if (answer.status !== "ok" && body.via && /unexpected key 'via'/.test(String(answer.error))) {
            // A hearthd older than the `via` field: the command goes through as a plain MQTT command (audited with
            // source "mqtt"), and a warning says so once.
            viaAccepted = false;
            console.warn("hearth-matter: this hearthd does not accept \"via\": lock operations are audited with source 'mqtt'");
            delete body.via;
            return sendOrFail(self, body);
        }
        return failOn(answer);
    };
    return class HearthDoorLockServer extends Base {
        async lockDoor({ pinCode }) {
            await send(this, "lock", pinCode);
        }
        async unlockDoor({ pinCode }) {
            await send(this, "unlock", pinCode);
        }
        async unlockWithTimeout({ pinCode }) {
            await send(this, "unlock", pinCode);
        }
        async unboltDoor({ pinCode }) {
            await send(this, "unlatch", pinCode);
        }
    };
}

const MODE_OK = { status: 0, statusText: "" }; // ModeBase.ModeChangeStatus.Success (statusText is mandatory in RVC modes)
const modeFailed = answer => ({ status: 2 /* GenericFailure */, statusText: String(answer.error ?? "refused").slice(0, 64) });

/** RVC Run Mode: mode 1 (Cleaning) → start (resume when the operational state is Paused); mode 0 (Idle) → pause. */
export function hearthRvcRunMode(Base = RvcRunModeServer) {
    return class HearthRvcRunModeServer extends Base {
        async changeToMode({ newMode }) {
            if (!this.state.supportedModes.some(m => m.mode === newMode)) return { status: 1 /* UnsupportedMode */, statusText: "unsupported mode" };
            const paused = this.endpoint.stateOf(RvcOperationalStateServer).operationalState === 2;
            const command = newMode === 1 ? (paused ? "resume" : "start") : "pause";
            const answer = await sendFor(this, { command });
            return answer.status === "ok" ? MODE_OK : modeFailed(answer);
        }
    };
}

/** RVC Clean Mode: a mode is one of Hearth's `fan_speed` values (`fanSpeeds[mode]`). */
export function hearthRvcCleanMode(Base, fanSpeeds) {
    return class HearthRvcCleanModeServer extends Base {
        async changeToMode({ newMode }) {
            if (fanSpeeds[newMode] === undefined) return { status: 1, statusText: "unsupported mode" };
            const answer = await sendFor(this, { fan_speed: fanSpeeds[newMode] });
            return answer.status === "ok" ? MODE_OK : modeFailed(answer);
        }
    };
}

async function operational(self, command, failedId) {
    const answer = await sendFor(self, { command });
    if (answer.status === "ok") return { commandResponseState: { errorStateId: 0 } };
    return { commandResponseState: { errorStateId: failedId, errorStateDetails: String(answer.error ?? "").slice(0, 64) } };
}

/** RVC Operational State: pause/resume/goHome → Hearth pause/resume/return_to_dock. */
export function hearthRvcOperationalState(Base = RvcOperationalStateServer) {
    return class HearthRvcOperationalStateServer extends Base {
        pause() {
            return operational(this, "pause", 3);
        }
        resume() {
            return operational(this, "resume", 1);
        }
        goHome() {
            return operational(this, "return_to_dock", 2);
        }
    };
}

/** Operational State (laundry washer): pause/stop/start/resume → the same Hearth commands. */
export function hearthOperationalState(Base = OperationalStateServer) {
    return class HearthOperationalStateServer extends Base {
        pause() {
            return operational(this, "pause", 3);
        }
        stop() {
            return operational(this, "stop", 3);
        }
        start() {
            return operational(this, "start", 1);
        }
        resume() {
            return operational(this, "resume", 1);
        }
    };
}

/** Temperature Control (a refrigerator cabinet): SetTemperature writes the Hearth property `prop` (°C). */
export function hearthCabinetTemperature(Base, prop) {
    return class HearthTemperatureControlServer extends Base {
        async setTemperature({ targetTemperature }) {
            if (typeof targetTemperature !== "number") {
                throw new StatusResponseError("targetTemperature is required", Status.InvalidCommand);
            }
            await sendOrFail(this, { [prop]: targetTemperature / 100 });
        }
    };
}

export { RvcCleanModeServer, ColorControlServer };
