// Browser tests of the web console (ctest label `web`, docs/web-console.md): Debian's chromium
// driven by playwright-core against a real hearthd (demo driver) and mosquitto on free loopback
// ports. Security checks over plain HTTP first (no session → 401 on every API path, missing CSRF
// token → 403, a resident cannot manage users, login brute force locked out), then in the
// browser: login, toggle the demo light and see the MQTT state change, unlock the demo lock with a
// wrong then the right PIN (audited with the user name), a history chart, a guest who cannot
// control anything, an XSS payload in a device name shown as text. Screenshots at phone and
// desktop size go to $HEARTH_WEB_SCREENSHOTS (docs/web-console/ when refreshing the docs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { Hub, waitFor } from './harness.js';

const PIN = '4711';
const ADMIN_PW = 'correct horse battery';
const RESIDENT_PW = 'resident password 1';
const GUEST_PW = 'guest password 12';
const XSS_NAME = '<img src=x onerror="window.__xss=1">Porch';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

const hub = new Hub(process.env);
let browser;
const shots = process.env.HEARTH_WEB_SCREENSHOTS || '';

before(async () => {
  for (const key of ['HEARTHD', 'HEARTHCTL', 'HEARTH_PLUGIN_DIR', 'HEARTH_WEB_ASSETS']) {
    assert.ok(process.env[key], `${key} must be set`);
  }
  await hub.up(PIN);
  hub.addUser('admin', ADMIN_PW, ['--admin']);
  hub.addUser('rita', RESIDENT_PW);
  hub.addUser('gast', GUEST_PW, ['--role', 'guest', '--devices', 'living_light,porch_switch,living_climate_sensor']);
  hub.addUser('victim', 'victim password 1');
  hub.ctl(['rename', 'porch_switch', XSS_NAME]);
  if (shots) fs.mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
});

after(async () => {
  if (browser) await browser.close();
  await hub.down();
});

async function api(method, p, { cookie, csrf, body, type = 'application/json' } = {}) {
  const headers = {};
  if (cookie) headers.Cookie = cookie;
  if (csrf) headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = type;
  const r = await fetch(`${hub.base}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  try { data = await r.json(); } catch { data = null; }
  return { status: r.status, data, headers: r.headers };
}

async function loginApi(name, password) {
  const r = await api('POST', '/api/login', { body: { name, password } });
  const cookie = (r.headers.get('set-cookie') || '').split(';')[0];
  return { ...r, cookie, csrf: r.data && r.data.csrf };
}

/** The status of a WebSocket upgrade request to `target`. */
function upgradeStatus(target, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${hub.base}${target}`, { headers: {
      Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers } });
    req.on('response', (res) => { res.resume(); resolve(res.statusCode); });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve(res.statusCode); });
    req.on('error', reject);
    req.end();
  });
}

test('every API path and the WebSocket answer 401 without a session', async () => {
  for (const [method, p] of [['GET', '/api/session'], ['GET', '/api/devices'], ['GET', '/api/users'],
    ['POST', '/api/users'], ['POST', '/api/logout'], ['GET', '/api/nothing'], ['DELETE', '/api/users']]) {
    const r = await api(method, p, { body: method === 'GET' ? undefined : {} });
    assert.equal(r.status, 401, `${method} ${p}`);
    assert.equal(r.headers.get('cache-control'), 'no-store');
  }
  assert.equal(await upgradeStatus('/ws', { Origin: hub.base, Host: `127.0.0.1:${hub.webPort}` }), 401);
  const bogus = await api('GET', '/api/session', { cookie: 'hearth_session=0123456789abcdef' });
  assert.equal(bogus.status, 401);
});

test('pages carry a strict CSP and no inline script', async () => {
  const r = await fetch(`${hub.base}/`);
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  const html = await r.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline <script>');
  assert.equal((await fetch(`${hub.base}/../hearth.json`)).status, 404);
  assert.equal((await fetch(`${hub.base}/%2e%2e/etc/passwd`)).status, 404);
});

test('a missing CSRF token is refused with 403; a resident cannot manage users', async () => {
  const rita = await loginApi('rita', RESIDENT_PW);
  assert.equal(rita.status, 200);
  assert.match(rita.headers.get('set-cookie'), /HttpOnly/);
  assert.match(rita.headers.get('set-cookie'), /SameSite=Strict/);
  assert.equal((await api('POST', '/api/logout', { cookie: rita.cookie, body: {} })).status, 403);
  assert.equal((await api('POST', '/api/logout', { cookie: rita.cookie, csrf: 'f'.repeat(64), body: {} })).status, 403);
  assert.equal(await upgradeStatus('/ws', { Cookie: rita.cookie, Origin: hub.base, Host: `127.0.0.1:${hub.webPort}` }), 403);
  assert.equal(await upgradeStatus(`/ws?csrf=${rita.csrf}`, { Cookie: rita.cookie, Origin: 'http://evil.example', Host: `127.0.0.1:${hub.webPort}` }), 403);
  assert.equal((await api('GET', '/api/users', { cookie: rita.cookie })).status, 403);
  const add = await api('POST', '/api/users', { cookie: rita.cookie, csrf: rita.csrf,
    body: { name: 'mallory', password: 'mallory password', role: 'admin' } });
  assert.equal(add.status, 403);
  assert.doesNotMatch(hub.ctl(['user', 'list']), /mallory/);
  const admin = await loginApi('admin', ADMIN_PW);
  const users = await api('GET', '/api/users', { cookie: admin.cookie });
  assert.equal(users.status, 200);
  assert.deepEqual(users.data.map((u) => u.name).sort(), ['admin', 'gast', 'rita', 'victim']);
  assert.ok(users.data.every((u) => !('password_hash' in u)));
  // Logout with the token ends the session.
  assert.equal((await api('POST', '/api/logout', { cookie: rita.cookie, csrf: rita.csrf, body: {} })).status, 200);
  assert.equal((await api('GET', '/api/session', { cookie: rita.cookie })).status, 401);
});

test('login brute force is locked out, even for the right password afterwards', async () => {
  for (let i = 0; i < 5; ++i) {
    const r = await loginApi('victim', `wrong guess ${i}`);
    assert.equal(r.status, 401, `attempt ${i}`);
  }
  const locked = await loginApi('victim', 'victim password 1');
  assert.equal(locked.status, 429);
  assert.ok(Number(locked.headers.get('retry-after')) > 0);
  // Other users are not locked out by it.
  assert.equal((await loginApi('rita', RESIDENT_PW)).status, 200);
});

async function loginPage(context, name, password) {
  const page = await context.newPage();
  await page.goto(`${hub.base}/`);
  await page.fill('#login-name', name);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.waitForSelector('.card');
  return page;
}

test('admin: toggle the light (MQTT sees it), unlock the lock with a wrong then the right PIN, a chart', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
  const errors = [];
  const page0 = await context.newPage();
  // The login page's session check answers 401 by design; any other console error counts.
  const watch = (p) => {
    p.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(m.text()); });
    p.on('pageerror', (e) => errors.push(String(e)));
  };
  watch(page0);
  await page0.goto(`${hub.base}/`);
  await page0.waitForSelector('#login-name');
  if (shots) await page0.screenshot({ path: path.join(shots, 'login-phone.png') });
  await page0.close();
  const page = await loginPage(context, 'admin', ADMIN_PW);
  watch(page);

  // XSS payload in a device name is text, and nothing ran.
  const porch = page.locator('[data-device="porch_switch"] .name');
  assert.equal(await porch.textContent(), XSS_NAME);
  assert.equal(await page.locator('[data-device="porch_switch"] img').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);

  // Toggle the light: the MQTT state topic changes.
  const light = page.locator('[data-device="living_light"] input[data-control="on"]');
  const before = await light.isChecked();
  const states = hub.record('hearth/living_light');
  await waitFor('the retained light state', () => states.lines.length > 0);
  await light.click();
  const want = `"on":${!before}`;
  await waitFor(`MQTT ${want}`, () => states.lines.some((l) => l.line.replace(/\s/g, '').includes(want)));
  await waitFor('the page to show it', async () => (await light.isChecked()) === !before);
  if (shots) await page.screenshot({ path: path.join(shots, 'home-phone.png'), fullPage: true });

  // Unlock: wrong PIN first (refused, said in the pad), then the right one.
  await page.click('[data-device="hall_lock"] button[data-control="unlock"]');
  for (const d of '1234') await page.click(`.pin-key[data-digit="${d}"]`);
  await page.click('#pin-ok');
  await page.waitForSelector('#pin-error');
  assert.match(await page.textContent('#pin-error'), /wrong|PIN|code/i);
  for (const d of PIN) await page.click(`.pin-key[data-digit="${d}"]`);
  await page.click('#pin-ok');
  await waitFor('the lock to report unlocked', async () =>
    /unlocked/.test(await page.textContent('[data-device="hall_lock"] .summary')));
  const db = path.join(hub.dir, 'hearth.db');
  const audit = execFileSync('sqlite3', [db, "SELECT actor||'|'||source||'|'||result FROM audit_log WHERE action='lock.unlock' ORDER BY id"]).toString();
  assert.match(audit, /admin\|web\|denied/);
  assert.match(audit, /admin\|web\|ok/);

  // A history chart.
  await page.goto(`${hub.base}/#/device/living_climate_sensor`);
  await page.waitForSelector('#chart canvas');
  await waitFor('points in the chart', async () => {
    await page.click('button[data-range="1h"]');
    await page.waitForSelector('#chart canvas');
    return Number(await page.getAttribute('#chart', 'data-points')) > 0;
  });
  if (shots) await page.screenshot({ path: path.join(shots, 'device-phone.png'), fullPage: true });
  await page.setViewportSize(DESKTOP);
  await page.click('button[data-range="24h"]');
  await page.waitForSelector('#chart canvas');
  if (shots) await page.screenshot({ path: path.join(shots, 'device-desktop.png') });
  await page.goto(`${hub.base}/#/`);
  await page.waitForSelector('.card');
  if (shots) await page.screenshot({ path: path.join(shots, 'home-desktop.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a guest sees only their devices and cannot control anything', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
  const page = await loginPage(context, 'gast', GUEST_PW);
  const ids = await page.locator('.card').evaluateAll((cards) => cards.map((c) => c.dataset.device).sort());
  assert.deepEqual(ids, ['living_climate_sensor', 'living_light', 'porch_switch']);
  assert.equal(await page.locator('.card input, .card button, .card select').count(), 0);
  assert.match(await page.textContent('.note'), /访客/);
  // Even a hand-made message is refused by the hub.
  const answer = await page.evaluate(() => new Promise((resolve) => {
    const ws = new WebSocket(`ws://${location.host}/ws?csrf=${encodeURIComponent(window.__csrf || '')}`);
    ws.onerror = () => resolve('refused');
    ws.onclose = () => resolve('closed');
  }));
  assert.ok(['refused', 'closed'].includes(answer), 'a WebSocket without the CSRF token is refused');
  if (shots) await page.screenshot({ path: path.join(shots, 'guest-phone-zh.png'), fullPage: true });
  await context.close();
  const gast = await loginApi('gast', GUEST_PW);
  const devices = await api('GET', '/api/devices', { cookie: gast.cookie });
  assert.deepEqual(devices.data.map((d) => d.id).sort(), ['living_climate_sensor', 'living_light', 'porch_switch']);
});

test('guest set over the WebSocket is refused by the hub', async () => {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await loginPage(context, 'gast', GUEST_PW);
  const r = await page.evaluate(async () => {
    const s = await (await fetch('/api/session')).json();
    return new Promise((resolve) => {
      const ws = new WebSocket(`ws://${location.host}/ws?csrf=${encodeURIComponent(s.csrf)}`);
      ws.onopen = () => ws.send(JSON.stringify({ id: 7, type: 'set', device: 'living_light', payload: { on: true } }));
      ws.onmessage = (e) => { resolve(JSON.parse(e.data)); ws.close(); };
    });
  });
  assert.equal(r.status, 'error');
  assert.match(r.error, /guest/);
  await context.close();
});
