#!/usr/bin/env node
// Generates the Node-RED flows.json for the Hearth side-by-side benchmark.
//
//   node make_flow.js --host 127.0.0.1 --port 1883 --n 1 [--out flows.json]
//
// The automation is the one Hearth runs natively:
//   "when bench_s_<i>.value changes -> pulse bench_sw_<i>"   for i in 0..N-1
//
// Flow (built-in core nodes only, the way a Node-RED user would wire it):
//
//   [mqtt in  hearth/+ , QoS 1, parsed JSON]
//     -> [switch   topic =~ ^hearth/bench_s_\d+$ ]        drop hearth/bridge, hearth/bench_sw_*, ...
//     -> [filter   "block unless value changes (ignore initial value)"
//                  on msg.payload.value, separately per msg.topic]
//     -> [switch   msg.retain is false ]                  retained replays only seed the filter
//     -> [change   topic hearth/bench_s_<i> -> hearth/bench_sw_<i>/set,
//                  payload = {"command":"pulse"} ]
//     -> [mqtt out QoS 1, not retained, topic from msg.topic]
//
// Readiness probe: the broker config publishes a birth message on
// hearth-bench/nodered/ready (QoS 1, not retained) right after it has
// (re)subscribed; a second mqtt-in on that topic logs
// HEARTH_BENCH_NODERED_READY.  Because the broker handles one client's packets
// in order, seeing that line means the hearth/+ subscription is active and the
// retained snapshots have already been delivered to Node-RED.
//
// The wildcard design means N does not change the wiring (one subscription and
// one per-topic filter serve any number of devices); N is recorded in the tab
// info and the filter keeps one entry per device it has seen.
'use strict';

const fs = require('fs');

function usage(msg) {
    if (msg) process.stderr.write(`make_flow.js: ${msg}\n`);
    process.stderr.write('usage: node make_flow.js --host HOST --port PORT --n N [--out FILE]\n');
    process.exit(2);
}

function parseArgs(argv) {
    const o = { host: '127.0.0.1', port: 1883, n: 1, out: null, base: 'hearth' };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const next = () => {
            if (i + 1 >= argv.length) usage(`missing value for ${a}`);
            return argv[++i];
        };
        switch (a) {
            case '--host': o.host = next(); break;
            case '--port': o.port = Number(next()); break;
            case '--n': o.n = Number(next()); break;
            case '--out': o.out = next(); break;
            case '--base': o.base = next(); break;
            case '-h': case '--help': usage(); break;
            default: usage(`unknown argument ${a}`);
        }
    }
    if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) usage('bad --port');
    if (!Number.isInteger(o.n) || o.n < 1) usage('bad --n');
    if (!/^[A-Za-z0-9_-]+$/.test(o.base)) usage('bad --base');
    return o;
}

function makeFlow({ host, port, n, base }) {
    const tab = 'hb_tab';
    const broker = 'hb_broker';
    const sensorRe = `^${base}/bench_s_(\\d+)$`;
    const readyTopic = 'hearth-bench/nodered/ready';

    return [
        {
            id: tab, type: 'tab', label: 'Hearth bench', disabled: false,
            info: `when ${base}/bench_s_<i>.value changes -> pulse ${base}/bench_sw_<i> (i in 0..${n - 1}, N=${n})`,
            env: [],
        },
        {
            id: broker, type: 'mqtt-broker', name: 'hearth broker',
            broker: host, port: String(port), clientid: '',
            autoConnect: true, usetls: false, protocolVersion: '4',
            keepalive: '60', cleansession: true, autoUnsubscribe: true,
            birthTopic: readyTopic, birthQos: '1', birthRetain: 'false',
            birthPayload: 'ready', birthMsg: {},
            closeTopic: '', closeQos: '0', closeRetain: 'false', closePayload: '', closeMsg: {},
            willTopic: '', willQos: '0', willRetain: 'false', willPayload: '', willMsg: {},
            userProps: '', sessionExpiry: '',
        },
        // --- the automation -------------------------------------------------
        {
            id: 'hb_in', type: 'mqtt in', z: tab, name: `${base}/+ (state snapshots)`,
            topic: `${base}/+`, qos: '1', datatype: 'json', broker,
            nl: false, rap: true, rh: 0, inputs: 0,
            x: 150, y: 80, wires: [['hb_only_sensors']],
        },
        {
            id: 'hb_only_sensors', type: 'switch', z: tab, name: 'bench_s_<i> only',
            property: 'topic', propertyType: 'msg',
            rules: [{ t: 'regex', v: sensorRe, vt: 'str', case: false }],
            checkall: 'true', repair: false, outputs: 1,
            x: 370, y: 80, wires: [['hb_changed']],
        },
        {
            id: 'hb_changed', type: 'rbe', z: tab, name: 'value changed',
            func: 'rbei', gap: '', start: '', inout: 'out',
            septopics: true, property: 'payload.value', topi: 'topic',
            x: 550, y: 80, wires: [['hb_live_only']],
        },
        {
            id: 'hb_live_only', type: 'switch', z: tab, name: 'not a retained replay',
            property: 'retain', propertyType: 'msg',
            rules: [{ t: 'false' }],
            checkall: 'true', repair: false, outputs: 1,
            x: 740, y: 80, wires: [['hb_to_pulse']],
        },
        {
            id: 'hb_to_pulse', type: 'change', z: tab, name: 'pulse bench_sw_<i>',
            rules: [
                { t: 'change', p: 'topic', pt: 'msg', from: sensorRe, fromt: 're',
                  to: `${base}/bench_sw_$1/set`, tot: 'str' },
                { t: 'set', p: 'payload', pt: 'msg', to: '{"command":"pulse"}', tot: 'json' },
            ],
            action: '', property: '', from: '', to: '', reg: false,
            x: 940, y: 80, wires: [['hb_out']],
        },
        {
            id: 'hb_out', type: 'mqtt out', z: tab, name: `${base}/bench_sw_<i>/set`,
            topic: '', qos: '1', retain: 'false',
            respTopic: '', contentType: '', userProps: '', correl: '', expiry: '',
            broker, x: 1150, y: 80, wires: [],
        },
        // --- readiness probe (bench plumbing, not part of the automation) ---
        {
            id: 'hb_ready_in', type: 'mqtt in', z: tab, name: 'birth echo',
            topic: readyTopic, qos: '1', datatype: 'utf8', broker,
            nl: false, rap: true, rh: 0, inputs: 0,
            x: 150, y: 180, wires: [['hb_ready_log']],
        },
        {
            id: 'hb_ready_log', type: 'function', z: tab, name: 'log ready',
            func: 'node.log("HEARTH_BENCH_NODERED_READY");\nreturn null;',
            outputs: 0, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [],
            x: 370, y: 180, wires: [],
        },
    ];
}

function main() {
    const o = parseArgs(process.argv.slice(2));
    const text = JSON.stringify(makeFlow(o), null, 4) + '\n';
    if (o.out) {
        const tmp = `${o.out}.tmp${process.pid}`;
        fs.writeFileSync(tmp, text);
        fs.renameSync(tmp, o.out);
    } else {
        process.stdout.write(text);
    }
}

if (require.main === module) main();
module.exports = { makeFlow };
