import { fetchAreaLabels } from '../../api/gridatlas-api';
import type { AreaDetail, AreaProperties } from '../../api/types';
import { formatNumber, onLocaleChange, t, translatedElement } from '../../i18n';
import { element, option } from '../dom';
import { formatAreaKm2 } from '../format';

/**
 * Step 1 of planning: the area to partition, chosen from a street list and a community list
 * (or clicked on the map, which the lists then follow), with its households, population and area.
 */
export class AreaPicker {
  readonly element: HTMLElement;
  private readonly streetSelect = element('select', 'input');
  private readonly communitySelect = element('select', 'input');
  private readonly summary = element('div', 'area-summary');
  private streets: AreaProperties[] = [];
  private communities: AreaProperties[] = [];
  private shown: AreaDetail | null = null;

  constructor(private readonly onPick: (code: string) => void) {
    this.streetSelect.id = 'planner-street';
    this.communitySelect.id = 'planner-community';
    this.streetSelect.addEventListener('change', () => {
      this.fillCommunities(this.streetSelect.value);
      if (this.streetSelect.value) this.onPick(this.streetSelect.value);
    });
    this.communitySelect.addEventListener('change', () => {
      const code = this.communitySelect.value || this.streetSelect.value;
      if (code) this.onPick(code);
    });
    const row = (labelKey: 'planner.area.street' | 'planner.area.community', select: HTMLSelectElement) => {
      const label = translatedElement('label', labelKey, 'form-label');
      label.htmlFor = select.id;
      return element('div', 'form-row', label, select);
    };
    this.element = element(
      'section',
      'panel-section planner-step',
      translatedElement('h2', 'planner.area.title'),
      row('planner.area.street', this.streetSelect),
      row('planner.area.community', this.communitySelect),
      translatedElement('p', 'planner.area.hint', 'hint'),
      this.summary,
    );
    this.element.id = 'planner-area';
    onLocaleChange(() => {
      this.fillStreets();
      this.fillCommunities(this.streetSelect.value);
      this.renderSummary();
    });
  }

  /** Fetches the streets and communities for the lists. */
  async load(): Promise<void> {
    const [streets, communities] = await Promise.all([
      fetchAreaLabels({ level: 'street' }),
      fetchAreaLabels({ level: 'community' }),
    ]);
    const byCode = (a: AreaProperties, b: AreaProperties) => a.code.localeCompare(b.code);
    this.streets = streets.features.map((feature) => feature.properties).sort(byCode);
    this.communities = communities.features.map((feature) => feature.properties).sort(byCode);
    this.fillStreets();
    this.fillCommunities('');
  }

  /** Shows an area as the chosen one; the lists follow when it was picked on the map. */
  show(area: AreaDetail): void {
    this.shown = area;
    const { code, level, parent_code: parent } = area.properties;
    const street = level === 'community' ? (parent ?? '') : code;
    this.streetSelect.value = street;
    this.fillCommunities(street);
    this.communitySelect.value = level === 'community' ? code : '';
    this.renderSummary();
  }

  private fillStreets(): void {
    const chosen = this.streetSelect.value;
    this.streetSelect.replaceChildren(
      option('', t('planner.area.chooseStreet')),
      ...this.streets.map((street) => option(street.code, street.name)),
    );
    this.streetSelect.value = chosen;
  }

  private fillCommunities(streetCode: string): void {
    const chosen = this.communitySelect.value;
    const inStreet = this.communities.filter((community) => community.parent_code === streetCode);
    this.communitySelect.replaceChildren(
      option('', t('planner.area.wholeStreet')),
      ...inStreet.map((community) => option(community.code, community.name)),
    );
    this.communitySelect.disabled = streetCode === '';
    this.communitySelect.value = inStreet.some((community) => community.code === chosen) ? chosen : '';
  }

  private renderSummary(): void {
    if (!this.shown) return this.summary.replaceChildren();
    const { name, level, stats } = this.shown.properties;
    this.summary.replaceChildren(
      element('div', 'area-summary-name', name, element('span', 'badge', t(`level.${level}`))),
      element(
        'div',
        'area-summary-figures',
        t('planner.area.figures', {
          households: formatNumber(stats.households),
          population: formatNumber(stats.population),
          area: formatAreaKm2(stats.areaM2),
        }),
      ),
    );
  }
}
