// The string catalogues: one JSON file per language under /i18n/, chosen from the browser's
// languages (navigator.languages follows Accept-Language): Chinese for any zh-*, else English.

let strings = {};
let language = 'en';

/** The language to use for the browser's preferred languages. */
export function pickLanguage(preferred) {
  for (const tag of preferred || []) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (base === 'zh') return 'zh';
    if (base === 'en') return 'en';
  }
  return 'en';
}

/** Loads the catalogue for the browser's languages. */
export async function loadCatalogue() {
  language = pickLanguage(navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language]);
  const response = await fetch(`/i18n/${language}.json`, { credentials: 'same-origin' });
  strings = await response.json();
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
}

/** The text of `key` with {name} placeholders filled in; the key itself when missing. */
export function t(key, vars = {}) {
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

export function currentLanguage() { return language; }

/** The text of `key`, or `fallback` when the catalogue has none. */
export function tr(key, fallback) {
  return key in strings ? t(key) : String(fallback);
}
