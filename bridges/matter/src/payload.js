// payload.js — reads untrusted MQTT payloads: size cap before parsing, JSON depth cap, typed accessors.

/** Largest payload accepted on a device state, availability or response topic (bytes). */
export const MAX_STATE_BYTES = 256 * 1024;
/** Largest payload accepted on <base>/bridge/devices (bytes): 2,000 devices of ~2 KiB. */
export const MAX_DEVICES_BYTES = 8 * 1024 * 1024;
const MAX_DEPTH = 64;

function depthOk(value, depth) {
    if (depth > MAX_DEPTH) return false;
    if (Array.isArray(value)) return value.every(v => depthOk(v, depth + 1));
    if (value !== null && typeof value === "object") return Object.values(value).every(v => depthOk(v, depth + 1));
    return true;
}

/**
 * Parses `buffer` as JSON when it is at most `limit` bytes and nested at most 64 levels.
 * Returns { ok: true, value } or { ok: false, error } — never throws.
 */
export function parsePayload(buffer, limit = MAX_STATE_BYTES) {
    if (buffer.length > limit) return { ok: false, error: `payload of ${buffer.length} bytes is over ${limit}` };
    if (buffer.length === 0) return { ok: false, error: "empty payload" };
    let value;
    try {
        value = JSON.parse(buffer.toString("utf8"));
    } catch (e) {
        return { ok: false, error: `invalid JSON (${String(e.message).slice(0, 80)})` };
    }
    if (!depthOk(value, 0)) return { ok: false, error: `JSON nested deeper than ${MAX_DEPTH} levels` };
    return { ok: true, value };
}

/** True for a plain JSON object (not null, not an array). */
export function isObject(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** A finite number or undefined. */
export function num(v) {
    return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** A boolean or undefined. */
export function bool(v) {
    return typeof v === "boolean" ? v : undefined;
}

/** A string (cut to `max` characters) or undefined. */
export function str(v, max = 256) {
    return typeof v === "string" ? v.slice(0, max) : undefined;
}

/** A Hearth device id ([a-z0-9_-]{1,64}) or undefined. */
export function deviceId(v) {
    return typeof v === "string" && /^[a-z0-9_-]{1,64}$/.test(v) ? v : undefined;
}
