// Role: checks miio_sim (tools/devsim/miio) against an independent miIO client, the npm `miio`
// package: its normal API connects (handshake + miIO.info), reads and drives a Roborock vacuum
// (get_status with map_present, get_consumable, app_start/app_pause/app_stop/app_charge,
// set_custom_mode, get_clean_summary, get_custom_mode, get_dnd_timer), talks to several simulated
// devices that all use the real port 54321 on different loopback addresses, refuses a wrong
// token, and a simulator answers or ignores hostile encrypted requests without exiting.
// The simulators are children of this test, started on 127.x.y.z addresses and stopped by PID.
// Run by run_npm_check.sh (ctest `miio_interop_npm`): MIIO_SIM is the simulator's path.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const dgram = require('node:dgram');
const crypto = require('node:crypto');

const miio = require('miio');
const Packet = require('miio/lib/packet');
const { waitFor, startSim: startChild, stopAll } = require('../support/sim_harness');

const SIM = process.env.MIIO_SIM;
const TOKEN = 'c0ffee00deadbeef0badf00d12345678';
const OTHER_TOKEN = '00000000111111112222222233333333';
const PORT = 54321; // the only port python-miio talks to: several devices need several addresses

/** A random loopback address 127.a.b.c that is neither 127.0.0.1 nor a network/broadcast one. */
function randomLoopback() {
  const b = () => 1 + crypto.randomInt(253);
  return `127.${b()}.${b()}.${b()}`;
}

/** Starts miio_sim on a free loopback address at port 54321; resolves {address, child, log(), alive(), stop()}. */
function startSim(kind, extra = []) {
  return startChild(SIM, 'miio_sim (' + kind + ')', async () => {
    const address = randomLoopback();
    return {
      args: ['--address', address, '--port', String(PORT), '--token', TOKEN, '--kind', kind, '--verbose', ...extra],
      ready: 'listening on ' + address + ':' + PORT,
      address,
    };
  });
}

/** Sends one raw frame built with the npm package's own codec and waits for the decoded reply. */
function rawExchange(address, token, payload, { expectReply = true, timeoutMs = expectReply ? 5000 : 1500 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const packet = new Packet();
    packet.token = Buffer.from(token, 'hex');
    let stage = 'hello';
    const timer = setTimeout(() => {
      socket.close();
      if (stage === 'request' && !expectReply) resolve(null);
      else reject(new Error('no reply (' + stage + ') to ' + payload));
    }, timeoutMs);
    socket.on('message', (msg) => {
      packet.raw = msg;
      if (stage === 'hello') {
        stage = 'request';
        packet.data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8');
        const frame = packet.raw;
        socket.send(frame, 0, frame.length, PORT, address);
        return;
      }
      if (packet.data === null) return;
      clearTimeout(timer);
      socket.close();
      resolve(JSON.parse(packet.data.toString('utf8').replace(/\0+$/, '')));
    });
    packet.handshake();
    const hello = packet.raw;
    socket.send(hello, 0, hello.length, PORT, address);
  });
}

let vacuumA;
let vacuumB;
let ac;

before(async () => {
  assert.ok(SIM, 'MIIO_SIM must name the built miio_sim');
  vacuumA = await startSim('vacuum', ['--did', '19088743']);
  vacuumB = await startSim('vacuum', ['--did', '305419896']);
  ac = await startSim('ac', ['--did', '555']);
});

after(stopAll);

test('the npm client connects through miIO.info and sees a Roborock vacuum', async () => {
  const device = await miio.device({ address: vacuumA.address, token: TOKEN });
  try {
    assert.equal(device.miioModel, 'roborock.vacuum.s5');
    assert.ok(device.matches('cap:cleaning-state'), 'the client picked its vacuum class');
    const battery = await device.batteryLevel();
    assert.ok(battery >= 0 && battery <= 100, 'battery ' + battery);
    assert.equal(await device.cleaning(), false);
    assert.equal(device.property('state'), 'charging');
    const info = await device.call('miIO.info');
    assert.equal(info.netif.localIp, vacuumA.address);
    assert.equal(typeof info.fw_ver, 'string');
  } finally {
    device.destroy();
  }
});

test('the vacuum API works: clean, pause, stop and dock, fan speed, history, find', async () => {
  const device = await miio.device({ address: vacuumA.address, token: TOKEN });
  try {
    await device.clean(); // app_start; the client checks the result
    await waitFor(async () => (await device.call('get_status'))[0].state === 5, 5000, 'cleaning state');
    assert.equal(await device.cleaning(), true);
    await device.pause(); // app_pause
    assert.equal((await device.call('get_status'))[0].state, 10);
    await device.changeFanSpeed(103); // set_custom_mode
    assert.deepEqual(await device.call('get_custom_mode'), [103]);
    await device.charge(); // app_stop, then app_charge
    const status = (await device.call('get_status'))[0];
    assert.equal(status.state, 6);
    assert.equal(status.map_present, 1);
    assert.equal(status.fan_power, 103);
    const history = await device.getHistory(); // get_clean_summary
    assert.equal(history.count, 1);
    assert.equal(history.days.length, 1);
    assert.ok(history.days[0] instanceof Date);
    const dnd = (await device.call('get_dnd_timer'))[0];
    assert.deepEqual(Object.keys(dnd).sort(), ['enabled', 'end_hour', 'end_minute', 'start_hour', 'start_minute']);
    assert.equal(await device.find(), null); // find_me
  } finally {
    device.destroy();
  }
});

test('several simulated devices share port 54321 on different loopback addresses', async () => {
  const a = await miio.device({ address: vacuumA.address, token: TOKEN });
  const b = await miio.device({ address: vacuumB.address, token: TOKEN });
  const c = await miio.device({ address: ac.address, token: TOKEN });
  try {
    assert.notEqual(a.id, b.id);
    assert.equal(b.id, 'miio:305419896');
    assert.equal(c.miioModel, 'example.aircondition.v1');
    const props = await c.call('get_properties', [{ did: 'ac', siid: 2, piid: 4 }]);
    assert.equal(props[0].code, 0);
    assert.equal(props[0].value, 22.0);
    const set = await c.call('set_properties', [{ did: 'ac', siid: 2, piid: 4, value: 24 }]);
    assert.equal(set[0].code, 0);
  } finally {
    a.destroy();
    b.destroy();
    c.destroy();
  }
});

test('a wrong token is refused by the client as a token problem', async () => {
  await assert.rejects(miio.device({ address: vacuumB.address, token: OTHER_TOKEN }),
    (e) => e.code === 'connection-failure' && /token/.test(e.message));
  assert.match(vacuumB.log(), /checksum mismatch/); // the simulator ignored the frames
});

test('hostile encrypted requests get an error or are ignored; the simulator never exits', async () => {
  // [payload, answered]: a device answers every request that has an id (an error when it cannot
  // serve it) and ignores what is not a JSON-RPC request.
  const hostile = [
    ['{"id":1,"method":5}', true],
    ['{"id":2,"method":null,"params":[]}', true],
    ['{"id":3,"method":"get_properties","params":[{"did":5,"siid":"2","piid":null},7]}', true],
    ['{"id":4,"method":"set_properties","params":[{"did":5,"siid":2,"piid":4,"value":"hot"}]}', true],
    ['{"id":5,"method":"action","params":{"did":12,"siid":[2],"aiid":{}}}', true],
    ['{"id":6,"method":"get_properties","params":"all"}', true],
    ['{"id":7,"method":"set_custom_mode","params":"max"}', true],
    ['{"id":8,"method":"get_clean_record","params":[{}]}', true],
    ['{"id":[9],"method":"no_such_method"}', true],
    [Buffer.from('{"id":"\xff\xfe","method":"get_status"}', 'latin1'), false], // invalid UTF-8: not JSON
    ['[1,2,3]', false],
    ['{"method":"get_status"}', false],
  ];
  for (const sim of [ac, vacuumA]) {
    for (const [payload, answered] of hostile) {
      const reply = await rawExchange(sim.address, TOKEN, payload, { expectReply: answered });
      if (answered) assert.ok(reply && (reply.error || reply.result !== undefined), 'an answer to ' + payload);
      else assert.equal(reply, null, 'no answer to ' + payload);
      if (answered && /"method":(5|null)/.test(payload)) assert.equal(reply.error.code, -32600);
      assert.ok(sim.alive(), 'the simulator exited on ' + payload);
    }
    const info = await rawExchange(sim.address, TOKEN, '{"id":99,"method":"miIO.info","params":[]}');
    assert.equal(info.id, 99);
    assert.ok(info.result.model);
  }
  const codes = (await rawExchange(ac.address, TOKEN,
    '{"id":10,"method":"get_properties","params":[{"did":5,"siid":"2","piid":null},{"did":5,"siid":2,"piid":4},7]}')).result;
  assert.deepEqual(codes.map((c) => c.code), [-4001, 0, -4001]);
  assert.equal(codes[0].did, 5); // an integer did is echoed, not refused
  const wrongType = (await rawExchange(ac.address, TOKEN,
    '{"id":11,"method":"set_properties","params":[{"did":"ac","siid":2,"piid":1,"value":"on"}]}')).result;
  assert.equal(wrongType[0].code, -4005); // a string for a bool property is refused, not stored
  vacuumA.stop();
  await waitFor(() => !vacuumA.alive(), 5000, 'the simulator to stop on SIGTERM');
});
