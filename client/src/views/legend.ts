import { formatNumber, onLocaleChange } from '../i18n';
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

/** A map legend card showing one view at a time (hidden without one), redrawn when the language changes. */
export abstract class MapLegend<V> {
  readonly element: HTMLElement;
  protected view: V | null = null;

  constructor(id: string, className = '') {
    this.element = element('aside', `map-card legend ${className}`.trim());
    this.element.id = id;
    this.element.hidden = true;
    onLocaleChange(() => this.render());
  }

  show(view: V | null): void {
    this.view = view;
    this.render();
  }

  protected abstract render(): void;
}
