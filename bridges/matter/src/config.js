// config.js — reads hearth-matter's settings (the `matter` and `mqtt` sections) from Hearth's main config file.
import { readFileSync } from "node:fs";
import path from "node:path";
import { isObject } from "./payload.js";

function fail(msg) {
    throw new Error(`config: ${msg}`);
}

function intIn(obj, key, min, max, fallback) {
    const v = obj[key];
    if (v === undefined) return fallback;
    if (!Number.isInteger(v) || v < min || v > max) fail(`matter.${key} must be an integer ${min}-${max}`);
    return v;
}

function idList(obj, key) {
    const v = obj[key] ?? [];
    if (!Array.isArray(v) || !v.every(s => typeof s === "string")) fail(`matter.${key} must be an array of device ids`);
    return v;
}

// Passcodes the Matter specification forbids (5.1.7.1).
const INVALID_PASSCODES = new Set([0, 11111111, 22222222, 33333333, 44444444, 55555555, 66666666, 77777777,
    88888888, 99999999, 12345678, 87654321]);

/**
 * Loads `file` (Hearth's main config JSON) and returns
 * { matter: {enabled, port, passcode?, discriminator?, include, exclude, stateDir}, mqtt: {url, baseTopic, ...} }.
 * Relative paths are taken relative to the config file's directory. Throws Error("config: ...") when invalid.
 */
export function loadConfig(file) {
    let root;
    try {
        root = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
        fail(`cannot read ${file}: ${e.message}`);
    }
    if (!isObject(root)) fail("the main config must be a JSON object");
    const dir = path.dirname(path.resolve(file));
    const abs = p => (path.isAbsolute(p) ? p : path.resolve(dir, p));
    const m = root.matter ?? {};
    if (!isObject(m)) fail("matter must be an object");
    if (m.enabled !== undefined && typeof m.enabled !== "boolean") fail("matter.enabled must be a boolean");
    const passcode = intIn(m, "passcode", 1, 99999998, undefined);
    if (passcode !== undefined && INVALID_PASSCODES.has(passcode)) fail("matter.passcode is one the Matter specification forbids");
    const db = isObject(root.database) && typeof root.database.path === "string" ? root.database.path : "/var/lib/hearth/hearth.db";
    if (m.state_dir !== undefined && typeof m.state_dir !== "string") fail("matter.state_dir must be a string");
    const matter = {
        enabled: m.enabled ?? false,
        port: intIn(m, "port", 1, 65535, 5540),
        passcode,
        discriminator: intIn(m, "discriminator", 0, 4095, undefined),
        include: idList(m, "include"),
        exclude: idList(m, "exclude"),
        stateDir: abs(m.state_dir ?? path.join(path.dirname(abs(db)), "matter")),
    };
    const q = root.mqtt ?? {};
    if (!isObject(q)) fail("mqtt must be an object");
    const tls = isObject(q.tls) ? q.tls : {};
    let password = typeof q.password === "string" ? q.password : undefined;
    if (typeof q.password_file === "string") {
        try {
            password = readFileSync(abs(q.password_file), "utf8").replace(/\r?\n$/, "");
        } catch (e) {
            fail(`cannot read mqtt.password_file: ${e.message}`);
        }
    }
    const mqtt = {
        url: typeof q.url === "string" ? q.url : "mqtt://127.0.0.1:1883",
        baseTopic: typeof q.base_topic === "string" ? q.base_topic : "hearth",
        username: typeof q.username === "string" ? q.username : undefined,
        password,
        caFile: typeof tls.ca_file === "string" ? abs(tls.ca_file) : undefined,
        certFile: typeof tls.cert_file === "string" ? abs(tls.cert_file) : undefined,
        keyFile: typeof tls.key_file === "string" ? abs(tls.key_file) : undefined,
        verifyHostname: tls.verify_hostname !== false,
    };
    return { matter, mqtt };
}
