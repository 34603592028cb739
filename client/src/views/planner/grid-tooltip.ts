import type { MapLibreMap } from 'maplibre-gl';
import type { GridProperties } from '../../api/planning-types';
import { BALANCE_COLOURS, balanceClass } from '../../layers/planner/balance';
import { PLAN_GRID_FILL_LAYER_ID } from '../../layers/planner/plan-grids';
import { formatNumber, t } from '../../i18n';
import { element } from '../dom';
import { FeatureTooltip, tooltipLine as line } from '../feature-tooltip';
import { formatAreaKm2, formatCompactness } from '../format';

/** A card that follows the pointer over the plan's grids: code, households against target, figures. */
export const gridTooltip = (map: MapLibreMap): FeatureTooltip =>
  new FeatureTooltip(map, [PLAN_GRID_FILL_LAYER_ID], (feature) => content(feature.properties as GridProperties));

function content(grid: GridProperties): HTMLElement {
  const balance = balanceClass(grid.households, grid.target_min, grid.target_max);
  const chip = element('span', 'balance-chip');
  chip.style.background = BALANCE_COLOURS[balance];
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
