import { formatNumber } from '../i18n';
import { element } from './dom';

/**
 * One "label … value" row of a `<dl class="fields">`, named by `data-field`; `value` (the number
 * behind the text, when there is one) goes to `data-value` for tests and scripts.
 */
export function fieldRow(name: string, label: string, text: string, value?: number | null): HTMLElement {
  const row = element('div', 'field', element('dt', '', label), element('dd', '', text));
  row.dataset.field = name;
  if (value !== undefined && value !== null) row.dataset.value = String(value);
  return row;
}

/** A right-aligned table cell holding a number, with `data-field` and the raw `data-value`. */
export function numberCell(field: string, value: number, text = formatNumber(value)): HTMLTableCellElement {
  const cell = element('td', 'num', text);
  cell.dataset.field = field;
  cell.dataset.value = String(value);
  return cell;
}
