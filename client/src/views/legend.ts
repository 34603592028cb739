import { formatNumber } from '../i18n';
import { element } from './dom';

/** A colour chip of a map legend; `className` e.g. 'swatch-outline' for an outline only. */
export function legendSwatch(colour: string, className = ''): HTMLElement {
  const created = element('span', `swatch ${className}`.trim());
  created.style.setProperty('--swatch', colour);
  return created;
}

/**
 * One legend line: chip, label, and a count (a number also goes to data-count) or other text;
 * `name` goes to data-entry, for tests.
 */
export function legendRow(chip: HTMLElement, label: string, count: number | string, name?: string): HTMLLIElement {
  const text = typeof count === 'number' ? formatNumber(count) : count;
  const row = element('li', '', chip, element('span', 'legend-label', label), element('span', 'legend-count', text));
  if (typeof count === 'number') row.dataset.count = String(count);
  if (name) row.dataset.entry = name;
  return row;
}
