// Writes Zigbee2MQTT `<base>/bridge/devices` entries for a fixed list of popular models, built from
// the real device definitions of the pinned zigbee-herdsman-converters (package-lock.json), in
// Zigbee2MQTT's shape (lib/extension/bridge.ts publishDevices/getDefinitionPayload: exposes as
// JSON, keys sorted by json-stable-stringify). Usage: node make_fixtures.js [OUT_FILE]
// (stdout without one). Deterministic: ieee addresses and names come from the list order.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const zhc = require("zigbee-herdsman-converters");

// [model, friendly_name, power_source] — exact model ids, grouped by kind.
const MODELS = [
  // bulbs with colour temperature, colour bulbs, dimmers
  ["9290012573A", "Living room bulb", "Mains (single phase)"],
  ["9290011370", "Hall bulb", "Mains (single phase)"],
  ["LED1545G12", "Bedroom bulb", "Mains (single phase)"],
  ["LED1836G9", "Kitchen bulb", "Mains (single phase)"],
  ["LED1924G9", "Desk bulb", "Mains (single phase)"],
  ["GL-C-007-1ID", "Led strip", "Mains (single phase)"],
  ["AC25697", "Porch bulb", "Mains (single phase)"],
  // metering plugs and switches
  ["TS011F_plug_1", "Washing machine plug", "Mains (single phase)"],
  ["ZNCZ02LM", "Kettle plug", "Mains (single phase)"],
  ["E160x/E170x/E190x", "Lamp outlet", "Mains (single phase)"],
  ["SP 120", "Tv plug", "Mains (single phase)"],
  ["E22xx", "Heater plug", "Mains (single phase)"],
  ["ZBMINI", "Fan relay", "Mains (single phase)"],
  ["QBKG04LM", "Wall switch", "Mains (single phase)"],
  ["LLKZMK11LM", "Double relay", "Mains (single phase)"],
  ["BASICZBR3", "Garden relay", "Mains (single phase)"],
  // temperature / humidity
  ["WSDCGQ11LM", "Bathroom climate", "Battery"],
  ["WSDCGQ01LM", "Cellar climate", "Battery"],
  ["SNZB-02", "Nursery climate", "Battery"],
  ["TS0201", "Attic climate", "Battery"],
  // motion
  ["RTCGQ11LM", "Hall motion", "Battery"],
  ["RTCGQ01LM", "Stairs motion", "Battery"],
  ["SNZB-03", "Garage motion", "Battery"],
  ["9290012607", "Kitchen motion", "Battery"],
  ["E1525/E1745", "Closet motion", "Battery"],
  // contact
  ["MCCGQ11LM", "Front door contact", "Battery"],
  ["MCCGQ01LM", "Window contact", "Battery"],
  ["SNZB-04", "Back door contact", "Battery"],
  ["TS0203", "Shed contact", "Battery"],
  // water leak, smoke
  ["SJCGQ11LM", "Sink leak", "Battery"],
  ["SJCGQ12LM", "Boiler leak", "Battery"],
  ["TS0207_water_leak_detector", "Basement leak", "Battery"],
  ["JTYJ-GD-01LM/BW", "Hall smoke", "Battery"],
  // door locks
  ["YRD256HA20BP", "Front door lock", "Battery"],
  ["BE468", "Back door lock", "Battery"],
  ["YRD226HA2619", "Garage door lock", "Battery"],
  // thermostatic radiator valves
  ["014G2461", "Living room radiator", "Battery"],
  ["SPZB0001", "Bedroom radiator", "Battery"],
  ["SRTS-A01", "Office radiator", "Battery"],
  // curtain motors and blinds
  ["E1757", "Bedroom blind", "Battery"],
  ["E1926", "Office blind", "Battery"],
  ["ZNCLDJ11LM", "Living room curtain", "Mains (single phase)"],
  // remotes and buttons
  ["WXKG01LM", "Hallway remote", "Battery"],
  ["WXKG11LM", "Desk button", "Battery"],
  ["WXKG12LM", "Bed button", "Battery"],
  ["E1743", "Kitchen remote", "Battery"],
  ["E1524/E1810", "Living room remote", "Battery"],
  ["324131092621", "Bedroom dimmer", "Battery"],
  ["SNZB-01", "Doorbell button", "Battery"],
  // a ceiling fan controller (no Hearth fan type yet)
  ["99432", "Ceiling fan", "Mains (single phase)"],
];

/// Every definition of the package by model id (the device modules under dist/devices).
function definitionsByModel() {
  const dir = path.join(path.dirname(require.resolve("zigbee-herdsman-converters")), "devices");
  const out = new Map();
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith(".js") || file === "index.js") continue;
    const mod = require(`zigbee-herdsman-converters/devices/${file.slice(0, -3)}`);
    for (const d of mod.definitions || mod.default || []) if (!out.has(d.model)) out.set(d.model, d);
  }
  return out;
}

/// Key-sorted deep copy, as json-stable-stringify orders Zigbee2MQTT's payloads.
function sorted(value) {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === "object") {
    const out = {};
    for (const k of Object.keys(value).sort()) if (value[k] !== undefined) out[k] = sorted(value[k]);
    return out;
  }
  return value;
}

/// The exposes Zigbee2MQTT publishes: a static list, or what the function gives for a device
/// without a stored state (Zigbee2MQTT's documentation generator does the same).
function exposesOf(def) {
  if (typeof def.exposes !== "function") return def.exposes;
  return def.exposes({ manufacturerID: 0, isDummyDevice: true }, {});
}

function main() {
  const defs = definitionsByModel();
  const missing = [];
  const devices = [
    {
      definition: null, disabled: false, endpoints: {}, friendly_name: "Coordinator",
      ieee_address: "0x00124b0000000000", interview_completed: true, interview_state: "SUCCESSFUL",
      interviewing: false, network_address: 0, supported: true, type: "Coordinator",
    },
  ];
  MODELS.forEach(([model, name, power], i) => {
    const raw = defs.get(model);
    if (!raw) { missing.push(model); return; }
    const def = zhc.prepareDefinition(raw);
    const ieee = "0x00158d00" + (0x10000000 + i).toString(16).slice(1).padStart(8, "0");
    devices.push({
      definition: {
        description: def.description,
        exposes: JSON.parse(JSON.stringify(exposesOf(def))),
        model: def.model,
        options: JSON.parse(JSON.stringify(def.options || [])),
        source: "native",
        supports_ota: !!def.ota,
        vendor: def.vendor,
      },
      disabled: false,
      endpoints: {},
      friendly_name: name,
      ieee_address: ieee,
      interview_completed: true,
      interview_state: "SUCCESSFUL",
      interviewing: false,
      manufacturer: def.vendor,
      model_id: (raw.zigbeeModel && raw.zigbeeModel[0]) || model,
      network_address: 1000 + i,
      power_source: power,
      supported: true,
      type: power === "Battery" ? "EndDevice" : "Router",
    });
  });
  if (missing.length) throw new Error(`no definition for model(s) ${missing.join(", ")}`);
  const text = JSON.stringify(sorted(devices), null, 1) + "\n";
  if (process.argv[2]) fs.writeFileSync(process.argv[2], text);
  else process.stdout.write(text);
}

main();
