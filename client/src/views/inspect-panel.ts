import { fetchArea } from '../api/gridatlas-api';
import type { AreaDetail } from '../api/types';
import { formatNumber, onLocaleChange, t, translatedElement, type MessageKey } from '../i18n';
import { element } from './dom';
import { fieldRow } from './fields';
import { renderLoadable, type Loadable, type LoadableTexts } from './loadable';
import { formatAreaKm2 } from './format';

const TEXTS: LoadableTexts = {
  empty: () => t('inspect.hint'),
  loading: () => t('inspect.loading'),
  failed: (message) => t('inspect.failed', { message }),
};

/** Shows the details of one area: name, code, level, households, population, area. */
export class InspectPanel {
  readonly element: HTMLElement;
  private readonly body = element('div', 'inspect-body');
  private state: Loadable<AreaDetail> = { kind: 'empty' };
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
      if (!request.signal.aborted) this.setState({ kind: 'shown', value: area });
    } catch (error) {
      if (!request.signal.aborted) this.setState({ kind: 'failed', message: (error as Error).message });
    }
  }

  private setState(state: Loadable<AreaDetail>): void {
    this.state = state;
    this.render();
  }

  private render(): void {
    renderLoadable(this.body, this.state, TEXTS, (area) => [areaDetails(area)]);
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
  return element('dl', 'fields', ...fields.map(([field, label, value]) => fieldRow(field, t(label), value)));
}
