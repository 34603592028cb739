import { Popup, type MapLibreMap, type MapMouseEvent } from 'maplibre-gl';
import type { GridProperties } from '../../api/planning-types';
import { BALANCE_COLOURS, balanceClass } from '../../layers/planner/balance';
import { PLAN_GRID_FILL_LAYER_ID } from '../../layers/planner/plan-grids';
import { formatNumber, t } from '../../i18n';
import { element } from '../dom';
import { formatAreaKm2, formatCompactness } from '../format';

/** A small card that follows the pointer over the plan's grids: code, households against target, figures. */
export class GridTooltip {
  private readonly popup = new Popup({
    closeButton: false,
    closeOnClick: false,
    offset: 14,
    maxWidth: '320px',
    className: 'grid-tooltip',
  });
  private readonly onMove = (event: MapMouseEvent) => this.follow(event);
  private readonly onLeave = () => this.popup.remove();

  constructor(private readonly map: MapLibreMap) {}

  enable(): void {
    this.map.on('mousemove', this.onMove);
    this.map.on('mouseout', this.onLeave);
  }

  disable(): void {
    this.map.off('mousemove', this.onMove);
    this.map.off('mouseout', this.onLeave);
    this.popup.remove();
  }

  private follow(event: MapMouseEvent): void {
    const layers = this.map.getLayer(PLAN_GRID_FILL_LAYER_ID) ? [PLAN_GRID_FILL_LAYER_ID] : [];
    const [feature] = layers.length ? this.map.queryRenderedFeatures(event.point, { layers }) : [];
    if (!feature) return void this.popup.remove();
    this.popup.setLngLat(event.lngLat).setDOMContent(content(feature.properties as GridProperties));
    if (!this.popup.isOpen()) this.popup.addTo(this.map);
  }
}

function content(grid: GridProperties): HTMLElement {
  const balance = balanceClass(grid.households, grid.target_min, grid.target_max);
  const chip = element('span', 'balance-chip');
  chip.style.background = BALANCE_COLOURS[balance];
  const line = (label: string, value: string) => element('div', 'tooltip-line', element('span', '', label), element('b', '', value));
  return element(
    'div',
    'tooltip-body',
    element('div', 'tooltip-title', chip, grid.name ?? grid.code),
    ...(grid.name ? [element('div', 'tooltip-code', grid.code)] : []),
    line(t('field.households'), `${formatNumber(grid.households)} · ${t(`legend.${balance}`)}`),
    line(t('planner.figures.targetLabel'), t('planner.figures.target', { min: grid.target_min, max: grid.target_max })),
    line(t('field.population'), formatNumber(grid.population)),
    line(t('field.area'), formatAreaKm2(grid.area_m2)),
    line(t('planner.figures.compactness'), formatCompactness(grid.polsby_popper)),
  );
}
