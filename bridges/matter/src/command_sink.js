// command_sink.js — where the Matter behaviors send Hearth commands: endpoint id → Hearth device id → /set.
import { Status, StatusResponseError } from "@matter/main/types";

const owners = new Map(); // Matter endpoint id -> Hearth device id
let sink = async () => ({ status: "error", error: "the bridge is not connected to hearthd" });

/** Sets the function that sends `body` to the Hearth device `id` and resolves with hearthd's answer. */
export function setCommandSink(fn) {
    sink = fn;
}

/** Records that the Matter endpoint `endpointId` belongs to the Hearth device `deviceId`. */
export function setOwner(endpointId, deviceId) {
    owners.set(endpointId, deviceId);
}

/** Forgets an endpoint. */
export function dropOwner(endpointId) {
    owners.delete(endpointId);
}

/** Sends `body` for the device behind `behavior`'s endpoint; resolves with hearthd's answer ({status, error?}). */
export async function sendFor(behavior, body) {
    const id = owners.get(behavior.endpoint.id);
    if (id === undefined) return { status: "error", error: "unknown endpoint" };
    const answer = await sink(id, body);
    if (answer.status !== "ok") console.warn(`hearth-matter: ${id}: ${JSON.stringify(body).replace(/"code":"[^"]*"/, '"code":"***"')} refused: ${answer.error}`);
    return answer;
}

/** Throws a Matter FAILURE status carrying hearthd's message when `answer` is a refusal. */
export function failOn(answer) {
    if (answer.status === "ok") return answer;
    const msg = typeof answer.error === "string" ? answer.error.slice(0, 200) : "refused";
    throw new StatusResponseError(`hearthd: ${msg}`, Status.Failure);
}

/** Like sendFor, but a refusal by hearthd becomes a Matter FAILURE status (with hearthd's message). */
export async function sendOrFail(behavior, body) {
    return failOn(await sendFor(behavior, body));
}
