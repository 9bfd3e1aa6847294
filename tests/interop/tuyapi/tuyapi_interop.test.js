// Role: checks tuya_sim (tools/devsim/tuya) against an independent Tuya LAN client, the npm
// `tuyapi` package, for every protocol version both support (3.3, 3.4, 3.5): tuyapi connects
// (3.4/3.5: its own session key negotiation), reads all DPS (get schema), writes DPS (set,
// resolved by the STATUS push that follows), reads single DPS, and decodes a STATUS the device
// pushes by itself (triggered on the simulator's control port). The simulator's fault injection
// makes frames the independent client refuses: a device answering under another local key
// (3.4: HMAC mismatch at the negotiation) and a corrupted CRC (3.3). The simulators are children
// of this test on 127.0.0.1, stopped by PID. Run by run_npm_check.sh (ctest `tuya_interop_npm`):
// TUYA_SIM is the simulator's path.
'use strict';

const { test, after } = require('node:test');
const assert = require('node:assert/strict');

const TuyAPI = require('tuyapi');
const { waitFor, freePort, startSim: startChild, stopAll } = require('../support/sim_harness');

const SIM = process.env.TUYA_SIM;
const KEY = '0123456789abcdef';
const ID = 'bf0a1b2c3d4e5f6a7b8c9d';

after(stopAll);

/** Starts tuya_sim; resolves {port, control(obj), stop(), log()}. */
function startSim(version, kind, extra = []) {
  return startChild(SIM, 'tuya_sim', async () => {
    const port = await freePort();
    const controlPort = await freePort();
    return {
      args: ['--port', String(port), '--control-port', String(controlPort), '--key', KEY, '--version', version,
        '--kind', kind, '--id', ID, '--verbose', ...extra],
      ready: 'listening on 127.0.0.1:' + port,
      port,
      controlPort,
    };
  });
}

function device(version, port, key = KEY) {
  const d = new TuyAPI({ id: ID, key, ip: '127.0.0.1', port, version, issueGetOnConnect: false });
  d.errors = [];
  d.on('error', (e) => d.errors.push(String(e)));
  return d;
}

for (const version of ['3.3', '3.4', '3.5']) {
  test(`tuyapi ${version}: connect, get and set a metering plug's DPS, receive a pushed STATUS`, async () => {
    const sim = await startSim(version, 'plug');
    const d = device(version, sim.port);
    try {
      await d.connect();
      const all = await d.get({ schema: true });
      assert.deepEqual(all.dps, { 1: false, 9: 0, 17: 0, 18: 0, 19: 0, 20: 2301 });
      assert.equal(await d.get({ dps: 20 }), 2301);

      const changed = await d.set({ dps: 1, set: true });
      assert.equal(changed.dps['1'], true);
      assert.equal(changed.dps['19'], 1000, 'switching on reports the 100.0 W load');
      assert.equal(await d.get({ dps: 19 }), 1000);
      const multi = await d.set({ multiple: true, data: { 1: false, 9: 60 } });
      assert.equal(multi.dps['1'], false);
      assert.equal(multi.dps['9'], 60);

      // The device changes by itself (energy counter): tuyapi decodes the pushed STATUS.
      const pushed = new Promise((resolve) => d.on('dp-refresh', (data) => resolve(data)));
      const status = await sim.control({ dps: { 17: 42 } });
      assert.equal(status.ok, true);
      const data = await pushed;
      assert.equal(data.dps['17'], 42);

      const after = await sim.control({ status: true });
      assert.equal(after.negotiated, version === '3.3' ? 0 : 1, 'a 3.4/3.5 session was negotiated');
      assert.deepEqual(d.errors, []);
    } finally {
      d.disconnect();
      sim.stop();
    }
  });

  test(`tuyapi ${version}: a bulb's brightness and colour temperature DPS`, async () => {
    const sim = await startSim(version, 'bulb');
    const d = device(version, sim.port);
    try {
      await d.connect();
      const r = await d.set({ multiple: true, data: { 20: true, 22: 505, 23: 342 } });
      assert.equal(r.dps['22'], 505);
      const all = await d.get({ schema: true });
      assert.deepEqual(all.dps, { 20: true, 21: 'white', 22: 505, 23: 342 });
      // Out-of-range values are ignored by the device; it reports what it kept.
      const kept = await d.set({ dps: 22, set: 5000 });
      assert.equal(kept.dps['22'], 505);
    } finally {
      d.disconnect();
      sim.stop();
    }
  });
}

/** Resolves with the first 'error' event matching `re`, or rejects after `ms`. */
function errorEvent(d, re, ms) {
  return waitFor(() => d.errors.find((e) => re.test(e)), ms, 'an error event matching ' + re);
}

test('tuyapi 3.4 refuses a device answering under another local key (HMAC mismatch)', async () => {
  const sim = await startSim('3.4', 'plug', ['--fault', 'wrong_key']);
  const d = device('3.4', sim.port);
  try {
    let connected = false;
    d.connect().then(() => { connected = true; }, () => {});
    await errorEvent(d, /HMAC mismatch/, 10000);
    assert.equal(connected, false);
  } finally {
    d.disconnect();
    sim.stop();
  }
});

test('tuyapi 3.3 refuses the simulator\'s corrupted CRC', async () => {
  const sim = await startSim('3.3', 'plug', ['--fault', 'bad_crc']);
  const d = device('3.3', sim.port);
  try {
    await d.connect();
    d.get({ schema: true }).catch(() => {});  // never answered validly
    await errorEvent(d, /CRC mismatch/, 10000);
  } finally {
    d.disconnect();
    sim.stop();
  }
});
