// Home: every device the session may see, grouped by room (the descriptor's `area`; devices
// without one are grouped by type), with live state and one-tap controls.
import { el, replace } from './dom.js';
import { t, tr } from './i18n.js';
import { controlsFor } from './controls.js';
import { formatValue } from './format.js';

/** The line of state shown under a device's name. */
function summary(device) {
  const s = device.state || {};
  const parts = [];
  const show = (name) => { if (name in s) parts.push(`${tr(`prop.${name}`, name)}: ${formatValue(device, name, s[name])}`); };
  switch (device.type) {
    case 'light': show('on'); show('brightness'); break;
    case 'climate': show('mode'); show('current_temp'); break;
    case 'lock': show('lock_state'); show('door_state'); break;
    case 'sensor': show('value'); show('humidity'); break;
    case 'washer': show('operational_state'); show('phase'); break;
    case 'vacuum': show('operational_state'); show('battery'); break;
    case 'refrigerator': show('fridge_temp'); show('freezer_temp'); break;
    case 'plug': show('on'); show('power_w'); break;
    default: show('on'); show('motion'); show('value'); break;
  }
  return parts.join(' · ');
}

function card(state, device) {
  const name = el('a', { class: 'name', href: `#/device/${device.id}` }, device.name || device.id);
  const line = el('p', { class: 'summary', dataset: { summary: device.id } });
  const badge = el('span', { class: 'badge' });
  const controls = controlsFor(state, device);
  const node = el('article', { class: 'card', dataset: { device: device.id } },
    el('div', { class: 'card-head' }, name, badge), line,
    controls.length ? el('div', { class: 'controls' }, controls.map((c) => c.node)) : null);
  const update = () => {
    const d = state.devices.get(device.id) || device;
    line.textContent = summary(d);
    badge.textContent = d.online ? '' : t('device.offline');
    node.classList.toggle('offline', !d.online);
    for (const c of controls) c.update(d);
  };
  update();
  return { node, update };
}

/** Renders Home into `main`; returns the view ({update(deviceId)}). */
export function renderHome(main, state) {
  const groups = new Map();
  const devices = [...state.devices.values()].sort((a, b) => String(a.name).localeCompare(String(b.name)));
  for (const device of devices) {
    const key = device.area ? `area:${device.area}` : `type:${device.type}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(device);
  }
  const cards = new Map();
  const sections = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, list]) => {
    const title = key.startsWith('area:') ? key.slice(5) : tr(`type.${key.slice(5)}`, key.slice(5));
    return el('section', { class: 'room' }, el('h2', {}, title),
      el('div', { class: 'cards' }, list.map((device) => {
        const c = card(state, device);
        cards.set(device.id, c);
        return c.node;
      })));
  });
  replace(main,
    state.session.role === 'guest' ? el('p', { class: 'note' }, t('home.guest')) : null,
    sections.length ? sections : el('p', { class: 'note' }, t('home.empty')));
  return { update: (id) => { const c = cards.get(id); if (c) c.update(); } };
}
