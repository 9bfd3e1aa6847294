#!/usr/bin/env node
// Rough trigger->action round trip through the broker and Node-RED:
// publish hearth/bench_s_<i> {"value":k} (retained, QoS 1) and time until
// hearth/bench_sw_<i>/set arrives. Sequential, one change in flight at a time.
//
//   node latency_probe.js <host> <port> <N> <count>
//
// Indicative only (used by selftest.sh); the real measurement is the bench
// harness's. Uses the mqtt client that Node-RED itself ships.
'use strict';
const path = require('path');
const mqtt = require(path.join(__dirname, '.install/node_modules/mqtt'));

const [host = '127.0.0.1', port = '1883', nArg = '1', countArg = '200'] = process.argv.slice(2);
const N = Number(nArg), COUNT = Number(countArg);
const client = mqtt.connect(`mqtt://${host}:${port}`, { clean: true });
const samples = [];
let k = 0, t0 = 0n, expectTopic = '', timer = null;

function next() {
    if (k >= COUNT) return done();
    const i = k % N;
    expectTopic = `hearth/bench_sw_${i}/set`;
    const value = 100000 + k;
    k++;
    timer = setTimeout(() => { console.error(`latency_probe: timeout waiting for ${expectTopic}`); process.exit(1); }, 5000);
    t0 = process.hrtime.bigint();
    client.publish(`hearth/bench_s_${i}`, JSON.stringify({ value }), { qos: 1, retain: true });
}

function done() {
    samples.sort((a, b) => a - b);
    const q = (p) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))].toFixed(3);
    console.log(`latency_probe: ${samples.length} changes over ${Math.min(N, COUNT)} device(s), ms: ` +
        `min ${q(0)} p50 ${q(0.5)} p90 ${q(0.9)} p99 ${q(0.99)} max ${q(1)}`);
    client.end(false, () => process.exit(0));
}

client.on('connect', () => {
    // Our own socket must not add Nagle/delayed-ACK stalls to the measurement.
    if (client.stream && client.stream.setNoDelay) client.stream.setNoDelay(true);
    client.subscribe('hearth/+/set', { qos: 1 }, (err) => {
        if (err) { console.error(err); process.exit(1); }
        setTimeout(next, 200);
    });
});
client.on('message', (topic) => {
    if (topic !== expectTopic) return;
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    clearTimeout(timer);
    expectTopic = '';
    setImmediate(next);
});
client.on('error', (e) => { console.error(`latency_probe: ${e.message}`); process.exit(1); });
