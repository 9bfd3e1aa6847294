// Showing property values: units from the descriptor, translated enum and boolean words.
import { t, tr } from './i18n.js';

export function formatValue(device, name, value) {
  const p = (device.properties || {})[name] || {};
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? t('value.on') : t('value.off');
  if (p.type === 'enum') return tr(`enum.${value}`, value);
  if (typeof value === 'number') return p.unit ? `${value} ${p.unit}` : String(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
