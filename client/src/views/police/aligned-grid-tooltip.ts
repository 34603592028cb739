import type { MapLibreMap } from 'maplibre-gl';
import type { LayerGridProperties } from '../../api/layers-api';
import type { GridAlignment, ProposalRow } from '../../api/overlay-types';
import { ALIGNED_FILL_LAYER_ID } from '../../layers/police/alignment-grids';
import { formatNumber, t } from '../../i18n';
import { element } from '../dom';
import { FeatureTooltip, tooltipLine } from '../feature-tooltip';
import { formatPercent } from '../format';

/** What the tooltip reads about the grid under the pointer. */
export interface AlignedGridLookup {
  name(code: string): string | null;
  alignment(code: string): GridAlignment | undefined;
  overlay(code: string): LayerGridProperties | undefined;
  /** the previewed proposal's row, while one is shown */
  proposal(code: string): ProposalRow | undefined;
}

/**
 * A card over the comprehensive grids: the grid, its households, and each overlay grid covering it
 * (code, name, station, officer) with its share of area and households; with a proposal, where it would go.
 */
export const alignedGridTooltip = (map: MapLibreMap, lookup: AlignedGridLookup): FeatureTooltip =>
  new FeatureTooltip(map, [ALIGNED_FILL_LAYER_ID], (feature) => {
    const code = String(feature.properties.code);
    const grid = lookup.alignment(code);
    return grid ? content(grid, lookup) : null;
  });

function content(grid: GridAlignment, lookup: AlignedGridLookup): HTMLElement {
  const name = lookup.name(grid.code);
  const status = grid.wholeIn === null ? t('police.tooltip.split', { count: grid.overlays.length }) : t('police.tooltip.whole');
  const parts: HTMLElement[] = [
    element('div', 'tooltip-title', name ?? grid.code),
    ...(name ? [element('div', 'tooltip-code', grid.code)] : []),
    tooltipLine(t('field.households'), formatNumber(grid.households)),
    tooltipLine(t('police.tooltip.status'), status),
  ];
  for (const overlay of grid.overlays) {
    const info = lookup.overlay(overlay.code);
    const shares = t('police.tooltip.shares', {
      area: formatPercent(overlay.areaShare),
      households: formatPercent(overlay.householdsShare),
    });
    parts.push(element('div', 'tooltip-overlay', element('b', '', [overlay.code, info?.name].filter(Boolean).join(' ')), element('span', '', shares)));
    const duty = [info?.properties.station, info?.properties.officer].filter((value) => typeof value === 'string' && value).join(' · ');
    if (duty) parts.push(element('div', 'tooltip-code', duty));
  }
  const row = lookup.proposal(grid.code);
  if (row) {
    const proposed = row.changed ? t('police.tooltip.movesTo', { code: row.proposed }) : t('police.tooltip.staysIn', { code: row.proposed });
    parts.push(tooltipLine(t('police.tooltip.proposal'), proposed));
  }
  return element('div', 'tooltip-body', ...parts);
}
