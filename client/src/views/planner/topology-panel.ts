import type { TopologyIssue } from '../../api/planning-types';
import { formatNumber, hasMessage, onLocaleChange, t } from '../../i18n';
import { element } from '../dom';

const SEVERITY_ORDER: Record<TopologyIssue['severity'], number> = { error: 0, warning: 1, info: 2 };

/**
 * The topology check of the open plan: gaps, overlaps, slivers, split or out-of-range grids,
 * worst first, with a chip per issue type that narrows the list to it. Clicking an issue calls
 * `onSelect`, which zooms the map to it.
 */
export class TopologyPanel {
  readonly element = element('div', 'topology-panel');
  private issues: TopologyIssue[] = [];
  private selected: TopologyIssue | null = null;
  private typeShown: string | null = null;

  constructor(private readonly onSelect: (issue: TopologyIssue) => void) {
    this.element.id = 'planner-topology';
    onLocaleChange(() => this.render());
  }

  show(issues: TopologyIssue[]): void {
    this.issues = [...issues].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
    this.selected = null;
    if (!this.issues.some((issue) => issue.type === this.typeShown)) this.typeShown = null;
    this.render();
  }

  private render(): void {
    if (this.issues.length === 0) {
      this.element.replaceChildren(element('p', 'hint ok', t('planner.topology.none')));
      return;
    }
    const shown = this.issues.filter((issue) => this.typeShown === null || issue.type === this.typeShown);
    const list = element('ul', 'issue-list');
    for (const issue of shown) list.append(element('li', '', this.issueButton(issue)));
    this.element.replaceChildren(
      element('p', 'hint', t('planner.topology.count', { count: this.issues.length })),
      this.typeChips(),
      list,
    );
  }

  private typeChips(): HTMLElement {
    const counts = new Map<string, { count: number; worst: TopologyIssue['severity'] }>();
    for (const issue of this.issues) {
      const entry = counts.get(issue.type) ?? { count: 0, worst: issue.severity };
      entry.count += 1;
      counts.set(issue.type, entry);
    }
    const chips = element('div', 'chips');
    for (const [type, { count, worst }] of counts) {
      const chip = element('button', `chip severity-${worst}`, `${typeName(type)} ${formatNumber(count)}`);
      chip.type = 'button';
      chip.dataset.type = type;
      chip.setAttribute('aria-pressed', String(type === this.typeShown));
      chip.addEventListener('click', () => {
        this.typeShown = this.typeShown === type ? null : type;
        this.render();
      });
      chips.append(chip);
    }
    return chips;
  }

  private issueButton(issue: TopologyIssue): HTMLButtonElement {
    const item = element(
      'button',
      'issue',
      element('span', `severity severity-${issue.severity}`, t(`severity.${issue.severity}`)),
      element('span', 'issue-type', typeName(issue.type)),
      element('span', 'issue-grids', issue.gridCodes.join(' · ')),
      element('span', 'issue-message', issue.message),
    );
    item.type = 'button';
    item.dataset.type = issue.type;
    item.setAttribute('aria-pressed', String(issue === this.selected));
    item.addEventListener('click', () => {
      this.selected = issue;
      this.render();
      this.onSelect(issue);
    });
    return item;
  }
}

function typeName(type: string): string {
  const key = `issue.${type}`;
  return hasMessage(key) ? t(key) : type;
}
