import { fetchArea } from '../api/gridatlas-api';
import type { AreaDetail } from '../api/types';
import { formatNumber, onLocaleChange, t, translatedElement, type MessageKey } from '../i18n';
import { element } from './dom';
import { formatAreaKm2 } from './format';

type InspectState =
  | { kind: 'empty' }
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  | { kind: 'shown'; area: AreaDetail };

/** Shows the details of one area: name, code, level, households, population, area. */
export class InspectPanel {
  readonly element: HTMLElement;
  private readonly body = element('div', 'inspect-body');
  private state: InspectState = { kind: 'empty' };
  private pending?: AbortController;

  constructor() {
    const title = translatedElement('h2', 'inspect.title');
    this.element = element('section', 'panel-section inspect-panel', title, this.body);
    this.element.id = 'inspect-panel';
    onLocaleChange(() => this.render());
    this.render();
  }

  /** Fetches `/api/areas/<code>` and shows it; a later call supersedes an unfinished one. */
  async inspect(code: string): Promise<void> {
    this.pending?.abort();
    const request = new AbortController();
    this.pending = request;
    this.setState({ kind: 'loading' });
    try {
      const area = await fetchArea(code, request.signal);
      if (!request.signal.aborted) this.setState({ kind: 'shown', area });
    } catch (error) {
      if (!request.signal.aborted) this.setState({ kind: 'failed', message: (error as Error).message });
    }
  }

  private setState(state: InspectState): void {
    this.state = state;
    this.render();
  }

  private render(): void {
    this.body.dataset.state = this.state.kind;
    switch (this.state.kind) {
      case 'empty':
        return this.body.replaceChildren(element('p', 'hint', t('inspect.hint')));
      case 'loading':
        return this.body.replaceChildren(element('p', 'hint', t('inspect.loading')));
      case 'failed':
        return this.body.replaceChildren(element('p', 'error', t('inspect.failed', { message: this.state.message })));
      case 'shown':
        return this.body.replaceChildren(areaDetails(this.state.area));
    }
  }
}

function areaDetails({ properties: area }: AreaDetail): HTMLElement {
  const fields: [field: string, label: MessageKey, value: string][] = [
    ['name', 'field.name', area.name],
    ['code', 'field.code', area.code],
    ['level', 'field.level', t(`level.${area.level}`)],
    ['households', 'field.households', formatNumber(area.stats.households)],
    ['population', 'field.population', formatNumber(area.stats.population)],
    ['area', 'field.area', formatAreaKm2(area.stats.areaM2)],
    ['children', 'field.children', formatNumber(area.children)],
  ];
  const list = element('dl', 'fields');
  for (const [field, label, value] of fields) {
    const row = element('div', 'field', element('dt', '', t(label)), element('dd', '', value));
    row.dataset.field = field;
    list.append(row);
  }
  return list;
}
