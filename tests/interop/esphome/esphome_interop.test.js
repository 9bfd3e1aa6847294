// Role: checks esphome_sim (tools/devsim/esphome) against an independent ESPHome native API
// client, the npm `@2colors/esphome-native-api` package (its own protobuf code generated from
// ESPHome's api.proto, its own frame helpers, Noise through noise-c compiled to wasm), in
// plaintext, in Noise and with an API password: the client connects (hello, authentication),
// reads the device info, lists the entities, subscribes to states, sends switch, light, lock and
// button commands and sees the states change, and sees a change the node makes by itself
// (triggered on the simulator's control port). A wrong key must fail the Noise handshake. The
// simulators are children of this test on 127.0.0.1, stopped by PID. Run by run_npm_check.sh
// (ctest `esphome_interop_npm`): ESPHOME_SIM is the simulator's path.
'use strict';

const { test, after } = require('node:test');
const assert = require('node:assert/strict');

const { Client } = require('@2colors/esphome-native-api');
const { waitFor, freePort, startSim: startChild, stopAll } = require('../support/sim_harness');

const SIM = process.env.ESPHOME_SIM;
const KEY = 'c2VjcmV0LWtleS1jYW5hcnktMDEyMzQ1Njc4OWFiY2Q=';
const OTHER_KEY = 'b3RoZXIta2V5LW5vdC10aGUtbm9kZXMta2V5LTEyMzQ=';

const clients = new Set();
after(() => {
  for (const c of clients) { try { c.disconnect(); } catch (e) { /* already closed */ } }
  stopAll();
});

/** Starts esphome_sim; resolves {port, control(obj), stop(), log()}. */
function startSim(extra = []) {
  return startChild(SIM, 'esphome_sim', async () => {
    const port = await freePort();
    const controlPort = await freePort();
    return {
      args: ['--port', String(port), '--control-port', String(controlPort), '--name', 'porch', '--verbose', ...extra],
      ready: 'listening on 127.0.0.1:' + port,
      port,
      controlPort,
    };
  });
}

/** A client of the npm package; collects its errors. */
function connect(port, options = {}) {
  const client = new Client({ host: '127.0.0.1', port, reconnect: false, clientInfo: 'hearth-interop', ...options });
  client.errors = [];
  client.on('error', (e) => client.errors.push(e));
  clients.add(client);
  client.connect();
  return client;
}

function entityByName(client, name) {
  return Object.values(client.entities).find((e) => e.name === name);
}

async function exercise(sim, client) {
  await waitFor(() => client.initialized, 10000, 'initialized (hello, auth, device info, list, subscribe)');
  assert.equal(client.deviceInfo.name, 'porch');
  assert.equal(client.deviceInfo.macAddress, 'AC:BC:32:89:0E:A9');
  const types = Object.values(client.entities).map((e) => e.type).sort();
  assert.deepEqual(types, ['BinarySensor', 'Button', 'Climate', 'Cover', 'Light', 'Lock', 'Sensor', 'Switch']);

  const relay = entityByName(client, 'Relay');
  const light = entityByName(client, 'Porch Light');
  const lock = entityByName(client, 'Front Door');
  const temp = entityByName(client, 'Temperature');
  assert.equal(light.config.minMireds, 153);
  assert.deepEqual(light.config.supportedColorModesList, [11]);
  await waitFor(() => relay.state && lock.state && temp.state, 5000, 'initial states');
  assert.equal(relay.state.state, false);
  assert.equal(lock.state.state, 1);  // LOCK_STATE_LOCKED
  assert.equal(temp.state.state, 21.5);

  relay.setState(true);
  await waitFor(() => relay.state.state === true, 5000, 'relay on');
  light.command({ state: true, brightness: 0.25, colorTemperature: 250 });
  await waitFor(() => light.state.state === true && Math.abs(light.state.brightness - 0.25) < 1e-6, 5000, 'light');
  assert.equal(light.state.colorTemperature, 250);
  lock.setCommand(0);  // LOCK_UNLOCK
  await waitFor(() => lock.state.state === 2, 5000, 'unlocked');
  entityByName(client, 'Restart').push();
  await waitFor(async () => (await sim.control({ status: true })).states.restart_presses === 1, 5000, 'button press');
  const status = await sim.control({ status: true });
  assert.equal(status.states.relay, true);
  assert.equal(status.states.front_door, 2);

  await sim.control({ set: { object_id: 'temperature', value: 25.0 } });
  await waitFor(() => temp.state.state === 25, 5000, 'pushed sensor state');
  assert.deepEqual(client.errors, []);
}

test('plaintext: list, states and commands through the npm client', async () => {
  const sim = await startSim();
  try {
    await exercise(sim, connect(sim.port));
  } finally {
    sim.stop();
  }
});

test('noise: the npm client (noise-c) completes the handshake and talks encrypted', async () => {
  const sim = await startSim(['--key', KEY]);
  try {
    await exercise(sim, connect(sim.port, { encryptionKey: KEY }));
  } finally {
    sim.stop();
  }
});

test('password: the npm client authenticates with the API password', async () => {
  const sim = await startSim(['--password', 'pw-123']);
  try {
    const client = connect(sim.port, { password: 'pw-123' });
    await waitFor(() => client.initialized, 10000, 'initialized with password');
    const bad = connect(sim.port, { password: 'wrong' });
    await waitFor(() => bad.errors.some((e) => /Invalid password/.test(e.message)), 5000, 'invalid password error');
  } finally {
    sim.stop();
  }
});

test('noise: a wrong key fails the handshake at the client', async () => {
  const sim = await startSim(['--key', KEY]);
  try {
    const client = connect(sim.port, { encryptionKey: OTHER_KEY });
    await waitFor(() => client.errors.some((e) => /Handshake/i.test(e.message)), 5000, 'handshake failure');
    assert.equal(client.initialized, false);
  } finally {
    sim.stop();
  }
});
