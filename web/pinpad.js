// The PIN pad for locks: a modal with digit buttons (no keyboard needed on a phone). Resolves
// with the digits typed, or null when cancelled. The PIN is kept only until it is sent.
import { el } from './dom.js';
import { t } from './i18n.js';

export function askPin(title, error = '') {
  return new Promise((resolve) => {
    let digits = '';
    const shown = el('div', { class: 'pin-dots', id: 'pin-dots' });
    const show = () => { shown.textContent = '●'.repeat(digits.length) || '—'; };
    const close = (value) => { dialog.remove(); resolve(value); };
    const key = (d) => el('button', { class: 'pin-key', dataset: { digit: d }, onclick: () => {
      if (digits.length < 8) digits += d;
      show();
    } }, d);
    const dialog = el('div', { class: 'modal', role: 'dialog', 'aria-modal': 'true' },
      el('div', { class: 'pinpad' },
        el('h2', {}, title),
        error ? el('p', { class: 'error', id: 'pin-error' }, error) : null,
        shown,
        el('div', { class: 'pin-keys' },
          ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map(key),
          el('button', { class: 'pin-key', onclick: () => { digits = digits.slice(0, -1); show(); } }, '⌫'),
          key('0'),
          el('button', { class: 'pin-key ok', id: 'pin-ok', onclick: () => close(digits) }, t('lock.ok'))),
        el('button', { class: 'link', onclick: () => close(null) }, t('lock.cancel'))));
    show();
    document.body.append(dialog);
  });
}
