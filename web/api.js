// The hub's API: HTTP for the session (login, logout), one WebSocket for everything live
// (subscribe → snapshot + changes, set, history). The CSRF token goes with every POST and in
// the WebSocket's URL; the session itself is an HttpOnly cookie the page never sees.

let csrf = '';

async function call(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const response = await fetch(path, {
    method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try { data = await response.json(); } catch { data = null; }
  return { status: response.status, data };
}

/** The current session ({user, role, csrf}) or null. */
export async function currentSession() {
  const r = await call('GET', '/api/session');
  if (r.status !== 200) return null;
  csrf = r.data.csrf;
  return r.data;
}

/** Logs in; returns {ok, session} or {ok: false, status, error}. */
export async function login(name, password) {
  const r = await call('POST', '/api/login', { name, password });
  if (r.status === 200) {
    csrf = r.data.csrf;
    return { ok: true, session: r.data };
  }
  return { ok: false, status: r.status, error: r.data && r.data.error };
}

export async function logout() {
  await call('POST', '/api/logout', {});
  csrf = '';
}

/** The live connection: request(msg) answers by id; `on(type, fn)` for pushed messages. */
export class Live {
  constructor() {
    this.nextId = 1;
    this.waiting = new Map();
    this.handlers = new Map();
  }

  connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    this.socket = new WebSocket(`${scheme}://${location.host}/ws?csrf=${encodeURIComponent(csrf)}`);
    this.socket.addEventListener('message', (event) => this.receive(event.data));
    this.socket.addEventListener('close', () => this.emit('closed', {}));
    return new Promise((resolve, reject) => {
      this.socket.addEventListener('open', () => resolve(), { once: true });
      this.socket.addEventListener('error', () => reject(new Error('WebSocket failed')), { once: true });
    });
  }

  receive(text) {
    let message;
    try { message = JSON.parse(text); } catch { return; }
    if (message.id !== undefined && message.id !== null && this.waiting.has(message.id)) {
      const resolve = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      resolve(message);
      return;
    }
    this.emit(message.type, message);
  }

  emit(type, message) {
    for (const fn of this.handlers.get(type) || []) fn(message);
  }

  on(type, fn) {
    if (!this.handlers.has(type)) this.handlers.set(type, []);
    this.handlers.get(type).push(fn);
  }

  request(message) {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.socket.send(JSON.stringify({ ...message, id }));
    });
  }

  close() { if (this.socket) this.socket.close(); }
}
