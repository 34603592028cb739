import { en } from './messages.en';
import { zhCN, type MessageKey } from './messages.zh-CN';

export type { MessageKey };
export type Locale = 'zh-CN' | 'en';

const catalogues: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'gridatlas.locale';
const listeners = new Set<() => void>();

let currentLocale: Locale = localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';

export function getLocale(): Locale {
  return currentLocale;
}

/**
 * The UI string for `key` in the current locale, with `{name}` placeholders filled in.
 * @example t('status.failed', { message: 'timeout' }) // '加载失败：timeout'
 */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return catalogues[currentLocale][key].replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    name in params ? String(params[name]) : placeholder,
  );
}

/** Whether `key` is a message key, for keys built from server values (e.g. a job's stage). */
export function hasMessage(key: string): key is MessageKey {
  return key in catalogues[currentLocale];
}

/** Formats a number the way the current locale writes it (digit grouping, decimals). */
export function formatNumber(value: number, maximumFractionDigits = 0, minimumFractionDigits = 0): string {
  return new Intl.NumberFormat(currentLocale, { maximumFractionDigits, minimumFractionDigits }).format(value);
}

/** Switches the locale, remembers it, retranslates `[data-i18n]` elements and tells listeners. */
export function setLocale(locale: Locale): void {
  currentLocale = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  translateDocument();
  for (const listener of listeners) listener();
}

/** Calls `listener` after every locale switch; returns a function that stops it. */
export function onLocaleChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Creates an element whose text follows the locale (kept up to date by `setLocale`). */
export function translatedElement<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  key: MessageKey,
  className?: string,
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.dataset.i18n = key;
  element.textContent = t(key);
  if (className) element.className = className;
  return element;
}

/** Sets the text of every `[data-i18n]` element, the page title and `<html lang>`. */
export function translateDocument(): void {
  document.documentElement.lang = currentLocale;
  document.title = t('app.title');
  for (const element of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n as MessageKey);
  }
}
