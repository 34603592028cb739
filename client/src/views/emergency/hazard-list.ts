import type { HazardCollection, HazardProperties } from '../../api/emergency-types';
import { formatNumber, onLocaleChange, t, translatedElement } from '../../i18n';
import { hazardColour } from '../../layers/emergency/emergency-colours';
import { element } from '../dom';
import { hazardTypeName } from './hazard-names';

/** Up to this many hazards, every type's group starts open. */
const ALL_OPEN_MAX = 12;

/**
 * The hazard sources (风险源) grouped by type, each group folding open to buttons that show a
 * hazard's exposure; the group of the hazard looked at opens by itself.
 */
export class HazardList {
  readonly element: HTMLElement;
  private readonly body = element('div', 'hazard-list');
  private hazards: HazardProperties[] | null = null;
  private problem: string | null = null;
  private selected: number | null = null;
  /** The types whose group is unfolded. */
  private readonly openTypes = new Set<string>();

  constructor(private readonly onSelect: (id: number) => void) {
    this.element = element('section', 'panel-section', translatedElement('h2', 'hazards.title'), this.body);
    this.element.id = 'emergency-hazards';
    onLocaleChange(() => this.render());
    this.render();
  }

  show(hazards: HazardCollection): void {
    this.hazards = hazards.features.map((feature) => feature.properties);
    if (this.hazards.length <= ALL_OPEN_MAX) for (const hazard of this.hazards) this.openTypes.add(hazard.type);
    this.render();
  }

  failed(message: string): void {
    this.problem = message;
    this.render();
  }

  /** Marks a hazard as the one looked at (null: none). */
  select(id: number | null): void {
    this.selected = id;
    const type = this.hazards?.find((hazard) => hazard.id === id)?.type;
    if (type) this.openTypes.add(type);
    this.render();
  }

  private render(): void {
    if (this.problem) return this.body.replaceChildren(element('p', 'error', t('hazards.failed', { message: this.problem })));
    if (!this.hazards) return this.body.replaceChildren(element('p', 'hint', t('hazards.loading')));
    if (this.hazards.length === 0) return this.body.replaceChildren(element('p', 'hint', t('hazards.none')));
    const byType = new Map<string, HazardProperties[]>();
    for (const hazard of this.hazards) byType.set(hazard.type, [...(byType.get(hazard.type) ?? []), hazard]);
    const groups = [...byType].map(([type, hazards]) => {
      const chip = element('span', 'type-chip');
      chip.style.background = hazardColour(type);
      const heading = element('summary', 'subheading hazard-type', chip, hazardTypeName(type), element('span', 'legend-count', formatNumber(hazards.length)));
      const list = element('ul', 'hazard-items', ...hazards.map((hazard) => element('li', '', this.hazardButton(hazard))));
      const group = element('details', 'hazard-group', heading, list);
      group.dataset.type = type;
      group.open = this.openTypes.has(type);
      group.addEventListener('toggle', () => (group.open ? this.openTypes.add(type) : this.openTypes.delete(type)));
      return group;
    });
    this.body.replaceChildren(element('p', 'hint', t('hazards.hint', { count: formatNumber(this.hazards.length) })), ...groups);
  }

  private hazardButton(hazard: HazardProperties): HTMLButtonElement {
    const button = element(
      'button',
      'hazard-item',
      element('span', 'hazard-name', hazard.name ?? hazard.ext_id ?? `#${hazard.id}`),
      element('span', 'hazard-level', hazard.level ?? ''),
    );
    button.type = 'button';
    button.dataset.hazard = String(hazard.id);
    button.setAttribute('aria-pressed', String(hazard.id === this.selected));
    button.addEventListener('click', () => this.onSelect(hazard.id));
    return button;
  }
}
