import { fetchPlanDiff, fetchPlanDiffGeojson, fetchPlans } from '../../api/planning-api';
import type { DiffCollection, PlanDiff, PlanSummary } from '../../api/planning-types';
import { formatNumber, onLocaleChange, t, translatedElement } from '../../i18n';
import { element, option } from '../dom';

/** Rows of the household-move table listed; the rest are counted under it. */
const MOVES_SHOWN = 12;

/**
 * Compares the open plan with another plan of its layer: how many grids changed, were added or
 * removed, and a table of households moving from grid to grid; the changed grids go to the map.
 */
export class ComparePanel {
  readonly element = element('div', 'compare-panel');
  private readonly planSelect = element('select', 'input');
  private readonly compareButton = translatedElement('button', 'planner.compare.run', 'button');
  private readonly clearButton = translatedElement('button', 'planner.compare.clear', 'button button-quiet');
  private readonly result = element('div', 'compare-result');
  private current: PlanSummary | null = null;
  private others: PlanSummary[] = [];
  private diff: PlanDiff | null = null;
  private problem: string | null = null;

  constructor(private readonly onDiff: (diff: DiffCollection | null) => void) {
    this.element.id = 'planner-compare';
    this.planSelect.id = 'planner-compare-plan';
    this.compareButton.type = 'button';
    this.compareButton.id = 'planner-compare-run';
    this.clearButton.type = 'button';
    this.compareButton.addEventListener('click', () => void this.compare());
    this.clearButton.addEventListener('click', () => this.clear());
    const label = translatedElement('label', 'planner.compare.with', 'form-label');
    label.htmlFor = this.planSelect.id;
    this.element.append(
      element('div', 'form-row', label, this.planSelect),
      element('div', 'button-row', this.compareButton, this.clearButton),
      this.result,
    );
    onLocaleChange(() => this.render());
  }

  /** Lists the other plans of the open plan's layer; a new plan clears the comparison. */
  async showPlan(plan: PlanSummary | null): Promise<void> {
    if (plan?.id !== this.current?.id) this.clear();
    this.current = plan;
    this.others = plan ? (await fetchPlans(plan.layer_id)).filter((other) => other.id !== plan.id) : [];
    this.render();
  }

  private async compare(): Promise<void> {
    const other = Number(this.planSelect.value);
    if (!this.current || !other) return;
    this.compareButton.disabled = true;
    try {
      const [diff, geojson] = await Promise.all([
        fetchPlanDiff(other, this.current.id),
        fetchPlanDiffGeojson(other, this.current.id),
      ]);
      this.diff = diff;
      this.problem = null;
      this.onDiff(geojson);
    } catch (error) {
      this.problem = (error as Error).message;
    } finally {
      this.compareButton.disabled = false;
      this.render();
    }
  }

  private clear(): void {
    this.diff = null;
    this.problem = null;
    this.onDiff(null);
    this.render();
  }

  private render(): void {
    const chosen = this.planSelect.value;
    this.planSelect.replaceChildren(
      ...this.others.map((plan) => option(String(plan.id), `${plan.name} · ${t(`planner.plan.status.${plan.status}`)}`)),
    );
    if (this.others.some((plan) => String(plan.id) === chosen)) this.planSelect.value = chosen;
    this.planSelect.disabled = this.others.length === 0;
    this.compareButton.disabled = this.others.length === 0;
    this.clearButton.hidden = this.diff === null;
    if (this.others.length === 0) return this.result.replaceChildren(element('p', 'hint', t('planner.compare.none')));
    if (this.problem) return this.result.replaceChildren(element('p', 'form-error', this.problem));
    this.result.replaceChildren(...(this.diff ? diffDetails(this.diff) : []));
  }
}

function diffDetails(diff: PlanDiff): HTMLElement[] {
  const counts = element(
    'p',
    'diff-counts',
    t('planner.compare.counts', {
      reshaped: formatNumber(diff.reshaped.length),
      added: formatNumber(diff.added.length),
      removed: formatNumber(diff.removed.length),
      unchanged: formatNumber(diff.unchanged),
    }),
  );
  counts.id = 'planner-diff-counts';
  if (diff.moves.length === 0) return [counts, element('p', 'hint', t('planner.compare.noMoves'))];
  const moves = [...diff.moves].sort((a, b) => b.households - a.households);
  const head = element(
    'tr',
    '',
    element('th', '', t('planner.compare.from')),
    element('th', '', ''),
    element('th', '', t('planner.compare.to')),
    element('th', 'num', t('field.households')),
  );
  const body = element('tbody', '');
  for (const move of moves.slice(0, MOVES_SHOWN)) {
    body.append(
      element(
        'tr',
        '',
        element('td', 'grid-code', move.from ?? '—'),
        element('td', 'arrow', '→'),
        element('td', 'grid-code', move.to ?? '—'),
        element('td', 'num', formatNumber(move.households)),
      ),
    );
  }
  const table = element('table', 'moves-table', element('thead', '', head), body);
  table.id = 'planner-moves';
  const total = moves.reduce((sum, move) => sum + move.households, 0);
  const caption = t('planner.compare.moves', { count: formatNumber(moves.length), households: formatNumber(total) });
  const parts = [counts, element('h3', 'subheading', caption), table];
  if (moves.length > MOVES_SHOWN) {
    parts.push(element('p', 'hint', t('planner.compare.more', { count: formatNumber(moves.length - MOVES_SHOWN) })));
  }
  return parts;
}
