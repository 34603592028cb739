import { fetchGridHistory, type AuditEntryView, type AuditPage, type GridState } from '../../api/audit-api';
import { formatNumber, getLocale, hasMessage, onLocaleChange, t } from '../../i18n';
import { element } from '../dom';

/** How many of a grid's latest changes the panel lists. */
const SHOWN = 10;
const SQUARE_METRES_PER_KM2 = 1_000_000;

type Loaded =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'loaded'; page: AuditPage };

/**
 * The history of one grid from the audit trail, for the grid figures card: who changed it, when,
 * how (split, merge, paint, undo, redo, import) and what changed — households, population, area,
 * boundary. Hidden when there is no single grid, or the user may not read the audit trail.
 */
export class GridHistory {
  readonly element = element('section', 'grid-history');
  private loaded: Loaded = { state: 'idle' };
  private request: AbortController | null = null;
  /** plan id, its version and the grid code of what is shown: a write raises the version, so the history is asked again */
  private shown: string | null = null;

  /** @param permitted whether the user holds audit:read; without it nothing is asked (the server would answer 403) */
  constructor(private readonly permitted: () => boolean = () => true) {
    this.element.id = 'planner-grid-history';
    this.element.hidden = true;
    onLocaleChange(() => this.render());
  }

  /**
   * Shows the history of grid `code` of `plan`, loading it unless it is shown for that version of
   * the plan already; hides it for null.
   */
  show(plan: { id: number; version: number } | null, code: string | null): void {
    const key = plan && code !== null && this.permitted() ? `${plan.id}:${plan.version}:${code}` : null;
    if (key === this.shown && key !== null) return;
    this.shown = key;
    this.request?.abort();
    this.request = null;
    if (!plan || code === null || key === null) {
      this.loaded = { state: 'idle' };
      return this.render();
    }
    const request = new AbortController();
    this.request = request;
    this.loaded = { state: 'loading' };
    this.element.dataset.grid = code;
    this.render();
    fetchGridHistory(plan.id, code, SHOWN, request.signal).then(
      (page) => this.settle(request, { state: 'loaded', page }),
      (error: unknown) => {
        if (request.signal.aborted) return;
        // no audit:read (a narrowed token): the history is simply not shown
        const status = (error as { status?: number }).status;
        this.settle(request, status === 403 ? { state: 'idle' } : { state: 'failed', message: (error as Error).message });
        if (this.request === null && this.loaded.state === 'failed') this.shown = null;
      },
    );
  }

  private settle(request: AbortController, loaded: Loaded): void {
    if (this.request !== request) return;
    this.request = null;
    this.loaded = loaded;
    this.render();
  }

  private render(): void {
    const loaded = this.loaded;
    this.element.hidden = loaded.state === 'idle';
    this.element.dataset.state = loaded.state;
    const title = element('h4', 'grid-history-title', t('planner.history.title'));
    switch (loaded.state) {
      case 'idle':
        return this.element.replaceChildren();
      case 'loading':
        return this.element.replaceChildren(title, element('p', 'figures-note', t('planner.history.loading')));
      case 'failed':
        return this.element.replaceChildren(title, element('p', 'figures-note form-error', t('planner.history.failed', { message: loaded.message })));
      case 'loaded': {
        const { entries, total } = loaded.page;
        if (entries.length === 0) return this.element.replaceChildren(title, element('p', 'figures-note', t('planner.history.empty')));
        const list = element('ol', 'grid-history-list', ...entries.map(entryItem));
        const more = total > entries.length ? [element('p', 'figures-note', t('planner.history.more', { shown: entries.length, total }))] : [];
        return this.element.replaceChildren(title, list, ...more);
      }
    }
  }
}

function entryItem(entry: AuditEntryView): HTMLLIElement {
  const head = element('div', 'grid-history-head',
    element('time', '', formatTime(entry.at)), ' · ',
    element('span', 'grid-history-actor', actorName(entry.actor)), ' · ',
    element('strong', 'grid-history-action', actionName(entry.action)));
  const item = element('li', '', head, element('div', 'grid-history-change', describeChange(entry.before as GridState | null, entry.after as GridState | null)));
  item.dataset.action = entry.action;
  item.dataset.actor = entry.actor;
  if (entry.requestId) item.dataset.requestId = entry.requestId;
  item.title = `${entry.at}${entry.requestId ? ` · ${t('planner.history.requestId')} ${entry.requestId}` : ''}`;
  (head.firstChild as HTMLTimeElement).dateTime = entry.at;
  return item;
}

const formatTime = (iso: string): string =>
  new Intl.DateTimeFormat(getLocale(), { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

/** 'user:alice' → alice; 'token:7:hotline' → hotline (API token); anything else as written ('system:seed', 'cli:import'). */
function actorName(actor: string): string {
  const user = /^user:(.+)$/.exec(actor);
  if (user) return user[1];
  const token = /^token:\d+:(.+)$/.exec(actor);
  return token ? t('planner.history.token', { name: token[1] }) : actor;
}

function actionName(action: string): string {
  const key = `audit.action.${action}`;
  return hasMessage(key) ? t(key) : action;
}

const km2 = (areaM2: number) => formatNumber(areaM2 / SQUARE_METRES_PER_KM2, 3, 3);

/** What changed between two states of a grid: the figures that differ, and whether the boundary moved. */
function describeChange(before: GridState | null, after: GridState | null): string {
  const figures = (s: GridState) => [
    `${t('field.households')} ${formatNumber(s.households)}`,
    `${t('field.population')} ${formatNumber(s.population)}`,
    t('unit.km2', { value: km2(s.areaM2) }),
  ];
  if (!before && after && typeof after.households !== 'number') {
    // an import: the grid as drawn in a file, no figures yet
    return t('planner.history.imported', { file: (after as { filename?: string | null }).filename ?? '—' });
  }
  if (!before && after) return [t('planner.history.created'), ...figures(after)].join(' · ');
  if (before && !after) return [t('planner.history.removed'), ...figures(before)].join(' · ');
  if (!before || !after) return '';
  const parts: string[] = [];
  const change = (field: string, from: number, to: number, text: (n: number) => string) => {
    if (from !== to) parts.push(t('planner.history.change', { field, before: text(from), after: text(to) }));
  };
  change(t('field.households'), before.households, after.households, formatNumber);
  change(t('field.population'), before.population, after.population, formatNumber);
  change(t('planner.figures.areaKm2'), before.areaM2, after.areaM2, km2);
  parts.push(t(before.geomSha256 === after.geomSha256 ? 'planner.history.shapeSame' : 'planner.history.shapeChanged'));
  return parts.join(' · ');
}
