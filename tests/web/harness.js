// The web console test's servers: a private mosquitto and a real hearthd (demo driver, web console
// on) on free loopback ports in a fresh temporary folder, started and stopped by PID; hearthctl
// for the accounts; a recorder of MQTT state topics (mosquitto_sub).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` (async, truthy = done) every 50 ms until `ms` pass; throws `what` on timeout. */
export async function waitFor(what, check, ms = 15000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

export class Hub {
  constructor(env) {
    this.env = env;
    this.children = [];
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-web-'));
  }

  start(cmd, args, log, input) {
    const out = fs.openSync(path.join(this.dir, log), 'a');
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', out, out] });
    this.children.push(child);
    return child;
  }

  async up(pin) {
    this.mqttPort = await freePort();
    this.webPort = await freePort();
    fs.writeFileSync(path.join(this.dir, 'mosquitto.conf'),
      `listener ${this.mqttPort} 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\n`);
    this.start('/usr/sbin/mosquitto', ['-c', path.join(this.dir, 'mosquitto.conf')], 'mosquitto.log');
    await waitFor('mosquitto', () => new Promise((resolve) => {
      const s = net.connect(this.mqttPort, '127.0.0.1', () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    }));
    const pinHash = execFileSync(this.env.HEARTHD, ['--hash-pin'], { input: `${pin}\n` }).toString().trim();
    this.config = path.join(this.dir, 'hearth.json');
    fs.writeFileSync(this.config, JSON.stringify({
      mqtt: { url: `mqtt://127.0.0.1:${this.mqttPort}`, client_id: 'hearth-web-test', base_topic: 'hearth' },
      database: { path: path.join(this.dir, 'hearth.db'), commit_interval_ms: 200 },
      plugins: { dir: this.env.HEARTH_PLUGIN_DIR },
      drivers: [{ plugin: 'demo', id: 'demo', isolation: 'inproc', config: { tick_ms: 200 } }],
      locks: { hall_lock: { pin_hash: pinHash } },
      web: { enabled: true, listen: '127.0.0.1', port: this.webPort, assets_dir: this.env.HEARTH_WEB_ASSETS },
      log: { level: 'info' },
    }, null, 1));
    this.hearthd = this.start(this.env.HEARTHD, ['--config', this.config], 'hearthd.log');
    this.base = `http://127.0.0.1:${this.webPort}`;
    await waitFor('the web console', async () => (await fetch(`${this.base}/`)).status === 200);
    await waitFor('the demo devices', async () => {
      const out = this.ctl(['devices', '--json']);
      return JSON.parse(out).length >= 10;
    });
  }

  /** Runs hearthctl against the hub; returns stdout. */
  ctl(args, input) {
    return execFileSync(this.env.HEARTHCTL, ['--port', String(this.mqttPort), '--base', 'hearth', ...args],
      { input: input ?? '', stdio: ['pipe', 'pipe', 'pipe'] }).toString();
  }

  addUser(name, password, extra = []) {
    this.ctl(['user', 'add', name, '--password-file', '-', ...extra], `${password}\n`);
  }

  /** Records every message on `topic` (mosquitto_sub -v). */
  record(topic) {
    const child = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(this.mqttPort), '-t', topic, '-v'],
      { stdio: ['ignore', 'pipe', 'ignore'] });
    this.children.push(child);
    const recording = { lines: [] };
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop();
      for (const line of parts) recording.lines.push({ at: performance.now(), line });
    });
    return recording;
  }

  logText() { return fs.readFileSync(path.join(this.dir, 'hearthd.log'), 'utf8'); }

  async down() {
    for (const child of this.children.reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    }
    if (!process.env.HEARTH_WEB_KEEP) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
