import type { LayerSpecification, MapLibreMap } from 'maplibre-gl';
import type { SourceId, TileSourceInfo } from '../api/types';
import { addressPointLayers, ADDRESS_POINTS_SWATCH } from './address-points';
import { areaFillLayers, areaOutlineLayers, AREAS_SWATCH, selectedAreaLayer } from './areas';
import { barrierLayers, BARRIERS_SWATCH } from './barriers';
import { gridLayers, GRIDS_SWATCH } from './grids';
import { styleLayerToggle, type LayerToggle, type StyleLayerGroup } from './layer-toggle';
import { addVectorSources } from './vector-sources';

/**
 * Adds our vector sources and their style layers on top of the base style, bottom to top:
 * area fills, grids, barriers, area outlines, the selection outline, address points.
 * Returns one toggle per source, in panel order. Sources the server does not list are skipped,
 * except `areas`, without which the map has nothing to show. Over a basemap, area fills are lighter.
 */
export function addOperationalLayers(map: MapLibreMap, sources: TileSourceInfo[], overBasemap: boolean): LayerToggle[] {
  const byId = new Map<SourceId, TileSourceInfo>(sources.map((source) => [source.id, source]));
  const areas = byId.get('areas');
  if (!areas) throw new Error('the server lists no "areas" tile source');
  const layersOf = (id: SourceId, build: (source: TileSourceInfo) => LayerSpecification[]) => {
    const source = byId.get(id);
    return source ? build(source) : [];
  };

  const areaFills = areaFillLayers(areas, overBasemap);
  const areaOutlines = [...areaOutlineLayers(areas), selectedAreaLayer(areas)];
  const grids = layersOf('grids', gridLayers);
  const barriers = layersOf('barriers', barrierLayers);
  const addressPoints = layersOf('address_points', addressPointLayers);

  addVectorSources(map, sources);
  for (const layer of [...areaFills, ...grids, ...barriers, ...areaOutlines, ...addressPoints]) map.addLayer(layer);

  const ids = (layers: LayerSpecification[]) => layers.map((layer) => layer.id);
  const groups: StyleLayerGroup[] = [
    { id: 'areas', titleKey: 'layer.areas', swatch: AREAS_SWATCH, layerIds: ids([...areaFills, ...areaOutlines]) },
    { id: 'grids', titleKey: 'layer.grids', swatch: GRIDS_SWATCH, layerIds: ids(grids) },
    { id: 'barriers', titleKey: 'layer.barriers', swatch: BARRIERS_SWATCH, layerIds: ids(barriers) },
    {
      id: 'address_points',
      titleKey: 'layer.addressPoints',
      swatch: ADDRESS_POINTS_SWATCH,
      layerIds: ids(addressPoints),
    },
  ];
  return groups.filter((group) => group.layerIds.length > 0).map((group) => styleLayerToggle(map, group));
}
