// The console's entry: loads the language, checks the session, shows the login page or opens the
// live connection, and routes between pages by the URL's hash (#/ home, #/device/<id>).
import { currentSession, login, logout, Live } from './api.js';
import { el, replace, toast } from './dom.js';
import { loadCatalogue, t } from './i18n.js';
import { renderHome } from './home.js';
import { renderDevice } from './device.js';

const state = { session: null, live: null, devices: new Map(), view: null };

function header() {
  const bar = document.getElementById('bar');
  if (!state.session) {
    replace(bar, el('a', { class: 'brand', href: '#/' }, t('app.title')));
    return;
  }
  replace(bar,
    el('a', { class: 'brand', href: '#/' }, t('app.title')),
    el('span', { class: 'who' }, t('app.signed_in', { user: state.session.user, role: t(`role.${state.session.role}`) })),
    el('button', { class: 'link', id: 'logout', onclick: async () => { await logout(); location.hash = '#/'; location.reload(); } },
      t('app.logout')));
}

function showLogin(message) {
  header();
  const name = el('input', { id: 'login-name', name: 'username', autocomplete: 'username', required: true });
  const password = el('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = el('p', { class: 'error', id: 'login-error' }, message || '');
  const form = el('form', { class: 'login', onsubmit: async (event) => {
    event.preventDefault();
    const r = await login(name.value, password.value);
    if (r.ok) { start(r.session); return; }
    error.textContent = r.status === 429 ? t('login.locked', { detail: r.error || '' })
      : r.status === 401 ? t('login.wrong') : (r.error || t('login.failed'));
  } },
  el('h1', {}, t('login.title')),
  el('label', {}, t('login.name'), name),
  el('label', {}, t('login.password'), password),
  el('button', { type: 'submit', id: 'login-submit' }, t('login.submit')),
  error);
  replace(document.getElementById('main'), form);
  name.focus();
}

function route() {
  const main = document.getElementById('main');
  const match = location.hash.match(/^#\/device\/([a-z0-9_-]{1,64})$/);
  if (match) state.view = renderDevice(main, state, match[1]);
  else state.view = renderHome(main, state);
}

async function start(session) {
  state.session = session;
  header();
  state.live = new Live();
  try {
    await state.live.connect();
  } catch {
    showLogin(t('app.disconnected'));
    return;
  }
  state.live.on('closed', () => toast(t('app.disconnected'), 'error'));
  const applyDevice = (device) => { state.devices.set(device.id, device); };
  state.live.on('state', (m) => {
    const device = state.devices.get(m.device);
    if (!device) return;
    device.state = m.state;
    if (state.view && state.view.update) state.view.update(m.device);
  });
  state.live.on('availability', (m) => {
    const device = state.devices.get(m.device);
    if (!device) return;
    device.online = m.online;
    if (state.view && state.view.update) state.view.update(m.device);
  });
  state.live.on('device', (m) => { applyDevice(m.device); route(); });
  state.live.on('device_removed', (m) => { state.devices.delete(m.device); route(); });
  const snapshot = await state.live.request({ type: 'subscribe' });
  state.devices.clear();
  for (const device of snapshot.devices || []) applyDevice(device);
  window.addEventListener('hashchange', route);
  route();
}

async function boot() {
  await loadCatalogue();
  document.title = t('app.title');
  const session = await currentSession();
  if (session) start(session);
  else showLogin();
}

boot();
