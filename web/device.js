// Device: every property with its live value, and a history chart of one property over 1 h,
// 24 h or 7 d (the bridge's `history` request over the live connection; downsampled rows come
// back with min/max/count and are drawn at their mean).
import { el, replace, toast } from './dom.js';
import { t, tr } from './i18n.js';
import { formatValue } from './format.js';
import { controlsFor } from './controls.js';
import uPlot from './vendor/uplot/uPlot.esm.js';

const RANGES = { '1h': 3600e3, '24h': 24 * 3600e3, '7d': 7 * 24 * 3600e3 };

/** The properties a chart can show, the device's main one first. */
function chartable(device) {
  const names = Object.entries(device.properties || {})
    .filter(([, p]) => p.type === 'int' || p.type === 'number' || p.type === 'bool')
    .map(([name]) => name);
  const main = ['value', 'current_temp', 'power_w', 'brightness', 'on', 'fridge_temp'].find((n) => names.includes(n));
  return main ? [main, ...names.filter((n) => n !== main)] : names;
}

function toNumber(value) {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'number' ? value : null;
}

export function renderDevice(main, state, id) {
  const device = state.devices.get(id);
  if (!device) {
    replace(main, el('p', { class: 'note' }, t('device.unknown')), el('a', { href: '#/' }, t('device.back')));
    return { update: () => {} };
  }
  const rows = new Map();
  const table = el('table', { class: 'props' },
    el('tbody', {}, Object.keys(device.properties || {}).sort().map((name) => {
      const cell = el('td', { dataset: { value: name } });
      rows.set(name, cell);
      return el('tr', {}, el('th', {}, tr(`prop.${name}`, name)), cell);
    })));
  const controls = controlsFor(state, device);
  const names = chartable(device);
  const select = el('select', { id: 'chart-property', 'aria-label': t('device.property'), onchange: () => draw() },
    names.map((n) => el('option', { value: n }, tr(`prop.${n}`, n))));
  let range = '24h';
  const rangeButtons = Object.keys(RANGES).map((r) => el('button', {
    class: r === range ? 'range active' : 'range', dataset: { range: r },
    onclick: () => { range = r; for (const b of rangeButtons) b.classList.toggle('active', b.dataset.range === r); draw(); },
  }, t(`range.${r}`)));
  const chartBox = el('div', { class: 'chart', id: 'chart' });
  const chartNote = el('p', { class: 'note', id: 'chart-note' });
  let plot = null;

  async function draw() {
    if (!select.value) return;
    const to = Date.now();
    const response = await state.live.request({ type: 'history',
      args: { device: id, property: select.value, from: to - RANGES[range], to, limit: 2000 } });
    if (response.status !== 'ok') { toast(response.error || t('chart.failed'), 'error'); return; }
    const points = (response.data && response.data.points) || response.data || [];
    const xs = []; const ys = [];
    for (const p of points) {
      const y = toNumber(p.value);
      if (y === null) continue;
      xs.push(p.ts / 1000); ys.push(y);
    }
    chartNote.textContent = xs.length ? t('chart.points', { count: xs.length }) : t('chart.empty');
    if (plot) plot.destroy();
    const width = Math.max(280, chartBox.clientWidth || 320);
    plot = new uPlot({ width, height: 220, series: [{}, { label: tr(`prop.${select.value}`, select.value), stroke: '#d9480f', width: 2 }],
      scales: { x: { time: true, range: [(to - RANGES[range]) / 1000, to / 1000] } }, legend: { show: false } },
    [xs, ys], chartBox);
    chartBox.dataset.points = String(xs.length);
  }

  const name = el('h1', { id: 'device-name' }, device.name || device.id);
  replace(main,
    el('a', { href: '#/', class: 'back' }, t('device.back')),
    name,
    el('p', { class: 'meta' }, `${tr(`type.${device.type}`, device.type)} · ${device.id}`),
    controls.length ? el('div', { class: 'controls' }, controls.map((c) => c.node)) : null,
    table,
    names.length ? el('section', { class: 'history' }, el('h2', {}, t('device.history')),
      el('div', { class: 'chart-tools' }, select, rangeButtons), chartBox, chartNote) : null);

  const update = (changed) => {
    if (changed !== id) return;
    const d = state.devices.get(id) || device;
    for (const [prop, cell] of rows) cell.textContent = formatValue(d, prop, (d.state || {})[prop]);
    for (const c of controls) c.update(d);
  };
  update(id);
  if (names.length) draw();
  return { update };
}
