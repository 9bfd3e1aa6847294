// One-tap controls per device type (toggle, brightness, AC mode and setpoint, lock with PIN
// pad). Each control sends `set` over the live connection with the same payload as MQTT's
// <base>/<id>/set; the hub validates it. Guests get no controls.
import { el, toast } from './dom.js';
import { t, tr } from './i18n.js';
import { askPin } from './pinpad.js';

/** Sends a /set payload; shows the hub's error. Returns the response. */
export async function send(state, deviceId, payload) {
  const response = await state.live.request({ type: 'set', device: deviceId, payload });
  if (response.status !== 'ok') toast(t('control.refused', { error: response.error || '' }), 'error');
  return response;
}

function property(device, name) {
  return (device.properties || {})[name];
}

function toggle(state, device, name) {
  const input = el('input', { type: 'checkbox', class: 'toggle', role: 'switch', 'aria-label': t('control.on'),
    dataset: { control: name },
    onchange: () => send(state, device.id, { [name]: input.checked }) });
  return { node: input, update: (d) => { input.checked = d.state[name] === true; } };
}

function slider(state, device, name) {
  const p = property(device, name) || {};
  const label = el('span', { class: 'slider-value' });
  const input = el('input', { type: 'range', min: p.min ?? 0, max: p.max ?? 100, step: p.step ?? 1,
    'aria-label': tr(`prop.${name}`, name), dataset: { control: name },
    oninput: () => { label.textContent = input.value; },
    onchange: () => send(state, device.id, { [name]: Number(input.value) }) });
  return {
    node: el('label', { class: 'slider' }, tr(`prop.${name}`, name), input, label),
    update: (d) => {
      if (document.activeElement === input) return;
      input.value = d.state[name] ?? input.min;
      label.textContent = String(d.state[name] ?? '');
    },
  };
}

function setpoint(state, device) {
  const p = property(device, 'target_temp') || { step: 0.5, min: 16, max: 30 };
  const value = el('span', { class: 'setpoint-value', dataset: { value: 'target_temp' } });
  let current = 0;
  const change = (delta) => {
    const next = Math.min(p.max ?? 30, Math.max(p.min ?? 16, current + delta));
    send(state, device.id, { target_temp: next });
  };
  const step = p.step || 0.5;
  return {
    node: el('div', { class: 'setpoint' },
      el('button', { class: 'round', 'aria-label': t('control.colder'), onclick: () => change(-step) }, '−'),
      value,
      el('button', { class: 'round', 'aria-label': t('control.warmer'), onclick: () => change(step) }, '+')),
    update: (d) => { current = Number(d.state.target_temp ?? 0); value.textContent = `${current} °C`; },
  };
}

function modeSelect(state, device) {
  const p = property(device, 'mode') || {};
  const options = p.values || ['cool', 'heat', 'dry', 'fan', 'auto'];
  const select = el('select', { 'aria-label': t('prop.mode'), dataset: { control: 'mode' },
    onchange: () => send(state, device.id, { mode: select.value }) },
  options.map((o) => el('option', { value: o }, tr(`enum.${o}`, o))));
  return { node: select, update: (d) => { if (document.activeElement !== select) select.value = d.state.mode; } };
}

function lockButtons(state, device) {
  const operate = async (command) => {
    const needsPin = command !== 'lock';
    let error = '';
    for (;;) {
      const payload = { command, params: {} };
      if (needsPin) {
        const pin = await askPin(t('lock.pin_for', { name: device.name }), error);
        if (pin === null) return;
        payload.code = pin;
      }
      const response = await state.live.request({ type: 'set', device: device.id, payload });
      if (response.status === 'ok') { toast(t('lock.done')); return; }
      if (!needsPin) { toast(t('control.refused', { error: response.error || '' }), 'error'); return; }
      error = response.error || t('lock.wrong');
    }
  };
  return {
    node: el('div', { class: 'buttons' },
      el('button', { dataset: { control: 'lock' }, onclick: () => operate('lock') }, t('lock.lock')),
      el('button', { dataset: { control: 'unlock' }, onclick: () => operate('unlock') }, t('lock.unlock'))),
    update: () => {},
  };
}

/** The controls of `device` for this session: [{node, update(device)}]. */
export function controlsFor(state, device) {
  if (state.session.role === 'guest') return [];
  const writable = (name) => { const p = property(device, name); return Boolean(p && p.writable); };
  const out = [];
  switch (device.type) {
    case 'light':
      out.push(toggle(state, device, 'on'));
      if (writable('brightness')) out.push(slider(state, device, 'brightness'));
      if (writable('color_temp_k')) out.push(slider(state, device, 'color_temp_k'));
      break;
    case 'switch': case 'plug': out.push(toggle(state, device, 'on')); break;
    case 'climate':
      out.push(toggle(state, device, 'on'));
      if (writable('mode')) out.push(modeSelect(state, device));
      out.push(setpoint(state, device));
      break;
    case 'lock': out.push(lockButtons(state, device)); break;
    default: break;
  }
  return out;
}
