// Role: the plumbing the npm interop tests (tests/interop/*/*.test.js) share: polling with a
// deadline, free loopback ports, starting a simulator as a child process and waiting for its
// "listening" line, one JSON request on a simulator's control port, and stopping (by PID, with
// SIGTERM) exactly the children this module started. Each test keeps only its protocol's checks.
// The runner (run_npm_check.sh) copies this file to ../support/ beside the package, so a test
// requires it as '../support/sim_harness' both there and in the source tree.
'use strict';

const { spawn } = require('node:child_process');
const net = require('node:net');

const children = new Set();

/** Polls `fn` (sync or async) every 25 ms until it returns a truthy value, which it resolves;
 *  rejects with 'timed out waiting for <what>' once `ms` have passed (no fixed sleeps). */
async function waitFor(fn, ms, what) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A loopback TCP port that was free a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Sends `obj` as one JSON line to a simulator's control port on 127.0.0.1 and resolves the
 *  first JSON line it answers. */
function control(controlPort, obj) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(controlPort, '127.0.0.1', () => sock.write(JSON.stringify(obj) + '\n'));
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\n')) { sock.end(); resolve(JSON.parse(buf)); }
    });
    sock.on('error', reject);
  });
}

/**
 * Starts the simulator at `path` (stderr captured, stdin/stdout ignored). `attempt()` (async)
 * picks the addresses of one try and returns {args, ready, ...info}: the command line, the text
 * of its stderr that says it serves (e.g. 'listening on 127.0.0.1:PORT'), and fields that are
 * copied into the result. A child that exits before `ready` (its port was taken meanwhile) is
 * retried with a new attempt(), 5 tries in all, each waiting at most 10 s. Resolves
 * {...info, child, log(), alive(), stop(), control(obj)}: control() needs info.controlPort.
 */
async function startSim(path, what, attempt) {
  for (let i = 0; i < 5; ++i) {
    const { args, ready, ...info } = await attempt();
    const child = spawn(path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(child);
    let log = '';
    let exited = false;
    child.stderr.on('data', (d) => { log += d.toString(); });
    child.on('exit', () => { exited = true; children.delete(child); });
    await waitFor(() => exited || log.includes(ready), 10000, what + ' start');
    if (exited) continue;
    return {
      ...info,
      child,
      log: () => log,
      alive: () => !exited,
      stop: () => { if (!exited) child.kill('SIGTERM'); },
      control: (obj) => control(info.controlPort, obj),
    };
  }
  throw new Error('could not start ' + what);
}

/** Sends SIGTERM to every simulator startSim() started that is still running (for after()). */
function stopAll() {
  for (const c of children) c.kill('SIGTERM');
}

module.exports = { waitFor, freePort, control, startSim, stopAll };
