import type { MapGeoJSONFeature, MapLibreMap } from 'maplibre-gl';
import type { GridOutside, HazardProperties, ResponsePointProperties, RingExposure } from '../../api/emergency-types';
import { formatNumber, t } from '../../i18n';
import { EXPOSED_GRID_LAYER_ID } from '../../layers/emergency/exposure-rings';
import { HAZARD_LAYER_IDS } from '../../layers/emergency/hazard-sources';
import { OUTSIDE_GRID_LAYER_ID, RESPONSE_POINT_LAYER_ID } from '../../layers/emergency/reach-areas';
import { element } from '../dom';
import { FeatureTooltip, tooltipLine } from '../feature-tooltip';
import { formatPercent } from '../format';
import { hazardTypeName, responsePointKindName, ringName } from './hazard-names';

/**
 * A card over what the emergency map draws: a hazard source (type, level, rings), a response
 * point, an exposed grid (its households inside each ring) or a grid outside the reach.
 * `rings` answers the rings shown now.
 */
export const emergencyTooltip = (map: MapLibreMap, rings: () => RingExposure[]): FeatureTooltip =>
  new FeatureTooltip(map, [...HAZARD_LAYER_IDS, RESPONSE_POINT_LAYER_ID, EXPOSED_GRID_LAYER_ID, OUTSIDE_GRID_LAYER_ID], (feature) =>
    content(feature, rings()),
  );

function content(feature: MapGeoJSONFeature, rings: RingExposure[]): HTMLElement | null {
  const properties = feature.properties;
  if (HAZARD_LAYER_IDS.includes(feature.layer.id)) {
    const hazard = properties as HazardProperties;
    // MapLibre hands nested values back as JSON text
    const ringsM = (typeof hazard.ringsM === 'string' ? JSON.parse(hazard.ringsM) : hazard.ringsM) as number[];
    return card(hazard.name ?? hazardTypeName(hazard.type), [
      tooltipLine(t('hazards.type'), hazardTypeName(hazard.type)),
      ...(hazard.level ? [tooltipLine(t('hazards.level'), hazard.level)] : []),
      tooltipLine(t('hazards.rings'), ringsM.map(ringName).join(' · ')),
    ]);
  }
  if (feature.layer.id === RESPONSE_POINT_LAYER_ID) {
    const point = properties as ResponsePointProperties;
    return card(point.name ?? responsePointKindName(point.kind), [tooltipLine(t('reach.kind'), responsePointKindName(point.kind))]);
  }
  if (feature.layer.id === OUTSIDE_GRID_LAYER_ID) {
    const grid = properties as GridOutside;
    return card(grid.name ?? grid.code, [
      tooltipLine(t('field.households'), formatNumber(grid.households)),
      tooltipLine(t('reach.householdsOutside'), formatNumber(grid.householdsOutside)),
      tooltipLine(t('reach.reachShare'), formatPercent(grid.reachShare)),
    ]);
  }
  const code = String(properties.code);
  const inRings = rings.flatMap((ring) => ring.grids.filter((grid) => grid.code === code).map((grid) => ({ ring, grid })));
  if (inRings.length === 0) return null;
  const { grid } = inRings[0];
  return card(grid.name ?? code, [
    tooltipLine(t('field.households'), formatNumber(grid.householdsTotal)),
    ...inRings.map(({ ring, grid: inside }) =>
      tooltipLine(t('exposure.insideRing', { ring: ringName(ring.radiusM) }), formatNumber(inside.householdsInside)),
    ),
  ]);
}

function card(title: string, lines: HTMLElement[]): HTMLElement {
  return element('div', 'tooltip-body', element('div', 'tooltip-title', title), ...lines);
}
